"""Actor goals against shared goals, on the real Kolada snapshot and the real Blekinge framework."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from collab_metrics.analysis import contributions
from collab_metrics.analysis.reasons import Reason
from collab_metrics.model import areas
from collab_metrics.model.framework import Framework, load_framework
from collab_metrics.sources.ddf import SnapshotRequest, read_snapshot
from collab_metrics.text import reasons as text_reasons
from collab_metrics.text.reasons import sentence

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"
GOAL = "halve-youth-unemployment"
MUNICIPALITIES = ("1060", "1080", "1081", "1082", "1083")
KPIS = ("N03921", "N02797", "N03920", "N01951")

# An indicator the demo does not use: unemployment 18-65, whose denominator (residents
# 18-65) is a far more even share of each municipality's population than residents 16-24.
ADULT_UNEMPLOYMENT = """\
  - id: adult-unemployment
    title: Arbetslöshet 18-65 år
    unit: "%"
    direction: decrease
    source: kolada
    query: {kpi: N03920}
    population_base: population

"""


@pytest.fixture(scope="module")
def obs(ddf_dir: Path) -> pd.DataFrame:
    """Every area, year and sex of the KPIs used here, keyed by series id like the store."""
    requests = [SnapshotRequest(f"kolada:{kpi}", kpi) for kpi in KPIS]
    return read_snapshot(requests, root=ddf_dir).frame


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_framework(BLEKINGE)


def _variant(tmp_path: Path, edit: Callable[[str], str]) -> Framework:
    """The Blekinge framework with its YAML text edited, loaded from tmp_path."""
    path = tmp_path / "variant.yaml"
    text = BLEKINGE.read_text(encoding="utf-8")
    edited = edit(text)
    assert edited != text, "the edit must change the file"
    path.write_text(edited, encoding="utf-8")
    return load_framework(path)


def _block(item_id: str) -> re.Pattern[str]:
    """A goal's (or indicator's) block in the YAML text, from its '- id:' line to the blank."""
    return re.compile(rf"  - id: {item_id}\n(?:    .*\n)+\n?")


def _set_change(text: str, goal_id: str, percent: int) -> str:
    """Text with the actor goal's `change_percent` target replaced."""
    block = _block(goal_id).search(text)
    assert block is not None
    edited = block[0].replace("change_percent: -50}", f"change_percent: {percent}}}")
    return text.replace(block[0], edited)


def _values(
    obs: pd.DataFrame, kpi: str, codes: Sequence[str], year: int, sex: str = "total"
) -> pd.Series:
    """Values straight from the snapshot frame, indexed by area, for the hand computations."""
    rows = obs[(obs.indicator == f"kolada:{kpi}") & (obs.period == str(year)) & (obs.sex == sex)]
    return rows.set_index("area")["value"].reindex(list(codes))


# --- aggregation against the published county values ---------------------------------

# Upper bound of the population-weighted coefficient of variation, across one county's
# municipalities, of the share of the population that forms the KPI's denominator.
SHARE_CV_BOUND = {"N03921": 0.25, "N02797": 0.25, "N03920": 0.10}
COUNTIES = ("0010", "0017", "0001", "0025", "0024")
YEARS = (2013, 2017, 2022)


def _rate_cv(obs: pd.DataFrame, kpi: str, county: str, year: int) -> float:
    """Population-weighted coefficient of variation of the municipal values of a KPI."""
    codes = [a.code for a in areas.municipalities(county)]
    rates = _values(obs, kpi, codes, year)
    weights = _values(obs, "N01951", codes, year)
    weights = weights / weights.sum()
    mean = (weights * rates).sum()
    return float(np.sqrt((weights * (rates - mean) ** 2).sum()) / mean)


