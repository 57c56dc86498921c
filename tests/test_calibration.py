"""The calibrated forecast: split-conformal intervals from out-of-sample errors, the words
for the chance of reaching a target, and the backtest on the real snapshot that shows the
interval covers what it says and the words come true as often as they claim."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from collab_metrics.analysis import backtest
from collab_metrics.analysis.calibration import Calibration, chance, fit_trend, forecast_errors
from collab_metrics.sources.ddf import SnapshotRequest, read_snapshot


def test_errors_are_out_of_sample_and_known_by_the_cutoff() -> None:
    # SYNTHETIC: falling exactly 10 % a year from 2010 to 2017, then flat.
    times = np.arange(2010, 2021, dtype=float)
    values = np.array([[100 * 0.9 ** min(t - 2010, 7) for t in times]])
    found = forecast_errors(values, times, known_until=2019)
    # First origin with 5 points is 2014; outcomes up to 2019 only.
    assert sorted(found) == [1, 2, 3, 4, 5]
    assert len(found[1]) == 5 and len(found[5]) == 1  # origins 2014-2018; 2014 -> 2019
    # Up to 2017 the trend is exact, so 1 year ahead from 2014-2016 the error is 0; from 2017
    # on the flat years lie above the falling trend (positive log errors).
    assert np.allclose(found[1][:3], 0) and (found[1][3:] > 0).all()


def test_trend_is_least_squares_on_logs() -> None:
    times = np.arange(2015, 2022, dtype=float)
    values = np.array([[14.2, 12.8, 11.8, 10.1, 8.4, 7.5, 7.1]])
    trend = fit_trend(values, times, np.array([2021.0]), np.array([2014.0]))
    slope, intercept = np.polyfit(times, np.log(values[0]), 1)
    assert trend.mean(2025.0)[0] == pytest.approx(intercept + slope * 2025, rel=1e-12)


def test_calibration_needs_enough_errors_and_borrows_scaled() -> None:
    errors = np.linspace(-0.2, 0.2, 41)
    cal = Calibration({1: errors, 2: errors * 2})
    assert cal.interval(2) == pytest.approx(
        (np.quantile(errors * 2, 0.1), np.quantile(errors * 2, 0.9))
    )
    scores, borrowed = cal.scores(6)
    assert borrowed and np.allclose(scores, errors * 2 * 6 / 2)
    assert np.isnan(Calibration({}).interval(1)[0])
    assert cal.probability_below(1, 0.0) == pytest.approx(21 / 41)


def test_words_from_the_interval() -> None:
    low, high = np.array([4.0, 4.0, 4.0, 4.0]), np.array([6.0, 6.0, 6.0, 6.0])
    target = np.array([7.0, 5.0, 3.0, np.nan])
    words = chance(low, high, target, np.array([-1, -1, -1, -1]))
    assert list(words) == ["likely", "unclear", "unlikely", ""]
    # An increasing indicator: the same interval against a target of 3 is likely.
    assert chance(low[:1], high[:1], np.array([3.0]), np.array([1]))[0] == "likely"


def test_held_out_calibration_leaves_out_the_area_and_the_outcome_year() -> None:
    table = pd.DataFrame(
        {
            "area": ["a", "a", "b", "b", "c"],
            "horizon": [1, 1, 1, 1, 1],
            "outcome": [2015.0, 2016.0, 2015.0, 2016.0, 2016.0],
            "error": [0.1, 0.2, 0.3, 0.4, 0.5],
        }
    )
    held = backtest._held_out(table, 1, 2016.0)
    # For area a in 2016: not a's errors, not 2016's: only b's 2015 error is left.
    assert list(held["a"].errors[1]) == [0.3]
    assert list(held["b"].errors[1]) == [0.1]
    assert list(held["c"].errors[1]) == [0.1, 0.3]


# --- the backtest on the real snapshot ------------------------------------------------


@pytest.fixture(scope="module")
def youth_unemployment(ddf_dir: Path) -> tuple[backtest.Panel, pd.DataFrame]:
    """N03921 for every municipality, county and riket; total, women and men."""
    frame = read_snapshot([SnapshotRequest("N03921", "N03921")], root=ddf_dir).frame
    panel = backtest.Panel.from_tidy(frame)
    return panel, backtest.errors(panel)


def test_the_80_percent_interval_covers_72_to_88_percent_out_of_sample(
    youth_unemployment: tuple[backtest.Panel, pd.DataFrame],
) -> None:
    panel, table = youth_unemployment
    assert len(panel.values) == 312 * 3  # 290 municipalities, 21 regions, riket
    result = backtest.coverage(panel, table)
    result = result[result["level"] == "all"]
    assert list(result["horizon"]) == [1, 2, 3, 4]
    assert result["coverage"].between(0.72, 0.88).all(), result


def test_the_words_come_true_as_often_as_they_say(
    youth_unemployment: tuple[backtest.Panel, pd.DataFrame],
) -> None:
    panel, table = youth_unemployment
    outcomes = backtest.goals(panel, -1, table)
    rates = backtest.words(outcomes)["came_true"]
    # "likely": more often than not; "unlikely": rarely; "unclear": in between.
    assert rates["likely"] > 0.5
    assert rates["unlikely"] < 0.2
    assert rates["unlikely"] < rates["unclear"] < rates["likely"]
    # For halving goals the probability has no skill over the base rate (Brier), which is
    # why the report gives words, never a percentage.
    model, reference, _ = backtest.brier(outcomes[outcomes["change"] == -0.5])
    assert model > reference
