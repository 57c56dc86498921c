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

from collab_metrics.report.actions import action_plan
from collab_metrics.report.appendix import method_appendix
from collab_metrics.report.attribution import sources
from collab_metrics.report.baseline import baseline_analysis
from collab_metrics.report.changes import newer_data, what_changed
from collab_metrics.report.context import ReportContext, load_context
from collab_metrics.report.extract import actor_extract
from collab_metrics.report.goal import goal_section, goals_heading
from collab_metrics.report.markup import Html
from collab_metrics.report.questions import discussion_questions
from collab_metrics.report.summary import summary
from collab_metrics.report.title import title_page

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
    "sources",
    "summary",
    "title_page",
    "what_changed",
]
