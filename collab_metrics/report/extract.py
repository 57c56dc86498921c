"""One actor's extract: its goals, status, share of the shared goals, assessments and
actions, in full sentences for the actor's annual report."""

from __future__ import annotations

from typing import Any

from collab_metrics.analysis.contributions import Consistency, shares_of_change
from collab_metrics.charts import figures as charts
from collab_metrics.model.framework import (
    ActorGoal,
    Assessment,
    SharedGoal,
)
from collab_metrics.report.sections import (
    ROLE_WORDS,
    Content,
    Html,
    ReportContext,
    _action_status,
    _area,
    _assessment_period_matches,
    _chart,
    _date,
    _decreasing,
    _direction_text,
    _el,
    _forecast_text,
    _gap_sentence,
    _judgement,
    _lower_first,
    _missing,
    _missing_assessment,
    _noise_sentences,
    _progress,
    _quote,
    _rate,
    _row,
    _say,
    _share,
    _status,
    _target_text,
    _unit,
    _value_at,
)
from collab_metrics.text.labels import (
    CONSISTENCY,
)


def actor_extract(ctx: ReportContext, actor_id: str) -> Html:
    """One actor's goals, status, share of the shared goals, assessments and actions, in
    full sentences, to be used in the actor's annual report (årsredovisning)."""
    fw, language = ctx.fw, ctx.language
    actor = fw.actor(actor_id)
    collaboration = fw.collaboration
    goals = [g for g in fw.actor_goals if g.actor == actor_id]
    lead = _say(
        language,
        f"Uppföljning {ctx.year}. {actor.name} deltar i samverkan {collaboration.name}, som "
        f"samordnas av {collaboration.owner}. Texten bygger på den gemensamma uppföljningen och "
        "är skriven för att kunna användas i årsredovisningen.",
        f"Follow-up {ctx.year}. {actor.name} takes part in the collaboration "
        f"{collaboration.name}, coordinated by {collaboration.owner}. The text rests on the joint "
        "follow-up and is written to be used in the annual report.",
    )
    parts: list[Content] = [
        _el(
            "h1",
            _say(
                language,
                f"{actor.name}: bidrag till {collaboration.name}",
                f"{actor.name}: contribution to {collaboration.name}",
            ),
        ),
        _el("p", lead),
    ]
    if not goals:
        parts += [
            _el(
                "p",
                _say(
                    language,
                    f"{actor.name} har inga egna mål i samverkan. Så här ligger de gemensamma "
                    "målen till:",
                    f"{actor.name} has no goals of its own in the collaboration. This is where "
                    "the shared goals stand:",
                ),
            ),
            _el("ul", [_el("li", _shared_goal_line(ctx, g)) for g in fw.shared_goals]),
        ]
    parts += [_actor_goal_part(ctx, goal) for goal in goals]
    parts.append(_actor_shared_assessments(ctx, actor_id))
    parts.append(_actor_actions(ctx, actor_id))
    return _el("article", parts, cls="actor-extract")


def _shared_goal_line(ctx: ReportContext, goal: SharedGoal) -> Content:
    language = ctx.language
    row = _row(ctx, goal.id)
    unit = _unit(ctx.fw, goal)
    if row is None:
        return [_quote(goal.title, language), ": ", _status("cannot_assess", language), "."]
    return [
        _quote(goal.title, language),
        ": ",
        _status(row.status, language),
        _say(
            language,
            f". Senaste värde {_value_at(row.latest_value, row.latest_period, unit, language)}, "
            f"målvärde {_value_at(row.target_value, row.target_year, unit, language)}.",
            f". Latest value {_value_at(row.latest_value, row.latest_period, unit, language)}, "
            f"target {_value_at(row.target_value, row.target_year, unit, language)}.",
        ),
    ]


