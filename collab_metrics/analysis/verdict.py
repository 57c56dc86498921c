"""Was the target met, and was it met on time? The verdict once the target year has data.

Before the target year a status says how the pace compares with the pace needed. Once the
target year's data exists, the verdict is final and judged at the target year:

- `achieved`: the target year's value meets the target;
- `achieved_late`: it does not, but a later year's value does (that year is given);
- `not_achieved`: neither the target year's value nor any later one meets it;
- `met_within_noise`: the target year's value is past the target by less than its random
  variation (and no later value is beyond it), so "met" cannot be claimed.

"Meets" counts only where the margin beyond the target exceeds 1.96 standard errors of the
value, where a noise estimate exists (a survey's published confidence interval, or a share
of a known population: binomial variation); without one, reaching the target value
counts. Numbers and codes only, never words.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np

Z_95: Final = 1.959963984540054


def value_se(
    values: np.ndarray,
    population: np.ndarray | None,
    share: np.ndarray,
    published: np.ndarray | None = None,
) -> np.ndarray:
    """Standard error (in the value's units) of each value: the one the source published
    with it (a survey's confidence interval) where there is one, else sqrt(p(1-p)/n) for
    shares of a known population; NaN where there is no noise estimate."""
    se = np.full(values.shape, np.nan)
    if population is not None:
        p = values / 100
        with np.errstate(divide="ignore", invalid="ignore"):
            binomial = np.sqrt(p * (1 - p) / population) * 100
        usable = share[:, None] & (population > 0) & np.isfinite(binomial)
        se = np.where(usable, binomial, np.nan)
    if published is not None:
        se = np.where(np.isfinite(published) & ~np.isnan(values), published, se)
    return se


def met_matrix(
    values: np.ndarray, target: np.ndarray, d: np.ndarray, se: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per series and period: met beyond random variation, and met only within it."""
    with np.errstate(invalid="ignore"):
        margin = d[:, None] * (values - target[:, None])
        reached = margin >= 0
        beyond = np.where(np.isnan(se), reached, margin > Z_95 * se)
    valid = ~np.isnan(values)
    return valid & beyond, valid & reached & ~beyond


def _first(mask: np.ndarray, times: np.ndarray) -> np.ndarray:
    return np.where(mask.any(axis=1), times[np.argmax(mask, axis=1)], np.nan)


def final_verdict(
    values: np.ndarray,
    times: np.ndarray,
    spec: Any,
    target: np.ndarray,
    d: np.ndarray,
    t0: np.ndarray,
    y0: np.ndarray,
    t: np.ndarray,
    assessable: np.ndarray,
    se: np.ndarray,
) -> dict[str, np.ndarray]:
    """The verdict per series (rows of `values`), with the numbers it rests on.

    `spec` is the panel's `PanelSpec` (target_time); `assessable` marks series with a
    target and a usable baseline; `se` is each value's standard error (`value_se`).
    Returns `final` (the target year has data), `status`, `reason_code`, the target year's
    value and pace, when the target was met and how.
    """
    n = len(t)
    rows = np.arange(n)
    target_time = spec.target_time
    valid = ~np.isnan(values)
    beyond, within = met_matrix(values, target, d, se)
    after_base = times[None, :] > t0[:, None]
    up_to_latest = times[None, :] <= t[:, None]
    final = assessable & (target_time <= t)

    # The target year's value: the last observed period within the target year.
    in_target_year = valid & (np.floor(times)[None, :] == target_time[:, None]) & up_to_latest
    has_target_value = in_target_year.any(axis=1)
    last = in_target_year.shape[1] - 1 - np.argmax(in_target_year[:, ::-1], axis=1)
    at = np.where(has_target_value, last, 0)
    y_target = np.where(has_target_value, values[rows, at], np.nan)
    time_target = np.where(has_target_value, times[at], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        cagr_at_target = (y_target / y0) ** (1 / (time_target - t0)) - 1
    met_at_target = has_target_value & beyond[rows, at]
    within_at_target = has_target_value & within[rows, at]

    later = (times[None, :] > target_time[:, None]) & ~in_target_year & up_to_latest
    late_year = _first(beyond & later, times)
    within_year = _first(within & (later | in_target_year), times)
    status = np.select(
        [
            ~final,
            ~has_target_value,
            met_at_target,
            ~np.isnan(late_year),
            within_at_target,
        ],
        ["", "cannot_assess", "achieved", "achieved_late", "met_within_noise"],
        default="not_achieved",
    ).astype(object)
    reason_code = np.where(final & ~has_target_value, "target_year_missing", "")

    # Before the target year: how the latest value stands against the target.
    latest = np.clip(np.searchsorted(times, t), 0, max(len(times) - 1, 0))
    latest_met = np.where(
        beyond[rows, latest] & assessable,
        "beyond_noise",
        np.where(within[rows, latest] & assessable, "within_noise", ""),
    )
    achieved_year = np.select(
        [status == "achieved", status == "achieved_late", ~final & (latest_met == "beyond_noise")],
        [time_target, late_year, t],
        default=np.nan,
    )
    verdict_at = np.where(final, at, latest)
    with np.errstate(divide="ignore", invalid="ignore"):
        margin_se = d * (values[rows, verdict_at] - target) / se[rows, verdict_at]
    return {
        "final": final,
        "status": status,
        "reason_code": reason_code,
        "value_at_target": np.where(final, y_target, np.nan),
        "cagr_at_target": cagr_at_target,
        "met_in_target_year": np.where(final & has_target_value, met_at_target, None),
        "first_met": _first(beyond & after_base & up_to_latest & assessable[:, None], times),
        "achieved_year": achieved_year,
        "within_noise_year": np.where(
            final, within_year, np.where(latest_met == "within_noise", t, np.nan)
        ),
        "latest_met": latest_met,
        "margin_se": np.where(assessable, margin_se, np.nan),
    }
