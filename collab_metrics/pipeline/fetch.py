"""Decide what a framework needs from each source, fetch it, and hand it to the store.

Everything is fetched before the store is opened for writing, so a failed fetch never
touches stored data. When no source can be reached at all, the run falls back to what
the store already has, then to the offline snapshot, and says so.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Literal

import pandas as pd

from collab_metrics.model import areas
from collab_metrics.model.framework import (
    ActorGoal,
    FileIndicator,
    Framework,
    KoladaIndicator,
    PxWebIndicator,
    Sex,
    SharedGoal,
)
from collab_metrics.model.tidy import FetchResult
from collab_metrics.sources import coverage, ddf
from collab_metrics.sources import stitch as stitching
from collab_metrics.sources.files import read_actor_file
from collab_metrics.sources.http import CollabSession, FetchError, SourceUnreachable, make_session
from collab_metrics.sources.kolada import KoladaRequest, fetch_kolada, fetch_kpi_metadata
from collab_metrics.sources.pxweb import PxWebRequest, fetch_pxweb, last_period, period_end
from collab_metrics.sources.pxweb_v1 import detect_api, fetch_pxweb_v1
from collab_metrics.store import Requested, Store, WriteSummary

_log = logging.getLogger(__name__)
Mode = Literal["network", "offline"]
DataUsed = Literal["live", "stored", "snapshot"]
# Extra years before the earliest baseline, so the baseline analysis shows 10+ years.
HISTORY_YEARS = 10
# How long to wait for another run that is writing to the store (a scheduled run may
# overlap with a coordinator's manual one); then give up with a clear message.
STORE_LOCK_TIMEOUT = 300.0


@dataclass(frozen=True)
class Need:
    """One stored series (see Framework.series_id) and the areas the framework needs.

    `indicator` is the framework indicator it is fetched through (the first, when
    several indicators read the same series).
    """

    series: str
    indicator: str
    areas: frozenset[str]


@dataclass
class FetchOutcome:
    """What a fetch did: which data it used, what it wrote, what it could not get."""

    data_used: DataUsed
    summary: WriteSummary | None
    messages: list[str] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)
    gaps: list[coverage.Gap] = field(default_factory=list)  # live series lacking periods
    # Web sources that could not be checked (no connection): what was fetched from them
    # may be out of date, which a scheduled run must not report as "nothing changed".
    unreachable: list[str] = field(default_factory=list)


def data_used_words(outcome: FetchOutcome) -> str:
    """Which data a fetch used, for `fetch` and `update` alike: live data that did not
    cover the need is never called plain "live"."""
    if outcome.gaps:
        series = len({gap.series for gap in outcome.gaps})
        return f"live APIs, incomplete: {series} series lack periods (listed above)"
    return {
        "live": "live APIs",
        "stored": "data already in the store",
        "snapshot": "the offline snapshot",
    }[outcome.data_used]


def needs(fw: Framework) -> list[Need]:
    """Every indicator the framework uses, with every area it is needed for.

    Goal areas, actor areas, comparison areas (default: riket and the area's region),
    every municipality of the collaboration's territory (to aggregate and check against
    the published county value), context indicators on the same areas, and each
    indicator's population base on all of those areas.
    """
    wanted: dict[str, set[str]] = {}
    territory = _municipalities_within(fw.collaboration.area)
    for goal in fw.goals:
        area = fw.goal_area(goal)
        goal_areas = {area, *_comparisons(goal, area)}
        if isinstance(goal, SharedGoal):
            goal_areas |= territory | _municipalities_within(area)
            for context in goal.context_indicators:
                wanted.setdefault(context, set()).update(goal_areas)
        wanted.setdefault(goal.indicator, set()).update(goal_areas)
    for indicator_id, needed in list(wanted.items()):
        base = fw.indicator(indicator_id).population_base
        if base:
            wanted.setdefault(base, set()).update(needed)
    by_series: dict[str, Need] = {}
    for indicator_id, needed in sorted(wanted.items()):
        series = fw.series_id(indicator_id)
        known = by_series.get(series)
        by_series[series] = Need(
            series,
            known.indicator if known else indicator_id,
            frozenset(needed | (known.areas if known else set())),
        )
    return sorted(by_series.values(), key=lambda n: n.series)


def _comparisons(goal: SharedGoal | ActorGoal, area: str) -> set[str]:
    if goal.comparison_areas is not None:
        return {areas.RIKET, *goal.comparison_areas}
    return {areas.RIKET, areas.region_of(area)}


def _municipalities_within(code: str) -> set[str]:
    kind = areas.get(code).kind
    if kind == "region":
        return {m.code for m in areas.municipalities(code)}
    return set()


def years_wanted(fw: Framework, today: date) -> tuple[int, int]:
    """First and last year to ask web sources for: history before the baseline to now."""
    baselines = [g.baseline.year for g in fw.goals if g.baseline]
    first = min(baselines, default=today.year) - HISTORY_YEARS
    return first, today.year


def collect(
    fw: Framework,
    *,
    mode: Mode,
    store_path: Path,
    snapshot_dir: Path,
    today: date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    session: CollabSession | None = None,
) -> FetchOutcome:
    """Fetch what `fw` needs and write it to the store as one vintage.

    `mode="offline"` never touches the network: Kolada indicators come from the offline
    snapshot, files are read, PxWeb indicators keep what the store has. In network mode
    a source that cannot be reached at all makes the run use the store if it already
    holds data for the framework, else the snapshot, and is named in `unreachable`; any
    other failure raises. Local sources (actor files) are read and written in every case.
    """
    today = today or datetime.now(UTC).date()
    plan = needs(fw)
    report = progress or (lambda source, done, total: None)
    messages: list[str] = []
    results: list[FetchResult] = []
    requests: dict[str, int] = {}
    unreachable_sources: list[str] = []

    results += _files(fw, plan, report)
    gaps: list[coverage.Gap] = []
    if mode == "offline":
        results += _snapshot(fw, plan, snapshot_dir, report, messages)
        messages += _pxweb_offline_notes(fw, plan)
        data_used: DataUsed = "snapshot"
    else:
        session = session or make_session(None)
        try:
            kolada, full = _kolada(fw, plan, session, store_path, today, report)
            pxweb, pxweb_notes = _pxweb(fw, plan, session, today, report)
            web = kolada + pxweb
            gaps, notes = _coverage(fw, plan, full, web, session)
            results += web
            messages += pxweb_notes + notes + coverage.gap_lines(gaps)
            data_used = "live"
        except SourceUnreachable as exc:
            messages.append(f"no connection: {exc}")
            unreachable = _web_sources(fw, plan)
            if _store_has(store_path, [n.series for n in plan]):
                messages.append(f"using the data already in the store {store_path}")
                summary = None
                if results:  # actor files are local: they count even when the network is down
                    with Store.open(store_path, timeout=STORE_LOCK_TIMEOUT) as store:
                        summary = store.write(results, label=f"{fw.collaboration.id} (stored)")
                return FetchOutcome(
                    "stored", summary, messages, session.stats.as_dict(), unreachable=unreachable
                )
            messages.append(f"using the offline snapshot in {snapshot_dir}")
            results += _snapshot(fw, plan, snapshot_dir, report, messages)
            data_used = "snapshot"
            gaps = []
            unreachable_sources = unreachable
        requests = session.stats.as_dict()

    label = f"{fw.collaboration.id} ({data_used})"
    asked = [
        Requested("kolada", need.series, need.areas)
        for need in plan
        if data_used == "live" and isinstance(fw.indicator(need.indicator), KoladaIndicator)
    ]
    with Store.open(store_path, timeout=STORE_LOCK_TIMEOUT) as store:
        summary = store.write(results, label=label, requested=asked)
    return FetchOutcome(
        data_used,
        summary,
        messages,
        requests,
        gaps=gaps if data_used == "live" else [],
        unreachable=unreachable_sources,
    )


def _web_sources(fw: Framework, plan: list[Need]) -> list[str]:
    """The web sources (with their URLs) the framework's needs are fetched from."""
    found = {}
    for need in plan:
        indicator = fw.indicator(need.indicator)
        if isinstance(indicator, KoladaIndicator):
            found["kolada"] = f"Kolada ({fw.kolada_url})"
        elif isinstance(indicator, PxWebIndicator):
            url = indicator.query.url or fw.pxweb_url
            found[f"pxweb {url}"] = f"PxWeb ({url})"
    return [found[key] for key in sorted(found)]


