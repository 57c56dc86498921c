"""Survey tables: pooled survey years and the confidence intervals published with them.

Folkhälsomyndigheten's survey tables (Nationella folkhälsoenkäten by region) pool four
survey years ("2019-2022") and publish each share with its 95 % confidence interval in a
variable "Andel och konfidensintervall" (Andel / Konfidensintervall nedre gräns / övre
gräns / Antal svar; see ../shared/data/pxweb-v1/README.md). No verbatim FoHM answer exists
publicly, so the table here is SYNTHETIC: FoHM's shape (value texts "21 Gävleborgs län",
sex codes 00/01/02, windows as periods) with made-up numbers, served by the v1 replay.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path
from typing import Any

from helpers import run_cli
from pxweb_v1_replay import PxWebV1Replay
from pytest_httpserver import HTTPServer

from collab_metrics.analysis.followup import assess_store
from collab_metrics.model import areas
from collab_metrics.model.framework import load_framework
from collab_metrics.model.tidy import bound_id
from collab_metrics.store import Store

TABLE = "A_Folkhalsodata/B_HLV/synthetic/halsgodreg.px"
MEASURE = "Andel och konfidensintervall"
CODES = ["Andel", "Konfidensintervall nedre gräns", "Konfidensintervall övre gräns", "Antal svar"]
WINDOWS = ["2015-2018", "2016-2019", "2017-2020", "2018-2021", "2019-2022"]
# SYNTHETIC shares of good self-rated health, per region and window, and the half-width of
# their published 95 % interval (a county's survey sample is smaller than the country's).
# The table covers riket, the county and its municipalities (as FoHM's län-och-kommun
# tables do): each municipality at the county's share, with a wider interval.
GAVLEBORG = ["2101", "2104", "2121", "2132", "2161", "2180", "2181", "2182", "2183", "2184"]
COUNTY = [70.0, 69.0, 68.5, 68.0, 67.0]
SHARES = {"00": [73.0, 73.2, 73.1, 73.0, 72.8], "21": COUNTY} | dict.fromkeys(GAVLEBORG, COUNTY)
HALF_WIDTH = {"00": 0.5, "21": 3.0} | dict.fromkeys(GAVLEBORG, 6.0)
SEXES = {"00": 0.0, "01": 1.0, "02": -1.0}  # men above, women below the total


def synthetic_table() -> tuple[dict[str, Any], dict[str, Any]]:
    """FoHM-shaped v1 metadata and json-stat2 cube: Region x measure x Kön x År."""
    dims = {
        "Region": {"00": "00 Riket", "21": "21 Gävleborgs län"}
        | {code: f"{code} {areas.get(code).name}" for code in GAVLEBORG},
        MEASURE: {code: code for code in CODES},
        "Kön": {"00": "Totalt", "01": "Män", "02": "Kvinnor"},
        "År": {w: w for w in WINDOWS},
    }
    values = []
    for region, measure, sex, window in itertools.product(*dims.values()):
        share = SHARES[region][WINDOWS.index(window)] + SEXES[sex]
        half = HALF_WIDTH[region]
        values.append(
            {CODES[0]: share, CODES[1]: share - half, CODES[2]: share + half, CODES[3]: 2000}[
                measure
            ]
        )
    dataset = {
        "version": "2.0",
        "class": "dataset",
        "label": "Självskattat allmänt hälsotillstånd (SYNTHETIC values)",
        "source": "Folkhälsomyndigheten",
        "id": list(dims),
        "size": [len(d) for d in dims.values()],
        "role": {"time": ["År"]},
        "dimension": {
            dim: {"label": dim, "category": {"index": {c: i for i, c in enumerate(d)}, "label": d}}
            for dim, d in dims.items()
        },
        "value": values,
    }
    metadata = {
        "title": "Självskattat allmänt hälsotillstånd efter region, kön och år",
        "variables": [
            {
                "code": dim,
                "text": dim,
                "values": list(d),
                "valueTexts": list(d.values()),
                **({"elimination": True} if dim == "Region" else {}),
                **({"time": True} if dim == "År" else {}),
            }
            for dim, d in dims.items()
        ],
    }
    return metadata, dataset


FRAMEWORK = """\
collaboration: {{id: synthetic-health, name: Synthetic health, owner: Test, area: "0021"}}
actors: [{{id: region-gavleborg, name: Region Gävleborg, kind: region, area: "0021"}}]
indicators:
  - id: good-health
    title: Gott självskattat hälsotillstånd, andel (%)
    unit: "%"
    direction: increase
    source: pxweb
    breakdowns: [sex]
    query:
      url: {url}
      api: v1
      table: {table}
      selection: {{"{measure}": [Andel]}}
      period_dimension: År
      sex_dimension: Kön
      sex_codes: {{total: "00", men: "01", women: "02"}}
{interval}
shared_goals:
  - id: better-health
    title: Bättre självskattad hälsa
    indicator: good-health
    area: "0021"
    baseline: {{year: {baseline}}}
    target: {{year: 2030, value: 75}}
