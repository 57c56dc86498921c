"""The context every report part reads: framework, data, assessment and what came before."""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from collab_metrics.analysis import resources, warnings
from collab_metrics.analysis.answers import imported, merge
from collab_metrics.analysis.assess import (
    assess,
    context_table,
)
from collab_metrics.analysis.contributions import Consistency, consistency
from collab_metrics.analysis.followup import with_bounds
from collab_metrics.model import periods
from collab_metrics.model.framework import (
    ActorGoal,
    Contribution,
    Framework,
    Priority,
    SharedGoal,
    load_framework,
)
from collab_metrics.sources import ddf
from collab_metrics.store import Store
from collab_metrics.text import format as fmt
from collab_metrics.text import labels, overrides, reasons
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import (
    Language,
)


class Derived:
    """Values a report computes from its context's inputs, computed once per context.

    A warm kernel's documents each get a copy of one cached context; what every one of them
    needs (an index of the assessment, each shared goal's shares of change) is computed by
    the first and kept for the others: a copy of the context shares this object, as its
    values follow from inputs that no document changes in place. A value must not be
    changed by its user (a frame is handed out as a copy-on-write copy; rows are tuples).
    """

    def __init__(self) -> None:
        self._values: dict[tuple[Any, ...], Any] = {}

    def get(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """The value for `key`, computed by `compute()` the first time."""
        if key not in self._values:
            self._values[key] = compute()
        value = self._values[key]
        return value.copy(deep=False) if isinstance(value, pd.DataFrame) else value

    def __deepcopy__(self, memo: dict[int, Any]) -> Derived:
        return self  # shared by the copies of one context: see the class docstring


@dataclass(eq=False)  # eq=False: DataFrame fields have no truth value
class ReportContext:
    """Everything the sections need: framework, data, assessment and what came before."""

    fw: Framework
    observations: pd.DataFrame  # Store.current() for the framework's series
    result: pd.DataFrame  # assess() rows
    consistency: dict[str, Consistency]  # shared goal id -> the total's consistency
    context: pd.DataFrame  # context_table()
    vintage: dict[str, Any]  # Store.vintage()
    as_of: int | None
    language: Language
    previous: dict[str, Any] | None  # the previous report's status.json, or None
    snapshot_dir: Path  # the offline Kolada snapshot, for KPI metadata
    revisions: pd.DataFrame  # Store.revisions() for the framework's series
    report_date: date = field(default_factory=date.today)
    period: str | None = None  # the follow-up period (collab_metrics.model.periods)
    previous_date: date | None = None  # when the previous report was made
    asked_as_of: int | None = None  # `--as-of` as given: a reproduction of the past
    # Contributions and priority outcomes the actors' workbooks brought (collab collect).
    contributions: tuple[Contribution, ...] = ()
    priority_answers: tuple[Priority, ...] = ()
    # Values computed from the fields above, shared by every copy of this context (see
    # `Derived`). Not an init field, so `dataclasses.replace` starts without them.
    derived: Derived = field(default_factory=lambda: Derived(), init=False, repr=False)

    @property
    def reference_date(self) -> date:
        """The day actions are due against: the report's, or the end of the `--as-of` year."""
        return warnings.reference_date(self.asked_as_of, self.report_date)

    @property
    def templates(self) -> tuple[Path, ...]:
        """The collaboration's own template folder (`templates/` beside its framework file),
        read before the package's: a template there replaces a part's markup."""
        return () if self.fw.path is None else tuple(overrides.template_dirs(self.fw.path))

    @property
    def year(self) -> int | None:
        """The follow-up year: the period's, else `as_of`, else the latest year with data."""
        if self.period is not None:
            return periods.year(self.period)
        if self.as_of is not None:
            return self.as_of
        latest = self.result["latest_year"].dropna()
        return int(latest.max()) if len(latest) else None


def load_context(
    params: str | Path,
    store: str | Path,
    as_of: int | None = None,
    language: Language | None = None,
    previous: str | Path | None = None,
    snapshot_dir: str | Path | None = None,
    period: str | None = None,
    known_before: str | None = None,
) -> ReportContext:
    """Read the framework and the store, assess every goal, and read the previous report.

    `previous` is the previous report's status.json (as `collab_metrics.report.status_table.to_json`
    writes it), best as an absolute path: notebooks run in their own folder. It is ignored
    when the file does not exist. `period` is the follow-up period (default: the latest the
    shared goals have data for, up to `as_of`); data beyond it does not enter the
    assessment. `language` defaults to the framework's, `snapshot_dir` to the offline
    Kolada snapshot's usual place. `known_before` (a day, YYYY-MM-DD) reads the data as the
    store held it before that day (`collab report --vintage`).
    The actors' answers imported from their workbooks (collab collect) are merged with the
    framework file's own: an imported assessment overrides the file's for the same goal,
    actor and period, an imported action the file's with the same id.
    """
    cache = context_cache()
    key = None
    if cache is not None:
        settings = (as_of, language, str(snapshot_dir or ""), period, known_before)
        key = _cache_key(params, store, previous, settings)
        if (found := cache.get(key)) is not None:
            return found
    ctx = _load_context(
        params, store, as_of, language, previous, snapshot_dir, period, known_before
    )
    if cache is not None and key is not None:
        cache.put(key, ctx)
    return ctx


def _load_context(
    params: str | Path,
    store: str | Path,
    as_of: int | None,
    language: Language | None,
    previous: str | Path | None,
    snapshot_dir: str | Path | None,
    period: str | None,
    known_before: str | None,
) -> ReportContext:
    asked_as_of = as_of
    fw = load_framework(Path(params))
    fw = merge(fw, *imported(Path(store), fw))
    contributions, priority_answers = resources.imported(Path(store), fw)
    language = language or fw.collaboration.language
    series = sorted({fw.series_id(i.id) for i in fw.indicators})
    with Store.open(Path(store), read_only=True) as opened:
        observations = (
            opened.current(indicators=series)
            if known_before is None
            else opened.as_of(datetime.fromisoformat(known_before), indicators=series)
        )
        bounds = (
            opened.current(indicators=fw.bound_series())
            if known_before is None
            else opened.as_of(datetime.fromisoformat(known_before), indicators=fw.bound_series())
        )
        vintage = opened.vintage(series)
        seams = opened.seams(series)
        revisions = opened.revisions()
    revisions = revisions[revisions["indicator"].isin(series)].reset_index(drop=True)
    period = period or periods.default(fw, observations, as_of)
    if period is not None:
        as_of = min(periods.year(period), as_of or periods.year(period))
    found = {}
    for goal in fw.shared_goals:
        try:
            found[goal.id] = consistency(fw, observations, goal.id, as_of=as_of)
        except ValueError:
            continue  # no population base to weigh with: the goal section says so
    with overrides.using(fw.path):  # the collaboration's own words, if it has any
        checks = {key: reasons.consistency_in_words(c, language) for key, c in found.items()}
        result = reasons.in_words(
            assess(fw, with_bounds(observations, bounds), as_of, seams), language
        )
    previous_path = Path(previous) if previous else None
    document, previous_date = None, None
    if previous_path is not None and previous_path.is_file():
        document = json.loads(previous_path.read_text(encoding="utf-8"))
        previous_date = _report_date(previous_path.with_name("manifest.json"))
    return ReportContext(
        fw=fw,
        observations=observations,
        result=result,
        consistency=checks,
        context=context_table(fw, observations, as_of),
        vintage=vintage,
        as_of=as_of,
        language=language,
        previous=document,
        snapshot_dir=Path(snapshot_dir) if snapshot_dir else ddf.default_snapshot_dir(),
        revisions=revisions,
        period=period,
        previous_date=previous_date,
        asked_as_of=asked_as_of,
        contributions=tuple(contributions),
        priority_answers=tuple(priority_answers),
    )


class ContextCache:
    """One report context remembered in a long-lived process (a warm report kernel).

    A warm kernel renders many documents of one report in turn; each notebook calls
    `load_context` with the same arguments, and reading the framework, the store and
    assessing every goal each time would dominate. The cache keeps the last context, keyed
    by everything it was read from: the framework file (path and SHA-256) and the
    collaboration's override words, the store (path, size, modification time), the previous
    report's status.json, `as_of`, the period, the vintage (`known_before`), the language,
    the snapshot folder and the day. A changed file is read again. Each call gets its own
    copy, so one document cannot change what the next one sees: everything but the data
    frames is pickled once and unpickled for each call (15 ms for a national context, 23
    ms as a deep copy), and the frames are shallow copies, as safe under pandas'
    copy-on-write (always on from pandas 3) and free: a national context's frames are 17
    MB. `Derived` is shared by the copies. Only one context is kept, so memory stays flat.
    """

    def __init__(self) -> None:
        self._key: tuple[Any, ...] | None = None
        self._context: _Pickled | None = None

    def get(self, key: tuple[Any, ...]) -> ReportContext | None:
        """A copy of the context read for `key`, or None."""
        if self._context is None or key != self._key:
            return None
        return self._context.copy()

    def put(self, key: tuple[Any, ...], context: ReportContext) -> None:
        """Remember `context` for `key`, forgetting the one before; keeps its own copy."""
        self._key, self._context = key, _Pickled(context)


class _Pickled:
    """A context pickled once, its data frames (shallow copies) and `Derived` kept aside."""

    def __init__(self, context: ReportContext) -> None:
        buffer = io.BytesIO()
        pickler = _AsidePickler(buffer)
        pickler.dump(context)
        self._pickled, self._aside = buffer.getvalue(), pickler.aside

    def copy(self) -> ReportContext:
        """A copy that shares no mutable state with the context or with other copies."""
        context: ReportContext = _AsideUnpickler(io.BytesIO(self._pickled), self._aside).load()
        return context


class _AsidePickler(pickle.Pickler):
    def __init__(self, buffer: io.BytesIO) -> None:
        super().__init__(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        self.aside: list[Any] = []

    def persistent_id(self, obj: Any) -> int | None:
        if isinstance(obj, pd.DataFrame):
            self.aside.append(obj.copy(deep=False))  # the caller's frame stays the caller's
        elif isinstance(obj, Derived):
            self.aside.append(obj)
        else:
            return None
        return len(self.aside) - 1


class _AsideUnpickler(pickle.Unpickler):
    def __init__(self, buffer: io.BytesIO, aside: list[Any]) -> None:
        super().__init__(buffer)
        self.aside = aside

    def persistent_load(self, pid: Any) -> Any:
        value = self.aside[pid]
        return value.copy(deep=False) if isinstance(value, pd.DataFrame) else value


_CACHE: ContextCache | None = None


def enable_context_cache() -> ContextCache:
    """Make `load_context` remember its result in this process (a warm kernel calls this
    once at start-up, `collab_metrics.report.warm.start`); the cache in use is returned."""
    global _CACHE
    if _CACHE is None:
        _CACHE = ContextCache()
    return _CACHE


def disable_context_cache() -> None:
    """Back to reading everything on every `load_context` call (the default)."""
    global _CACHE
    _CACHE = None


def context_cache() -> ContextCache | None:
    """The cache `load_context` uses, or None: a fresh process (a plain kernel, the API, a
    test) reads everything on every call unless `enable_context_cache` was called."""
    return _CACHE


def _cache_key(
    params: str | Path, store: str | Path, previous: str | Path | None, settings: tuple[Any, ...]
) -> tuple[Any, ...]:
    """What a context is read from, files by their content or size and modification time;
    `settings` are the other arguments (as_of, language, snapshot folder, period, vintage)."""
    framework = Path(params).resolve()
    words = overrides.folder_of(framework) / overrides.TEXT_DIR
    own_words = sorted(words.glob("*.yaml")) if words.is_dir() else []
    return (
        str(framework),
        hashlib.sha256(framework.read_bytes()).hexdigest(),
        tuple(_stamp(f) for f in own_words),
        _stamp(store),
        _stamp(previous) if previous else None,
        settings,
        date.today(),
    )


def _stamp(path: str | Path) -> tuple[str, int, int] | str:
    """A file by its path, size and modification time; its path alone when absent."""
    try:
        status = os.stat(path)
    except OSError:
        return str(path)
    return (str(path), status.st_size, status.st_mtime_ns)


def _report_date(manifest: Path) -> date | None:
    """The day a report was made, from its manifest (None without one)."""
    if not manifest.is_file():
        return None
    created = json.loads(manifest.read_text(encoding="utf-8")).get("created_at")
    return datetime.fromisoformat(created).date() if created else None


def goal_row(ctx: ReportContext, goal_id: str, sex: str = "total") -> Any | None:
    """The assessed row of a goal and sex (a goal has one area), or None."""
    rows: dict[tuple[str, str], Any] = ctx.derived.get(("goal_rows",), lambda: _rows(ctx))
    return rows.get((goal_id, sex))


def _rows(ctx: ReportContext) -> dict[tuple[str, str], Any]:
    """The assessment's rows by goal and sex: the first of each, as a filter would give."""
    rows: dict[tuple[str, str], Any] = {}
    for row in ctx.result.itertuples(index=False):
        rows.setdefault((row.goal, row.sex), row)
    return rows


def sex_rows(ctx: ReportContext, goal_id: str) -> list[tuple[str, Any]]:
    """(sex, row) for the total, women and men that the goal was assessed for."""
    found = [(sex, goal_row(ctx, goal_id, sex)) for sex in ("total", "women", "men")]
    return [(sex, row) for sex, row in found if row is not None]


def contributing_goals(fw: Framework, shared_id: str) -> list[ActorGoal]:
    """The actor goals that contribute to the shared goal `shared_id`."""
    return [g for g in fw.actor_goals if g.contributes_to == shared_id]


def unit_of(fw: Framework, goal: SharedGoal | ActorGoal) -> str:
    """The unit of a goal's indicator."""
    return fw.indicator(goal.indicator).unit


def decreasing(fw: Framework, indicator_id: str) -> bool:
    """Whether the indicator's desired direction is down."""
    return fw.indicator(indicator_id).direction == "decrease"


def chance_words(row: Any, language: Language) -> str:
    """The probability of reaching the target, or why there is none."""
    if row.chance:
        return labels.CHANCE[language][row.chance]
    if bool(row.target_passed):
        return message("report.target_year_passed", language)
    return "–"


def is_false(flag: Any) -> bool:
    """A noise verdict that is False, not missing (numpy booleans are not `False`)."""
    return not fmt.missing(flag) and not bool(flag)


# --- title page and summary ----------------------------------------------------------
