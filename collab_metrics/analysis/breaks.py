"""Possible series breaks found in the data and the source's own description.

A declared break (the framework's `series_breaks`) is known; these are candidates a
reader should know about before trusting a change, each with its evidence:

- `precision`: the area's values change precision (whole percents up to one year,
  unrounded values from the next) while the comparison area's do not change the same way:
  typically a new source or method.
- `level_shift`: the area's change from one year to the next, net of the comparison area's,
  lies outside the 99.9 % prediction interval of the earlier years' net changes (Student t,
  a false alarm in about one area-year of a thousand), and is at least `MIN_SHIFT` of the
  level.
- `definition`: the source's description says something changes from a year on ("Från och
  med år 2021 exkluderas IB elever").
- `table_seam`: the series is stitched from two tables (SCB continued its population tables
  from 2025 in new ones) and the newer table supplies the values from this year on.

Numbers, codes and the quoted text only; the report words them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from scipy.special import stdtrit

from collab_metrics.model.tidy import Seam

FALSE_ALARM: Final = 0.001  # two-sided, per area and year tested
MIN_SHIFT: Final = 0.05  # of the previous value: smaller shifts are not called breaks
MIN_HISTORY: Final = 5  # earlier year-to-year differences needed to judge a shift
MAX_DECIMALS: Final = 6
RUN: Final = 3  # values in a row that set a rounding regime

# "Från och med år 2021 ...", "fr.o.m. 2021 ...", "From 2021 ..." up to the sentence's end.
_FROM_YEAR: Final = re.compile(
    r"(?:Från och med|Fr\.\s?o\.\s?m\.?|Från|From|As of)\s+(?:år\s+)?((?:19|20)\d\d)\b[^.]*\.?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CandidateBreak:
    """A possible break before `year`'s value, of `kind`, with the numbers behind it."""

    year: int
    kind: str  # "precision" | "level_shift" | "definition"
    evidence: dict[str, float | int | str] = field(default_factory=dict)


def decimals(value: float) -> int:
    """How many decimals the value carries, within 1e-9 (capped at MAX_DECIMALS):
    69.0 -> 0, 73.4 -> 1.

    >>> decimals(69.0), decimals(73.4), decimals(0.1 + 0.2), decimals(1 / 3)
    (0, 1, 1, 6)
    >>> decimals(-0.0), decimals(1e-07), decimals(float("nan"))
    (0, 6, 6)
    """
    # The shortest text that reads back as the value says it at once, when it is short:
    # a value that needs fewer than MAX_DECIMALS decimals is no nearer than 1e-5 to one
    # with fewer. Otherwise (0.1 + 0.2 is 0.30000000000000004) rounding decides, within
    # 1e-9; a national assessment asks for 23 000 values, and `round` is slow.
    value = float(value)
    text = repr(value)
    if "e" not in text and "n" not in text:  # not 1e-07, inf or nan
        places = len(text.partition(".")[2].rstrip("0"))
        if places < MAX_DECIMALS:
            return places
    for places in range(MAX_DECIMALS):
        if abs(value - round(value, places)) < 1e-9:
            return places
    return MAX_DECIMALS


def precision_change(
    years: Sequence[int], own: Sequence[float], comparison: dict[int, float]
) -> CandidateBreak | None:
    """The latest year whose value breaks the rounding the three values before it kept:
    whole numbers, then decimals; or unrounded values (two decimals or more), then a whole
    number. Not when the comparison area changed the same way."""
    points = [(y, v) for y, v in zip(years, own, strict=True) if not np.isnan(v)]
    # Each value's decimals once, not once per window it is in (a national assessment
    # counts the decimals of 1740 series).
    own_decimals = [decimals(v) for _, v in points]
    found = None
    for i in range(RUN, len(points)):
        before = set(own_decimals[i - RUN : i])
        year, now = points[i][0], own_decimals[i]
        whole_then_decimals = before == {0} and now >= 1
        unrounded_then_whole = min(before) >= 2 and now == 0
        if not (whole_then_decimals or unrounded_then_whole):
            continue
        earlier = {decimals(comparison[y]) for y, _ in points[i - RUN : i] if y in comparison}
        if year in comparison and earlier == before and decimals(comparison[year]) == now:
            continue
        found = CandidateBreak(
            year, "precision", {"decimals_before": max(before), "decimals_from": now}
        )
    return found


def level_shift(
    years: Sequence[int], own: Sequence[float], comparison: dict[int, float]
) -> CandidateBreak | None:
    """The latest year whose change, net of the comparison area's, is an outlier."""
    pairs = [
        (y, v, comparison[y])
        for y, v in zip(years, own, strict=True)
        if not np.isnan(v) and y in comparison and not np.isnan(comparison[y])
    ]
    steps = [(b[0], a[0], a[1], b[1] - a[1], b[2] - a[2]) for a, b in itertools.pairwise(pairs)]
    found = None
    for i in range(MIN_HISTORY, len(steps)):
        year, from_year, previous, change, other = steps[i]
        history = np.array([s[3] - s[4] for s in steps[:i]])
        centre = float(np.mean(history))
        spread = float(np.std(history, ddof=1))
        net = change - other
        # A new difference outside the prediction interval that the earlier ones give, at
        # a false-alarm rate of FALSE_ALARM under normality (Student t, n - 1 df).
        limit = stdtrit(len(history) - 1, 1 - FALSE_ALARM / 2) * spread
        limit *= np.sqrt(1 + 1 / len(history))
        if spread <= 0 or abs(net - centre) < limit:
            continue
        if abs(net) < MIN_SHIFT * abs(previous):
            continue
        found = CandidateBreak(
            year,
            "level_shift",
            {
                "from_year": from_year,
                "change": change,
                "comparison_change": other,
                "typical": spread,
                "z": (net - centre) / spread,
            },
        )
    return found


def definition_changes(description: str) -> list[CandidateBreak]:
    """Years from which the source's description says something changes, with the text."""
    return [
        CandidateBreak(int(match.group(1)), "definition", {"text": match.group(0).strip()})
        for match in _FROM_YEAR.finditer(description or "")
    ]


def table_seams(
    years: Sequence[int], own: Sequence[float], seams: Sequence[Seam]
) -> list[CandidateBreak]:
    """The seams of a stitched series that fall inside this area's values: a value before
    the seam's year and one from it on (annual periods; the seam's year is its first)."""
    present = [y for y, v in zip(years, own, strict=True) if not np.isnan(v)]
    found = []
    for seam in seams:
        year = int(seam.period[:4])
        if any(y < year for y in present) and any(y >= year for y in present):
            evidence = {"earlier_table": seam.earlier_table, "table": seam.table}
            found.append(CandidateBreak(year, "table_seam", dict(evidence)))
    return found


def detect(
    years: Sequence[int], own: Sequence[float], comparison: dict[int, float]
) -> list[CandidateBreak]:
    """Data-based candidates (precision, level shift) for one area's annual series."""
    found = [precision_change(years, own, comparison), level_shift(years, own, comparison)]
    return [c for c in found if c is not None]
