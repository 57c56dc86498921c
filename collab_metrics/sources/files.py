"""Actor-reported CSV and Excel files, read through a column mapping declared in YAML.

Actors send what their own systems export: Försäkringskassan extracts with area names
and codes in one cell, SCB panels whose municipality codes lost their leading zero,
R-written workbooks, semicolon CSVs with decimal commas. A `FileQuery` says where the
area, period, sex and value are; `read_actor_file` turns the file into the tidy frame and
reports any problem with the file, sheet, row and column the user sees in Excel.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook, WorksheetNotFound

from collab_metrics.errors import InputError
from collab_metrics.model import limits
from collab_metrics.model.queries import FileQuery
from collab_metrics.model.tidy import FetchResult, RawResponse, conform
from collab_metrics.sources import file_cells

SOURCE: Final = "file"


class ActorFileError(InputError, ValueError):
    """A problem in an actor's file, located as the user sees it in Excel or a CSV viewer.

    `row` counts from 1 including the header row; `column` is the header name and
    `column_letter` its Excel letter (None for CSV files).
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        column_letter: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.column_letter = column_letter
        where = [file]
        if sheet is not None:
            where.append(f"sheet {sheet!r}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(
                f"column {column_letter} ({column})" if column_letter else f"column {column!r}"
            )
        super().__init__(f"{', '.join(where)}: {reason}")


@dataclass
class _Table:
    """The cells of one sheet or CSV file, with the row numbers the user sees."""

    file: str
    sheet: str | None
    excel: bool
    header_row: int
    header: list[str]
    rows: list[tuple[int, list[file_cells.Cell]]]

    def error(
        self, reason: str, *, row: int | None = None, column: int | None = None
    ) -> ActorFileError:
        """An ActorFileError located in this table (column is a 0-based position)."""
        return ActorFileError(
            reason,
            file=self.file,
            sheet=self.sheet,
            row=row,
            column=None if column is None else self.header[column],
            column_letter=file_cells.letter(column) if self.excel and column is not None else None,
        )


def read_actor_file(query: FileQuery, *, data_dir: Path, indicator: str) -> FetchResult:
    """The tidy observations in an actor's file, for the framework indicator `indicator`.

    retrieved_at is the file's modification time: re-reading an unchanged file yields the
    same vintage, and a file the actor replaced yields a new one. The file's bytes go into
    `raw` so the store can archive exactly what the actor sent.
    """
    path = data_dir / query.path
    if not path.is_file():
        raise ActorFileError(
            f"file not found at {path.resolve()}; paths are relative to the data directory "
            f"{data_dir.resolve()}",
            file=query.path,
        )
    try:
        body = limits.read_regular(path, limits.ACTOR_FILE_BYTES, "actor file")
    except ValueError as exc:
        raise ActorFileError(str(exc), file=query.path) from None
    table = _read_excel(query, path) if query.is_excel else _read_csv(query, body)
    rows = _filtered(table, query)
    observations = _observations(table, rows, query)
    retrieved_at = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    frame = pd.DataFrame(observations, columns=["area", "period", "sex", "value", "status"]).assign(
        indicator=indicator, source=SOURCE, retrieved_at=retrieved_at
    )
    raw = RawResponse(
        source=SOURCE, url=path.resolve().as_uri(), body=body, retrieved_at=retrieved_at
    )
    return FetchResult(frame=conform(frame), raw=[raw])


def _read_excel(query: FileQuery, path: Path) -> _Table:
    """The chosen sheet's cells, typed as Excel stores them (numbers stay numbers)."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except CalamineError as err:
        raise ActorFileError(f"not a readable Excel file ({err})", file=query.path) from err
    names = workbook.sheet_names
    sheet = query.sheet if query.sheet is not None else 0
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise ActorFileError(
                f"there is no sheet number {sheet} (counting from 0); sheets are: "
                f"{', '.join(map(repr, names))}",
                file=query.path,
            )
        sheet = names[sheet]
    try:
        # skip_empty_area=False keeps empty leading rows and columns, so that positions
        # are Excel's own: list index 0 is row 1 and column A.
        cells = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except WorksheetNotFound:
        raise ActorFileError(
            f"there is no sheet {sheet!r}; sheets are: {', '.join(map(repr, names))}",
            file=query.path,
        ) from None
    return _table(query, sheet, cells, excel=True)


def _read_csv(query: FileQuery, body: bytes) -> _Table:
    """The CSV file's cells as text, decoded with the declared encoding."""
    # utf-8-sig also reads plain UTF-8, and drops the byte-order mark Excel writes.
    codec = "utf-8-sig" if query.encoding == "utf-8" else query.encoding
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as err:
        row = body[: err.start].count(b"\n") + 1
        raise ActorFileError(
            f"the bytes {body[err.start : err.end]!r} are not {query.encoding}; "
            "files saved by Swedish Excel usually need encoding: cp1252",
            file=query.path,
            row=row,
        ) from None
    lines = text.splitlines()[query.skip_rows :]
    header = next((line for line in lines if line.strip()), "")
    delimiter = query.delimiter or _sniff_delimiter(header)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        cells = list(reader)
    except csv.Error as err:
        raise ActorFileError(
            f"not readable as CSV ({err})", file=query.path, row=reader.line_num
        ) from None
    return _table(query, None, cells, excel=False)


def _sniff_delimiter(header: str) -> str:
    """The most frequent of ';' ',' and tab in the header line (',' when none occurs)."""
    return max((";", ",", "\t"), key=lambda d: (header.count(d), d == ","))


