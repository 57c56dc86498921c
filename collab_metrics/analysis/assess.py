"""Assess goals: status against the target, direction of movement, noise, forecast, context.

The three signals of the design are kept apart: status needs a target, direction does not,
and the actors' own judgements are never computed here. Everything is vectorised over
series (rows) and periods (columns) with numpy, so the whole country is assessed at once;
`assess()` is the framework-level entry point and `assess_panel()` the numerical core.

Methods (explained in plain words in the README):

- Status, Eurostat / Open SDG: CAGR_actual = (yt/y0)^(1/(t-t0)) - 1,
  CAGR_required = (yT/y0)^(1/(T-t0)) - 1, R = sign(y0)*d*CAGR_actual/|CAGR_required|;
  achieved when the target value is reached, else R >= 0.95 on track, 0.6-0.95
  acceleration needed, 0-0.6 limited progress, < 0 moving away.
- Direction: d*CAGR >= 1 % improving, <= -1 % worsening, else stable; long term from the
  baseline, short term over the last five years. Near a declared natural limit the 1 %
  bands shrink by Open SDG's coefficient 1 - (y0/limit)^4.44.
- Noise: for shares of residents with a population base, binomial random variation;
  the change baseline -> latest is significant when it exceeds 1.96 standard errors.
- Forecast: a linear trend on the log scale (a constant annual rate of change, the same
  model the CAGR status assumes) fitted by ordinary least squares to the last eight years
  (never across a declared series break), with an 80 % prediction interval from the
  t distribution and the probability that the target year's value reaches the target.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from collab_metrics.analysis import breaks
from collab_metrics.analysis.calibration import LEVEL, Calibration, chance, fit_trend
from collab_metrics.analysis.reasons import POSSIBLE_BREAK, main_code, status_reasons
from collab_metrics.analysis.verdict import Z_95, final_verdict
from collab_metrics.model import areas
from collab_metrics.model.framework import (
    ActorGoal,
    Framework,
    SeriesBreak,
    SharedGoal,
    TargetLevel,
)

STATUSES: Final = (
    "achieved",
    "achieved_late",
    "not_achieved",
    "met_within_noise",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "moving_away",
    "cannot_assess",
)
DIRECTIONS: Final = ("improving", "stable", "worsening", "cannot_assess")

# The stable columns of `collab status` (CSV/JSON). Rates are fractions: -0.122 = -12.2 %.
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

ON_TRACK: Final = 0.95
ACCELERATION: Final = 0.6
DIRECTION_BAND: Final = 0.01
LIMIT_EXPONENT: Final = 4.44  # Open SDG's curvature for shrinking bands near a limit
BASELINE_SLACK: Final = 2  # years after the baseline year a missing baseline may be taken
SHORT_TERM: Final = 5  # years
PEAK_YEARS: Final = 5  # a baseline is a peak or trough against these years before it
FORECAST_WINDOW: Final = 8  # years of history the trend is fitted to
MIN_FORECAST_POINTS: Final = 5
INTERVAL: Final = LEVEL


@dataclass(frozen=True)
class PanelSpec:
    """Per-series settings for `assess_panel`, one array entry per series (row).

    Times are in years (a month is year + (month-1)/12). NaN means "not given".
    """

    direction: np.ndarray  # +1 increase, -1 decrease
    baseline_time: np.ndarray  # declared baseline year, NaN: first value in the data
    baseline_value: np.ndarray  # declared baseline value, NaN: read from the data
    target_value: np.ndarray  # absolute target, NaN when relative or none
    target_change: np.ndarray  # relative target as a fraction (-0.5), NaN when none
    target_time: np.ndarray  # target year, NaN when no target
    limit: np.ndarray  # natural limit, NaN when none
    break_time: np.ndarray  # latest declared series break, NaN when none
    share: np.ndarray  # True where the value is a share (%) of `population`
    break_from: np.ndarray | None = None  # True: assess from the latest break on (rebase)


def assess_panel(
    values: np.ndarray,
    times: np.ndarray,
    spec: PanelSpec,
    population: np.ndarray | None = None,
    calibration: Sequence[Calibration | None] | None = None,
) -> pd.DataFrame:
    """Assess many series at once: `values[s, j]` is series s at `times[j]` (NaN: missing).

    Returns one row per series with status, direction, noise and forecast columns.
    `population[s, j]`, when given, is the denominator population behind a share;
    `calibration[s]` the forecast calibration of series s's indicator (no forecast without).
    """
    values = np.asarray(values, dtype=float)
    times = np.asarray(times, dtype=float)
    n_series, _ = values.shape
    rows = np.arange(n_series)
    d = spec.direction.astype(float)
    valid = ~np.isnan(values)
    after_break = ~(times[None, :] < np.nan_to_num(spec.break_time, nan=-np.inf)[:, None])
    reason = np.full(n_series, "", dtype=object)

    # Latest: the last period with a value.
    has_any = valid.any(axis=1)
    latest = np.where(has_any, values.shape[1] - 1 - np.argmax(valid[:, ::-1], axis=1), 0)
    t = np.where(has_any, times[latest], np.nan)
    yt = np.where(has_any, values[rows, latest], np.nan)

    # Baseline: the declared year, or the first value within two years after it; without a
    # declared year, the first value since the latest series break. A framework may choose
    # to assess from a break on: the break year then becomes the baseline year.
    rebased = np.zeros(n_series, dtype=bool) if spec.break_from is None else spec.break_from
    rebased = rebased & (spec.break_time > spec.baseline_time)
    baseline_time = np.where(rebased, spec.break_time, spec.baseline_time)
    declared = ~np.isnan(baseline_time)
    window = np.where(
        declared[:, None],
        (times[None, :] >= baseline_time[:, None])
        & (times[None, :] <= baseline_time[:, None] + BASELINE_SLACK),
        after_break,
    )
    candidates = valid & window
    has_base = candidates.any(axis=1)
    base = np.argmax(candidates, axis=1)
    t0 = np.where(has_base, times[base], np.nan)
    y0 = np.where(has_base, values[rows, base], np.nan)
    given = ~np.isnan(spec.baseline_value) & ~rebased
    t0 = np.where(given, spec.baseline_time, t0)
    y0 = np.where(given, spec.baseline_value, y0)
    has_base = has_base | given

    # Why a series cannot be assessed, first reason wins.
    def cannot(mask: np.ndarray, code: str) -> None:
        reason[:] = np.where(mask & (reason == ""), code, reason)

    cannot(~has_any, "no_data")
    cannot(~has_base, "baseline_missing")
    cannot(has_base & ~(t > t0), "too_few_points")
    cannot(has_base & (y0 == 0), "zero_baseline")
    in_period = valid & (times[None, :] >= t0[:, None]) & (times[None, :] <= t[:, None])
    # A share falling to its natural limit of 0 has reached it, not changed sign.
    at_limit = (values == 0) & (spec.limit == 0)[:, None]
    flips = in_period & (np.sign(values) != np.sign(y0)[:, None]) & ~at_limit
    cannot(flips.any(axis=1), "sign_change")
    broken = (spec.break_time > t0) & (spec.break_time <= t)
    cannot(broken, "series_break")
    ok = reason == ""

    with np.errstate(divide="ignore", invalid="ignore"):
        cagr_latest = np.where(ok, (yt / y0) ** (1 / (t - t0)) - 1, np.nan)
        target = np.where(
            np.isnan(spec.target_value), y0 * (1 + spec.target_change), spec.target_value
        )
        # Whether a target was declared, not whether it could be computed: a relative
        # target without a baseline value is "cannot assess", not "no target".
        has_target = (~np.isnan(spec.target_value) | ~np.isnan(spec.target_change)) & ~np.isnan(
            spec.target_time
        )
        required = (target / y0) ** (1 / (spec.target_time - t0)) - 1
    verdict = final_verdict(values, times, spec, target, d, t0, y0, t, has_target & ok, population)
    final = verdict["final"]
    # Once the target year's data exists, the pace is judged at the target year.
    cagr = np.where(final, verdict["cagr_at_target"], cagr_latest)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.sign(y0) * d * cagr / np.abs(required)
        # A target equal to the baseline asks only to hold the line.
        ratio = np.where(required == 0, np.sign(np.sign(y0) * d * cagr) * np.inf, ratio)
    latest_met = verdict["latest_met"]
    status = np.select(
        [
            ~has_target,
            ~ok,
            final,
            latest_met == "beyond_noise",
            latest_met == "within_noise",
            ratio >= ON_TRACK,
            ratio >= ACCELERATION,
            ratio >= 0,
        ],
        [
            "",
            "cannot_assess",
            verdict["status"],
            "achieved",
            "met_within_noise",
            "on_track",
            "acceleration_needed",
            "limited_progress",
        ],
        default="moving_away",
    ).astype(object)
    status = np.where(has_target & ~ok, "cannot_assess", status)
    reason = np.where((status == "cannot_assess") & (reason == ""), verdict["reason_code"], reason)
    ratio = np.where(has_target & ok & ~np.isnan(cagr), ratio, np.nan)
    required = np.where(has_target & ~np.isnan(t0), required, np.nan)
    target = np.where(has_target, target, np.nan)

    # Direction of movement, long term (from the baseline) and short term (five years).
    coeff = _limit_coefficient(y0, spec.limit)
    # As in Open SDG, progress is sign(start) * d * CAGR: a negative series whose values
    # grow (say -10 -> -8) moves up even though its CAGR is negative.
    direction_long = _direction(np.sign(y0) * d * cagr_latest, coeff, ok)
    short_from = np.maximum(t - SHORT_TERM, np.nan_to_num(spec.break_time, nan=-np.inf))
    short_window = valid & (times[None, :] >= short_from[:, None])
    short_start = np.argmax(short_window, axis=1)
    ts = times[short_start]
    ys = values[rows, short_start]
    short_ok = has_any & short_window.any(axis=1) & (ts < t) & (np.sign(ys) == np.sign(yt))
    short_ok &= ys != 0
    with np.errstate(divide="ignore", invalid="ignore"):
        cagr_short = np.where(short_ok, (yt / ys) ** (1 / (t - ts)) - 1, np.nan)
    direction_short = _direction(
        np.sign(ys) * d * cagr_short, _limit_coefficient(ys, spec.limit), short_ok
    )

    # Is the baseline the series' peak or trough? (five years before it up to the latest)
    around = valid & (times[None, :] >= (t0 - PEAK_YEARS)[:, None]) & (times[None, :] <= t[:, None])
    earlier = (around & (times[None, :] < t0[:, None])).sum(axis=1) >= 2
    with np.errstate(invalid="ignore"):
        span = np.where(around, values, np.nan)
        top = np.nanmax(np.where(around.any(axis=1)[:, None], span, 0.0), axis=1)
        bottom = np.nanmin(np.where(around.any(axis=1)[:, None], span, 0.0), axis=1)
    baseline_extreme = np.select(
        [ok & earlier & (y0 >= top), ok & earlier & (y0 <= bottom)], ["peak", "trough"], ""
    ).astype(object)

    # Is the change more than random variation? (binomial, shares of a population)
    noise_se, significant = _noise(values, population, spec.share, rows, base, latest, ok)
    significant = np.where(given, None, significant)  # a typed-in baseline has no population

    forecast = _forecast(values, times, spec, t, target, has_target, ok, d, calibration)
    return pd.DataFrame(
        {
            "baseline_year": t0,
            "baseline_value": y0,
            "latest_year": t,
            "latest_value": yt,
            "target_year": np.where(has_target, spec.target_time, np.nan),
            "target_value": target,
            "cagr_actual": cagr,
            "cagr_required": required,
            "ratio": ratio,
            "status": status,
            "direction_long": direction_long,
            "direction_short": direction_short,
            "cagr_short": cagr_short,
            "baseline_extreme": baseline_extreme,
            "significant": significant,
            "noise_se": noise_se,
            "target_passed": has_target & (spec.target_time <= t),
            "target_year_value": verdict["value_at_target"],
            "met_in_target_year": verdict["met_in_target_year"],
            "first_met_year": verdict["first_met"],
            "achieved_year": verdict["achieved_year"],
            "within_noise_year": verdict["within_noise_year"],
            "target_margin_se": verdict["margin_se"],
            **forecast,
            "break_year": np.where((reason == "series_break") | rebased, spec.break_time, np.nan),
            "rebased": rebased,
            "reason_code": reason,
        }
    )


def _limit_coefficient(start: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Open SDG's factor shrinking the direction bands as a value nears its natural limit.

    1 - (start/limit)^4.44 below the limit, mirrored between the limit and twice it, 1 far
    from it or without a limit. A limit of 0 (a floor for a decreasing share) has no effect.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs(start) / np.abs(limit)
        mirrored = 2 - ratio
        coeff = np.where(ratio <= 1, 1 - ratio**LIMIT_EXPONENT, 1 - mirrored**LIMIT_EXPONENT)
    far = np.isnan(limit) | (limit == 0) | (ratio >= 2) | np.isnan(ratio)
    return np.where(far, 1.0, np.clip(coeff, 0.0, 1.0))


def _direction(progress: np.ndarray, coeff: np.ndarray, ok: np.ndarray) -> np.ndarray:
    band = DIRECTION_BAND * coeff
    return np.select(
        [~ok, progress >= band, progress <= -band],
        ["cannot_assess", "improving", "worsening"],
        default="stable",
    ).astype(object)


def _noise(
    values: np.ndarray,
    population: np.ndarray | None,
    share: np.ndarray,
    rows: np.ndarray,
    base: np.ndarray,
    latest: np.ndarray,
    ok: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Standard error of the change baseline -> latest and whether the change exceeds it.

    A share p of n residents varies by sqrt(p(1-p)/n) from year to year by chance alone
    (the binomial approximation used in small-area statistics); two independent years
    add their variances. NaN / None where there is no population or the value is no share.
    """
    n = len(rows)
    if population is None:
        return np.full(n, np.nan), np.full(n, None, dtype=object)
    p0 = values[rows, base] / 100
    pt = values[rows, latest] / 100
    n0 = population[rows, base]
    nt = population[rows, latest]
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = p0 * (1 - p0) / n0 + pt * (1 - pt) / nt
        se = np.sqrt(variance) * 100
    usable = ok & share & ~np.isnan(se) & (n0 > 0) & (nt > 0)
    se = np.where(usable, se, np.nan)
    change = np.abs(values[rows, latest] - values[rows, base])
    significant = np.where(usable, change > Z_95 * se, None)
    return se, significant


