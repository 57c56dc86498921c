"""One actor's extract: its goals, status, share of the shared goals, assessments and
actions, in full sentences for the actor's annual report.

`extract_view` builds the view model (`ExtractView`); `parts/actor_extract.html.j2` renders
it. Words come from `text/messages/extract.yaml` and `text/prose/<language>/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from collab_metrics import charts
from collab_metrics.analysis.contributions import Consistency, shares_of_change
from collab_metrics.model.framework import (
    ActorGoal,
    Assessment,
    SharedGoal,
)
from collab_metrics.report.actor_goals import assessment_period_matches, missing_assessment
from collab_metrics.report.comparison import forecast_text, gap_sentence, noise_sentences
from collab_metrics.report.context import ReportContext, decreasing, goal_row, unit_of
from collab_metrics.report.goal import direction_text, progress_text, target_text
from collab_metrics.report.markup import (
    Content,
    Html,
    action_status_badge,
    chart_figure,
    element,
    joined,
    judgement_badge,
    status_badge,
)
from collab_metrics.report.shared import ROLE_WORDS
from collab_metrics.report.templating import markup, render
from collab_metrics.report.wording import lower_first, quote
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import Language, message
from collab_metrics.text.labels import (
    CONSISTENCY,
)
from collab_metrics.text.prose import prose


@dataclass(frozen=True)
class GoalPart:
    """One of the actor's goals: what it is, what the statistics show, the actor's word."""

    id: str
    title: str
    paragraphs: list[Markup]
    chart: Markup
    assessment: Markup


@dataclass(frozen=True)
class ActionItem:
    """One action of the actor's: what, for which goal, who, when, and its status."""

    text: str
    status: Markup


@dataclass(frozen=True)
class ExtractView:
    """One actor's extract: its goals (or, without any, where the shared goals stand), its
    judgements of the shared goals and its actions."""

    title: str
    lead: Markup
    no_goals: str | None
    shared_goal_lines: list[Markup]
    goals: list[GoalPart]
    shared_assessments_title: str
    shared_assessments: list[Markup]
    actions_title: str
    no_actions: str
    actions: list[ActionItem]
    status_label: str


def extract_view(ctx: ReportContext, actor_id: str) -> ExtractView:
    """One actor's goals, status, share of the shared goals, assessments and actions, in
    full sentences, to be used in the actor's annual report (årsredovisning)."""
    fw, language = ctx.fw, ctx.language
    actor = fw.actor(actor_id)
    collaboration = fw.collaboration
    goals = [g for g in fw.actor_goals if g.actor == actor_id]
    lead = prose(
        "actor_extract_lead",
        language,
        ctx.templates,
        year=ctx.year,
        actor=actor.name,
        collaboration=collaboration.name,
        owner=collaboration.owner,
    )
    return ExtractView(
        title=message(
            "extract.title", language, actor=actor.name, collaboration=collaboration.name
        ),
        lead=lead,
        no_goals=None if goals else message("extract.no_goals", language, actor=actor.name),
        shared_goal_lines=[] if goals else [_shared_goal_line(ctx, g) for g in fw.shared_goals],
        goals=[_actor_goal_part(ctx, goal) for goal in goals],
        shared_assessments_title=message("extract.shared_assessments_title", language),
        shared_assessments=_actor_shared_assessments(ctx, actor_id),
        actions_title=message("extract.actions_title", language),
        no_actions=message("extract.no_actions", language, name=actor.name),
        actions=_actor_actions(ctx, actor_id),
        status_label=message("extract.action_status", language),
    )


def actor_extract(ctx: ReportContext, actor_id: str) -> Html:
    """One actor's extract (`parts/actor_extract.html.j2`)."""
    return render("parts/actor_extract.html.j2", extract_view(ctx, actor_id), ctx.templates)


def _shared_goal_line(ctx: ReportContext, goal: SharedGoal) -> Markup:
    language = ctx.language
    row = goal_row(ctx, goal.id)
    unit = unit_of(ctx.fw, goal)
    if row is None:
        return markup(
            joined(quote(goal.title, language), ": ", status_badge("cannot_assess", language), ".")
        )
    values = message(
        "extract.shared_goal_values",
        language,
        latest=fmt.value_at(row.latest_value, row.latest_period, unit, language),
        target=fmt.value_at(row.target_value, row.target_year, unit, language),
    )
    return markup(
        joined(quote(goal.title, language), ": ", status_badge(row.status, language), values)
    )


