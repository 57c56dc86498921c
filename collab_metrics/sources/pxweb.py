"""PxWeb API 2.0 (SCB's Statistikdatabasen by default, any PxWeb 2.0 host by URL).

What the API offers (PxTools' PxWebApi 2 user guide and OpenAPI spec, recorded SCB answers):

- `GET /config`: the host's limits: `maxDataCells` per data request, at most
  `maxCallsPerTimeWindow` calls per `timeWindow` seconds (SCB in 2026: 150000 cells, 30
  calls per 10 s; an older recording says 3 per second), `apiVersion`,
  `defaultLanguage`. 0 calls or a 0 s window means the host left the limit unset.
- `GET /tables/{id}/metadata`: json-stat2 without values: dimension ids (`Region`, `Kon`,
  `Tid`, ...) in `id`, every value code with its label, `elimination` per dimension (may be
  left out of a query: the host then sums or uses its elimination value), notes.
- `GET /tables/{id}/data?valueCodes[Dim]=a,b&outputFormat=json-stat2`: one cube in
  json-stat2 (values row-major over `id`; `status` holds a symbol per cell such as ".."
  not available, "." cannot occur, "-" nil). Every dimension that cannot be eliminated
  must be selected; `*` selects all codes. A GET URL may not be longer than about 2100
  characters (MAX_URL_LENGTH), so long code lists are split as well.
- Area codes are SCB's: "00" riket, "10" Blekinge län, "1082" Karlshamn (areas.from_scb
  gives the canonical "0000", "0010", "1082"). A table without an area dimension covers
  the whole country. Months are "2024M01" (tidy "2024-01"); years "2024".

What pxwebpy (import `pxweb`) gives and why it is used in pieces: its `PxApi` client makes
its own in-memory `CachedSession` (ours cannot be handed in), calls `/tables` on creation,
returns parsed JSON only (no raw bodies to archive), retries only 429 and raises
`requests.HTTPError` otherwise, and sleeps with `time.sleep` in a rate limiter that counts
only its own first attempts. Its json-stat2 flattening keys rows by dimension *label* and
drops `status`, which is where PxWeb says why a value is missing. So this adapter uses
pxwebpy's selection helpers (`expand_wildcards` against the table's codes, and
`split_value_codes`, its largest-dimension-first split under `maxDataCells`) and does the
rest itself: GET queries through `http.get_json` (cached,
retried, `FetchError`, raw bodies), json-stat2 read by dimension id with its status, and
the host's rate limit enforced by a transport adapter mounted on the session for that
host, so every request that really goes over the wire counts, retries included, and
answers served from the cache do not. The helpers live in `pxweb._internal`, which
pxwebpy does not promise to keep; the tests here exercise them through this adapter.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final
from urllib.parse import quote

import requests
from pxweb._internal.functions import expand_wildcards, split_value_codes

from collab_metrics.model import areas
from collab_metrics.model.queries import SCB_URL, PxWebQuery
from collab_metrics.model.tidy import (
    FetchResult,
    RawResponse,
    bound_id,
    empty_frame,
    from_records,
)
from collab_metrics.sources.http import CollabSession, FetchError, RateLimit, get_json, throttled
from collab_metrics.sources.pxweb_query import interval_codes, summed

SOURCE: Final = "pxweb"
NAME: Final = "PxWeb"  # how error messages name the source
MAX_URL_LENGTH: Final = 2000  # the guide's "approximately 2100 characters", with a margin
# A host whose /config says 0 calls or a 0 s window has not set a limit; be conservative.
DEFAULT_CALLS: Final = 10
DEFAULT_WINDOW: Final = 10.0

_log = logging.getLogger(__name__)
_MONTH = re.compile(r"^(\d{4})M(\d{2})$")
# json-stat2 status symbols (PX data symbols) and the tidy reason each means. SCB: ".."
# not available or too uncertain to publish, "." cannot occur; "-" is PX's nil (nothing
# to report): the value stays NaN rather than a guessed 0. "..." and ":" are what several
# hosts use for confidential cells. Unknown symbols are kept as sent.
_SYMBOL_REASONS: Final = {
    "..": "missing",
    ".": "not_applicable",
    "-": "missing",
    "...": "suppressed",
    ":": "suppressed",
}


@dataclass(frozen=True)
class PxWebRequest:
    """What one framework indicator needs from a PxWeb table: some areas and periods.

    `areas` are canonical Kolada codes ("0000", "0010", "1082"), None for every area the
    table has; `periods` as the table writes them ("2024", "2024M01") or tidy ("2024-01"),
    None for every period. Periods the table does not have yet are simply not asked for.
    """

    indicator: str
    query: PxWebQuery
    areas: tuple[str, ...] | None
    periods: tuple[str, ...] | None

    def __post_init__(self) -> None:
        if self.areas is not None:  # None asks for every area
            owner = f"indicator {self.indicator!r}"
            object.__setattr__(self, "areas", areas.code_list(self.areas, owner))
        if self.periods is not None:
            if not self.periods:
                raise ValueError(
                    f"indicator {self.indicator!r}: no periods given; use None for all periods"
                )
            object.__setattr__(self, "periods", tuple(sorted(set(self.periods))))
        query = self.query
        taken = {query.area_dimension, query.period_dimension} & set(query.selection)
        if taken:
            raise ValueError(
                f"indicator {self.indicator!r}: select {', '.join(sorted(taken))} with the "
                "request's areas and periods, not in the query's selection"
            )


@dataclass(frozen=True)
class _Limits:
    """The host's /config limits."""

    max_cells: int
    calls: int
    window: float


