"""The Kolada v3 adapter and the shared HTTP layer, against a real local HTTP server.

Responses are built from the real values in the DDF snapshot (kolada_replay.py), so every
check compares what came over HTTP with what Kolada published, exactly.
"""

from __future__ import annotations

import csv
import json
import math
import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from kolada_replay import KoladaReplay, Point, alter, load_snapshot, municipalities
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collab_metrics.model.tidy import COLUMNS
from collab_metrics.sources.http import (
    USER_AGENT,
    CollabSession,
    FetchError,
    get_json,
    make_session,
    retry_after_seconds,
    user_agent,
)
from collab_metrics.sources.kolada import (
    KoladaQuery,
    KoladaRequest,
    fetch_kolada,
    fetch_kpi_metadata,
)

BLEKINGE = ("0000", "0010", "1060", "1080", "1081", "1082", "1083")  # riket, region, kommuner
DATA = re.compile(r"^/v3/data/")  # every data path (the path form)


@pytest.fixture
def session() -> Iterator[CollabSession]:
    """An in-memory cached session with waits short enough for fault tests."""
    with make_session(None, base_wait=0.01, max_wait=0.3) as s:
        yield s


@pytest.fixture
def blekinge(ddf_dir: Path) -> list[Point]:
    """Real N03921 (youth unemployment) for Blekinge, the country and the region, 2010-2022."""
    return load_snapshot(ddf_dir, "N03921", BLEKINGE)


def values_by_key(frame: pd.DataFrame) -> dict[tuple[str, str, str], float]:
    return {
        (r.area, r.period, r.sex): r.value
        for r in frame.itertuples(index=False)
        if not math.isnan(r.value)
    }


def expected(points: list[Point]) -> dict[tuple[str, str, str], float]:
    return {p.key: p.value for p in points if p.value is not None and not p.isdeleted}


def test_values_pages_missing_and_deleted_match_the_snapshot(
    httpserver: HTTPServer, session: CollabSession, blekinge: list[Point]
) -> None:
    points = alter(blekinge, ("1060", 2011, "K"), value=None, status="Bortfall")
    points = alter(points, ("1081", 2012, "T"), value=None)
    points = alter(points, ("1083", 2013, "M"), value=None, status="Ändrad metod")
    points = alter(points, ("0010", 2015, "T"), status="Osäker")
    points = alter(points, ("1082", 2010, "M"), isdeleted=True)
    replay = KoladaReplay(httpserver, points)
    wanted = KoladaRequest("youth_unemployment", "N03921", BLEKINGE)

    result = fetch_kolada([wanted], base_url=replay.base_url, session=session, per_page=40)

    frame = result.frame
    assert list(frame.columns) == list(COLUMNS)
    assert values_by_key(frame) == expected(points)  # exact float equality
    assert values_by_key(frame)[("0010", "2013", "total")] == 14.191367
    status = {(r.area, r.period, r.sex): r.status for r in frame.itertuples(index=False)}
    assert status[("1060", "2011", "women")] == "non_response"
    assert status[("1081", "2012", "total")] == "missing"
    assert status[("1083", "2013", "men")] == "Ändrad metod"  # unknown text kept as sent
    assert status[("0010", "2015", "total")] == "uncertain"
    assert status[("0010", "2016", "total")] == ""
    assert len(frame) == len(points) - 1  # every value but the deleted one, missing kept
    assert set(frame["indicator"]) == {"youth_unemployment"}
    assert set(frame["source"]) == {"kolada"}
    assert set(frame["sex"]) == {"total", "women", "men"}

    deleted = result.deletions
    assert len(deleted) == 1
    row = deleted.iloc[0]
    assert (row.area, row.period, row.sex, row.status) == ("1082", "2010", "men", "deleted")
    assert row.value == next(p.value for p in points if p.isdeleted)

    # 7 areas x 13 years = 91 value rows at 40 per page: three pages, via next_url.
    assert [r["page"] for r in replay.requests] == ["1", "2", "3"]
    assert len(result.raw) == 3
    assert sum(len(json.loads(r.body)["values"]) for r in result.raw) == 91
    assert set(frame["retrieved_at"]) <= {r.retrieved_at for r in result.raw}
    assert session.stats.network == 3


