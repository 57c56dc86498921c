"""The PxWeb 2.0 adapter against a real local HTTP server replaying recorded SCB answers.

The bodies are SCB's own, recorded from the live API (../shared/data/pxweb-v2/scb, read at
test time). The replay answers each data request with the sub-cube it asks for, cut from
the recorded cube by json-stat2 index arithmetic, so every value the adapter reads is one
SCB published; a request for exactly the recorded cube gets the recorded bytes. Tables
recorded without their /metadata get the metadata their own data answer implies (the same
json-stat2 without values), which is the shape /metadata has.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pxweb_replay import PREFIX, PxWebReplay, cube_index, dice, json_response, load
from pytest_httpserver import HTTPServer
from werkzeug import Response

from collab_metrics.model import areas
from collab_metrics.model.tidy import COLUMNS
from collab_metrics.sources import pxweb
from collab_metrics.sources.http import CollabSession, FetchError, make_session
from collab_metrics.sources.pxweb import (
    SCB_URL,
    PxWebQuery,
    PxWebRequest,
    fetch_pxweb,
    table_metadata,
)

COUNTIES = tuple(area.code for area in areas.regions())  # canonical "0001" .. "0025"
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04")
SEX_6471 = {"total": "TotSa", "men": "1", "women": "2"}


class FakeTime:
    """A clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def session() -> Iterator[CollabSession]:
    """An in-memory cached session with waits short enough for fault tests."""
    with make_session(None, base_wait=0.01, max_wait=0.3) as s:
        yield s


@pytest.fixture
def replay(httpserver: HTTPServer, shared_data: Path) -> PxWebReplay:
    """SCB's recorded /config with a limit never reached; the limit has tests of its own."""
    return PxWebReplay(httpserver, shared_data, maxCallsPerTimeWindow=1000)


def tab638(periods: tuple[str, ...] = ("2024",)) -> PxWebRequest:
    """Riket, ogifta, 0 år, män: the one cell recorded from the standard population table."""
    query = PxWebQuery(
        table="TAB638",
        selection={
            "Civilstand": ["OG"],
            "Alder": ["0"],
            "Kon": ["1"],
            "ContentsCode": ["BE0101N1"],
        },
        sex_dimension="Kon",
    )
    return PxWebRequest("population", query, ("0000",), periods)


def tab6471(age: str = "20-29", indicator: str = "population_20_29") -> PxWebRequest:
    """Monthly population of one age group in every county, total and by sex, 2026M01-M04."""
    query = PxWebQuery(
        table="TAB6471",
        selection={"Alder": [age]},
        sex_dimension="Kon",
        sex_codes=SEX_6471,
    )
    return PxWebRequest(indicator, query, COUNTIES, MONTHS)


def values_by_key(frame: pd.DataFrame) -> dict[tuple[str, str, str], float]:
    return {(r.area, r.period, r.sex): r.value for r in frame.itertuples(index=False)}


def recorded_6471(dataset: dict[str, Any], age: str) -> dict[tuple[str, str, str], float]:
    """Every recorded TAB6471 value of one age group, keyed the tidy way."""
    categories = {dim: dataset["dimension"][dim]["category"]["index"] for dim in dataset["id"]}
    sexes = {code: sex for sex, code in SEX_6471.items()}
    return {
        (areas.from_scb(region), f"{month[:4]}-{month[5:]}", sexes[kon]): float(
            dataset["value"][
                cube_index(
                    dataset,
                    {
                        "Region": region,
                        "Alder": age,
                        "Kon": kon,
                        "ContentsCode": "000007SF",
                        "Tid": month,
                    },
                )
            ]
        )
        for region in categories["Region"]
        for kon in categories["Kon"]
        for month in categories["Tid"]
    }


# --- values -------------------------------------------------------------------------------


