"""The data a chart draws: one series' values by time and the assessment's marks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from collab_metrics.analysis.assess import period_time
from collab_metrics.model import areas
from collab_metrics.model.framework import ActorGoal, Baseline, Framework, SharedGoal


def indicator_obs(obs: pd.DataFrame, series_id: str, as_of: int | None) -> pd.DataFrame:
    """The observations of one series that have values, up to `as_of`."""
    data = obs[(obs["indicator"] == series_id) & obs["value"].notna()]
    if as_of is not None:
        data = data[data["period"].str[:4].astype(int) <= as_of]
    return data


def series_of(data: pd.DataFrame, area: str, sex: str, start_year: int | None = None) -> pd.Series:
    """One area's values by time (years; months as fractions), from `start_year` on."""
    part = data[(data["area"] == area) & (data["sex"] == sex)]
    series = pd.Series(part["value"].to_numpy(float), index=period_time(part["period"]))
    if start_year is not None:
        series = series[series.index >= start_year]
    return series.sort_index()


_MONTH = re.compile(r"\d{4}-\d{2}")


def is_monthly(data: pd.DataFrame) -> bool:
    """Whether the series is monthly ("2024-09"); pooled survey years ("2019-2022") are
    drawn at their last year, as annual values."""
    # Each distinct period once: a national series repeats twenty periods for 290 areas.
    return any(_MONTH.fullmatch(str(period)) for period in data["period"].unique())


def times_of(series: Iterable[pd.Series]) -> list[float]:
    return sorted({float(t) for s in series for t in s.index})


def values_of(series: Iterable[pd.Series]) -> list[float]:
    return [float(v) for s in series for v in s.to_numpy()]


def assessment_row(result: pd.DataFrame | None, goal_id: str, sex: str) -> pd.Series | None:
    """The assessment row of a goal for one sex, if the assessment has it."""
    if result is None or result.empty:
        return None
    rows = result[(result["goal"] == goal_id) & (result["sex"] == sex)]
    return rows.iloc[0] if len(rows) else None


def comparison_areas(fw: Framework, goal: SharedGoal | ActorGoal) -> list[str]:
    """The goal's declared comparison areas, else riket and the area's region."""
    area = fw.goal_area(goal)
    declared = goal.comparison_areas
    codes = declared if declared is not None else [areas.RIKET, areas.region_of(area)]
    return [code for code in dict.fromkeys(codes) if code != area]


@dataclass(frozen=True)
class Marks:
    """What the assessment says about one series, as the points the charts mark."""

    baseline: tuple[float, float] | None
    latest: tuple[float, float] | None
    target: tuple[float, float] | None
    forecast: tuple[float, float, float, float] | None  # year, value, low, high
    status: str | None  # the assessment's code; "" without a target; None: not assessed
    direction: str
    reason: str = ""  # why it cannot be assessed: a code of labels.REASONS
    break_year: int | None = None  # the series break that reason may name

    @classmethod
    def from_row(cls, row: pd.Series | None, declared_baseline: Baseline | None) -> Marks:
        """Marks from an assessment row; a baseline is marked only where the goal
        declares one (otherwise it is just the first value, nothing to point at)."""
        if row is None:
            return cls(None, None, None, None, None, "cannot_assess")

        def point(period: str, year: str, value: str) -> tuple[float, float] | None:
            if pd.isna(row.get(value)) or pd.isna(row.get(year)):
                return None
            # Monthly series: the period ("2024-09") is exact; the year column is floored.
            text = row.get(period)
            when = period_time([text])[0] if isinstance(text, str) and text else row[year]
            return float(when), float(row[value])

        forecast = None
        if not pd.isna(row.get("forecast_value")):
            forecast = (
                float(row["forecast_target_year"]),
                float(row["forecast_value"]),
                float(row["forecast_low"]),
                float(row["forecast_high"]),
            )
        baseline = point("baseline_period", "baseline_year", "baseline_value")
        return cls(
            baseline=baseline if declared_baseline is not None else None,
            latest=point("latest_period", "latest_year", "latest_value"),
            target=point("", "target_year", "target_value"),
            forecast=forecast,
            status=str(row["status"]),
            direction=str(row.get("direction_long") or "cannot_assess"),
            reason=str(row.get("reason_code") or ""),
            break_year=None if pd.isna(row.get("break_year")) else int(row["break_year"]),
        )

    def times(self) -> list[float]:
        return [p[0] for p in (self.baseline, self.latest, self.target, self.forecast) if p]

    def values(self) -> list[float]:
        points = [p[1] for p in (self.baseline, self.latest, self.target) if p]
        return points + (list(self.forecast[1:]) if self.forecast else [])


def between(series: pd.Series, marks: Marks) -> pd.Series:
    """The part of a series from the baseline to the latest value, where they are known."""
    if marks.baseline:
        series = series[series.index >= marks.baseline[0]]
    if marks.latest:
        series = series[series.index <= marks.latest[0]]
    return series
