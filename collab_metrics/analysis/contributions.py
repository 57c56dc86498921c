"""Actor goals against shared goals: weighted aggregation, consistency, shares of the change.

A shared goal is usually set on a region, the actors' own goals on its municipalities. The
region's value is not the mean of the municipal values: each municipality counts by its
population. This module weighs municipalities with the indicator's `population_base`,
checks that such an aggregate reproduces the published region value, asks whether the
actors' own targets add up to the shared target ("consistency"), and splits the observed
change of the shared area into each municipality's share.

Every function takes the framework and a tidy observations frame whose `indicator` column
holds the store's series ids (`Framework.series_id`), as `Store.current()` returns it. Only
annual periods ("2017") are used; `as_of` keeps periods up to and including that year, to
reproduce what a report made then would have said.

Roles of the actor goals contributing to a shared goal (`Consistency.actors["role"]`):

- "aggregated": same series, on a municipality of the shared area, with a target;
- "covers_whole_area": same series on the shared area itself (e.g. an agency answering for
  the county): shown beside the shared goal, not aggregated;
- "other_indicator": a contribution through another measure: listed, not aggregated;
- "not_a_municipality": same series on a part of the shared area that is not a
  municipality (a region inside a national goal): listed, not aggregated;
- "no_target": same series on a municipality but without a target; the area is treated as
  having no actor goal;
- "duplicate_area": a second goal on a municipality that already has one; the first (in
  file order) is aggregated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from collab_metrics.analysis.reasons import Reason
from collab_metrics.model import areas as registry
from collab_metrics.model.framework import ActorGoal, Framework, SharedGoal, TargetLevel

Verdict = Literal["sufficient", "insufficient", "cannot_assess"]

# An exact tie (every actor adopting the shared relative target) must count as reaching
# it; float rounding of the weighted sums would otherwise decide the verdict.
_TIE = 1e-9


def population_weights(
    fw: Framework,
    obs: pd.DataFrame,
    indicator_id: str,
    areas: Sequence[str],
    year: int,
    sex: str = "total",
) -> pd.Series:
    """Population (area -> inhabitants) used to weigh `areas` for an indicator in `year`.

    Reads the indicator's `population_base` series, for `sex` when the frame has it, else
    for the total. When `year` has no population value for any of the areas, the nearest
    earlier year is used. `attrs` record what was used: "year_used" (None when nothing was
    found), "sex_used" and "notes" (reason codes, `analysis.reasons.Reason`; empty when the
    request was met as asked: the text layer words them). Areas
    without a value are left out. Raises ValueError when the indicator has no population
    base.
    """
    table, sex_used = _population_table(fw, obs, indicator_id, sex, as_of=None)
    weights, year_used = _weights_at(table, areas, year)
    notes = []
    if sex_used != sex:
        notes.append(Reason("total_population_used", {"sex": sex}))
    if year_used is None:
        notes.append(Reason("no_population", {"year": year}))
    elif year_used != year:
        notes.append(Reason("population_of_other_year", {"used": year_used, "year": year}))
    weights.attrs = {"year_used": year_used, "sex_used": sex_used, "notes": tuple(notes)}
    return weights


def aggregate(values: pd.Series, weights: pd.Series) -> float:
    """Weighted mean of `values` over the areas that have both a value and a weight."""
    values, weights = values.align(weights, join="inner")
    present = values.notna() & weights.notna()
    total = weights[present].sum()
    if not present.any() or total == 0:
        return math.nan
    return float((values[present] * weights[present]).sum() / total)


def aggregation_check(
    fw: Framework,
    obs: pd.DataFrame,
    indicator_id: str,
    region: str,
    years: Sequence[int],
    sex: str = "total",
) -> pd.DataFrame:
    """The population-weighted mean of a region's municipalities against its published value.

    One row per year: year, region, published, aggregated, difference (aggregated minus
    published), relative_difference (difference / published), n_municipalities,
    n_missing (municipalities lacking a value or a weight) and weight_year (the
    population year used).
    """
    series = fw.series_id(indicator_id)
    values = _table(obs, series, sex)
    population, _ = _population_table(fw, obs, indicator_id, sex, as_of=None)
    parts = _municipalities(region)
    rows = []
    for year in years:  # a handful of years, each one vectorised weighted mean
        weights, weight_year = _weights_at(population, parts, year)
        municipal = _values_at(values, parts, year)
        published = _values_at(values, [region], year).iloc[0]
        aggregated = aggregate(municipal, weights)
        counted = municipal.dropna().index.intersection(weights.index)
        rows.append(
            {
                "year": year,
                "region": region,
                "published": published,
                "aggregated": aggregated,
                "difference": aggregated - published,
                "relative_difference": (aggregated - published) / published,
                "n_municipalities": len(parts),
                "n_missing": len(parts) - len(counted),
                "weight_year": weight_year,
            }
        )
    return pd.DataFrame(rows).astype({"region": "string", "weight_year": "Int64"})


@dataclass(frozen=True, eq=False)  # eq=False: DataFrame fields have no truth value
class Consistency:
    """Do the actors' own targets, weighted by population, add up to a shared target?

    Relative changes are in percent. The aggregated baseline and the implied value are
    both population-weighted means over all municipalities of the shared area with the
    SAME weights (population of the baseline year), so a shift of population between
    municipalities does not move the implied change. The bias of weighting by total
    population instead of the indicator's own denominator cancels only when every actor
    has the same relative target; otherwise municipalities whose denominator share differs
    from their population share count too much or too little (the README gives its size).
    The implied value assumes every actor reaches its own target by the target year and
    every municipality without an actor goal stays at its latest observed value (up to
    the target year). The gap is implied minus required: in the indicator's units on the
    aggregated basis (`aggregated_baseline * (1 + required_change_percent / 100)`), and
    in percentage points of relative change. For an indicator that should decrease, a
    positive gap means the targets fall short.
    """

    goal: str
    sex: str
    as_of: int | None
    verdict: Verdict
    reasons: tuple[Reason, ...]  # why the verdict is "cannot_assess"; empty otherwise
    baseline_year: int
    target_year: int
    shared_baseline: float  # the shared area's value in the baseline year (given or data)
    shared_target: float  # its target value: absolute, or baseline * (1 + change)
    required_change_percent: float
    aggregated_baseline: float
    implied_value: float
    implied_change_percent: float
    gap_value: float
    gap_percentage_points: float
    coverage: float  # population share of the municipalities covered by actor goals
    weight_year: int | None
    uncovered: tuple[str, ...]  # municipalities of the shared area without an actor goal
    actors: pd.DataFrame  # one row per contributing actor goal, with its role
    areas: pd.DataFrame  # one row per municipality: weight, baseline and implied values
    notes: tuple[Reason, ...]  # how the check was weighed (codes); the verdict stands
    reason: str = ""  # `reasons` in words, added by the text layer (text.reasons)
    note: str = ""  # `notes` in words, added by the text layer (text.reasons)

    @property
    def reason_code(self) -> str:
        """The first reason's code ("" when the verdict could be reached)."""
        return self.reasons[0].code if self.reasons else ""


