"""The monthly situation picture (lägesbild): the latest month against last year and riket.

In a crisis a collaboration follows its indicators that come by month (or quarter) more
often than its yearly report. For every such indicator, area and sex this module gives the
latest period, the same period a year earlier and the difference, whether that difference
is more than random variation (where the noise check of `analysis.panel` can say so: a
share in % of a declared population), riket's value for the same period, and the window of
the last 13 months (5 quarters) that the chart shows. It also lists what changed since the
previous situation picture: new periods and revised values. Numbers and codes only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any, Final

import numpy as np
import pandas as pd

from collab_metrics.analysis.verdict import Z_95
from collab_metrics.model import areas
from collab_metrics.model.framework import Framework

WINDOW_MONTHS: Final = 13  # the latest month and the twelve before it: a year and its start
_MONTH: Final = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_QUARTER: Final = re.compile(r"(\d{4})K([1-4])")
# Noise codes: the change is beyond / within random variation, or there is no estimate
# (not a share of a declared population) or nothing to compare with (no value a year ago).
NOISE_CODES: Final = ("beyond_noise", "within_noise", "no_estimate", "no_comparison")
COLUMNS: Final = (
    "indicator",
    "area",
    "sex",
    "frequency",
    "latest_period",
    "latest_value",
    "year_ago_period",
    "year_ago_value",
    "change",
    "change_se",
    "noise",
    "riket_value",
    "riket_year_ago_value",
    "riket_change",
    "gap_to_riket",
    "window_start",
    "window_periods",
)
CHANGE_COLUMNS: Final = ("indicator", "area", "sex", "period", "change", "before", "now")


def frequency(period: str) -> str | None:
    """ "monthly" for "2024-01", "quarterly" for "2024K1", None for a year or anything else."""
    text = str(period)
    if _MONTH.fullmatch(text):
        return "monthly"
    if _QUARTER.fullmatch(text):
        return "quarterly"
    return None


def shift(period: str, months: int) -> str:
    """The period `months` earlier (a negative number: later), in the period's own form."""
    month = _MONTH.fullmatch(period)
    if month:
        index = int(month[1]) * 12 + int(month[2]) - 1 - months
        return f"{index // 12}-{index % 12 + 1:02d}"
    quarter = _QUARTER.fullmatch(period)
    if quarter is None:
        raise ValueError(f"{period!r} is no month or quarter")
    index = int(quarter[1]) * 4 + int(quarter[2]) - 1 - months // 3
    return f"{index // 4}K{index % 4 + 1}"


def window_periods(latest: str) -> list[str]:
    """The periods of the chart, oldest first: 13 months, or the 5 quarters they span."""
    step = 1 if frequency(latest) == "monthly" else 3
    return [shift(latest, back) for back in range(WINDOW_MONTHS - 1, -1, -step)]


def sub_yearly(fw: Framework, observations: pd.DataFrame) -> dict[str, str]:
    """The framework's indicators with monthly or quarterly values in `observations`:
    indicator id -> "monthly" or "quarterly" (monthly when an indicator has both)."""
    found: dict[str, str] = {}
    data = observations[observations["value"].notna()]
    for indicator in fw.indicators:
        kinds = {
            frequency(p)
            for p in data.loc[data["indicator"] == fw.series_id(indicator.id), "period"].unique()
        }
        kinds.discard(None)
        if kinds:
            found[indicator.id] = "monthly" if "monthly" in kinds else "quarterly"
    return found


def indicator_areas(fw: Framework, indicator_id: str) -> list[str]:
    """The areas a situation picture shows for an indicator: those of the goals on it, else
    the collaboration's own area."""
    found = [fw.goal_area(g) for g in fw.goals if g.indicator == indicator_id]
    return list(dict.fromkeys(found)) or [fw.collaboration.area]


def situation(fw: Framework, observations: pd.DataFrame, up_to: str | None = None) -> pd.DataFrame:
    """One row per monthly (or quarterly) indicator, area and sex: `COLUMNS`.

    `up_to` (a month "2024-01" or quarter "2024K1") leaves later periods out, to reproduce
    an earlier picture. Indicators with `direction: neutral` (weighting bases) are left
    out. Empty (with the columns) when no other indicator has such data.
    """
    rows = []
    for indicator_id, kind in sub_yearly(fw, observations).items():
        if fw.indicator(indicator_id).direction == "neutral":
            continue  # a weighting base (population), not something the picture follows
        data = _series_data(fw, observations, indicator_id, kind, up_to)
        for area in indicator_areas(fw, indicator_id):
            for sex in ("total", "women", "men"):
                own = data[(data["area"] == area) & (data["sex"] == sex)]
                if own.empty:
                    continue
                rows.append(_row(fw, observations, data, indicator_id, kind, area, sex))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def window(
    fw: Framework, observations: pd.DataFrame, indicator_id: str, area: str, sex: str, latest: str
) -> pd.DataFrame:
    """The chart's window ending at `latest`: period, the area's value and riket's (NaN where
    there is none), oldest first."""
    kind = frequency(latest)
    data = _series_data(fw, observations, indicator_id, kind, latest)
    wanted = window_periods(latest)
    own = _values(data, area, sex)
    riket = _values(data, areas.RIKET, sex) if area != areas.RIKET else pd.Series(dtype=float)
    return pd.DataFrame(
        {
            "period": wanted,
            "value": [own.get(p, np.nan) for p in wanted],
            "riket": [riket.get(p, np.nan) for p in wanted],
        }
    )


