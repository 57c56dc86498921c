"""The actors' judgements and actions: read from a returned workbook, compared with what
the store holds, and laid over the framework's own for the reports."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import ValidationError

from collab_metrics.analysis.answers import action_model
from collab_metrics.model.framework import Action, Actor, Assessment, Framework
from collab_metrics.text.labels import ACTION_STATUS, JUDGEMENT
from collab_metrics.workbooks.layout import (
    FIRST_ROW,
    GOALS,
    chosen_goal_id,
    goals_of,
    new_action_id,
)
from collab_metrics.workbooks.reading import (
    Meta,
    Reader,
    choice,
    due_date,
    goal_problem,
    in_place,
    model_problem,
)


def read_goals(fw: Framework, reader: Reader, meta: Meta) -> Iterator[tuple[int, Assessment]]:
    """(row, assessment) for every goal row with a judgement; problems go to the reader."""
    actor = fw.actor(meta.actor)
    allowed = {g.id for g in goals_of(fw, actor.id)}
    for row, expected in enumerate(meta.goals, start=FIRST_ROW):
        if reader.sheet is None:
            return
        if not in_place(reader, row, "goal", expected, "goal"):
            return  # every row below has moved too
        reason = goal_problem(fw, expected, actor, allowed)
        if reason:
            reader.problem(row, "goal", reason)
            continue
        judgement = choice(reader, row, "judgement", JUDGEMENT)
        justification, owner = reader.text(row, "justification"), reader.text(row, "owner")
        if judgement is None:
            if reader.text(row, "judgement") == "" and (justification or owner):
                reader.problem(row, "judgement", reader.say("judgement_needed"))
            continue
        try:
            assessment = Assessment(
                goal=expected,
                actor=actor.id,
                period=meta.period,
                judgement=judgement,  # a code of JUDGEMENT
                justification=justification,
                owner=owner,
            )
        except ValidationError as exc:  # too long, or a control character
            model_problem(reader, row, exc, "justification")
            continue
        yield row, assessment
    for row in reader.rows(FIRST_ROW + len(meta.goals)):
        if not reader.blank(row, [c.key for c in GOALS.columns]):
            reader.problem(row, "goal", reader.say("row_added"))


def read_actions(fw: Framework, reader: Reader, meta: Meta) -> Iterator[tuple[int, Action]]:
    """(row, action) for every existing action and every filled-in new row."""
    actor = fw.actor(meta.actor)
    allowed = {g.id for g in goals_of(fw, actor.id)}
    for row, expected in enumerate(meta.actions, start=FIRST_ROW):
        if reader.sheet is None:
            return
        if not in_place(reader, row, "id", expected, "action"):
            return
        action = _action(fw, reader, row, expected, actor, allowed)
        if action is not None:
            yield row, action
    first_new = FIRST_ROW + len(meta.actions)
    for row in reader.rows(first_new):
        if reader.blank(row, reader.editable):
            continue
        if reader.text(row, "id"):
            reader.problem(row, "id", reader.say("new_action_id"))
            continue
        number = meta.new_action_start + row - first_new
        action_id = new_action_id(actor.id, meta.period, number)
        action = _action(fw, reader, row, action_id, actor, allowed)
        if action is not None:
            yield row, action


def _action(
    fw: Framework, reader: Reader, row: int, action_id: str, actor: Actor, allowed: set[str]
) -> Action | None:
    """The action on one row, or None after recording its problems."""
    before = len(reader.problems)
    goal = chosen_goal_id(fw, actor, reader.text(row, "goal")) or None
    if goal is not None:
        reason = goal_problem(fw, goal, actor, allowed)
        if reason:
            reader.problem(row, "goal", reason)
    description = reader.text(row, "description")
    if not description:
        words = ACTION_STATUS[reader.language]
        reader.problem(
            row, "description", reader.say("description_needed", removed=words["removed"])
        )
    due = due_date(reader, row)
    status = choice(reader, row, "status", ACTION_STATUS)
    if len(reader.problems) > before:
        return None
    try:
        return Action(
            id=action_id,
            actor=actor.id,
            goal=goal,
            description=description,
            responsible=reader.text(row, "responsible"),
            due=due,
            status=status or "not_started",  # a code of ACTION_STATUS
        )
    except ValidationError as exc:
        model_problem(reader, row, exc, "id")
        return None


def _judged(answer: Assessment | dict[str, Any]) -> tuple[Any, ...]:
    """What an assessment says: judgement, justification and owner."""
    values = answer.model_dump() if isinstance(answer, Assessment) else answer
    return values["judgement"], values["justification"], values["owner"]


def changed_assessments(
    fw: Framework,
    reader: Reader,
    meta: Meta,
    assessments: Sequence[tuple[int, Assessment]],
    stored: Sequence[dict[str, Any]],
    replace: bool,
) -> tuple[list[Assessment], int]:
    """The assessments to store and how many stored ones they replace.

    An answer equal to the stored one (or, with none stored, to the framework file's) is
    left out; a different one replaces the stored answer only with `replace`.
    """
    mine = {r["goal"]: r for r in stored if r["actor"] == meta.actor and r["period"] == meta.period}
    written = {
        a.goal: a for a in fw.assessments if a.actor == meta.actor and a.period == meta.period
    }
    new, replaced = [], 0
    for row, assessment in assessments:
        earlier = mine.get(assessment.goal)
        if earlier is None:
            in_file = written.get(assessment.goal)
            if in_file is None or _judged(in_file) != _judged(assessment):
                new.append(assessment)
        elif _judged(earlier) != _judged(assessment):
            if replace:
                new.append(assessment)
                replaced += 1
            else:
                conflict = _conflict(reader, "goal", assessment.goal, meta, earlier)
                reader.problem(row, "judgement", conflict)
    return new, replaced


def _conflict(reader: Reader, what: str, key: str, meta: Meta, earlier: dict[str, Any]) -> str:
    """Why a different answer is not imported over an earlier one without --replace."""
    when = earlier["imported_at"].strftime("%Y-%m-%d %H:%M")
    file = earlier["file_name"]
    return reader.say(f"{what}_answered", key=key, period=meta.period, file=file, when=when)


def _action_fields(action: Action) -> tuple[Any, ...]:
    return (action.goal, action.description, action.responsible, action.due, action.status)


def changed_actions(
    current: Framework,
    reader: Reader,
    meta: Meta,
    actions: Sequence[tuple[int, Action]],
    stored: Sequence[dict[str, Any]],
    replace: bool,
) -> tuple[list[Action], int]:
    """The actions to store and how many stored ones (same period) they replace.

    `current` is the framework with the imported answers merged: an action as the actor
    last saw it is left out, so untouched rows are not stored again.
    """
    mine = {
        r["action_id"]: r for r in stored if r["actor"] == meta.actor and r["period"] == meta.period
    }
    known = {a.id: a for a in current.actions}
    new, replaced = [], 0
    for row, action in actions:
        other = known.get(action.id)
        if other is not None and other.actor != action.actor:
            owner = reader.say("action_of_other_actor", action=action.id, actor=other.actor)
            reader.problem(row, "id", owner)
            continue
        earlier = mine.get(action.id)
        if earlier is None:
            if other is None or _action_fields(other) != _action_fields(action):
                new.append(action)
        elif _action_fields(action_model(earlier)) != _action_fields(action):
            if replace:
                new.append(action)
                replaced += 1
            else:
                conflict = _conflict(reader, "action", action.id, meta, earlier)
                reader.problem(row, "description", conflict)
    return new, replaced
