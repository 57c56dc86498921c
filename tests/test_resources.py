"""Resources and cost split, priorities and governance: the framework's checks (file, line,
key, exit 2, nothing written), the figures against an independent computation, and the
governance warnings. Every framework here is synthetic."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import run_cli

from collab_metrics.analysis.resources import (
    priority_table,
    resource_table,
    resource_totals,
    unanswered,
)
from collab_metrics.model.framework import load_framework
from collab_metrics.model.problems import FrameworkError
from collab_metrics.model.resources import Contribution, Priority, governance_warnings

# Synthetic framework: two municipalities and an agency in Blekinge. Line numbers matter.
BASE = """\
collaboration:
  id: test-collab
  name: Test
  owner: Test owner
  area: "0010"
actors:
  - {id: karlshamn, name: Karlshamn, kind: municipality, area: "1082"}
  - {id: ronneby, name: Ronneby, kind: municipality, area: "1081"}
  - {id: af, name: Arbetsförmedlingen, kind: agency}
indicators:
  - id: youth
    title: Youth unemployment
    unit: "%"
    direction: decrease
    source: kolada
    query: {kpi: N03921}
shared_goals:
  - id: halve
    title: Halve it
    indicator: youth
    area: "0010"
    baseline: {year: 2013}
    target: {year: 2017, change_percent: -50}
"""

RESOURCES = """\
resources:
  currency: SEK
  agreed:
    - year: 2016
      total: 1000000
      shares: {karlshamn: 0.5, ronneby: 0.3, af: 0.2}
    - year: 2017
      amounts: {karlshamn: 400000, ronneby: 400000}
  contributions:
    - {actor: karlshamn, year: 2016, money: 500000, staff_fte: 0.5, in_kind: lokaler}
    - {actor: ronneby, year: 2016, money: 250000, note: resten 2017}
    - {actor: af, year: 2016, staff_fte: 1.0, in_kind: handläggare}
    - {actor: karlshamn, year: 2017, money: 420000}
"""


def _write(tmp_path: Path, text: str, name: str = "framework.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_figures_against_an_independent_computation(tmp_path: Path) -> None:
    fw = load_framework(_write(tmp_path, BASE + RESOURCES))
    table = resource_table(fw).set_index(["year", "actor"])
    # 2016: shares of a stated total
    assert table.loc[(2016, "karlshamn"), "agreed_amount"] == 500_000
    assert table.loc[(2016, "ronneby"), "agreed_amount"] == 300_000
    assert table.loc[(2016, "ronneby"), "difference"] == 250_000 - 300_000
    assert table.loc[(2016, "af"), "agreed_share"] == pytest.approx(0.2)
    assert table.loc[(2016, "af"), "staff_fte"] == 1.0
    assert table.loc[(2016, "karlshamn"), "actual_share"] == pytest.approx(500 / 750)
    # 2017: amounts, no total; ronneby agreed but reported nothing
    assert table.loc[(2017, "ronneby"), "agreed_share"] == pytest.approx(0.5)
    assert table.loc[(2017, "karlshamn"), "difference"] == 20_000
    assert pd_missing(table.loc[(2017, "ronneby"), "money"])
    assert table.loc[(2017, "karlshamn"), "source"] == "framework"
    totals = resource_totals(resource_table(fw)).set_index("year")
    assert totals.loc[2016, "agreed_total"] == 1_000_000
    assert totals.loc[2016, "money"] == 750_000
    assert totals.loc[2016, "difference"] == -250_000
    assert totals.loc[2016, "staff_fte"] == 1.5
    assert totals.loc[2017, "agreed_total"] == 800_000


def test_a_workbook_figure_replaces_the_files(tmp_path: Path) -> None:
    fw = load_framework(_write(tmp_path, BASE + RESOURCES))
    newer = Contribution(actor="ronneby", year=2016, money=300_000, note="betalt")
    table = resource_table(fw, [newer]).set_index(["year", "actor"])
    assert table.loc[(2016, "ronneby"), "money"] == 300_000
    assert table.loc[(2016, "ronneby"), "source"] == "workbook"
    assert table.loc[(2016, "karlshamn"), "source"] == "framework"
    assert table.loc[(2016, "ronneby"), "difference"] == 0


def pd_missing(value: object) -> bool:
    return value != value  # NaN


def test_percent_shares_are_read_as_percent(tmp_path: Path) -> None:
    text = BASE + RESOURCES.replace(
        "{karlshamn: 0.5, ronneby: 0.3, af: 0.2}", "{karlshamn: 50, ronneby: 30, af: 20}"
    )
    fw = load_framework(_write(tmp_path, text))
    table = resource_table(fw).set_index(["year", "actor"])
    assert table.loc[(2016, "ronneby"), "agreed_share"] == pytest.approx(0.3)
    assert table.loc[(2016, "ronneby"), "agreed_amount"] == 300_000


# (case, text to replace, replacement, file line, key, words)
BAD = [
    (
        "shares do not add up",
        "{karlshamn: 0.5, ronneby: 0.3, af: 0.2}",
        "{karlshamn: 0.5, ronneby: 0.3, af: 0.1}",
        27,
        "resources.agreed[0]",
        "add up to 0.9; they must add up to 1 (or 100 %)",
    ),
    (
        "unknown actor",
        "af: 0.2}",
        "arbetsformedlingen: 0.2}",
        29,
        "resources.agreed[0].shares.arbetsformedlingen",
        "unknown actor 'arbetsformedlingen'",
    ),
    (
        "negative amount",
        "{karlshamn: 400000, ronneby: 400000}",
        "{karlshamn: 400000, ronneby: -400000}",
        30,
        "resources.agreed[1]",
        "negative",
    ),
    (
        "amounts against the total",
        "      amounts: {karlshamn: 400000, ronneby: 400000}",
        "      total: 900000\n      amounts: {karlshamn: 400000, ronneby: 400000}",
        30,
        "resources.agreed[1]",
        "not the stated total 900,000",
    ),
    (
        "year out of range",
        "{actor: karlshamn, year: 2017, money: 420000}",
        "{actor: karlshamn, year: 1917, money: 420000}",
        36,
        "resources.contributions[3].year",
        "greater than or equal to 1950",
    ),
    (
        "negative money",
        "money: 250000, note",
        "money: -250000, note",
        34,
        "resources.contributions[1].money",
        "greater than or equal to 0",
    ),
    (
        "unknown contributor",
        "{actor: af, year: 2016",
        "{actor: afx, year: 2016",
        35,
        "resources.contributions[2].actor",
        "unknown actor 'afx'; did you mean 'af'?",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "key", "words"),
    [case[1:] for case in BAD],
    ids=[case[0] for case in BAD],
)
def test_validation_names_file_line_and_key(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    old: str,
    new: str,
    line: int,
    key: str,
    words: str,
) -> None:
    text = BASE + RESOURCES
    assert old in text
    path = _write(tmp_path, text.replace(old, new, 1))
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.iterdir())
    result = run_cli("validate", str(path))
    assert result.code == 2, result.out
    assert f"{path}:{line}: {key}: " in result.err, result.err
    assert words in result.err
    assert "Traceback" not in result.err
    store = tmp_path / "store.duckdb"
    assert run_cli("fetch", str(path), "--offline", "--store", str(store)).code == 2
    assert sorted(tmp_path.iterdir()) == before  # nothing written


def test_resources_from_a_file_of_their_own(tmp_path: Path) -> None:
    (tmp_path / "collab").mkdir()
    included = RESOURCES.replace("af: 0.2}", "nobody: 0.2}")
    _write(tmp_path / "collab", included, "resurser.yaml")
    path = _write(tmp_path, BASE + "resources: collab/resurser.yaml\n")
    with pytest.raises(FrameworkError) as caught:
        load_framework(path)
    [problem] = caught.value.problems
    assert problem.file == tmp_path / "collab" / "resurser.yaml"
    assert problem.line == 6 and problem.key == "resources.agreed[0].shares.nobody"
    _write(tmp_path / "collab", RESOURCES, "resurser.yaml")
    fw = load_framework(path)
    assert fw.resources is not None and len(fw.resources.contributions) == 4
    outside = _write(tmp_path, BASE + "resources: ../resurser.yaml\n", "outside.yaml")
    with pytest.raises(FrameworkError, match="lies outside the framework's folder"):
        load_framework(outside)


PRIORITIES = """\
priorities:
  - {id: p1, text: Feriearbete, owner: karlshamn, goals: [halve], period: 2016, outcome: done}
  - {id: p2, text: Uppsökande arbete, owner: af, goals: [halve], period: "2016"}
