"""The DuckDB observation store: every fetch is a vintage and nothing is ever overwritten.

A report must be reproducible months later and must be able to say what changed since the
last one, so the store keeps every version of every observation. The key of an
observation is (indicator, area, period, sex); `observations` holds one row per *version*
of a key, tagged with the fetch that produced it. A fetch that brings a different value or
status for a key adds a version (a revision); one that brings the same value adds nothing;
a source withdrawing a key adds a version with status "deleted". The current state is the
latest version of each key, and the state at any earlier fetch or time is the latest
version up to it.

Tables (schema version 1):
  schema_version  version, applied_at: which migrations have run
  fetches         fetch_id, label, started_at, finished_at, and the WriteSummary counts
  observations    the tidy columns (value NULL when missing) + fetch_id; one row per version
  coverage        fetch_id, source, indicator, n_rows, last_retrieved_at: what each fetch
                  returned, including unchanged rows, without storing them again
  requested       fetch_id, source, indicator, areas: what each fetch asked a source for,
                  so a later fetch knows what it may refresh incrementally
  raw_blobs       sha256, size, body (zlib): each distinct response body once
  raw_responses   fetch_id, source, url, retrieved_at, status_code, sha256: every response

Tables added in schema version 2, for the actors' answers collected with Excel workbooks
(collab_metrics.workbooks.collect); an answer is never deleted, a replaced one keeps its row:
  imports               import_id, collaboration, actor, period, file_name, file_sha256,
                        framework_sha256, template_version, imported_at, fetch_id (the
                        vintage holding the workbook's measures, if any) and the counts
  imported_assessments  import_id, collaboration, actor, goal, period, judgement,
                        justification, owner, file_name, file_sha256, imported_at,
                        replaced_at, replaced_by (the import that replaced it)
  imported_actions      the same for action-plan items: action_id, period, goal,
                        description, responsible, due, status

Times are stored as UTC without a time zone and returned as UTC-aware pandas timestamps.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

import duckdb
import pandas as pd
from filelock import FileLock, Timeout

from collab_metrics.errors import CollabError, DataError
from collab_metrics.model.tidy import COLUMNS, FetchResult, conform

ENV_VAR: Final = "COLLAB_STORE"
DEFAULT_PATH: Final = Path("data") / "store.duckdb"
DELETED: Final = "deleted"

_KEY: Final = "indicator, area, period, sex"
_TIDY: Final = ", ".join(COLUMNS)
_SAME_KEY: Final = " AND ".join(f"a.{c} = b.{c}" for c in ("indicator", "area", "period", "sex"))

# Migration n (1-based) brings a store from schema version n-1 to n. Append, never edit.
_MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    (
        """CREATE TABLE schema_version (
            version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)""",
        """CREATE TABLE fetches (
            fetch_id INTEGER PRIMARY KEY, label VARCHAR NOT NULL,
            started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP NOT NULL,
            new BIGINT NOT NULL, revised BIGINT NOT NULL, unchanged BIGINT NOT NULL,
            deleted BIGINT NOT NULL, raw_archived BIGINT NOT NULL, raw_stored BIGINT NOT NULL)""",
        """CREATE TABLE observations (
            indicator VARCHAR NOT NULL, area VARCHAR NOT NULL, period VARCHAR NOT NULL,
            sex VARCHAR NOT NULL, value DOUBLE, status VARCHAR NOT NULL,
            source VARCHAR NOT NULL, retrieved_at TIMESTAMP NOT NULL,
            fetch_id INTEGER NOT NULL)""",
        """CREATE TABLE coverage (
            fetch_id INTEGER NOT NULL, source VARCHAR NOT NULL, indicator VARCHAR NOT NULL,
            n_rows BIGINT NOT NULL, last_retrieved_at TIMESTAMP NOT NULL)""",
        """CREATE TABLE requested (
            fetch_id INTEGER NOT NULL, source VARCHAR NOT NULL, indicator VARCHAR NOT NULL,
            areas VARCHAR[] NOT NULL)""",
        """CREATE TABLE raw_blobs (
            sha256 VARCHAR PRIMARY KEY, size BIGINT NOT NULL, body BLOB NOT NULL)""",
        """CREATE TABLE raw_responses (
            fetch_id INTEGER NOT NULL, source VARCHAR NOT NULL, url VARCHAR NOT NULL,
            retrieved_at TIMESTAMP NOT NULL, status_code INTEGER NOT NULL,
            sha256 VARCHAR NOT NULL)""",
    ),
    (
        """CREATE TABLE imports (
            import_id INTEGER PRIMARY KEY, collaboration VARCHAR NOT NULL,
            actor VARCHAR NOT NULL, period VARCHAR NOT NULL, file_name VARCHAR NOT NULL,
            file_sha256 VARCHAR NOT NULL, framework_sha256 VARCHAR NOT NULL,
            template_version INTEGER NOT NULL, imported_at TIMESTAMP NOT NULL,
            fetch_id INTEGER, assessments BIGINT NOT NULL, actions BIGINT NOT NULL,
            measures BIGINT NOT NULL, replaced BIGINT NOT NULL)""",
        """CREATE TABLE imported_assessments (
            import_id INTEGER NOT NULL, collaboration VARCHAR NOT NULL, actor VARCHAR NOT NULL,
            goal VARCHAR NOT NULL, period VARCHAR NOT NULL, judgement VARCHAR NOT NULL,
            justification VARCHAR NOT NULL, owner VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL, file_sha256 VARCHAR NOT NULL,
            imported_at TIMESTAMP NOT NULL, replaced_at TIMESTAMP, replaced_by INTEGER)""",
        """CREATE TABLE imported_actions (
            import_id INTEGER NOT NULL, collaboration VARCHAR NOT NULL, actor VARCHAR NOT NULL,
            action_id VARCHAR NOT NULL, period VARCHAR NOT NULL, goal VARCHAR,
            description VARCHAR NOT NULL, responsible VARCHAR NOT NULL, due DATE,
            status VARCHAR NOT NULL, file_name VARCHAR NOT NULL, file_sha256 VARCHAR NOT NULL,
            imported_at TIMESTAMP NOT NULL, replaced_at TIMESTAMP, replaced_by INTEGER)""",
    ),
)
# Columns every imported answer has, filled from its ImportBatch.
_IMPORT_COMMON: Final = (
    "import_id",
    "collaboration",
    "actor",
    "period",
    "file_name",
    "file_sha256",
    "imported_at",
)
# With collaboration, actor and period, what identifies an answer: a second answer with
# the same key replaces the first.
_ANSWER_KEYS: Final = {"imported_assessments": "goal", "imported_actions": "action_id"}
SCHEMA_VERSION: Final = len(_MIGRATIONS)

# Staging tables live in DuckDB's temporary catalog, never in the store file.
_STAGE_COLUMNS: Final = """(indicator VARCHAR, area VARCHAR, period VARCHAR, sex VARCHAR,
    value DOUBLE, status VARCHAR, source VARCHAR, retrieved_at TIMESTAMP)"""
_TEMP_TABLES: Final = (
    "_incoming",
    "_withdrawn",
    "_staged",
    "_gone",
    "_latest",
    "_own",
    "_classified",
)


class StoreError(DataError):
    """A store that cannot be used as asked; the message is one sentence for the user."""


class StoreLocked(StoreError):
    """Another process is writing to the store and did not finish within the timeout."""


@dataclass(frozen=True)
class WriteSummary:
    """What one write() did: the counts the CLI prints and the what-changed report uses."""

    fetch_id: int
    label: str
    started_at: datetime
    finished_at: datetime
    new: int  # keys the store had never seen
    revised: int  # keys whose value or status changed (including keys back after deletion)
    unchanged: int  # keys fetched again with the same value and status
    deleted: int  # keys the source withdrew
    raw_archived: int  # response bodies recorded for this fetch
    raw_stored: int  # of those, bodies not already in the archive

    @property
    def changed(self) -> int:
        """Keys whose current state this fetch changed."""
        return self.new + self.revised + self.deleted

    def __str__(self) -> str:
        return (
            f"fetch {self.fetch_id} ({self.label}): {self.new} new, {self.revised} revised, "
            f"{self.unchanged} unchanged, {self.deleted} deleted; {self.raw_archived} raw "
            f"responses archived ({self.raw_stored} new bodies)"
        )


@dataclass(frozen=True)
class ImportBatch:
    """One imported workbook: who answered for which period, from which file, and what.

    `assessments` rows have the keys goal, judgement, justification, owner; `actions`
    rows action_id, goal, description, responsible, due, status. `fetch_id` is the
    vintage that holds the workbook's measures (None when they changed nothing).
    """

    collaboration: str
    actor: str
    period: str
    file_name: str
    file_sha256: str
    framework_sha256: str
    template_version: int
    assessments: Sequence[Mapping[str, Any]]
    actions: Sequence[Mapping[str, Any]]
    measures: int
    fetch_id: int | None


@dataclass(frozen=True)
class Requested:
    """What a fetch asked a source for: one series on some areas."""

    source: str
    indicator: str
    areas: frozenset[str]


def default_store_path() -> Path:
    """$COLLAB_STORE if set, else data/store.duckdb relative to the current directory."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_PATH).expanduser()


