"""The one-page summary: goals per status, verdicts at the target year, the goals table."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from collab_metrics import charts
from collab_metrics.analysis.assess import (
    SHORT_TERM,
    STATUSES,
)
from collab_metrics.report.context import (
    ReportContext,
    chance_words,
    goal_row,
    sex_rows,
    unit_of,
)
from collab_metrics.report.early_warning import WarningBox, warning_box
from collab_metrics.report.markup import (
    Html,
    chart_figure,
)
from collab_metrics.report.templating import render
from collab_metrics.report.views import (
    GoalLink,
    Lines,
    Mark,
    Row,
    Table,
    direction_label,
    figure,
    status_mark,
)
from collab_metrics.report.wording import quote
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import (
    SEX,
    Language,
)


@dataclass(frozen=True)
class Summary:
    """The summary's view model: counts per status, verdicts, the goals table and its note."""

    heading: str
    lead: str
    counts: tuple[tuple[Mark, str], ...]  # a status and ": 2 mål"
    verdicts: tuple[str, ...]
    table: Table
    note: str
    warning: WarningBox  # the early-warning box at the top


def summary(ctx: ReportContext) -> Html:
    """One page: how many goals per status, and one table of every shared goal."""
    return render("parts/summary.html.j2", summary_view(ctx), ctx.templates)


def summary_view(ctx: ReportContext) -> Summary:
    """The summary's words, values and sparklines."""
    fw, language = ctx.fw, ctx.language
    goals = fw.shared_goals
    counts = Counter(
        row.status if row is not None else "cannot_assess"
        for row in (goal_row(ctx, g.id) for g in goals)
    )
    count_items = tuple(
        (status_mark(code, language), ": " + _goal_count(count, language))
        for code in (*STATUSES, "")
        if (count := counts.get(code, 0))
    )
    lead = message(
        "report.summary_lead_one" if len(goals) == 1 else "report.summary_lead_many",
        language,
        count=len(goals),
        year=ctx.year,
    )
    headers = (
        message("report.goal", language),
        message("report.status", language),
        message("report.latest_value", language),
        message("report.target", language),
        message("report.direction", language),
        message("report.chance", language),
    )
    groups = []
    for goal in goals:
        unit = unit_of(fw, goal)
        rows = []
        for sex, row in sex_rows(ctx, goal.id):
            cells = (
                status_mark(row.status, language),
                figure(row.latest_value, row.latest_period, unit, language),
                figure(row.target_value, row.target_year, unit, language),
                Lines(
                    (
                        direction_label(row.direction_long, language),
                        direction_label(row.direction_short, language),
                    )
                ),
                chance_words(row, language),
            )
            if sex == "total":
                # The goal's header names the whole group (total, women, men) for a screen
                # reader; the sparkline sits under the title to spare a column.
                spark = charts.sparkline(fw, ctx.observations, goal.id, ctx.result, language)
                header = GoalLink(goal.title, f"goal-{goal.id}", chart_figure(spark))
                rows.append(Row(header, cells, "goal-row", frozenset({1, 2}), "rowgroup"))
            else:
                rows.append(Row(SEX[language][sex], cells, "sex-row", frozenset({1, 2})))
        groups.append(tuple(rows))
    caption = message("report.summary_caption", language, year=ctx.year)
    return Summary(
        heading=message("report.summary", language),
        lead=lead,
        counts=count_items,
        verdicts=tuple(_verdict_lines(ctx)),
        table=Table(caption, headers, tuple(groups), "summary-table"),
        note=message("report.summary_note", language, years=SHORT_TERM),
        warning=warning_box(ctx),
    )


def _verdict_lines(ctx: ReportContext) -> list[str]:
    """For each shared goal whose target year has data: was it reached by then, or later?"""
    language, lines = ctx.language, []
    for goal in ctx.fw.shared_goals:
        row = goal_row(ctx, goal.id)
        if row is None or not bool(row.target_passed) or row.status == "cannot_assess":
            continue
        title, year = quote(goal.title, language), int(row.target_year)
        pace = (
            message(
                "report.verdict_pace_until_then",
                language,
                ratio=fmt.share(row.ratio, language),
            )
            if not fmt.missing(row.ratio) and math.isfinite(row.ratio)
            else ""
        )
        if row.status == "achieved":
            lines.append(message("report.verdict_achieved", language, title=title, year=year))
        elif row.status == "achieved_late":
            late = int(row.achieved_year)
            lines.append(
                message(
                    "report.verdict_achieved_late",
                    language,
                    title=title,
                    year=year,
                    pace=pace,
                    late=late,
                )
            )
        elif row.status == "met_within_noise":
            lines.append(
                message("report.verdict_met_within_noise", language, title=title, year=year)
            )
        else:
            lines.append(
                message(
                    "report.verdict_not_achieved",
                    language,
                    title=title,
                    year=year,
                    pace=pace,
                )
            )
    return lines


def _goal_count(count: int, language: Language) -> str:
    """3 mål / 3 goals / 1 goal."""
    key = "report.goal_count_one" if count == 1 else "report.goal_count_many"
    return message(key, language, count=count)
