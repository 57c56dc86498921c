"""One section per shared goal: definition, status, progress, direction and the parts below."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from collab_metrics import charts
from collab_metrics.analysis import breaks
from collab_metrics.analysis.assess import (
    PEAK_YEARS,
    SHORT_TERM,
)
from collab_metrics.model.framework import (
    ActorGoal,
    SharedGoal,
)
from collab_metrics.report import shared
from collab_metrics.report.actions import actions_part
from collab_metrics.report.actor_goals import (
    actor_goals_part,
    consistency_part,
    judgements_part,
)
from collab_metrics.report.comparison import (
    context_part,
    forecast_part,
    noise_part,
    sex_part,
)
from collab_metrics.report.context import (
    ReportContext,
    contributing_goals,
    decreasing,
    goal_row,
    sex_rows,
    unit_of,
)
from collab_metrics.report.markup import (
    Content,
    Html,
    chart_figure,
    direction_badge,
    element,
)
from collab_metrics.report.templating import render
from collab_metrics.report.views import Label, Mark, direction_label, status_mark
from collab_metrics.report.wording import listing, quote, sex_phrase, title_in_sentence, whom
from collab_metrics.text import format as fmt
from collab_metrics.text import labels
from collab_metrics.text.catalog import message


def goals_heading(ctx: ReportContext) -> Html:
    """The h2 that opens the goal sections (each goal is an h3 below it)."""
    view = {
        "heading": message("report.the_goals_one_by_one", ctx.language),
        "intro": message("report.goals_heading_intro", ctx.language),
    }
    return render("parts/goals_heading.html.j2", view, ctx.templates)


@dataclass(frozen=True)
class Direction:
    """The direction sentence: long term over the goal's span, short term, in words."""

    label: str
    long_term: str
    long: Label
    short_term: str
    short: Label


@dataclass(frozen=True)
class GoalSection:
    """One shared goal's view model; the parts below the chart are rendered on their own."""

    anchor: str
    title: str
    definition: str
    status_label: str
    status: Mark
    progress: str | None  # None when the goal could not be assessed at all
    direction: Direction | None
    baseline_note: str | None
    breaks: tuple[str, ...]
    chart: Html
    parts: tuple[Html, ...]


def goal_section(ctx: ReportContext, goal_id: str) -> Html:
    """One shared goal: status, chart, context, women and men, noise, forecast, the actors'
    goals and whether they add up, the actors' own assessments (apart) and actions."""
    return render("parts/goal.html.j2", goal_view(ctx, goal_id), ctx.templates)


def goal_view(ctx: ReportContext, goal_id: str) -> GoalSection:
    """The goal section's words and values, and its parts below the chart."""
    fw, language = ctx.fw, ctx.language
    goal = fw.shared_goal(goal_id)
    row = goal_row(ctx, goal.id)
    chart = charts.goal_chart(fw, ctx.observations, goal.id, ctx.result, language, ctx.as_of)
    heading_id = f"goal-{goal.id}"
    assessed = row is not None
    return GoalSection(
        anchor=heading_id,
        title=goal.title,
        definition=_goal_definition(ctx, goal),
        status_label=message("report.status_label", language),
        status=status_mark(row.status if row is not None else "cannot_assess", language),
        progress=progress_text(ctx, goal, row) if assessed else None,
        direction=_direction_view(ctx, row) if assessed else None,
        baseline_note=_baseline_extreme(ctx, goal, row) if assessed else None,
        breaks=_possible_breaks(ctx, goal),
        chart=chart_figure(chart),
        parts=(
            context_part(ctx, goal),
            sex_part(ctx, goal),
            noise_part(ctx, goal),
            forecast_part(ctx, goal, row),
            actor_goals_part(ctx, goal),
            consistency_part(ctx, goal),
            judgements_part(ctx, [goal, *contributing_goals(fw, goal.id)], heading_id),
            actions_part(ctx, [goal.id, *(g.id for g in contributing_goals(fw, goal.id))]),
        ),
    )