def test_tab638_one_cell_is_read_exactly(replay: PxWebReplay, session: CollabSession) -> None:
    replay.add("TAB638", "TAB638_data.json")

    result = fetch_pxweb([tab638()], base_url=replay.base_url, session=session)

    frame = result.frame
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row.indicator, row.area, row.period, row.sex) == ("population", "0000", "2024", "men")
    assert row.value == 50937.0
    assert (row.status, row.source) == ("", "pxweb")
    # The server was asked exactly what the query says, SCB's "00" for riket.
    assert replay.requests == [
        {
            "outputFormat": "json-stat2",
            "valueCodes[Region]": "00",
            "valueCodes[Civilstand]": "OG",
            "valueCodes[Alder]": "0",
            "valueCodes[Kon]": "1",
            "valueCodes[ContentsCode]": "BE0101N1",
            "valueCodes[Tid]": "2024",
        }
    ]
    # Every body received is kept; the data body byte for byte as SCB sent it.
    assert [r.url.split("/api/v2")[1].split("?")[0] for r in result.raw] == [
        "/config",
        "/tables/TAB638/metadata",
        "/tables/TAB638/data",
    ]
    recorded = (replay.shared_data / "pxweb-v2/scb/TAB638_data.json").read_bytes()
    assert result.raw[2].body == recorded
    assert {r.source for r in result.raw} == {"pxweb"}
    assert row.retrieved_at == result.raw[2].retrieved_at


def test_tab5974_has_no_region_so_it_is_riket(replay: PxWebReplay, session: CollabSession) -> None:
    replay.add("TAB5974", "TAB5974_data.json")
    query = PxWebQuery(
        table="TAB5974", selection={"Alder": ["0"]}, sex_dimension="Kon"
    )  # InrikesUtrikes is left to elimination; ContentsCode has one value

    result = fetch_pxweb(
        [PxWebRequest("births", query, None, ("2026",))],
        base_url=replay.base_url,
        session=session,
    )

    assert values_by_key(result.frame) == {
        ("0000", "2026", "men"): 50080.0,
        ("0000", "2026", "women"): 47361.0,
    }
    (asked,) = replay.requests
    assert "valueCodes[InrikesUtrikes]" not in asked
    assert asked["valueCodes[Kon]"] == "*"  # both sexes the table has: 1 and 2 ("1+2" absent)
    assert asked["valueCodes[ContentsCode]"] == "000005NO"


def test_tab6471_counties_months_and_sexes(replay: PxWebReplay, session: CollabSession) -> None:
    dataset = replay.add("TAB6471", "TAB6471_data.json", "TAB6471_metadata.json")
    # "0-*" is expanded against the table's real metadata: only "0-9" starts with "0-".
    wanted = [tab6471("20-29"), tab6471("0-*", indicator="children")]

    result = fetch_pxweb(wanted, base_url=replay.base_url, session=session)

    frame = result.frame
    by_indicator = {name: values_by_key(part) for name, part in frame.groupby("indicator")}
    assert by_indicator["population_20_29"] == recorded_6471(dataset, "20-29")
    assert by_indicator["children"] == recorded_6471(dataset, "0-9")
    assert len(frame) == 2 * 21 * 3 * 4
    assert set(frame["area"]) == set(COUNTIES)  # SCB "01".."25" became "0001".."0025"
    assert set(frame["period"]) == set(MONTHS)  # 2026M01 became 2026-01
    # Spot checks at positions computed from json-stat2's row-major layout.
    for region, age, kon, month, area, sex in [
        ("10", "20-29", "2", "2026M03", "0010", "women"),
        ("10", "20-29", "TotSa", "2026M04", "0010", "total"),
        ("01", "0-9", "1", "2026M02", "0001", "men"),
        ("25", "0-9", "2", "2026M01", "0025", "women"),
    ]:
        cell = {"Region": region, "Alder": age, "Kon": kon, "ContentsCode": "000007SF"}
        position = cube_index(dataset, {**cell, "Tid": month})
        indicator = "children" if age == "0-9" else "population_20_29"
        assert by_indicator[indicator][(area, f"2026-{month[-2:]}", sex)] == float(
            dataset["value"][position]
        )
    assert by_indicator["children"][("0001", "2026-01", "total")] == 245284.0  # position 0
    assert replay.requests[0] == {
        "outputFormat": "json-stat2",
        "valueCodes[Region]": ",".join(areas.to_scb(code) for code in COUNTIES),
        "valueCodes[Alder]": "20-29",
        "valueCodes[Kon]": "*",  # all three codes of Kon
        "valueCodes[ContentsCode]": "000007SF",
        "valueCodes[Tid]": "2026M01,2026M02,2026M03,2026M04",
    }
    assert replay.requests[1]["valueCodes[Alder]"] == "0-9"
    assert replay.paths.count("/tables/TAB6471/metadata") == 1  # shared by both indicators


