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
    _say,
)
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
                else _say(language, "Hela samverkan", "The whole collaboration"),
                action.responsible or "–",
                _date(action.due, language) if action.due else "–",
                _action_status(action.status, language),
            ],
        )
        for action in actions
    ]


def _action_headers(language: Language) -> list[str]:
    return [
        _say(language, "Åtgärd", "Action"),
        _say(language, "Aktör", "Actor"),
        _say(language, "Mål", "Goal"),
        _say(language, "Ansvarig", "Responsible"),
        _say(language, "Klart senast", "Due"),
        _say(language, "Status", "Status"),
    ]


def _actions_part(ctx: ReportContext, goal_ids: Sequence[str]) -> Html:
    language = ctx.language
    actions = [a for a in ctx.fw.actions if a.goal in goal_ids]
    heading = _el("h4", _say(language, "Handlingsplan", "Action plan"))
    if not actions:
        return _join(
            heading,
            _el(
                "p",
                _say(
                    language,
                    "Inga åtgärder i handlingsplanen är kopplade till det här målet.",
                    "No action in the action plan is linked to this goal.",
                ),
            ),
        )
    caption = _say(
        language,
        "Åtgärder för målet och aktörernas mål",
        "Actions for the goal and the actors' goals",
    )
    return _join(
        heading, _table(caption, _action_headers(language), _action_rows(ctx, actions), "actions")
    )


def action_plan(ctx: ReportContext) -> Html:
    """The whole action plan: every action, with or without a goal, and counts per status."""
    language = ctx.language
    actions = ctx.fw.actions
    heading = _el("h2", _say(language, "Handlingsplan", "Action plan"), id="action-plan")
    if not actions:
        return _el(
            "section",
            heading,
            _el("p", _say(language, "Handlingsplanen är tom.", "The action plan is empty.")),
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
    lead = _say(
        language,
        f"Handlingsplanen har {len(actions)} åtgärder: {shown}.",
        f"The action plan has {len(actions)} actions: {shown}.",
    )
    caption = _say(language, "Alla åtgärder i handlingsplanen", "Every action in the action plan")
    return _el(
        "section",
        heading,
        _el("p", lead),
        _table(caption, _action_headers(language), _action_rows(ctx, actions), "actions"),
        cls="action-plan",
    )


# --- discussion questions ------------------------------------------------------------
