"""The action plan: per goal in a goal section, and whole at the end of the report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from collab_metrics.model.framework import (
    Action,
)
from collab_metrics.report.context import (
    ReportContext,
)
from collab_metrics.report.markup import Html
from collab_metrics.report.templating import render
from collab_metrics.report.views import Row, Table, action_status_label
from collab_metrics.report.wording import listing
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import (
    ACTION_STATUS,
    Language,
)


@dataclass(frozen=True)
class ActionList:
    """A list of actions: a heading, a sentence (counts, or why there is no table), a table."""

    heading: str
    text: str | None
    table: Table | None


def _action_rows(ctx: ReportContext, actions: Sequence[Action]) -> tuple[Row, ...]:
    fw, language = ctx.fw, ctx.language
    return tuple(
        Row(
            action.description,
            (
                fw.actor(action.actor).name,
                fw.goal(action.goal).title
                if action.goal
                else message("report.the_whole_collaboration", language),
                action.responsible or "–",
                fmt.date(action.due, language) if action.due else "–",
                action_status_label(action.status, language),
            ),
        )
        for action in actions
    )


def _action_headers(language: Language) -> list[str]:
    return [
        message("report.action", language),
        message("report.actor", language),
        message("report.goal", language),
        message("report.responsible", language),
        message("report.due", language),
        message("report.status", language),
    ]


def actions_part(ctx: ReportContext, goal_ids: Sequence[str]) -> Html:
    """The actions of a shared goal and of the actors' goals for it, in its goal section."""
    return render("parts/goal_actions.html.j2", goal_actions_view(ctx, goal_ids), ctx.templates)


def goal_actions_view(ctx: ReportContext, goal_ids: Sequence[str]) -> ActionList:
    language = ctx.language
    actions = [a for a in ctx.fw.actions if a.goal in goal_ids]
    heading = message("report.action_plan", language)
    if not actions:
        return ActionList(heading, message("report.goal_actions_none", language), None)
    caption = message("report.goal_actions_caption", language)
    table = Table(caption, _action_headers(language), (_action_rows(ctx, actions),), "actions")
    return ActionList(heading, None, table)


def action_plan(ctx: ReportContext) -> Html:
    """The whole action plan: every action, with or without a goal, and counts per status."""
    return render("parts/action_plan.html.j2", action_plan_view(ctx), ctx.templates)


def action_plan_view(ctx: ReportContext) -> ActionList:
    language = ctx.language
    actions = ctx.fw.actions
    heading = message("report.action_plan", language)
    if not actions:
        return ActionList(heading, message("report.action_plan_empty", language), None)
    counts: Counter[str] = Counter(a.status for a in actions)
    shown = listing(
        [
            f"{count} {ACTION_STATUS[language][code].lower()}"
            for code in ACTION_STATUS[language]
            if (count := counts.get(code, 0))
        ],
        language,
    )
    lead = message("report.action_plan_lead", language, count=len(actions), shown=shown)
    caption = message("report.action_plan_caption", language)
    table = Table(caption, _action_headers(language), (_action_rows(ctx, actions),), "actions")
    return ActionList(heading, lead, table)


# --- discussion questions ------------------------------------------------------------