def test_indicators_with_the_same_query_share_requests(
    replay: PxWebReplay, session: CollabSession
) -> None:
    replay.add("TAB638", "TAB638_data.json")
    first, second = tab638(), PxWebRequest("population_target", tab638().query, ("0000",), None)
    result = fetch_pxweb(
        [first, PxWebRequest("population_copy", first.query, ("0000",), ("2024",)), second],
        base_url=replay.base_url,
        session=session,
    )
    assert sorted(result.frame["indicator"]) == [
        "population",
        "population_copy",
        "population_target",
    ]
    assert set(result.frame["value"]) == {50937.0}
    # (query, areas, periods) decides, not the indicator: two groups. The second (all
    # periods: only 2024 here) builds the same URL, so the HTTP cache answers it.
    assert len(replay.requests) == 1
    assert session.stats.cached == 1


def test_missing_cells_keep_their_reason(
    replay: PxWebReplay, session: CollabSession, shared_data: Path
) -> None:
    dataset = load(shared_data, "TAB6471_data.json")
    marks = {
        ("10", "2026M01"): ("..", "missing"),
        ("12", "2026M01"): (".", "not_applicable"),
        ("13", "2026M01"): ("-", "missing"),
        ("14", "2026M01"): ("...", "suppressed"),
        ("17", "2026M01"): ("x", "x"),  # unknown symbols are kept as sent
        ("18", "2026M01"): (None, "missing"),  # null without a symbol
    }
    status = {}
    for (region, month), (symbol, _) in marks.items():
        cell = {"Region": region, "Alder": "20-29", "Kon": "2", "ContentsCode": "000007SF"}
        position = cube_index(dataset, {**cell, "Tid": month})
        dataset["value"][position] = None
        if symbol is not None:
            status[str(position)] = symbol
    dataset["status"] = status
    replay.add("TAB6471", dataset, "TAB6471_metadata.json")

    frame = fetch_pxweb([tab6471()], base_url=replay.base_url, session=session).frame

    rows = {(r.area, r.period, r.sex): r for r in frame.itertuples(index=False)}
    for (region, month), (_, reason) in marks.items():
        row = rows[(areas.from_scb(region), f"2026-{month[-2:]}", "women")]
        assert math.isnan(row.value)
        assert row.status == reason
    assert rows[("0010", "2026-01", "men")].status == ""
    assert frame["value"].isna().sum() == len(marks)


def test_periods_the_table_lacks_are_not_asked_for(
    replay: PxWebReplay, session: CollabSession
) -> None:
    replay.add("TAB638", "TAB638_data.json")
    result = fetch_pxweb([tab638(("2024", "2031"))], base_url=replay.base_url, session=session)
    assert values_by_key(result.frame) == {("0000", "2024", "men"): 50937.0}
    assert replay.requests[0]["valueCodes[Tid]"] == "2024"

    later = fetch_pxweb([tab638(("2031",))], base_url=replay.base_url, session=session)
    assert later.frame.empty and list(later.frame.columns) == list(COLUMNS)
    assert len(replay.requests) == 1


def test_all_areas_and_periods_are_asked_with_a_wildcard(
    replay: PxWebReplay, session: CollabSession
) -> None:
    dataset = load(replay.shared_data, "TAB6471_data.json")
    replay.add("TAB6471", dataset)  # metadata as the data answer implies: 21 counties
    query = tab6471().query
    result = fetch_pxweb(
        [PxWebRequest("population_20_29", query, None, None)],
        base_url=replay.base_url,
        session=session,
    )
    assert values_by_key(result.frame) == recorded_6471(dataset, "20-29")
    assert replay.requests[0]["valueCodes[Region]"] == "*"
    assert replay.requests[0]["valueCodes[Tid]"] == "*"


def test_no_requests_no_traffic(replay: PxWebReplay, session: CollabSession) -> None:
    result = fetch_pxweb([], base_url=replay.base_url, session=session)
    assert result.frame.empty and result.raw == []
    assert replay.paths == []


# --- the host's limits --------------------------------------------------------------------


