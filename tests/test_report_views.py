"""The view models of the report parts from "what changed" on, on the real demo data.

Each part builds a view model (what to say) and renders it through its Jinja template (how
it looks); these tests check the view models directly and that every template renders.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from helpers import run_cli

from collab_metrics.report import appendix, attribution, baseline, changes, extract, sections

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"


@pytest.fixture(scope="module")
def blekinge(tmp_path_factory: pytest.TempPathFactory) -> sections.ReportContext:
    store = tmp_path_factory.mktemp("store") / "store.duckdb"
    assert run_cli("fetch", str(BLEKINGE), "--offline", "--store", str(store)).code == 0
    return sections.load_context(BLEKINGE, store, as_of=2017)


def test_what_changed_without_a_previous_report(blekinge: sections.ReportContext) -> None:
    view = changes.what_changed_view(blekinge)
    assert view.lead == "Det finns ingen tidigare rapport att jämföra med." and not view.parts


def test_newer_data_is_listed_apart(blekinge: sections.ReportContext) -> None:
    assert changes.newer_data_view(dataclasses.replace(blekinge, period=None)) is None
    view = changes.newer_data_view(dataclasses.replace(blekinge, period="2017-h1"))
    assert view is not None and view.table.rows
    assert "första halvåret 2017" in view.intro and view.intro.startswith("<p>")


def test_sources_view_names_every_indicator(blekinge: sections.ReportContext) -> None:
    view = attribution.sources_view(blekinge)
    assert [i.title for i in view.indicators] == [i.title for i in blekinge.fw.indicators]
    assert all(i.attribution.startswith("Källa: ") for i in view.indicators)


def test_extract_view_of_an_actor_with_a_goal(blekinge: sections.ReportContext) -> None:
    view = extract.extract_view(blekinge, "karlshamn")
    assert view.no_goals is None and len(view.goals) == 1
    goal = view.goals[0]
    assert "<img" in goal.chart and goal.paragraphs[0].startswith("Målet är att")
    assert not view.actions and "inga åtgärder" in view.no_actions


def test_baseline_view_covers_the_shared_goals_indicators(
    blekinge: sections.ReportContext,
) -> None:
    view = baseline.baseline_view(blekinge)
    expected = {g.indicator for g in blekinge.fw.shared_goals}
    assert expected <= {i.id for i in view.indicators}
    assert all(i.distribution.table or i.distribution.note for i in view.indicators)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_part_renders_from_its_template(
    blekinge: sections.ReportContext, language: str
) -> None:
    ctx = dataclasses.replace(blekinge, language=language, period="2017-h1")
    pages = [
        changes.what_changed(ctx),
        changes.newer_data(ctx),
        attribution.sources(ctx),
        appendix.method_appendix(ctx),
        extract.actor_extract(ctx, "karlshamn"),
        baseline.baseline_analysis(ctx),
    ]
    assert all(str(page).lstrip().startswith("<") for page in pages)
    # The notebooks reach every part through sections (in the collaboration's own words).
    assert sections.actor_extract.__wrapped__ is extract.actor_extract  # type: ignore[attr-defined]