@pytest.mark.parametrize(
    ("indicator", "kpi"),
    [("youth-unemployment", "N03921"), ("neet", "N02797"), ("adult-unemployment", "N03920")],
)
def test_weighted_municipalities_reproduce_the_county(
    tmp_path: Path, obs: pd.DataFrame, indicator: str, kpi: str
) -> None:
    """The population-weighted municipal values match the published county value.

    N03921 is unemployed residents 16-24 / residents 16-24 (31 Dec of the year before), so
    the county value is exactly the municipal values r_i weighted by residents 16-24,
    y_i = s_i p_i, where p_i is the total population and s_i its 16-24 share. The snapshot
    has no 16-24 population, and the framework's population base is the total (N01951),
    so we weigh by p_i. The published value is E_p[s r] / E_p[s] (E_p: mean weighted by
    p), the aggregate E_p[r], hence

        relative difference = (E_p[r] - E_p[s r] / E_p[s]) / published
                            = -corr_p(s, r) * CV_p(s) * CV_p(r) * (E_p[r] / published)

    and, by Cauchy-Schwarz, |relative difference| <= CV_p(s) * CV_p(r) to first order.
    CV_p(r), the spread of the municipal rates, is measured from the data (0.15-0.40
    here). CV_p(s) is not in the snapshot, so its bound is an assumption: residents 16-24
    are about 10 % of all residents (the framework's population_share), roughly 8-18 %
    by municipality, the most in university towns (Umeå, Karlstad, Luleå, Karlskrona),
    so within one county the weighted CV stays below 0.25. The data agree: the ratio
    |relative difference| / CV_p(r), a lower bound of CV_p(s), never exceeds 0.19 in any
    county in 2010-2022 (largest: Västerbotten, 0024, with Umeå). The tolerance is
    therefore 0.25 * CV_p(r): 3.8-9.9 % relative here. The measured differences are
    0-2 % (at most 0.17 percentage points of N03921) in Blekinge, Värmland, Stockholm and
    Norrbotten, and up to 4.6 % (0.32 points) in Västerbotten. The sign depends on whether
    the municipalities with many young people have rates below or above the county's.
    The denominator's year (T-1 against N01951's T) shifts weights by about a year's
    population growth, a second-order effect. The bound still has teeth: an unweighted
    mean falls outside it (next test).

    N02797 (residents 16-24 neither working nor studying) has the same kind of
    denominator and bound. N03920 (unemployment 18-65) has a denominator that is roughly
    52-65 % of every municipality's population, so its CV is below 0.10 and the bound
    tighter; its differences are indeed smaller (at most 1.2 % relative here). Gotland, a
    county of one municipality, checks that nothing but the weighting differs: there the
    aggregate is the published value.
    """
    framework = _variant(
        tmp_path, lambda text: text.replace("indicators:\n", "indicators:\n" + ADULT_UNEMPLOYMENT)
    )
    for county in COUNTIES:
        check = contributions.aggregation_check(framework, obs, indicator, county, YEARS)
        assert list(check.columns[:8]) == [
            "year",
            "region",
            "published",
            "aggregated",
            "difference",
            "relative_difference",
            "n_municipalities",
            "n_missing",
        ]
        assert list(check["year"]) == list(YEARS)
        assert (check["n_municipalities"] == len(areas.municipalities(county))).all()
        assert (check["n_missing"] == 0).all()
        assert (check["weight_year"] == check["year"]).all()
        for row in check.itertuples():
            tolerance = SHARE_CV_BOUND[kpi] * _rate_cv(obs, kpi, county, row.year)
            assert abs(row.relative_difference) <= tolerance, (county, row.year, tolerance)
            assert row.published == _values(obs, kpi, [county], row.year).iloc[0]

    gotland = contributions.aggregation_check(framework, obs, indicator, "0009", YEARS)
    assert gotland["difference"].abs().max() < 1e-9