def changes_since(
    previous: Iterable[dict[str, Any]], current: Iterable[dict[str, Any]]
) -> pd.DataFrame:
    """What changed between two pictures' recorded windows (`windows` of `record`).

    Each window is {"indicator", "area", "sex", "values": {period: value}}. A period the
    earlier picture did not have is `new`; one whose value differs is `revised` (before,
    now); one it had that is gone is `withdrawn`. `CHANGE_COLUMNS`, in window order.
    """
    before = {(w["indicator"], w["area"], w["sex"]): w["values"] for w in previous}
    rows: list[tuple[Any, ...]] = []
    for w in current:
        key = (w["indicator"], w["area"], w["sex"])
        old: dict[str, float | None] = before.get(key, {})
        now: dict[str, float | None] = w["values"]
        start = min(now, default="")
        for period in sorted(set(old) | set(now)):
            was, value = old.get(period), now.get(period)
            if value is not None and was is None:
                rows.append((*key, period, "new", None, value))
            elif value is not None and was is not None and not math.isclose(was, value):
                rows.append((*key, period, "revised", was, value))
            elif value is None and was is not None and period >= start:
                rows.append((*key, period, "withdrawn", was, None))
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


def record(fw: Framework, observations: pd.DataFrame, rows: pd.DataFrame) -> list[dict[str, Any]]:
    """The windows a picture showed, per indicator, area and sex (riket's too), in plain
    JSON types: what the next picture compares with."""
    recorded = []
    seen = set()
    for r in rows.itertuples(index=False):
        frame = window(fw, observations, r.indicator, r.area, r.sex, r.latest_period)
        for area, column in ((r.area, "value"), (areas.RIKET, "riket")):
            if (r.indicator, area, r.sex) in seen or (area == areas.RIKET and r.area == area):
                continue
            seen.add((r.indicator, area, r.sex))
            values = {
                p: (None if pd.isna(v) else float(v))
                for p, v in zip(frame["period"], frame[column], strict=True)
            }
            if any(v is not None for v in values.values()):
                recorded.append(
                    {"indicator": r.indicator, "area": area, "sex": r.sex, "values": values}
                )
    return recorded


def _series_data(
    fw: Framework,
    observations: pd.DataFrame,
    indicator_id: str,
    kind: str | None,
    up_to: str | None,
) -> pd.DataFrame:
    """The indicator's values of its own frequency, up to `up_to` (same form) if given."""
    data = observations[
        (observations["indicator"] == fw.series_id(indicator_id)) & observations["value"].notna()
    ]
    data = data[[frequency(p) == kind for p in data["period"]]]
    if up_to is not None:
        data = data[data["period"] <= up_to]
    return data


def _values(data: pd.DataFrame, area: str, sex: str) -> pd.Series:
    part = data[(data["area"] == area) & (data["sex"] == sex)]
    return pd.Series(part["value"].to_numpy(float), index=part["period"].to_numpy())


def _row(
    fw: Framework,
    observations: pd.DataFrame,
    data: pd.DataFrame,
    indicator_id: str,
    kind: str,
    area: str,
    sex: str,
) -> dict[str, Any]:
    own = _values(data, area, sex).sort_index()
    latest = str(own.index[-1])
    year_ago = shift(latest, 12)
    value, before = float(own.iloc[-1]), own.get(year_ago, np.nan)
    change = value - before
    se = _change_se(fw, observations, indicator_id, area, sex, (latest, value), (year_ago, before))
    if np.isnan(before):
        noise = "no_comparison"
    elif np.isnan(se):
        noise = "no_estimate"
    else:
        noise = "beyond_noise" if abs(change) > Z_95 * se else "within_noise"
    riket = _values(data, areas.RIKET, sex) if area != areas.RIKET else pd.Series(dtype=float)
    riket_now, riket_before = riket.get(latest, np.nan), riket.get(year_ago, np.nan)
    shown = [p for p in window_periods(latest) if p in own.index]
    return {
        "indicator": indicator_id,
        "area": area,
        "sex": sex,
        "frequency": kind,
        "latest_period": latest,
        "latest_value": value,
        "year_ago_period": year_ago,
        "year_ago_value": before,
        "change": change,
        "change_se": se,
        "noise": noise,
        "riket_value": riket_now,
        "riket_year_ago_value": riket_before,
        "riket_change": riket_now - riket_before,
        "gap_to_riket": value - riket_now,
        "window_start": window_periods(latest)[0],
        "window_periods": len(shown),
    }


def _change_se(
    fw: Framework,
    observations: pd.DataFrame,
    indicator_id: str,
    area: str,
    sex: str,
    now: tuple[str, float],
    then: tuple[str, float],
) -> float:
    """Standard error (in points) of the change between two periods, as `analysis.panel`
    estimates it: a share p of n people varies by sqrt(p(1-p)/n), two periods add their
    variances. NaN unless the indicator is a share in % with a population base and share."""
    indicator = fw.indicator(indicator_id)
    base, share = indicator.population_base, indicator.population_share
    if indicator.unit.strip() != "%" or base is None or share is None or np.isnan(then[1]):
        return math.nan
    population = observations[
        (observations["indicator"] == fw.series_id(base))
        & (observations["area"] == area)
        & (observations["sex"] == sex)
        & observations["value"].notna()
        & observations["period"].str.fullmatch(r"\d{4}")
    ]
    by_year = pd.Series(
        population["value"].to_numpy(float), index=population["period"].astype(int).to_numpy()
    ).sort_index()
    variance = 0.0
    for period, value in (now, then):
        known = by_year[by_year.index <= int(period[:4])]
        if known.empty:  # a base published up to a year before is carried forward
            return math.nan
        n, p = float(known.iloc[-1]) * share, value / 100
        if n <= 0 or not 0 <= p <= 1:
            return math.nan
        variance += p * (1 - p) / n
    return math.sqrt(variance) * 100