def _forecast(
    values: np.ndarray,
    times: np.ndarray,
    spec: PanelSpec,
    t: np.ndarray,
    target: np.ndarray,
    has_target: np.ndarray,
    ok: np.ndarray,
    d: np.ndarray,
    calibration: Sequence[Calibration | None] | None,
) -> dict[str, np.ndarray]:
    """Log-linear OLS trend per series to the target year, with a calibrated interval.

    The point forecast is ordinary least squares on the log values of the last eight years
    (what statsmodels' OLS gives, tested); the 80 % interval is the split-conformal one of
    `calibration` (one per series: the out-of-sample errors of the same rule over all
    areas of the indicator), and the chance of reaching the target is said in words from
    it. Without enough calibration errors there is no forecast, and the note says why.
    """
    start = np.maximum(t - FORECAST_WINDOW + 1, np.nan_to_num(spec.break_time, nan=-np.inf))
    trend = fit_trend(values, times, t, start)
    n = len(t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mean = trend.mean(spec.target_time)
        point = np.exp(mean)
    horizon = np.ceil(np.round(spec.target_time - t, 6))
    offsets = np.full((n, 2), np.nan)
    borrowed = np.zeros(n, dtype=bool)
    known: dict[tuple[int, int], tuple[tuple[float, float], bool]] = {}
    for i in range(n):
        cal = calibration[i] if calibration is not None else None
        if cal is None or not np.isfinite(horizon[i]) or horizon[i] < 1:
            continue
        key = (id(cal), int(horizon[i]))
        if key not in known:  # many series share one calibration and horizon
            known[key] = (cal.interval(key[1]), cal.scores(key[1])[1])
        offsets[i], borrowed[i] = known[key]
    with np.errstate(invalid="ignore", over="ignore"):
        low, high = np.exp(mean + offsets[:, 0]), np.exp(mean + offsets[:, 1])
    calibrated = ~np.isnan(offsets[:, 0])
    trend_ok = trend.usable
    wanted = has_target & ok & (spec.target_time > t)
    usable = wanted & trend_ok & calibrated
    limit = spec.limit
    capped = ~np.isnan(limit) & (d > 0)
    point = np.where(capped, np.minimum(point, limit), point)
    high = np.where(capped, np.minimum(high, limit), high)
    # "Since a break" only when a declared break, not the window, cut the series short.
    short = trend.n < MIN_FORECAST_POINTS
    cut = np.nan_to_num(spec.break_time, nan=-np.inf) > t - FORECAST_WINDOW + 1
    note = np.select(
        [~wanted, short & cut, short, ~trend.positive, ~calibrated],
        [
            "",
            "too_short_since_break",
            "too_short_to_forecast",
            "not_positive",
            "too_little_history",
        ],
        default="",
    ).astype(object)
    nan = np.full(n, np.nan)
    low, high = np.where(usable, low, nan), np.where(usable, high, nan)
    return {
        "forecast_target_year": np.where(usable, spec.target_time, nan),
        "forecast_value": np.where(usable, point, nan),
        "forecast_low": low,
        "forecast_high": high,
        "chance": chance(low, high, np.where(usable, target, nan), d),
        "forecast_points": np.where(usable, trend.n, nan),
        "forecast_horizon": np.where(usable, horizon, nan),
        "interval_borrowed": usable & borrowed,
        "forecast_note": note,
    }


# --- the framework layer ---------------------------------------------------------------


def period_time(periods: Iterable[str]) -> np.ndarray:
    """Periods as times in years: "2017" -> 2017.0, "2024-09" -> 2024.667."""
    out = []
    for period in periods:
        year, _, month = str(period).partition("-")
        out.append(int(year) + ((int(month) - 1) / 12 if month else 0.0))
    return np.array(out, dtype=float)


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
) -> pd.DataFrame:
    """Status, direction, noise, forecast and context for every goal, area and sex.

    `observations` is the store's tidy frame (indicator = series id). With `as_of`, only
    periods up to that year are used, as a steering group had them then. Each row says why
    in codes: `reason_code` (the one code behind the status) and `reasons` (every reason, a
    tuple of `Reason`); the text layer (`collab_metrics.text.reasons.in_words`) adds the
    words as `reason`.
    """
    obs = _usable(observations, as_of)
    rows = _rows(fw)
    frames = []
    for frequency, part in _by_frequency(fw, rows, obs):
        frames.append(_assess_rows(fw, part, obs, frequency))
    columns = [c for c in COLUMNS if c != "reason"] + ["reasons"]
    result = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return result


