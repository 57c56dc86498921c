"""A goal section's actor parts: the actors' own goals, whether they add up, and the actors'
own assessments beside the statistics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from collab_metrics import charts
from collab_metrics.analysis import contributions
from collab_metrics.model import areas
from collab_metrics.model.framework import (
    ActorGoal,
    Assessment,
    SharedGoal,
)
from collab_metrics.report.context import (
    ReportContext,
    contributing_goals,
    goal_row,
    unit_of,
)
from collab_metrics.report.markup import (
    Html,
    chart_figure,
)
from collab_metrics.report.templating import render
from collab_metrics.report.views import (
    MANY,
    Cell,
    Label,
    Labelled,
    Lines,
    Row,
    Table,
    direction_label,
    figure,
    judgement_label,
    status_mark,
    verdict_mark,
)
from collab_metrics.report.wording import listing, lower_first
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import message


def actor_goals_part(ctx: ReportContext, goal: SharedGoal) -> Html:
    """The actors' own goals for this shared goal: small multiples (a chart per printed page
    when there are many) and a table."""
    fw, language = ctx.fw, ctx.language
    goals = contributing_goals(fw, goal.id)
    view: dict[str, Any] = {
        "heading": message("report.the_actors_own_goals", language),
        "none": message("report.actor_goals_none", language),
        "charts": [],
        "table": None,
    }
    if goals:
        pages = charts.actor_small_multiples(
            fw, ctx.observations, goal.id, ctx.result, language, ctx.as_of
        )
        view["charts"] = [chart_figure(chart) for chart in pages]
        view["table"] = _actor_goals_table(ctx, goal, goals)
    return render("parts/actor_goals.html.j2", view, ctx.templates)


def _actor_goals_table(ctx: ReportContext, goal: SharedGoal, goals: Sequence[ActorGoal]) -> Table:
    fw, language = ctx.fw, ctx.language
    headers = [
        message("report.actor_and_goal", language),
        message("report.baseline", language),
        message("report.latest_value", language),
        message("report.target", language),
        message("report.status", language),
        message("report.direction_long_term", language),
    ]
    body = []
    for actor_goal in goals:
        row = goal_row(ctx, actor_goal.id)
        unit = unit_of(fw, actor_goal)
        cells: tuple[Cell, ...] = (
            ("–", "–", "–", status_mark("cannot_assess", language), "")
            if row is None
            else (
                figure(row.baseline_value, row.baseline_period, unit, language),
                figure(row.latest_value, row.latest_period, unit, language),
                figure(row.target_value, row.target_year, unit, language),
                status_mark(row.status, language),
                direction_label(row.direction_long, language),
            )
        )
        header = Labelled(fw.actor(actor_goal.actor).name, actor_goal.title)
        body.append(Row(header, cells, numeric=frozenset({0, 1, 2})))
    caption = message("report.actor_goals_caption", language, title=goal.title)
    # A long table (a national programme's 290 actors) is set tighter, in a wider first column.
    cls = "actor-goals-table many" if len(goals) > MANY else "actor-goals-table"
    return Table(caption, headers, (tuple(body),), cls)


# Why an actor goal is shown beside a shared goal but not added up (message "report.role_<role>").
ROLES: Final = (
    "covers_whole_area",
    "other_indicator",
    "not_a_municipality",
    "no_target",
    "duplicate_area",
)


def _consistency_sentences(ctx: ReportContext, goal: SharedGoal) -> list[str]:
    """What the actors' targets add up to against the shared target, and what is left out."""
    fw, language = ctx.fw, ctx.language
    check = ctx.consistency.get(goal.id)
    area = fmt.area_name(goal.area, language, in_sentence=True)
    if check is None:
        return [message("report.consistency_no_population_base", language, area=area)]
    if check.verdict == "cannot_assess":
        return [message("report.reason", language, reason=check.reason)]
    implied = fmt.percent(check.implied_change_percent / 100, language)
    required = fmt.percent(check.required_change_percent / 100, language)
    years = f"{check.baseline_year}–{check.target_year}"
    sentences = [
        message(
            "report.consistency_implied_change",
            language,
            area=area,
            implied=implied,
            years=years,
            required=required,
        )
    ]
    if check.verdict == "insufficient":
        gap = fmt.points(abs(check.gap_percentage_points), language)
        sentences.append(message("report.consistency_short_by", language, gap=gap))
    coverage = fmt.share(check.coverage, language)
    if check.uncovered:
        # A municipality with a goal for this shared goal that is not added up (another
        # indicator, no target) has a goal: it is listed below the verdict, not here.
        with_goal = set(check.actors["area"])
        names = listing(
            [fmt.area_name(code) for code in check.uncovered if code not in with_goal], language
        )
        sentences.append(
            message(
                "report.consistency_coverage",
                language,
                coverage=coverage,
            )
        )
        if names:
            sentences.append(
                message(
                    "report.consistency_without_goal",
                    language,
                    names=names,
                )
            )
    else:
        sentences.append(message("report.consistency_all_covered", language, area=area))
    if check.weight_year is not None and check.weight_year != check.baseline_year:
        sentences.append(
            message(
                "report.consistency_weight_year",
                language,
                weight_year=check.weight_year,
                baseline_year=check.baseline_year,
            )
        )
    late = [
        fw.goal(r.goal).title
        for r in check.actors.itertuples(index=False)
        if r.role == "aggregated" and r.target_year != check.target_year
    ]
    if late:
        sentences.append(
            message(
                "report.consistency_other_target_year",
                language,
                target_year=check.target_year,
                late=listing(late, language),
            )
        )
    return sentences