def test_max_data_cells_splits_and_the_union_is_the_whole_answer(
    httpserver: HTTPServer, shared_data: Path, session: CollabSession
) -> None:
    replay = PxWebReplay(httpserver, shared_data, maxDataCells=50, maxCallsPerTimeWindow=1000)
    dataset = replay.add("TAB6471", "TAB6471_data.json", "TAB6471_metadata.json")

    result = fetch_pxweb([tab6471()], base_url=replay.base_url, session=session)

    # 21 regions x 3 sexes x 4 months = 252 cells: regions go 4 at a time (4 x 12 <= 50).
    assert len(replay.requests) == 6
    asked = [r["valueCodes[Region]"].split(",") for r in replay.requests]
    assert [len(batch) for batch in asked] == [4, 4, 4, 4, 4, 1]
    assert [code for batch in asked for code in batch] == [areas.to_scb(c) for c in COUNTIES]
    assert values_by_key(result.frame) == recorded_6471(dataset, "20-29")
    assert len(result.raw) == 2 + 6


def test_the_replay_refuses_too_many_cells_with_400(
    httpserver: HTTPServer, shared_data: Path
) -> None:
    replay = PxWebReplay(httpserver, shared_data, maxDataCells=50)
    replay.add("TAB6471", "TAB6471_data.json", "TAB6471_metadata.json")
    with make_session(None) as plain:
        answer = plain.get(
            f"{replay.base_url}/tables/TAB6471/data",
            params={
                "outputFormat": "json-stat2",
                "valueCodes[Region]": "*",
                "valueCodes[Tid]": "*",
            },
        )
    assert answer.status_code == 400
    assert answer.json()["title"] == "Too many cells selected"


