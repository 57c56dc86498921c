"""Early warning on real Kolada data (offline snapshot) with `--as-of` years as two periods:
a real downgrade, an overdue action and a silent actor must be flagged, a downgrade within
random variation must not, and the joint report's summary shows the box (status.json the
codes). The framework below is SYNTHETIC (its goals, actions and judgements are made up);
the values are the real ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cycle_setup import visible_text
from helpers import run_cli

import collab_metrics as cm
from collab_metrics.analysis.warnings import previous_period
from collab_metrics.model.blocks import luhn_valid

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"
SYNTHETIC = """\
collaboration: {id: ew-test, name: Synthetic early-warning test, owner: Test, area: "0010",
                cadence: yearly}
actors:
  - {id: karlshamn, name: Karlshamns kommun, kind: municipality, area: "1082"}
  - {id: karlskrona, name: Karlskrona kommun, kind: municipality, area: "1080"}
indicators:
  - {id: youth, title: Arbetslöshet 16-24 år, unit: "%", direction: decrease, source: kolada,
     query: {kpi: N03921}, breakdowns: [sex], population_base: population,
     population_share: 0.10}
  - {id: population, title: Invånare, unit: invånare, direction: neutral, source: kolada,
     query: {kpi: N01951}, breakdowns: [sex]}
shared_goals:
  - {id: lower, title: Sänk ungdomsarbetslösheten, indicator: youth, area: "0010",
     baseline: {year: 2013}, target: {year: 2025, change_percent: -55}}
actor_goals:
  - {id: karlshamn-lower, title: Sänk i Karlshamn, actor: karlshamn, contributes_to: lower,
     indicator: youth, baseline: {year: 2013}, target: {year: 2025, change_percent: -55}}
  - {id: karlskrona-lower, title: Sänk i Karlskrona, actor: karlskrona, contributes_to: lower,
     indicator: youth, baseline: {year: 2013}, target: {year: 2025, change_percent: -55}}
assessments:
  - {goal: karlskrona-lower, actor: karlskrona, period: "2020", judgement: partly}
actions:
  - {id: navigator, actor: karlshamn, goal: karlshamn-lower, description: Öppna navigatorcentrum,
     due: 2020-06-30, status: started}
  - {id: finished, actor: karlskrona, description: Klart, due: 2019-06-30, status: done}
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store.duckdb"
    assert run_cli("fetch", str(BLEKINGE), "--offline", "--store", str(path)).code == 0
    return path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("framework") / "ew-test.yaml"
    path.write_text(SYNTHETIC, encoding="utf-8")
    return path


def test_must_be_flagged(store: Path, synthetic: Path) -> None:
    """Karlshamn 2019 -> 2020: 7,5 % -> 9,0 %, +1,4 points against ±1,3 of noise."""
    before = cm.load(synthetic, store=store, as_of=2019)
    now = cm.load(synthetic, store=store, as_of=2020)
    found = now.warnings(previous=before)
    down = found[found["code"] == "status_downgrade"]
    assert down[["goal", "sex", "before", "now"]].values.tolist() == [
        ["karlshamn-lower", "total", "on_track", "acceleration_needed"]
    ]  # women and men say the same: one line for the goal
    row = down.iloc[0]
    assert (row.before_period, row.now_period) == ("2019", "2020")
    assert row.change == pytest.approx(8.953389 - 7.539298, abs=1e-4)
    assert row.noise == pytest.approx(1.338, abs=1e-3) and row.distinguishable
    overdue = found[found["code"] == "action_overdue"]
    assert overdue["action"].tolist() == ["navigator"]  # the done one is not overdue
    silent = found[found["code"] == "actor_silent"]
    assert silent["actor"].tolist() == ["karlshamn"]  # karlskrona assessed 2020
    assert (silent.iloc[0].before_period, silent.iloc[0].now_period) == ("2019", "2020")


def test_noise_only_is_not_flagged(store: Path) -> None:
    """Sölvesborg, women, 2015 -> 2016 goes from on track to acceleration needed while the
    value moved 0,9 points against about ±2,9 of random variation: not flagged."""
    before = cm.load(BLEKINGE, store=store, as_of=2015)
    now = cm.load(BLEKINGE, store=store, as_of=2016)
    statuses = {
        when: fu.status().query("goal == 'solvesborg-youth-unemployment' and sex == 'women'")
        for when, fu in (("before", before), ("now", now))
    }
    assert statuses["before"].status.item() == "on_track"
    assert statuses["now"].status.item() == "acceleration_needed"  # a downgrade ...
    found = now.warnings(previous=before)
    assert not (found["code"] == "status_downgrade").any()  # ... within random variation
    assert not (found["code"] == "chance_below").any()


