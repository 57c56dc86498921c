"""Out-of-sample backtest of the forecast: does the 80 % interval cover 80 %, do the words
("likely", "unclear", "unlikely") come true as often as they say, and does a probability
beat the base rate (Brier score)?

Every area and sex of one indicator forms a panel. For each origin year the engine's trend
rule predicts 1-4 years ahead. The interval and words for a prediction whose outcome is in
year Y for area A are calibrated only on errors of other areas (leave one area out, all its
sexes) with other outcome years (leave the outcome year out): neither the area's own
errors nor the shock that hit every area in year Y can leak into its own interval.
Calibration errors from years after the origin are used, which assumes years are
exchangeable; the README says so.

Goals for the words: every baseline year b, a target year b + 4 and a relative target
(-50 %, -25 %, -10 % for a decreasing indicator; the mirror for an increasing one),
forecast 1-3 years before the target year. Numbers only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from collab_metrics.analysis.calibration import WINDOW, Calibration, chance, fit_trend

HORIZONS: Final = (1, 2, 3, 4)
GOAL_YEARS: Final = 4  # baseline to target year
GOAL_CHANGES: Final = (0.50, 0.25, 0.10)  # relative change in the desired direction


@dataclass(frozen=True)
class Panel:
    """One indicator: values[s, j] for series s (an area and sex) at times[j]."""

    values: np.ndarray
    times: np.ndarray
    areas: np.ndarray  # area code per series

    @classmethod
    def from_tidy(cls, frame: pd.DataFrame) -> Panel:
        """From a tidy frame of one indicator (annual periods only)."""
        annual = frame[(frame["period"].str.len() == 4) & frame["value"].notna()]
        wide = annual.pivot_table(
            index=["area", "sex"], columns="period", values="value", aggfunc="first"
        )
        wide = wide.reindex(columns=sorted(wide.columns))
        return cls(
            wide.to_numpy(dtype=float),
            wide.columns.astype(float).to_numpy(),
            wide.index.get_level_values("area").to_numpy(),
        )


def errors(panel: Panel, horizons: tuple[int, ...] = HORIZONS) -> pd.DataFrame:
    """Every out-of-sample prediction of the trend rule: series, area, origin, horizon,
    outcome year, predicted log value and log error (actual - predicted)."""
    values, times = panel.values, panel.times
    column = {float(t): j for j, t in enumerate(times)}
    frames = []
    for origin in times:
        end = np.full(len(values), origin)
        trend = fit_trend(values, times, end, end - WINDOW + 1)
        for h in horizons:
            if origin + h not in column:
                continue
            actual = values[:, column[origin + h]]
            ok = trend.usable & (actual > 0)
            mean = trend.mean(origin + h)
            frames.append(
                pd.DataFrame(
                    {
                        "series": np.flatnonzero(ok),
                        "area": panel.areas[ok],
                        "origin": origin,
                        "horizon": h,
                        "outcome": origin + h,
                        "mean": mean[ok],
                        "error": np.log(actual[ok]) - mean[ok],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def _held_out(table: pd.DataFrame, horizon: int, outcome: float) -> dict[str, Calibration]:
    """Per area: the calibration without that area and without the outcome year."""
    pool = table[(table["horizon"] == horizon) & (table["outcome"] != outcome)]
    by_area = pool.groupby("area")["error"].apply(np.asarray).to_dict()
    everything = pool["error"].to_numpy()
    out = {}
    evaluated = table.loc[(table["horizon"] == horizon) & (table["outcome"] == outcome), "area"]
    for area in evaluated.unique():
        own = by_area.get(area, np.array([]))
        kept = _without(np.sort(everything), np.sort(own))
        out[area] = Calibration({horizon: kept})
    return out


def _without(values: np.ndarray, removed: np.ndarray) -> np.ndarray:
    """Sorted `values` with one occurrence of each of the sorted `removed` taken out."""
    if not len(removed):
        return values
    positions = np.searchsorted(values, removed, side="left")
    positions += np.arange(len(removed)) - np.searchsorted(removed, removed, side="left")
    return np.delete(values, positions)


def _level(area: str) -> str:
    """riket ("0000"), a county ("00NN") or a municipality."""
    return "riket" if area == "0000" else "county" if area.startswith("00") else "municipality"


def coverage(panel: Panel, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of outcomes inside the held-out calibrated 80 % interval, by horizon, for all
    series (`level` "all") and for municipalities and counties with riket separately."""
    table = errors(panel) if table is None else table
    hits = []
    for h in HORIZONS:
        for outcome in sorted(table.loc[table["horizon"] == h, "outcome"].unique()):
            held = _held_out(table, h, outcome)
            part = table[(table["horizon"] == h) & (table["outcome"] == outcome)]
            by_area = {a: held[a].interval(h) for a in held}
            bounds = np.array([by_area[a] for a in part["area"]])
            error = part["error"].to_numpy()
            inside = (error >= bounds[:, 0]) & (error <= bounds[:, 1])
            hits.append(
                pd.DataFrame(
                    {"horizon": h, "area": part["area"], "outcome": outcome, "inside": inside}
                )
            )
    frame = pd.concat(hits, ignore_index=True)
    frame["level"] = [
        "municipality" if _level(a) == "municipality" else "county or riket" for a in frame["area"]
    ]
    rows = []
    for level, part in [("all", frame), *frame.groupby("level")]:
        for h, one in part.groupby("horizon"):
            rows.append(
                {
                    "horizon": h,
                    "level": level,
                    "forecasts": len(one),
                    "coverage": one["inside"].mean(),
                    "years": one["outcome"].nunique(),
                }
            )
    return pd.DataFrame(rows)


