"""How a chart writes its words, numbers, units, times, area and source names.

Every word comes from the message catalog (`text/messages/charts.yaml`); numbers and
percentages from the text layer's formatters, so a chart writes them as the report does.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from collab_metrics.charts.data import Marks
from collab_metrics.model.framework import (
    FileIndicator,
    Framework,
    KoladaIndicator,
    PxWebIndicator,
)
from collab_metrics.text import format as text_format
from collab_metrics.text import labels
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import Language

Indicator = KoladaIndicator | PxWebIndicator | FileIndicator


def word(language: Language, key: str, /, **params: object) -> str:
    """The chart message `key` (`charts.<key>` in the catalog) in `language`."""
    return message(f"charts.{key}", language, **params)


@dataclass(frozen=True)
class Format:
    """How one chart writes numbers, units, times and area names in its language."""

    language: Language
    unit: str
    monthly: bool = False

    def say(self, key: str, /, **params: object) -> str:
        """The chart message `key` in this chart's language."""
        return word(self.language, key, **params)

    def number(self, value: float) -> str:
        """A number as the chart's values are written: no decimals from a thousand up."""
        return text_format.number(value, self.language, 0 if abs(value) >= 1000 else 1)

    def value(self, value: float) -> str:
        """A value with its unit: "14,2 %", "27,0 dagar" (sv); "14.2%" (en)."""
        return text_format.value_with_unit(value, self.unit, self.language)

    def difference(self, value: float) -> str:
        """A difference between two values: shares differ by percentage points."""
        if self.unit.strip() == "%":
            return text_format.points(value, self.language, 0 if abs(value) >= 1000 else 1)
        return self.value(value)

    def time(self, time: float) -> str:
        """2017.0 -> "2017"; in a monthly series 2024.667 -> "sep 2024"."""
        if not self.monthly:
            return str(round(time))
        year, month = divmod(round(time * 12), 12)
        return text_format.short_period(year, month + 1, self.language)

    def span(self, times: list[float]) -> str:
        if not times:
            return ""
        first, last = self.time(times[0]), self.time(times[-1])
        return first if first == last else f"{first}–{last}"

    def area(self, code: str) -> str:
        """The area's name; riket is "Sweden" in English."""
        return text_format.area_name(code, self.language)

    def from_to(self, series: pd.Series, key: str = "from_to") -> str:
        """The message `key` ("från {a} {ya} till {b} {yb}") filled with a series' two ends."""
        if len(series) == 1:
            key = "only"
        return self.say(
            key,
            a=self.value(float(series.iloc[0])),
            ya=self.time(float(series.index[0])),
            b=self.value(float(series.iloc[-1])),
            yb=self.time(float(series.index[-1])),
        )

    def change(self, series: pd.Series) -> str:
        """ "föll från 14,2 % 2013 till 8,4 % 2017": the series' first and last values."""
        first, last = float(series.iloc[0]), float(series.iloc[-1])
        if len(series) == 1:
            return self.say("was", a=self.value(first), ya=self.time(series.index[0]))
        key = "stayed" if self.value(first) == self.value(last) else "fell"
        if key == "fell" and last > first:
            key = "rose"
        return self.from_to(series, key)


def subtitle_text(title: str, unit: str, area: str = "") -> str:
    """ "Ohälsotal (dagar) · Region Värmland"; a comma where the title ends in brackets."""
    shown = f"{title}, {unit}" if title.endswith(")") else f"{title} ({unit})"
    return shown + (f" · {area}" if area else "")


def status_words(marks: Marks, language: Language) -> str:
    """The status in words; without a target, the direction of movement after it, and
    when it cannot be assessed, the reason why (in this chart's language)."""
    status = marks.status if marks.status is not None else "cannot_assess"
    words = labels.STATUS[language][status]
    if status == "":
        words += f": {labels.DIRECTION[language][marks.direction]}"
    elif status == "cannot_assess" and marks.reason:
        words += f": {labels.reason(marks.reason, language, year=marks.break_year or '')}"
    return words


def method_notes(indicator: Indicator, area: str, fmt: Format) -> list[str]:
    return [
        fmt.say("method", note=note.note)
        for note in indicator.method_notes
        if note.areas is None or area in note.areas
    ]


def attribution(fw: Framework, indicator: Indicator, fmt: Format) -> str:
    """Attribution as the README promises: Kolada (RKA), SCB, another PxWeb host by its
    name, or the reporting actor. An indicator's own `url:` names its host."""
    if isinstance(indicator, KoladaIndicator):
        source = text_format.source_name("kolada", fmt.language)
    elif isinstance(indicator, PxWebIndicator):
        url = indicator.query.url or fw.pxweb_url
        source = text_format.source_name("pxweb", fmt.language, url)
    else:
        actor = fw.actor(indicator.reported_by).name if indicator.reported_by else None
        source = fmt.say("own_file", actor=actor or fw.collaboration.owner)
    return fmt.say("source", source=source)


def sentences(*parts: str) -> str:
    """The non-empty parts as sentences, each ending with a full stop."""
    return " ".join(p if p.endswith((".", "!", "?")) else f"{p}." for p in parts if p)
