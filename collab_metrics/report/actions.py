"""The action plan: per goal in a goal section, and whole at the end of the report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from collab_metrics.model.framework import (
    Action,
)
from collab_metrics.report.context import (
    ReportContext,
)
from collab_metrics.report.markup import (
    Html,
    _action_status,
    _el,
    _join,
    _table,
    _tr,
)
from collab_metrics.report.wording import (
    _date,
    _listing,
)
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import (
    ACTION_STATUS,
    Language,
)


def _action_rows(ctx: ReportContext, actions: Sequence[Action]) -> list[Html]:
    fw, language = ctx.fw, ctx.language
    return [
        _tr(
            action.description,
            [
                fw.actor(action.actor).name,
                fw.goal(action.goal).title
                if action.goal
                else message("report.the_whole_collaboration", language),
                action.responsible or "–",
                _date(action.due, language) if action.due else "–",
                _action_status(action.status, language),
            ],
        )
        for action in actions
    ]


def _action_headers(language: Language) -> list[str]:
    return [
        message("report.action", language),
        message("report.actor", language),
        message("report.goal", language),
        message("report.responsible", language),
        message("report.due", language),
        message("report.status", language),
    ]


def _actions_part(ctx: ReportContext, goal_ids: Sequence[str]) -> Html:
    language = ctx.language
    actions = [a for a in ctx.fw.actions if a.goal in goal_ids]
    heading = _el("h4", message("report.action_plan", language))
    if not actions:
        return _join(
            heading,
            _el(
                "p",
                message("report.actions_part_no_action_in_the", language),
            ),
        )
    caption = message("report.actions_part_actions_for_the_goal", language)
    return _join(
        heading, _table(caption, _action_headers(language), _action_rows(ctx, actions), "actions")
    )


def action_plan(ctx: ReportContext) -> Html:
    """The whole action plan: every action, with or without a goal, and counts per status."""
    language = ctx.language
    actions = ctx.fw.actions
    heading = _el("h2", message("report.action_plan", language), id="action-plan")
    if not actions:
        return _el(
            "section",
            heading,
            _el("p", message("report.action_plan_the_action_plan_is", language)),
            cls="action-plan",
        )
    counts = Counter(a.status for a in actions)
    shown = _listing(
        [
            f"{count} {ACTION_STATUS[language][code].lower()}"
            for code in ACTION_STATUS[language]
            if (count := counts.get(code, 0))
        ],
        language,
    )
    lead = message(
        "report.action_plan_the_action_plan_has", language, count=len(actions), shown=shown
    )
    caption = message("report.action_plan_every_action_in_the", language)
    return _el(
        "section",
        heading,
        _el("p", lead),
        _table(caption, _action_headers(language), _action_rows(ctx, actions), "actions"),
        cls="action-plan",
    )


# --- discussion questions ------------------------------------------------------------