def _possible_breaks(ctx: ReportContext, goal: SharedGoal) -> tuple[str, ...]:
    """Series breaks found, not declared: in the goal's own series (with the evidence the
    status gives) and in the source's description of the indicator."""
    language = ctx.language
    indicator = ctx.fw.indicator(goal.indicator)
    declared = {b.year for b in indicator.series_breaks}
    notes = []
    for sex, row in sex_rows(ctx, goal.id):
        if fmt.missing(row.break_candidate_year) or row.reason_code == "possible_series_break":
            continue  # none, or already the status's reason
        found = int(row.break_candidate_year)
        notes.append(
            message(
                "report.possible_break_in_series",
                language,
                year=found,
                who=whom([sex], language),
            )
        )
    metadata = shared.kpi_metadata(ctx, indicator)
    if metadata is not None:
        for change in breaks.definition_changes(shared.kolada_description(metadata)):
            if change.year in declared:
                continue
            quoted = quote(str(change.evidence["text"]), language)
            notes.append(
                message(
                    "report.possible_break_in_definition",
                    language,
                    year=change.year,
                    quoted=quoted,
                )
            )
    return tuple(notes)


def target_text(ctx: ReportContext, goal: SharedGoal | ActorGoal) -> str:
    """What the goal asks, in words: "minska med 50 % från 2013 till 2017"."""
    language = ctx.language
    target, baseline = goal.target, goal.baseline
    if target is None or baseline is None:
        return message("report.followed_by_direction_only", language)
    if target.change_percent is not None:
        size = fmt.percent(abs(target.change_percent) / 100, language, 0)
        if target.change_percent < 0:
            return message(
                "report.target_decrease_by",
                language,
                size=size,
                baseline_year=baseline.year,
                target_year=target.year,
            )
        return message(
            "report.target_increase_by",
            language,
            size=size,
            baseline_year=baseline.year,
            target_year=target.year,
        )
    value = fmt.value_with_unit(target.value, unit_of(ctx.fw, goal), language)
    return message(
        "report.target_reach_value",
        language,
        value=value,
        target_year=target.year,
        baseline_year=baseline.year,
    )


def _goal_definition(ctx: ReportContext, goal: SharedGoal) -> str:
    fw, language = ctx.fw, ctx.language
    indicator = fw.indicator(goal.indicator)
    area = fmt.area_name(goal.area, language, in_sentence=True)
    text = message(
        "report.goal_definition",
        language,
        target=target_text(ctx, goal),
        area=area,
        indicator=title_in_sentence(indicator.title, language),
        unit=indicator.unit,
    )
    targets = [(sex, row.target_value) for sex, row in sex_rows(ctx, goal.id) if sex != "total"]
    targets = [(sex, value) for sex, value in targets if not fmt.missing(value)]
    if targets:
        unit = indicator.unit
        shown = listing(
            [
                f"{fmt.value_with_unit(value, unit, language)} {sex_phrase(sex, language)}"
                for sex, value in targets
            ],
            language,
        )
        text += " " + message("report.goal_definition_target_values", language, shown=shown)
    return text


def _baseline_extreme(ctx: ReportContext, goal: SharedGoal | ActorGoal, row: Any) -> str | None:
    """Point out a baseline at the series' peak or trough, which flatters or hides progress."""
    language, extreme = ctx.language, row.baseline_extreme
    if extreme not in ("peak", "trough"):
        return None
    start = fmt.value_at(row.baseline_value, row.baseline_period, unit_of(ctx.fw, goal), language)
    obs = ctx.observations
    own = obs[
        (obs["indicator"] == ctx.fw.series_id(goal.indicator))
        & (obs["area"] == row.area)
        & (obs["sex"] == row.sex)
        & obs["value"].notna()
        & (obs["period"] >= str(int(row.baseline_year) - PEAK_YEARS))
    ]
    first = min(own["period"], default=row.baseline_period)
    span = fmt.span(first, row.latest_period, language)
    flatters = (extreme == "peak") == decreasing(ctx.fw, goal.indicator)
    word = (
        message("report.highest", language)
        if extreme == "peak"
        else message("report.lowest", language)
    )
    effect = (
        message("report.baseline_extreme_flatters", language)
        if flatters
        else message("report.baseline_extreme_hides", language)
    )
    return message(
        "report.baseline_extreme_note",
        language,
        start=start,
        word=word,
        span=span,
        effect=effect,
    )