def _kolada(
    fw: Framework,
    plan: list[Need],
    session: CollabSession,
    store_path: Path,
    today: date,
    report: Callable[[str, int, int], None],
) -> tuple[list[FetchResult], set[str]]:
    """Kolada values; incremental (`from_date`) where the store already covers a need.

    A need is covered when the store holds Kolada values for every area it asks for; then
    only what changed since a day before that fetch is asked for. Anything else (a new
    indicator or area) is fetched in full, so the incremental mode never misses data.
    Also returns the series fetched in full (the ones whose coverage can be checked).
    """
    first, last = years_wanted(fw, today)
    years = range(first, last + 1)
    since = _asked_before(store_path, fw, plan)
    full: list[KoladaRequest] = []
    incremental: list[KoladaRequest] = []
    for need in plan:
        indicator = fw.indicator(need.indicator)
        if not isinstance(indicator, KoladaIndicator):
            continue
        request = KoladaRequest(need.series, indicator.query.kpi, need.areas, years)
        (incremental if need.series in since else full).append(request)
    batches: list[tuple[list[KoladaRequest], date | None]] = [(full, None)]
    if incremental:
        batches.append((incremental, min(since[r.indicator] for r in incremental)))
    results = []
    for done, (wanted, from_date) in enumerate(batches, start=1):
        if not wanted:
            continue
        # A change feed is small and must be current: never answer it from the cache.
        cache = session.cache_disabled() if from_date else contextlib.nullcontext()
        with cache:
            result = fetch_kolada(
                wanted, base_url=fw.kolada_url, session=session, from_date=from_date
            )
        results.append(result)
        report("Kolada", done, len(batches))
    return results, {r.indicator for r in full}


