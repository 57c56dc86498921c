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
    _say,
    _share,
)
from collab_metrics.text import labels


def _actor_goals_part(ctx: ReportContext, goal: SharedGoal) -> Html:
    """The actors' own goals for this shared goal: small multiples and a table."""
    fw, language = ctx.fw, ctx.language
    goals = _actor_goals(fw, goal.id)
    heading = _el("h4", _say(language, "Aktörernas egna mål", "The actors' own goals"))
    if not goals:
        return _join(
            heading,
            _el(
                "p",
                _say(
                    language,
                    "Ingen aktör har ett eget mål som bidrar till det här målet.",
                    "No actor has a goal of its own that contributes to this goal.",
                ),
            ),
        )
    chart = charts.actor_small_multiples(
        fw, ctx.observations, goal.id, ctx.result, language, ctx.as_of
    )
    headers = [
        _say(language, "Aktör och mål", "Actor and goal"),
        _say(language, "Utgångsvärde", "Baseline"),
        _say(language, "Senaste värde", "Latest value"),
        _say(language, "Målvärde", "Target"),
        _say(language, "Status", "Status"),
        _say(language, "Riktning, lång sikt", "Direction, long term"),
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
    caption = _say(
        language,
        f"Aktörernas mål som bidrar till ”{goal.title}” (totalt)",
        f"The actors' goals contributing to “{goal.title}” (total)",
    )
    return _join(heading, _chart(chart), _table(caption, headers, body, cls="actor-goals-table"))


ROLE_WORDS: Final = {
    "sv": {
        "covers_whole_area": "gäller hela {area}",
        "other_indicator": "mäts med en annan indikator ({indicator})",
        "not_a_municipality": "gäller ett område som inte är en kommun",
        "no_target": "har inget målvärde",
        "duplicate_area": "är ett andra mål för samma kommun",
    },
    "en": {
        "covers_whole_area": "covers the whole of {area}",
        "other_indicator": "is measured with another indicator ({indicator})",
        "not_a_municipality": "covers an area that is not a municipality",
        "no_target": "has no target value",
        "duplicate_area": "is a second goal for the same municipality",
    },
}


def _consistency_sentences(ctx: ReportContext, goal: SharedGoal) -> list[str]:
    """What the actors' targets add up to against the shared target, and what is left out."""
    fw, language = ctx.fw, ctx.language
    check = ctx.consistency.get(goal.id)
    area = _area(goal.area, language)
    if check is None:
        return [
            _say(
                language,
                f"Indikatorn har ingen befolkningsbas (population_base) att väga kommunerna i "
                f"{area} med.",
                f"The indicator has no population base (population_base) to weigh the "
                f"municipalities of {area} with.",
            )
        ]
    if check.verdict == "cannot_assess":
        return [_say(language, f"Skäl: {check.reason}.", f"Reason: {check.reason}.")]
    implied = _rate(check.implied_change_percent / 100, language)
    required = _rate(check.required_change_percent / 100, language)
    years = f"{check.baseline_year}–{check.target_year}"
    sentences = [
        _say(
            language,
            f"Om varje kommun med eget mål når det, och övriga kommuner ligger kvar på sin "
            f"senaste nivå, blir förändringen för {area} {implied} {years}. Det gemensamma målet "
            f"kräver {required}.",
            f"If every municipality with a goal of its own reaches it, and the others stay at "
            f"their latest level, {area} changes by {implied} in {years}. The shared target "
            f"needs {required}.",
        )
    ]
    if check.verdict == "insufficient":
        gap = _points(check.gap_percentage_points, language)
        sentences.append(_say(language, f"Det fattas {gap}.", f"That is {gap} short."))
    coverage = _share(check.coverage, language)
    if check.uncovered:
        # A municipality with a goal for this shared goal that is not added up (another
        # indicator, no target) has a goal: it is listed below the verdict, not here.
        with_goal = set(check.actors["area"])
        names = _listing(
            [areas.get(code).name for code in check.uncovered if code not in with_goal], language
        )
        sentences.append(
            _say(
                language,
                f"Kommunerna vars mål räknas in har {coverage} av befolkningen.",
                f"The municipalities whose goals are added up have {coverage} of the population.",
            )
        )
        if names:
            sentences.append(
                _say(
                    language,
                    f"Kommuner utan eget mål för detta gemensamma mål: {names}.",
                    f"Municipalities without a goal of their own for this shared goal: {names}.",
                )
            )
    else:
        sentences.append(
            _say(
                language,
                f"Alla kommuner i {area} har egna mål.",
                f"Every municipality in {area} has a goal of its own.",
            )
        )
    if check.weight_year is not None and check.weight_year != check.baseline_year:
        sentences.append(
            _say(
                language,
                f"Kommunerna vägs med befolkningen {check.weight_year}, eftersom den för "
                f"{check.baseline_year} saknas.",
                f"The municipalities are weighed by the population of {check.weight_year}, as "
                f"{check.baseline_year} is missing.",
            )
        )
    late = [
        fw.goal(r.goal).title
        for r in check.actors.itertuples(index=False)
        if r.role == "aggregated" and r.target_year != check.target_year
    ]
    if late:
        sentences.append(
            _say(
                language,
                f"Mål med ett annat målår räknas med sitt målvärde {check.target_year}: "
                f"{_listing(late, language)}.",
                f"Goals with another target year count with their target value in "
                f"{check.target_year}: {_listing(late, language)}.",
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
            role = ROLE_WORDS[language][r.role].format(
                area=_area(goal.area, language), indicator=fw.indicator(r.indicator).title
            )
            aside.append(_el("li", f"{fw.goal(r.goal).title} ({fw.actor(r.actor).name}): {role}"))
    listed = (
        _join(
            _el(
                "p",
                _say(
                    language,
                    "Visas bredvid men räknas inte in när kommunernas mål läggs samman:",
                    "Shown beside the shared goal but not added up with the municipalities' goals:",
                ),
            ),
            _el("ul", aside, cls="not-aggregated"),
        )
        if aside
        else None
    )
    return _join(
        _el("h4", _say(language, "Räcker aktörernas mål?", "Do the actors' goals add up?")),
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
        _say(
            language,
            f"Kommunerna vägs med {title}, inte med indikatorns egen nämnare: en "
            f"approximation. Kontroll mot {_area(goal.area, language)}s publicerade värde: det "
            f"vägda medelvärdet av kommunerna avviker med {errors}.",
            f"Municipalities are weighted by {title}, not by the indicator's own "
            f"denominator: an approximation. Checked against the published value of "
            f"{_area(goal.area, language)}: the weighted mean of the municipalities differs by "
            f"{errors}.",
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
        _say(language, "Aktör och mål", "Actor and goal"),
        _say(language, "Statistiken", "Statistics"),
        _say(language, "Egen bedömning", "Own assessment"),
        _say(language, "Motivering", "Justification"),
        _say(language, "Ansvarig", "Owner"),
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
    note = _say(
        language,
        "Bedömningarna är aktörernas egna och står bredvid statistiken. De ändrar inte "
        "statusen, som bara bygger på statistiken.",
        "The assessments are the actors' own and stand beside the statistics. They do not "
        "change the status, which rests on the statistics alone.",
    )
    content: Content
    if body:
        caption = _say(
            language,
            f"Aktörernas egna bedömningar {year}, bredvid statistikens status",
            f"The actors' own assessments for {year}, beside the statistical status",
        )
        content = _table(caption, headers, body, cls="assessments-table")
    else:
        content = _el(
            "p",
            _say(
                language,
                f"Inga egna bedömningar har lämnats för {year}.",
                f"No assessments have been submitted for {year}.",
            ),
        )
    return _el(
        "aside",
        _el(
            "h4",
            _say(language, "Aktörernas egna bedömningar", "The actors' own assessments"),
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
    text = _say(
        language,
        f"Ingen bedömning lämnad för {ctx.year}",
        f"No assessment submitted for {ctx.year}",
    )
    if earlier:
        text += _say(language, f" (senaste: {earlier[-1]})", f" (latest: {earlier[-1]})")
    return text