"""
INTERVAL = (
    f"      interval: {{dimension: {MEASURE}, lower: {CODES[1]}, upper: {CODES[2]}, level: 0.95}}"
)


def write_framework(
    folder: Path, replay: PxWebV1Replay, *, interval: bool = True, baseline: int = 2018
) -> Path:
    params = folder / "health.yaml"
    text = FRAMEWORK.format(
        url=replay.base_url,
        table=TABLE,
        measure=MEASURE,
        interval=INTERVAL if interval else "",
        baseline=baseline,
    )
    params.write_text(text, encoding="utf-8")
    return params


def fetched(
    tmp_path: Path, httpserver: HTTPServer, shared_data: Path, **options: Any
) -> tuple[Path, Path]:
    replay = PxWebV1Replay(httpserver, shared_data)
    replay.serve(TABLE, *synthetic_table())
    params = write_framework(tmp_path, replay, **options)
    store = tmp_path / "store.duckdb"
    result = run_cli("fetch", str(params), "--store", str(store))
    assert result.code == 0, result.err
    return params, store


def test_the_published_bounds_are_stored_beside_the_series(
    tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    params, store = fetched(tmp_path, httpserver, shared_data)
    fw = load_framework(params)
    series = fw.series_id("good-health")
    with Store.open(store, read_only=True) as opened:
        frame = opened.current(indicators=[series, *fw.bound_series()])
    values = {(r.indicator, r.area, r.period, r.sex): r.value for r in frame.itertuples()}
    assert values[(series, "0021", "2019-2022", "total")] == 67.0
    assert values[(bound_id(series, "lower"), "0021", "2019-2022", "total")] == 64.0
    assert values[(bound_id(series, "upper"), "0000", "2015-2018", "women")] == 72.5
    # estimate and bounds of 12 areas; "Antal svar" is not asked for
    assert len(frame) == 3 * 12 * 3 * len(WINDOWS)


def test_the_noise_check_uses_the_published_interval(
    tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    params, store = fetched(tmp_path, httpserver, shared_data)
    row = _total(assess_store(load_framework(params), store, None).rows)
    # Independently: each window's standard error is its half-width over z(0.975); the
    # change 2015-2018 -> 2019-2022 has the root of the two variances.
    se = HALF_WIDTH["21"] / 1.959963984540054
    assert row.baseline_period == "2015-2018" and row.latest_period == "2019-2022"
    assert row.baseline_value == 70.0 and row.latest_value == 67.0
    assert math.isclose(row.noise_se, math.sqrt(2) * se, rel_tol=1e-9)
    # A fall of 3 points against 1.96 x 2.16: within the survey's random variation.
    assert row.significant is False
    assert any(reason.code == "within_noise" for reason in row.reasons)


def test_without_an_interval_there_is_no_noise_estimate(
    tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    params, store = fetched(tmp_path, httpserver, shared_data, interval=False)
    row = _total(assess_store(load_framework(params), store, None).rows)
    assert math.isnan(row.noise_se) and row.significant is None


def test_overlapping_survey_windows_cannot_show_a_change(
    tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    """2016-2019 against 2019-2022 share the respondents of 2019: no change can be read."""
    params, store = fetched(tmp_path, httpserver, shared_data, baseline=2019)
    result = assess_store(load_framework(params), store, None)
    row = _total(result.rows)
    assert row.status == "cannot_assess" and row.reason_code == "overlapping_windows"
    assert row.baseline_period == "2016-2019"
    status = run_cli("status", str(params), "--store", str(store), "--format", "csv")
    assert status.code == 0, status.err
    assert "överlappar" in status.out


def test_as_of_counts_a_window_by_its_last_year(
    tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    params, store = fetched(tmp_path, httpserver, shared_data)
    row = _total(assess_store(load_framework(params), store, 2021).rows)
    assert row.latest_period == "2018-2021" and row.latest_year == 2021


def _total(rows: Any) -> Any:
    chosen = rows[(rows.goal == "better-health") & (rows.sex == "total")]
    return next(chosen.itertuples(index=False))


def test_a_report_on_pooled_survey_years_renders(
    tmp_path: Path, httpserver: HTTPServer, shared_data: Path, monkeypatch: Any
) -> None:
    params, store = fetched(tmp_path, httpserver, shared_data)
    monkeypatch.chdir(tmp_path)  # a user's own folder, outside the repository
    result = run_cli(
        "report", str(params), "--store", str(store), "--format", "html", "--jobs", "1"
    )
    assert result.code == 0, result.err
    html = (tmp_path / "outputs" / "synthetic-health").glob("*/joint_followup.html")
    markup = next(html).read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", markup).replace("\u202f", " ").split())
    assert "67,0 % (2019–2022)" in text and "70,0 % (2015–2018) till 67,0 % (2019–2022)" in text
    assert "enligt de konfidensintervall som källan publicerar" in text


def test_an_interval_without_the_estimate_selected_is_refused(
    tmp_path: Path, httpserver: HTTPServer, shared_data: Path
) -> None:
    replay = PxWebV1Replay(httpserver, shared_data)
    params = write_framework(tmp_path, replay)
    text = params.read_text(encoding="utf-8").replace(
        '{"Andel och konfidensintervall": [Andel]}', "{}"
    )
    params.write_text(text, encoding="utf-8")
    result = run_cli("validate", str(params))
    assert result.code == 2
    assert "health.yaml:10: indicators[0] (good-health).query" in result.err
    assert "needs the estimate's code" in result.err
