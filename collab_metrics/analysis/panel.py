"""The numerical core of the assessment: status, direction, noise and forecast of many
series at once (`assess_panel`), vectorised over series (rows) and periods (columns) with
numpy, so the whole country is assessed at once. `assess.assess()` builds the panel from
a framework and the store's observations.

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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from collab_metrics.analysis.calibration import LEVEL, Calibration, chance, fit_trend
from collab_metrics.analysis.verdict import Z_95, final_verdict, value_se

# The stable columns of `collab status` (CSV/JSON). Rates are fractions: -0.122 = -12.2 %.
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
    window: np.ndarray | None = None  # years each value pools (survey windows), 1 when single
    published_se: np.ndarray | None = None  # [s, j] standard error the source published


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
    # Pooled survey years ("2016-2019" and "2018-2021") that overlap share respondents:
    # their difference is not a change over time.
    window = np.zeros(n_series) if spec.window is None else spec.window
    cannot(has_base & (t - t0 < window), "overlapping_windows")
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
    se = value_se(values, population, spec.share, spec.published_se)
    verdict = final_verdict(values, times, spec, target, d, t0, y0, t, has_target & ok, se)
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

    # Is the change more than random variation? (published intervals, else binomial)
    noise_se, significant = _noise(values, se, rows, base, latest, ok)
    published = spec.published_se
    from_survey = (
        np.zeros(n_series, dtype=bool)
        if published is None
        else np.isfinite(published[rows, base]) & np.isfinite(published[rows, latest])
    )
    noise_source = np.select(
        [np.isnan(noise_se), from_survey], ["", "published"], "binomial"
    ).astype(object)
    # a typed-in baseline has no population
    significant = np.where(given, np.array(None, dtype=object), significant)

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
            "noise_source": noise_source,  # "published" interval, "binomial", or "" (none)
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
    se: np.ndarray,
    rows: np.ndarray,
    base: np.ndarray,
    latest: np.ndarray,
    ok: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Standard error of the change baseline -> latest and whether the change exceeds it.

    `se` is each value's standard error (`verdict.value_se`): published by a survey, or
    for a share p of n residents sqrt(p(1-p)/n), the binomial approximation used in
    small-area statistics. Two independent years add their variances. NaN / None where a
    value has no noise estimate.
    """
    with np.errstate(invalid="ignore"):
        change_se = np.sqrt(se[rows, base] ** 2 + se[rows, latest] ** 2)
    usable = ok & np.isfinite(change_se)
    change_se = np.where(usable, change_se, np.nan)
    change = np.abs(values[rows, latest] - values[rows, base])
    significant = np.where(usable, change > Z_95 * change_se, np.array(None, dtype=object))
    return change_se, significant


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


def period_time(periods: Iterable[str]) -> np.ndarray:
    """Periods as times in years: "2017" -> 2017.0, "2024-09" -> 2024.667, and a survey's
    pooled years "2019-2022" -> 2022.0 (their last year, as the survey dates them)."""
    out = []
    for period in periods:
        year, _, rest = str(period).partition("-")
        if len(rest) == 4:
            out.append(float(rest))
        else:
            out.append(int(year) + ((int(rest) - 1) / 12 if rest else 0.0))
    return np.array(out, dtype=float)


def window_years(period: str) -> int:
    """How many years a period pools: "2019-2022" -> 4; a year or a month -> 1."""
    first, _, last = str(period).partition("-")
    return int(last) - int(first) + 1 if len(last) == 4 else 1
