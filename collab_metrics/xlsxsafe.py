"""Excel files in and out without surprises: text stays text, reading stays bounded.

Writing: a user's text that starts with `=` (or `+`, `-`, `@`, a tab or a carriage return,
which Excel treats as the start of a formula when typed) is written as a string cell, never
as a formula, in every workbook collab-metrics writes (`as_text`).

Reading a returned workbook (`read_sheets`): openpyxl's read-only mode streams each sheet
row by row, so a single cell at row 1 048 576 costs a fraction of a second instead of
materialising the sheet's declared dimension. Reading stops at the limits of
`collab_metrics.model.limits`; a formula cell is refused with the cell named (its cached value
is whatever the sender's Excel computed, not what the actor typed).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from collab_metrics.errors import CollabError
from collab_metrics.model import limits

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
EXCEL_LAST_ROW: Final = 1_048_576


class UnsafeWorkbook(CollabError, ValueError):
    """A workbook refused before its content was looked at; `problems` are for the user."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def as_text(sheet: Worksheet) -> None:
    """Make every text cell of `sheet` a string cell: no user text becomes a formula.

    openpyxl turns any string starting with "=" into a formula; pandas' `to_excel` and
    plain assignment both go through that. collab-metrics never writes formulas into cells.
    """
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type != "s":
                cell.data_type = "s"


@dataclass
class Grid:
    """The non-empty cells of one sheet, by (row, column), both 1-based."""

    cells: dict[tuple[int, int], Any] = field(default_factory=dict)
    max_row: int = 0

    def value(self, row: int, column: int) -> Any:
        return self.cells.get((row, column))

    def rows(self, columns: int) -> list[tuple[Any, ...]]:
        """Rows 1..max_row as tuples of the first `columns` values."""
        return [
            tuple(self.value(r, c) for c in range(1, columns + 1))
            for r in range(1, self.max_row + 1)
        ]


def read_sheets(body: bytes, name: str, columns: dict[str, int]) -> dict[str, Grid]:
    """The sheets named in `columns` (sheet name -> columns to read), bounded by the limits.

    Sheets the workbook lacks are left out (the caller says which one is missing). Raises
    UnsafeWorkbook when the file is not a workbook, unpacks too large, holds a formula,
    a text longer than limits.CELL_TEXT, rows beyond limits.WORKBOOK_ROWS or more than
    limits.WORKBOOK_CELLS cells.
    """
    _check_zip(body)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(body), read_only=True, data_only=False)
    # openpyxl raises many kinds of errors on damaged files; all mean the same to the user.
    except Exception as exc:
        raise UnsafeWorkbook([f"not a readable Excel workbook ({exc})"]) from None
    try:
        budget = [limits.WORKBOOK_CELLS]
        return {
            sheet: _read_sheet(book[sheet], sheet, width, budget)
            for sheet, width in columns.items()
            if sheet in book.sheetnames
        }
    except UnsafeWorkbook:
        raise
    except Exception as exc:  # damaged XML inside the zip
        raise UnsafeWorkbook([f"not a readable Excel workbook ({exc})"]) from None
    finally:
        book.close()


def _check_zip(body: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise UnsafeWorkbook(
            ["not an Excel workbook (.xlsx); send back the workbook you received"]
        ) from None
    unpacked = sum(entry.file_size for entry in entries)
    for entry in entries:
        # Parsing costs time per cell, also for cells outside the columns read.
        if entry.filename.startswith("xl/worksheets/") and (
            entry.file_size > limits.SHEET_XML_BYTES
        ):
            raise UnsafeWorkbook(
                [
                    f"a sheet ({entry.filename}) unpacks to {entry.file_size / 1e6:.1f} MB; "
                    f"the limit is {limits.SHEET_XML_BYTES / 1e6:.0f} MB per sheet"
                ]
            )
    if unpacked > limits.WORKBOOK_UNPACKED_BYTES:
        raise UnsafeWorkbook(
            [
                f"the workbook unpacks to {unpacked / 1e6:.0f} MB; the limit is "
                f"{limits.WORKBOOK_UNPACKED_BYTES / 1e6:.0f} MB"
            ]
        )


def _read_sheet(sheet: Any, name: str, width: int, budget: list[int]) -> Grid:
    """Stream one sheet's first `width` columns; stop at the first row past the limit."""
    from openpyxl.cell.read_only import EMPTY_CELL
    from openpyxl.utils import get_column_letter

    grid = Grid()
    filler: tuple[Any, ...] | None = None  # openpyxl yields one shared tuple for row gaps
    # max_row given explicitly: the declared dimension may be a lie either way.
    for number, row in enumerate(
        sheet.iter_rows(min_row=1, max_row=EXCEL_LAST_ROW, max_col=width), start=1
    ):
        if row is filler:
            continue
        if all(cell is EMPTY_CELL for cell in row):
            filler = row
            continue
        for column, cell in enumerate(row, start=1):
            value = cell.value
            if value is None or value == "":
                continue
            where = f"sheet {name!r}, cell {get_column_letter(column)}{number}"
            if number > limits.WORKBOOK_ROWS:
                raise UnsafeWorkbook(
                    [
                        f"{where}: the sheet goes on past row {limits.WORKBOOK_ROWS}, the "
                        "limit of rows read from a returned workbook; nothing was imported"
                    ]
                )
            if cell.data_type == "f":
                raise UnsafeWorkbook(
                    [
                        f"{where} holds a formula ({_short(value)}); type the value itself "
                        "(formulas are not imported)"
                    ]
                )
            if isinstance(value, str) and len(value) > limits.CELL_TEXT:
                raise UnsafeWorkbook(
                    [
                        f"{where} holds {len(value)} characters; the limit is "
                        f"{limits.CELL_TEXT} per cell"
                    ]
                )
            budget[0] -= 1
            if budget[0] < 0:
                raise UnsafeWorkbook(
                    [
                        f"{where}: the workbook holds more than {limits.WORKBOOK_CELLS} "
                        "filled-in cells, the limit for a returned workbook"
                    ]
                )
            grid.cells[(number, column)] = value
            grid.max_row = number
    return grid


def _short(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:40] + "…")
