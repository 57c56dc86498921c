"""The progress of `collab report`: a bar while documents render, a line when done.

The bar (documents done / total, elapsed, estimated time left) is drawn on standard error
only when that is a terminal: a cron job's log or a CI run gets just the summary line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


@contextmanager
def bar(label: str, console: Console | None = None) -> Iterator[Callable[[int, int], None]]:
    """A `progress(done, total)` callback drawing a bar on `console` (standard error, drawn
    only when it is a terminal). The bar disappears when the block ends."""
    console = console or Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("documents, elapsed"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as shown:
        task = shown.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            shown.update(task, completed=done, total=total)

        yield update


def summary(documents: int, seconds: float, workers: int) -> str:
    """One line: how many documents, how long, on how many workers, seconds per document."""
    minutes, rest = divmod(round(seconds), 60)
    took = f"{minutes} min {rest} s" if minutes else f"{seconds:.1f} s"
    each = seconds / documents if documents else 0.0
    kernels = "1 worker" if workers == 1 else f"{workers} workers"
    return f"rendered {documents} documents in {took} on {kernels} ({each:.2f} s per document)"
