"""A goal section's actor parts: the actors' own goals, whether they add up, and the actors'
own assessments beside the statistics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from collab_metrics.analysis import contributions
from collab_metrics.charts import figures as charts
from collab_metrics.model import areas
from collab_metrics.model.framework import (
    ActorGoal,
    Assessment,
    SharedGoal,
)
from collab_metrics.report.context import (
    ReportContext,
    _actor_goals,
    _row,
    _unit,
)
from collab_metrics.report.markup import (
    Content,
    Html,
    _chart,
    _direction,
    _el,
    _join,
    _judgement,
    _labelled,
    _status,
    _table,
    _tr,
    _value_cell,
    _verdict,
)
from collab_metrics.report.wording import (
    _area,
    _listing,
    _lower_first,
    _missing,
    _points,
    _rate,
    _share,
)
from collab_metrics.text import labels
from collab_metrics.text.catalog import message


def _actor_goals_part(ctx: ReportContext, goal: SharedGoal) -> Html:
    """The actors' own goals for this shared goal: small multiples and a table."""
    fw, language = ctx.fw, ctx.language
    goals = _actor_goals(fw, goal.id)
    heading = _el("h4", message("report.the_actors_own_goals", language))
    if not goals:
        return _join(
            heading,
            _el(
                "p",
                message("report.actor_goals_part_no_actor_has_a", language),
            ),
        )
    chart = charts.actor_small_multiples(
        fw, ctx.observations, goal.id, ctx.result, language, ctx.as_of
    )
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
        row = _row(ctx, actor_goal.id)
        unit = _unit(fw, actor_goal)
        cells: list[Content] = (
            ["–", "–", "–", _status("cannot_assess", language), ""]
            if row is None
            else [
                _value_cell(row.baseline_value, row.baseline_period, unit, language),
                _value_cell(row.latest_value, row.latest_period, unit, language),
                _value_cell(row.target_value, row.target_year, unit, language),
                _status(row.status, language),
                _direction(row.direction_long, language),
            ]
        )
        header = _labelled(fw.actor(actor_goal.actor).name, actor_goal.title)
        body.append(_tr(header, cells, numeric=(0, 1, 2)))
    caption = message(
        "report.actor_goals_part_the_actors_goals_contributing", language, title=goal.title
    )
    return _join(heading, _chart(chart), _table(caption, headers, body, cls="actor-goals-table"))


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
    area = _area(goal.area, language)
    if check is None:
        return [message("report.consistency_sentences_the_indicator_has_no", language, area=area)]
    if check.verdict == "cannot_assess":
        return [message("report.progress_reason", language, reason=check.reason)]
    implied = _rate(check.implied_change_percent / 100, language)
    required = _rate(check.required_change_percent / 100, language)
    years = f"{check.baseline_year}–{check.target_year}"
    sentences = [
        message(
            "report.consistency_sentences_if_every_municipality_with",
            language,
            area=area,
            implied=implied,
            years=years,
            required=required,
        )
    ]
    if check.verdict == "insufficient":
        gap = _points(check.gap_percentage_points, language)
        sentences.append(message("report.consistency_sentences_that_is_short", language, gap=gap))
    coverage = _share(check.coverage, language)
    if check.uncovered:
        # A municipality with a goal for this shared goal that is not added up (another
        # indicator, no target) has a goal: it is listed below the verdict, not here.
        with_goal = set(check.actors["area"])
        names = _listing(
            [areas.get(code).name for code in check.uncovered if code not in with_goal], language
        )
        sentences.append(
            message(
                "report.consistency_sentences_the_municipalities_whose_goals",
                language,
                coverage=coverage,
            )
        )
        if names:
            sentences.append(
                message(
                    "report.consistency_sentences_municipalities_without_a_goal",
                    language,
                    names=names,
                )
            )
    else:
        sentences.append(
            message("report.consistency_sentences_every_municipality_in_has", language, area=area)
        )
    if check.weight_year is not None and check.weight_year != check.baseline_year:
        sentences.append(
            message(
                "report.consistency_sentences_the_municipalities_are_weighed",
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
                "report.consistency_sentences_goals_with_another_target",
                language,
                target_year=check.target_year,
                late=_listing(late, language),
            )
        )
    return sentences


def _consistency_part(ctx: ReportContext, goal: SharedGoal) -> Html:
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
                area=_area(goal.area, language),
                indicator=fw.indicator(r.indicator).title,
            )
            aside.append(_el("li", f"{fw.goal(r.goal).title} ({fw.actor(r.actor).name}): {role}"))
    listed = (
        _join(
            _el(
                "p",
                message("report.consistency_part_shown_beside_the_shared", language),
            ),
            _el("ul", aside, cls="not-aggregated"),
        )
        if aside
        else None
    )
    return _join(
        _el("h4", message("report.consistency_part_do_the_actors_goals", language)),
        _el(
            "p",
            _verdict(verdict, language),
            ". ",
            " ".join(_consistency_sentences(ctx, goal)),
            cls="verdict",
        ),
        listed,
        _weighting_note(ctx, goal),
    )