def _usable(observations: pd.DataFrame, as_of: int | None) -> pd.DataFrame:
    obs = observations[~observations["value"].isna()]
    if as_of is not None:
        obs = obs[obs["period"].str[:4].astype(int) <= as_of]
    return obs


def _rows(fw: Framework) -> list[_Row]:
    """Every (goal, sex) the framework asks about, with the target that applies."""
    rows = []
    for goal in [*fw.shared_goals, *fw.actor_goals]:
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
    """Annual and monthly series are assessed on separate time axes."""
    monthly_series = set(obs.loc[obs["period"].str.len() > 4, "indicator"])
    annual = [r for r in rows if fw.series_id(r.goal.indicator) not in monthly_series]
    monthly = [r for r in rows if fw.series_id(r.goal.indicator) in monthly_series]
    if annual:
        yield "annual", annual
    if monthly:
        yield "monthly", monthly


def _assess_rows(
    fw: Framework, rows: list[_Row], obs: pd.DataFrame, frequency: str
) -> pd.DataFrame:
    keys = pd.DataFrame(
        {
            "indicator": [fw.series_id(r.goal.indicator) for r in rows],
            "area": [r.area for r in rows],
            "sex": [r.sex for r in rows],
        }
    )
    monthly = frequency == "monthly"
    relevant = obs[obs["period"].str.len() > 4] if monthly else obs[obs["period"].str.len() == 4]
    periods = sorted(set(relevant["period"]))
    values = _matrix(keys, relevant, periods)
    population = _population(fw, rows, obs, periods)
    spec = _spec(fw, rows)
    candidates: list[breaks.CandidateBreak | None] = [None] * len(rows)
    if not monthly:
        candidates = _candidate_breaks(fw, rows, relevant, periods, values)
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
) -> list[breaks.CandidateBreak | None]:
    """The latest possible break per row found in its own series against its comparison
    area (riket unless declared), where no declared break of that year covers it."""
    comparison = pd.DataFrame(
        {
            "indicator": [fw.series_id(r.goal.indicator) for r in rows],
            "area": [_comparison_area(r) for r in rows],
            "sex": [r.sex for r in rows],
        }
    )
    other = _matrix(comparison, obs, periods)
    years = [int(p) for p in periods]
    found: list[breaks.CandidateBreak | None] = []
    for i, row in enumerate(rows):
        if comparison["area"][i] == row.area:
            found.append(None)
            continue
        reference = {y: v for y, v in zip(years, other[i], strict=True) if not np.isnan(v)}
        declared = {
            b.year
            for b in fw.indicator(row.goal.indicator).series_breaks
            if b.areas is None or row.area in b.areas
        }
        candidates = [
            c for c in breaks.detect(years, values[i], reference) if c.year not in declared
        ]
        found.append(max(candidates, key=lambda c: c.year) if candidates else None)
    return found


def _with_candidates(spec: PanelSpec, candidates: list[breaks.CandidateBreak | None]) -> PanelSpec:
    """A later possible break stops the status as a declared one does (never rebased)."""
    year = np.array([np.nan if c is None else c.year for c in candidates], dtype=float)
    later = ~np.isnan(year) & ~(year <= spec.break_time)
    return dataclasses.replace(
        spec,
        break_time=np.where(later, year, spec.break_time),
        break_from=np.where(later, False, spec.break_from),
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
    result = assess(fw, observations, as_of)
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
