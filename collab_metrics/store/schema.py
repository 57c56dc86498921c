"""The store's tables and their migrations.

Migration n (1-based) brings a store from schema version n-1 to n.

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

Table added in schema version 3:
  seams           fetch_id, series, period, earlier_table, table_id: where a series stitched
                  from several PxWeb tables passes to the next table (the first period the
                  newer table supplies), recorded with each fetch that stitched it

Tables added in schema version 4, for the resources and priorities sheets of the workbooks:
  imported_contributions  the same for an actor's actual contribution in a year: year,
                          money, staff_fte, in_kind, note
  imported_priorities     the same for the outcome of a priority the actor owns:
                          priority_id, outcome, comment
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Final

import duckdb

from collab_metrics.errors import CollabError
from collab_metrics.store.connection import StoreError
from collab_metrics.store.sql import scalar, utc_now

# Migration n (1-based) brings a store from schema version n-1 to n. Append, never edit.
MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
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
    (
        """CREATE TABLE seams (
            fetch_id INTEGER NOT NULL, series VARCHAR NOT NULL, period VARCHAR NOT NULL,
            earlier_table VARCHAR NOT NULL, table_id VARCHAR NOT NULL)""",
    ),
    (
        """CREATE TABLE imported_contributions (
            import_id INTEGER NOT NULL, collaboration VARCHAR NOT NULL, actor VARCHAR NOT NULL,
            period VARCHAR NOT NULL, year INTEGER NOT NULL, money DOUBLE, staff_fte DOUBLE,
            in_kind VARCHAR NOT NULL, note VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL, file_sha256 VARCHAR NOT NULL,
            imported_at TIMESTAMP NOT NULL, replaced_at TIMESTAMP, replaced_by INTEGER)""",
        """CREATE TABLE imported_priorities (
            import_id INTEGER NOT NULL, collaboration VARCHAR NOT NULL, actor VARCHAR NOT NULL,
            period VARCHAR NOT NULL, priority_id VARCHAR NOT NULL, outcome VARCHAR NOT NULL,
            comment VARCHAR NOT NULL, file_name VARCHAR NOT NULL, file_sha256 VARCHAR NOT NULL,
            imported_at TIMESTAMP NOT NULL, replaced_at TIMESTAMP, replaced_by INTEGER)""",
    ),
)
SCHEMA_VERSION: Final = len(MIGRATIONS)


class NeedsUpgrade(CollabError):
    """A reader found an older schema; the store must be migrated by a writer first."""


def prepare_schema(con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
    """Check the schema version and, when writable, run the migrations it lacks."""
    tables = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main'"
        ).fetchall()
    }
    if "schema_version" in tables:
        version = scalar(con, "SELECT max(version) FROM schema_version") or 0
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
        raise NeedsUpgrade(version)
    con.begin()
    try:
        for number in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[number - 1]:
                con.execute(statement)
            con.execute("INSERT INTO schema_version VALUES (?, ?)", [number, utc_now()])
        con.commit()
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.rollback()
        raise
