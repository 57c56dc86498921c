"""Observations with vintages: writing a fetch as a new vintage and reading any state back."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import pandas as pd

from collab_metrics.model.tidy import FetchResult, Seam, conform
from collab_metrics.store.connection import StoreError
from collab_metrics.store.raw import RawArchive
from collab_metrics.store.schema import SCHEMA_VERSION
from collab_metrics.store.sql import (
    DELETED,
    KEY,
    SAME_KEY,
    TIDY,
    key_list,
    latest_versions,
    list_filter,
    scalar,
    utc_naive,
    utc_now,
)

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
class Requested:
    """What a fetch asked a source for: one series on some areas."""

    source: str
    indicator: str
    areas: frozenset[str]


class Vintages(RawArchive):
    """Observations with vintages: each write() is a fetch; every state can be read back."""

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

    def _write(
        self, results: Iterable[FetchResult], label: str, started_at: datetime | None
    ) -> WriteSummary:
        con = self._con
        fetch_id = scalar(con, "SELECT coalesce(max(fetch_id), 0) + 1 FROM fetches")
        for table in ("_incoming", "_withdrawn"):
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} {_STAGE_COLUMNS}")
        responses: list[tuple[str, str, datetime, int, str]] = []
        bodies: dict[str, bytes] = {}
        seams: list[Seam] = []
        for result in results:
            seams += result.seams
            self._stage(result.frame, "_incoming")
            self._stage(result.deletions, "_withdrawn")
            for raw in result.raw:
                sha = hashlib.sha256(raw.body).hexdigest()
                bodies.setdefault(sha, raw.body)
                responses.append(
                    (raw.source, raw.url, utc_naive(raw.retrieved_at), raw.status_code, sha)
                )
        self._check_staged()
        counts = self._merge(fetch_id)
        raw_stored = self._archive(fetch_id, responses, bodies)
        for seam in seams:
            con.execute(
                "INSERT INTO seams VALUES (?, ?, ?, ?, ?)",
                [fetch_id, seam.series, seam.period, seam.earlier_table, seam.table],
            )

        finished = utc_now()
        if started_at is None:
            earliest = [
                scalar(con, "SELECT min(retrieved_at) FROM _staged"),
                scalar(con, "SELECT min(retrieved_at) FROM _gone"),
                *(response[2] for response in responses),
            ]
            begun = min((t for t in earliest if t is not None), default=finished)
        else:
            begun = utc_naive(started_at)
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
        incomplete = scalar(
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
                SELECT {KEY}, any_value(value) AS value, any_value(status) AS status,
                       min(source) AS source, min(retrieved_at) AS retrieved_at,
                       count(DISTINCT {{'v': value, 's': status}}) AS variants
                FROM _incoming GROUP BY {KEY}"""
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _gone AS
                SELECT {KEY}, min(source) AS source, min(retrieved_at) AS retrieved_at
                FROM _withdrawn GROUP BY {KEY}"""
        )
        conflicting = con.execute(
            f"SELECT {KEY} FROM _staged WHERE variants > 1 ORDER BY ALL LIMIT 3"
        ).fetchall()
        if conflicting:
            raise ValueError(f"the fetched data gives different values for {key_list(conflicting)}")
        both = con.execute(
            f"SELECT {KEY} FROM _staged SEMI JOIN _gone USING ({KEY}) ORDER BY ALL LIMIT 3"
        ).fetchall()
        if both:
            raise ValueError(f"the fetched data both delivers and withdraws {key_list(both)}")

    def _merge(self, fetch_id: int) -> dict[str, int]:
        """Add a version for every new, changed or withdrawn key; return the counts."""
        con = self._con
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _latest AS
                SELECT {KEY}, value, status, source FROM observations
                SEMI JOIN (SELECT {KEY} FROM _staged UNION ALL SELECT {KEY} FROM _gone)
                    USING ({KEY})
                QUALIFY row_number() OVER (PARTITION BY {KEY} ORDER BY fetch_id DESC) = 1"""
        )
        # The precedence rule for two channels feeding one key (an actor file and a figure
        # corrected through an imported workbook): re-reading a source that brings the
        # same value it brought last time does not revert a newer value from another
        # source; a source bringing a different value than its own last one is a new
        # vintage again and becomes current.
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _own AS
                SELECT {KEY}, source, value, status FROM observations
                SEMI JOIN (SELECT {KEY}, source FROM _staged) USING ({KEY}, source)
                QUALIFY row_number() OVER (PARTITION BY {KEY}, source ORDER BY fetch_id DESC)
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
                FROM _staged a LEFT JOIN _latest b ON {SAME_KEY}
                LEFT JOIN _own o ON a.indicator = o.indicator AND a.area = o.area
                    AND a.period = o.period AND a.sex = o.sex AND a.source = o.source"""
        )
        con.execute(
            f"""INSERT INTO observations SELECT {TIDY}, ? FROM _classified
                WHERE change <> 'unchanged'""",
            [fetch_id],
        )
        deleted = scalar(
            con,
            f"""INSERT INTO observations
                SELECT a.indicator, a.area, a.period, a.sex, NULL, '{DELETED}', a.source,
                       a.retrieved_at, ?
                FROM _gone a JOIN _latest b ON {SAME_KEY} WHERE b.status <> '{DELETED}'""",
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
        if not scalar(self._con, "SELECT count(*) FROM fetches WHERE fetch_id = ?", [fetch_id]):
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
            [utc_naive(retrieved_before)],
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
        sql, all_params = latest_versions(
            where, params, indicators=indicators, areas=areas, sexes=sexes, up_to=up_to_period
        )
        frame = self._con.execute(f"SELECT {TIDY} FROM ({sql}) ORDER BY {KEY}", all_params).df()
        return conform(frame)

    def seams(self, indicators: Iterable[str] | str | None = None) -> list[Seam]:
        """Where each stitched series changes table, as its latest stitching fetch found.

        A series stitched again later (a third table added) is described by that fetch
        alone; series never stitched have none.
        """
        where, params = list_filter("series", indicators)
        rows = self._con.execute(
            f"""SELECT series, period, earlier_table, table_id FROM seams s
                WHERE {where} AND fetch_id = (
                    SELECT max(fetch_id) FROM seams t WHERE t.series = s.series)
                ORDER BY series, period""",
            params,
        ).fetchall()
        return [Seam(*row) for row in rows]

    def last_requested(self, source: str, indicator: str, areas: Iterable[str]) -> datetime | None:
        """When a fetch last asked `source` for `indicator` on all of `areas` (or None).

        A source's change feed (Kolada's `from_date`) is only complete from that moment
        for what was asked then; anything asked for the first time needs a full fetch.
        """
        found = scalar(
            self._con,
            """SELECT max(f.started_at) FROM requested r JOIN fetches f USING (fetch_id)
               WHERE r.source = ? AND r.indicator = ? AND list_has_all(r.areas, ?)""",
            [source, indicator, sorted(areas)],
        )
        return found.replace(tzinfo=UTC) if found is not None else None

    def vintage(self, indicators: Iterable[str] | str | None = None) -> dict[str, Any]:
        """Which data a report used, JSON-ready, for its manifest.

        Per source: how many current observations it supplies, the fetches those values
        come from, and the last fetch that returned data from it (even if unchanged).
        """
        sql, params = latest_versions([], [], indicators=indicators)
        used = self._con.execute(
            f"""SELECT source, count(*), list(DISTINCT fetch_id ORDER BY fetch_id)
                FROM ({sql}) GROUP BY source""",
            params,
        ).fetchall()
        where, cover_params = list_filter("indicator", indicators)
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
            "last_fetch_id": scalar(self._con, "SELECT max(fetch_id) FROM fetches"),
            "sources": dict(sorted(sources.items())),
        }