"""


def test_priorities_and_their_answers(tmp_path: Path) -> None:
    fw = load_framework(_write(tmp_path, BASE + PRIORITIES))
    table = priority_table(fw)
    assert table["outcome"].tolist()[0] == "done" and table["source"].tolist()[0] == "framework"
    assert unanswered(table) == ["p2"]
    answer = Priority(
        id="p2", text="Uppsökande arbete", owner="af", period="2016", outcome="partly"
    )
    table = priority_table(fw, [answer])
    assert table.set_index("priority").loc["p2", "source"] == "workbook"
    assert unanswered(table) == []
    bad = BASE + PRIORITIES.replace(
        'goals: [halve], period: "2016"', 'goals: [halv], period: "2016"'
    )
    with pytest.raises(
        FrameworkError, match=r"priorities\[1\] \(p2\).goals\[0\]: unknown goal 'halv'"
    ):
        load_framework(_write(tmp_path, bad))


GOVERNANCE = """\
governance:
  chair: Regiondirektören
  coordinating_actor: karlshamn
  decision_path: Styrgruppen bereder, kommunstyrelserna beslutar
  review_date: 2030-06-30
"""


def test_governance_warnings(tmp_path: Path) -> None:
    fw = load_framework(_write(tmp_path, BASE + GOVERNANCE))
    assert governance_warnings(fw, date(2026, 1, 1)) == []
    [passed] = governance_warnings(fw, date(2031, 1, 1))
    assert "review_date" in passed and "2030-06-30" in passed
    partial = BASE + "governance:\n  chair: Regiondirektören\n"
    fw = load_framework(_write(tmp_path, partial))
    [missing] = governance_warnings(fw, date(2026, 1, 1))
    assert missing == "governance: missing coordinating_actor, decision_path, review_date"
    assert governance_warnings(load_framework(_write(tmp_path, BASE)), date(2026, 1, 1)) == []


def test_validate_warns_but_accepts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, BASE + GOVERNANCE.replace("2030-06-30", "2001-01-31"))
    result = run_cli("validate", str(path))
    assert result.code == 0, result.err
    assert f"{path}: warning: governance.review_date" in result.err and "2001-01-31" in result.err
    unknown = _write(tmp_path, BASE + GOVERNANCE.replace("actor: karlshamn", "actor: kalrshamn"))
    result = run_cli("validate", str(unknown))
    assert result.code == 2
    assert f"{unknown}:26: governance.coordinating_actor: unknown actor 'kalrshamn'" in result.err