class Store:
    """An open observation store; get one with Store.open() and use it as a context manager."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, lock: FileLock | None) -> None:
        self.path = path
        self.read_only = lock is None
        self._con = con
        self._lock = lock
        self._in_transaction = False

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        timeout: float = 60.0,
    ) -> Self:
        """Open (for writing: create) the store at `path`, default default_store_path().

        A writer first takes `<store>.lock`, waiting up to `timeout` seconds for another
        writer, then raises StoreLocked. Readers take no lock but wait as long for DuckDB's
        own lock, which a writer holds while the store is open. Opening read-only never
        modifies the file, except once to migrate a store written by an earlier version.
        """
        store_path = Path(path).expanduser() if path is not None else default_store_path()
        store_path = store_path.absolute()
        if store_path.is_dir():
            raise StoreError(f"The store path {store_path} is a directory, not a store file.")
        if read_only and not store_path.exists():
            raise StoreError(f"There is no store at {store_path}; nothing has been fetched yet.")
        deadline = time.monotonic() + timeout
        lock = None if read_only else _acquire_lock(store_path, timeout)
        try:
            con = _connect(store_path, read_only, deadline)
            try:
                _prepare_schema(con, store_path, read_only)
            except _NeedsUpgrade:
                # A store written by an earlier collab-metrics: migrate it once (as a
                # writer, under the lock), then read. This is the only time a reader
                # changes the file.
                con.close()
                cls.open(store_path, timeout=timeout).close()
                con = _connect(store_path, read_only, deadline)
                _prepare_schema(con, store_path, read_only)
            except BaseException:
                con.close()
                raise
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return cls(store_path, con, lock)

    def close(self) -> None:
        """Close the connection (DuckDB checkpoints a writer's changes), then unlock."""
        self._con.close()
        if self._lock is not None and self._lock.is_locked:
            self._lock.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- writing ----------------------------------------------------------------------

    def write(
        self,
        results: Iterable[FetchResult],
        *,
        label: str,
        started_at: datetime | None = None,
        requested: Iterable[Requested] = (),
    ) -> WriteSummary:
        """Record one fetch as a vintage: new and changed observations, deletions, raw bodies.

        All in one transaction: any exception, KeyboardInterrupt included, leaves the store
        exactly as it was. `started_at` is when fetching began (callers fetch first and write
        afterwards); by default the earliest retrieved_at in `results`. `requested` records
        what was asked of each source, for `last_requested`.
        Raises ValueError when `results` contradict themselves (a key with two values, or
        both delivered and withdrawn) or lack a key, source or retrieved_at.
        """
        self._check_writable()
        with self.transaction():
            summary = self._write(results, label, started_at)
            for asked in requested:
                self._con.execute(
                    "INSERT INTO requested VALUES (?, ?, ?, ?)",
                    [summary.fetch_id, asked.source, asked.indicator, sorted(asked.areas)],
                )
        return summary

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: what runs inside is committed together or not at all.

        Any exception, KeyboardInterrupt included, rolls back and propagates. Writes inside
        (write(), record_import()) join the transaction instead of committing on their own,
        so several of them can form one unit, such as everything one workbook brings.
        """
        if self._in_transaction:
            yield
            return
        self._con.begin()
        self._in_transaction = True
        try:
            yield
            self._con.commit()
        except BaseException:
            # The original exception matters; a rollback failing too must not replace it.
            with contextlib.suppress(duckdb.Error):
                self._con.rollback()
            raise
        finally:
            self._in_transaction = False

    def record_import(self, batch: ImportBatch) -> int:
        """Record one imported workbook and its answers; return its import id.

        A current answer with the same key (actor, goal or action id, period) is replaced:
        its row stays, marked with replaced_at and replaced_by, as the answer's history.
        """
        self._check_writable()
        con = self._con
        with self.transaction():
            import_id = _scalar(con, "SELECT coalesce(max(import_id), 0) + 1 FROM imports")
            now = _now()
            common = [import_id, batch.collaboration, batch.actor, batch.period]
            common += [batch.file_name, batch.file_sha256, now]
            replaced = 0
            for table, rows in (
                ("imported_assessments", batch.assessments),
                ("imported_actions", batch.actions),
            ):
                key = _ANSWER_KEYS[table]
                for row in rows:
                    replaced += _scalar(
                        con,
                        f"""UPDATE {table} SET replaced_at = ?, replaced_by = ?
                            WHERE replaced_at IS NULL AND collaboration = ? AND actor = ?
                              AND {key} = ? AND period = ?""",
                        [now, import_id, batch.collaboration, batch.actor, row[key], batch.period],
                    )
                if rows:
                    fields = list(rows[0])
                    columns = ", ".join([*_IMPORT_COMMON, *fields])
                    marks = ", ".join("?" * (len(_IMPORT_COMMON) + len(fields)))
                    con.executemany(
                        f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                        [[*common, *(row[field] for field in fields)] for row in rows],
                    )
            con.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    import_id,
                    batch.collaboration,
                    batch.actor,
                    batch.period,
                    batch.file_name,
                    batch.file_sha256,
                    batch.framework_sha256,
                    batch.template_version,
                    now,
                    batch.fetch_id,
                    len(batch.assessments),
                    len(batch.actions),
                    batch.measures,
                    replaced,
                ],
            )
        return import_id

    def secret(self, name: str, *, create: bool = False) -> bytes | None:
        """The store's random 32-byte secret `name`; a writer creates it when asked to.

        Kept only in the store (table `secrets`, outside the versioned schema), never in a
        file sent out, so a signature made with it cannot be recomputed by whoever edits
        such a file.
        """
        self._check_writable()
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS secrets (name VARCHAR PRIMARY KEY, value BLOB NOT NULL)"
        )
        row = self._con.execute("SELECT value FROM secrets WHERE name = ?", [name]).fetchone()
        if row is not None:
            return bytes(row[0])
        if not create:
            return None
        value = secrets.token_bytes(32)
        self._con.execute("INSERT INTO secrets VALUES (?, ?)", [name, value])
        return value

    def _check_writable(self) -> None:
        if self._lock is None:
            raise StoreError(f"The store {self.path} was opened read-only and cannot be written.")

    def _write(
        self, results: Iterable[FetchResult], label: str, started_at: datetime | None
    ) -> WriteSummary:
        con = self._con
        fetch_id = _scalar(con, "SELECT coalesce(max(fetch_id), 0) + 1 FROM fetches")
        for table in ("_incoming", "_withdrawn"):
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} {_STAGE_COLUMNS}")
        responses: list[tuple[str, str, datetime, int, str]] = []
        bodies: dict[str, bytes] = {}
        for result in results:
            self._stage(result.frame, "_incoming")
            self._stage(result.deletions, "_withdrawn")
            for raw in result.raw:
                sha = hashlib.sha256(raw.body).hexdigest()
                bodies.setdefault(sha, raw.body)
                responses.append(
                    (raw.source, raw.url, _utc_naive(raw.retrieved_at), raw.status_code, sha)
                )
        self._check_staged()
        counts = self._merge(fetch_id)
        raw_stored = self._archive(fetch_id, responses, bodies)

        finished = _now()
        if started_at is None:
            earliest = [
                _scalar(con, "SELECT min(retrieved_at) FROM _staged"),
                _scalar(con, "SELECT min(retrieved_at) FROM _gone"),
                *(response[2] for response in responses),
            ]
            begun = min((t for t in earliest if t is not None), default=finished)
        else:
            begun = _utc_naive(started_at)
        summary = WriteSummary(
            fetch_id=fetch_id,
            label=label,
            started_at=begun.replace(tzinfo=UTC),
            finished_at=finished.replace(tzinfo=UTC),
            raw_archived=len(responses),
            raw_stored=raw_stored,
            **counts,
        )
        con.execute(
            "INSERT INTO fetches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                fetch_id,
                label,
                begun,
                finished,
                summary.new,
                summary.revised,
                summary.unchanged,
                summary.deleted,
                summary.raw_archived,
                summary.raw_stored,
            ],
        )
        for table in _TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {table}")
        return summary

    def _stage(self, frame: pd.DataFrame, table: str) -> None:
        """Append one frame to a staging table in bulk (DuckDB scans the pandas frame)."""
        if frame.empty:
            return
        tidy = conform(frame)
        tidy["retrieved_at"] = tidy["retrieved_at"].dt.tz_localize(None)
        self._con.register("_frame", tidy)
        try:
            # DuckDB reads pandas NaN as NULL today; isnan() keeps a NaN from ever being
            # stored, since NaN and NULL would compare distinct and fake a revision.
            self._con.execute(
                f"""INSERT INTO {table} SELECT indicator, area, period, sex,
                    CASE WHEN isnan(value) THEN NULL ELSE value END,
                    status, source, retrieved_at FROM _frame"""
            )
        finally:
            self._con.unregister("_frame")

    def _check_staged(self) -> None:
        """Collapse duplicate rows per key; refuse rows that contradict each other."""
        con = self._con
        incomplete = _scalar(
            con,
            """SELECT count(*) FROM (FROM _incoming UNION ALL FROM _withdrawn)
               WHERE indicator IS NULL OR area IS NULL OR period IS NULL OR sex IS NULL
                  OR source IS NULL OR retrieved_at IS NULL""",
        )
        if incomplete:
            raise ValueError(
                f"{incomplete} fetched rows lack an indicator, area, period, sex, source or "
                "retrieved_at"
            )
        # Two requests may return the same observation; identical copies are harmless.
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _staged AS
                SELECT {_KEY}, any_value(value) AS value, any_value(status) AS status,
                       min(source) AS source, min(retrieved_at) AS retrieved_at,
                       count(DISTINCT {{'v': value, 's': status}}) AS variants
                FROM _incoming GROUP BY {_KEY}"""
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _gone AS
                SELECT {_KEY}, min(source) AS source, min(retrieved_at) AS retrieved_at
                FROM _withdrawn GROUP BY {_KEY}"""
        )
        conflicting = con.execute(
            f"SELECT {_KEY} FROM _staged WHERE variants > 1 ORDER BY ALL LIMIT 3"
        ).fetchall()
        if conflicting:
            raise ValueError(f"the fetched data gives different values for {_keys(conflicting)}")
        both = con.execute(
            f"SELECT {_KEY} FROM _staged SEMI JOIN _gone USING ({_KEY}) ORDER BY ALL LIMIT 3"
        ).fetchall()
        if both:
            raise ValueError(f"the fetched data both delivers and withdraws {_keys(both)}")

    def _merge(self, fetch_id: int) -> dict[str, int]:
        """Add a version for every new, changed or withdrawn key; return the counts."""
        con = self._con
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _latest AS
                SELECT {_KEY}, value, status, source FROM observations
                SEMI JOIN (SELECT {_KEY} FROM _staged UNION ALL SELECT {_KEY} FROM _gone)
                    USING ({_KEY})
                QUALIFY row_number() OVER (PARTITION BY {_KEY} ORDER BY fetch_id DESC) = 1"""
        )
        # The precedence rule for two channels feeding one key (an actor file and a figure
        # corrected through an imported workbook): re-reading a source that brings the
        # same value it brought last time does not revert a newer value from another
        # source; a source bringing a different value than its own last one is a new
        # vintage again and becomes current.
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _own AS
                SELECT {_KEY}, source, value, status FROM observations
                SEMI JOIN (SELECT {_KEY}, source FROM _staged) USING ({_KEY}, source)
                QUALIFY row_number() OVER (PARTITION BY {_KEY}, source ORDER BY fetch_id DESC)
                    = 1"""
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _classified AS
                SELECT a.*, CASE
                    WHEN b.status IS NULL THEN 'new'
                    WHEN a.value IS NOT DISTINCT FROM b.value AND a.status = b.status
                        THEN 'unchanged'
                    WHEN b.source <> a.source AND b.status <> '{DELETED}'
                        AND a.value IS NOT DISTINCT FROM o.value AND a.status = o.status
                        THEN 'unchanged'
                    ELSE 'revised' END AS change
                FROM _staged a LEFT JOIN _latest b ON {_SAME_KEY}
                LEFT JOIN _own o ON a.indicator = o.indicator AND a.area = o.area
                    AND a.period = o.period AND a.sex = o.sex AND a.source = o.source"""
        )
        con.execute(
            f"""INSERT INTO observations SELECT {_TIDY}, ? FROM _classified
                WHERE change <> 'unchanged'""",
            [fetch_id],
        )
        deleted = _scalar(
            con,
            f"""INSERT INTO observations
                SELECT a.indicator, a.area, a.period, a.sex, NULL, '{DELETED}', a.source,
                       a.retrieved_at, ?
                FROM _gone a JOIN _latest b ON {_SAME_KEY} WHERE b.status <> '{DELETED}'""",
            [fetch_id],
        )
        con.execute(
            """INSERT INTO coverage
               SELECT ?, source, indicator, count(*), max(retrieved_at)
               FROM (SELECT source, indicator, retrieved_at FROM _staged
                     UNION ALL SELECT source, indicator, retrieved_at FROM _gone)
               GROUP BY source, indicator""",
            [fetch_id],
        )
        counts = dict(
            con.execute("SELECT change, count(*) FROM _classified GROUP BY change").fetchall()
        )
        return {
            "new": counts.get("new", 0),
            "revised": counts.get("revised", 0),
            "unchanged": counts.get("unchanged", 0),
            "deleted": deleted,
        }

    def _archive(
        self,
        fetch_id: int,
        responses: list[tuple[str, str, datetime, int, str]],
        bodies: dict[str, bytes],
    ) -> int:
        """Record every response; compress and store only bodies not archived before."""
        if not responses:
            return 0
        con = self._con
        known = {
            row[0]
            for row in con.execute(
                "SELECT sha256 FROM raw_blobs WHERE list_contains(?::VARCHAR[], sha256)",
                [list(bodies)],
            ).fetchall()
        }
        fresh = [(sha, body) for sha, body in bodies.items() if sha not in known]
        if fresh:
            blobs = pd.DataFrame(
                {
                    "sha256": [sha for sha, _ in fresh],
                    "size": [len(body) for _, body in fresh],
                    "body": [zlib.compress(body) for _, body in fresh],
                }
            )
            _insert_frame(con, "INSERT INTO raw_blobs SELECT sha256, size, body FROM _frame", blobs)
        listing = pd.DataFrame(
            responses, columns=["source", "url", "retrieved_at", "status_code", "sha256"]
        )
        _insert_frame(
            con,
            f"""INSERT INTO raw_responses
                SELECT {fetch_id}, source, url, retrieved_at, status_code, sha256 FROM _frame""",
            listing,
        )
        return len(fresh)

    # -- reading ----------------------------------------------------------------------

    def current(
        self,
        indicators: Iterable[str] | str | None = None,
        areas: Iterable[str] | str | None = None,
        sexes: Iterable[str] | str | None = None,
        up_to_period: str | int | None = None,
    ) -> pd.DataFrame:
        """The latest value of every key as a tidy frame; withdrawn keys are left out.

        `up_to_period` keeps periods up to and including that year ("2017" keeps "2017"
        and "2017-12"), to reproduce a report made when that year was the latest.
        """
        return self._snapshot([], [], indicators, areas, sexes, up_to_period)

    def as_of_vintage(
        self,
        fetch_id: int,
        *,
        indicators: Iterable[str] | str | None = None,
        areas: Iterable[str] | str | None = None,
        sexes: Iterable[str] | str | None = None,
        up_to_period: str | int | None = None,
    ) -> pd.DataFrame:
        """What current() returned right after fetch `fetch_id` was written (StoreError if none)."""
        if not _scalar(self._con, "SELECT count(*) FROM fetches WHERE fetch_id = ?", [fetch_id]):
            raise StoreError(f"The store {self.path} has no fetch {fetch_id}.")
        return self._snapshot(["fetch_id <= ?"], [fetch_id], indicators, areas, sexes, up_to_period)

    def as_of(
        self,
        retrieved_before: datetime,
        *,
        indicators: Iterable[str] | str | None = None,
        areas: Iterable[str] | str | None = None,
        sexes: Iterable[str] | str | None = None,
        up_to_period: str | int | None = None,
    ) -> pd.DataFrame:
        """What the store said from data retrieved strictly before `retrieved_before`.

        A naive datetime is taken to be UTC, like every time in the store.
        """
        return self._snapshot(
            ["retrieved_at < ?"],
            [_utc_naive(retrieved_before)],
            indicators,
            areas,
            sexes,
            up_to_period,
        )

    def _snapshot(
        self,
        where: list[str],
        params: list[Any],
        indicators: Iterable[str] | str | None,
        areas: Iterable[str] | str | None,
        sexes: Iterable[str] | str | None,
        up_to_period: str | int | None,
    ) -> pd.DataFrame:
        sql, all_params = _latest_versions(
            where, params, indicators=indicators, areas=areas, sexes=sexes, up_to=up_to_period
        )
        frame = self._con.execute(f"SELECT {_TIDY} FROM ({sql}) ORDER BY {_KEY}", all_params).df()
        return conform(frame)

    def revisions(
        self, indicator: str | None = None, *, fetch_id: int | None = None
    ) -> pd.DataFrame:
        """One row per change of a stored key: its old and new value, status, source, vintage.

        `change` is "deleted" when the source withdrew the key, else "revised" (a key
        coming back after deletion is a revision from status "deleted"). `fetch_id`
        keeps the changes one fetch made.
        """
        where, params = ["true"], []
        if indicator is not None:
            where.append("indicator = ?")
            params.append(indicator)
        frame = self._con.execute(
            f"""SELECT {_KEY}, source, old_source, old_value, old_status, value AS new_value,
                       status AS new_status, old_retrieved_at, retrieved_at AS new_retrieved_at,
                       old_fetch_id::BIGINT AS old_fetch_id, fetch_id::BIGINT AS new_fetch_id,
                       CASE WHEN status = '{DELETED}' THEN 'deleted' ELSE 'revised' END
                           AS change
                FROM (SELECT *, lag(value) OVER w AS old_value, lag(status) OVER w AS old_status,
                             lag(source) OVER w AS old_source,
                             lag(retrieved_at) OVER w AS old_retrieved_at,
                             lag(fetch_id) OVER w AS old_fetch_id
                      FROM observations WHERE {" AND ".join(where)}
                      WINDOW w AS (PARTITION BY {_KEY} ORDER BY fetch_id))
                WHERE old_fetch_id IS NOT NULL AND (? IS NULL OR fetch_id = ?)
                ORDER BY new_fetch_id, {_KEY}""",
            [*params, fetch_id, fetch_id],
        ).df()
        return _typed(
            frame,
            strings=(
                "indicator",
                "area",
                "period",
                "sex",
                "source",
                "old_source",
                "old_status",
                "new_status",
                "change",
            ),
            floats=("old_value", "new_value"),
            times=("old_retrieved_at", "new_retrieved_at"),
            ints=("old_fetch_id", "new_fetch_id"),
        )

    def fetches(self) -> pd.DataFrame:
        """Every recorded fetch with its label, times and WriteSummary counts."""
        frame = self._con.execute("SELECT * FROM fetches ORDER BY fetch_id").df()
        return _typed(
            frame,
            strings=("label",),
            times=("started_at", "finished_at"),
            ints=(
                "fetch_id",
                "new",
                "revised",
                "unchanged",
                "deleted",
                "raw_archived",
                "raw_stored",
            ),
        )

    def raw_bodies(self, *, source: str | None = None, fetch_id: int | None = None) -> pd.DataFrame:
        """The archived responses: fetch, source, URL, time, HTTP status, sha256 and sizes."""
        frame = self._con.execute(
            """SELECT r.fetch_id, r.source, r.url, r.retrieved_at, r.status_code, r.sha256,
                      b.size, octet_length(b.body) AS stored_size
               FROM raw_responses r JOIN raw_blobs b USING (sha256)
               WHERE (? IS NULL OR r.source = ?) AND (? IS NULL OR r.fetch_id = ?)
               ORDER BY r.fetch_id, r.retrieved_at, r.url""",
            [source, source, fetch_id, fetch_id],
        ).df()
        return _typed(
            frame,
            strings=("source", "url", "sha256"),
            times=("retrieved_at",),
            ints=("fetch_id", "status_code", "size", "stored_size"),
        )

    def raw_body(self, sha256: str) -> bytes:
        """The archived body with this sha256, decompressed and checked against the hash."""
        row = self._con.execute(
            "SELECT body FROM raw_blobs WHERE sha256 = ?", [sha256.lower()]
        ).fetchone()
        if row is None:
            raise StoreError(f"The store {self.path} has no raw body with sha256 {sha256}.")
        body = zlib.decompress(row[0])
        if hashlib.sha256(body).hexdigest() != sha256.lower():
            raise StoreError(f"The archived body {sha256} in {self.path} is corrupt.")
        return body

    def last_requested(self, source: str, indicator: str, areas: Iterable[str]) -> datetime | None:
        """When a fetch last asked `source` for `indicator` on all of `areas` (or None).

        A source's change feed (Kolada's `from_date`) is only complete from that moment
        for what was asked then; anything asked for the first time needs a full fetch.
        """
        found = _scalar(
            self._con,
            """SELECT max(f.started_at) FROM requested r JOIN fetches f USING (fetch_id)
               WHERE r.source = ? AND r.indicator = ? AND list_has_all(r.areas, ?)""",
            [source, indicator, sorted(areas)],
        )
        return found.replace(tzinfo=UTC) if found is not None else None

    def imports_since(self, collaboration: str, since: datetime) -> list[dict[str, Any]]:
        """Workbooks imported for a collaboration after `since` (UTC), oldest first."""
        cursor = self._con.execute(
            """SELECT import_id, actor, period, file_name, imported_at FROM imports
               WHERE collaboration = ? AND imported_at > ? ORDER BY import_id""",
            [collaboration, _utc_naive(since)],
        )
        columns = [description[0] for description in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def imported_answers(
        self, collaboration: str
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The current (not replaced) imported assessments and actions of a collaboration.

        Rows are dicts with the table's columns; an action has one current row per period
        it was answered for.
        """
        found = []
        for table in ("imported_assessments", "imported_actions"):
            cursor = self._con.execute(
                f"""SELECT * EXCLUDE (replaced_at, replaced_by) FROM {table}
                    WHERE collaboration = ? AND replaced_at IS NULL ORDER BY import_id""",
                [collaboration],
            )
            columns = [description[0] for description in cursor.description]
            found.append([dict(zip(columns, row, strict=True)) for row in cursor.fetchall()])
        return found[0], found[1]

    def vintage(self, indicators: Iterable[str] | str | None = None) -> dict[str, Any]:
        """Which data a report used, JSON-ready, for its manifest.

        Per source: how many current observations it supplies, the fetches those values
        come from, and the last fetch that returned data from it (even if unchanged).
        """
        sql, params = _latest_versions([], [], indicators=indicators)
        used = self._con.execute(
            f"""SELECT source, count(*), list(DISTINCT fetch_id ORDER BY fetch_id)
                FROM ({sql}) GROUP BY source""",
            params,
        ).fetchall()
        where, cover_params = _list_filter("indicator", indicators)
        seen = self._con.execute(
            f"""SELECT source, max(fetch_id), max(last_retrieved_at) FROM coverage
                WHERE {where} GROUP BY source""",
            cover_params,
        ).fetchall()
        sources: dict[str, dict[str, Any]] = {
            source: {
                "observations": 0,
                "fetch_ids": [],
                "last_fetch_id": last_id,
                "last_fetch_at": last_at.replace(tzinfo=UTC).isoformat(),
            }
            for source, last_id, last_at in seen
        }
        for source, count, fetch_ids in used:
            # Every written row is covered, so `seen` names each source `used` does.
            sources[source].update(observations=count, fetch_ids=[int(f) for f in fetch_ids])
        return {
            "store": str(self.path),
            "schema_version": SCHEMA_VERSION,
            "last_fetch_id": _scalar(self._con, "SELECT max(fetch_id) FROM fetches"),
            "sources": dict(sorted(sources.items())),
        }


def _acquire_lock(path: Path, timeout: float) -> FileLock:
    """Take `<store>.lock`, creating the store's directory if needed."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Not thread-local: a store may be opened in one thread and closed in another.
        lock = FileLock(lock_path, thread_local=False)
        lock.acquire(timeout=timeout)
    except Timeout:
        raise StoreLocked(
            f"Another collab run is writing to the store {path}; gave up after waiting "
            f"{timeout:g} s for {lock_path}."
        ) from None
    except OSError as exc:
        raise StoreError(f"Cannot create the lock file {lock_path}: {exc.strerror}.") from None
    return lock


def _connect(path: Path, read_only: bool, deadline: float) -> duckdb.DuckDBPyConnection:
    """Connect, waiting until `deadline` while another process has the file open."""
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            message = str(exc)
            if "Could not set lock" in message and time.monotonic() < deadline:
                time.sleep(0.1)
                continue
            if "Could not set lock" in message:
                raise StoreLocked(
                    f"Another collab run has the store {path} open for writing; gave up "
                    "waiting for it to finish."
                ) from None
            if "not a valid DuckDB database" in message:
                raise StoreError(f"The file {path} is not a DuckDB database.") from None
            raise StoreError(f"Cannot open the store {path}: {message}") from None
        except duckdb.Error as exc:
            raise StoreError(f"Cannot open the store {path}: {exc}") from None
    if not read_only:
        # Without this DuckDB writes large uncommitted inserts into the file, so a rolled
        # back write() would leave the file changed (free blocks, a bigger file).
        con.execute("SET enable_optimistic_write = false")
    return con


class _NeedsUpgrade(CollabError):
    """A reader found an older schema; the store must be migrated by a writer first."""


def _prepare_schema(con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
    """Check the schema version and, when writable, run the migrations it lacks."""
    tables = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main'"
        ).fetchall()
    }
    if "schema_version" in tables:
        version = _scalar(con, "SELECT max(version) FROM schema_version") or 0
    elif tables:
        raise StoreError(f"The DuckDB database {path} is not a collab-metrics store.")
    else:
        version = 0
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"The store {path} has schema version {version}, written by a newer collab-metrics "
            f"that this one (schema version {SCHEMA_VERSION}) cannot read; upgrade collab-metrics."
        )
    if version == SCHEMA_VERSION:
        return
    if read_only:
        raise _NeedsUpgrade(version)
    con.begin()
    try:
        for number in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _MIGRATIONS[number - 1]:
                con.execute(statement)
            con.execute("INSERT INTO schema_version VALUES (?, ?)", [number, _now()])
        con.commit()
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.rollback()
        raise