def consistency(
    fw: Framework,
    obs: pd.DataFrame,
    shared_goal_id: str,
    sex: str = "total",
    as_of: int | None = None,
) -> Consistency:
    """Whether the actor goals on the shared goal's series reach its target when combined.

    Actor targets for `sex` are the actor's own sex target when given, else its total
    target: relative targets apply to that sex's own baseline, absolute ones as written.
    The same holds for the shared goal. A baseline value given in the framework is the
    total's, so it is used for sex "total" only.
    """
    goal = fw.shared_goal(shared_goal_id)
    indicator = fw.indicator(goal.indicator)
    values = _table(obs, fw.series_id(goal.indicator), sex, as_of)
    parts = _municipalities(goal.area)
    actors = _actor_rows(fw, goal, values, sex)
    aggregated = actors[actors["role"] == "aggregated"].set_index("area")
    uncovered = tuple(a for a in parts if a not in aggregated.index)
    assert goal.baseline is not None, "validated: a shared goal has a target, so a baseline"
    baseline_year, target_year = goal.baseline.year, goal.target.year

    shared_baseline = _baseline_value(goal, values, goal.area, sex)
    shared_target = _target_value(goal.target_for(sex), shared_baseline)
    required = shared_target / shared_baseline - 1 if shared_baseline else math.nan

    population, sex_used = _population_table(fw, obs, goal.indicator, sex, as_of)
    weights, weight_year = _weights_at(population, parts, baseline_year)
    latest_up_to = target_year if as_of is None else min(target_year, as_of)
    latest, latest_years = _latest(values, list(uncovered), latest_up_to)
    per_area = pd.DataFrame(
        {
            "actor": _with_none(aggregated["actor"].reindex(parts)),
            "weight": weights / weights.sum(),
            "baseline_value": _values_at(values, parts, baseline_year),
            "implied_value": pd.concat([aggregated["target_value"], latest]),
            "implied_from": pd.concat(
                [
                    aggregated["target_year"].map(lambda y: f"target {y}"),
                    latest_years.map(lambda y: "no value" if pd.isna(y) else f"latest {y}"),
                ]
            ),
        },
        index=pd.Index(parts, name="area", dtype="string"),
    )

    reasons = _cannot_assess(goal, aggregated, per_area, shared_baseline, sex)
    w = per_area["weight"]
    aggregated_baseline = float((w * per_area["baseline_value"]).sum()) if not reasons else math.nan
    implied_value = float((w * per_area["implied_value"]).sum()) if not reasons else math.nan
    if not reasons and aggregated_baseline == 0:
        reasons = (Reason("zero_aggregated_baseline"),)
    implied = implied_value / aggregated_baseline - 1 if not reasons else math.nan
    sign = -1 if indicator.direction == "decrease" else 1
    if reasons:
        verdict: Verdict = "cannot_assess"
    elif sign * (implied - required) >= -_TIE:
        verdict = "sufficient"
    else:
        verdict = "insufficient"

    notes = []
    if sex_used != sex:
        notes.append(Reason("total_population_used", {"sex": sex}))
    if weight_year is not None and weight_year != baseline_year:
        notes.append(
            Reason("population_of_other_year", {"used": weight_year, "year": baseline_year})
        )
    notes += _target_year_notes(goal, actors)
    return Consistency(
        goal=goal.id,
        sex=sex,
        as_of=as_of,
        verdict=verdict,
        reasons=reasons,
        baseline_year=baseline_year,
        target_year=target_year,
        shared_baseline=shared_baseline,
        shared_target=shared_target,
        required_change_percent=100 * required,
        aggregated_baseline=aggregated_baseline,
        implied_value=implied_value,
        implied_change_percent=100 * implied,
        gap_value=implied_value - aggregated_baseline * (1 + required),
        gap_percentage_points=100 * (implied - required),
        coverage=float(w[w.index.isin(aggregated.index)].sum()) if not reasons else math.nan,
        weight_year=weight_year,
        uncovered=uncovered,
        actors=actors,
        areas=per_area.reset_index(),
        notes=tuple(notes),
    )