def test_the_tolerance_rejects_an_unweighted_mean(obs: pd.DataFrame) -> None:
    """The bound has teeth: a plain mean of the municipal values falls outside it."""
    for county in ("0010", "0017"):
        codes = [a.code for a in areas.municipalities(county)]
        for year in YEARS:
            published = _values(obs, "N03921", [county], year).iloc[0]
            plain = _values(obs, "N03921", codes, year).mean()
            tolerance = SHARE_CV_BOUND["N03921"] * _rate_cv(obs, "N03921", county, year)
            assert abs(plain / published - 1) > tolerance, (county, year)


def test_blekinge_aggregation_figures(fw: Framework, obs: pd.DataFrame) -> None:
    check = contributions.aggregation_check(fw, obs, "youth-unemployment", "0010", YEARS)
    published = dict(zip(check["year"], check["published"].round(6), strict=True))
    assert published == {2013: 14.191367, 2017: 8.41851, 2022: 5.059033}
    assert check["difference"].round(2).tolist() == [0.06, 0.13, 0.08]


def test_a_year_without_data_is_counted_missing(fw: Framework, obs: pd.DataFrame) -> None:
    check = contributions.aggregation_check(fw, obs, "youth-unemployment", "0010", [2030])
    row = check.iloc[0]
    assert math.isnan(row["published"]) and math.isnan(row["aggregated"])
    assert row["n_missing"] == 5
    assert row["weight_year"] == 2022  # the latest population in the snapshot


# --- population weights and the weighted mean ----------------------------------------


def test_population_weights_are_the_population_base(fw: Framework, obs: pd.DataFrame) -> None:
    weights = contributions.population_weights(
        fw, obs, "youth-unemployment", MUNICIPALITIES, 2013, "women"
    )
    assert weights.to_dict() == _values(obs, "N01951", MUNICIPALITIES, 2013, "women").to_dict()
    assert weights.attrs == {"year_used": 2013, "sex_used": "women", "notes": ()}


def test_population_weights_fall_back_to_the_nearest_earlier_year(
    fw: Framework, obs: pd.DataFrame
) -> None:
    weights = contributions.population_weights(fw, obs, "neet", MUNICIPALITIES, 2024, "total")
    assert weights.attrs["year_used"] == 2022
    assert weights.attrs["notes"] == (
        Reason("population_of_other_year", {"used": 2022, "year": 2024}),
    )
    assert text_reasons.sentence(weights.attrs["notes"], "sv") == (
        "vägt med befolkningen 2022: ingen för 2024"
    )
    assert weights.to_dict() == _values(obs, "N01951", MUNICIPALITIES, 2022).to_dict()


def test_population_weights_fall_back_to_the_total(fw: Framework, obs: pd.DataFrame) -> None:
    totals_only = obs[~((obs.indicator == "kolada:N01951") & (obs.sex == "men"))]
    weights = contributions.population_weights(
        fw, totals_only, "youth-unemployment", ["1082"], 2017, "men"
    )
    assert weights.attrs["sex_used"] == "total"
    assert weights.attrs["notes"] == (Reason("total_population_used", {"sex": "men"}),)
    assert text_reasons.sentence(weights.attrs["notes"], "en") == (
        "no population (men) in the data; weighted by the total population"
    )
    assert weights["1082"] == _values(obs, "N01951", ["1082"], 2017).iloc[0]


def test_aggregate_uses_the_areas_with_both_value_and_weight() -> None:
    values = pd.Series({"a": 10.0, "b": 20.0, "c": math.nan, "d": 99.0})
    weights = pd.Series({"a": 1.0, "b": 3.0, "c": 5.0})
    assert contributions.aggregate(values, weights) == pytest.approx(17.5)
    assert math.isnan(contributions.aggregate(values[["c", "d"]], weights))


def _without_population_base(text: str) -> str:
    """Text whose youth-unemployment indicator has no population base (nor share of it)."""
    block = _block("youth-unemployment").search(text)
    assert block is not None
    kept = [
        line
        for line in block[0].splitlines(keepends=True)
        if not line.startswith(("    population_", "    #"))
    ]
    return text.replace(block[0], "".join(kept))