def _table(
    query: FileQuery, sheet: str | None, cells: Sequence[Sequence[file_cells.Cell]], *, excel: bool
) -> _Table:
    """Split raw cells into header and numbered data rows, dropping blank rows."""
    numbered = [
        (number, row) for number, row in enumerate(cells, start=1) if number > query.skip_rows
    ]
    numbered = [
        (number, row) for number, row in numbered if any(file_cells.cell_text(c) for c in row)
    ]
    if not numbered:
        raise ActorFileError(
            "the file has no rows below the skipped ones", file=query.path, sheet=sheet
        )
    header_row, header_cells = numbered[0]
    width = max(len(row) for _, row in numbered)
    header = [file_cells.cell_text(c) for c in header_cells] + [""] * (width - len(header_cells))
    rows = [(number, list(row) + [None] * (width - len(row))) for number, row in numbered[1:]]
    return _Table(query.path, sheet, excel, header_row, header, rows)


def _column(table: _Table, name: str, role: str) -> int:
    """The position of the column `name` (mapped as `role`), with a helpful error if absent."""
    key = file_cells.label_key(name)
    matches = [i for i, header in enumerate(table.header) if file_cells.label_key(header) == key]
    if len(matches) == 1:
        return matches[0]
    if matches:
        where = " and ".join(file_cells.letter(i) if table.excel else str(i + 1) for i in matches)
        raise table.error(
            f"{role} column {name!r} occurs more than once (columns {where}); rename one",
            row=table.header_row,
        )
    headers = [h for h in table.header if h]
    close = difflib.get_close_matches(name, headers, n=1, cutoff=0.6)
    hint = (
        f"; did you mean {close[0]!r}?"
        if close
        else f" (the header was taken from row {table.header_row}; skip_rows skips rows above it)"
    )
    raise table.error(
        f"no {role} column {name!r}; columns are: {', '.join(map(repr, headers))}{hint}",
        row=table.header_row,
    )


def _filtered(table: _Table, query: FileQuery) -> list[tuple[int, list[file_cells.Cell]]]:
    """The data rows that pass every filter of the query."""
    rows = table.rows
    for name, wanted in query.filters.items():
        position = _column(table, name, "filter")
        kept = [
            (n, row)
            for n, row in rows
            if file_cells.label_key(file_cells.cell_text(row[position]))
            == file_cells.label_key(str(wanted))
        ]
        if not kept:
            present = sorted({file_cells.cell_text(row[position]) for _, row in rows})
            earlier = " among the rows the earlier filters keep" if rows is not table.rows else ""
            raise table.error(
                f"no row has {str(wanted)!r}{earlier}; values are: "
                f"{', '.join(map(repr, present[:15]))}",
                column=position,
            )
        rows = kept
    return rows


def _observations(
    table: _Table, rows: list[tuple[int, list[file_cells.Cell]]], query: FileQuery
) -> list[tuple[str, str, str, float, str]]:
    """One (area, period, sex, value, status) per row, checking every cell on the way."""
    mapped = query.columns
    at = {
        role: _column(table, name, role)
        for role, name in mapped.model_dump().items()
        if name is not None
    }
    declared = {} if query.sex_labels is None else query.sex_labels.model_dump()
    sex_labels = {
        file_cells.label_key(label): (sex, label) for sex, label in declared.items() if label
    }
    area_codes: dict[str, str] = {}
    seen: dict[tuple[str, str, str], tuple[int, list[file_cells.Cell]]] = {}
    result = []
    for number, row in rows:
        try:
            if query.area is not None:
                area = query.area
            else:
                text = file_cells.cell_text(row[at["area"]])
                if text not in area_codes:
                    area_codes[text] = file_cells.located(
                        file_cells.area, row, at["area"], query.area_codes
                    )
                area = area_codes[text]
            if "period" in at:
                period = file_cells.located(file_cells.period, row, at["period"])
            else:
                period = file_cells.located(file_cells.year, row, at["year"])
                if "month" in at:
                    period += f"-{file_cells.located(file_cells.month, row, at['month']):02d}"
            sex = (
                "total"
                if "sex" not in at
                else file_cells.located(file_cells.sex, row, at["sex"], sex_labels)
            )
            value, status = file_cells.located(file_cells.value, row, at["value"], query.decimal)
            key = (area, period, sex)
            if key in seen:
                raise file_cells.CellError(
                    _duplicate(table, seen[key], row, key, at["value"]), None
                )
        except file_cells.CellError as err:
            raise table.error(err.reason, row=number, column=err.column) from None
        seen[key] = (number, row)
        result.append((area, period, sex, value, status))
    return result


def _duplicate(
    table: _Table,
    first: tuple[int, list[file_cells.Cell]],
    row: list[file_cells.Cell],
    key: tuple[str, str, str],
    value_at: int,
) -> str:
    """Why a second row for the same area, period and sex is refused, and how to fix it."""
    # The columns other than the value that tell the two rows apart are the ones to filter on.
    differ = [
        repr(table.header[i])
        for i, (a, b) in enumerate(zip(first[1], row, strict=True))
        if i != value_at and file_cells.cell_text(a) != file_cells.cell_text(b)
    ]
    hint = f" (they differ in {', '.join(differ[:4])})" if differ else ""
    area, period, sex = key
    return (
        f"area {area}, period {period}, sex {sex} already came in row {first[0]}; "
        f"add a filter so that one row remains{hint}"
    )
