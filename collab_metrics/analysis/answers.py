"""The actors' answers imported from their workbooks, laid over the framework's own.

`collab collect` stores each actor's assessments and actions; a report, a status table and
the next period's workbooks read them back here, so every reader sees the same merged
follow-up without going through the workbook code.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from collab_metrics.model.framework import Action, Assessment, Framework
from collab_metrics.store import Store


def action_model(row: dict[str, Any]) -> Action:
    """A stored action row as the framework's model."""
    return Action(
        id=row["action_id"],
        actor=row["actor"],
        goal=row["goal"],
        description=row["description"],
        responsible=row["responsible"],
        due=row["due"],
        status=row["status"],
    )


def answers_of(
    fw: Framework, assessment_rows: Sequence[dict[str, Any]], action_rows: Sequence[dict[str, Any]]
) -> tuple[list[Assessment], list[Action]]:
    """Stored rows as the framework's models; each action as of its latest period.

    Answers about goals or actors the framework no longer has are left out: a report
    cannot place them.
    """
    goals = {g.id for g in fw.goals}
    actors = {a.id for a in fw.actors}
    assessments = [
        Assessment(
            goal=r["goal"],
            actor=r["actor"],
            period=r["period"],
            judgement=r["judgement"],
            justification=r["justification"],
            owner=r["owner"],
        )
        for r in assessment_rows
        if r["goal"] in goals and r["actor"] in actors
    ]
    latest: dict[str, dict[str, Any]] = {}
    for r in sorted(action_rows, key=lambda r: (r["period"], r["import_id"])):
        latest[r["action_id"]] = r
    actions = [
        action_model(r)
        for r in latest.values()
        if r["actor"] in actors and (r["goal"] is None or r["goal"] in goals)
    ]
    return assessments, actions


def imported(store_path: Path, fw: Framework) -> tuple[list[Assessment], list[Action]]:
    """The current (not replaced) imported assessments and actions of the framework.

    Without a store there are none. Each action comes as of the latest period it was
    answered for.
    """
    if not Path(store_path).exists():
        return [], []
    with Store.open(store_path, read_only=True) as store:
        assessment_rows, action_rows = store.imported_answers(fw.collaboration.id)
    return answers_of(fw, assessment_rows, action_rows)


def merge(fw: Framework, assessments: Sequence[Assessment], actions: Sequence[Action]) -> Framework:
    """The framework with imported answers laid over its own.

    An imported assessment replaces the framework file's for the same goal, actor and
    period, and an imported action the file's with the same id (keeping its place in the
    action plan); the others are added.
    """
    keys = {(a.goal, a.actor, a.period) for a in assessments}
    kept = [a for a in fw.assessments if (a.goal, a.actor, a.period) not in keys]
    by_id = {a.id: a for a in actions}
    merged_actions = [by_id.pop(a.id, a) for a in fw.actions]
    return fw.model_copy(
        update={"assessments": [*kept, *assessments], "actions": [*merged_actions, *by_id.values()]}
    )