def test_no_population_base_is_a_clear_error(
    tmp_path: Path, fw: Framework, obs: pd.DataFrame
) -> None:
    with pytest.raises(ValueError, match="'population' declares no population_base"):
        contributions.population_weights(fw, obs, "population", MUNICIPALITIES, 2013)
    without = _variant(tmp_path, _without_population_base)
    with pytest.raises(ValueError, match="'youth-unemployment' declares no population_base"):
        contributions.consistency(without, obs, GOAL)
    with pytest.raises(ValueError, match="no population_base"):
        contributions.aggregation_check(without, obs, "youth-unemployment", "0010", [2013])


# --- consistency of the actors' targets -----------------------------------------------


def test_blekinge_all_halving_is_sufficient(fw: Framework, obs: pd.DataFrame) -> None:
    result = contributions.consistency(fw, obs, GOAL)

    # By hand: weights w = population 2013, baselines y0 = N03921 2013 per municipality.
    w = _values(obs, "N01951", MUNICIPALITIES, 2013)
    y0 = _values(obs, "N03921", MUNICIPALITIES, 2013)
    baseline = (w * y0).sum() / w.sum()
    implied = (w * 0.5 * y0).sum() / w.sum()
    assert implied / baseline - 1 == pytest.approx(-0.5, abs=1e-12)  # halving is linear

    assert result.verdict == "sufficient" and result.reasons == ()
    assert result.shared_baseline == 14.191367  # published county value 2013
    assert result.shared_target == pytest.approx(14.191367 / 2)
    assert result.required_change_percent == pytest.approx(-50)
    assert result.aggregated_baseline == pytest.approx(baseline)  # 14.25: see aggregation
    assert result.implied_value == pytest.approx(implied)
    assert result.implied_change_percent == pytest.approx(-50, abs=1e-9)
    assert result.gap_percentage_points == pytest.approx(0, abs=1e-9)
    assert result.gap_value == pytest.approx(0, abs=1e-9)
    assert result.uncovered == () and result.coverage == pytest.approx(1)
    assert result.weight_year == 2013
    for sex in ("women", "men"):
        assert contributions.consistency(fw, obs, GOAL, sex=sex).verdict == "sufficient"


def test_other_indicator_and_county_goals_are_listed_not_aggregated(
    fw: Framework, obs: pd.DataFrame
) -> None:
    result = contributions.consistency(fw, obs, GOAL)
    roles = dict(zip(result.actors["goal"], result.actors["role"], strict=True))
    assert roles.pop("region-neet") == "other_indicator"
    assert roles.pop("af-youth-unemployment") == "covers_whole_area"
    assert set(roles.values()) == {"aggregated"} and len(roles) == 5
    assert sorted(result.areas["area"]) == list(MUNICIPALITIES)
    af = result.actors.set_index("goal").loc["af-youth-unemployment"]
    assert af["area"] == "0010" and af["target_value"] == pytest.approx(14.191367 / 2)


def test_weaker_targets_in_two_municipalities_are_insufficient(
    tmp_path: Path, obs: pd.DataFrame
) -> None:
    def weaker(text: str) -> str:
        for goal in ("olofstrom-youth-unemployment", "karlshamn-youth-unemployment"):
            text = _set_change(text, goal, -20)
        return text

    result = contributions.consistency(_variant(tmp_path, weaker), obs, GOAL)

    # By hand: every area's target is y0 * (1 + c); the implied change is the mean of the
    # actors' changes c weighted by population 2013 times baseline value.
    w = _values(obs, "N01951", MUNICIPALITIES, 2013)
    y0 = _values(obs, "N03921", MUNICIPALITIES, 2013)
    change = pd.Series(-0.5, index=list(MUNICIPALITIES))
    change[["1060", "1082"]] = -0.2
    implied = (w * y0 * (1 + change)).sum() / (w * y0).sum() - 1
    baseline = (w * y0).sum() / w.sum()
    assert implied == pytest.approx(-0.4145, abs=1e-4)

    assert result.verdict == "insufficient"
    assert result.implied_change_percent == pytest.approx(100 * implied)
    assert result.gap_percentage_points == pytest.approx(100 * implied + 50)  # 8.6 points
    assert result.gap_value == pytest.approx(baseline * (1 + implied) - baseline * 0.5)
    assert result.gap_value > 0  # a decrease is wanted: the targets fall short
    targets = result.actors.set_index("area")["target_change_percent"]
    assert targets[["1060", "1082"]].tolist() == pytest.approx([-20, -20])


