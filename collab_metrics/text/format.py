"""Formatters: one way each to write a number, share, value with unit, period, date, area
or source for a reader, in Swedish (default) or English.

Swedish writes a decimal comma, thin spaces between thousands, a true minus sign and a
no-break space before "%"; English a decimal point, commas and "12.2%". Missing values
are an en dash, never "nan". The words around the numbers (months, "procentenheter",
source names) come from the catalog (`messages/format.yaml`), so a collaboration can
override them too.

>>> number(10521556, "sv", 0) == "10\u2009521\u2009556"
True
>>> number(-14.25, "sv"), number(-14.25, "en")
('−14,2', '-14.2')
>>> percent(-0.122, "sv"), percent(-0.122, "en")
('−12,2\xa0%', '-12.2%')
>>> value_with_unit(26.94, "dagar", "sv"), value_with_unit(8.4, "%", "en")
('26,9\xa0dagar', '8.4%')
>>> period("2024-09", "sv"), period("2017", "en")
('september 2024', '2017')
"""

from __future__ import annotations

import math
from datetime import date as Date
from typing import Any, Final
from urllib.parse import urlparse

from collab_metrics.model import areas
from collab_metrics.model.periods import POOLED
from collab_metrics.text.catalog import Language, message

THIN_SPACE: Final = "\u2009"
NO_BREAK_SPACE: Final = "\u00a0"
DASH: Final = "–"


def missing(value: Any) -> bool:
    """None, pandas' NA or NaN: shown as an en dash."""
    if value is None or isinstance(value, str):
        return value is None
    try:
        return bool(value != value)  # NaN and pd.NA are not equal to themselves
    except TypeError:  # pd.NA's comparison has no truth value
        return True


def number(value: float | None, language: Language, decimals: int = 1) -> str:
    """A number as readers expect it: "14,2" and "10 521 556" in Swedish, "14.2" in English."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    text = f"{value:,.{decimals}f}"
    if language == "sv":
        return text.replace(",", THIN_SPACE).replace(".", ",").replace("-", "−")
    return text


def percent(fraction: Any, language: Language, decimals: int = 1) -> str:
    """A fraction as a percentage: -0.122 -> "−12,2 %" (sv, no-break space) or "-12.2%";
    a signed relative change is written the same way."""
    if missing(fraction):
        return DASH
    return _with_percent(number(float(fraction) * 100, language, decimals), language)


def share(fraction: Any, language: Language) -> str:
    """A share or probability without decimals: 0.87 -> "87 %" / "87%"."""
    return percent(fraction, language, 0)


def points(value: float, language: Language, decimals: int = 1) -> str:
    """Percentage points: "2,8 procentenheter" / "2.8 percentage points" (a no-break space,
    as before a unit). The sign is
    kept; a sentence that says which way passes the size (`abs`)."""
    return message("format.points", language, number=number(value, language, decimals))


def value_with_unit(value: Any, unit: str, language: Language, *, plain: bool = False) -> str:
    """14,2 % / 26,9 dagar / 1 234 invånare: no decimals from a thousand up; "–" when missing.

    The unit follows a no-break space (a line never separates them); `plain` writes an
    ordinary space instead, for a terminal table whose columns never wrap.
    """
    if missing(value):
        return DASH
    text = number(float(value), language, 0 if abs(value) >= 1000 else 1)
    space = " " if plain else NO_BREAK_SPACE
    if unit.strip() == "%":
        return f"{text}{space}%" if language == "sv" else f"{text}%"
    return f"{text}{space}{unit}" if unit else text


def value_at(value: Any, when: Any, unit: str, language: Language, *, plain: bool = False) -> str:
    """8,4 % (2017): a value with unit and the period it is for."""
    if missing(value):
        return DASH
    shown = value_with_unit(value, unit, language, plain=plain)
    if missing(when) or when == "":
        return shown
    return message("format.value_at", language, value=shown, period=period(str(when), language))


def value_range(low: float, high: float, unit: str, language: Language) -> str:
    """22,3–25,4 dagar: the unit once, after the upper end."""
    decimals = 0 if abs(high) >= 1000 else 1
    return f"{number(float(low), language, decimals)}–{value_with_unit(high, unit, language)}"


def month_name(month: int, language: Language) -> str:
    """The month's name: 9 -> "september" / "September"."""
    return message(f"format.month_{month}", language)


def month_abbreviation(month: int, language: Language) -> str:
    """The month's short name, for chart axes: 9 -> "sep" / "Sep"."""
    return message("format.months_short", language).split()[month - 1]


def short_period(year: int, month: int, language: Language) -> str:
    """A month in a chart: "sep 2024" / "Sep 2024"."""
    return f"{month_abbreviation(month, language)} {year}"


def period(text: str, language: Language) -> str:
    """A period: "2017" as is, "2024-09" as "september 2024", a survey's pooled years
    "2019-2022" as "2019–2022"."""
    year, _, month = str(text).partition("-")
    if not month:
        return year
    if len(month) == 4:
        return f"{year}–{month}"
    return message(
        "format.month_period", language, month=month_name(int(month), language), year=year
    )


def span(first: str, last: str, language: Language) -> str:
    """From one period to another: "2013–2017", "2015–2018 till 2019–2022" (pooled survey
    years, where a dash alone would run the four years together), or one period alone."""
    if first == last:
        return period(first, language)
    if POOLED.fullmatch(str(first)) or POOLED.fullmatch(str(last)):
        return message(
            "format.pooled_span",
            language,
            first=period(first, language),
            last=period(last, language),
        )
    return f"{period(first, language)}–{period(last, language)}"


def date(value: Date, language: Language) -> str:
    """25 november 2026 / 25 November 2026."""
    month = month_name(value.month, language)
    return message("format.date", language, day=value.day, month=month, year=value.year)


def area_name(code: str, language: Language | None = None, *, in_sentence: bool = False) -> str:
    """An area's name from its code. Without a language, the official (Kolada/SCB) name;
    with one, the whole country in that language ("riket" inside a Swedish sentence)."""
    if code == areas.RIKET and language is not None:
        return message("format.riket_in_sentence" if in_sentence else "format.riket", language)
    return areas.get(code).name


def source_name(source: str, language: Language, url: str | None = None) -> str:
    """Where data comes from: Kolada (RKA), its offline snapshot, SCB (any PxWeb host of
    SCB's), another PxWeb host by name, or the actors' own files."""
    if source == "pxweb":
        host = urlparse(url).netloc if url else ""
        if not host or host == "scb.se" or host.endswith(".scb.se"):
            return message("format.source_scb", language)
        return message("format.source_pxweb", language, host=host)
    if source in ("kolada", "ddf", "file"):
        return message(f"format.source_{source}", language)
    return source


def sex(code: str, language: Language) -> str:
    """Totalt / Kvinnor / Män (Total / Women / Men)."""
    return message(f"status.sex_{code}", language)


def _with_percent(text: str, language: Language) -> str:
    return f"{text}{NO_BREAK_SPACE}%" if language == "sv" else f"{text}%"
