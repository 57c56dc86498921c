"""Several PxWeb tables as one series: stitched by period, the newer table winning."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
from pxweb_replay import PxWebReplay, dice
from pytest_httpserver import HTTPServer

from collab_metrics.analysis.assess import assess
from collab_metrics.model import areas
from collab_metrics.model.framework import SeriesBreak, load_framework
from collab_metrics.model.tidy import FetchResult, Seam, from_records
from collab_metrics.pipeline import fetch
from collab_metrics.report import attribution
from collab_metrics.sources.ddf import SnapshotRequest, read_snapshot
from collab_metrics.sources.http import make_session
from collab_metrics.sources.stitch import part_id, stitch
from collab_metrics.store import Store
from collab_metrics.text.reasons import in_words

REPO = Path(__file__).resolve().parents[1]

COUNTIES = frozenset(area.code for area in areas.regions())

# SYNTHETIC framework; the values are SCB's recorded TAB6471 (population per month by
# county, age and sex, 2026M01-M04), served as two tables split at a SYNTHETIC seam:
# "OLD6471" holds 2026M01-M02 and TAB6471 2026M02-M04, so 2026M02 is in both.
FRAMEWORK = """\
collaboration: {{id: synthetic-stitch, name: Synthetic, owner: Test, area: "0000"}}
actors: [{{id: analyst, name: Synthetic actor, kind: agency}}]
indicators:
  - id: population-20-29
    title: Befolkning 20-29 år
    unit: personer
    direction: increase
    source: pxweb
    query:
      url: {url}
      table: TAB6471
      earlier_tables: [OLD6471]
      selection: {{Alder: [20-29]}}
      sex_dimension: Kon
      sex_codes: {{total: TotSa, men: "1", women: "2"}}
shared_goals:
  - id: more
    title: Synthetic goal
    indicator: population-20-29
    area: "0010"
    baseline: {{year: 2026}}
    target: {{year: 2030, change_percent: 5}}
"""


def test_two_tables_give_one_series_with_the_stitch_stated(
    httpserver: HTTPServer, shared_data: Path, tmp_path: Path
) -> None:
    replay = PxWebReplay(httpserver, shared_data, maxCallsPerTimeWindow=1000)
    full = replay.add("TAB6471", "TAB6471_data.json", "TAB6471_metadata.json")
    every = {dim: ["*"] for dim in full["id"]}
    old = dice(full, {**every, "Tid": ["2026M01", "2026M02"]})
    new = dice(full, {**every, "Tid": ["2026M02", "2026M03", "2026M04"]})
    assert old is not None and new is not None
    replay.add("OLD6471", old)
    replay.add("TAB6471", new)
    params = tmp_path / "stitch.yaml"
    params.write_text(FRAMEWORK.format(url=replay.base_url), encoding="utf-8")
    fw = load_framework(params)
    series = fw.series_id("population-20-29")
    plan = [fetch.Need(series, "population-20-29", COUNTIES)]

    with make_session(None) as session:
        results, stitches = fetch._pxweb(fw, plan, session, date(2026, 6, 1), lambda *a: None)

    (result,) = results
    frame = result.frame
    assert set(frame["indicator"]) == {series}
    by_table = {path.split("/")[-2] for path in replay.paths if path.endswith("/data")}
    assert by_table == {"OLD6471", "TAB6471"}
    assert sorted(set(frame["period"])) == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert len(frame) == 21 * 3 * 4  # one row per county, sex and month: no duplicate
    assert result.seams == [Seam(series, "2026-02", "OLD6471", "TAB6471")]
    (seam,) = stitches
    assert str(seam) == (
        f"{series}: stitched from OLD6471 (2026-01 to 2026-01) + TAB6471 (2026-02 to "
        "2026-04); the newer table wins 1 shared periods; a possible series break at 2026-02"
    )


def test_the_newer_table_wins_an_overlap() -> None:
    """SYNTHETIC values: only the rule is tested here."""

    def row(table: str, period: str, value: float) -> dict[str, object]:
        return {
            "indicator": part_id("s", table),
            "area": "0010",
            "period": period,
            "sex": "total",
            "value": value,
            "status": "",
            "source": "pxweb",
            "retrieved_at": pd.Timestamp("2026-06-01", tz="UTC"),
        }

    frame = from_records([row("A", "2023", 1.0), row("A", "2024", 2.0), row("B", "2024", 2.5)])
    joined, seam = stitch(FetchResult(frame=frame), "s", ["A", "B"])
    values = dict(zip(joined.frame["period"], joined.frame["value"], strict=True))
    assert values == {"2023": 1.0, "2024": 2.5}
    assert not any(math.isnan(v) for v in values.values())
    assert seam.overlap == ("2024",)
    assert seam.spans == (("A", "2023", "2023"), ("B", "2024", "2024"))


def test_a_table_that_ended_is_warned_about(httpserver: HTTPServer, shared_data: Path) -> None:
    """SCB's recorded /tables entries: TAB4552 ends 2024, TAB6473 2026M04, TAB4707 2026M03."""
    replay = PxWebReplay(httpserver, shared_data, maxCallsPerTimeWindow=1000)
    tables = ["TAB4552", "TAB4707", "TAB6473", "TAB638"]
    with make_session(None) as session:
        warnings = fetch._stale_tables(replay.base_url, tables, session, date(2026, 5, 15))
    assert warnings == [
        "table TAB4552 ends at 2024: it may have been continued in a newer table "
        "(name that one as the query's table, with this one in earlier_tables)",
        "table TAB4707 ends at 2026-03: it may have been continued in a newer table "
        "(name that one as the query's table, with this one in earlier_tables)",
    ]  # TAB6473 is current; TAB638 has no recorded entry (404), so it is not judged


