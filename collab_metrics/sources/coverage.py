"""Did a fetch bring what the framework needs? No empty answer is ever called a success.

A web source that cannot match a query often answers 200 with nothing in it (Kolada's
query form does, see sources/kolada.py), so "no error" is not "data". After a full fetch
every needed series (indicator x area x sex) is compared with what came back:

- a series with no rows at all is a failure naming the series and the URL asked, unless
  the source's own metadata says it is not published there (a Kolada KPI published for
  municipalities only, `municipality_type: K`, has no county values; a KPI not divided
  by gender has no values for women and men);
- a series lacking some periods that the same indicator has for other areas or sexes is
  a gap: a warning per series, listed by `collab fetch` and kept for the report.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

import pandas as pd

from collab_metrics.model import areas
from collab_metrics.model.tidy import RawResponse
from collab_metrics.sources.http import FetchError

Sex = Literal["total", "women", "men"]
# Kolada's municipality_type: which levels a KPI is published for (riket always is).
_KOLADA_LEVELS = {"K": {"municipality"}, "L": {"region"}}


@dataclass(frozen=True)
class Wanted:
    """One needed series: the store's series id, its source and key, areas and sexes.

    `key` is what names the series in the source's URLs (a Kolada KPI, a PxWeb table).
    """

    series: str
    source: Literal["kolada", "pxweb"]
    key: str
    areas: frozenset[str]
    sexes: tuple[Sex, ...]


@dataclass(frozen=True)
class Gap:
    """Periods one series lacks that its indicator has elsewhere in the same fetch."""

    series: str
    area: str
    sex: str
    missing: tuple[str, ...]
    of: int  # how many periods the indicator has in all


def check(
    wanted: Iterable[Wanted],
    frame: pd.DataFrame,
    raw: Sequence[RawResponse],
    *,
    kolada_metadata: Callable[[str], dict[str, Any]],
) -> tuple[list[Gap], list[str]]:
    """The gaps of a full fetch, and notes on series the source does not publish.

    Raises FetchError naming every empty series and the URL it was asked by. Kolada's
    metadata is asked for (through `kolada_metadata`) only for a KPI with an empty series.
    """
    empty: list[tuple[Wanted, str, str]] = []
    gaps: list[Gap] = []
    for need in wanted:
        have = _periods(frame[frame["indicator"] == need.series])
        keys = [(area, sex) for area in sorted(need.areas) for sex in need.sexes]
        empty += [(need, area, sex) for area, sex in keys if not have.get((area, sex))]
        gaps += _gaps(need.series, have, [key for key in keys if have.get(key)])
    notes: list[str] = []
    failures: dict[str, list[str]] = {}  # URL asked -> the empty series it should have held
    metadata: dict[str, dict[str, Any]] = {}
    for need, area, sex in empty:
        if need.source == "kolada":
            if need.key not in metadata:
                metadata[need.key] = kolada_metadata(need.key)
            why = _kolada_unpublished(metadata[need.key], area, sex)
            if why:
                notes.append(f"{need.series} {area} {sex}: not published ({why})")
                continue
        failures.setdefault(_asked(need, area, raw), []).append(f"{need.series} {area} {sex}")
    if failures:
        count = sum(len(series) for series in failures.values())
        listed = "; ".join(
            f"{', '.join(series[:3])}{f' and {len(series) - 3} more' if len(series) > 3 else ''}"
            f" (asked by {url})"
            for url, series in failures.items()
        )
        raise FetchError(
            f"the sources answered without any value for {count} needed series: {listed}. "
            "An empty answer is not data; check the query and the address"
        )
    return gaps, notes


def gaps_in(frame: pd.DataFrame, series: str) -> list[Gap]:
    """The gaps of one stored series: each area and sex against the series' periods."""
    have = _periods(frame[(frame["indicator"] == series) & frame["value"].notna()])
    return _gaps(series, have, sorted(have))


def _periods(rows: pd.DataFrame) -> dict[tuple[str, str], set[str]]:
    """(area, sex) -> the periods the rows have."""
    have: dict[tuple[str, str], set[str]] = {}
    for area, sex, period in zip(rows["area"], rows["sex"], rows["period"], strict=True):
        have.setdefault((area, sex), set()).add(period)
    return have


def _gaps(
    series: str, have: dict[tuple[str, str], set[str]], keys: list[tuple[str, str]]
) -> list[Gap]:
    """A Gap for each (area, sex) in `keys` lacking periods another key of `have` has."""
    every = set().union(*have.values()) if have else set()
    return [
        Gap(series, area, sex, tuple(sorted(every - have[(area, sex)])), len(every))
        for area, sex in keys
        if len(have[(area, sex)]) < len(every)
    ]


def gap_lines(gaps: Sequence[Gap]) -> list[str]:
    """One warning line per series: which areas and sexes lack which periods."""
    by_series: dict[str, list[Gap]] = {}
    for gap in gaps:
        by_series.setdefault(gap.series, []).append(gap)
    return [
        f"incomplete: {series} lacks periods its other areas have: "
        + "; ".join(f"{g.area} {g.sex}: {', '.join(g.missing)}" for g in found)
        for series, found in by_series.items()
    ]


def _kolada_unpublished(meta: dict[str, Any], area: str, sex: str) -> str | None:
    """Why Kolada's own metadata says this KPI has no values here, or None."""
    kind = areas.get(area).kind
    levels = _KOLADA_LEVELS.get(str(meta.get("municipality_type", "")).upper())
    if levels is not None and kind != "country" and kind not in levels:
        return f"Kolada publishes {meta.get('id')} for {' and '.join(sorted(levels))} only"
    divided = meta.get("is_divided_by_gender")
    if sex != "total" and divided is not None and not bool(int(divided)):
        return f"Kolada does not divide {meta.get('id')} by gender"
    return None


def _asked(need: Wanted, area: str, raw: Sequence[RawResponse]) -> str:
    """The URL whose answer should have held the series (the first that asked for it)."""
    for response in raw:
        if need.source == "kolada" and _kolada_asks(response.url, need.key, area):
            return response.url
        if need.source == "pxweb" and need.key in unquote(response.url):
            return response.url
    return "no request: the source was never asked for it"


def _kolada_asks(url: str, kpi: str, area: str) -> bool:
    """Whether a Kolada path-form URL asks for this KPI in this area."""
    parts = unquote(urlsplit(url).path).split("/")
    segments = {name: value.split(",") for name, value in itertools.pairwise(parts)}
    return kpi in segments.get("kpi", []) and area in segments.get("municipality", [])
