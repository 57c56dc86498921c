"""Words and numbers of the report: values with units, periods, dates, areas, listings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd

from collab_metrics.model import areas
from collab_metrics.text import format as fmt
from collab_metrics.text import labels
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import (
    Language,
)


def _missing(value: Any) -> bool:
    if value is None or isinstance(value, str):
        return value is None
    return bool(pd.isna(value))


def _date(value: date, language: Language) -> str:
    """25 november 2026 / 25 November 2026."""
    return f"{value.day} {labels.MONTHS[language][value.month - 1]} {value.year}"


def _period(period: str, language: Language) -> str:
    """ "2017" as is, "2024-09" as "september 2024", pooled years "2019-2022" as "2019–2022"."""
    return fmt.period(period, language)


def _value(value: Any, unit: str, language: Language) -> str:
    """14,2 % / 26,9 dagar / 1 234 invånare; an en dash when missing."""
    if _missing(value):
        return "–"
    text = labels.number(float(value), language, 0 if abs(value) >= 1000 else 1)
    if unit.strip() == "%":
        return f"{text}\u00a0%" if language == "sv" else f"{text}%"
    return f"{text}\u00a0{unit}"


def _range(low: float, high: float, unit: str, language: Language) -> str:
    """22,3–25,4 dagar: the unit once, after the upper end."""
    decimals = 0 if abs(high) >= 1000 else 1
    return f"{labels.number(float(low), language, decimals)}–{_value(high, unit, language)}"


def _value_at(value: Any, period: Any, unit: str, language: Language) -> str:
    """8,4 % (2017)."""
    if _missing(value):
        return "–"
    shown = _value(value, unit, language)
    return f"{shown} ({_period(str(period), language)})" if not _missing(period) else shown


def _rate(fraction: Any, language: Language) -> str:
    """A signed relative change: −12,2 %."""
    return labels.percent(None if _missing(fraction) else float(fraction), language)


def _share(fraction: Any, language: Language) -> str:
    """A share or probability without decimals: 87 %."""
    return labels.percent(None if _missing(fraction) else float(fraction), language, 0)


def _points(value: float, language: Language) -> str:
    """2,8 procentenheter (unsigned: the sentence says which way)."""
    number = labels.number(abs(value), language)
    return message("report.percentage_points", language, number=number)


def _quote(text: str, language: Language) -> str:
    return f"”{text}”" if language == "sv" else f"“{text}”"


def _area(code: str, language: Language, start: bool = False) -> str:
    """An area's name; riket in lower case inside a Swedish sentence."""
    name = message("report.sweden", language) if code == areas.RIKET else areas.get(code).name
    return name[:1].upper() + name[1:] if start else name


def _listing(items: Sequence[str], language: Language) -> str:
    """a, b och c / a, b and c."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {message('report.and', language)} {items[-1]}"


def _sex_phrase(sex: str, language: Language) -> str:
    return {
        "total": message("report.for_women_and_men_together", language),
        "women": message("report.for_women", language),
        "men": message("report.for_men", language),
    }[sex]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """A title inside a sentence: "Ohälsotal" -> "ohälsotal", but "NEET-andel" as is."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _who(sexes: Sequence[str], language: Language, bare: bool = False) -> str:
    """Whom a statement concerns: nothing for the total alone, else "för kvinnor", or
    "(totalt och för män)". `bare` names the total too ("totalt"), for lists of figures."""
    words = {
        "total": message("report.in_total", language),
        "women": message("report.for_women", language),
        "men": message("report.for_men", language),
    }
    if list(sexes) == ["total"] and not bare:
        return ""
    named = _listing([words[sex] for sex in sexes], language)
    return f" ({named})" if "total" in sexes and not bare else f" {named}"


def _title_in_sentence(title: str, language: Language) -> str:
    """A title inside a running sentence: Swedish writes it in lower case, English keeps it."""
    return _lower_first(title) if language == "sv" else title