def test_no_previous_report(store: Path, synthetic: Path) -> None:
    found = cm.load(synthetic, store=store, as_of=2020).warnings()
    assert set(found["code"]) == {"action_overdue", "actor_silent"}


def test_report_box_and_status_json(store: Path, synthetic: Path, tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    for year in ("2019", "2020"):
        result = run_cli(
            "report", str(synthetic), "--as-of", year, "--store", str(store), "--out",
            str(out), "--format", "html", "--jobs", "2",
        )  # fmt: skip
        assert result.code == 0, result.err
    first = (out / "ew-test" / "2019" / "joint_followup.html").read_text(encoding="utf-8")
    assert "Det finns ingen tidigare rapport att jämföra med" in visible_text(first)
    html = (out / "ew-test" / "2020" / "joint_followup.html").read_text(encoding="utf-8")
    text = visible_text(html)
    box = text[text.index("Tidig varning") :]
    assert "Jämfört med rapporten" in box and "(uppföljning 2019)" in box
    assert "status i rapporten för 2019: ▲ i fas; nu (2020): ◆" in box
    assert "7,5 % → 9,0 %" in box and "mer än slumpvariationen" in box
    assert "Öppna navigatorcentrum" in box and "Karlshamns kommun har inte lämnat" in box
    document = json.loads((out / "ew-test" / "2020" / "status.json").read_text("utf-8"))
    early = document["early_warning"]
    assert early["codes"] == ["action_overdue", "actor_silent", "status_downgrade"]
    assert early["previous_period"] == "2019" and early["reference_date"] == "2020-12-31"


def test_previous_period_and_org_id() -> None:
    assert [previous_period(p) for p in ("2017", "2024-h1", "2024-q3", "2024-01")] == [
        "2016", "2023-h2", "2024-q2", "2023-12",
    ]  # fmt: skip
    assert luhn_valid("2021002114") and not luhn_valid("2021002115")


def test_empty_box_says_since_when(synthetic: Path) -> None:
    """Nothing flagged: the box says nothing got worse since which report."""
    from datetime import date

    from collab_metrics.analysis.warnings import EarlyWarning
    from collab_metrics.model.framework import load_framework
    from collab_metrics.report.early_warning import box

    fw = load_framework(synthetic)
    empty = EarlyWarning("2019", date(2020, 12, 31), "unclear", [])
    shown = box(fw, empty, "sv", date(2026, 3, 12))
    assert shown.lead == "Inget har försämrats sedan rapporten 12 mars 2026 (uppföljning 2019)."
    assert shown.entries == ()
    english = box(fw, empty, "en", None)
    assert english.lead == "Nothing got worse since the previous report (follow-up 2019)."


def test_a_long_box_lists_twenty_shared_goals_first_and_counts_the_rest(synthetic: Path) -> None:
    """A national collaboration's first report warns about hundreds of goals and actors: the
    box lists twenty, the shared goal's first within a kind, and counts the rest by kind
    (SYNTHETIC entries on the synthetic framework)."""
    from datetime import date

    from collab_metrics.analysis.warnings import EarlyWarning, WarningEntry
    from collab_metrics.model.framework import load_framework
    from collab_metrics.report.early_warning import SHOWN, box

    fw = load_framework(synthetic)
    missed = {"target_year": 2025, "now_value": 4.0, "now_period": "2025", "sex": "total"}
    entries = [
        *(WarningEntry("target_missed", goal="karlshamn-lower", **missed) for _ in range(11)),
        WarningEntry("target_missed", goal="lower", **missed),
        *(WarningEntry("target_missed", goal="karlskrona-lower", **missed) for _ in range(11)),
        *(WarningEntry("actor_silent", actor="karlshamn", before_period="2024",
                       now_period="2025") for _ in range(3)),
    ]  # fmt: skip
    shown = box(fw, EarlyWarning(None, date(2026, 1, 1), "unclear", entries), "sv", None)
    assert len(shown.entries) == 26 and len(shown.shown) == SHOWN == 20
    assert shown.shown[0].startswith("”Sänk ungdomsarbetslösheten”: målet för 2025 nåddes inte")
    assert shown.more == (
        "Ytterligare 6 varningar (missade mål: 3, aktörer utan bedömning: 3) listas inte här; "
        "alla står i rapportens status.json."
    )
    few = box(fw, EarlyWarning(None, date(2026, 1, 1), "unclear", entries[:SHOWN]), "en", None)
    assert few.more == "" and few.shown == few.entries
