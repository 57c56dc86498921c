"""Assess goals: status against the target, direction of movement, noise, forecast, context.

The three signals of the design are kept apart: status needs a target, direction does not,
and the actors' own judgements are never computed here. `assess()` is the framework-level
entry point: it builds one panel of series per time axis from the framework and the
store's observations and assesses it with the numerical core (`analysis.panel`, where the
methods are explained), then adds context, possible breaks found in the data and the
reasons as codes. `context_table()` compares each shared goal's area with others.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy.special import ndtri

from collab_metrics.analysis import breaks
from collab_metrics.analysis.calibration import Calibration
from collab_metrics.analysis.codes import DIRECTIONS, STATUSES
from collab_metrics.analysis.panel import (
    ACCELERATION,
    BASELINE_SLACK,
    DIRECTION_BAND,
    FORECAST_WINDOW,
    INTERVAL,
    LIMIT_EXPONENT,
    MIN_FORECAST_POINTS,
    ON_TRACK,
    PEAK_YEARS,
    SHORT_TERM,
    PanelSpec,
    assess_panel,
    period_time,
    window_years,
)
from collab_metrics.analysis.reasons import POSSIBLE_BREAK, main_code, status_reasons
from collab_metrics.analysis.verdict import Z_95
from collab_metrics.model import areas
from collab_metrics.model.framework import (
    ActorGoal,
    Framework,
    PxWebIndicator,
    SeriesBreak,
    SharedGoal,
    TargetLevel,
)
from collab_metrics.model.periods import POOLED
from collab_metrics.model.tidy import BOUNDS, Seam, bound_id

# The numerical core's names, used by the report's method appendix and the charts.
__all__ = [
    "ACCELERATION",
    "BASELINE_SLACK",
    "COLUMNS",
    "DIRECTIONS",
    "DIRECTION_BAND",
    "FORECAST_WINDOW",
    "INTERVAL",
    "LIMIT_EXPONENT",
    "MIN_FORECAST_POINTS",
    "ON_TRACK",
    "PEAK_YEARS",
    "SHORT_TERM",
    "STATUSES",
    "Z_95",
    "PanelSpec",
    "assess",
    "assess_panel",
    "context_table",
    "period_time",
]

COLUMNS: Final = (
    "goal",
    "actor",
    "area",
    "sex",
    "indicator",
    "baseline_year",
    "baseline_value",
    "latest_year",
    "latest_value",
    "target_year",
    "target_value",
    "cagr_actual",
    "cagr_required",
    "ratio",
    "status",
    "target_year_value",
    "achieved_year",
    "direction_long",
    "direction_short",
    "significant",
    "chance",
    "forecast_target_year",
    "forecast_low",
    "forecast_high",
    "context_area",
    "context_change",
    "reason_code",
    "reason",
)


@dataclass(frozen=True)
class _Row:
    """One assessed series: a goal on its area for one sex."""

    goal: SharedGoal | ActorGoal
    actor: str
    area: str
    sex: str
    target: TargetLevel | None
    note: str


def assess(
    fw: Framework,
    observations: pd.DataFrame,
    as_of: int | None = None,
    seams: Iterable[Seam] = (),
) -> pd.DataFrame:
    """Status, direction, noise, forecast and context for every goal, area and sex.

    `observations` is the store's tidy frame (indicator = series id). With `as_of`, only
    periods up to that year are used, as a steering group had them then. `seams` (the
    store's `seams()`) are where a series stitched from several tables changes table: each
    is a possible series break, as a break found in the data is. Each row says why
    in codes: `reason_code` (the one code behind the status) and `reasons` (every reason, a
    tuple of `Reason`); the text layer (`collab_metrics.text.reasons.in_words`) adds the
    words as `reason`.
    """
    obs = _usable(observations, as_of)
    rows = _rows(fw)
    seam_years: dict[str, list[Seam]] = {}
    for seam in seams:
        seam_years.setdefault(seam.series, []).append(seam)
    frames = []
    for frequency, part in _by_frequency(fw, rows, obs):
        frames.append(_assess_rows(fw, part, obs, frequency, seam_years))
    columns = [c for c in COLUMNS if c != "reason"] + ["reasons"]
    result = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return result


_MONTH: Final = r"\d{4}-\d{2}"
_POOLED: Final = POOLED.pattern  # a survey's pooled years, "2019-2022"


def _usable(observations: pd.DataFrame, as_of: int | None) -> pd.DataFrame:
    obs = observations[~observations["value"].isna()]
    if as_of is not None:
        pooled = obs["period"].str.fullmatch(_POOLED)
        last_year = obs["period"].str[:4].where(~pooled, obs["period"].str[5:9])
        obs = obs[last_year.astype(int) <= as_of]
    return obs


def _rows(fw: Framework) -> list[_Row]:
    """Every (goal, sex) the framework asks about, with the target that applies."""
    rows = []
    for goal in fw.goals:
        indicator = fw.indicator(goal.indicator)
        actor = goal.actor if isinstance(goal, ActorGoal) else ""
        area = fw.goal_area(goal)
        rows.append(_Row(goal, actor, area, "total", goal.target, ""))
        if "sex" not in indicator.breakdowns:
            continue
        for sex in ("women", "men"):
            own = goal.sex_targets.get(sex)
            if own is not None:
                rows.append(_Row(goal, actor, area, sex, own, ""))
            elif goal.target is not None and goal.target.change_percent is not None:
                rows.append(_Row(goal, actor, area, sex, goal.target, ""))
            else:
                note = "no_sex_target" if goal.target else ""
                rows.append(_Row(goal, actor, area, sex, None, note))
    return rows


def _by_frequency(
    fw: Framework, rows: list[_Row], obs: pd.DataFrame
) -> Iterable[tuple[str, list[_Row]]]:
    """Annual, monthly and pooled-survey-year series are assessed on separate time axes."""
    monthly_series = set(obs.loc[obs["period"].str.fullmatch(_MONTH), "indicator"])
    pooled_series = set(obs.loc[obs["period"].str.fullmatch(_POOLED), "indicator"])
    groups: dict[str, list[_Row]] = {"annual": [], "monthly": [], "pooled": []}
    for row in rows:
        series = fw.series_id(row.goal.indicator)
        kind = (
            "monthly"
            if series in monthly_series
            else "pooled"
            if series in pooled_series
            else "annual"
        )
        groups[kind].append(row)
    yield from ((kind, part) for kind, part in groups.items() if part)


def _assess_rows(
    fw: Framework,
    rows: list[_Row],
    obs: pd.DataFrame,
    frequency: str,
    seams: dict[str, list[Seam]],
) -> pd.DataFrame:
    keys = pd.DataFrame(
        {
            "indicator": [fw.series_id(r.goal.indicator) for r in rows],
            "area": [r.area for r in rows],
            "sex": [r.sex for r in rows],
        }
    )
    monthly = frequency == "monthly"
    pattern = {"annual": r"\d{4}", "monthly": _MONTH, "pooled": _POOLED}[frequency]
    relevant = obs[obs["period"].str.fullmatch(pattern)]
    periods = sorted(set(relevant["period"]), key=lambda p: (period_time([p])[0], p))
    values = _matrix(keys, relevant, periods)
    population = _population(fw, rows, obs, periods)
    spec = _spec(fw, rows)
    if frequency == "pooled":
        spec = dataclasses.replace(spec, window=_windows(keys, relevant))
    spec = dataclasses.replace(spec, published_se=_published_se(fw, rows, keys, relevant, periods))
    candidates: list[breaks.CandidateBreak | None] = [None] * len(rows)
    if not monthly:
        candidates = _candidate_breaks(fw, rows, relevant, periods, values, seams)
        spec = _with_candidates(spec, candidates)
    calibrations = _calibrations(keys["indicator"], relevant, periods)
    panel = assess_panel(
        values,
        period_time(periods),
        spec,
        population,
        [calibrations[series] for series in keys["indicator"]],
    )
    context_area, context_change = _context(fw, rows, relevant, periods, panel)
    out = pd.DataFrame(
        {
            "goal": [r.goal.id for r in rows],
            "actor": [r.actor for r in rows],
            "area": keys["area"],
            "sex": keys["sex"],
            "indicator": [r.goal.indicator for r in rows],
            "goal_kind": ["actor" if r.actor else "shared" for r in rows],
        }
    )
    out = pd.concat([out, panel], axis=1)
    out["context_area"] = context_area
    out["context_change"] = context_change
    # A break found in the data, not declared, that the status now stops at.
    found = [
        c if c is not None and code == "series_break" and c.year == year else None
        for c, code, year in zip(candidates, out["reason_code"], out["break_year"], strict=True)
    ]
    out["reason_code"] = [
        POSSIBLE_BREAK if c is not None else code
        for c, code in zip(found, out["reason_code"], strict=True)
    ]
    out["break_kind"] = [c.kind if c is not None else "" for c in candidates]
    out["break_candidate_year"] = [c.year if c is not None else np.nan for c in candidates]
    out["break_evidence"] = [dict(c.evidence) if c is not None else {} for c in candidates]
    out["reasons"] = [
        status_reasons(p, r.note, r.target is not None, _method_notes(fw, r))
        for r, p in zip(rows, out.itertuples(index=False), strict=True)
    ]
    out["reason_code"] = [
        main_code(code, reasons)
        for code, reasons in zip(out["reason_code"], out["reasons"], strict=True)
    ]
    label = dict(zip(period_time(periods), periods, strict=True))
    out["baseline_period"] = [label.get(t, "") for t in out["baseline_year"]]
    out["latest_period"] = [label.get(t, "") for t in out["latest_year"]]
    for column in (
        "baseline_year",
        "latest_year",
        "target_year",
        "first_met_year",
        "achieved_year",
        "within_noise_year",
        "forecast_target_year",
    ):
        out[column] = np.floor(out[column].astype(float)).astype("Int64")
    return out


def _candidate_breaks(
    fw: Framework,
    rows: list[_Row],
    obs: pd.DataFrame,
    periods: list[str],
    values: np.ndarray,
    seams: dict[str, list[Seam]],
) -> list[breaks.CandidateBreak | None]:
    """The latest possible break per row: found in its own series against its comparison
    area (riket unless declared), or where its series changes table, unless a declared
    break of that year covers it."""
    comparison = pd.DataFrame(
        {
            "indicator": [fw.series_id(r.goal.indicator) for r in rows],
            "area": [_comparison_area(r) for r in rows],
            "sex": [r.sex for r in rows],
        }
    )
    other = _matrix(comparison, obs, periods)
    years = [int(t) for t in period_time(periods)]
    found: list[breaks.CandidateBreak | None] = []
    for i, row in enumerate(rows):
        declared = {
            b.year
            for b in fw.indicator(row.goal.indicator).series_breaks
            if b.areas is None or row.area in b.areas
        }
        candidates = breaks.table_seams(years, values[i], seams.get(comparison["indicator"][i], []))
        if comparison["area"][i] != row.area:
            reference = {y: v for y, v in zip(years, other[i], strict=True) if not np.isnan(v)}
            candidates += breaks.detect(years, values[i], reference)
        candidates = [c for c in candidates if c.year not in declared]
        found.append(max(candidates, key=lambda c: c.year) if candidates else None)
    return found


def _with_candidates(spec: PanelSpec, candidates: list[breaks.CandidateBreak | None]) -> PanelSpec:
    """A later possible break stops the status as a declared one does (never rebased)."""
    year = np.array([np.nan if c is None else c.year for c in candidates], dtype=float)
    later = ~np.isnan(year) & ~(year <= spec.break_time)
    return dataclasses.replace(
        spec,
        break_time=np.where(later, year, spec.break_time),
        break_from=np.where(later, False, False if spec.break_from is None else spec.break_from),
    )


def _calibrations(
    series: Iterable[str], obs: pd.DataFrame, periods: list[str]
) -> dict[str, Calibration]:
    """Forecast calibration per indicator series, from every area and sex in `obs`."""
    out = {}
    times = period_time(periods)
    for name in dict.fromkeys(series):
        own = obs[obs["indicator"] == name]
        wide = own.pivot_table(
            index=["area", "sex"], columns="period", values="value", aggfunc="first"
        ).reindex(columns=periods)
        out[name] = Calibration.from_panel(wide.to_numpy(dtype=float), times, np.inf)
    return out


def _published_se(
    fw: Framework, rows: list[_Row], keys: pd.DataFrame, obs: pd.DataFrame, periods: list[str]
) -> np.ndarray | None:
    """Each value's standard error from the interval its source published with it: the
    half-width over the normal quantile of the interval's level. None without intervals."""
    levels = []
    for row in rows:
        indicator = fw.indicator(row.goal.indicator)
        interval = indicator.query.interval if isinstance(indicator, PxWebIndicator) else None
        levels.append(np.nan if interval is None else interval.level)
    level = np.array(levels, dtype=float)
    if np.isnan(level).all():
        return None
    lower, upper = (
        _matrix(
            keys.assign(indicator=[bound_id(k, bound) for k in keys["indicator"]]), obs, periods
        )
        for bound in BOUNDS
    )
    with np.errstate(invalid="ignore"):
        return (upper - lower) / (2 * ndtri((1 + level) / 2))[:, None]


def _windows(keys: pd.DataFrame, obs: pd.DataFrame) -> np.ndarray:
    """Per row, how many survey years its series pools (the longest of its periods)."""
    lengths = obs.groupby("indicator")["period"].agg(lambda ps: max(map(window_years, ps)))
    return keys["indicator"].map(lengths).fillna(1).to_numpy(dtype=float)


def _matrix(keys: pd.DataFrame, obs: pd.DataFrame, periods: list[str]) -> np.ndarray:
    """Values of each key (rows) for each period (columns); NaN where missing."""
    if not periods:
        return np.full((len(keys), 0), np.nan)
    wide = obs.pivot_table(
        index=["indicator", "area", "sex"], columns="period", values="value", aggfunc="first"
    ).reindex(columns=periods)
    index = pd.MultiIndex.from_frame(keys[["indicator", "area", "sex"]])
    return wide.reindex(index).to_numpy(dtype=float)


def _population(
    fw: Framework, rows: list[_Row], obs: pd.DataFrame, periods: list[str]
) -> np.ndarray | None:
    """Denominator population per row and period: base population x declared share."""
    keys, shares = [], []
    for r in rows:
        indicator = fw.indicator(r.goal.indicator)
        base = indicator.population_base
        keys.append((fw.series_id(base) if base else "", r.area, r.sex))
        shares.append(indicator.population_share or np.nan)
    if not any(k[0] for k in keys) or not periods:
        return None
    frame = pd.DataFrame(keys, columns=["indicator", "area", "sex"])
    by_year = [p[:4] for p in periods]
    matrix = _matrix(frame, obs, sorted(set(by_year)))
    columns = {year: i for i, year in enumerate(sorted(set(by_year)))}
    matrix = matrix[:, [columns[y] for y in by_year]]
    # The base is published up to a year later than many indicators: carry it forward.
    matrix = pd.DataFrame(matrix).ffill(axis=1).to_numpy()
    return matrix * np.array(shares)[:, None]


def _spec(fw: Framework, rows: list[_Row]) -> PanelSpec:
    def pick(values: list[float | None]) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    indicators = [fw.indicator(r.goal.indicator) for r in rows]
    baseline = [r.goal.baseline for r in rows]
    breaks = [_latest_break(i, r.area) for i, r in zip(indicators, rows, strict=True)]
    return PanelSpec(
        direction=np.array([1 if i.direction == "increase" else -1 for i in indicators]),
        baseline_time=pick([b.year if b else None for b in baseline]),
        baseline_value=pick(
            [
                b.value if b and r.sex == "total" else None
                for b, r in zip(baseline, rows, strict=True)
            ]
        ),
        target_value=pick([r.target.value if r.target else None for r in rows]),
        target_change=pick(
            [
                r.target.change_percent / 100
                if r.target and r.target.change_percent is not None
                else None
                for r in rows
            ]
        ),
        target_time=pick(
            [r.goal.target.year if r.target and r.goal.target else None for r in rows]
        ),
        limit=pick([i.natural_limit for i in indicators]),
        break_time=pick([b.year if b else None for b in breaks]),
        share=np.array([i.unit.strip() == "%" for i in indicators]),
        break_from=np.array([b is not None and b.handling == "from_break" for b in breaks]),
    )


def _latest_break(indicator: Any, area: str) -> SeriesBreak | None:
    """The latest declared break that applies to the area (a checked 'no_break' does not)."""
    found = [
        b
        for b in indicator.series_breaks
        if (b.areas is None or area in b.areas) and b.handling != "no_break"
    ]
    return max(found, key=lambda b: b.year) if found else None


def _context(
    fw: Framework,
    rows: list[_Row],
    obs: pd.DataFrame,
    periods: list[str],
    panel: pd.DataFrame,
) -> tuple[list[str], np.ndarray]:
    """The main comparison area and the area's relative change minus the comparison's.

    Same years as the goal's own change, so -0.028 means the area fell 2.8 percentage
    points more (in relative terms) than the comparison did over the same years.
    """
    comparison = [_comparison_area(r) for r in rows]
    keys = pd.DataFrame(
        {
            "indicator": [fw.series_id(r.goal.indicator) for r in rows],
            "area": comparison,
            "sex": [r.sex for r in rows],
        }
    )
    values = _matrix(keys, obs, periods)
    times = period_time(periods)
    column = {time: j for j, time in enumerate(times)}
    change = np.full(len(rows), np.nan)
    for i, (t0, t, own0, own) in enumerate(
        zip(
            panel["baseline_year"],
            panel["latest_year"],
            panel["baseline_value"],
            panel["latest_value"],
            strict=True,
        )
    ):
        if comparison[i] == rows[i].area or np.isnan(t0) or np.isnan(t):
            continue
        if t0 not in column or t not in column:
            continue
        other0, other = values[i, column[t0]], values[i, column[t]]
        if own0 == 0 or other0 == 0:  # no relative change from zero: no context (NaN)
            continue
        change[i] = (own / own0 - 1) - (other / other0 - 1)
    return [c if c != r.area else "" for c, r in zip(comparison, rows, strict=True)], change


def _relative(value: float, start: float) -> float:
    """The relative change from `start`; NaN from zero, where it has no meaning."""
    return value / start - 1 if start != 0 else np.nan


def _comparison_area(row: _Row) -> str:
    """The first declared comparison area, else riket."""
    declared = row.goal.comparison_areas
    return declared[0] if declared else areas.RIKET


def _method_notes(fw: Framework, row: _Row) -> list[str]:
    """The framework's method notes on the row's indicator that apply to its area."""
    indicator = fw.indicator(row.goal.indicator)
    return [n.note for n in indicator.method_notes if n.areas is None or row.area in n.areas]


def context_table(
    fw: Framework, observations: pd.DataFrame, as_of: int | None = None
) -> pd.DataFrame:
    """How each shared goal's area moved against riket and its comparison areas.

    Over the goal's own baseline -> latest years, per sex: the area's change in the
    indicator's units (percentage points for shares) and in percent, the same for each
    comparison area (declared, else riket and the area's region), and the differences, so
    a steering group sees how much of its progress is the national trend.
    """
    obs = _usable(observations, as_of)
    # The shared goals' own rows are all it reads: the actors' goals (a national
    # programme's 290) are not assessed again for it, which was a third of reading a report
    # context. Each row is assessed on its own series, so the rows are the same.
    result = assess(fw.model_copy(update={"actor_goals": []}), observations, as_of)
    rows = []
    for goal in fw.shared_goals:
        series = fw.series_id(goal.indicator)
        own_rows = result[(result["goal"] == goal.id) & (result["actor"] == "")]
        comparisons = goal.comparison_areas or [areas.RIKET, areas.region_of(goal.area)]
        for own in own_rows.itertuples(index=False):
            if pd.isna(own.baseline_year) or pd.isna(own.latest_year):
                continue
            for other in dict.fromkeys(c for c in comparisons if c != goal.area):
                values = obs[
                    (obs["indicator"] == series) & (obs["area"] == other) & (obs["sex"] == own.sex)
                ].set_index("period")["value"]
                start = values.get(own.baseline_period, np.nan)
                end = values.get(own.latest_period, np.nan)
                rows.append(
                    {
                        "goal": goal.id,
                        "sex": own.sex,
                        "area": goal.area,
                        "comparison_area": other,
                        "from_period": own.baseline_period,
                        "to_period": own.latest_period,
                        "area_change": own.latest_value - own.baseline_value,
                        "area_change_relative": _relative(own.latest_value, own.baseline_value),
                        "comparison_from": start,
                        "comparison_to": end,
                        "comparison_change": end - start,
                        "comparison_change_relative": _relative(end, start),
                    }
                )
    table = pd.DataFrame(rows)
    if not table.empty:
        table["difference"] = table["area_change"] - table["comparison_change"]
        table["difference_relative"] = (
            table["area_change_relative"] - table["comparison_change_relative"]
        )
    return table