def _weighting_note(ctx: ReportContext, goal: SharedGoal) -> Content:
    """How municipalities are weighed, and how far that weighting is from the published
    value of the goal's region in the baseline and latest years (the measured error of
    weighing by a population that is not the indicator's own denominator)."""
    fw, language = ctx.fw, ctx.language
    base = fw.indicator(goal.indicator).population_base
    row = _row(ctx, goal.id)
    if base is None or row is None or _missing(row.baseline_year) or _missing(row.latest_year):
        return None
    if areas.get(goal.area).kind != "region":
        return None
    years = sorted({int(row.baseline_year), int(row.latest_year)})
    check = contributions.aggregation_check(fw, ctx.observations, goal.indicator, goal.area, years)
    check = check.dropna(subset=["relative_difference"])
    if check.empty:
        return None
    errors = _listing(
        [
            f"{'+' if r.relative_difference > 0 else ''}"
            f"{labels.percent(r.relative_difference, language, 1)} {r.year}"
            for r in check.itertuples(index=False)
        ],
        language,
    )
    title = _lower_first(fw.indicator(base).title)
    return _el(
        "p",
        message(
            "report.weighting_note_municipalities_are_weighted_by",
            language,
            title=title,
            area=_area(goal.area, language),
            errors=errors,
        ),
        cls="note weighting",
    )


def _assessment_period_matches(assessment: Assessment, year: int | None) -> bool:
    return year is not None and assessment.period[:4] == str(year)


def _statistics_cell(ctx: ReportContext, goal: SharedGoal | ActorGoal) -> Content:
    """The statistical status of a goal, shown beside (never merged with) a judgement."""
    row = _row(ctx, goal.id)
    if row is None:
        return _status("cannot_assess", ctx.language)
    unit = _unit(ctx.fw, goal)
    return [
        _status(row.status, ctx.language),
        _el("br"),
        _value_cell(row.latest_value, row.latest_period, unit, ctx.language),
    ]


def _judgements_part(
    ctx: ReportContext, goals: Sequence[SharedGoal | ActorGoal], section_id: str
) -> Html:
    """The actors' own assessments of these goals for the follow-up year, in a box of their
    own beside the statistics; an actor goal without an assessment is named."""
    fw, language = ctx.fw, ctx.language
    year = ctx.year
    heading_id = f"{section_id}-assessments"
    headers = [
        message("report.actor_and_goal", language),
        message("report.statistics", language),
        message("report.own_assessment", language),
        message("report.justification", language),
        message("report.owner", language),
    ]
    body = []
    for goal in goals:
        found = [
            a for a in fw.assessments if a.goal == goal.id and _assessment_period_matches(a, year)
        ]
        for a in found:
            body.append(
                _tr(
                    _labelled(fw.actor(a.actor).name, goal.title),
                    [
                        _statistics_cell(ctx, goal),
                        _judgement(a.judgement, language),
                        a.justification or "–",
                        a.owner or "–",
                    ],
                )
            )
        if not found and isinstance(goal, ActorGoal):
            body.append(
                _tr(
                    _labelled(fw.actor(goal.actor).name, goal.title),
                    [
                        _statistics_cell(ctx, goal),
                        _el(
                            "span", _missing_assessment(ctx, goal), cls="assessment assessment-none"
                        ),
                        "–",
                        "–",
                    ],
                    cls="missing-assessment",
                )
            )
    note = message("report.judgements_part_the_assessments_are_the", language)
    content: Content
    if body:
        caption = message("report.judgements_part_the_actors_own_assessments", language, year=year)
        content = _table(caption, headers, body, cls="assessments-table")
    else:
        content = _el(
            "p",
            message("report.judgements_part_no_assessments_have_been", language, year=year),
        )
    return _el(
        "aside",
        _el(
            "h4",
            message("report.the_actors_own_assessments", language),
            id=heading_id,
        ),
        _el("p", note, cls="note"),
        content,
        cls="assessments",
        aria_labelledby=heading_id,
    )


def _missing_assessment(ctx: ReportContext, goal: ActorGoal) -> str:
    """ "Ingen bedömning lämnad för 2022 (senaste: 2017)"."""
    language = ctx.language
    earlier = sorted(
        a.period
        for a in ctx.fw.assessments
        if a.goal == goal.id and a.actor == goal.actor and ctx.year and a.period[:4] < str(ctx.year)
    )
    text = message("report.missing_assessment_no_assessment_submitted_for", language, year=ctx.year)
    if earlier:
        text += message("report.missing_assessment_latest", language, period=earlier[-1])
    return text