def _coverage(
    fw: Framework,
    plan: list[Need],
    full: set[str],
    results: list[FetchResult],
    session: CollabSession,
) -> tuple[list[coverage.Gap], list[str]]:
    """Check every series fetched in full against the need (see coverage.check)."""
    wanted = []
    for need in plan:
        indicator = fw.indicator(need.indicator)
        if isinstance(indicator, KoladaIndicator) and need.series in full:
            sexes: tuple[Sex, ...] = (
                ("total", "women", "men") if "sex" in indicator.breakdowns else ("total",)
            )
            wanted.append(
                coverage.Wanted(need.series, "kolada", indicator.query.kpi, need.areas, sexes)
            )
        elif isinstance(indicator, PxWebIndicator):
            wanted.append(
                coverage.Wanted(
                    need.series, "pxweb", indicator.query.table, need.areas, _pxweb_sexes(indicator)
                )
            )
    if not wanted:
        return [], []
    frame = pd.concat([r.frame for r in results], ignore_index=True)
    raw = [body for r in results for body in r.raw]
    return coverage.check(
        wanted,
        frame,
        raw,
        kolada_metadata=lambda kpi: fetch_kpi_metadata(
            kpi, base_url=fw.kolada_url, session=session
        ),
    )


def _pxweb_sexes(indicator: PxWebIndicator) -> tuple[coverage.Sex, ...]:
    """The sexes a PxWeb indicator's query asks for: those its sex codes select."""
    query = indicator.query
    if query.sex_dimension is None:
        return ("total",)
    chosen = query.selection.get(query.sex_dimension)
    return tuple(sex for sex, code in query.sex_codes.items() if chosen is None or code in chosen)


def _asked_before(store_path: Path, fw: Framework, plan: list[Need]) -> dict[str, date]:
    """Series -> `from_date`, for Kolada needs an earlier network fetch already asked for."""
    kolada = [n for n in plan if isinstance(fw.indicator(n.indicator), KoladaIndicator)]
    if not kolada or not store_path.exists():
        return {}
    since = {}
    with Store.open(store_path, read_only=True) as store:
        for need in kolada:
            asked = store.last_requested("kolada", need.series, need.areas)
            if asked is not None:
                # A day's margin: Kolada dates its changes in Swedish calendar days.
                since[need.series] = (asked - timedelta(days=1)).date()
    return since


