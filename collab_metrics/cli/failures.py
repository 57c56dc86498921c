"""One specific line for failures of the machine rather than of the input.

A full disk, a folder the run may not write to and a damaged store each have a cause the
user can act on; a generic "OSError: [Errno 28]" or a DuckDB internal message hides it.
`describe` names the cause, the file and what to do, plus an event name for `--log-json`.
"""

from __future__ import annotations

import errno

import duckdb

UNTOUCHED = "the store and the last good report are untouched"


def describe(exc: BaseException) -> tuple[str, str] | None:
    """(event, one-line message) for a known machine failure, else None."""
    text = str(exc)
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "No space left" in text:
        filename = getattr(exc, "filename", None)
        where = f" while writing {filename}" if filename else ""
        return "disk_full", f"the disk is full{where}; free some space and run again ({UNTOUCHED})"
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        cause = "is on a read-only file system" if exc.errno == errno.EROFS else "is not writable"
        return "not_writable", (
            f"{exc.filename or 'the output folder'} {cause}; choose another folder with --out "
            f"or fix its permissions ({UNTOUCHED})"
        )
    damaged = ("corrupt", "checksum", "could not read enough bytes", "invalid block")
    if isinstance(exc, duckdb.IOException | duckdb.SerializationException) or (
        isinstance(exc, duckdb.Error) and any(word in text.lower() for word in damaged)
    ):
        first = text.splitlines()[0] if text else type(exc).__name__
        return "store_corrupt", (
            f"the store is damaged and cannot be read ({first}); restore it from a backup or "
            "fetch into a new store with --store (nothing was written to it)"
        )
    return None