def test_all_290_municipalities_go_in_batches_of_25(
    httpserver: HTTPServer, session: CollabSession, ddf_dir: Path
) -> None:
    kommuner = municipalities(ddf_dir)
    assert len(kommuner) == 290
    points = load_snapshot(ddf_dir, "N03921", kommuner)
    replay = KoladaReplay(httpserver, points)

    result = fetch_kolada(
        [KoladaRequest("youth_unemployment", "N03921", kommuner)],
        base_url=replay.base_url,
        session=session,
    )

    assert values_by_key(result.frame) == expected(points)
    assert len(replay.requests) == 12  # ceil(290 / 25), one page each
    asked = [r["municipality"] for r in replay.requests]
    assert all(len(batch) <= 25 for batch in asked)
    assert sorted(code for batch in asked for code in batch) == sorted(kommuner)
    assert session.stats.as_dict() == {"network": 12, "cached": 0, "retries": 0}


def test_indicators_sharing_areas_share_requests(
    httpserver: HTTPServer, session: CollabSession, ddf_dir: Path, blekinge: list[Point]
) -> None:
    adults = load_snapshot(ddf_dir, "N03920", BLEKINGE)
    replay = KoladaReplay(httpserver, blekinge + adults)
    wanted = [
        KoladaRequest("youth", "N03921", BLEKINGE),
        KoladaRequest("youth_women_target", "N03921", BLEKINGE),  # same KPI, second goal
        KoladaRequest("adults", "N03920", BLEKINGE, years=[2013, 2017]),
        KoladaRequest("adults_too", "N03920", BLEKINGE[:2], years=[2017]),
    ]

    result = fetch_kolada(wanted, base_url=replay.base_url, session=session)

    frame = result.frame
    by_indicator = {name: values_by_key(part) for name, part in frame.groupby("indicator")}
    assert by_indicator["youth"] == by_indicator["youth_women_target"] == expected(blekinge)
    assert by_indicator["adults"] == {
        k: v for k, v in expected(adults).items() if k[1] in {"2013", "2017"}
    }
    assert by_indicator["adults_too"] == {
        k: v for k, v in expected(adults).items() if k[1] == "2017" and k[0] in BLEKINGE[:2]
    }
    # One query per distinct (areas, years): the two N03921 goals share theirs.
    assert len(replay.requests) == 3
    assert replay.requests[0]["kpi"] == ["N03921"]
    assert replay.requests[1]["year"] == ["2013", "2017"]
    assert {r["form"] for r in replay.requests} == {"path"}


def test_from_date_is_passed_on(
    httpserver: HTTPServer, session: CollabSession, blekinge: list[Point]
) -> None:
    replay = KoladaReplay(httpserver, blekinge)
    fetch_kolada(
        [KoladaRequest("youth", "N03921", ["0010"])],
        base_url=replay.base_url,
        session=session,
        from_date=date(2024, 8, 30),
    )
    assert replay.requests[0]["from_date"] == "2024-08-30"


def test_cache_serves_repeats_and_survives_sessions(
    httpserver: HTTPServer, tmp_path: Path, blekinge: list[Point]
) -> None:
    replay = KoladaReplay(httpserver, blekinge)
    wanted = [KoladaRequest("youth", "N03921", BLEKINGE)]
    with make_session(tmp_path) as first:
        fresh = fetch_kolada(wanted, base_url=replay.base_url, session=first, per_page=40)
        again = fetch_kolada(wanted, base_url=replay.base_url, session=first, per_page=40)
        assert first.stats.as_dict() == {"network": 3, "cached": 3, "retries": 0}
    fetched_by = datetime.now(UTC)
    with make_session(tmp_path) as second:
        later = fetch_kolada(wanted, base_url=replay.base_url, session=second, per_page=40)
        assert second.stats.as_dict() == {"network": 0, "cached": 3, "retries": 0}
    assert len(replay.requests) == 3
    without_time = [c for c in COLUMNS if c != "retrieved_at"]
    pd.testing.assert_frame_equal(fresh.frame[without_time], again.frame[without_time])
    pd.testing.assert_frame_equal(fresh.frame[without_time], later.frame[without_time])
    assert [r.body for r in later.raw] == [r.body for r in fresh.raw]
    # A cached body keeps the time it was first fetched, not the time it was replayed.
    assert all(r.retrieved_at <= fetched_by for r in later.raw)


