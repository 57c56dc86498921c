"""The one-page summary: goals per status, verdicts at the target year, the goals table."""

from __future__ import annotations

import math
from collections import Counter

from collab_metrics.analysis.assess import (
    SHORT_TERM,
    STATUSES,
)
from collab_metrics.charts import figures as charts
from collab_metrics.report.context import (
    ReportContext,
    _chance,
    _row,
    _sex_rows,
    _unit,
)
from collab_metrics.report.markup import (
    Html,
    _chart,
    _direction,
    _el,
    _status,
    _table,
    _tr,
    _value_cell,
)
from collab_metrics.report.wording import (
    _missing,
    _quote,
    _share,
)
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import (
    SEX,
    Language,
)


def summary(ctx: ReportContext) -> Html:
    """One page: how many goals per status, and one table of every shared goal."""
    fw, language = ctx.fw, ctx.language
    goals = fw.shared_goals
    counts = Counter(
        row.status if row is not None else "cannot_assess"
        for row in (_row(ctx, g.id) for g in goals)
    )
    count_items = [
        _el("li", _status(code, language), ": " + _goal_count(count, language))
        for code in (*STATUSES, "")
        if (count := counts.get(code, 0))
    ]
    lead = message(
        "report.summary_lead_one" if len(goals) == 1 else "report.summary_lead_many",
        language,
        count=len(goals),
        year=ctx.year,
    )
    headers = [
        message("report.goal", language),
        message("report.status", language),
        message("report.latest_value", language),
        message("report.target", language),
        message("report.direction", language),
        message("report.chance", language),
    ]
    groups = []
    for goal in goals:
        unit = _unit(fw, goal)
        rows = []
        for sex, row in _sex_rows(ctx, goal.id):
            cells = [
                _status(row.status, language),
                _value_cell(row.latest_value, row.latest_period, unit, language),
                _value_cell(row.target_value, row.target_year, unit, language),
                [
                    _direction(row.direction_long, language),
                    _el("br"),
                    _direction(row.direction_short, language),
                ],
                _chance(row, language),
            ]
            if sex == "total":
                # The goal's header names the whole group (total, women, men) for a screen
                # reader; the sparkline sits under the title to spare a column.
                spark = charts.sparkline(fw, ctx.observations, goal.id, ctx.result, language)
                header = [
                    _el("a", goal.title, href=f"#goal-{goal.id}"),
                    _el("div", _chart(spark), cls="sparkline"),
                ]
                rows.append(_tr(header, cells, cls="goal-row", numeric=(1, 2), scope="rowgroup"))
            else:
                rows.append(_tr(SEX[language][sex], cells, cls="sex-row", numeric=(1, 2)))
        groups.append(_el("tbody", rows))
    caption = message("report.summary_caption", language, year=ctx.year)
    note = message("report.summary_note", language, years=SHORT_TERM)
    verdicts = [_el("p", line, cls="verdict") for line in _verdict_lines(ctx)]
    return _el(
        "section",
        _el("h2", message("report.summary", language), id="summary"),
        _el("p", lead),
        _el("ul", count_items, cls="counts"),
        verdicts,
        _table(caption, headers, groups, cls="summary-table", grouped=True),
        _el("p", note, cls="note"),
        cls="summary",
    )


def _verdict_lines(ctx: ReportContext) -> list[str]:
    """For each shared goal whose target year has data: was it reached by then, or later?"""
    language, lines = ctx.language, []
    for goal in ctx.fw.shared_goals:
        row = _row(ctx, goal.id)
        if row is None or not bool(row.target_passed) or row.status == "cannot_assess":
            continue
        title, year = _quote(goal.title, language), int(row.target_year)
        pace = (
            message(
                "report.verdict_lines_the_pace_until_then",
                language,
                ratio=_share(row.ratio, language),
            )
            if not _missing(row.ratio) and math.isfinite(row.ratio)
            else ""
        )
        if row.status == "achieved":
            lines.append(
                message("report.verdict_lines_was_reached_by_the", language, title=title, year=year)
            )
        elif row.status == "achieved_late":
            late = int(row.achieved_year)
            lines.append(
                message(
                    "report.verdict_lines_was_not_reached_by",
                    language,
                    title=title,
                    year=year,
                    pace=pace,
                    late=late,
                )
            )
        elif row.status == "met_within_noise":
            lines.append(
                message(
                    "report.verdict_lines_the_target_value_was", language, title=title, year=year
                )
            )
        else:
            lines.append(
                message(
                    "report.verdict_lines_was_not_reached_by_2",
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