def _latest_versions(
    where: list[str],
    params: list[Any],
    *,
    indicators: Iterable[str] | str | None = None,
    areas: Iterable[str] | str | None = None,
    sexes: Iterable[str] | str | None = None,
    up_to: str | int | None = None,
) -> tuple[str, list[Any]]:
    """SQL for the latest non-deleted version of each key among versions matching `where`.

    Key filters go before the window: they keep or drop all versions of a key alike.
    """
    clauses, all_params = list(where), list(params)
    for column, wanted in (("indicator", indicators), ("area", areas), ("sex", sexes)):
        clause, clause_params = _list_filter(column, wanted)
        clauses.append(clause)
        all_params += clause_params
    if up_to is not None:
        year = str(up_to)
        if not re.fullmatch(r"\d{4}", year):
            raise ValueError(f"up_to_period must be a four-digit year, not {up_to!r}")
        clauses.append("substr(period, 1, 4) <= ?")
        all_params.append(year)
    sql = f"""SELECT * FROM (
            SELECT * FROM observations WHERE {" AND ".join(clauses) or "true"}
            QUALIFY row_number() OVER (PARTITION BY {_KEY} ORDER BY fetch_id DESC) = 1)
        WHERE status <> '{DELETED}'"""
    return sql, all_params


def _list_filter(column: str, wanted: Iterable[str] | str | None) -> tuple[str, list[Any]]:
    """A WHERE clause keeping rows whose `column` is in `wanted` (a lone string is one value)."""
    if wanted is None:
        return "true", []
    values = [wanted] if isinstance(wanted, str) else list(wanted)
    return f"list_contains(?::VARCHAR[], {column})", [values]