def _pxweb(
    fw: Framework,
    plan: list[Need],
    session: CollabSession,
    today: date,
    report: Callable[[str, int, int], None],
) -> tuple[list[FetchResult], list[str]]:
    """PxWeb values, host by host: API 2 or v1 as the query declares or the host answers.

    An indicator continuing `earlier_tables` is fetched table by table and stitched.
    Also returns what to tell the user: each stitch, and tables that look ended.
    """
    hosts: dict[str, list[tuple[PxWebRequest, str | None]]] = {}
    stitched: dict[str, tuple[str, list[str]]] = {}  # series -> (host, tables oldest first)
    for need in plan:
        indicator = fw.indicator(need.indicator)
        if not isinstance(indicator, PxWebIndicator):
            continue
        query, url = indicator.query, indicator.query.url or fw.pxweb_url
        wanted = tuple(sorted(need.areas))
        if query.earlier_tables:
            tables = [*query.earlier_tables, query.table]
            stitched[need.series] = (url, tables)
            for table in tables:
                part = query.model_copy(update={"table": table, "earlier_tables": None})
                request = PxWebRequest(stitching.part_id(need.series, table), part, wanted, None)
                hosts.setdefault(url, []).append((request, query.api))
        else:
            request = PxWebRequest(need.series, query, wanted, None)
            hosts.setdefault(url, []).append((request, query.api))
    results: dict[str, FetchResult] = {}
    notes: list[str] = []
    for done, (url, members) in enumerate(hosts.items(), start=1):
        report("PxWeb", done - 1, len(hosts))
        api = next((api for _, api in members if api), None) or detect_api(session, url)
        fetcher = fetch_pxweb_v1 if api == "v1" else fetch_pxweb
        results[url] = fetcher([r for r, _ in members], base_url=url, session=session)
        if api == "v2":
            tables = sorted({r.query.table for r, _ in members})
            notes += _stale_tables(url, tables, session, today)
    if hosts:
        report("PxWeb", len(hosts), len(hosts))
    for series, (url, tables) in stitched.items():
        results[url], seam = stitching.stitch(results[url], series, tables)
        notes.append(str(seam))
    return list(results.values()), notes


def _stale_tables(url: str, tables: list[str], session: CollabSession, today: date) -> list[str]:
    """A warning per table whose last period ended more than one of its steps before today.

    A table that stopped (SCB ended tables at 2024 and continued them in new ones) keeps
    answering with old periods only; `GET /tables/{id}` says when it ends. A host that
    does not answer that is not checked (logged), since the data itself did arrive.
    """
    steps = {4: timedelta(days=366), 7: timedelta(days=31), 6: timedelta(days=92)}
    warnings = []
    for table in tables:
        try:
            last = last_period(table, base_url=url, session=session)
        except FetchError as exc:
            _log.info("could not check how current table %s is: %s", table, exc)
            continue
        end = period_end(last) if last else None
        step = steps.get(len(last or ""))
        if end is not None and step is not None and end < today - step:
            warnings.append(
                f"table {table} ends at {last}: it may have been continued in a newer table "
                "(name that one as the query's table, with this one in earlier_tables)"
            )
    return warnings


def _files(
    fw: Framework, plan: list[Need], report: Callable[[str, int, int], None]
) -> list[FetchResult]:
    wanted = [
        (need.series, ind)
        for need in plan
        if isinstance(ind := fw.indicator(need.indicator), FileIndicator)
    ]
    results = []
    for done, (series, indicator) in enumerate(wanted, start=1):
        results.append(read_actor_file(indicator.query, data_dir=fw.data_dir, indicator=series))
        report("files", done, len(wanted))
    return results


def _snapshot(
    fw: Framework,
    plan: list[Need],
    snapshot_dir: Path,
    report: Callable[[str, int, int], None],
    messages: list[str],
) -> list[FetchResult]:
    wanted = [
        ddf.SnapshotRequest(need.series, ind.query.kpi, tuple(sorted(need.areas)))
        for need in plan
        if isinstance(ind := fw.indicator(need.indicator), KoladaIndicator)
    ]
    if not wanted:
        return []
    report("offline snapshot", 0, 1)
    result = ddf.read_snapshot(wanted, root=snapshot_dir)
    report("offline snapshot", 1, 1)
    messages.append(f"Kolada values from the offline snapshot in {snapshot_dir}")
    return [result]


def _pxweb_offline_notes(fw: Framework, plan: list[Need]) -> list[str]:
    return [
        f"indicator '{need.indicator}' (PxWeb) has no offline source; stored values are kept"
        for need in plan
        if isinstance(fw.indicator(need.indicator), PxWebIndicator)
    ]


def _store_has(store_path: Path, indicators: list[str]) -> bool:
    if not store_path.exists():
        return False
    with Store.open(store_path, read_only=True) as store:
        present = set(store.current(indicators=indicators)["indicator"].unique())
    return set(indicators) <= present