def progress_text(ctx: ReportContext, goal: SharedGoal | ActorGoal, row: Any) -> str:
    """The way from baseline to latest and the pace against the pace the target needs."""
    language = ctx.language
    unit = unit_of(ctx.fw, goal)
    if row.status == "cannot_assess" or fmt.missing(row.cagr_actual):
        reason = (row.reason or labels.reason("no_data", language)).rstrip(".")
        return message("report.reason", language, reason=reason)
    start = fmt.value_at(row.baseline_value, row.baseline_period, unit, language)
    end = fmt.value_at(row.latest_value, row.latest_period, unit, language)
    if bool(row.target_passed):
        return _final_progress(ctx, goal, row, start, end)
    text = message(
        "report.progress_so_far",
        language,
        start=start,
        end=end,
        cagr_actual=fmt.percent(row.cagr_actual, language),
    )
    if row.status not in ("", "achieved", "met_within_noise") and not fmt.missing(row.ratio):
        required = fmt.percent(row.cagr_required, language)
        if row.ratio < 0:
            text += " " + message("report.progress_moving_away", language, required=required)
        elif math.isfinite(row.ratio):  # infinite when the target only asks to hold the line
            pace = fmt.share(row.ratio, language)
            text += " " + message("report.progress_pace", language, required=required, pace=pace)
    if row.reason:
        note = row.reason.rstrip(".")
        text += " " + message("report.note", language, note=note)
    return text


def _final_progress(
    ctx: ReportContext, goal: SharedGoal | ActorGoal, row: Any, start: str, end: str
) -> str:
    """The verdict at the target year: the value then, the pace then against the pace
    needed (R at the target year), and the latest value."""
    language = ctx.language
    unit = unit_of(ctx.fw, goal)
    year = int(row.target_year)
    at_target = fmt.value_at(row.target_year_value, str(year), unit, language)
    text = message(
        "report.progress_to_target_year",
        language,
        start=start,
        at_target=at_target,
        cagr_actual=fmt.percent(row.cagr_actual, language),
    )
    if not fmt.missing(row.ratio) and math.isfinite(row.ratio):
        required = fmt.percent(row.cagr_required, language)
        pace = fmt.share(row.ratio, language)
        text += " " + message(
            "report.progress_pace_to_target_year",
            language,
            required=required,
            year=year,
            pace=pace,
        )
    if row.latest_period != str(year):
        text += " " + message("report.progress_latest_value", language, end=end)
    if row.reason:
        note = row.reason.rstrip(".")
        text += " " + message("report.note", language, note=note)
    return text


def _direction_view(ctx: ReportContext, row: Any) -> Direction:
    """Long and short term direction, with the span the long term covers."""
    language = ctx.language
    span = ""
    if not fmt.missing(row.baseline_period) and not fmt.missing(row.latest_period):
        span = f" ({fmt.span(row.baseline_period, row.latest_period, language)})"
    return Direction(
        label=message("report.direction_label", language),
        long_term=message("report.direction_long_term_span", language, span=span),
        long=direction_label(row.direction_long, language),
        short_term=message("report.direction_short_term_span", language, years=SHORT_TERM),
        short=direction_label(row.direction_short, language),
    )


def direction_text(ctx: ReportContext, row: Any) -> Content:
    """The direction sentence as markup, for the actor extract (still built in sections.py)."""
    view = _direction_view(ctx, row)
    return [
        element("strong", view.label),
        view.long_term,
        direction_badge(row.direction_long, ctx.language),
        view.short_term,
        direction_badge(row.direction_short, ctx.language),
        ".",
    ]
