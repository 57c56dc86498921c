"""The report parts, as language-aware HTML fragments: the module the notebooks import.

Each public function returns `Html` for one part of a report: the joint follow-up that the
steering group reads (title page, summary, one section per shared goal, discussion
questions, what changed, newer data, action plan, sources, method), one extract per actor
and the baseline analysis (nulägesanalys). A notebook cell only displays what a function
returns, so every word and number a reader sees is made in the package, where tests reach
it. Each part lives in a module of its own, built from a view model and a Jinja template
(`report/templates/parts/`); its words come from the text layer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from collab_metrics.report import (
    actions,
    appendix,
    attribution,
    baseline,
    changes,
    extract,
    goal,
    questions,
    resources,
    title,
)
from collab_metrics.report import summary as summary_part
from collab_metrics.report.context import ReportContext, load_context
from collab_metrics.report.markup import Html
from collab_metrics.text import overrides

_P = ParamSpec("_P")


def _in_collaboration_words(
    part: Callable[Concatenate[ReportContext, _P], Html],
) -> Callable[Concatenate[ReportContext, _P], Html]:
    """The part made with the collaboration's own messages (`text/` beside its framework
    file), where it has any; its own templates come through `ReportContext.templates`."""

    @functools.wraps(part)
    def in_its_words(ctx: ReportContext, /, *args: _P.args, **kwargs: _P.kwargs) -> Html:
        with overrides.using(ctx.fw.path):
            return part(ctx, *args, **kwargs)

    return in_its_words


title_page = _in_collaboration_words(title.title_page)
summary = _in_collaboration_words(summary_part.summary)
goals_heading = _in_collaboration_words(goal.goals_heading)
goal_section = _in_collaboration_words(goal.goal_section)
discussion_questions = _in_collaboration_words(questions.discussion_questions)
what_changed = _in_collaboration_words(changes.what_changed)
newer_data = _in_collaboration_words(changes.newer_data)
action_plan = _in_collaboration_words(actions.action_plan)
resources_section = _in_collaboration_words(resources.resources_section)
sources = _in_collaboration_words(attribution.sources)
method_appendix = _in_collaboration_words(appendix.method_appendix)
actor_extract = _in_collaboration_words(extract.actor_extract)
baseline_analysis = _in_collaboration_words(baseline.baseline_analysis)

__all__ = [
    "Html",
    "ReportContext",
    "action_plan",
    "actor_extract",
    "baseline_analysis",
    "discussion_questions",
    "goal_section",
    "goals_heading",
    "load_context",
    "method_appendix",
    "newer_data",
    "resources_section",
    "sources",
    "summary",
    "title_page",
    "what_changed",
]