def shares_of_change(
    fw: Framework,
    obs: pd.DataFrame,
    shared_goal_id: str,
    sex: str = "total",
    as_of: int | None = None,
) -> pd.DataFrame:
    """Each municipality's share of the shared area's change from the baseline year.

    One row per municipality of the shared area: area, actor (the actor with a goal on
    that area and series, None without one), weight, baseline_value, latest_value, change,
    weighted_change (weight * change) and share (weighted_change over their sum). The
    weights are fixed, the population of the latest year (nearest earlier when missing),
    so the weighted changes add up to the change of the weighted mean and the shares sum
    to 1. A municipality that moved against the others has a negative share. `attrs` hold
    baseline_year, latest_year (the latest year with data up to `as_of`) and weight_year.
    """
    goal = fw.shared_goal(shared_goal_id)
    assert goal.baseline is not None, "validated: a shared goal has a target, so a baseline"
    series = fw.series_id(goal.indicator)
    values = _table(obs, series, sex, as_of)
    parts = _municipalities(goal.area)
    observed = values.reindex(columns=parts).dropna(how="all")
    latest_year = int(observed.index[-1]) if not observed.empty else None
    population, _ = _population_table(fw, obs, goal.indicator, sex, as_of)
    # Without any data every value is NaN; the baseline year's population still shows the
    # weights the areas would have.
    weight_year_wanted = goal.baseline.year if latest_year is None else latest_year
    weights, weight_year = _weights_at(population, parts, weight_year_wanted)

    same_series = [
        g
        for g in _contributing(fw, goal)
        if fw.series_id(g.indicator) == series and fw.goal_area(g) in parts
    ]
    # reversed: the first goal on an area, in file order, names its actor
    actor_of = pd.Series({fw.goal_area(g): g.actor for g in reversed(same_series)}, dtype=object)
    frame = pd.DataFrame(
        {
            "actor": _with_none(actor_of.reindex(parts)),
            "weight": weights.reindex(parts) / weights.sum(),
            "baseline_value": _values_at(values, parts, goal.baseline.year),
            "latest_value": _values_at(values, parts, latest_year),
        },
        index=pd.Index(parts, name="area", dtype="string"),
    )
    frame["change"] = frame["latest_value"] - frame["baseline_value"]
    frame["weighted_change"] = frame["weight"] * frame["change"]
    total = frame["weighted_change"].sum()
    frame["share"] = frame["weighted_change"] / total if total else math.nan
    frame = frame.reset_index()
    frame.attrs = {
        "baseline_year": goal.baseline.year,
        "latest_year": latest_year,
        "weight_year": weight_year,
    }
    return frame