def test_sends_a_descriptive_user_agent(httpserver: HTTPServer, session: CollabSession) -> None:
    httpserver.expect_request("/ua").respond_with_json({})
    get_json(session, httpserver.url_for("/ua"), None, source="Kolada")
    request, _ = httpserver.log[-1]
    assert request.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT == "collab-metrics/0.1.0 (public-sector goal follow-up)"


def test_user_agent_names_the_operators_contact_when_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLLAB_HTTP_CONTACT", "statistik@regionblekinge.se")
    assert user_agent() == (
        "collab-metrics/0.1.0 (public-sector goal follow-up; statistik@regionblekinge.se)"
    )
    with make_session(None) as s:
        assert s.headers["User-Agent"] == user_agent()


# --- the replay tells the truth about Kolada's contract -------------------------------------


def test_the_old_comma_query_form_gets_nothing(
    httpserver: HTTPServer, session: CollabSession, blekinge: list[Point]
) -> None:
    """Regression: `/data?kpi_id=A,B` asks for one id "A,B" and answers an empty 200."""
    replay = KoladaReplay(httpserver, blekinge)
    comma = {"kpi_id": "N03921", "municipality_id": "0010,1082", "year": "2013"}
    data, _ = get_json(session, f"{replay.base_url}/data", comma, source="Kolada")
    assert data == {"count": 0, "values": [], "next_url": None}
    # FastAPI list semantics: the same filters as repeated keys do find the values.
    repeated = [("kpi_id", "N03921"), ("municipality_id", "0010"), ("municipality_id", "1082")]
    response = session.get(f"{replay.base_url}/data", params=[*repeated, ("year", "2013")])
    found = response.json()
    assert {(row["municipality"], row["period"]) for row in found["values"]} == {
        ("0010", 2013),
        ("1082", 2013),
    }
    assert found["count"] == 2
    assert [r["form"] for r in replay.requests] == ["query", "query"]


def test_the_path_form_finds_what_the_comma_query_form_misses(
    httpserver: HTTPServer, session: CollabSession, blekinge: list[Point]
) -> None:
    replay = KoladaReplay(httpserver, blekinge)
    result = fetch_kolada(
        [KoladaRequest("youth", "N03921", ["0010", "1082"], years=[2013])],
        base_url=replay.base_url,
        session=session,
    )
    assert values_by_key(result.frame) == {
        k: v for k, v in expected(blekinge).items() if k[0] in {"0010", "1082"} and k[1] == "2013"
    }
    (asked,) = replay.requests
    assert asked["form"] == "path"
    assert (asked["kpi"], asked["municipality"], asked["year"]) == (
        ["N03921"],
        ["0010", "1082"],
        ["2013"],
    )


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/data/kpi/N03921", 400),  # one filter only
        ("/data/kpi/N03921/municipality/" + ",".join(["0010"] * 26), 400),  # 26 values
        ("/data/kpi/N03921/municipality/0010?per_page=5001", 422),
        ("/data/kpi/N03921/region/0010", 404),
    ],
)
def test_the_replay_refuses_what_kolada_refuses(
    httpserver: HTTPServer, blekinge: list[Point], path: str, status: int
) -> None:
    replay = KoladaReplay(httpserver, blekinge)
    with make_session(None) as plain:
        assert plain.get(replay.base_url + path).status_code == status


