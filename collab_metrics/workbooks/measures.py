"""The actors' own figures: read from the measures sheet, checked, and turned into tidy
observations of the indicators' series (source "collect")."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final

import pandas as pd

from collab_metrics.model import areas, limits
from collab_metrics.model.framework import Actor, Framework
from collab_metrics.model.tidy import COLUMNS, conform
from collab_metrics.store import Store
from collab_metrics.text.labels import SEX
from collab_metrics.workbooks.layout import SOURCE, reported_measures
from collab_metrics.workbooks.reading import Reader, choice, shown


@dataclass(frozen=True)
class Measure:
    indicator: str
    area: str
    period: str
    sex: str
    value: float


_MEASURE_PERIOD: Final = re.compile(r"(?P<year>[0-9]{4})(?:(?:-|M)(?P<month>[0-9]{1,2}))?")


def read_measures(fw: Framework, reader: Reader, actor: Actor) -> list[Measure]:
    """Every filled-in row of the measures sheet; a key given twice is a problem."""
    reported = {i.id: i for i in reported_measures(fw, actor.id)}
    found: list[Measure] = []
    first_row: dict[tuple[str, str, str, str], int] = {}
    for row in reader.rows():
        if reader.blank(row, reader.editable):
            continue
        before = len(reader.problems)
        indicator = reader.text(row, "indicator")
        if indicator not in reported:
            listed = ", ".join(repr(i) for i in reported)
            unknown = shown(indicator, reader.words)
            reader.problem(
                row, "indicator", reader.say("not_a_measure", value=unknown, listed=listed)
            )
        area = _measure_area(reader, row)
        period = _measure_period(reader, row)
        sex = choice(reader, row, "sex", SEX) or "total"
        if indicator in reported and sex != "total" and "sex" not in reported[indicator].breakdowns:
            reader.problem(row, "sex", reader.say("measure_without_sexes", measure=indicator))
        value = _measure_value(reader, row)
        if len(reader.problems) > before:
            continue
        assert area is not None and period is not None and value is not None
        key = (indicator, area, period, sex)
        if key in first_row:
            again = {"measure": indicator, "area": area, "period": period, "sex": sex}
            reader.problem(
                row, "value", reader.say("measure_repeated", row=first_row[key], **again)
            )
            continue
        first_row[key] = row
        found.append(Measure(indicator, area, period, sex, value))
    return found


def _measure_area(reader: Reader, row: int) -> str | None:
    """A Kolada code from "0017", "0017 Region Värmland", 17 (leading zeros lost) or a name."""
    value = reader.value(row, "area")
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = int(value)
    text = "" if value is None else str(value)
    if text.isdigit() and len(text) < 4:  # Excel dropped the leading zeros
        text = text.zfill(4)
    code = re.match(r"(\d{4})\b", text)
    try:
        if code:
            return areas.get(code[1]).code
        if not text:
            raise ValueError(reader.say("area_empty"))
        return areas.find_by_name(text).code
    except ValueError as exc:
        reader.problem(row, "area", str(exc))
        return None


def _measure_period(reader: Reader, row: int) -> str | None:
    """A year ("2024") or month ("2024-09"); a date cell gives its month."""
    value = reader.value(row, "period")
    if isinstance(value, datetime | date):
        value = f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value)
    match = _MEASURE_PERIOD.fullmatch(text)
    low, high = limits.YEAR_RANGE
    if match and not low <= int(match["year"]) <= high:
        year = match["year"]
        reader.problem(
            row, "period", reader.say("year_out_of_range", year=year, low=low, high=high)
        )
        return None
    if match and not match["month"]:
        return match["year"]
    if match and 1 <= int(match["month"]) <= 12:
        return f"{match['year']}-{int(match['month']):02d}"
    reader.problem(row, "period", reader.say("not_a_period", value=shown(text, reader.words)))
    return None


def _measure_value(reader: Reader, row: int) -> float | None:
    value = reader.value(row, "value")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if math.isfinite(value):
            return float(value)
    elif isinstance(value, str):
        # A decimal comma, and spaces grouping thousands, as Swedish Excel writes them.
        text = re.sub(r"(?<=\d)[\s\u00a0\u202f](?=\d)", "", value).replace(",", ".")
        if re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", text):
            return float(text)
    reader.problem(row, "value", reader.say("not_a_number", value=shown(value, reader.words)))
    return None


def measure_frame(fw: Framework, measures: Sequence[Measure]) -> pd.DataFrame:
    """The figures as tidy rows of the indicators' series, retrieved now."""
    now = datetime.now(UTC)
    frame = pd.DataFrame(
        {
            "indicator": [fw.series_id(m.indicator) for m in measures],
            "area": [m.area for m in measures],
            "period": [m.period for m in measures],
            "sex": [m.sex for m in measures],
            "value": [m.value for m in measures],
            "status": "",
            "source": SOURCE,
            "retrieved_at": now,
        },
        columns=list(COLUMNS),
    )
    return conform(frame)


def changes_observations(store: Store, frame: pd.DataFrame) -> bool:
    """Whether any figure is new or differs from the store's current value."""
    key = ["indicator", "area", "period", "sex"]
    current = store.current(indicators=sorted(set(frame["indicator"])))
    joined = frame.merge(current[[*key, "value"]], on=key, how="left", suffixes=("", "_stored"))
    return bool((joined["value"] != joined["value_stored"]).any())
