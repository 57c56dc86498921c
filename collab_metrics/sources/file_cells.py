"""Reading the cells of an actor's file: areas, periods, months, sexes and values, each
checked and turned into the tidy frame's form, with a reason the user can act on."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any, Final, TypeVar

from collab_metrics.errors import CollabError
from collab_metrics.model import areas
from collab_metrics.model.calendar import month_number
from collab_metrics.model.queries import AreaCodes, label_key

# Cell texts (compared case-insensitively) that mean "no value", mapped onto the reasons
# in tidy.MISSING_REASONS. "." is SCB's sign for "cannot occur"; "#n/a" is what Excel
# shows for a failed look-up; "na" is how R writes a missing value.
MISSING_CODES: Final = {
    "": "missing",
    "..": "missing",
    "-": "missing",
    "–": "missing",
    "na": "missing",
    "n/a": "missing",
    "nan": "missing",
    "#n/a": "missing",
    ".": "not_applicable",
}

_YEAR = re.compile(r"\d{4}")
_YEAR_MONTH = re.compile(r"(?P<year>\d{4})(?:-|M)(?P<month>\d{1,2})")
_CODE_PREFIX = re.compile(r"(?P<code>\d+)\b")
# Spaces (also no-break and thin spaces) that group thousands: "1 234,5".
_GROUPING = re.compile(r"(?<=\d)[\s\u00a0\u202f](?=\d)")
# Plain decimal numbers only: float() would also take "inf", "nan" and "1_000".
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

# What a cell can hold: calamine gives typed Excel cells, the CSV reader gives text.
Cell = str | float | int | bool | date | time | timedelta | None
T = TypeVar("T")


class CellError(CollabError):
    """A bad cell, raised by the cell parsers and located by the caller."""

    def __init__(self, reason: str, column: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.column = column


def located(parse: Callable[..., T], row: list[Cell], column: int, *args: Any) -> T:
    """`parse` applied to one cell, its ValueError turned into a located CellError."""
    try:
        return parse(row[column], *args)
    except ValueError as err:
        raise CellError(str(err), column) from None


def area(cell: Cell, codes: AreaCodes) -> str:
    """The canonical Kolada code of an area cell written as declared in area_codes."""
    text = cell_text(cell)
    if not text:
        raise ValueError("the area is empty")
    if codes == "name":
        return areas.find_by_name(text).code
    if codes == "code_prefix":
        match = _CODE_PREFIX.match(text)
        if match is None:  # Försäkringskassan writes "Riket" but "17 Värmlands län"
            return areas.find_by_name(text).code
        text, codes = match["code"], "scb"
    pattern, convert, written = AREA_SYSTEMS[codes]
    if not pattern.fullmatch(text):
        hint = (
            "; if leading zeros were lost (114 for 0114), use area_codes: no_leading_zero"
            if codes != "no_leading_zero" and text.isdigit()
            else ""
        )
        raise ValueError(f"{text!r} is not {written}{hint}")
    return areas.get(convert(text)).code


AREA_SYSTEMS: Final[dict[str, tuple[re.Pattern[str], Callable[[str], str], str]]] = {
    "kolada": (re.compile(r"\d{4}"), str, "a four-digit Kolada area code"),
    "scb": (re.compile(r"\d{2}|\d{4}"), areas.from_scb, "a two- or four-digit SCB area code"),
    "no_leading_zero": (re.compile(r"\d{1,4}"), areas.from_ddf, "an area code"),
}


def period(cell: Cell) -> str:
    """A year ("2024") or month ("2024-09", "2024M09", "2024-9") as a tidy period."""
    text = cell_text(cell)
    if _YEAR.fullmatch(text):
        return text
    match = _YEAR_MONTH.fullmatch(text)
    if match and 1 <= int(match["month"]) <= 12:
        return f"{match['year']}-{int(match['month']):02d}"
    raise ValueError(f"{text!r} is not a period (write 2024, 2024-09 or 2024M09)")


def year(cell: Cell) -> str:
    """A four-digit year; Excel may store it as the number 2022.0."""
    text = cell_text(cell)
    if not _YEAR.fullmatch(text):
        raise ValueError(f"{text!r} is not a year")
    return text


def month(cell: Cell) -> int:
    """A month number from 1-12, "09" or a Swedish month name."""
    text = cell_text(cell)
    number = int(text) if text.isdigit() else month_number(text) or 0
    if not 1 <= number <= 12:
        raise ValueError(f"{text!r} is not a month (1-12 or a Swedish month name)")
    return number


def sex(cell: Cell, labels: dict[str, tuple[str, str]]) -> str:
    """The tidy sex of a sex cell; `labels` maps compared label -> (tidy sex, file's label)."""
    text = cell_text(cell)
    if label_key(text) in labels:
        return labels[label_key(text)][0]
    listed = ", ".join(f"{sex}: {label!r}" for sex, label in labels.values())
    raise ValueError(f"{text!r} is not one of the sex_labels ({listed})")


def value(cell: Cell, decimal: str) -> tuple[float, str]:
    """The value of a cell and its status: numbers exactly as stored, codes as NaN."""
    if isinstance(cell, bool | date | time | timedelta):
        raise ValueError(f"{cell_text(cell)!r} is not a number")
    if isinstance(cell, int | float):
        return float(cell), ""
    text = cell_text(cell)
    if text.casefold() in MISSING_CODES:
        return math.nan, MISSING_CODES[text.casefold()]
    number = _GROUPING.sub("", text)
    if decimal == ",":
        number = number.replace(",", ".")
    if not _NUMBER.fullmatch(number):
        hint = "; set decimal: ','" if decimal == "." and "," in text else ""
        raise ValueError(f"{text!r} is not a number{hint}")
    return float(number), ""


def cell_text(cell: Cell) -> str:
    """A cell as text: whole numbers without ".0" (Excel stores the year 2022 as 2022.0)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, float):
        return repr(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def letter(column: int) -> str:
    """The Excel column letter of a 0-based position: 0 -> A, 26 -> AA."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
