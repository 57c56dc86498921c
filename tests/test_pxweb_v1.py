"""The PxWeb API v1 adapter against a real local HTTP server replaying recorded v1 answers.

SCB's SamForvInk1 (median income by sex, 2020-2022, re-serialised recording) gives exact
values; Folkhälsomyndigheten's ABRIDGED shape-only fixture gives FoHM's traits (value
texts "21 Gävleborgs län", variable codes "Kön"/"År", the rolling period "2021-2022").
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from pxweb_v1_replay import PxWebV1Replay
from pytest_httpserver import HTTPServer
from werkzeug import Response

from collab_metrics.model.tidy import COLUMNS
from collab_metrics.sources.http import CollabSession, FetchError, SourceUnreachable, make_session
from collab_metrics.sources.pxweb import PxWebQuery, PxWebRequest
from collab_metrics.sources.pxweb_v1 import detect_api, fetch_pxweb_v1

SAMFORV = "HE/HE0110/HE0110A/SamForvInk1"
MOBBNING = "A_Folkhalsodata/C_HBSC/Regionalt/Skolan/Mobbning/MobbningReg.px"


class FakeTime:
    def __init__(self) -> None:
        self.now = 500.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def session() -> Iterator[CollabSession]:
    with make_session(None, base_wait=0.01, max_wait=0.3) as s:
        yield s


@pytest.fixture
def replay(httpserver: HTTPServer, shared_data: Path) -> PxWebV1Replay:
    server = PxWebV1Replay(httpserver, shared_data)
    server.add(
        SAMFORV,
        "scb/scb_sv_SamForvInk1_metadata.json",
        "scb/scb_sv_SamForvInk1_data_kon-tid.fmt-jsonstat2.json",
    )
    server.add(
        MOBBNING,
        "fohm-shape-only/fuzzyMCP_fohm_metadata_mobbning.ABRIDGED.json",
        "fohm-shape-only/fuzzyMCP_fohm_data_mobbning.ABRIDGED.fmt-jsonstat2.json",
    )
    return server


def median_income(periods: tuple[str, ...] = ("2020", "2021", "2022")) -> PxWebRequest:
    query = PxWebQuery(
        table=SAMFORV,
        selection={"Alder": ["tot16+"], "ContentsCode": ["HE0110J8"]},
        sex_dimension="Kon",
    )
    return PxWebRequest("median_income", query, ("0000",), periods)


def bullying(areas: tuple[str, ...] = ("0000", "0021")) -> PxWebRequest:
    query = PxWebQuery(
        table=MOBBNING,
        selection={"Hur ofta": ["2-3 ggr/månad"], "Ålder": ["13"], "Kön": ["1"]},
        period_dimension="År",
        sex_dimension="Kön",
        sex_codes={"men": "1", "women": "2"},
    )
    return PxWebRequest("bullied", query, areas, ("2021-2022",))


def test_scb_v1_table_into_the_tidy_frame(replay: PxWebV1Replay, session: CollabSession) -> None:
    result = fetch_pxweb_v1([median_income()], base_url=replay.base_url, session=session)

    frame = result.frame
    assert list(frame.columns) == list(COLUMNS)
    values = {(r.area, r.period, r.sex): r.value for r in frame.itertuples(index=False)}
    # SCB's recorded answer: Kon 1, 2, 1+2 x Tid 2020-2022, median income in tkr.
    assert values == {
        ("0000", "2020", "men"): 332.8,
        ("0000", "2021", "men"): 343.9,
        ("0000", "2022", "men"): 359.9,
        ("0000", "2020", "women"): 254.6,
        ("0000", "2021", "women"): 263.0,
        ("0000", "2022", "women"): 277.3,
        ("0000", "2020", "total"): 291.9,
        ("0000", "2021", "total"): 301.5,
        ("0000", "2022", "total"): 316.6,
    }
    assert set(frame["status"]) == {""} and set(frame["source"]) == {"pxweb"}
    # Riket from an eliminable Region: left out, as pxwebpy's recorded query does;
    # Inkomstklass is eliminated too; the recorded answer comes back byte for byte.
    (body,) = replay.posts
    assert [q["code"] for q in body["query"]] == ["Kon", "Alder", "ContentsCode", "Tid"]
    assert body["response"] == {"format": "json-stat2"}
    recorded = (
        replay.shared_data / "pxweb-v1/scb/scb_sv_SamForvInk1_data_kon-tid.fmt-jsonstat2.json"
    )
    assert result.raw[-1].body == recorded.read_bytes()
    assert replay.paths == [
        "GET /?config",
        f"GET /{SAMFORV}",
        f"POST /{SAMFORV}",
    ]


def test_fohm_value_texts_rolling_periods_and_eliminated_contents(
    replay: PxWebV1Replay, session: CollabSession
) -> None:
    result = fetch_pxweb_v1([bullying()], base_url=replay.base_url, session=session)
    values = {(r.area, r.period, r.sex): r.value for r in result.frame.itertuples(index=False)}
    # "00 Riket" and "21 Gävleborgs län"; the period stays the declared window.
    assert values == {("0000", "2021-2022", "men"): 4.0, ("0021", "2021-2022", "men"): 5.0}
    (body,) = replay.posts
    region = next(q for q in body["query"] if q["code"] == "Region")
    assert region["selection"] == {"filter": "item", "values": ["00", "21"]}


def test_detects_v1_from_config_and_v2_is_told_apart(
    replay: PxWebV1Replay, session: CollabSession
) -> None:
    assert detect_api(session, replay.base_url) == "v1"
    assert replay.paths == ["GET /config", "GET /?config"]


def test_detection_without_network_is_unreachable_not_a_wrong_address(
    session: CollabSession,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceUnreachable):
        detect_api(session, f"http://127.0.0.1:{port}/api/v1/sv/db")


def test_a_host_that_is_no_pxweb_is_named(httpserver: HTTPServer, session: CollabSession) -> None:
    httpserver.expect_request("/nothing/config").respond_with_data("no", status=404)
    with pytest.raises(
        FetchError, match=r"answers neither \S+/config \(PxWeb API 2\) nor \S+\?config"
    ):
        detect_api(session, httpserver.url_for("/nothing"))


def test_an_area_the_table_lacks_fails_naming_it(
    replay: PxWebV1Replay, session: CollabSession
) -> None:
    with pytest.raises(FetchError, match="has no values for the areas 0010"):
        fetch_pxweb_v1([bullying(("0000", "0010"))], base_url=replay.base_url, session=session)


def test_too_many_cells_is_split_under_max_cells(
    httpserver: HTTPServer, shared_data: Path, session: CollabSession
) -> None:
    replay = PxWebV1Replay(httpserver, shared_data, maxCells=3)
    replay.add(
        SAMFORV,
        "scb/scb_sv_SamForvInk1_metadata.json",
        "scb/scb_sv_SamForvInk1_data_kon-tid.fmt-jsonstat2.json",
    )
    result = fetch_pxweb_v1([median_income()], base_url=replay.base_url, session=session)
    assert len(result.frame) == 9
    assert len(replay.posts) == 3  # 9 cells, at most 3 per request


def test_403_too_many_values_is_not_retried(
    httpserver: HTTPServer, shared_data: Path, session: CollabSession
) -> None:
    replay = PxWebV1Replay(httpserver, shared_data, maxCells=3)
    replay.add(
        SAMFORV,
        "scb/scb_sv_SamForvInk1_metadata.json",
        "scb/scb_sv_SamForvInk1_data_kon-tid.fmt-jsonstat2.json",
    )
    # A host whose ?config promises more than it allows (older builds omit maxCells).
    promise = json.dumps({"maxValues": 100000, "maxCalls": 30, "timeWindow": 10, "CORS": True})
    replay.fault = lambda request: (
        Response(promise, content_type="application/json") if "config" in request.args else None
    )
    with pytest.raises(FetchError, match=r"answered 403 FORBIDDEN for http://\S+SamForvInk1; not"):
        fetch_pxweb_v1([median_income()], base_url=replay.base_url, session=session)
    assert len(replay.posts) == 1


def test_429_waits_for_retry_after_and_the_limit_is_kept(
    httpserver: HTTPServer, shared_data: Path, session: CollabSession
) -> None:
    replay = PxWebV1Replay(httpserver, shared_data, maxCalls=2, timeWindow=10)
    replay.add(
        SAMFORV,
        "scb/scb_sv_SamForvInk1_metadata.json",
        "scb/scb_sv_SamForvInk1_data_kon-tid.fmt-jsonstat2.json",
    )
    fake = FakeTime()
    replay.clock = fake.clock
    result = fetch_pxweb_v1(
        [median_income()],
        base_url=replay.base_url,
        session=session,
        sleep=fake.sleep,
        clock=fake.clock,
    )
    assert len(result.frame) == 9
    assert fake.sleeps == [10.0]  # the third call waited for the window: no 429 at all
    assert session.stats.retries == 0


def test_a_429_from_the_host_is_retried_after_its_retry_after(
    replay: PxWebV1Replay, session: CollabSession
) -> None:
    answers = iter([Response('{"error": "429"}', status=429, headers={"Retry-After": "0"})])
    replay.fault = lambda request: next(answers, None) if request.method == "POST" else None
    result = fetch_pxweb_v1([median_income()], base_url=replay.base_url, session=session)
    assert len(result.frame) == 9 and session.stats.retries == 1


def test_an_unknown_variable_is_refused_before_any_data_request(
    replay: PxWebV1Replay, session: CollabSession
) -> None:
    query = PxWebQuery(table=SAMFORV, selection={"Alder": ["tot16+"], "Civilstand": ["OG"]})
    with pytest.raises(FetchError, match="has no variable 'Civilstand'"):
        fetch_pxweb_v1(
            [PxWebRequest("x", query, ("0000",), ("2020",))],
            base_url=replay.base_url,
            session=session,
        )
    assert replay.posts == []


@pytest.mark.live
def test_live_fohm_v1_table_by_region_and_sex() -> None:
    """Folkhälsomyndigheten speaks v1 and its survey table comes back by region and sex.

    Proves detection (no /config, a ?config), the metadata GET, the POST and the reading
    of FoHM's codes: value texts "21 Gävleborgs län", sex codes 00/01/02 and a rolling
    period kept as the table writes it. The other variables take their first value.
    """
    base = "https://fohm-app.folkhalsomyndigheten.se/Folkhalsodata/api/v1/sv/A_Folkhalsodata"
    table = "B_HLV/bFyshals/bbaFyshalsallman/hlv1allmxreg.px"
    with make_session(None) as live:
        assert detect_api(live, base) == "v1"
        meta = live.get(f"{base}/{table}").json()
        variables = {v["code"]: v for v in meta["variables"]}
        period = next(code for code, v in variables.items() if v.get("time"))
        sex = next(code for code in variables if code.lower().startswith("k"))
        region = next(code for code in variables if code.lower().startswith("region"))
        chosen = {
            code: [v["values"][0]]
            for code, v in variables.items()
            if code not in (period, sex, region)
        }
        query = PxWebQuery(
            table=table,
            selection=chosen,
            area_dimension=region,
            period_dimension=period,
            sex_dimension=sex,
            sex_codes={"total": "00", "men": "01", "women": "02"},
        )
        latest = variables[period]["values"][-1]
        result = fetch_pxweb_v1(
            [PxWebRequest("health", query, ("0000", "0021"), (latest,))],
            base_url=base,
            session=live,
        )
    frame = result.frame
    assert set(frame["area"]) == {"0000", "0021"}
    assert set(frame["sex"]) == {"total", "men", "women"}
    assert set(frame["period"]) == {latest}