def consistency_part(ctx: ReportContext, goal: SharedGoal) -> Html:
    """Whether the actors' targets add up to the shared one, and the goals left out."""
    fw, language = ctx.fw, ctx.language
    check = ctx.consistency.get(goal.id)
    verdict = check.verdict if check is not None else "cannot_assess"
    aside = []
    if check is not None:
        for r in check.actors.itertuples(index=False):
            if r.role == "aggregated":
                continue
            role = message(
                f"report.role_{r.role}",
                language,
                area=fmt.area_name(goal.area, language, in_sentence=True),
                indicator=fw.indicator(r.indicator).title,
            )
            aside.append(f"{fw.goal(r.goal).title} ({fw.actor(r.actor).name}): {role}")
    view = {
        "heading": message("report.consistency_heading", language),
        "verdict": verdict_mark(verdict, language),
        "sentences": " ".join(_consistency_sentences(ctx, goal)),
        "aside_intro": message("report.consistency_not_added_up", language),
        "aside": aside,
        "weighting": _weighting_note(ctx, goal),
    }
    return render("parts/consistency.html.j2", view, ctx.templates)


def _weighting_note(ctx: ReportContext, goal: SharedGoal) -> str | None:
    """How municipalities are weighed, and how far that weighting is from the published
    value of the goal's region in the baseline and latest years (the measured error of
    weighing by a population that is not the indicator's own denominator)."""
    fw, language = ctx.fw, ctx.language
    base = fw.indicator(goal.indicator).population_base
    row = goal_row(ctx, goal.id)
    if (
        base is None
        or row is None
        or fmt.missing(row.baseline_year)
        or fmt.missing(row.latest_year)
    ):
        return None
    if areas.get(goal.area).kind != "region":
        return None
    years = sorted({int(row.baseline_year), int(row.latest_year)})
    check = contributions.aggregation_check(fw, ctx.observations, goal.indicator, goal.area, years)
    check = check.dropna(subset=["relative_difference"])
    if check.empty:
        return None
    errors = listing(
        [
            f"{'+' if r.relative_difference > 0 else ''}"
            f"{fmt.percent(r.relative_difference, language, 1)} {r.year}"
            for r in check.itertuples(index=False)
        ],
        language,
    )
    title = lower_first(fw.indicator(base).title)
    return message(
        "report.weighting_note",
        language,
        title=title,
        area=fmt.area_name(goal.area, language, in_sentence=True),
        errors=errors,
    )


def assessment_period_matches(assessment: Assessment, year: int | None) -> bool:
    """Whether an actor's assessment is for the follow-up year."""
    return year is not None and assessment.period[:4] == str(year)


def _statistics_cell(ctx: ReportContext, goal: SharedGoal | ActorGoal) -> Cell:
    """The statistical status of a goal, shown beside (never merged with) a judgement."""
    row = goal_row(ctx, goal.id)
    if row is None:
        return status_mark("cannot_assess", ctx.language)
    unit = unit_of(ctx.fw, goal)
    return Lines(
        (
            status_mark(row.status, ctx.language),
            figure(row.latest_value, row.latest_period, unit, ctx.language),
        )
    )


def judgements_part(
    ctx: ReportContext, goals: Sequence[SharedGoal | ActorGoal], section_id: str
) -> Html:
    """The actors' own assessments of these goals for the follow-up year, in a box of their
    own beside the statistics; an actor goal without an assessment is named."""
    fw, language = ctx.fw, ctx.language
    year = ctx.year
    headers = [
        message("report.actor_and_goal", language),
        message("report.statistics", language),
        message("report.own_assessment", language),
        message("report.justification", language),
        message("report.owner", language),
    ]
    body, missing = [], []
    for goal in goals:
        found = [
            a for a in fw.assessments if a.goal == goal.id and assessment_period_matches(a, year)
        ]
        for a in found:
            body.append(
                Row(
                    Labelled(fw.actor(a.actor).name, goal.title),
                    (
                        _statistics_cell(ctx, goal),
                        judgement_label(a.judgement, language),
                        a.justification or "–",
                        a.owner or "–",
                    ),
                )
            )
        if not found and isinstance(goal, ActorGoal):
            missing.append(goal)
    silent = ""
    if len(missing) > MANY:  # named in a sentence, not a row each (their figures are above)
        names = listing(list(dict.fromkeys(fw.actor(g.actor).name for g in missing)), language)
        silent = message("report.assessments_missing_many", language, year=year, names=names)
    else:
        body.extend(
            Row(
                Labelled(fw.actor(goal.actor).name, goal.title),
                (
                    _statistics_cell(ctx, goal),
                    Label("assessment assessment-none", missing_assessment(ctx, goal)),
                    "–",
                    "–",
                ),
                cls="missing-assessment",
            )
            for goal in missing
        )
    caption = message("report.assessments_caption", language, year=year)
    view = {
        "anchor": f"{section_id}-assessments",
        "heading": message("report.the_actors_own_assessments", language),
        "note": message("report.assessments_note", language),
        "table": Table(caption, headers, (tuple(body),), "assessments-table") if body else None,
        "silent": silent,
        "none": message("report.assessments_none", language, year=year),
    }
    return render("parts/assessments.html.j2", view, ctx.templates)


def missing_assessment(ctx: ReportContext, goal: ActorGoal) -> str:
    """ "Ingen bedömning lämnad för 2022 (senaste: 2017)"."""
    language = ctx.language
    earlier = sorted(
        a.period
        for a in ctx.fw.assessments
        if a.goal == goal.id and a.actor == goal.actor and ctx.year and a.period[:4] < str(ctx.year)
    )
    text = message("report.assessment_missing", language, year=ctx.year)
    if earlier:
        text += message("report.assessment_missing_latest", language, period=earlier[-1])
    return text
