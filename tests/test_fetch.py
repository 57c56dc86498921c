"""`collab fetch` end to end: the demo frameworks, a real local HTTP server serving real
Kolada values (built from the snapshot), faults, fallbacks and revisions."""

from __future__ import annotations

import math
import re
import socket
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from helpers import run_cli
from kolada_replay import KoladaReplay, Point, load_kpi_metadata, load_snapshot
from pxweb_replay import PxWebReplay
from pxweb_v1_replay import PxWebV1Replay
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collab_metrics.model.framework import load_framework
from collab_metrics.pipeline import fetch
from collab_metrics.report import sections
from collab_metrics.store import Store

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"
VARMLAND = REPO / "params" / "varmland-nya-perspektiv.yaml"
BLEKINGE_AREAS = {"0000", "0010", "1060", "1080", "1081", "1082", "1083"}
BLEKINGE_KPIS = ("N03921", "N02797", "U31804", "N01951")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store" / "store.duckdb"


@pytest.fixture
def fast_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short waits between retries, so fault tests take milliseconds, not seconds."""
    monkeypatch.setenv("COLLAB_HTTP_RETRY_WAIT", "0.01")
    monkeypatch.setenv("COLLAB_HTTP_TIMEOUT", "5")


@pytest.fixture
def points(ddf_dir: Path) -> list[Point]:
    """Real values of every Kolada KPI the Blekinge framework uses, for its areas."""
    found: list[Point] = []
    for kpi in BLEKINGE_KPIS:
        found += load_snapshot(ddf_dir, kpi, BLEKINGE_AREAS)
    return found


@pytest.fixture
def kolada(
    httpserver: HTTPServer,
    points: list[Point],
    ddf_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    fast_http: None,
) -> KoladaReplay:
    replay = KoladaReplay(httpserver, points, kpis=load_kpi_metadata(ddf_dir, BLEKINGE_KPIS))
    monkeypatch.setenv("COLLAB_KOLADA_URL", replay.base_url)
    return replay


def _stored(store: Path, series: str) -> dict[tuple[str, str, str], float]:
    with Store.open(store, read_only=True) as opened:
        frame = opened.current(indicators=[series])
    return {
        (r.area, r.period, r.sex): r.value
        for r in frame.itertuples(index=False)
        if not math.isnan(r.value)
    }


def _published(points: list[Point], kpi: str, since: int = 0) -> dict[tuple[str, str, str], float]:
    return {
        p.key: p.value for p in points if p.kpi == kpi and p.value is not None and p.period >= since
    }


# --- planning --------------------------------------------------------------------------


def test_needs_cover_goal_actor_comparison_and_population_areas() -> None:
    plan = {need.series: need for need in fetch.needs(load_framework(BLEKINGE))}
    assert set(plan) == {f"kolada:{kpi}" for kpi in BLEKINGE_KPIS}
    assert plan["kolada:N03921"].areas == BLEKINGE_AREAS
    # The population base is needed wherever an indicator it weighs is.
    assert plan["kolada:N01951"].areas >= plan["kolada:N03921"].areas


def test_two_frameworks_share_series_of_the_same_kpi() -> None:
    blekinge, varmland = load_framework(BLEKINGE), load_framework(VARMLAND)
    assert blekinge.series_id("population") == varmland.series_id("population")
    assert varmland.series_id("ohalsotal-monthly").startswith("file:varmland-nya-perspektiv:")


# --- offline ---------------------------------------------------------------------------


def test_offline_fetch_stores_the_snapshot_exactly(store: Path, points: list[Point]) -> None:
    result = run_cli("fetch", str(BLEKINGE), "--offline", "--store", str(store))
    assert result.code == 0, result.err
    assert "data used: the offline snapshot" in result.out
    for kpi in BLEKINGE_KPIS:
        assert _stored(store, f"kolada:{kpi}") == _published(points, kpi), kpi
    assert _stored(store, "kolada:N03921")[("0010", "2013", "total")] == 14.191367


def test_offline_fetch_reads_the_actor_file(store: Path) -> None:
    result = run_cli("fetch", str(VARMLAND), "--offline", "--store", str(store))
    assert result.code == 0, result.err
    monthly = _stored(store, "file:varmland-nya-perspektiv:ohalsotal-monthly")
    # forsakringskassan-mucf__ohalsotal_2024_11_06.xlsx, sheet tabell, row 3 (17 Värmlands
    # län, 2024-09, Kvinnor och män) and row 7 (the same for Kvinnor).
    assert monthly[("0017", "2024-09", "total")] == 27.9
    assert monthly[("0017", "2024-09", "women")] == 34.6


def test_missing_actor_file_is_bad_input_and_writes_nothing(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLLAB_DATA_DIR", str(tmp_path / "empty"))
    result = run_cli("fetch", str(VARMLAND), "--offline", "--store", str(store))
    assert result.code == 2
    assert "forsakringskassan-mucf__ohalsotal_2024_11_06.xlsx" in result.err
    assert not store.exists()


def test_bad_framework_exits_2_and_creates_no_store(store: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BLEKINGE.read_text(encoding="utf-8").replace("direction:", "diretion:"))
    result = run_cli("fetch", str(bad), "--offline", "--store", str(store))
    assert result.code == 2 and "did you mean 'direction'" in result.err
    assert not store.exists()


# --- network, against the local replay server ------------------------------------------


def test_network_fetch_equals_what_kolada_published(
    store: Path, kolada: KoladaReplay, points: list[Point]
) -> None:
    result = run_cli("fetch", str(BLEKINGE), "--store", str(store))
    assert result.code == 0, result.err
    assert "data used: live APIs" in result.out
    first, _ = fetch.years_wanted(load_framework(BLEKINGE), date.today())
    assert first == 2003  # ten years of history before the 2013 baseline
    for kpi in BLEKINGE_KPIS:
        assert _stored(store, f"kolada:{kpi}") == _published(points, kpi, first), kpi
    # Four KPIs share one area list and one year list: one request, one page. Plus
    # /kpi/U31804: its county series is empty, and Kolada's metadata says why.
    assert len(kolada.requests) == 1
    assert "HTTP: 2 requests" in result.out
    assert "kolada:U31804 0010 total: not published (Kolada publishes U31804 for " in result.err
    # Real gaps in the published data are warnings per series, and "data used" says so.
    assert "incomplete: kolada:U31804 lacks periods its other areas have: " in result.err
    assert "1060 women: 2019, 2022" in result.err
    assert "kolada:N03921" in result.err and "0000 men: 2010, 2011, 2012, 2013" in result.err
    assert "data used: live APIs, incomplete: 3 series lack periods" in result.out


def test_blekinge_demo_against_the_real_kolada_contract_pages_of_50_and_a_503_first(
    store: Path, kolada: KoladaReplay, points: list[Point]
) -> None:
    """Done when of issue 9: path form, pages of 50, a 503 with Retry-After first."""
    kolada.page_size = 50
    kolada.fault = _fail_first(
        1, Response("busy", status=503, headers={"Retry-After": "0", "Content-Type": "text/plain"})
    )
    result = run_cli("fetch", str(BLEKINGE), "--store", str(store))
    assert result.code == 0, result.err
    assert "data used: live APIs" in result.out
    first, _ = fetch.years_wanted(load_framework(BLEKINGE), date.today())
    for kpi in BLEKINGE_KPIS:
        assert _stored(store, f"kolada:{kpi}") == _published(points, kpi, first), kpi
    rows = sum(1 for key in {(p.kpi, p.area, p.period) for p in points if p.period >= first})
    pages = -(-rows // 50)
    assert len(kolada.requests) == 1 + pages  # the 503, then every page of 50
    assert {r["form"] for r in kolada.requests} == {"path"}
    assert [r["page"] for r in kolada.requests] == ["1", *map(str, range(1, pages + 1))]

    status = run_cli("status", str(BLEKINGE), "--as-of", "2017", "--store", str(store), "--wide")
    assert status.code == 0, status.err
    assert "14,2 % (2013)" in status.out  # Region Blekinge's published 2013 value
    assert "Kolada" in status.out


def test_empty_answers_exit_1_naming_the_series_and_leave_the_store_byte_for_byte(
    store: Path, kolada: KoladaReplay
) -> None:
    """Done when of issue 9: a server answering every data request with an empty page."""
    before = _offline_then(store)
    kolada.empty = True
    result = run_cli("fetch", str(BLEKINGE), "--store", str(store))
    assert result.code == 1, result.out
    assert "data used" not in result.out
    assert "answered without any value for" in result.err
    assert "81 needed series: kolada:N01951 0000 total, kolada:N01951 0000 women, " in result.err
    assert "and 78 more (asked by http://" in result.err  # 4 KPIs x 7 areas x 3, less U31804's 3
    assert "/v3/data/kpi/N01951,N02797,N03921,U31804/municipality/0000,0010," in result.err
    assert "nothing was written; the store is as it was" in result.err
    assert store.read_bytes() == before


def test_a_kpi_missing_for_one_area_names_that_area(
    store: Path, httpserver: HTTPServer, points: list[Point], ddf_dir: Path, monkeypatch, fast_http
) -> None:
    kept = [p for p in points if not (p.kpi == "N03921" and p.area == "1082")]
    replay = KoladaReplay(httpserver, kept, kpis=load_kpi_metadata(ddf_dir, BLEKINGE_KPIS))
    monkeypatch.setenv("COLLAB_KOLADA_URL", replay.base_url)
    result = run_cli("fetch", str(BLEKINGE), "--store", str(store))
    assert result.code == 1
    assert (
        "for 3 needed series: kolada:N03921 1082 total, kolada:N03921 1082 women, "
        "kolada:N03921 1082 men (asked by http://"
    ) in result.err
    assert not store.exists()


def test_refetch_is_incremental_and_records_a_revision(store: Path, kolada: KoladaReplay) -> None:
    assert run_cli("fetch", str(BLEKINGE), "--store", str(store)).code == 0
    again = run_cli("fetch", str(BLEKINGE), "--store", str(store))
    assert again.code == 0, again.err
    assert kolada.requests[-1]["from_date"], "the re-fetch asks only for changes"
    assert "0 new, 0 revised" in again.out

    kolada.revise("N03921", "0010", 2017, "T", 8.5)
    revised = run_cli("fetch", str(BLEKINGE), "--store", str(store))
    assert revised.code == 0, revised.err
    assert "1 revised" in revised.out
    with Store.open(store, read_only=True) as opened:
        changes = opened.revisions("kolada:N03921")
    assert len(changes) == 1
    change = changes.iloc[0]
    assert (change["area"], change["period"], change["sex"]) == ("0010", "2017", "total")
    assert (change["old_value"], change["new_value"]) == (8.41851, 8.5)


def _offline_then(store: Path) -> bytes:
    assert run_cli("fetch", str(BLEKINGE), "--offline", "--store", str(store)).code == 0
    return store.read_bytes()


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (lambda: Response("oops", status=500), "Kolada answered 500"),
        (
            lambda: Response(
                '{"count": 3, "values": [{"kpi": "N0', content_type="application/json"
            ),
            "not valid JSON",
        ),
        (
            lambda: Response("<html><body>Maintenance</body></html>", content_type="text/html"),
            "not valid JSON",
        ),
    ],
    ids=["always 500", "truncated JSON", "HTML page with 200"],
)
def test_failed_fetch_exits_1_and_leaves_the_store_byte_for_byte(
    store: Path, kolada: KoladaReplay, fault, words: str
) -> None:
    before = _offline_then(store)
    kolada.fault = lambda request: fault()
    result = run_cli("fetch", str(BLEKINGE), "--store", str(store))
    assert result.code == 1
    assert words in result.err and "Traceback" not in result.err
    assert "the store is as it was" in result.err
    assert store.read_bytes() == before


def test_timeout_exits_1_and_leaves_the_store(
    store: Path, monkeypatch: pytest.MonkeyPatch, fast_http: None
) -> None:
    before = _offline_then(store)
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    try:

        def sleepy(request: Request) -> Response:
            time.sleep(0.5)
            return Response("{}", content_type="application/json")

        server.expect_request(re.compile("^/v3/data/")).respond_with_handler(sleepy)
        monkeypatch.setenv("COLLAB_KOLADA_URL", server.url_for("/v3"))
        monkeypatch.setenv("COLLAB_HTTP_TIMEOUT", "0.1")
        result = run_cli("fetch", str(BLEKINGE), "--store", str(store))
    finally:
        server.clear()
        server.stop()
    assert result.code == 1
    assert "did not answer within 0.1 s" in result.err
    assert store.read_bytes() == before


def _fail_first(times: int, response: Response):
    calls = {"n": 0}

    def fault(request: Request) -> Response | None:
        calls["n"] += 1
        return response if calls["n"] <= times else None

    return fault


def test_429_with_retry_after_then_success(store: Path, kolada: KoladaReplay) -> None:
    kolada.fault = _fail_first(1, Response("slow down", status=429, headers={"Retry-After": "0"}))
    result = run_cli("fetch", str(BLEKINGE), "--store", str(store))
    assert result.code == 0, result.err
    assert len(kolada.requests) == 2


def test_500_three_times_then_success(store: Path, kolada: KoladaReplay) -> None:
    kolada.fault = _fail_first(3, Response("oops", status=500))
    result = run_cli("fetch", str(BLEKINGE), "--store", str(store))
    assert result.code == 0, result.err
    assert len(kolada.requests) == 4


# --- no connection at all: fall back, and say so ----------------------------------------


@pytest.fixture
def unreachable(monkeypatch: pytest.MonkeyPatch, fast_http: None) -> None:
    """Point Kolada at a port on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("COLLAB_KOLADA_URL", f"http://127.0.0.1:{port}/v3")


