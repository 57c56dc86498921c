"""Series breaks found in the data and the source's description (SYNTHETIC cases with the
arithmetic in comments, then the two real breaks of the Värmland demo), and what a status
does across a declared or possible break."""

from __future__ import annotations

import doctest
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collab_metrics.analysis import breaks
from collab_metrics.analysis.assess import PanelSpec, assess, assess_panel
from collab_metrics.model.framework import load_framework
from collab_metrics.sources.ddf import SnapshotRequest, kpi_metadata, read_snapshot
from collab_metrics.text.reasons import in_words

REPO = Path(__file__).resolve().parent.parent
YEARS = list(range(2010, 2023))


def test_whole_numbers_then_decimals_is_a_possible_break() -> None:
    own = [70.0, 71.0, 70.0, 72.0, 69.187]
    found = breaks.precision_change(YEARS[:5], own, {y: 73.0 for y in YEARS[:4]} | {2014: 73.4})
    assert found == breaks.CandidateBreak(
        2014, "precision", {"decimals_before": 0, "decimals_from": 3}
    )


def test_a_precision_change_the_comparison_shares_is_none() -> None:
    own = [70.0, 71.0, 70.0, 72.0, 69.5]
    riket = {2010: 73.0, 2011: 73.0, 2012: 72.0, 2013: 73.0, 2014: 73.4}
    assert breaks.precision_change(YEARS[:5], own, riket) is None


def test_a_level_shift_against_the_comparison() -> None:
    # The area rises with riket (+0.5 a year, net +-0.2) for years, then falls 10 points
    # in 2022 while riket rises 0.5: far outside the 99.9 % prediction interval.
    riket = {y: 70.0 + 0.5 * i for i, y in enumerate(YEARS)}
    own = [60.0 + 0.5 * i + (0.1 if i % 2 else -0.1) for i in range(len(YEARS))]
    own[-1] -= 10
    found = breaks.level_shift(YEARS, own, riket)
    assert found is not None and found.year == 2022 and found.kind == "level_shift"
    assert found.evidence["from_year"] == 2021
    # 2021 -> 2022: 0.5 - 0.2 - 10 = -9.7 against riket's +0.5.
    assert found.evidence["change"] == pytest.approx(-9.7)
    assert found.evidence["comparison_change"] == pytest.approx(0.5)
    # Ordinary scatter is no break.
    assert breaks.level_shift(YEARS[:-1], own[:-1], riket) is None


def test_definition_change_in_the_description() -> None:
    text = "Elever som saknar personnummer ingår ej. Från och med år 2021 exkluderas IB elever."
    (found,) = breaks.definition_changes(text)
    assert found.year == 2021
    assert found.evidence["text"] == "Från och med år 2021 exkluderas IB elever."
    assert breaks.definition_changes("Inget om år här.") == []


# --- what a status does across a break -----------------------------------------------


def _one(series: dict[int, float], break_year: float, from_break: bool) -> pd.Series:
    """One SYNTHETIC series, increase wanted, baseline 2015, target 80 by 2025."""
    years = np.arange(2010, 2023, dtype=float)
    spec = PanelSpec(
        direction=np.array([1]),
        baseline_time=np.array([2015.0]),
        baseline_value=np.array([math.nan]),
        target_value=np.array([80.0]),
        target_change=np.array([math.nan]),
        target_time=np.array([2025.0]),
        limit=np.array([100.0]),
        break_time=np.array([break_year]),
        share=np.array([False]),
        break_from=np.array([from_break]),
    )
    values = np.array([[series.get(int(y), math.nan) for y in years]])
    return assess_panel(values, years, spec).iloc[0]


def test_across_a_break_cannot_assess_or_from_the_break_on() -> None:
    series = {2015: 70.0, 2018: 71.0, 2020: 62.0, 2021: 72.0, 2022: 75.0}
    blocked = _one(series, 2021, from_break=False)
    assert blocked.status == "cannot_assess" and blocked.reason_code == "series_break"
    rebased = _one(series, 2021, from_break=True)
    # From 2021 (72) to 2022 (75): +4.2 % a year; 80 by 2025 needs (80/72)^(1/4)-1 = 2.7 %.
    assert rebased.baseline_year == 2021 and rebased.rebased
    assert rebased.status == "on_track" and rebased.ratio == pytest.approx(
        0.0417 / 0.0267, abs=0.01
    )


# --- the real Värmland breaks ----------------------------------------------------------