def _actor_goal_part(ctx: ReportContext, goal: ActorGoal) -> GoalPart:
    fw, language = ctx.fw, ctx.language
    indicator = fw.indicator(goal.indicator)
    shared = fw.shared_goal(goal.contributes_to)
    row = goal_row(ctx, goal.id)
    area = fmt.area_name(fw.goal_area(goal), language, in_sentence=True)
    definition = message(
        "extract.goal_definition",
        language,
        target=target_text(ctx, goal),
        area=area,
        measure=_in_sentence(indicator.title, language),
        unit=indicator.unit,
        shared=quote(shared.title, language),
    )
    paragraphs: list[Content] = [definition]
    if row is not None:
        shows = message("extract.statistics_show", language)
        paragraphs.append(
            [shows, status_badge(row.status, language), ". ", progress_text(ctx, goal, row)]
        )
        paragraphs.append(direction_text(ctx, row))
        paragraphs += noise_sentences(ctx, goal)
        forecast = forecast_text(ctx, goal, row)
        if forecast:
            paragraphs.append(forecast)
    gap = gap_sentence(ctx, goal)
    if gap:
        paragraphs.append(gap)
    relation = _relation_sentences(ctx, goal, shared)
    if relation:
        paragraphs.append(" ".join(relation))
    chart = charts.goal_chart(fw, ctx.observations, goal.id, ctx.result, language, ctx.as_of)
    return GoalPart(
        id=goal.id,
        title=goal.title,
        paragraphs=[markup(joined(p)) for p in paragraphs],
        chart=markup(chart_figure(chart)),
        assessment=markup(joined(_own_assessment(ctx, goal))),
    )


def _relation_sentences(ctx: ReportContext, goal: ActorGoal, shared: SharedGoal) -> list[str]:
    """How the actor's target relates to the shared one, and its share of the change."""
    fw, language = ctx.fw, ctx.language
    check = ctx.consistency.get(shared.id)
    record = None
    if check is not None:
        record = next((r for r in check.actors.itertuples(index=False) if r.goal == goal.id), None)
    sentences = []
    if check is not None and record is not None and record.role == "aggregated":
        if not fmt.missing(record.target_change_percent) and not fmt.missing(
            check.required_change_percent
        ):
            sentences.append(_ambition_sentence(ctx, shared, record, check))
        if check.verdict == "cannot_assess":
            sentences.append(
                message(
                    "extract.consistency_cannot_assess",
                    language,
                    verdict=CONSISTENCY[language]["cannot_assess"],
                    reason=check.reason,
                )
            )
        else:
            implied = fmt.percent(check.implied_change_percent / 100, language)
            words = CONSISTENCY[language][check.verdict]
            sentences.append(
                message(
                    "extract.consistency_added_up",
                    language,
                    implied=implied,
                    verdict=words[:1].lower() + words[1:],
                )
            )
    elif record is not None:
        role = ROLE_WORDS[language][record.role].format(
            area=fmt.area_name(shared.area, language, in_sentence=True),
            indicator=fw.indicator(record.indicator).title,
        )
        sentences.append(message("extract.not_added_up", language, role=role))
    share = _share_sentence(ctx, goal, shared)
    if share:
        sentences.append(share)
    return sentences


def _ambition_sentence(
    ctx: ReportContext, shared: SharedGoal, record: Any, check: Consistency
) -> str:
    """ "Målet, −50,0 % till 2017, är lika ambitiöst som det gemensamma målet (−50,0 %)."."""
    language = ctx.language
    own = fmt.percent(record.target_change_percent / 100, language)
    required = fmt.percent(check.required_change_percent / 100, language)
    difference = record.target_change_percent - check.required_change_percent
    sign = -1 if decreasing(ctx.fw, shared.indicator) else 1
    if round(abs(difference), 1) == 0:
        compared = message("extract.as_ambitious_as", language)
    elif sign * difference > 0:
        compared = message("extract.more_ambitious_than", language)
    else:
        compared = message("extract.less_ambitious_than", language)
    return message(
        "extract.ambition",
        language,
        own=own,
        year=record.target_year,
        compared=compared,
        required=required,
    )