def test_no_connection_and_empty_store_uses_the_snapshot(
    store: Path, unreachable: None, points: list[Point]
) -> None:
    result = run_cli("fetch", str(BLEKINGE), "--store", str(store))
    assert result.code == 0, result.err
    assert "no connection" in result.err and "offline snapshot" in result.err
    assert "data used: the offline snapshot" in result.out
    assert _stored(store, "kolada:N03921") == _published(points, "N03921")


def test_no_connection_uses_the_store_and_leaves_it(store: Path, unreachable: None) -> None:
    before = _offline_then(store)
    result = run_cli("fetch", str(BLEKINGE), "--store", str(store))
    assert result.code == 0, result.err
    assert "data used: data already in the store" in result.out
    assert store.read_bytes() == before


@pytest.fixture
def locked_store(store: Path) -> Iterator[Path]:
    _offline_then(store)
    with Store.open(store, timeout=1):
        yield store


def test_a_second_writer_is_told_the_store_is_busy(
    locked_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("collab_metrics.pipeline.fetch.STORE_LOCK_TIMEOUT", 0.2)
    result = run_cli("fetch", str(BLEKINGE), "--offline", "--store", str(locked_store))
    assert result.code == 1
    assert "Another collab run is writing" in result.err


# --- PxWeb through `collab fetch` ------------------------------------------------------

# SYNTHETIC framework around one real recorded SCB cell: TAB638 (BE0101N1), riket,
# ogifta, 0 år, män, 2024 = 50937.
PXWEB_FRAMEWORK = """\
collaboration: {id: synthetic-pxweb, name: Synthetic, owner: Test, area: "0000"}
actors: [{id: scb-user, name: Synthetic actor, kind: agency}]
indicators:
  - id: newborn-boys
    title: Ogifta pojkar 0 år
    unit: personer
    direction: increase
    source: pxweb
    query:
      table: TAB638
      selection: {Civilstand: [OG], Alder: ["0"], Kon: ["1"], ContentsCode: [BE0101N1]}
      sex_dimension: Kon
shared_goals:
  - id: more
    title: Synthetic goal
    indicator: newborn-boys
    area: "0000"
    baseline: {year: 2024}
    target: {year: 2030, change_percent: 5}
"""


def test_pxweb_indicator_is_fetched_into_the_store(
    store: Path,
    tmp_path: Path,
    httpserver: HTTPServer,
    shared_data: Path,
    monkeypatch: pytest.MonkeyPatch,
    fast_http: None,
) -> None:
    replay = PxWebReplay(httpserver, shared_data, maxCallsPerTimeWindow=1000)
    replay.add("TAB638", "TAB638_data.json")
    monkeypatch.setenv("COLLAB_PXWEB_URL", replay.base_url)
    params = tmp_path / "pxweb.yaml"
    params.write_text(PXWEB_FRAMEWORK, encoding="utf-8")
    result = run_cli("fetch", str(params), "--store", str(store))
    assert result.code == 0, result.err
    series = load_framework(params).series_id("newborn-boys")
    assert _stored(store, series) == {("0000", "2024", "men"): 50937.0}
    with Store.open(store, read_only=True) as opened:
        archived = opened.raw_bodies(source="pxweb")
    assert len(archived) >= 1, "every response body is archived"


def test_offline_pxweb_indicator_keeps_what_is_stored(store: Path, tmp_path: Path) -> None:
    params = tmp_path / "pxweb.yaml"
    params.write_text(PXWEB_FRAMEWORK, encoding="utf-8")
    result = run_cli("fetch", str(params), "--offline", "--store", str(store))
    assert result.code == 0, result.err
    assert "has no offline source" in result.err


# --- a PxWeb API v1 host through `collab fetch` ------------------------------------------

# SYNTHETIC framework around SCB's recorded v1 answer: SamForvInk1, median income (tkr)
# for all residents 16+, by sex, 2020-2022 (../shared/data/pxweb-v1/scb). The host is
# declared per indicator and its API version detected.
PXWEB_V1_FRAMEWORK = """\
collaboration: {{id: synthetic-v1, name: Synthetic v1, owner: Test, area: "0000"}}
actors: [{{id: analyst, name: Synthetic actor, kind: agency}}]
indicators:
  - id: median-income
    title: Medianinkomst 16+ år
    unit: tkr
    direction: increase
    breakdowns: [sex]
    source: pxweb
    query:
      url: {url}
      table: HE/HE0110/HE0110A/SamForvInk1
      selection: {{Alder: [tot16+], ContentsCode: [HE0110J8]}}
      sex_dimension: Kon
shared_goals:
  - id: higher-income
    title: Synthetic goal
    indicator: median-income
    area: "0000"
    baseline: {{year: 2020}}
    target: {{year: 2030, change_percent: 5}}
"""


def test_pxweb_v1_indicator_is_fetched_and_the_report_names_its_host(
    store: Path,
    tmp_path: Path,
    httpserver: HTTPServer,
    shared_data: Path,
    fast_http: None,
) -> None:
    replay = PxWebV1Replay(httpserver, shared_data)
    replay.add(
        "HE/HE0110/HE0110A/SamForvInk1",
        "scb/scb_sv_SamForvInk1_metadata.json",
        "scb/scb_sv_SamForvInk1_data_kon-tid.fmt-jsonstat2.json",
        abridge=True,  # the table lists only the recorded years 2020-2022
    )
    params = tmp_path / "v1.yaml"
    params.write_text(PXWEB_V1_FRAMEWORK.format(url=replay.base_url), encoding="utf-8")
    result = run_cli("fetch", str(params), "--store", str(store))
    assert result.code == 0, result.err
    assert "data used: live APIs\n" in result.out
    series = load_framework(params).series_id("median-income")
    stored = _stored(store, series)
    assert stored[("0000", "2022", "total")] == 316.6
    assert stored[("0000", "2020", "women")] == 254.6
    assert len(stored) == 9
    assert replay.paths[:2] == ["GET /config", "GET /?config"]  # v2 asked first, then v1

    ctx = sections.load_context(params, store)
    shown = str(sections.sources(ctx))
    assert f"Källa: {replay.base_url}, tabell HE/HE0110/HE0110A/SamForvInk1" in shown


def test_fetch_and_update_word_the_data_used_alike_and_never_call_gaps_plain_live() -> None:
    """Synthetic outcomes: `collab update` logs the same words as `collab fetch`."""
    from collab_metrics.sources.coverage import Gap

    gap = Gap("kolada:N03921", "1082", "K", ("2021",), 13)
    incomplete = fetch.FetchOutcome(
        "live", None, gaps=[gap, Gap("kolada:N03921", "1082", "M", ("2021",), 13)]
    )
    assert fetch.data_used_words(incomplete) == (
        "live APIs, incomplete: 1 series lack periods (listed above)"
    )
    assert fetch.data_used_words(fetch.FetchOutcome("live", None)) == "live APIs"
    assert fetch.data_used_words(fetch.FetchOutcome("snapshot", None)) == "the offline snapshot"