@pytest.fixture(scope="module")
def varmland_observations(ddf_dir: Path) -> pd.DataFrame:
    requests = [SnapshotRequest(f"kolada:{k}", k) for k in ("N00957", "U01405", "N17461", "N01951")]
    return read_snapshot(requests, root=ddf_dir).frame


def test_varmland_self_rated_health_2022_is_a_possible_break(varmland_observations) -> None:
    # Värmland: whole percents 2018-2021 (71, 72, 73), 69.187... in 2022; riket 73 -> 73.4.
    health = varmland_observations[varmland_observations["indicator"] == "kolada:U01405"]
    wide = health[health["sex"] == "total"].pivot(index="area", columns="period", values="value")
    years = [int(p) for p in wide.columns]
    riket = {y: v for y, v in zip(years, wide.loc["0000"], strict=True) if not math.isnan(v)}
    found = breaks.detect(years, wide.loc["0017"].to_numpy(), riket)
    assert [(c.year, c.kind) for c in found] == [(2022, "precision")]


def test_varmland_verdict_no_longer_rests_on_the_break(varmland_observations) -> None:
    fw = load_framework(REPO / "params" / "varmland-nya-perspektiv.yaml")
    result = in_words(assess(fw, varmland_observations, as_of=2022), "sv")
    health = result[(result.goal == "better-self-rated-health") & (result.sex == "total")].iloc[0]
    assert health.status == "cannot_assess"  # was "moving_away" (R -0.82) across the break
    assert health.reason.startswith("tidsseriebrott 2022")
    # Without the declaration, the detector finds it and still refuses a verdict.
    undeclared = fw.model_copy(deep=True)
    undeclared.indicator("self-rated-health").series_breaks.clear()
    result = in_words(assess(undeclared, varmland_observations, as_of=2022), "sv")
    health = result[(result.goal == "better-self-rated-health") & (result.sex == "total")].iloc[0]
    assert health.status == "cannot_assess" and health.reason_code == "possible_series_break"
    assert health.reason.startswith(
        "möjligt tidsseriebrott 2022: värdena hade 0 decimaler före 2022 och 6 från 2022"
    )
    assert health.reasons[0].as_dict() == {
        "code": "possible_break_precision",
        "year": 2022,
        "before": 0,
        "now": 6,
    }
    # A framework that checked the candidate and found no break says so: "no_break".
    checked = fw.model_copy(deep=True)
    checked.indicator("self-rated-health").series_breaks[0].handling = "no_break"
    result = in_words(assess(checked, varmland_observations, as_of=2022), "sv")
    health = result[(result.goal == "better-self-rated-health") & (result.sex == "total")].iloc[0]
    assert health.status == "moving_away" and round(health.ratio, 2) == -0.82


def test_upper_secondary_completion_is_assessed_from_the_2021_break(
    varmland_observations, ddf_dir: Path
) -> None:
    # Kolada's own description names the break.
    (change,) = breaks.definition_changes(kpi_metadata("N17461", root=ddf_dir)["description"])
    assert change.year == 2021
    fw = load_framework(REPO / "params" / "varmland-nya-perspektiv.yaml")
    result = in_words(assess(fw, varmland_observations, as_of=2022), "sv")
    row = result[(result.goal == "upper-secondary-completion") & (result.sex == "total")].iloc[0]
    # 72.44 (2021) -> 75.54 (2022), target 80 by 2025.
    assert row.baseline_year == 2021 and row.baseline_value == pytest.approx(72.437358)
    assert "bedömt från tidsseriebrottet 2021" in row.reason
    assert ("assessed_from_break", {"year": 2021}) in [(r.code, r.params) for r in row.reasons]


def _decimals_by_rounding(value: float) -> int:
    """The reference: the fewest decimals that round to the value within 1e-9."""
    for places in range(breaks.MAX_DECIMALS):
        if abs(value - round(value, places)) < 1e-9:
            return places
    return breaks.MAX_DECIMALS


@settings(max_examples=2000, deadline=None)
@given(
    value=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(min_value=-(10**9), max_value=10**9, places=7).map(float),
        st.integers(min_value=-(10**6), max_value=10**6).map(lambda i: i / 7),
    )
)
def test_decimals_are_those_rounding_finds(value: float) -> None:
    """SYNTHETIC values: the decimals read from a value's shortest text are those of
    rounding it, also for values off by a float's error (0.1 + 0.2) or without end."""
    assert breaks.decimals(value) == _decimals_by_rounding(value)
    assert breaks.decimals(np.float64(value)) == _decimals_by_rounding(value)


def test_doctests() -> None:
    result = doctest.testmod(breaks)
    assert result.attempted >= 2 and result.failed == 0