def _actor_goal_part(ctx: ReportContext, goal: ActorGoal) -> Html:
    fw, language = ctx.fw, ctx.language
    indicator = fw.indicator(goal.indicator)
    shared = fw.shared_goal(goal.contributes_to)
    row = _row(ctx, goal.id)
    area = _area(fw.goal_area(goal), language)
    definition = _say(
        language,
        f"Målet är att {_target_text(ctx, goal)} för {area}, mätt som "
        f"{_lower_first(indicator.title)} ({indicator.unit}). Det bidrar till det gemensamma målet "
        f"{_quote(shared.title, 'sv')}.",
        f"The goal is to {_target_text(ctx, goal)} for {area}, measured as {indicator.title} "
        f"({indicator.unit}). It contributes to the shared goal {_quote(shared.title, 'en')}.",
    )
    paragraphs: list[Content] = [_el("p", definition)]
    if row is not None:
        paragraphs.append(
            _el(
                "p",
                _say(language, "Statistiken visar: ", "The statistics show: "),
                _status(row.status, language),
                ". ",
                _progress(ctx, goal, row),
            )
        )
        paragraphs.append(_el("p", _direction_text(ctx, row)))
        paragraphs += [_el("p", s) for s in _noise_sentences(ctx, goal)]
        forecast = _forecast_text(ctx, goal, row)
        if forecast:
            paragraphs.append(_el("p", forecast))
    gap = _gap_sentence(ctx, goal)
    if gap:
        paragraphs.append(_el("p", gap))
    relation = _relation_sentences(ctx, goal, shared)
    if relation:
        paragraphs.append(_el("p", " ".join(relation)))
    chart = charts.goal_chart(fw, ctx.observations, goal.id, ctx.result, language, ctx.as_of)
    return _el(
        "section",
        _el("h2", goal.title, id=f"actor-goal-{goal.id}"),
        paragraphs,
        _chart(chart),
        _el("p", _own_assessment(ctx, goal), cls="assessments"),
        cls="actor-goal",
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
        if not _missing(record.target_change_percent) and not _missing(
            check.required_change_percent
        ):
            sentences.append(_ambition_sentence(ctx, shared, record, check))
        if check.verdict == "cannot_assess":
            sentences.append(
                _say(
                    language,
                    f"{CONSISTENCY['sv']['cannot_assess']}: {check.reason}.",
                    f"{CONSISTENCY['en']['cannot_assess']}: {check.reason}.",
                )
            )
        else:
            implied = _rate(check.implied_change_percent / 100, language)
            words = CONSISTENCY[language][check.verdict]
            sentences.append(
                _say(
                    language,
                    f"Läggs alla aktörers mål samman blir förändringen {implied}: "
                    f"{words[:1].lower()}{words[1:]}.",
                    f"Added up, the actors' targets give {implied}: {words[:1].lower()}"
                    f"{words[1:]}.",
                )
            )
    elif record is not None:
        role = ROLE_WORDS[language][record.role].format(
            area=_area(shared.area, language), indicator=fw.indicator(record.indicator).title
        )
        sentences.append(
            _say(
                language,
                f"Målet räknas inte in när kommunernas mål läggs samman, eftersom det {role}; "
                "det följs upp bredvid det gemensamma målet.",
                f"The goal is not added up with the municipalities' goals, because it {role}; "
                "it is followed up beside the shared goal.",
            )
        )
    share = _share_sentence(ctx, goal, shared)
    if share:
        sentences.append(share)
    return sentences


def _ambition_sentence(
    ctx: ReportContext, shared: SharedGoal, record: Any, check: Consistency
) -> str:
    """ "Målet, −50,0 % till 2017, är lika ambitiöst som det gemensamma målet (−50,0 %)."."""
    language = ctx.language
    own = _rate(record.target_change_percent / 100, language)
    required = _rate(check.required_change_percent / 100, language)
    difference = record.target_change_percent - check.required_change_percent
    sign = -1 if _decreasing(ctx.fw, shared.indicator) else 1
    if round(abs(difference), 1) == 0:
        compared = _say(language, "lika ambitiöst som", "as ambitious as")
    elif sign * difference > 0:
        compared = _say(language, "mer ambitiöst än", "more ambitious than")
    else:
        compared = _say(language, "mindre ambitiöst än", "less ambitious than")
    return _say(
        language,
        f"Målet, {own} till {record.target_year}, är {compared} det gemensamma målet ({required}).",
        f"The target, {own} by {record.target_year}, is {compared} the shared target ({required}).",
    )


def _share_sentence(ctx: ReportContext, goal: ActorGoal, shared: SharedGoal) -> str:
    """ "Karlshamn stod för 15 % av minskningen i Region Blekinge 2013–2017 ..."."""
    fw, language = ctx.fw, ctx.language
    area_code = fw.goal_area(goal)
    if fw.series_id(goal.indicator) != fw.series_id(shared.indicator) or area_code == shared.area:
        return ""
    try:
        shares = shares_of_change(fw, ctx.observations, shared.id, as_of=ctx.as_of)
    except ValueError:  # no population base to weigh the municipalities with
        return ""
    mine = shares[shares["area"] == area_code]
    if mine.empty or _missing(mine["share"].iloc[0]):
        return ""
    share, weight = float(mine["share"].iloc[0]), float(mine["weight"].iloc[0])
    falling = shares["weighted_change"].sum() < 0
    noun = _say(language, "minskningen", "fall") if falling else _say(language, "ökningen", "rise")
    years = f"{shares.attrs['baseline_year']}–{shares.attrs['latest_year']}"
    area, whole = _area(area_code, language, start=True), _area(shared.area, language)
    if share >= 0:
        return _say(
            language,
            f"{area} stod för {_share(share, language)} av {noun} i {whole} {years}, med "
            f"{_share(weight, language)} av befolkningen.",
            f"{area} accounted for {_share(share, language)} of the {noun} in {whole} in "
            f"{years}, with {_share(weight, language)} of the population.",
        )
    return _say(
        language,
        f"I {area} gick värdet åt motsatt håll mot {whole} som helhet {years} och motverkade "
        f"{noun} med motsvarande {_share(-share, language)} av den.",
        f"In {area} the value moved against {whole} as a whole in {years}, offsetting "
        f"{_share(-share, language)} of the {noun}.",
    )


def _own_assessment(ctx: ReportContext, goal: ActorGoal) -> Content:
    """The actor's own judgement of its goal for the follow-up year, or that it is missing."""
    found = [
        a
        for a in ctx.fw.assessments
        if a.goal == goal.id and a.actor == goal.actor and _assessment_period_matches(a, ctx.year)
    ]
    if not found:
        return _missing_assessment(ctx, goal) + "."
    return _assessment_content(ctx, found[0])


def _assessment_content(ctx: ReportContext, assessment: Assessment) -> Content:
    language = ctx.language
    parts: list[Content] = [
        _el(
            "strong",
            _say(
                language,
                f"Egen bedömning {assessment.period}: ",
                f"Own assessment {assessment.period}: ",
            ),
        ),
        _judgement(assessment.judgement, language),
        ".",
    ]
    if assessment.justification:
        parts.append(f" {assessment.justification}")
    if assessment.owner:
        parts.append(
            _say(language, f" (Ansvarig: {assessment.owner}.)", f" (Owner: {assessment.owner}.)")
        )
    return parts


def _actor_shared_assessments(ctx: ReportContext, actor_id: str) -> Html:
    """The actor's own judgements of the shared goals, when it gave any."""
    fw = ctx.fw
    shared_ids = {g.id for g in fw.shared_goals}
    found = [
        a
        for a in fw.assessments
        if a.actor == actor_id and a.goal in shared_ids and _assessment_period_matches(a, ctx.year)
    ]
    if not found:
        return Html()
    return _el(
        "section",
        _el(
            "h2",
            _say(
                ctx.language, "Bedömning av de gemensamma målen", "Assessment of the shared goals"
            ),
        ),
        [
            _el("p", _quote(fw.goal(a.goal).title, ctx.language), ": ", _assessment_content(ctx, a))
            for a in found
        ],
        cls="actor-shared-assessments",
    )


def _actor_actions(ctx: ReportContext, actor_id: str) -> Html:
    fw, language = ctx.fw, ctx.language
    actions = [a for a in fw.actions if a.actor == actor_id]
    heading = _el("h2", _say(language, "Åtgärder", "Actions"))
    if not actions:
        return _el(
            "section",
            heading,
            _el(
                "p",
                _say(
                    language,
                    f"{fw.actor(actor_id).name} har inga åtgärder i handlingsplanen.",
                    f"{fw.actor(actor_id).name} has no actions in the action plan.",
                ),
            ),
            cls="actor-actions",
        )
    items = []
    for action in actions:
        details = []
        if action.goal:
            details.append(
                _say(
                    language,
                    f"för målet {_quote(fw.goal(action.goal).title, 'sv')}",
                    f"for the goal {_quote(fw.goal(action.goal).title, 'en')}",
                )
            )
        if action.responsible:
            details.append(
                _say(
                    language,
                    f"ansvarig: {action.responsible}",
                    f"responsible: {action.responsible}",
                )
            )
        if action.due:
            details.append(
                _say(
                    language,
                    f"klart senast {_date(action.due, 'sv')}",
                    f"due {_date(action.due, 'en')}",
                )
            )
        described = action.description.rstrip(".")
        text = f"{described} ({'; '.join(details)})." if details else f"{described}."
        items.append(
            _el(
                "li",
                text,
                " ",
                _say(language, "Status: ", "Status: "),
                _action_status(action.status, language),
                ".",
            )
        )
    return _el("section", heading, _el("ul", items, cls="actions"), cls="actor-actions")