def fetch_pxweb(
    wanted: Iterable[PxWebRequest],
    *,
    base_url: str,
    session: CollabSession,
    timeout: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> FetchResult:
    """Fetch the values the framework's PxWeb indicators need, as one tidy frame.

    Reads the host's /config once per session, each table's metadata once per call, then
    asks for exactly the cells wanted, split so no request exceeds `maxDataCells` or the
    URL limit, never more than `maxCallsPerTimeWindow` per `timeWindow` (waiting with
    `sleep`, timed by `clock`; the first fetch on a session fixes both). Requests with the
    same query, areas and periods share their requests. `raw` holds every body received
    (config, metadata, data). If anything fails the whole fetch raises `FetchError`: a
    partial result would look complete to the store.
    """
    groups = group_requests(wanted)
    if not groups:
        return FetchResult(frame=empty_frame())

    base = base_url.rstrip("/")
    limits, raw = _host(session, base, clock=clock, sleep=sleep, timeout=timeout)
    metadata: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    for members in groups.values():
        first = members[0]
        query = first.query
        if query.table not in metadata:
            metadata[query.table], body = _metadata(session, base, query.table, None, timeout)
            raw.append(body)
        codes = _plan(first, metadata[query.table], _table_url(base, query.table))
        if codes is None:
            continue
        url = f"{_table_url(base, query.table)}/data"
        answered: list[dict[str, Any]] = []
        for part in _parts(codes, metadata[query.table], limits.max_cells, url):
            data, body = get_json(
                session, url, _params(part, metadata[query.table]), source=NAME, timeout=timeout
            )
            raw.append(body)
            answered.extend(answer_rows(data, part, query, body, members))
        rows.extend(summed(answered) if query.sum_over else answered)
    return FetchResult(frame=from_records(rows), raw=raw)


def group_requests(
    wanted: Iterable[PxWebRequest],
) -> dict[tuple[str, Any, Any], list[PxWebRequest]]:
    """Requests with the same query, areas and periods, grouped: each group is asked once."""
    groups: dict[tuple[str, Any, Any], list[PxWebRequest]] = {}
    for request in wanted:
        key = (request.query.model_dump_json(), request.areas, request.periods)
        groups.setdefault(key, []).append(request)
    return groups


def answer_rows(
    data: dict[str, Any],
    part: dict[str, list[str]],
    query: PxWebQuery,
    body: RawResponse,
    members: Sequence[PxWebRequest],
) -> Iterator[dict[str, Any]]:
    """The tidy rows of one json-stat2 data answer (API v1 or v2), once for every framework
    indicator that shares the request. A published interval's bounds (the query's
    `interval`) are rows of the indicator's `bound_id` series."""
    for area, period, sex, value, status, bound in _read(data, part, query, body.url):
        for member in members:
            yield {
                "indicator": bound_id(member.indicator, bound) if bound else member.indicator,
                "area": area,
                "period": period,
                "sex": sex,
                "value": value,
                "status": status,
                "source": SOURCE,
                "retrieved_at": body.retrieved_at,
            }


def table_metadata(
    table: str,
    *,
    base_url: str,
    session: CollabSession,
    language: str | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """What a table holds, for choosing codes and quoting titles and notes in reports.

    Returns `{table, title, source, updated, notes, dimensions}`; each dimension (in table
    order) has `label`, `role` ("geo", "time", "metric" or None), `elimination`, `values`
    (code -> label, in table order), `notes`, `value_notes`, `units` and `codelists`.
    `language` (e.g. "en") picks the labels' language; None is the host's default.
    """
    base = base_url.rstrip("/")
    _host(session, base, clock=time.monotonic, sleep=time.sleep, timeout=timeout)
    meta, body = _metadata(session, base, table, language, timeout)
    roles = {dim: role for role, dims in meta.get("role", {}).items() for dim in dims}
    try:
        dimensions = {}
        for dim in meta["id"]:
            spec = meta["dimension"][dim]
            category, extension = spec["category"], spec.get("extension") or {}
            labels = category.get("label", {})
            dimensions[dim] = {
                "label": spec.get("label", dim),
                "role": roles.get(dim),
                "elimination": bool(extension.get("elimination", False)),
                "values": {code: labels.get(code, code) for code in _codes(spec)},
                "notes": list(spec.get("note", [])),
                "value_notes": dict(category.get("note", {})),
                "units": dict(category.get("unit", {})),
                "codelists": {c["id"]: c.get("label", "") for c in extension.get("codelists", [])},
            }
    except (KeyError, TypeError, AttributeError) as exc:
        raise FetchError(f"{NAME} sent metadata this adapter cannot read from {body.url}") from exc
    return {
        "table": table,
        "title": meta.get("label", ""),
        "source": meta.get("source"),
        "updated": meta.get("updated"),
        "notes": list(meta.get("note", [])),
        "dimensions": dimensions,
    }


def last_period(
    table: str, *, base_url: str, session: CollabSession, timeout: float | None = None
) -> str | None:
    """The table's last period as `GET /tables/{id}` states it (`lastPeriod`), tidy."""
    info, _ = get_json(
        session, _table_url(base_url.rstrip("/"), table), None, source=NAME, timeout=timeout
    )
    last = info.get("lastPeriod") if isinstance(info, dict) else None
    return tidy_period(str(last)) if last else None


def period_end(period: str) -> date | None:
    """The last day a tidy period covers ("2024", "2024-03", "2024K2"); None if unknown."""
    year = re.fullmatch(r"(\d{4})(?:-(\d{2})|K([1-4]))?", period)
    if year is None:
        return None
    if year[2] or year[3]:
        month = int(year[2]) if year[2] else int(year[3]) * 3
        following = date(int(year[1]) + month // 12, month % 12 + 1, 1)
        return following - timedelta(days=1)
    return date(int(year[1]), 12, 31)


def _host(
    session: CollabSession,
    base: str,
    *,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    timeout: float | None,
) -> tuple[_Limits, list[RawResponse]]:
    """The host's limits, read from /config the first time this session meets the host.

    Also mounts the throttling transport for the host; returns the /config body when it
    was read now. A host reporting 0 calls or a 0 s window has not configured its limit
    (PxWebApi's defaults), which is not a promise of none: then at most
    DEFAULT_CALLS per DEFAULT_WINDOW seconds are sent, and the X-Rate-Limit-* headers a
    host may send are honoured by the transport (http.ThrottledAdapter).
    """
    throttle = throttled(session, base, None, clock=clock, sleep=sleep)
    if "limits" in throttle.config:
        return throttle.config["limits"], []
    config, body = get_json(session, f"{base}/config", None, source=NAME, timeout=timeout)
    limits = _limits(config, body.url)
    throttle.config["limits"] = limits
    throttle.limit = RateLimit(limits.calls, limits.window)
    return limits, [body]


def _limits(config: Any, url: str) -> _Limits:
    """The limits in a /config answer; a FetchError if it is not a PxWeb 2 host's."""
    try:
        version = str(config.get("apiVersion", ""))
        if int(version.split(".")[0]) < 2:
            raise FetchError(f"{url} is PxWeb API {version}; this adapter needs 2.0 or later")
        limits = _Limits(
            max_cells=int(config["maxDataCells"]),
            calls=int(config["maxCallsPerTimeWindow"]),
            window=float(config["timeWindow"]),
        )
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise FetchError(
            f"{NAME} sent a /config without apiVersion 2, maxDataCells, maxCallsPerTimeWindow "
            f"and timeWindow ({url}); is this a PxWeb API 2 address?"
        ) from exc
    if limits.max_cells < 1 or limits.calls < 0 or limits.window < 0:
        raise FetchError(f"{NAME} sent impossible limits in {url}: {limits}")
    if limits.calls == 0 or limits.window == 0:
        _log.info(
            "%s %s sets no rate limit; sending at most %d calls per %g s",
            NAME,
            url,
            DEFAULT_CALLS,
            DEFAULT_WINDOW,
        )
        return _Limits(limits.max_cells, DEFAULT_CALLS, DEFAULT_WINDOW)
    return limits


def _table_url(base: str, table: str) -> str:
    return f"{base}/tables/{quote(table, safe='')}"


def _metadata(
    session: CollabSession, base: str, table: str, language: str | None, timeout: float | None
) -> tuple[dict[str, Any], RawResponse]:
    """A table's json-stat2 metadata, checked to have dimensions with codes."""
    params = {"lang": language} if language else None
    url = f"{_table_url(base, table)}/metadata"
    meta, body = get_json(session, url, params, source=NAME, timeout=timeout)
    try:
        for dim in meta["id"]:
            _codes(meta["dimension"][dim])
    except (KeyError, TypeError, AttributeError) as exc:
        raise FetchError(f"{NAME} sent metadata without dimensions for {body.url}") from exc
    return meta, body


def _codes(spec: dict[str, Any]) -> list[str]:
    """A json-stat2 dimension's value codes in cube order."""
    category = spec["category"]
    index = category.get("index")
    if isinstance(index, dict):
        return sorted(index, key=index.__getitem__)
    if isinstance(index, list):
        return [str(code) for code in index]
    return list(category["label"])


def _plan(
    request: PxWebRequest, meta: dict[str, Any], table_url: str
) -> dict[str, list[str]] | None:
    """The value codes to ask for per dimension, in table order; None if no period is left.

    Dimensions left out are eliminated by the host. Raises FetchError for what the table
    does not have, and for a selection that would give several values per area, period
    and sex (the tidy frame has no column to tell them apart).
    """
    query = request.query
    ids: list[str] = list(meta["id"])
    specs: dict[str, dict[str, Any]] = meta["dimension"]

    def fail(message: str) -> FetchError:
        return FetchError(f"{NAME} table {query.table} {message} ({table_url})")

    named = [query.period_dimension, query.sex_dimension, *query.selection]
    absent = [dim for dim in named if dim is not None and dim not in specs]
    if absent:
        raise fail(f"has no dimension {absent[0]!r}; it has {', '.join(ids)}")
    periods = None if request.periods is None else set(request.periods)

    codes: dict[str, list[str]] = {}
    for dim in ids:
        known = _codes(specs[dim])
        if dim == query.area_dimension:
            codes[dim] = _area_codes(request.areas, known, fail)
        elif dim == query.period_dimension:
            codes[dim] = [c for c in known if periods is None or {c, tidy_period(c)} & periods]
        elif dim in query.selection:
            chosen = expand_selection(dim, query.selection[dim], known, fail)
            if dim == query.sex_dimension:
                unnamed = [c for c in chosen if c not in query.sex_codes.values()]
                if unnamed:
                    raise fail(f"has {dim} codes {unnamed} that the query's sex_codes do not name")
            elif len(chosen) != 1 and dim not in query.sum_over:
                raise fail(
                    f"needs exactly one {dim} value per indicator (or {dim} in sum_over); "
                    f"selected {chosen}"
                )
            codes[dim] = chosen + interval_codes(query, dim, known, fail)
        elif dim == query.sex_dimension:
            codes[dim] = [c for c in known if c in query.sex_codes.values()]
            if not codes[dim]:
                raise fail(f"has none of the sex codes {query.sex_codes} in {dim} ({known})")
        elif not (specs[dim].get("extension") or {}).get("elimination", False):
            if len(known) != 1:
                raise fail(f"needs a {dim} value in the selection; it has {known[:10]}")
            codes[dim] = known
    if query.area_dimension not in specs and request.areas not in (None, (areas.RIKET,)):
        raise fail(
            f"has no {query.area_dimension} dimension: it covers the whole country only, "
            f"not {', '.join(request.areas or ())}"
        )
    if not codes[query.period_dimension]:
        _log.info("%s table %s has none of the periods %s", NAME, query.table, request.periods)
        return None
    return codes


def _area_codes(
    wanted: tuple[str, ...] | None, known: list[str], fail: Callable[[str], FetchError]
) -> list[str]:
    """SCB codes for the wanted canonical areas (all the table has for None)."""
    if wanted is None:
        return known
    scb = [areas.to_scb(code) for code in wanted]
    absent = [code for code, asked in zip(wanted, scb, strict=True) if asked not in known]
    if absent:
        raise fail(f"has no values for the areas {', '.join(absent)}")
    return scb


def expand_selection(
    dim: str, selected: list[str], known: list[str], fail: Callable[[str], FetchError]
) -> list[str]:
    """The selection with wildcards expanded against the table's codes, each checked."""
    table = {dim: {"category": {"label": dict.fromkeys(known)}}}  # pxwebpy's variables shape
    expanded = expand_wildcards({dim: selected}, table)[dim]
    chosen = list(dict.fromkeys(expanded))
    unknown = [code for code in chosen if code not in known]
    if unknown or not chosen:
        raise fail(f"has no {dim} values {unknown or selected}; it has {known[:10]}")
    return chosen


def _parts(
    codes: dict[str, list[str]], meta: dict[str, Any], max_cells: int, url: str
) -> Iterator[dict[str, list[str]]]:
    """The selection cut so each part fits in `max_cells` and its URL in MAX_URL_LENGTH."""
    for part in split_value_codes(codes, max_cells):
        yield from _short_enough(part, meta, url)


def _short_enough(
    part: dict[str, list[str]], meta: dict[str, Any], url: str
) -> Iterator[dict[str, list[str]]]:
    """`part`, halved along its longest code list until its GET URL is short enough."""
    prepared = requests.Request("GET", url, params=_params(part, meta)).prepare()
    longest = max(part, key=lambda dim: len(part[dim]))
    if len(prepared.url or "") <= MAX_URL_LENGTH or len(part[longest]) < 2:
        yield part
        return
    half = len(part[longest]) // 2
    for piece in (part[longest][:half], part[longest][half:]):
        yield from _short_enough({**part, longest: piece}, meta, url)


def _params(part: dict[str, list[str]], meta: dict[str, Any]) -> dict[str, str]:
    """GET parameters for one part: every code listed, or `*` when that is all of them."""
    params = {"outputFormat": "json-stat2"}
    for dim, chosen in part.items():
        every = len(chosen) > 1 and set(chosen) == set(_codes(meta["dimension"][dim]))
        # A code holding a comma is written in brackets, as the API's GET syntax asks.
        listed = ",".join(f"[{code}]" if "," in code else code for code in chosen)
        params[f"valueCodes[{dim}]"] = "*" if every else listed
    return params


def _read(
    data: Any, part: dict[str, list[str]], query: PxWebQuery, url: str
) -> Iterator[tuple[str, str, str, float, str, str]]:
    """(area, period, sex, value, status, bound) of every cell of one json-stat2 answer;
    bound is "lower" or "upper" for a cell of the query's published interval, else "".

    Checks first that the answer holds every code that was asked for, so a host that
    quietly answers less cannot pass for a complete one.
    """
    try:
        ids: list[str] = list(data["id"])
        axes = [_codes(data["dimension"][dim]) for dim in ids]
        values = data["value"]
        size = math.prod(len(axis) for axis in axes)
        if not isinstance(values, list) or len(values) != size:
            raise ValueError(f"{size} cells but {len(values)} values")
        statuses = _statuses(data.get("status"), size)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise FetchError(
            f"{NAME} sent a json-stat2 dataset this adapter cannot read ({exc}) from {url}"
        ) from exc
    answered = dict(zip(ids, axes, strict=True))
    for dim, asked in part.items():
        lacking = sorted(set(asked) - set(answered.get(dim, [])))
        if lacking:
            raise FetchError(f"{NAME} answered without the {dim} codes {lacking} for {url}")
    sexes = {code: sex for sex, code in query.sex_codes.items()}
    interval = query.interval
    bounds = {interval.lower: "lower", interval.upper: "upper"} if interval else {}
    for combo, value, symbol in zip(itertools.product(*axes), values, statuses, strict=True):
        cell = dict(zip(ids, combo, strict=True))
        bound = bounds.get(cell.get(interval.dimension, "")) if interval else None
        try:
            area = (
                areas.from_scb(cell[query.area_dimension])
                if query.area_dimension in cell
                else areas.RIKET
            )
            period = tidy_period(cell[query.period_dimension])
            sex = sexes[cell[query.sex_dimension]] if query.sex_dimension else "total"
            number = math.nan if value is None else float(value)
        except (KeyError, TypeError, ValueError) as exc:
            raise FetchError(
                f"{NAME} sent a cell this adapter cannot read ({cell}, {value!r}) in {url}"
            ) from exc
        yield area, period, sex, number, _status(symbol, math.isnan(number)), bound or ""


def _statuses(status: Any, size: int) -> list[str | None]:
    """json-stat2 `status` (one symbol, a list, or index -> symbol) as one entry per cell."""
    if status is None:
        return [None] * size
    if isinstance(status, str):
        return [status] * size
    if isinstance(status, list):
        if len(status) != size:
            raise ValueError(f"{size} cells but {len(status)} statuses")
        return status
    spread: list[str | None] = [None] * size
    for index, symbol in status.items():
        spread[int(index)] = symbol
    return spread


def _status(symbol: Any, value_missing: bool) -> str:
    """The tidy status word for a json-stat2 status symbol; unknown symbols kept as sent."""
    clean = "" if symbol is None else str(symbol).strip()
    if not clean:
        return "missing" if value_missing else ""
    return _SYMBOL_REASONS.get(clean, clean)


def tidy_period(code: str) -> str:
    """Tidy period: months "2024M01" become "2024-01"; anything else stays as the table says."""
    month = _MONTH.match(code)
    return f"{month[1]}-{month[2]}" if month else code


__all__ = [
    "MAX_URL_LENGTH",
    "SCB_URL",
    "PxWebQuery",
    "PxWebRequest",
    "fetch_pxweb",
    "last_period",
    "period_end",
    "table_metadata",
]