def test_long_urls_are_split_too(
    replay: PxWebReplay, session: CollabSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = replay.add("TAB6471", "TAB6471_data.json", "TAB6471_metadata.json")
    monkeypatch.setattr(pxweb, "MAX_URL_LENGTH", 260)

    result = fetch_pxweb([tab6471()], base_url=replay.base_url, session=session)

    data_urls = [r.url for r in result.raw if "/data?" in r.url]
    assert len(data_urls) > 1
    assert all(len(url) <= 260 for url in data_urls)
    asked = [r["valueCodes[Region]"].split(",") for r in replay.requests]
    assert sorted(code for batch in asked for code in batch) == sorted(
        areas.to_scb(c) for c in COUNTIES
    )
    assert values_by_key(result.frame) == recorded_6471(dataset, "20-29")


@pytest.mark.parametrize("limit", ["strict", "recorded"])
def test_rate_limit_is_never_exceeded_and_cached_answers_are_free(
    httpserver: HTTPServer, shared_data: Path, session: CollabSession, limit: str
) -> None:
    # "recorded" keeps SCB's own limit: 3 calls a second.
    strict = {"maxCallsPerTimeWindow": 2, "timeWindow": 10} if limit == "strict" else {}
    replay = PxWebReplay(httpserver, shared_data, maxDataCells=50, **strict)
    calls, window = replay.config["maxCallsPerTimeWindow"], replay.config["timeWindow"]
    dataset = replay.add("TAB6471", "TAB6471_data.json", "TAB6471_metadata.json")
    fake = FakeTime()
    replay.clock = fake.clock

    result = fetch_pxweb(
        [tab6471()], base_url=replay.base_url, session=session, sleep=fake.sleep, clock=fake.clock
    )

    assert values_by_key(result.frame) == recorded_6471(dataset, "20-29")
    stamps = replay.stamps
    assert len(stamps) == 1 + 1 + 6  # config, metadata, six data parts
    assert all(stamps[i + calls] - stamps[i] >= window for i in range(len(stamps) - calls))
    # Each burst of `calls` waits for the window to pass: strict 2 per 10 s gives 30 s.
    assert sum(fake.sleeps) == pytest.approx((len(stamps) - 1) // calls * window)

    again = fetch_pxweb(
        [tab6471()], base_url=replay.base_url, session=session, sleep=fake.sleep, clock=fake.clock
    )
    without_time = [c for c in COLUMNS if c != "retrieved_at"]
    pd.testing.assert_frame_equal(again.frame[without_time], result.frame[without_time])
    assert len(replay.stamps) == 8  # metadata and data came from the cache, /config not re-read
    assert sum(fake.sleeps) == pytest.approx((len(stamps) - 1) // calls * window)
    assert session.stats.as_dict() == {"network": 8, "cached": 7, "retries": 0}


def test_retries_count_against_the_rate_limit(
    httpserver: HTTPServer, shared_data: Path, session: CollabSession
) -> None:
    replay = PxWebReplay(httpserver, shared_data, maxCallsPerTimeWindow=2, timeWindow=10)
    replay.add("TAB638", "TAB638_data.json")
    fake = FakeTime()
    replay.clock = fake.clock
    failures = iter([Response("boom", status=500)])
    replay.fault = lambda request: next(failures, None) if "/data" in request.path else None

    result = fetch_pxweb(
        [tab638()], base_url=replay.base_url, session=session, sleep=fake.sleep, clock=fake.clock
    )

    assert values_by_key(result.frame) == {("0000", "2024", "men"): 50937.0}
    assert len(replay.stamps) == 4  # config, metadata, data 500, data again
    assert replay.stamps[2] - replay.stamps[0] >= 10 and replay.stamps[3] - replay.stamps[1] >= 10


@pytest.mark.parametrize("unset", [{"maxCallsPerTimeWindow": 0}, {"timeWindow": 0}])
def test_a_limit_of_zero_means_not_configured_so_10_calls_per_10_s(
    httpserver: HTTPServer, shared_data: Path, session: CollabSession, unset: dict[str, int]
) -> None:
    replay = PxWebReplay(httpserver, shared_data, maxDataCells=50, **unset)
    dataset = replay.add("TAB6471", "TAB6471_data.json", "TAB6471_metadata.json")
    fake = FakeTime()
    replay.clock = fake.clock
    age_groups = [tab6471(age, f"population_{age}") for age in ("20-29", "30-39")]

    result = fetch_pxweb(
        age_groups, base_url=replay.base_url, session=session, sleep=fake.sleep, clock=fake.clock
    )

    assert values_by_key(result.frame.query("indicator == 'population_30-39'")) == (
        recorded_6471(dataset, "30-39")
    )
    stamps = replay.stamps
    assert len(stamps) == 1 + 1 + 2 * 6  # config, metadata, six data parts per age group
    assert all(stamps[i + 10] - stamps[i] >= 10 for i in range(len(stamps) - 10))
    assert sum(fake.sleeps) == pytest.approx(10.0)


def test_x_rate_limit_headers_are_honoured(
    httpserver: HTTPServer, shared_data: Path, session: CollabSession
) -> None:
    replay = PxWebReplay(httpserver, shared_data, maxCallsPerTimeWindow=1000)
    replay.add("TAB638", "TAB638_data.json")
    fake = FakeTime()
    replay.clock = fake.clock
    replay.config_headers = {"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "7"}

    fetch_pxweb(
        [tab638()], base_url=replay.base_url, session=session, sleep=fake.sleep, clock=fake.clock
    )

    assert fake.sleeps == [7.0]  # after /config said nothing is left for 7 s
    assert replay.stamps[1] - replay.stamps[0] == 7.0


def test_config_is_read_once_per_host_even_when_not_cacheable(
    replay: PxWebReplay, session: CollabSession
) -> None:
    replay.config_headers = {"Cache-Control": "no-store"}
    replay.add("TAB638", "TAB638_data.json")
    replay.add("TAB5974", "TAB5974_data.json")
    births = PxWebQuery(table="TAB5974", selection={"Alder": ["0"]}, sex_dimension="Kon")

    fetch_pxweb([tab638()], base_url=replay.base_url, session=session)
    later = fetch_pxweb(
        [PxWebRequest("births", births, None, ("2026",))],
        base_url=replay.base_url + "/",
        session=session,
    )

    assert replay.paths.count("/config") == 1
    assert not any("/config" in r.url for r in later.raw)
    with make_session(None) as fresh:
        fetch_pxweb([tab638()], base_url=replay.base_url, session=fresh)
    assert replay.paths.count("/config") == 2  # a new session asks again


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"apiVersion": "1.0.0"}, "is PxWeb API 1.0.0; this adapter needs 2.0"),
        ({"maxDataCells": None}, "without apiVersion 2, maxDataCells"),
        ({"maxDataCells": 0}, "impossible limits"),
    ],
)
def test_a_host_without_pxweb_2_limits_is_refused(
    httpserver: HTTPServer,
    shared_data: Path,
    session: CollabSession,
    config: dict[str, Any],
    message: str,
) -> None:
    replay = PxWebReplay(httpserver, shared_data, maxCallsPerTimeWindow=1000, **config)
    replay.add("TAB638", "TAB638_data.json")
    with pytest.raises(FetchError, match=message):
        fetch_pxweb([tab638()], base_url=replay.base_url, session=session)
    assert replay.requests == []


# --- faults -------------------------------------------------------------------------------


