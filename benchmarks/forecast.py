"""Backtest the forecast out of sample over every area of N03921 and N00957.

Prints, per indicator (every municipality, county and riket; total, women and men): the
coverage of the calibrated 80 % interval 1-4 years ahead, how often each word ("likely",
"unclear", "unlikely") came true for relative goals set four years ahead (and for halving
goals alone), and the Brier score of the calibrated probability against always saying the
base rate. Held out: the area and the outcome year (see collab_metrics/backtest.py).

Run: `.venv/bin/python benchmarks/forecast.py`
"""

from __future__ import annotations

import time

from collab_metrics.analysis import backtest
from collab_metrics.sources.ddf import SnapshotRequest, default_snapshot_dir, read_snapshot

INDICATORS = {"N03921": -1, "N00957": -1}  # both: lower is better


def main() -> None:
    root = default_snapshot_dir()
    for kpi, direction in INDICATORS.items():
        started = time.perf_counter()
        frame = read_snapshot([SnapshotRequest(kpi, kpi)], root=root).frame
        panel = backtest.Panel.from_tidy(frame)
        table = backtest.errors(panel)
        print(
            f"{kpi}: {len(panel.values)} series (areas x sexes), years "
            f"{int(panel.times[0])}-{int(panel.times[-1])}"
        )
        for row in backtest.coverage(panel, table).itertuples(index=False):
            print(
                f"  80 % interval, {row.horizon} year(s) ahead, {row.level}: covered "
                f"{row.coverage:.1%} of {row.forecasts} outcomes ({row.years} outcome years)"
            )
        outcomes = backtest.goals(panel, direction, table)
        halving = outcomes[outcomes["change"].abs() == 0.5]
        for label, part in (("all goals", outcomes), ("halving goals", halving)):
            print(f"  words, {label} (forecast 1-3 years before a target year 4 years on):")
            for word, row in backtest.words(part).iterrows():
                print(
                    f"    {word:9s} {row.came_true:6.1%} came true of {int(row.forecasts)} "
                    f"forecasts ({int(row.target_years)} target years)"
                )
            model, reference, base = backtest.brier(part)
            print(
                f"    Brier score {model:.4f} against {reference:.4f} for always saying the "
                f"base rate {base:.1%}"
            )
        print(f"  ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