def test_count_is_the_items_on_the_page_and_status_is_empty(
    httpserver: HTTPServer, session: CollabSession, blekinge: list[Point]
) -> None:
    replay = KoladaReplay(httpserver, blekinge, page_size=50)
    path = "/data/kpi/N03921/municipality/" + ",".join(BLEKINGE)
    first = session.get(replay.base_url + path).json()
    assert first["count"] == len(first["values"]) == 50  # the server's page, not per_page
    assert first["next_url"].endswith("page=2&per_page=50")
    second = session.get(first["next_url"]).json()
    assert second["count"] == len(second["values"]) == 91 - 50 and second["next_url"] is None
    statuses = {v["status"] for row in first["values"] for v in row["values"]}
    assert statuses == {""}


def test_is_deleted_is_read_as_well_as_isdeleted(
    httpserver: HTTPServer, session: CollabSession
) -> None:
    row = {"kpi": "N03921", "municipality": "0010", "period": 2013}
    gone = {"gender": "T", "count": 1, "status": "", "value": 14.2, "is_deleted": True}
    kept = {"gender": "K", "count": 1, "status": "", "value": 13.0, "is_deleted": False}
    httpserver.expect_request(DATA).respond_with_json(
        {"count": 1, "values": [{**row, "values": [gone, kept]}], "next_url": None}
    )
    result = fetch_kolada(
        [KoladaRequest("youth", "N03921", ["0010"])],
        base_url=httpserver.url_for("/v3"),
        session=session,
    )
    assert values_by_key(result.frame) == {("0010", "2013", "women"): 13.0}
    assert list(result.deletions["sex"]) == ["total"]


def test_unknown_status_texts_are_logged_once_per_fetch(
    httpserver: HTTPServer,
    session: CollabSession,
    blekinge: list[Point],
    caplog: pytest.LogCaptureFixture,
) -> None:
    points = alter(blekinge, ("1060", 2011, "K"), value=None, status="Ändrad metod")
    points = alter(points, ("1083", 2013, "M"), value=None, status="Ändrad metod")
    points = alter(points, ("1081", 2013, "M"), value=None, status="Bortfall")
    replay = KoladaReplay(httpserver, points)
    with caplog.at_level("WARNING", logger="collab_metrics.sources.kolada"):
        fetch_kolada(
            [KoladaRequest("youth", "N03921", BLEKINGE)],
            base_url=replay.base_url,
            session=session,
        )
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 1 and "'Ändrad metod'" in warned[0]


def test_at_most_five_requests_a_second(
    httpserver: HTTPServer, session: CollabSession, ddf_dir: Path
) -> None:
    kommuner = municipalities(ddf_dir)
    replay = KoladaReplay(httpserver, load_snapshot(ddf_dir, "N03921", kommuner))
    now = [100.0]
    sent: list[float] = []
    replay.fault = lambda request: sent.append(now[0])  # type: ignore[func-returns-value]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    fetch_kolada(
        [KoladaRequest("youth", "N03921", kommuner)],
        base_url=replay.base_url,
        session=session,
        sleep=sleep,
        clock=lambda: now[0],
    )
    assert len(sent) == 12
    assert all(sent[i + 5] - sent[i] >= 1.0 for i in range(len(sent) - 5))
    assert now[0] - 100.0 == pytest.approx(2.0)  # 12 requests: two full seconds of waiting


# --- faults -------------------------------------------------------------------------------


def test_429_waits_as_retry_after_asks_within_the_cap(
    httpserver: HTTPServer, session: CollabSession, blekinge: list[Point]
) -> None:
    httpserver.expect_oneshot_request(DATA).respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"}
    )
    replay = KoladaReplay(httpserver, blekinge)
    started = time.monotonic()
    result = fetch_kolada(
        [KoladaRequest("youth", "N03921", BLEKINGE)], base_url=replay.base_url, session=session
    )
    waited = time.monotonic() - started
    assert values_by_key(result.frame) == expected(blekinge)
    assert 0.25 <= waited < 1  # Retry-After 1 s, capped at max_wait 0.3 s; base_wait is 0.01
    assert session.stats.retries == 1
    assert len(httpserver.log) == 2


