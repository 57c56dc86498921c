"""Fit a table of text to the terminal: no row wraps, long text ends in an ellipsis.

`collab status` shows eleven columns; in a 80- or 110-column terminal a wrapping table
breaks titles mid-word and turns each goal into several lines. Here columns are kept in
order of importance while they fit, text columns are cut with "…", and the columns left
out are named so the reader knows to use `--wide` or the CSV/JSON/xlsx (which keep all).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table

# Each column costs its text, one space of padding either side and one border.
_PER_COLUMN = 3


@dataclass(frozen=True)
class Column:
    """A column: its header, rank (0 is kept first) and the narrowest useful width for
    text that may be cut (None: never cut, such as numbers and status words)."""

    header: str
    rank: int
    cut_to: int | None = None


def terminal_width() -> int | None:
    """COLUMNS if set, else the terminal's width; None when writing to a file or pipe."""
    text = os.environ.get("COLUMNS", "")
    if text.isdigit() and int(text) > 0:
        return int(text)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def fit(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int
) -> tuple[list[int], dict[int, int]]:
    """Which columns to show (positions, in table order) and their widths, within `width`."""
    natural = [
        max([cell_len(column.header), *(cell_len(row[i]) for row in rows)])
        for i, column in enumerate(columns)
    ]
    least = [
        natural[i] if c.cut_to is None else min(natural[i], max(c.cut_to, 1))
        for i, c in enumerate(columns)
    ]
    shown: list[int] = []
    used = 1  # the left border
    for i in sorted(range(len(columns)), key=lambda i: columns[i].rank):
        if used + least[i] + _PER_COLUMN <= width:
            shown.append(i)
            used += least[i] + _PER_COLUMN
    widths = {i: least[i] for i in shown}
    spare = width - used
    for i in sorted(shown, key=lambda i: columns[i].rank):  # widen cut text by rank
        grow = min(spare, natural[i] - widths[i])
        widths[i] += grow
        spare -= grow
    return sorted(shown), widths


def fitted_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    width: int,
    title: str | None = None,
    caption: str | None = None,
) -> tuple[Table, list[str]]:
    """A rich table whose every row is one line within `width`, and the hidden headers."""
    shown, widths = fit(columns, rows, width)
    grid = Table(title=title, caption=caption)
    for i in shown:
        grid.add_column(
            columns[i].header,
            no_wrap=True,
            overflow="ellipsis",
            width=widths[i],
        )
    for row in rows:
        grid.add_row(*(row[i] for i in shown))
    hidden = [c.header for i, c in enumerate(columns) if i not in shown]
    return grid, hidden
