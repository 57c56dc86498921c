"""Benchmark the assessment engine on the whole country.

Every KPI in the offline snapshot, every area (290 municipalities, 21 regions, riket),
every sex, with a SYNTHETIC target per series (baseline 2015, -10 % or +10 % by 2030 in
the series' desired direction). The vectorised engine is timed on all series; a naive
per-series loop (plain Python per series, statsmodels OLS for the point forecast) is timed on
a sample and extrapolated, and its results are checked against the vectorised ones.

Run: `.venv/bin/python benchmarks/assess.py`
"""

from __future__ import annotations

import math
import random
import time
import tracemalloc

import numpy as np
import pandas as pd
import statsmodels.api as sm

from collab_metrics.analysis.assess import ACCELERATION, ON_TRACK, PanelSpec, assess_panel
from collab_metrics.analysis.calibration import Calibration
from collab_metrics.sources.ddf import (
    SnapshotRequest,
    available_kpis,
    default_snapshot_dir,
    read_snapshot,
)

NAIVE_SAMPLE = 300
# Direction per KPI for the synthetic targets (most are "lower is better").
INCREASING = {"N00923", "N00925", "N17445", "N17461", "N18621", "U01405", "U01473", "N01951"}


def main() -> None:
    root = default_snapshot_dir()
    kpis = available_kpis(root)
    started = time.perf_counter()
    frame = read_snapshot([SnapshotRequest(k, k) for k in kpis], root=root).frame
    read_seconds = time.perf_counter() - started
    frame = frame[frame["period"].str.len() == 4]
    print(f"snapshot: {len(frame)} observations of {len(kpis)} KPIs, read in {read_seconds:.2f} s")

    tracemalloc.start()
    started = time.perf_counter()
    values, times, keys = _panel(frame)
    spec = _spec(keys)
    calibrations = {
        kpi: Calibration.from_panel(values[(keys["indicator"] == kpi).to_numpy()], times, np.inf)
        for kpi in keys["indicator"].unique()
    }
    result = assess_panel(
        values, times, spec, calibration=[calibrations[k] for k in keys["indicator"]]
    )
    wall = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    counts = result["status"].value_counts().to_dict()
    print(
        f"vectorised: {len(keys)} series assessed in {wall:.2f} s, "
        f"peak Python memory {peak / 1e6:.0f} MB"
    )
    print(f"  statuses: {counts}")

    sample = random.Random(1).sample(range(len(keys)), NAIVE_SAMPLE)
    started = time.perf_counter()
    naive = [_naive(values[i], times, spec, i) for i in sample]
    per_series = (time.perf_counter() - started) / NAIVE_SAMPLE
    print(
        f"naive loop: {per_series * 1000:.2f} ms per series; "
        f"{per_series * len(keys):.1f} s extrapolated to all {len(keys)} series"
    )
    agree = sum(
        _same(naive_row, result["status"].iloc[i], result["forecast_value"].iloc[i])
        for i, naive_row in zip(sample, naive, strict=True)
    )
    print(f"cross-check: {agree} of {NAIVE_SAMPLE} sampled series agree on status and forecast")


def _same(naive: tuple[str, float], status: str, forecast: float) -> bool:
    naive_status, naive_forecast = naive
    both_missing = math.isnan(naive_forecast) and math.isnan(forecast)
    close = abs(naive_forecast - forecast) <= 1e-9 * abs(naive_forecast)
    return naive_status == status and (both_missing or close)


def _panel(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    wide = frame.set_index(["indicator", "area", "sex", "period"])["value"].unstack("period")
    wide = wide.reindex(columns=sorted(wide.columns))
    keys = wide.index.to_frame(index=False)
    return wide.to_numpy(dtype=float), wide.columns.astype(float).to_numpy(), keys


def _spec(keys: pd.DataFrame) -> PanelSpec:
    n = len(keys)
    direction = np.where(keys["indicator"].isin(INCREASING), 1, -1)
    nan = np.full(n, np.nan)
    return PanelSpec(
        direction=direction,
        baseline_time=np.full(n, 2015.0),
        baseline_value=nan,
        target_value=nan,
        target_change=0.10 * direction,
        target_time=np.full(n, 2030.0),
        limit=nan,
        break_time=nan,
        share=np.zeros(n, dtype=bool),
    )


def _naive(row: np.ndarray, times: np.ndarray, spec: PanelSpec, i: int) -> tuple[str, float]:
    """The same rules, written the obvious way for one series at a time."""
    d = int(spec.direction[i])
    points = [(t, v) for t, v in zip(times, row, strict=True) if not math.isnan(v)]
    if not points:
        return "cannot_assess", math.nan
    base = [(t, v) for t, v in points if 2015 <= t <= 2017]
    latest_t, latest = points[-1]
    if not base or latest_t <= base[0][0] or base[0][1] == 0:
        return "cannot_assess", math.nan
    t0, y0 = base[0]
    if any(v == 0 or (v > 0) != (y0 > 0) for t, v in points if t0 <= t <= latest_t):
        return "cannot_assess", math.nan
    target = y0 * (1 + 0.10 * d)
    cagr = (latest / y0) ** (1 / (latest_t - t0)) - 1
    required = (target / y0) ** (1 / (2030 - t0)) - 1
    ratio = math.copysign(1, y0) * d * cagr / abs(required)
    if d * (latest - target) >= 0:
        status = "achieved"
    elif ratio >= ON_TRACK:
        status = "on_track"
    elif ratio >= ACCELERATION:
        status = "acceleration_needed"
    elif ratio >= 0:
        status = "limited_progress"
    else:
        status = "moving_away"
    window = [(t, v) for t, v in points if t > latest_t - 8]
    if len(window) < 5 or any(v <= 0 for _, v in window):
        return status, math.nan
    x = np.array([t for t, _ in window])
    fit = sm.OLS(np.log([v for _, v in window]), sm.add_constant(x)).fit()
    mean = fit.get_prediction(np.array([[1.0, 2030.0]])).predicted_mean[0]
    return status, math.exp(mean)


if __name__ == "__main__":
    main()