def test_500_three_times_then_success(
    httpserver: HTTPServer, session: CollabSession, blekinge: list[Point]
) -> None:
    for _ in range(3):
        httpserver.expect_oneshot_request(DATA).respond_with_data("boom", status=500)
    replay = KoladaReplay(httpserver, blekinge)
    result = fetch_kolada(
        [KoladaRequest("youth", "N03921", BLEKINGE)], base_url=replay.base_url, session=session
    )
    assert values_by_key(result.frame) == expected(blekinge)
    assert session.stats.as_dict() == {"network": 4, "cached": 0, "retries": 3}


def test_always_500_gives_up_with_one_sentence(
    httpserver: HTTPServer, session: CollabSession, blekinge: list[Point]
) -> None:
    replay = KoladaReplay(httpserver, blekinge)
    replay.fault = lambda request: Response("boom", status=500)
    with pytest.raises(FetchError) as caught:
        fetch_kolada(
            [KoladaRequest("youth", "N03921", BLEKINGE)],
            base_url=replay.base_url,
            session=session,
        )
    message = str(caught.value)
    assert message.startswith("Kolada answered 500 INTERNAL SERVER ERROR 4 times for http://")
    assert "/v3/data/kpi/N03921/municipality/0000,0010,1060,1080,1081,1082,1083?" in message
    assert message.endswith("; giving up")
    assert len(replay.requests) == 4


def test_client_error_is_not_retried(httpserver: HTTPServer, session: CollabSession) -> None:
    httpserver.expect_request("/v3/kpi/N99999").respond_with_data("no", status=404)
    with pytest.raises(FetchError, match=r"Kolada answered 404 NOT FOUND for http://\S+; not"):
        fetch_kpi_metadata("N99999", base_url=httpserver.url_for("/v3"), session=session)
    assert len(httpserver.log) == 1


@pytest.fixture
def threaded_server() -> Iterator[HTTPServer]:
    """A server that answers while another handler sleeps (the shared one is single-threaded,
    so a retry would queue behind the sleeping handler instead of being answered)."""
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_timeout_is_retried(
    threaded_server: HTTPServer, session: CollabSession, blekinge: list[Point]
) -> None:
    def sleepy(request: Request) -> Response:
        time.sleep(0.6)
        return Response("{}", content_type="application/json")

    threaded_server.expect_oneshot_request(DATA).respond_with_handler(sleepy)
    replay = KoladaReplay(threaded_server, blekinge)
    result = fetch_kolada(
        [KoladaRequest("youth", "N03921", BLEKINGE)],
        base_url=replay.base_url,
        session=session,
        timeout=0.2,
    )
    assert values_by_key(result.frame) == expected(blekinge)
    assert session.stats.retries == 1


def test_timeout_every_time_gives_up(threaded_server: HTTPServer, session: CollabSession) -> None:
    def sleepy(request: Request) -> Response:
        time.sleep(0.6)
        return Response("{}", content_type="application/json")

    threaded_server.expect_request("/slow").respond_with_handler(sleepy)
    url = threaded_server.url_for("/slow")
    with pytest.raises(FetchError, match=r"^Kolada did not answer within 0\.2 s twice for h"):
        get_json(session, url, None, source="Kolada", timeout=0.2, max_attempts=2)


def test_truncated_json_is_retried_once_then_fails(
    httpserver: HTTPServer, session: CollabSession, blekinge: list[Point]
) -> None:
    replay = KoladaReplay(httpserver, blekinge)
    body = json.dumps({"count": 1, "values": [{"kpi": "N03921", "municipality": "0010"}]})
    replay.fault = lambda request: Response(body[:37], content_type="application/json")
    with pytest.raises(FetchError) as caught:
        fetch_kolada(
            [KoladaRequest("youth", "N03921", BLEKINGE)],
            base_url=replay.base_url,
            session=session,
        )
    assert "Kolada answered 200 OK with a body that is not valid JSON (37 bytes" in str(caught)
    assert "twice for http://" in str(caught.value)
    assert len(replay.requests) == 2
    assert session.stats.cached == 0  # the bad body was not cached and replayed


