"""PxWeb API v1 (Folkhälsomyndigheten, regions, several agencies, Statistics Finland, ...).

Many PxWeb hosts still speak only API v1 in 2026: Folkhälsomyndigheten's Folkhälsodata
(the national public-health survey by region and sex), Västra Götalandsregionen and other
regions, several agencies, Statistics Finland (StatFin), Statistics Norway (api/v0, the
same protocol) and Greenland. The protocol, from the PxWeb server source
(statisticssweden/PxWeb `PCAxis.Api/SSDHandler.cs`, PxTools/PCAxis.Query `QueryHelper.cs`)
and SCB's "PC-Axis API beskrivning" (2014):

- `GET {base}?config` (a bare query key): `{"maxValues", "maxCells", "maxCalls",
  "timeWindow", "CORS"}`; older builds leave out `maxCells`. Folkhälsomyndigheten reports
  10000 values, 100000 cells, 1000 calls per 10 s.
- `GET {base}/{table path}`: `{"title", "variables": [{"code", "text", "values",
  "valueTexts", "elimination"?, "time"?}]}`; `elimination`/`time` are left out when false.
- `POST {base}/{table path}` with `{"query": [{"code", "selection": {"filter": "item",
  "values": [...]}}], "response": {"format": "json-stat2"}}` answers json-stat2, the same
  format as API v2 (read with the v2 adapter's reader, status symbols included). A variable
  left out is eliminated when it may be (the host uses its elimination value or sums);
  otherwise all its values are selected.
- Errors are `{"error": ...}`: 400 for an unknown variable or value, 403 "Too many values
  selected" above maxCells, 429 with `Retry-After: {timeWindow}` above maxCalls.

Area codes are SCB's ("00", "21", "1082"); Folkhälsomyndigheten shows them in the value
texts as "21 Gävleborgs län", and a code written that way is read by its leading number.
Periods stay as the table declares them: "2019-2022" is a rolling four-year window, not a
year. Sex codes differ by table (00/01/02 in FoHM's survey tables, 1+2/1/2 in register
tables) and are declared in the query's `sex_codes`. A request for the whole country only
from a table whose region variable may be eliminated leaves it out: the elimination value
is the country's (as pxwebpy's recorded SCB query does).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any, Literal
from urllib.parse import quote

from pxweb._internal.functions import split_value_codes

from collab_metrics.model import areas
from collab_metrics.model.tidy import FetchResult, RawResponse, empty_frame, from_records
from collab_metrics.sources.http import (
    CollabSession,
    FetchError,
    RateLimit,
    SourceUnreachable,
    get_json,
    throttled,
)
from collab_metrics.sources.pxweb import (
    DEFAULT_CALLS,
    DEFAULT_WINDOW,
    NAME,
    PxWebRequest,
    answer_rows,
    expand_selection,
    group_requests,
    tidy_period,
)
from collab_metrics.sources.pxweb_query import interval_codes, summed

_log = logging.getLogger(__name__)
_LEADING_CODE = re.compile(r"^(\d+)\b")


def detect_api(
    session: CollabSession, base_url: str, *, timeout: float | None = None
) -> Literal["v1", "v2"]:
    """Which PxWeb API a host speaks: v2 answers `{base}/config`, v1 `{base}?config`."""
    base = base_url.rstrip("/")
    for url in (f"{base}/config", f"{base}?config"):
        try:
            config, _ = get_json(session, url, None, source=NAME, timeout=timeout, max_attempts=2)
        except SourceUnreachable:
            raise  # no network: let `collab fetch` fall back to stored data
        except FetchError:
            continue
        if isinstance(config, dict) and ("apiVersion" in config or "maxValues" in config):
            return "v2" if "apiVersion" in config else "v1"
    raise FetchError(
        f"{base} answers neither {base}/config (PxWeb API 2) nor {base}?config (API v1); "
        "is it a PxWeb address? Declare `api:` in the query if the host hides its config"
    )


def fetch_pxweb_v1(
    wanted: Iterable[PxWebRequest],
    *,
    base_url: str,
    session: CollabSession,
    timeout: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> FetchResult:
    """Fetch PxWeb v1 tables into the tidy frame, as `fetch_pxweb` does for API 2.

    Reads `?config` once per session and host, each table's metadata once per call, then
    POSTs for exactly the cells wanted, split under maxCells and never more than maxCalls
    per timeWindow. Raises FetchError if anything fails: a partial result would look
    complete to the store.
    """
    groups = group_requests(wanted)
    if not groups:
        return FetchResult(frame=empty_frame())
    base = base_url.rstrip("/")
    max_cells, raw = _host(session, base, clock=clock, sleep=sleep, timeout=timeout)
    metadata: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    for members in groups.values():
        first = members[0]
        query = first.query
        url = table_url(base, query.table)
        if query.table not in metadata:
            metadata[query.table], body = _metadata(session, url, timeout)
            raw.append(body)
        codes = _plan(first, metadata[query.table], url)
        if codes is None:
            continue
        answered: list[dict[str, Any]] = []
        for part in split_value_codes(codes, max_cells):
            body_json = {
                "query": [
                    {"code": dim, "selection": {"filter": "item", "values": chosen}}
                    for dim, chosen in part.items()
                ],
                "response": {"format": "json-stat2"},
            }
            data, body = get_json(session, url, None, source=NAME, timeout=timeout, post=body_json)
            raw.append(body)
            answered.extend(answer_rows(data, part, query, body, members))
        rows.extend(summed(answered) if query.sum_over else answered)
    return FetchResult(frame=from_records(rows), raw=raw)


def table_url(base: str, table: str) -> str:
    """The table's URL: its path below the base, each segment quoted (FoHM uses spaces)."""
    return f"{base}/{quote(table.strip('/'), safe='/')}"


