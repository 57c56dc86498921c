"""Every limit on what users send in, declared once (README: "Limits and safety").

Returned workbooks, framework files and their includes, and actor files come from
people outside the project. Each limit keeps one such file from costing minutes,
gigabytes or a report nobody can print; past it the input is refused with a message naming
the file, where in it, and the limit. `read_regular` reads a file only when it is a
regular file and not larger than its limit: `/dev/zero` or a named pipe is refused before
a byte is read.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from collab_metrics.errors import CollabError

# --- a returned workbook (collab collect import) ----------------------------------------
WORKBOOK_BYTES: Final = 5 * 1024 * 1024  # a filled-in template is a few dozen kB
WORKBOOK_UNPACKED_BYTES: Final = 10 * 1024 * 1024  # the zip's entries together, unpacked
SHEET_XML_BYTES: Final = 2 * 1000 * 1000  # one sheet's XML, unpacked: parsing time per cell
WORKBOOK_ROWS: Final = 500  # rows read per sheet; the template has goals, actions + 20, 100
WORKBOOK_CELLS: Final = 20_000  # non-empty cells read in the whole workbook
CELL_TEXT: Final = 4_000  # characters in one cell (a justification of about a page)
ACTIONS_PER_ACTOR_PERIOD: Final = 100  # actions one workbook (actor and period) may hold

# --- framework files ---------------------------------------------------------------------
FRAMEWORK_BYTES: Final = 2 * 1024 * 1024  # the framework file and each included file
INCLUDED_FILES: Final = 50  # files named by `assessments:` and `actions:` together
TITLE_TEXT: Final = 300  # a goal's, indicator's or actor's title or name
YEAR_RANGE: Final = (1950, 2100)  # baseline, target and series-break years, periods
DUE_RANGE: Final = (2000, 2100)  # years of an action's due date (the template's check too)

# --- actor files (source: file) ----------------------------------------------------------
ACTOR_FILE_BYTES: Final = 50 * 1024 * 1024

# --- a report -------------------------------------------------------------------------
PDF_EXPORT_SECONDS: Final = 180  # one PDF (the joint report takes about 2 s)


class NotRegularFile(CollabError, OSError):
    """A path that is a device, a pipe, a socket or a directory instead of a file."""


def read_regular(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of `path`, refusing anything but a regular file of at most `limit` bytes.

    The file is opened without blocking (a named pipe would otherwise wait for a writer
    forever) and checked through the open descriptor, so it cannot be swapped in between.
    Raises NotRegularFile or ValueError (too large) with a message for the user, or
    OSError when it cannot be read.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"{path} is not a regular file; a {what} must be one")
        if info.st_size > limit:
            raise ValueError(f"the {what} is {_size(info.st_size)}; the limit is {_size(limit)}")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            body = handle.read(limit + 1)
    finally:
        os.close(descriptor)
    if len(body) > limit:  # it grew while being read
        raise ValueError(f"the {what} is larger than the limit of {_size(limit)}")
    return body


def check_regular(path: Path, what: str = "file") -> None:
    """Raise NotRegularFile unless `path` is a regular file (for readers given a path)."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(f"{path} is not a regular file; a {what} must be one")


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} kB"


@contextlib.contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise TimeoutError when the block runs longer than `seconds`.

    A timer signal interrupts even a long pure-Python computation (WeasyPrint laying out
    a huge table). The exception can land where Python swallows it (a finaliser run by the
    garbage collector, a broad `except`), so the timer fires again every 50 ms until it
    ends the block. Signals reach only the main thread; elsewhere the block runs unlimited.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    active = [True]

    def expired(signum: int, frame: object) -> None:
        if active[0]:
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            raise TimeoutError(f"{what} took longer than {seconds:g} s, the limit")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        active[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