def _insert_frame(con: duckdb.DuckDBPyConnection, sql: str, frame: pd.DataFrame) -> None:
    """Run `sql`, which reads the pandas frame `frame` as the view _frame."""
    con.register("_frame", frame)
    try:
        con.execute(sql)
    finally:
        con.unregister("_frame")


def _typed(
    frame: pd.DataFrame,
    *,
    strings: Iterable[str] = (),
    floats: Iterable[str] = (),
    times: Iterable[str] = (),
    ints: Iterable[str] = (),
) -> pd.DataFrame:
    """Give query results the tidy frame's dtypes, also when they have no rows."""
    for column in strings:
        frame[column] = frame[column].astype("string")
    for column in floats:
        frame[column] = frame[column].astype("float64")
    for column in times:
        frame[column] = pd.to_datetime(frame[column], utc=True).astype("datetime64[us, UTC]")
    for column in ints:
        frame[column] = frame[column].astype("int64")
    return frame


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    row = con.execute(sql, params or []).fetchone()
    return None if row is None else row[0]


def _keys(rows: list[tuple[Any, ...]]) -> str:
    return ", ".join("/".join(str(part) for part in row) for row in rows)


def _utc_naive(moment: datetime) -> datetime:
    """`moment` in UTC without a time zone, as stored; a naive `moment` is taken as UTC."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