def test_truncated_json_once_then_fine(
    httpserver: HTTPServer, session: CollabSession, blekinge: list[Point]
) -> None:
    httpserver.expect_oneshot_request(DATA).respond_with_data(
        '{"count": 3, "values": [{"kp', content_type="application/json"
    )
    replay = KoladaReplay(httpserver, blekinge)
    result = fetch_kolada(
        [KoladaRequest("youth", "N03921", BLEKINGE)], base_url=replay.base_url, session=session
    )
    assert values_by_key(result.frame) == expected(blekinge)


def test_html_error_page_with_200_fails(
    httpserver: HTTPServer, session: CollabSession, blekinge: list[Point]
) -> None:
    replay = KoladaReplay(httpserver, blekinge)
    page = "<!DOCTYPE html><html><body><h1>Tjänsten är inte tillgänglig</h1></body></html>"
    replay.fault = lambda request: Response(page, content_type="text/html")
    with pytest.raises(FetchError, match=r"not valid JSON \(\d+ bytes starting '<!DOCTYPE html>"):
        fetch_kolada(
            [KoladaRequest("youth", "N03921", BLEKINGE)],
            base_url=replay.base_url,
            session=session,
        )
    assert len(replay.requests) == 2


def test_failure_on_page_2_of_3_fails_the_whole_fetch(
    httpserver: HTTPServer, session: CollabSession, blekinge: list[Point]
) -> None:
    replay = KoladaReplay(httpserver, blekinge)
    replay.fault = lambda request: (
        Response("boom", status=503) if request.args.get("page") == "2" else None
    )
    with pytest.raises(FetchError, match=r"503 SERVICE UNAVAILABLE 4 times for \S+page=2"):
        fetch_kolada(
            [KoladaRequest("youth", "N03921", BLEKINGE)],
            base_url=replay.base_url,
            session=session,
            per_page=40,
        )
    assert [r["page"] for r in replay.requests] == ["1", "2", "2", "2", "2"]


def test_a_page_that_is_not_kolada_shaped_fails(
    httpserver: HTTPServer, session: CollabSession
) -> None:
    httpserver.expect_request(DATA).respond_with_json({"error": "kpi_id required"})
    with pytest.raises(FetchError, match="without a 'values' list"):
        fetch_kolada(
            [KoladaRequest("youth", "N03921", ["0010"])],
            base_url=httpserver.url_for("/v3"),
            session=session,
        )


def test_a_row_that_is_not_kolada_shaped_fails(
    httpserver: HTTPServer, session: CollabSession
) -> None:
    row = {"kpi": "N03921", "municipality": "0010", "period": 2013}
    odd = {**row, "values": [{"gender": "X", "value": 1.0, "status": None}]}
    httpserver.expect_request(DATA).respond_with_json(
        {"count": 1, "values": [odd], "next_url": None}
    )
    with pytest.raises(FetchError, match=r"data row this adapter cannot read .* in http://"):
        fetch_kolada(
            [KoladaRequest("youth", "N03921", ["0010"])],
            base_url=httpserver.url_for("/v3"),
            session=session,
        )


def test_no_values_give_an_empty_tidy_frame(httpserver: HTTPServer, session: CollabSession) -> None:
    httpserver.expect_request(DATA).respond_with_json({"count": 0, "values": [], "next_url": None})
    result = fetch_kolada(
        [KoladaRequest("youth", "N03921", ["0010"], years=[2031])],
        base_url=httpserver.url_for("/v3"),
        session=session,
    )
    assert result.frame.empty and result.deletions.empty
    assert list(result.frame.columns) == list(COLUMNS)
    assert len(result.raw) == 1


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2025, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now=now) == 120
    assert retry_after_seconds("Thu, 01 May 2025 12:00:30 GMT", now=now) == 30
    assert retry_after_seconds("Thu, 01 May 2025 11:00:00 GMT", now=now) == 0
    assert retry_after_seconds("soon", now=now) is None
    assert retry_after_seconds(None) is None