# --- helpers ---------------------------------------------------------------------------


def _table(obs: pd.DataFrame, series: str, sex: str, as_of: int | None = None) -> pd.DataFrame:
    """One series and sex as a year x area table of the values present (annual periods)."""
    rows = obs.loc[
        (obs["indicator"] == series) & (obs["sex"] == sex) & obs["value"].notna(),
        ["area", "period", "value"],
    ]
    # Only then the pattern, on this series' rows: matching every observation of the
    # store each time cost a national report's actor extract a tenth of a second.
    rows = rows[rows["period"].str.fullmatch(r"\d{4}")]
    rows = rows.assign(year=rows["period"].astype("int64"))
    if as_of is not None:
        rows = rows[rows["year"] <= as_of]
    # pivot, not pivot_table: two values for one key are a caller's error, never averaged.
    return rows.pivot(index="year", columns="area", values="value").sort_index()


def _population_table(
    fw: Framework, obs: pd.DataFrame, indicator_id: str, sex: str, as_of: int | None
) -> tuple[pd.DataFrame, str]:
    """The indicator's population base as a year x area table, for `sex` or else total."""
    base = fw.indicator(indicator_id).population_base
    if base is None:
        raise ValueError(
            f"indicator '{indicator_id}' declares no population_base, so its areas cannot be "
            "weighed; add e.g. 'population_base: population' to it in the framework"
        )
    series = fw.series_id(base)
    table = _table(obs, series, sex, as_of)
    if table.empty and sex != "total":
        return _table(obs, series, "total", as_of), "total"
    return table, sex


def _weights_at(
    table: pd.DataFrame, codes: Sequence[str], year: int
) -> tuple[pd.Series, int | None]:
    """The population of `codes` in `year`, else in the nearest earlier year with any."""
    known = table.reindex(columns=list(codes)).loc[:year].dropna(how="all")
    if known.empty:
        return pd.Series(dtype="float64", name="weight", index=pd.Index([], dtype="string")), None
    weights = known.iloc[-1].dropna().rename("weight")
    return weights.rename_axis("area"), int(known.index[-1])


def _values_at(table: pd.DataFrame, codes: Sequence[str], year: int | None) -> pd.Series:
    """The values of `codes` in `year`, NaN where absent."""
    return table.reindex(index=[year], columns=list(codes)).iloc[0].rename("value")


def _value_at(table: pd.DataFrame, code: str, year: int | None) -> float:
    """The value of `code` in `year`, NaN where absent: a look-up, not a reindex (one for
    each of a national programme's 290 actors: 0.19 s of its consistency check, now 0.05)."""
    if year in table.index and code in table.columns:
        return float(table.at[year, code])
    return math.nan


def _latest(table: pd.DataFrame, codes: list[str], up_to: int) -> tuple[pd.Series, pd.Series]:
    """Each area's latest value up to `up_to`, and the year it is from (NaN when none)."""
    window = table.reindex(columns=codes).loc[:up_to]
    if window.empty:
        return pd.Series(math.nan, index=codes), pd.Series(math.nan, index=codes)
    return window.ffill().iloc[-1], window.apply(pd.Series.last_valid_index)


def _with_none(values: pd.Series) -> pd.Series:
    """Text with None where missing: pandas would otherwise store missing text as NaN."""
    return values.astype(object).where(values.notna(), None)


def _municipalities(area: str) -> tuple[str, ...]:
    """The municipalities making up an area: a region's, riket's all, none of a municipality."""
    kind = registry.get(area).kind
    if kind == "municipality":
        return ()
    return tuple(a.code for a in registry.municipalities(None if kind == "country" else area))


def _contributing(fw: Framework, goal: SharedGoal) -> list[ActorGoal]:
    """The actor goals that contribute to `goal`, in file order."""
    return [g for g in fw.actor_goals if g.contributes_to == goal.id]