def test_500_then_success(
    httpserver: HTTPServer, replay: PxWebReplay, session: CollabSession
) -> None:
    replay.add("TAB638", "TAB638_data.json")
    httpserver.expect_oneshot_request(f"{PREFIX}/tables/TAB638/data").respond_with_data(
        "boom", status=500
    )
    result = fetch_pxweb([tab638()], base_url=replay.base_url, session=session)
    assert values_by_key(result.frame) == {("0000", "2024", "men"): 50937.0}
    assert session.stats.retries == 1
    assert len(result.raw) == 3  # the failed attempt left no body behind


def test_always_500_gives_up_with_one_sentence(replay: PxWebReplay, session: CollabSession) -> None:
    replay.add("TAB638", "TAB638_data.json")
    replay.fault = lambda request: (
        Response("boom", status=500) if request.path.endswith("/data") else None
    )
    with pytest.raises(FetchError) as caught:
        fetch_pxweb([tab638()], base_url=replay.base_url, session=session)
    message = str(caught.value)
    assert message.startswith("PxWeb answered 500 INTERNAL SERVER ERROR 4 times for http://")
    assert "/tables/TAB638/data?outputFormat=json-stat2&valueCodes%5BRegion%5D=00" in message
    assert message.endswith("; giving up")
    assert len(replay.requests) == 0  # the fault answered before the replay counted them
    assert replay.paths.count("/tables/TAB638/data") == 4


def test_failure_of_one_part_fails_the_whole_fetch(
    httpserver: HTTPServer, shared_data: Path, session: CollabSession
) -> None:
    replay = PxWebReplay(httpserver, shared_data, maxDataCells=50, maxCallsPerTimeWindow=1000)
    replay.add("TAB6471", "TAB6471_data.json", "TAB6471_metadata.json")
    replay.fault = lambda request: (
        Response("busy", status=503)
        if request.args.get("valueCodes[Region]", "").startswith("10,")
        else None
    )
    with pytest.raises(
        FetchError, match=r"503 SERVICE UNAVAILABLE 4 times for \S+Region%5D=10%2C12%2C"
    ):
        fetch_pxweb([tab6471()], base_url=replay.base_url, session=session)
    assert len(replay.requests) == 2  # parts 1 and 2 came back; part 3 never did


def test_truncated_body_is_retried_once_then_fails(
    replay: PxWebReplay, session: CollabSession
) -> None:
    replay.add("TAB638", "TAB638_data.json")
    body = (replay.shared_data / "pxweb-v2/scb/TAB638_data.json").read_bytes()
    replay.fault = lambda request: (
        Response(body[:300], content_type="application/json")
        if request.path.endswith("/data")
        else None
    )
    with pytest.raises(FetchError) as caught:
        fetch_pxweb([tab638()], base_url=replay.base_url, session=session)
    assert "PxWeb answered 200 OK with a body that is not valid JSON (300 bytes" in str(caught)
    assert "twice for http://" in str(caught.value)
    assert session.stats.cached == 0  # the cut-off body was not cached and replayed


def test_html_page_with_200_fails(replay: PxWebReplay, session: CollabSession) -> None:
    replay.add("TAB638", "TAB638_data.json")
    page = "<!DOCTYPE html><html><body><h1>Tjänsten är inte tillgänglig</h1></body></html>"
    replay.fault = lambda request: (
        Response(page, content_type="text/html") if request.path.endswith("/data") else None
    )
    with pytest.raises(FetchError, match=r"not valid JSON \(\d+ bytes starting '<!DOCTYPE html>"):
        fetch_pxweb([tab638()], base_url=replay.base_url, session=session)


def test_json_that_is_not_json_stat2_fails(replay: PxWebReplay, session: CollabSession) -> None:
    replay.add("TAB638", "TAB638_data.json")
    replay.fault = lambda request: (
        json_response({"version": "2.0", "id": ["Tid"], "dimension": {}, "value": [1]})
        if request.path.endswith("/data")
        else None
    )
    with pytest.raises(FetchError, match="json-stat2 dataset this adapter cannot read"):
        fetch_pxweb([tab638()], base_url=replay.base_url, session=session)


def test_an_answer_lacking_asked_codes_fails(replay: PxWebReplay, session: CollabSession) -> None:
    dataset = replay.add("TAB6471", "TAB6471_data.json", "TAB6471_metadata.json")
    fewer = dice(dataset, {"Region": ["01"], "Alder": ["20-29"], "Kon": ["*"], "Tid": ["*"]})
    replay.fault = lambda request: json_response(fewer) if request.path.endswith("/data") else None
    with pytest.raises(FetchError, match=r"answered without the Region codes \['03', '04'"):
        fetch_pxweb([tab6471()], base_url=replay.base_url, session=session)