def _host(
    session: CollabSession,
    base: str,
    *,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    timeout: float | None,
) -> tuple[int, list[RawResponse]]:
    """maxCells of the host (from `?config`, once per session) and the bodies read now."""
    throttle = throttled(session, base, None, clock=clock, sleep=sleep)
    if "max_cells" in throttle.config:
        return throttle.config["max_cells"], []
    config, body = get_json(session, f"{base}?config", None, source=NAME, timeout=timeout)
    try:
        max_cells = int(config.get("maxCells") or config["maxValues"])
        calls, window = int(config.get("maxCalls", 0)), float(config.get("timeWindow", 0))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise FetchError(
            f"{NAME} sent a ?config without maxValues ({body.url}); is this a PxWeb API v1 address?"
        ) from exc
    if max_cells < 1 or calls < 0 or window < 0:
        raise FetchError(f"{NAME} sent impossible limits in {body.url}: {config}")
    if calls == 0 or window == 0:  # not configured, not "no limit"
        calls, window = DEFAULT_CALLS, DEFAULT_WINDOW
    throttle.limit = RateLimit(calls, window)
    throttle.config["max_cells"] = max_cells
    return max_cells, [body]


def _metadata(
    session: CollabSession, url: str, timeout: float | None
) -> tuple[dict[str, Any], RawResponse]:
    """A v1 table's variables, keyed by code (in table order), checked to have values."""
    meta, body = get_json(session, url, None, source=NAME, timeout=timeout)
    try:
        variables = {
            str(v["code"]): {
                "values": [str(code) for code in v["values"]],
                "texts": list(v.get("valueTexts") or v["values"]),
                "elimination": bool(v.get("elimination", False)),
                "time": bool(v.get("time", False)),
            }
            for v in meta["variables"]
        }
    except (KeyError, TypeError, AttributeError) as exc:
        raise FetchError(
            f"{NAME} sent table metadata without variables and values for {body.url}"
        ) from exc
    return {"title": meta.get("title", ""), "variables": variables}, body


def _plan(request: PxWebRequest, meta: dict[str, Any], url: str) -> dict[str, list[str]] | None:
    """The value codes to POST per variable; None when the table has none of the periods."""
    query = request.query
    variables: dict[str, dict[str, Any]] = meta["variables"]

    def fail(message: str) -> FetchError:
        return FetchError(f"{NAME} table {query.table} {message} ({url})")

    named = [query.period_dimension, query.sex_dimension, *query.selection]
    absent = [dim for dim in named if dim is not None and dim not in variables]
    if absent:
        raise fail(f"has no variable {absent[0]!r}; it has {', '.join(variables)}")
    periods = None if request.periods is None else set(request.periods)
    codes: dict[str, list[str]] = {}
    for dim, spec in variables.items():
        known: list[str] = spec["values"]
        if dim == query.area_dimension:
            chosen = _area_codes(request.areas, known, spec["elimination"], fail)
            if chosen is not None:
                codes[dim] = chosen
        elif dim == query.period_dimension:
            codes[dim] = [c for c in known if periods is None or {c, tidy_period(c)} & periods]
        elif dim in query.selection:
            chosen = expand_selection(dim, query.selection[dim], known, fail)
            if dim != query.sex_dimension and len(chosen) != 1 and dim not in query.sum_over:
                raise fail(
                    f"needs exactly one {dim} value per indicator (or {dim} in sum_over); "
                    f"selected {chosen}"
                )
            codes[dim] = chosen + interval_codes(query, dim, known, fail)
        elif dim == query.sex_dimension:
            codes[dim] = [c for c in known if c in query.sex_codes.values()]
            if not codes[dim]:
                raise fail(f"has none of the sex codes {query.sex_codes} in {dim} ({known})")
        elif not spec["elimination"]:
            if len(known) != 1:
                raise fail(f"needs a {dim} value in the selection; it has {known[:10]}")
            codes[dim] = known
    if query.area_dimension not in variables and request.areas not in (None, (areas.RIKET,)):
        raise fail(f"has no {query.area_dimension} variable: it covers the whole country only")
    if not codes.get(query.period_dimension):
        _log.info("%s table %s has none of the periods %s", NAME, query.table, request.periods)
        return None
    return codes


def _area_codes(
    wanted: tuple[str, ...] | None,
    known: list[str],
    eliminable: bool,
    fail: Callable[[str], FetchError],
) -> list[str] | None:
    """The table's codes for the wanted areas; None to eliminate (the whole country)."""
    if wanted is None:
        return known
    if wanted == (areas.RIKET,) and eliminable:
        return None
    by_area: dict[str, str] = {}
    for code in known:
        leading = _LEADING_CODE.match(code)
        if leading:
            try:
                by_area.setdefault(areas.from_scb(leading[1]), code)
            except ValueError:
                continue
    absent = [area for area in wanted if area not in by_area]
    if absent:
        raise fail(f"has no values for the areas {', '.join(absent)}")
    return [by_area[area] for area in wanted]


__all__ = ["detect_api", "fetch_pxweb_v1", "table_url"]
