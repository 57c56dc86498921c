"""Checks of meaning that need the whole framework: ids, references, years, signs, areas.

They run after pydantic has checked the structure, and yield every problem found with the
file and line to fix (`framework.check_framework` collects them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collab_metrics.model import areas, partial
from collab_metrics.model.blocks import ActorGoal, Goal, TargetLevel
from collab_metrics.model.problems import Problem, SourceMap, key_name
from collab_metrics.model.resources import check_resources

if TYPE_CHECKING:
    from collab_metrics.model.framework import Framework

INCLUDABLE_SECTIONS = ("assessments", "actions", "priorities")
# Sections holding one block of keys that may be read from a file of its own.
INCLUDABLE_MAPPINGS = ("resources",)


def cross_check(fw: Framework, sources: SourceMap) -> Iterator[Problem]:
    """Problems that need the whole framework: ids, references, years, areas."""
    raw = sources.main.data

    def at(path: tuple[str | int, ...], message: str) -> Problem:
        file, line = sources.locate(path)
        return Problem(file, line, key_name(_merged(raw, fw), list(path)), message)

    yield from _duplicates(fw, at)
    actor_ids = {a.id for a in fw.actors}
    indicator_ids = {i.id for i in fw.indicators}
    shared_ids = {g.id for g in fw.shared_goals}
    goal_ids = shared_ids | {g.id for g in fw.actor_goals}

    def ref(path: tuple[str | int, ...], value: str | None, known: set[str], what: str):
        if value is not None and value not in known:
            return at(path, partial.unknown(what, value, known))
        return None

    for i, ind in enumerate(fw.indicators):
        p = ("indicators", i)
        for problem in (
            ref((*p, "population_base"), ind.population_base, indicator_ids, "indicator"),
            ref((*p, "reported_by"), ind.reported_by, actor_ids, "actor"),
        ):
            if problem:
                yield problem
        if ind.population_base == ind.id:
            yield at((*p, "population_base"), "an indicator cannot be its own population base")
        if ind.population_share is not None and ind.population_base is None:
            yield at((*p, "population_share"), "a population_share needs a population_base")
        if ind.source == "file" and Path(ind.query.path).is_absolute():
            yield at((*p, "query", "path"), "give the path relative to the data directory")

    sections: tuple[tuple[str, list[Goal]], ...] = (
        ("shared_goals", list(fw.shared_goals)),
        ("actor_goals", list(fw.actor_goals)),
    )
    for section, goals in sections:
        for i, goal in enumerate(goals):
            p = (section, i)
            problem = ref((*p, "indicator"), goal.indicator, indicator_ids, "indicator")
            if problem:
                yield problem
                continue
            yield from _check_goal(fw, goal, p, at)
            for j, context_id in enumerate(getattr(goal, "context_indicators", [])):
                problem = ref((*p, "context_indicators", j), context_id, indicator_ids, "indicator")
                if problem:
                    yield problem
            if isinstance(goal, ActorGoal):
                yield from _check_actor_goal(fw, goal, p, at, ref, actor_ids, shared_ids)

    for i, item in enumerate(fw.assessments):
        p = ("assessments", i)
        for problem in (
            ref((*p, "goal"), item.goal, goal_ids, "goal"),
            ref((*p, "actor"), item.actor, actor_ids, "actor"),
        ):
            if problem:
                yield problem
    for i, action in enumerate(fw.actions):
        p = ("actions", i)
        for problem in (
            ref((*p, "actor"), action.actor, actor_ids, "actor"),
            ref((*p, "goal"), action.goal, goal_ids, "goal"),
        ):
            if problem:
                yield problem
    yield from check_resources(fw, at)


def _merged(raw: dict[str, Any], fw: Framework) -> dict[str, Any]:
    """Raw data with included sections resolved, for naming keys in messages."""
    merged = dict(raw)
    for section in INCLUDABLE_SECTIONS:
        merged[section] = [m.model_dump() for m in getattr(fw, section)]
    if fw.resources is not None:
        merged["resources"] = fw.resources.model_dump()
    return merged


def _duplicates(fw: Framework, at: Any) -> Iterator[Problem]:
    for section, items in (
        ("actors", fw.actors),
        ("indicators", fw.indicators),
        ("actions", fw.actions),
    ):
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in first:
                yield at(
                    (section, i, "id"),
                    f"duplicate id '{item.id}' (also {section}[{first[item.id]}])",
                )
            first.setdefault(item.id, i)
    # Shared and actor goals share one namespace: assessments refer to either.
    seen: dict[str, str] = {}
    for section, goals in (("shared_goals", fw.shared_goals), ("actor_goals", fw.actor_goals)):
        for i, goal in enumerate(goals):
            if goal.id in seen:
                yield at(
                    (section, i, "id"), f"duplicate goal id '{goal.id}' (also {seen[goal.id]})"
                )
            seen.setdefault(goal.id, f"{section}[{i}]")
    keys: dict[tuple[str, str, str], int] = {}
    for i, assessment in enumerate(fw.assessments):
        key = (assessment.goal, assessment.actor, assessment.period)
        if key in keys:
            yield at(
                ("assessments", i),
                f"a second assessment of goal '{assessment.goal}' by '{assessment.actor}' for "
                f"{assessment.period} "
                f"(also assessments[{keys[key]}])",
            )
        keys.setdefault(key, i)


def _check_goal(fw: Framework, goal: Goal, p: tuple, at: Any) -> Iterator[Problem]:
    indicator = fw.indicator(goal.indicator)
    if indicator.direction == "neutral":
        yield at(
            (*p, "indicator"),
            f"indicator '{indicator.id}' has direction 'neutral'; a goal needs an indicator "
            "whose direction is 'increase' or 'decrease'",
        )
        return
    if goal.target and goal.baseline and goal.target.year <= goal.baseline.year:
        yield at(
            (*p, "target", "year"),
            f"target year {goal.target.year} must be after the baseline year {goal.baseline.year}",
        )
    levels: list[tuple[tuple, TargetLevel]] = []
    if goal.target:
        levels.append(((*p, "target"), goal.target))
    levels += [((*p, "sex_targets", sex), level) for sex, level in goal.sex_targets.items()]
    sign = -1 if indicator.direction == "decrease" else 1
    yield from _check_baseline_value(goal, levels, at)
    for path, level in levels:
        if level.change_percent is not None and level.change_percent * sign <= 0:
            yield at(
                (*path, "change_percent"),
                partial.wrong_way(level.change_percent, indicator.id, indicator.direction),
            )
        # A given baseline value is the total's; sex targets have baselines of their own.
        given = goal.baseline.value if goal.baseline and level is goal.target else None
        if level.value is not None and given is not None and (level.value - given) * sign <= 0:
            change = "an increase" if sign > 0 else "a decrease"
            yield at(
                (*path, "value"),
                f"target {level.value:g} is not {change} from the baseline value {given:g} "
                f"(indicator '{indicator.id}' should {indicator.direction})",
            )
        limit = indicator.natural_limit
        if level.value is not None and limit is not None and (level.value - limit) * sign > 0:
            yield at(
                (*path, "value"), f"target {level.value:g} lies beyond the natural limit {limit:g}"
            )
    if goal.sex_targets and "sex" not in indicator.breakdowns:
        yield at(
            (*p, "sex_targets"),
            f"indicator '{indicator.id}' has no sex breakdown; add 'breakdowns: [sex]' to it",
        )


def _check_baseline_value(
    goal: Goal, levels: list[tuple[tuple, TargetLevel]], at: Any
) -> Iterator[Problem]:
    """A given baseline value from which no rate of change can be computed."""
    given = goal.baseline.value if goal.baseline else None
    if given is None or goal.target is None:
        return
    for where, level in levels:
        if level is not goal.target:
            continue  # sex targets have baselines of their own, read from the data
        if given == 0 and level.change_percent is not None:
            yield at(
                (*where[:-1], "baseline", "value"),
                "a relative target (change_percent) cannot start from the baseline value 0: "
                "every percentage of 0 is 0; give the target as a 'value'",
            )
        elif level.value is not None and given * level.value < 0:
            yield at(
                (*where, "value"),
                f"target {level.value:g} lies across zero from the baseline value {given:g}: "
                "the rate of change between them cannot be computed",
            )


def _check_actor_goal(
    fw: Framework,
    goal: ActorGoal,
    p: tuple,
    at: Any,
    ref: Any,
    actor_ids: set[str],
    shared_ids: set[str],
) -> Iterator[Problem]:
    for problem in (
        ref((*p, "actor"), goal.actor, actor_ids, "actor"),
        ref((*p, "contributes_to"), goal.contributes_to, shared_ids, "shared goal"),
    ):
        if problem:
            yield problem
            return
    actor = fw.actor(goal.actor)
    area = goal.area or actor.area
    if area is None:
        yield at(p, f"actor '{actor.id}' has no area of its own; give this goal an 'area'")
        return
    shared = fw.shared_goal(goal.contributes_to)
    if not areas.contains(shared.area, area):
        yield at(
            (*p, "area") if goal.area else (*p, "actor"),
            f"area {area} ({areas.get(area).name}) lies outside the shared goal "
            f"'{shared.id}' area {shared.area} ({areas.get(shared.area).name})",
        )