def _share_sentence(ctx: ReportContext, goal: ActorGoal, shared: SharedGoal) -> str:
    """ "Karlshamn stod för 15 % av minskningen i Region Blekinge 2013–2017 ..."."""
    fw, language = ctx.fw, ctx.language
    area_code = fw.goal_area(goal)
    if fw.series_id(goal.indicator) != fw.series_id(shared.indicator) or area_code == shared.area:
        return ""
    try:
        shares = ctx.derived.get(
            ("shares_of_change", shared.id, ctx.as_of),
            lambda: shares_of_change(fw, ctx.observations, shared.id, as_of=ctx.as_of),
        )
    except ValueError:  # no population base to weigh the municipalities with
        return ""
    mine = shares[shares["area"] == area_code]
    if mine.empty or fmt.missing(mine["share"].iloc[0]):
        return ""
    share, weight = float(mine["share"].iloc[0]), float(mine["weight"].iloc[0])
    falling = shares["weighted_change"].sum() < 0
    noun = (
        message("extract.noun_fall", language)
        if falling
        else message("extract.noun_rise", language)
    )
    years = f"{shares.attrs['baseline_year']}–{shares.attrs['latest_year']}"
    area, whole = (
        fmt.area_name(area_code, language),
        fmt.area_name(shared.area, language, in_sentence=True),
    )
    if share >= 0:
        return message(
            "extract.share_of_change",
            language,
            area=area,
            share=fmt.share(share, language),
            noun=noun,
            whole=whole,
            years=years,
            weight=fmt.share(weight, language),
        )
    return message(
        "extract.share_against",
        language,
        area=area,
        whole=whole,
        years=years,
        noun=noun,
        offset=fmt.share(-share, language),
    )


def _own_assessment(ctx: ReportContext, goal: ActorGoal) -> Content:
    """The actor's own judgement of its goal for the follow-up year, or that it is missing."""
    found = [
        a
        for a in ctx.fw.assessments
        if a.goal == goal.id and a.actor == goal.actor and assessment_period_matches(a, ctx.year)
    ]
    if not found:
        return missing_assessment(ctx, goal) + "."
    return _assessment_content(ctx, found[0])


def _assessment_content(ctx: ReportContext, assessment: Assessment) -> Content:
    language = ctx.language
    parts: list[Content] = [
        element(
            "strong",
            message("extract.own_assessment", language, period=assessment.period),
        ),
        judgement_badge(assessment.judgement, language),
        ".",
    ]
    if assessment.justification:
        parts.append(f" {assessment.justification}")
    if assessment.owner:
        parts.append(message("extract.assessment_owner", language, owner=assessment.owner))
    return parts


def _actor_shared_assessments(ctx: ReportContext, actor_id: str) -> list[Markup]:
    """The actor's own judgements of the shared goals, when it gave any."""
    fw = ctx.fw
    shared_ids = {g.id for g in fw.shared_goals}
    found = [
        a
        for a in fw.assessments
        if a.actor == actor_id and a.goal in shared_ids and assessment_period_matches(a, ctx.year)
    ]
    return [
        markup(
            joined(quote(fw.goal(a.goal).title, ctx.language), ": ", _assessment_content(ctx, a))
        )
        for a in found
    ]


def _actor_actions(ctx: ReportContext, actor_id: str) -> list[ActionItem]:
    fw, language = ctx.fw, ctx.language
    items = []
    for action in (a for a in fw.actions if a.actor == actor_id):
        details = []
        if action.goal:
            details.append(
                message(
                    "extract.action_goal",
                    language,
                    title=quote(fw.goal(action.goal).title, language),
                )
            )
        if action.responsible:
            details.append(
                message("extract.action_responsible", language, responsible=action.responsible)
            )
        if action.due:
            details.append(
                message("extract.action_due", language, due=fmt.date(action.due, language))
            )
        described = action.description.rstrip(".")
        text = f"{described} ({'; '.join(details)})." if details else f"{described}."
        items.append(ActionItem(text, markup(action_status_badge(action.status, language))))
    return items


def _in_sentence(title: str, language: Language) -> str:
    """An indicator's title inside a sentence: lower-cased in Swedish ("mätt som
    ohälsotal"), as written in English ("measured as Sickness days")."""
    return lower_first(title) if language == "sv" else title