def goals(panel: Panel, direction: int, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Forecasts of synthetic relative goals: the word, the probability and the outcome.

    One row per series, baseline year, goal size and forecast origin 1-3 years before the
    target year: `chance` (the engine's words from the held-out interval), `probability`
    (the held-out empirical probability of reaching the target) and `reached`.
    """
    table = errors(panel) if table is None else table
    values, times = panel.values, panel.times
    column = {float(t): j for j, t in enumerate(times)}
    frames = []
    for h in (1, 2, 3):
        for target_year in sorted(table.loc[table["horizon"] == h, "outcome"].unique()):
            baseline = target_year - GOAL_YEARS
            if baseline not in column:
                continue
            held = _held_out(table, h, target_year)
            part = table[(table["horizon"] == h) & (table["outcome"] == target_year)]
            part = part[part["origin"] > baseline]
            series = part["series"].to_numpy()
            start = values[series, column[baseline]]
            actual = values[series, column[target_year]]
            by_area = {a: held[a].interval(h) for a in held}
            bounds = np.array([by_area[a] for a in part["area"]])
            low = np.exp(part["mean"].to_numpy() + bounds[:, 0])
            high = np.exp(part["mean"].to_numpy() + bounds[:, 1])
            d = np.full(len(series), direction)
            for size in GOAL_CHANGES:
                target = start * (1 + direction * size)
                offset = np.log(target) - part["mean"].to_numpy()
                below = np.array(
                    [
                        held[a].probability_below(h, o)
                        for a, o in zip(part["area"], offset, strict=True)
                    ]
                )
                frames.append(
                    pd.DataFrame(
                        {
                            "series": series,
                            "target_year": target_year,
                            "horizon": h,
                            "change": direction * size,
                            "chance": chance(low, high, target, d),
                            "probability": below if direction < 0 else 1 - below,
                            "reached": direction * (actual - target) >= 0,
                        }
                    )
                )
    return pd.concat(frames, ignore_index=True)


def words(outcomes: pd.DataFrame) -> pd.DataFrame:
    """How often each word came true, with counts and the number of target years."""
    grouped = outcomes.groupby("chance")
    return pd.DataFrame(
        {
            "forecasts": grouped.size(),
            "came_true": grouped["reached"].mean(),
            "target_years": grouped["target_year"].nunique(),
        }
    )


def brier(outcomes: pd.DataFrame) -> tuple[float, float, float]:
    """Brier score of the held-out probability, of always saying the base rate, and the
    base rate (computed on the same outcomes, which favours the reference)."""
    reached = outcomes["reached"].to_numpy(dtype=float)
    base = float(reached.mean())
    model = float(np.mean((outcomes["probability"].to_numpy() - reached) ** 2))
    return model, float(np.mean((base - reached) ** 2)), base
