"""Opening a store file: the writer's lock, waiting for other processes, the connection
and its transactions."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Self

import duckdb
from filelock import FileLock, Timeout

from collab_metrics.errors import DataError


class StoreError(DataError):
    """A store that cannot be used as asked; the message is one sentence for the user."""


class StoreLocked(StoreError):
    """Another process is writing to the store and did not finish within the timeout."""


def acquire_lock(path: Path, timeout: float) -> FileLock:
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


def connect(path: Path, read_only: bool, deadline: float) -> duckdb.DuckDBPyConnection:
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


class Connected:
    """An open connection to a store file, with its lock: the base of `Store`'s parts."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, lock: FileLock | None) -> None:
        self.path = path
        self.read_only = lock is None
        self._con = con
        self._lock = lock
        self._in_transaction = False

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

    def _check_writable(self) -> None:
        if self._lock is None:
            raise StoreError(f"The store {self.path} was opened read-only and cannot be written.")