# --- what the table does not have ---------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"selection": {"Kön": ["1"]}}, "has no dimension 'Kön'; it has Region, Alder, Kon"),
        ({"selection": {"Alder": ["*"]}}, r"needs exactly one Alder value per indicator"),
        ({"selection": {"Alder": ["17-19"]}}, r"has no Alder values \['17-19'\]"),
        ({"selection": {}}, r"needs a Alder value in the selection"),
        (
            {"selection": {"Alder": ["0-9"], "Kon": ["*"]}, "sex_codes": {"men": "1"}},
            r"has Kon codes \['TotSa', '2'\] that the query's sex_codes do not name",
        ),
        ({"sex_codes": {"total": "1+2"}}, "has none of the sex codes"),
        ({"period_dimension": "Månad"}, "has no dimension 'Månad'"),
    ],
)
def test_queries_the_table_cannot_answer(
    replay: PxWebReplay, session: CollabSession, change: dict[str, Any], message: str
) -> None:
    replay.add("TAB6471", "TAB6471_data.json", "TAB6471_metadata.json")
    query = tab6471().query.model_copy(update=change)
    with pytest.raises(FetchError, match=message):
        fetch_pxweb(
            [PxWebRequest("x", query, ("0010",), None)],
            base_url=replay.base_url,
            session=session,
        )
    assert replay.requests == []


def test_areas_the_table_lacks(replay: PxWebReplay, session: CollabSession) -> None:
    replay.add("TAB6471", "TAB6471_data.json", "TAB6471_metadata.json")
    replay.add("TAB5974", "TAB5974_data.json")
    with pytest.raises(FetchError, match="TAB6471 has no values for the areas 0999"):
        fetch_pxweb(
            [PxWebRequest("x", tab6471().query, ("0010", "0999"), None)],
            base_url=replay.base_url,
            session=session,
        )
    births = PxWebQuery(table="TAB5974", selection={"Alder": ["0"]})
    with pytest.raises(FetchError, match="whole country only, not 0010"):
        fetch_pxweb(
            [PxWebRequest("births", births, ("0010",), None)],
            base_url=replay.base_url,
            session=session,
        )


@pytest.mark.parametrize(
    ("areas_", "periods", "selection", "message"),
    [
        (("10",), None, {}, "four-digit Kolada codes"),
        ((), None, {}, "four-digit Kolada codes"),
        (None, (), {}, "use None for all periods"),
        (None, None, {"Region": ["00"]}, "select Region with the request's areas"),
    ],
)
def test_requests_are_checked_before_any_traffic(
    areas_: tuple[str, ...] | None,
    periods: tuple[str, ...] | None,
    selection: dict[str, list[str]],
    message: str,
) -> None:
    query = PxWebQuery(table="TAB638", selection=selection)
    with pytest.raises(ValueError, match=message):
        PxWebRequest("x", query, areas_, periods)


def test_request_areas_and_periods_are_sorted_and_unique() -> None:
    request = PxWebRequest("x", PxWebQuery(table="T"), ("1082", "0010", "1082"), ("2024", "2023"))
    assert request.areas == ("0010", "1082")
    assert request.periods == ("2023", "2024")


# --- metadata -----------------------------------------------------------------------------


def test_table_metadata(
    httpserver: HTTPServer, replay: PxWebReplay, session: CollabSession
) -> None:
    replay.add("TAB6471", "TAB6471_data.json", "TAB6471_metadata.json")

    meta = table_metadata("TAB6471", base_url=replay.base_url, session=session, language="en")

    assert meta["title"].startswith("Folkmängden per månad efter region, ålder och kön")
    assert meta["source"] == "SCB"
    assert len(meta["notes"]) == 4
    dims = meta["dimensions"]
    assert list(dims) == ["Region", "Alder", "Kon", "ContentsCode", "Tid"]
    region = dims["Region"]
    assert len(region["values"]) == 312
    assert region["values"]["00"] == "Riket"
    assert region["values"]["10"] == "Blekinge län"
    assert region["values"]["1082"] == "Karlshamn"
    assert region["elimination"] is True
    assert "vs_CKM02Län" in region["codelists"]
    assert dims["Tid"]["role"] == "time" and dims["ContentsCode"]["role"] == "metric"
    assert list(dims["Tid"]["values"])[:2] == ["2025M01", "2025M02"]
    assert dims["Alder"]["elimination"] is False and dims["Alder"]["notes"]
    assert dims["ContentsCode"]["units"] == {"000007SF": {"base": "antal", "decimals": 0}}
    request, _ = httpserver.log[-1]
    assert request.path.endswith("/tables/TAB6471/metadata")
    assert request.args["lang"] == "en"


