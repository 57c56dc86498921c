"""Several PxWeb tables as one series: stitched by period, the newer table winning."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
from pxweb_replay import PxWebReplay, dice
from pytest_httpserver import HTTPServer

from collab_metrics.model import areas
from collab_metrics.model.framework import load_framework
from collab_metrics.model.tidy import FetchResult, from_records
from collab_metrics.pipeline import fetch
from collab_metrics.report import attribution
from collab_metrics.sources.http import make_session
from collab_metrics.sources.stitch import part_id, stitch

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
