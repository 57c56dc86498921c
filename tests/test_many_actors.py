"""A collaboration of many actors (a national programme follows every municipality): the
joint report sets what grows with the actors compactly, so its summary and sections stay
readable and its PDF short. The framework is SYNTHETIC (30 municipalities with made-up
targets, `helpers.national_framework`); the values are the real ones from the offline
Kolada snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import NATIONAL_GOAL, national_framework, offline_store

from collab_metrics.model.framework import load_framework
from collab_metrics.report import render, sections
from collab_metrics.report.actor_goals import judgements_part
from collab_metrics.report.views import MANY

ACTORS = 30
BLEKINGE = Path(__file__).resolve().parent.parent / "params" / "blekinge-unga-lyfter.yaml"


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("many")
    params = folder / "many.yaml"
    framework = national_framework(ACTORS)
    params.write_text(yaml.safe_dump(framework, allow_unicode=True), encoding="utf-8")
    return params, offline_store(folder, params)


def test_many_actors_are_set_compactly(many: tuple[Path, Path]) -> None:
    params, store = many
    assert ACTORS > MANY
    ctx = sections.load_context(params, store, period="2022")
    names = [a.name for a in ctx.fw.actors]
    # The title page's actors in columns, every one of them named.
    title = str(sections.title_page(ctx))
    assert 'class="actors actors-many"' in title and all(n in title for n in names)
    # The actors' goals: one table row each, in the tighter style.
    goal = str(sections.goal_section(ctx, NATIONAL_GOAL))
    assert 'class="actor-goals-table many"' in goal
    # Nobody has assessed their goal: one sentence names them all instead of 30 empty rows.
    judged = str(judgements_part(ctx, ctx.fw.actor_goals, NATIONAL_GOAL))
    assert 'class="missing-assessment"' not in judged and "<table" not in judged
    assert "Ingen egen bedömning för 2022 har lämnats av: " + ", ".join(names[:-1]) in judged
    # The early warning lists twenty entries and counts the rest.
    summary = str(sections.summary(ctx))
    assert summary.count('<li class="warning ') == 20
    assert "Ytterligare " in summary and "aktörer utan bedömning: 30" in summary


def test_many_actor_goals_are_counted_in_the_sources(many: tuple[Path, Path]) -> None:
    params, store = many
    ctx = sections.load_context(params, store, period="2022")
    text = str(sections.sources(ctx))
    assert "mål ”Halvera ungdomsarbetslösheten i landet”; egna mål för 30 aktörer" in text
    assert "Halvera ungdomsarbetslösheten i Stockholm" not in text


def test_the_question_on_missing_assessments_does_not_name_them_all_again(
    many: tuple[Path, Path],
) -> None:
    params, store = many
    ctx = sections.load_context(params, store, period="2022")
    text = str(sections.discussion_questions(ctx))
    question = (
        "30 av 30 aktörsmål saknar egen bedömning för 2022 (de står under aktörernas egna "
        "bedömningar). Hur säkrar vi att alla bedömer sina mål till nästa uppföljning?"
    )
    assert question in text  # the whole question: no name in it


def test_the_joint_report_of_many_actor_goals_is_exported_alone(
    many: tuple[Path, Path], tmp_path: Path
) -> None:
    """From `EXPORT_ALONE_GOALS` actor goals its kernel is stopped before its PDF is laid
    out (`Job.export_alone`); with fewer, one kernel renders all the documents."""
    params, store = many
    big = tmp_path / "big.yaml"
    framework = national_framework(render.EXPORT_ALONE_GOALS)
    big.write_text(yaml.safe_dump(framework, allow_unicode=True), encoding="utf-8")
    jobs = render.plan(load_framework(big), big, store, None, None, "2022")
    assert [j.name for j in jobs if j.export_alone] == ["joint_followup"]
    for fewer in (params, BLEKINGE):
        assert not any(
            j.export_alone
            for j in render.plan(load_framework(fewer), fewer, store, None, None, "2022")
        )