def test_unknown_table_is_not_retried(replay: PxWebReplay, session: CollabSession) -> None:
    with pytest.raises(FetchError, match=r"PxWeb answered 404 NOT FOUND for \S+/TAB0/metadata"):
        table_metadata("TAB0", base_url=replay.base_url, session=session)
    assert replay.paths == ["/config", "/tables/TAB0/metadata"]


# --- live ---------------------------------------------------------------------------------


@pytest.mark.live
def test_live_scb_population_riket_2024() -> None:
    with make_session(None) as live:
        result = fetch_pxweb([tab638()], base_url=SCB_URL, session=live)
    assert values_by_key(result.frame) == {("0000", "2024", "men"): 50937.0}


@pytest.mark.live
def test_live_scb_all_290_municipalities_in_one_month() -> None:
    """SCB's live limits and URL splitting carry all 290 municipalities of one month.

    Proves /config is read and obeyed (calls per window, maxDataCells) and that the
    answer holds every municipality: nothing is silently cut.
    """
    kommuner = tuple(area.code for area in areas.municipalities())
    assert len(kommuner) == 290
    query = PxWebQuery(
        table="TAB6471",
        selection={"Alder": ["TotSA"]},
        sex_dimension="Kon",
        sex_codes=SEX_6471,
    )
    with make_session(None) as live:
        result = fetch_pxweb(
            [PxWebRequest("population", query, kommuner, ("2026-01",))],
            base_url=SCB_URL,
            session=live,
        )
    total = result.frame.query("sex == 'total'")
    assert set(total["area"]) == set(kommuner)
    assert (total["value"] > 0).all()


def test_sum_over_adds_up_age_groups_into_one_population(
    replay: PxWebReplay, session: CollabSession, shared_data: Path
) -> None:
    """Residents 10-29 from SCB's recorded TAB6471: the two 10-year groups added up, as a
    population base for an indicator about young people is declared (`sum_over`)."""
    dataset = load(shared_data, "TAB6471_data.json")
    hole = {"Region": "10", "Alder": "20-29", "Kon": "2", "ContentsCode": "000007SF"}
    dataset["value"][cube_index(dataset, {**hole, "Tid": "2026M01"})] = None
    dataset["status"] = {str(cube_index(dataset, {**hole, "Tid": "2026M01"})): ".."}
    replay.add("TAB6471", dataset, "TAB6471_metadata.json")
    query = PxWebQuery(
        table="TAB6471",
        selection={"Alder": ["10-19", "20-29"]},
        sum_over=["Alder"],
        sex_dimension="Kon",
        sex_codes=SEX_6471,
    )
    request = PxWebRequest("population_10_29", query, COUNTIES, MONTHS)

    frame = fetch_pxweb([request], base_url=replay.base_url, session=session).frame

    pristine = load(shared_data, "TAB6471_data.json")
    younger, older = recorded_6471(pristine, "10-19"), recorded_6471(pristine, "20-29")
    got = values_by_key(frame)
    assert len(frame) == 21 * 3 * 4  # one row per county, sex and month, not per age group
    gap = ("0010", "2026-01", "women")
    assert math.isnan(got.pop(gap))  # a missing part leaves the sum missing, never short
    assert frame.set_index(["area", "period", "sex"]).loc[gap, "status"] == "missing"
    assert got == {key: younger[key] + older[key] for key in got}
    assert replay.requests[0]["valueCodes[Alder]"] == "10-19,20-29"


def test_sum_over_must_name_a_selected_dimension() -> None:
    with pytest.raises(ValueError, match="sum_over names 'Alder'"):
        PxWebQuery(table="TAB6471", sum_over=["Alder"])
    with pytest.raises(ValueError, match="cannot add up 'Kon'"):
        PxWebQuery(
            table="TAB6471", selection={"Kon": ["1", "2"]}, sum_over=["Kon"], sex_dimension="Kon"
        )
