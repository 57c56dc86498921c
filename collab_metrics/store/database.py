"""The DuckDB observation store: every fetch is a vintage and nothing is ever overwritten.

A report must be reproducible months later and must be able to say what changed since the
last one, so the store keeps every version of every observation. The key of an
observation is (indicator, area, period, sex); `observations` holds one row per *version*
of a key, tagged with the fetch that produced it. A fetch that brings a different value or
status for a key adds a version (a revision); one that brings the same value adds nothing;
a source withdrawing a key adds a version with status "deleted". The current state is the
latest version of each key, and the state at any earlier fetch or time is the latest
version up to it.

The parts: `vintages` (observations, writes and reads), `revisions`, `raw` (the raw
archive), `answers` (imported workbooks), `schema` (tables and migrations),
`connection` (lock, connection, transactions), `sql` (shared SQL pieces). Times are stored
as UTC without a time zone and returned as UTC-aware pandas timestamps.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Final, Self

from collab_metrics.store.answers import Answers
from collab_metrics.store.connection import StoreError, acquire_lock, connect
from collab_metrics.store.revisions import Revisions
from collab_metrics.store.schema import NeedsUpgrade, prepare_schema
from collab_metrics.store.vintages import Vintages

ENV_VAR: Final = "COLLAB_STORE"
DEFAULT_PATH: Final = Path("data") / "store.duckdb"


def default_store_path() -> Path:
    """$COLLAB_STORE if set, else data/store.duckdb relative to the current directory."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_PATH).expanduser()


class Store(Vintages, Revisions, Answers):
    """An open observation store; get one with Store.open() and use it as a context manager."""

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
        lock = None if read_only else acquire_lock(store_path, timeout)
        try:
            con = connect(store_path, read_only, deadline)
            try:
                prepare_schema(con, store_path, read_only)
            except NeedsUpgrade:
                # A store written by an earlier collab-metrics: migrate it once (as a
                # writer, under the lock), then read. This is the only time a reader
                # changes the file.
                con.close()
                cls.open(store_path, timeout=timeout).close()
                con = connect(store_path, read_only, deadline)
                prepare_schema(con, store_path, read_only)
            except BaseException:
                con.close()
                raise
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return cls(store_path, con, lock)