def test_the_report_states_the_stitch(tmp_path: Path) -> None:
    params = tmp_path / "stitch.yaml"
    params.write_text(FRAMEWORK.format(url="https://example.org/api/v2"), encoding="utf-8")
    fw = load_framework(params)
    ctx = SimpleNamespace(fw=fw, language="sv")
    line = attribution.source_line(ctx, fw.indicator("population-20-29"))  # type: ignore[arg-type]
    assert line == (
        "Källa: https://example.org/api/v2, tabellerna OLD6471, TAB6471 sammanfogade efter "
        "period (den nyare tabellen gäller där båda har värden; möjligt tidsseriebrott i "
        "skarven)"
    )


def test_the_store_keeps_each_series_seams_from_its_latest_stitching(tmp_path: Path) -> None:
    """SYNTHETIC rows; the seams a fetch recorded are what the analysis reads later."""
    row = {
        "indicator": "s",
        "area": "0010",
        "period": "2024",
        "sex": "total",
        "value": 1.0,
        "status": "",
        "source": "pxweb",
        "retrieved_at": pd.Timestamp("2026-06-01", tz="UTC"),
    }
    first = FetchResult(from_records([row]), seams=[Seam("s", "2025", "A", "B")])
    later = FetchResult(
        from_records([{**row, "value": 2.0}]),
        seams=[Seam("s", "2025", "A", "B"), Seam("s", "2027", "B", "C")],
    )
    with Store.open(tmp_path / "store.duckdb") as store:
        store.write([first], label="first")
        assert store.seams() == [Seam("s", "2025", "A", "B")]
        store.write([later], label="later")
        assert store.seams("s") == [Seam("s", "2025", "A", "B"), Seam("s", "2027", "B", "C")]
        assert store.seams("other") == []


def test_a_seam_inside_the_goal_years_is_a_possible_break(ddf_dir: Path) -> None:
    """Real Kolada N03921 for Blekinge with a SYNTHETIC seam at 2015: the status stops there
    as at a break found in the data, until the framework declares what the seam is."""
    fw = load_framework(REPO / "params" / "blekinge-unga-lyfter.yaml")
    kpis = ("N03921", "N02797", "U31804", "N01951")
    obs = read_snapshot([SnapshotRequest(f"kolada:{k}", k) for k in kpis], root=ddf_dir).frame
    series = fw.series_id("youth-unemployment")
    seam = Seam(series, "2015", "OLDTAB", "NEWTAB")

    def shared(framework: object) -> pd.Series:
        result = in_words(assess(fw if framework is None else framework, obs, 2017, [seam]), "sv")  # type: ignore[arg-type]
        chosen = result[(result.goal == "halve-youth-unemployment") & (result.sex == "total")]
        return chosen.iloc[0]

    plain = in_words(assess(fw, obs, 2017), "sv")
    before = plain[(plain.goal == "halve-youth-unemployment") & (plain.sex == "total")].iloc[0]
    assert before.status == "not_achieved"
    row = shared(None)
    assert row.status == "cannot_assess" and row.reason_code == "possible_series_break"
    assert row.break_kind == "table_seam" and row.break_candidate_year == 2015
    assert row.reasons[0].as_dict() == {
        "code": "possible_break_table",
        "year": 2015,
        "earlier": "OLDTAB",
        "table": "NEWTAB",
    }
    assert row.reason.startswith(
        "möjligt tidsseriebrott 2015: serien är sammanfogad av två tabeller, och från 2015 "
        "kommer värdena ur NEWTAB i stället för OLDTAB"
    )
    # A seam before the area's first value or after its last is no break in its series.
    outside = Seam(series, "2030", "OLDTAB", "NEWTAB")
    late = in_words(assess(fw, obs, 2017, [outside]), "sv")
    assert (
        late[(late.goal == "halve-youth-unemployment") & (late.sex == "total")].iloc[0].status
        == before.status
    )
    # Checked and declared not a break: the status is as without the seam.
    checked = fw.model_copy(deep=True)
    checked.indicator("youth-unemployment").series_breaks.append(
        SeriesBreak(year=2015, note="same definition in both tables", handling="no_break")
    )
    assert shared(checked).status == before.status


def test_stored_pxweb_data_keeps_its_series_id_when_query_keys_are_added(
    tmp_path: Path,
) -> None:
    """The id hashes the query as first defined; keys added since count only when set."""
    params = tmp_path / "stitch.yaml"
    params.write_text(FRAMEWORK.format(url="https://example.org/api/v2"), encoding="utf-8")
    fw = load_framework(params)
    query = fw.indicator("population-20-29").query.model_copy(
        update={"url": None, "earlier_tables": None}
    )
    fw.indicators[0].query = query  # type: ignore[union-attr]
    original = {
        "table": "TAB6471",
        "selection": {"Alder": ["20-29"]},
        "area_dimension": "Region",
        "period_dimension": "Tid",
        "sex_dimension": "Kon",
        "sex_codes": {"total": "TotSa", "men": "1", "women": "2"},
    }
    digest = hashlib.sha256(json.dumps(original, sort_keys=True).encode()).hexdigest()[:12]
    assert fw.series_id("population-20-29") == f"pxweb:TAB6471:{digest}"