def _baseline_value(
    goal: SharedGoal | ActorGoal, values: pd.DataFrame, area: str, sex: str
) -> float:
    """A goal's baseline value: given in the framework (the total's), else from data."""
    if goal.baseline is None:
        return math.nan
    if goal.baseline.value is not None and sex == "total":
        return goal.baseline.value
    return _value_at(values, area, goal.baseline.year)


def _target_value(level: TargetLevel | None, baseline: float) -> float:
    """The target as a value: absolute as written, relative applied to `baseline`."""
    if level is None:
        return math.nan
    if level.value is not None:
        return level.value
    assert level.change_percent is not None, "validated: exactly one of value/change_percent"
    return baseline * (1 + level.change_percent / 100)


def _actor_rows(fw: Framework, goal: SharedGoal, values: pd.DataFrame, sex: str) -> pd.DataFrame:
    """The actor goals contributing to `goal`, with role, baseline and target for `sex`."""
    series = fw.series_id(goal.indicator)
    parts = set(_municipalities(goal.area))
    aggregated_areas: set[str] = set()
    rows = []
    for ag in _contributing(fw, goal):  # a framework's few goals, not data rows
        area = fw.goal_area(ag)
        same = fw.series_id(ag.indicator) == series
        if not same:
            role = "other_indicator"
        elif area == goal.area:
            role = "covers_whole_area"
        elif area not in parts:
            role = "not_a_municipality"
        elif ag.target is None:
            role = "no_target"
        elif area in aggregated_areas:
            role = "duplicate_area"
        else:
            role = "aggregated"
            aggregated_areas.add(area)
        baseline = _baseline_value(ag, values, area, sex) if same else math.nan
        level = ag.target_for(sex) if ag.target else None
        target = _target_value(level, baseline) if same else math.nan
        target_year = ag.target.year if ag.target else None
        rows.append(
            {
                "goal": ag.id,
                "actor": ag.actor,
                "area": area,
                "indicator": ag.indicator,
                "role": role,
                "baseline_year": ag.baseline.year if ag.baseline else None,
                "baseline_value": baseline,
                "target_year": target_year,
                "target_value": target,
                "target_change_percent": 100 * (target / baseline - 1) if baseline else math.nan,
            }
        )
    columns = ["goal", "actor", "area", "indicator", "role", "baseline_year", "baseline_value"]
    columns += ["target_year", "target_value", "target_change_percent"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"baseline_year": "Int64", "target_year": "Int64"})


def _target_year_notes(goal: SharedGoal, actors: pd.DataFrame) -> list[Reason]:
    """A note per aggregated actor goal whose target year is not the shared goal's."""
    differ = actors[(actors["role"] == "aggregated") & (actors["target_year"] != goal.target.year)]
    return [
        Reason(
            "actor_target_year_differs",
            {"goal": row.goal, "target_year": int(row.target_year), "year": goal.target.year},
        )
        for row in differ.itertuples(index=False)
    ]


def _cannot_assess(
    goal: SharedGoal,
    aggregated: pd.DataFrame,
    per_area: pd.DataFrame,
    baseline: float,
    sex: str,
) -> tuple[Reason, ...]:
    """Why consistency cannot be assessed, or () when it can."""
    if aggregated.empty:
        return (Reason("no_actor_goals", {"area": goal.area}),)
    assert goal.baseline is not None, "validated: a shared goal has a target, so a baseline"
    reasons = []
    if math.isnan(baseline):
        reasons.append(
            Reason(
                "no_shared_baseline", {"sex": sex, "area": goal.area, "year": goal.baseline.year}
            )
        )
    elif baseline == 0:
        reasons.append(Reason("zero_shared_baseline"))
    covered = per_area["actor"].notna()
    implied = per_area["implied_value"].isna()
    for missing, code, year in (
        (per_area["baseline_value"].isna(), "areas_without_baseline", goal.baseline.year),
        (implied & covered, "areas_without_target", None),
        (implied & ~covered, "areas_without_latest", goal.target.year),
        (per_area["weight"].isna(), "areas_without_population", None),
    ):
        if missing.any():
            found = tuple(str(a) for a in per_area.index[missing])
            params: dict[str, object] = {"areas": found}
            if year is not None:
                params |= {"sex": sex, "year": year}
            reasons.append(Reason(code, params))
    return tuple(reasons)
