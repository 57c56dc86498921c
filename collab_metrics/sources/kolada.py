"""Kolada API v3 (RKA's key figures for municipalities, regions and the country).

The contract, from Kolada's API documentation (the Hypergene/kolada README, the Swagger UI
at https://api.kolada.se/v3/docs), the v3 clients that test it live (rKolada moved to v3
in 2026, koladapy) and public notes with live calls from August-September 2026:

- v3 was released 2025-04-04. v2 answers 410 Gone since spring 2026.
- Data: the documented **path form** `GET /data/kpi/{ids}/municipality/{ids}[/year/{years}]`
  (also `/data/kpi/{ids}/year/{years}` and `/data/municipality/{ids}/year/{years}`): each
  segment a comma-separated list of **at most 25 values**, at least two of the three
  filters. `from_date`, `page` and `per_page` are query parameters. The query form
  `/data?kpi_id=..` also exists, but its filters are FastAPI lists: repeated keys
  (`kpi_id=A&kpi_id=B`); `kpi_id=A,B` asks for one id "A,B", and a query that matches
  nothing answers **200 with an empty `values` list**, not an error. So this adapter uses
  the path form, and `collab fetch` checks that what came back covers what was asked.
- `per_page` is at most 5000; a page is `{"count", "values": [...], "next_url"}`, where
  `count` is the number of items on this page and `next_url` (absolute; a relative link is
  accepted too) is null on the last page. Each value row is `{"kpi", "municipality",
  "period", "values": [{"gender": "T" | "K" | "M", "count", "status", "value",
  "isdeleted"}]}`; `is_deleted` is accepted as well, as some clients spell it.
- `from_date=YYYY-MM-DD` returns only what changed since that day (clients use it as a
  change feed), including withdrawn values flagged deleted; those go to
  `FetchResult.deletions`.
- Metadata: `GET /kpi/{id}` returns `{"values": [{"id", "title", "description",
  "is_divided_by_gender", "municipality_type" ("K" municipalities, "L" regions, "A" all),
  "operating_area", "publication_date", ...}]}`.
- Area codes: "0000" the country, "00NN" regions, "NNNN" municipalities (the canonical
  codes of this project, see areas.py).
- Live answers carry `status: ""` for an ordinary value. No source lists the other status
  texts; likely Swedish wordings are mapped onto tidy.MISSING_REASONS below, any other
  text is kept as sent (and logged once per fetch), and a null value without status
  becomes "missing".
- Kolada publishes no rate limit; this adapter sends at most RATE_LIMIT requests per
  second to be polite.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, TypeVar
from urllib.parse import urljoin

import requests

from collab_metrics.model import areas as registry
from collab_metrics.model.queries import KOLADA_URL, KPI_PATTERN, KoladaQuery
from collab_metrics.model.tidy import FetchResult, RawResponse, from_records
from collab_metrics.sources.http import FetchError, RateLimit, get_json, throttled

BASE_URL: Final = KOLADA_URL
SOURCE: Final = "kolada"
NAME: Final = "Kolada"  # how error messages name the source
MAX_FILTER_VALUES: Final = 25
MAX_PER_PAGE: Final = 5000
RATE_LIMIT: Final = RateLimit(calls=5, window=1.0)  # polite: at most 5 requests a second

_log = logging.getLogger(__name__)

_T = TypeVar("_T")
_SEXES: Final = {"T": "total", "K": "women", "M": "men"}
# Kolada's status texts (compared case-insensitively) and the tidy reason each means.
_STATUS_REASONS: Final = {
    "saknas": "missing",
    "data saknas": "missing",
    "uppgift saknas": "missing",
    "ej relevant": "not_applicable",
    "ej tillämpligt": "not_applicable",
    "sekretess": "suppressed",
    "sekretessbelagd": "suppressed",
    "för få": "suppressed",
    "bortfall": "non_response",
    "ej inrapporterat": "non_response",
    "osäker": "uncertain",
    "osäkert värde": "uncertain",
}
_TIDY_REASONS: Final = frozenset(_STATUS_REASONS.values())


@dataclass(frozen=True)
class KoladaRequest:
    """What one framework indicator needs from Kolada: its KPI for some areas and years.

    `areas` are canonical Kolada codes ("0000", "0010", "1082"); `years` None means every
    year Kolada has. Several indicators may share a KPI; each gets its own rows.
    """

    indicator: str
    kpi: str
    areas: Collection[str]
    years: Collection[int] | None = None

    def __post_init__(self) -> None:
        KoladaQuery(kpi=self.kpi)  # raises a ValidationError naming the bad id
        # Sorted tuples make requests with the same areas and years share one query.
        object.__setattr__(
            self, "areas", registry.code_list(self.areas, f"indicator {self.indicator!r}")
        )
        if self.years is not None:
            if not self.years:
                raise ValueError(
                    f"indicator {self.indicator!r}: no years given; use None for all years"
                )
            object.__setattr__(self, "years", tuple(sorted(set(self.years))))


@dataclass
class _Page:
    """One data page as parsed, with the raw body it came from."""

    entries: list[dict[str, Any]]
    raw: RawResponse


def fetch_kolada(
    wanted: Iterable[KoladaRequest],
    *,
    base_url: str,
    session: requests.Session,
    from_date: date | None = None,
    per_page: int = MAX_PER_PAGE,
    timeout: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> FetchResult:
    """Fetch the values the framework's Kolada indicators need, as one tidy frame.

    Requests with the same areas and years share queries (up to 25 KPIs each); area and
    year lists are cut into Kolada's 25-value batches; every `next_url` is followed. With
    `from_date` only values changed since then are asked for. Rows Kolada flags deleted go
    to `deletions`. If any page fails the whole fetch raises `FetchError`: a partial
    result would look complete to the store. At most RATE_LIMIT requests go over the wire
    (waiting with `sleep`, timed by `clock`); cached answers are free.
    """
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}, not {per_page}")
    base = base_url.rstrip("/")
    throttled(session, base, RATE_LIMIT, clock=clock, sleep=sleep)
    unknown: set[str] = set()  # status texts not in _STATUS_REASONS, logged once each
    groups: dict[tuple[Any, Any], list[KoladaRequest]] = {}
    for request in wanted:
        groups.setdefault((request.areas, request.years), []).append(request)

    rows: list[dict[str, Any]] = []
    deleted: list[dict[str, Any]] = []
    raw: list[RawResponse] = []
    for (areas, years), members in groups.items():
        indicators: dict[str, list[str]] = {}  # KPI -> the indicators that asked for it
        for member in members:
            indicators.setdefault(member.kpi, []).append(member.indicator)
        wanted_areas, wanted_years = set(areas), None if years is None else set(years)
        for path, params in _queries(sorted(indicators), areas, years, from_date, per_page):
            for page in _pages(session, f"{base}/data/{path}", params, timeout):
                raw.append(page.raw)
                for entry in page.entries:
                    kpi, area, period, values = _parse(entry, page.raw.url, unknown)
                    # Kolada answers only what was asked; the check keeps a stray row out.
                    if kpi not in indicators or area not in wanted_areas:
                        continue
                    if wanted_years is not None and int(period) not in wanted_years:
                        continue
                    for indicator in indicators[kpi]:
                        for sex, value, status, isdeleted in values:
                            (deleted if isdeleted else rows).append(
                                {
                                    "indicator": indicator,
                                    "area": area,
                                    "period": period,
                                    "sex": sex,
                                    "value": value,
                                    "status": "deleted" if isdeleted else status,
                                    "source": SOURCE,
                                    "retrieved_at": page.raw.retrieved_at,
                                }
                            )
    return FetchResult(frame=from_records(rows), raw=raw, deletions=from_records(deleted))


def fetch_kpi_metadata(kpi: str, *, base_url: str, session: requests.Session) -> dict[str, Any]:
    """Kolada's description of one KPI (title, description, is_divided_by_gender, ...).

    Returned as Kolada sends it, so a report can quote the title and producing agency.
    """
    KoladaQuery(kpi=kpi)
    throttled(session, base_url.rstrip("/"), RATE_LIMIT)
    url = f"{base_url.rstrip('/')}/kpi/{kpi}"
    data, _ = get_json(session, url, None, source=NAME)
    # v3 wraps the KPI in a "values" list; accept a bare object as well.
    found = data.get("values", [data]) if isinstance(data, dict) else []
    for item in found if isinstance(found, list) else []:
        if isinstance(item, dict) and item.get("id") == kpi:
            return item
    raise FetchError(f"{NAME} has no KPI {kpi} (asked {url})")


def _queries(
    kpis: Sequence[str],
    areas: Sequence[str],
    years: Sequence[int] | None,
    from_date: date | None,
    per_page: int,
) -> Iterator[tuple[str, dict[str, str]]]:
    """(path, query parameters) of every first page, each path segment within 25 values.

    The path is `kpi/{ids}/municipality/{ids}[/year/{years}]`, the documented form; the
    query form would need repeated keys and answers an empty page to a comma list.
    """
    year_batches: list[Sequence[int] | None] = list(_batches(years)) if years else [None]
    for kpi_batch in _batches(kpis):
        for area_batch in _batches(areas):
            for year_batch in year_batches:
                path = f"kpi/{','.join(kpi_batch)}/municipality/{','.join(area_batch)}"
                if year_batch is not None:
                    path += f"/year/{','.join(str(y) for y in year_batch)}"
                params = {}
                if from_date is not None:
                    params["from_date"] = from_date.isoformat()
                params["page"] = "1"
                params["per_page"] = str(per_page)
                yield path, params


def _batches(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), MAX_FILTER_VALUES):
        yield items[start : start + MAX_FILTER_VALUES]


def _pages(
    session: requests.Session, url: str, params: dict[str, str], timeout: float | None
) -> Iterator[_Page]:
    """Every page of one query, following `next_url` to the end."""
    next_url: str | None = url
    query: dict[str, str] | None = params
    seen: set[str] = set()
    while next_url:
        data, raw = get_json(session, next_url, query, source=NAME, timeout=timeout)
        if raw.url in seen:
            raise FetchError(f"{NAME} sent the same page twice ({raw.url}); paging loops")
        seen.add(raw.url)
        entries = data.get("values") if isinstance(data, dict) else None
        link = data.get("next_url") if isinstance(data, dict) else None
        if not isinstance(entries, list) or not (link is None or isinstance(link, str)):
            raise FetchError(f"{NAME} sent a page without a 'values' list for {raw.url}")
        yield _Page(entries=entries, raw=raw)
        # next_url carries the whole query, so later pages need no params.
        next_url, query = (urljoin(raw.url, link) if link else None), None


def _parse(
    entry: Any, url: str, unknown: set[str]
) -> tuple[str, str, str, list[tuple[str, float, str, bool]]]:
    """(kpi, area, period, [(sex, value, status, deleted)]) of one Kolada value row."""
    try:
        values = []
        for v in entry["values"]:
            value = math.nan if v.get("value") is None else float(v["value"])
            status = _status(v.get("status"), math.isnan(value))
            if status and status not in _TIDY_REASONS and status not in unknown:
                unknown.add(status)
                _log.warning("%s sent the status text %r, kept as sent (%s)", NAME, status, url)
            deleted = bool(v.get("isdeleted", v.get("is_deleted")))
            values.append((_SEXES[v["gender"]], value, status, deleted))
        return str(entry["kpi"]), str(entry["municipality"]), str(entry["period"]), values
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise FetchError(
            f"{NAME} sent a data row this adapter cannot read ({str(entry)[:120]}) in {url}"
        ) from exc


def _status(text: str | None, value_missing: bool) -> str:
    """The tidy status word for Kolada's status text; unknown texts are kept as sent."""
    clean = (text or "").strip()
    if not clean:
        return "missing" if value_missing else ""
    return _STATUS_REASONS.get(clean.casefold(), clean)


__all__ = [
    "BASE_URL",
    "KPI_PATTERN",
    "MAX_FILTER_VALUES",
    "RATE_LIMIT",
    "KoladaQuery",
    "KoladaRequest",
    "fetch_kolada",
    "fetch_kpi_metadata",
]