# --- metadata and validation --------------------------------------------------------------


def test_kpi_metadata_from_the_kpi_endpoint(
    httpserver: HTTPServer, session: CollabSession, ddf_dir: Path
) -> None:
    with (ddf_dir / "ddf--concepts.csv").open(encoding="utf-8") as handle:
        concept = next(r for r in csv.DictReader(handle) if r["concept"] == "n03921")
    kpi = {
        "id": "N03921",
        "title": concept["name"],
        "description": concept["description"],
        "is_divided_by_gender": concept["is_divided_by_gender"] == "1",
        "municipality_type": concept["municipality_type"],
        "operating_area": concept["operating_area"],
    }
    httpserver.expect_request("/v3/kpi/N03921").respond_with_json({"count": 1, "values": [kpi]})
    httpserver.expect_request("/v3/kpi/N00001").respond_with_json({"count": 0, "values": []})
    base = httpserver.url_for("/v3")

    meta = fetch_kpi_metadata("N03921", base_url=base, session=session)

    assert meta == kpi
    assert meta["title"].startswith("Arbetslöshet 16-24 år")
    assert meta["description"].endswith("Källa: Arbetsförmedlingen och SCB.")
    with pytest.raises(FetchError, match="Kolada has no KPI N00001"):
        fetch_kpi_metadata("N00001", base_url=base, session=session)


@pytest.mark.parametrize("bad", ["n03921", "N0392", "N039211", "NN3921", " N03921", ""])
def test_kpi_ids_are_checked(bad: str) -> None:
    with pytest.raises(ValidationError):
        KoladaQuery(kpi=bad)
    with pytest.raises(ValidationError):
        KoladaRequest("x", bad, ["0010"])


def test_query_forbids_unknown_keys_and_describes_itself() -> None:
    assert KoladaQuery(kpi="U01405").kpi == "U01405"
    with pytest.raises(ValidationError):
        KoladaQuery.model_validate({"kpi": "N03921", "municipality": "0010"})
    schema = KoladaQuery.model_json_schema()
    assert schema["additionalProperties"] is False
    assert "five digits" in schema["properties"]["kpi"]["description"]


@pytest.mark.parametrize("bad", [[], ["10"], ["0010", "Blekinge"], ["00100"]])
def test_area_codes_must_be_canonical(bad: list[str]) -> None:
    with pytest.raises(ValueError, match="four-digit Kolada codes"):
        KoladaRequest("youth", "N03921", bad)


def test_an_empty_year_list_is_refused_not_read_as_all_years() -> None:
    with pytest.raises(ValueError, match="use None for all years"):
        KoladaRequest("youth", "N03921", ["0010"], years=[])


# --- live ---------------------------------------------------------------------------------


@pytest.mark.live
def test_live_kolada_path_form_returns_every_area(ddf_dir: Path) -> None:
    """The live API answers the path form with rows for riket, a region and a municipality.

    Proves the documented URL form works (the query form with commas would give an empty
    page) and that the values are those the snapshot recorded for 2015-2022.
    """
    areas_ = ("0000", "0010", "1082")
    with make_session(None) as live:
        result = fetch_kolada(
            [KoladaRequest("youth", "N03921", areas_, years=range(2015, 2023))],
            base_url="https://api.kolada.se/v3",
            session=live,
        )
    total = result.frame.query("sex == 'total'")
    assert set(total["area"]) == set(areas_)
    assert set(total["period"]) == {str(year) for year in range(2015, 2023)}
    assert "/data/kpi/N03921/municipality/0000,0010,1082/year/" in result.raw[0].url
    snapshot = expected([p for p in load_snapshot(ddf_dir, "N03921", areas_) if p.period >= 2015])
    live_values = values_by_key(total)
    for key, value in live_values.items():
        if key in snapshot:  # Kolada may have revised a value since the 2024 scrape
            assert value == pytest.approx(snapshot[key], abs=0.5), key