def test_sex_targets_and_absolute_targets(tmp_path: Path, obs: pd.DataFrame) -> None:
    def edit(text: str) -> str:
        karlskrona = _block("karlskrona-youth-unemployment").search(text)
        ronneby = _block("ronneby-youth-unemployment").search(text)
        assert karlskrona and ronneby
        text = text.replace(
            karlskrona[0],
            karlskrona[0].replace("{year: 2017, change_percent: -50}", "{year: 2018, value: 6}"),
        )
        return text.replace(
            ronneby[0],
            ronneby[0].replace(
                "change_percent: -50}\n",
                "change_percent: -50}\n    sex_targets: {women: {change_percent: -60}}\n",
            ),
        )

    result = contributions.consistency(_variant(tmp_path, edit), obs, GOAL, sex="women")
    targets = result.actors.set_index("area")["target_value"]
    women_2013 = _values(obs, "N03921", MUNICIPALITIES, 2013, "women")
    assert targets["1080"] == 6  # absolute: as written, whatever the sex
    assert targets["1081"] == pytest.approx(women_2013["1081"] * 0.4)  # own sex target
    assert targets["1082"] == pytest.approx(women_2013["1082"] * 0.5)  # total's, own baseline
    assert result.shared_baseline == _values(obs, "N03921", ["0010"], 2013, "women").iloc[0]
    assert [n.code for n in result.notes] == ["actor_target_year_differs"]
    assert result.notes[0].params["target_year"] == 2018
    worded = text_reasons.consistency_in_words(result, "en").note
    assert "target year 2018, not 2017; its target is taken as its value in 2017" in worded


def _without_solvesborg(text: str) -> str:
    return _block("solvesborg-youth-unemployment").sub("", text)


def test_an_area_without_actor_goal_stays_at_its_latest_value(
    tmp_path: Path, obs: pd.DataFrame
) -> None:
    framework = _variant(tmp_path, _without_solvesborg)
    result = contributions.consistency(framework, obs, GOAL, as_of=2015)
    assert result.uncovered == ("1083",)
    solvesborg = result.areas.set_index("area").loc["1083"]
    assert solvesborg["actor"] is None
    assert solvesborg["implied_value"] == _values(obs, "N03921", ["1083"], 2015).iloc[0]
    assert solvesborg["implied_from"] == "latest 2015"
    assert result.coverage == pytest.approx(1 - solvesborg["weight"])
    # Without as_of, the latest value used is the target year's, not a later one.
    later = contributions.consistency(framework, obs, GOAL).areas.set_index("area")
    assert later.loc["1083", "implied_from"] == "latest 2017"


def test_as_of_ignores_later_values(tmp_path: Path, obs: pd.DataFrame) -> None:
    framework = _variant(tmp_path, _without_solvesborg)
    later = obs["period"].astype(int) > 2015
    changed = obs.assign(value=obs["value"].where(~later, obs["value"] * 10 + 1))

    def same(a: contributions.Consistency, b: contributions.Consistency) -> None:
        pd.testing.assert_frame_equal(a.areas, b.areas)
        pd.testing.assert_frame_equal(a.actors, b.actors)
        assert (a.implied_value, a.verdict) == (b.implied_value, b.verdict)

    same(
        contributions.consistency(framework, obs, GOAL, as_of=2015),
        contributions.consistency(framework, changed, GOAL, as_of=2015),
    )
    pd.testing.assert_frame_equal(
        contributions.shares_of_change(framework, obs, GOAL, as_of=2015),
        contributions.shares_of_change(framework, changed, GOAL, as_of=2015),
    )
    # ... and that the later values do matter without as_of.
    assert not contributions.shares_of_change(framework, changed, GOAL).equals(
        contributions.shares_of_change(framework, obs, GOAL)
    )


