"""Meaning checks on a framework that failed its structural checks.

When pydantic refuses part of a file, the cross-checks in `framework` cannot run on a
`Framework`. These checks read the raw YAML data instead, so that one run of `validate`
also reports a target that points the wrong way or an unknown indicator in the goals that
did parse: a user fixes every mistake in one round instead of two.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from typing import Any, TypeGuard

At = Callable[[tuple[str | int, ...], str], Any]
GOAL_SECTIONS = ("shared_goals", "actor_goals")


def wrong_way(change_percent: float, indicator: str, direction: str) -> str:
    """The message for a relative target whose sign contradicts the indicator's direction."""
    wanted = "negative (a decrease)" if direction == "decrease" else "positive (an increase)"
    return (
        f"change_percent {change_percent:g} points the wrong way: indicator '{indicator}' "
        f"should {direction}, so the change must be {wanted}"
    )


def unknown(what: str, value: str, known: set[str]) -> str:
    """The message for a reference to an id that does not exist, with the closest id."""
    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(sorted(known))}"
    return f"unknown {what} '{value}'{hint}"


def raw_goal_problems(data: dict[str, Any], at: At) -> Iterator[Any]:
    """Indicator references, target signs and years of every goal, read from raw data."""
    indicators = {
        item["id"]: item for item in _items(data, "indicators") if isinstance(item.get("id"), str)
    }
    for section in GOAL_SECTIONS:
        goals = data.get(section)
        for i, goal in enumerate(goals if isinstance(goals, list) else []):
            if not isinstance(goal, dict):
                continue
            p = (section, i)
            indicator_id = goal.get("indicator")
            if not isinstance(indicator_id, str):
                continue
            if indicator_id not in indicators:
                yield at((*p, "indicator"), unknown("indicator", indicator_id, set(indicators)))
                continue
            direction = indicators[indicator_id].get("direction")
            if direction in ("increase", "decrease"):
                yield from _signs(goal, p, indicator_id, direction, at)
            yield from _years(goal, p, at)


def _items(data: dict[str, Any], section: str) -> list[dict[str, Any]]:
    value = data.get(section)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _signs(goal: dict[str, Any], p: tuple, indicator: str, direction: str, at: At) -> Iterator[Any]:
    levels: list[tuple[tuple, Any]] = [((*p, "target"), goal.get("target"))]
    sex_targets = goal.get("sex_targets")
    if isinstance(sex_targets, dict):
        levels += [((*p, "sex_targets", sex), level) for sex, level in sex_targets.items()]
    sign = -1 if direction == "decrease" else 1
    for path, level in levels:
        change = level.get("change_percent") if isinstance(level, dict) else None
        if _number(change) and change * sign <= 0:
            yield at((*path, "change_percent"), wrong_way(change, indicator, direction))


def _years(goal: dict[str, Any], p: tuple, at: At) -> Iterator[Any]:
    baseline, target = goal.get("baseline"), goal.get("target")
    start = baseline.get("year") if isinstance(baseline, dict) else None
    end = target.get("year") if isinstance(target, dict) else None
    if _whole(start) and _whole(end) and end <= start:
        yield at(
            (*p, "target", "year"),
            f"target year {end} must be after the baseline year {start}",
        )


def _number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