def test_cannot_assess_before_the_baseline_year_or_without_population(
    fw: Framework, obs: pd.DataFrame
) -> None:
    result = contributions.consistency(fw, obs, GOAL, as_of=2012)
    assert result.verdict == "cannot_assess"
    assert "basåret 2013" in sentence(result.reasons, "sv")
    assert result.reason_code == "no_shared_baseline"
    assert result.reasons[0].params == {"sex": "total", "area": "0010", "year": 2013}
    assert math.isnan(result.implied_change_percent)
    no_population = obs[obs.indicator != "kolada:N01951"]
    result = contributions.consistency(fw, no_population, GOAL)
    assert result.verdict == "cannot_assess"
    assert (
        sentence(result.reasons, "sv")
        == "ingen befolkning för Olofström, Karlskrona, Ronneby, Karlshamn, Sölvesborg"
    )
    assert result.reason_code == "areas_without_population"


def test_cannot_assess_without_actor_goals_on_the_series(tmp_path: Path, obs: pd.DataFrame) -> None:
    def only_county_goals(text: str) -> str:
        for code in ("karlskrona", "ronneby", "karlshamn", "solvesborg", "olofstrom"):
            text = _block(f"{code}-youth-unemployment").sub("", text)
        return text

    result = contributions.consistency(_variant(tmp_path, only_county_goals), obs, GOAL)
    assert result.verdict == "cannot_assess"
    assert "inget aktörsmål med målvärde" in sentence(result.reasons, "sv")
    assert set(result.actors["role"]) == {"other_indicator", "covers_whole_area"}
    assert result.uncovered == MUNICIPALITIES


# --- shares of the change -------------------------------------------------------------


def test_blekinge_shares_of_change_2013_2017(fw: Framework, obs: pd.DataFrame) -> None:
    shares = contributions.shares_of_change(fw, obs, GOAL, as_of=2017)
    assert list(shares.columns) == [
        "area",
        "actor",
        "weight",
        "baseline_value",
        "latest_value",
        "change",
        "weighted_change",
        "share",
    ]
    assert shares.attrs == {"baseline_year": 2013, "latest_year": 2017, "weight_year": 2017}
    assert sorted(shares["area"]) == list(MUNICIPALITIES)
    assert shares["share"].sum() == pytest.approx(1)
    assert shares["weight"].sum() == pytest.approx(1)
    by_area = shares.set_index("area")
    assert by_area["weight"].idxmax() == "1080"  # Karlskrona, the largest municipality
    assert by_area.loc["1080", "actor"] == "karlskrona"
    # The weighted changes add up to the change of the weighted mean (fixed 2017 weights).
    w = _values(obs, "N01951", MUNICIPALITIES, 2017)
    before = (w * _values(obs, "N03921", MUNICIPALITIES, 2013)).sum() / w.sum()
    after = (w * _values(obs, "N03921", MUNICIPALITIES, 2017)).sum() / w.sum()
    assert shares["weighted_change"].sum() == pytest.approx(after - before)


def test_shares_name_no_actor_for_an_area_without_goal(tmp_path: Path, obs: pd.DataFrame) -> None:
    framework = _variant(tmp_path, _without_solvesborg)
    shares = contributions.shares_of_change(framework, obs, GOAL, as_of=2017).set_index("area")
    assert shares.loc["1083", "actor"] is None
    assert shares.loc["1080", "actor"] == "karlskrona"
