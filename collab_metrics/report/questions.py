"""Discussion questions for the steering group, each drawn from the data by a stated rule."""

from __future__ import annotations

from typing import Final

from collab_metrics.model import areas
from collab_metrics.model.framework import (
    SharedGoal,
)
from collab_metrics.report.actor_goals import (
    _assessment_period_matches,
)
from collab_metrics.report.comparison import (
    _sex_gap,
)
from collab_metrics.report.context import (
    ReportContext,
    _actor_goals,
    _decreasing,
    _is_false,
    _row,
    _sex_rows,
    _unit,
)
from collab_metrics.report.markup import (
    Html,
    _el,
)
from collab_metrics.report.wording import (
    _listing,
    _missing,
    _period,
    _quote,
    _rate,
    _say,
    _share,
    _value,
    _value_at,
    _who,
)
from collab_metrics.text.labels import (
    SEX,
    Language,
)

# A women/men difference is "large" when the higher value exceeds the lower by more than
# this share at the latest year; the report states the rule wherever it uses it.
LARGE_GAP: Final = 0.20


def _large_gap_rule(language: Language, large: bool = False) -> str:
    threshold = _share(LARGE_GAP, language)
    if large:
        return _say(
            language,
            f"Det är en stor skillnad: det högre värdet är mer än {threshold} högre än det lägre.",
            f"That is a large gap: the higher value exceeds the lower by more than {threshold}.",
        )
    return _say(
        language,
        f"En skillnad mellan kvinnor och män räknas här som stor när det högre värdet är mer än "
        f"{threshold} högre än det lägre det senaste året.",
        f"A gap between women and men counts as large here when the higher value exceeds the "
        f"lower by more than {threshold} in the latest year.",
    )


def discussion_questions(ctx: ReportContext) -> Html:
    """Questions for the steering group, each generated from the data by a stated rule."""
    fw, language = ctx.fw, ctx.language
    questions: list[str] = []
    for goal in fw.shared_goals:  # missed targets first
        questions += _missed_questions(ctx, goal)
    for goal in fw.shared_goals:
        questions += _goal_questions(ctx, goal)
    questions += _assessment_questions(ctx)
    heading = _el(
        "h2", _say(language, "Frågor att diskutera", "Questions for discussion"), id="questions"
    )
    intro = _say(
        language,
        "Frågorna har tagits fram ur statistiken efter fasta regler: mål som inte nåddes till "
        "målåret (först), mål som går åt fel håll, "
        "låg chans att nå målet, aktörsmål som inte räcker, stora skillnader mellan kvinnor och "
        "män, mål som inte kan bedömas, förändringar inom slumpvariationen och saknade "
        "bedömningar.",
        "The questions come from the statistics by fixed rules: goals not reached by the "
        "target year (first), goals moving away, a low "
        "chance of reaching the target, actor goals that fall short, large gaps between women "
        "and men, goals that cannot be assessed, changes within random variation and missing "
        "assessments.",
    )
    rules = " ".join(
        [
            _large_gap_rule(language),
            _say(
                language,
                "Låg chans betyder att inget av prognosintervallet når målvärdet (osannolikt).",
                "A low chance means that none of the forecast interval reaches the target "
                "(unlikely).",
            ),
        ]
    )
    listing: Html = (
        _el("ol", [_el("li", q) for q in questions], cls="questions")
        if questions
        else _el(
            "p",
            _say(
                language,
                "Statistiken ger inga särskilda frågor den här gången: alla mål går åt rätt håll "
                "och kan bedömas.",
                "The statistics raise no particular questions this time: every goal moves the "
                "right way and can be assessed.",
            ),
        )
    )
    return _el(
        "section", heading, _el("p", intro), listing, _el("p", rules, cls="note"), cls="questions"
    )


def _missed_questions(ctx: ReportContext, goal: SharedGoal) -> list[str]:
    """A target year has passed without the target being reached (on time)."""
    language = ctx.language
    rows = [
        (sex, r)
        for sex, r in _sex_rows(ctx, goal.id)
        if r.status in ("not_achieved", "achieved_late", "met_within_noise")
    ]
    if not rows or goal.target is None:
        return []
    title, year = _quote(goal.title, language), goal.target.year
    who = _who([sex for sex, _ in rows], language)
    return [
        _say(
            language,
            f"{title} nåddes inte till målåret {year}{who}. Vad lär vi oss av det: var målet "
            "rätt satt, räckte insatserna, och vilket mål ska gälla nu?",
            f"{title} was not reached by the target year {year}{who}. What do we learn from "
            "that: was the target right, were the efforts enough, and which target applies "
            "now?",
        )
    ]


def _goal_questions(ctx: ReportContext, goal: SharedGoal) -> list[str]:
    fw, language = ctx.fw, ctx.language
    title = _quote(goal.title, language)
    unit = _unit(fw, goal)
    rows = _sex_rows(ctx, goal.id)
    questions = []
    # One question per kind, naming whom it concerns: total, women, men.
    away = [(sex, r) for sex, r in rows if r.status == "moving_away"]
    if away:
        row = away[0][1]
        start = _value_at(row.baseline_value, row.baseline_period, unit, language)
        end = _value_at(row.latest_value, row.latest_period, unit, language)
        who = _who([sex for sex, _ in away], language)
        questions.append(
            _say(
                language,
                f"{title} går åt fel håll{who}: från {start} till {end}. Vad behöver vi göra "
                "annorlunda, och vem tar ansvar för det?",
                f"{title} is moving away from the target{who}: from {start} to {end}. What do "
                "we need to do differently, and who takes that on?",
            )
        )
    unclear = [(sex, r) for sex, r in rows if r.status == "cannot_assess"]
    if unclear:
        who, reason = _who([sex for sex, _ in unclear], language), unclear[0][1].reason
        questions.append(
            _say(
                language,
                f"{title} kan inte bedömas{who} ({reason}). Hur får vi underlag för att följa "
                "upp målet?",
                f"{title} cannot be assessed{who} ({reason}). How do we get what we need to "
                "follow it up?",
            )
        )
    # Only while the target year is ahead: at or after it, speeding up is no advice.
    low = [
        sex
        for sex, r in rows
        if r.chance == "unlikely" and r.status != "moving_away" and not bool(r.target_passed)
    ]
    if low:
        who = _who(low, language)
        questions.append(
            _say(
                language,
                f"Med nuvarande takt är det osannolikt att {title} nås till {goal.target.year}"
                f"{who}. Vad skulle öka takten?",
                f"At the current pace {title} is unlikely to be reached by {goal.target.year}"
                f"{who}. What would speed it up?",
            )
        )
    noise = [sex for sex, r in rows if _is_false(r.significant)]
    if noise:
        who = _who(noise, language)
        questions.append(
            _say(
                language,
                f"Förändringen för {title} ryms inom slumpvariationen{who}. Ska vi vänta med "
                "slutsatser, eller följa utvecklingen med fler mått?",
                f"The change for {title} is within random variation{who}. Should we wait before "
                "drawing conclusions, or follow it with more measures?",
            )
        )
    questions += _consistency_questions(ctx, goal)
    gap = _sex_gap(ctx, goal.id)
    if gap is not None and gap[2] > LARGE_GAP:
        women, men, relative = gap
        higher = SEX[language]["women" if women.latest_value > men.latest_value else "men"].lower()
        questions.append(
            _say(
                language,
                f"Stor skillnad mellan kvinnor och män för {title}: "
                f"{_value(women.latest_value, unit, language)} för kvinnor och "
                f"{_value(men.latest_value, unit, language)} för män "
                f"{_period(women.latest_period, language)} ({higher} "
                f"{_share(relative, language)} högre). Vad förklarar skillnaden, och behöver "
                "insatserna riktas olika?",
                f"A large gap between women and men for {title}: "
                f"{_value(women.latest_value, unit, language)} for women and "
                f"{_value(men.latest_value, unit, language)} for men in "
                f"{_period(women.latest_period, language)} ({higher} "
                f"{_share(relative, language)} higher). What explains it, and should the work "
                "be aimed differently?",
            )
        )
    questions += _national_trend_question(ctx, goal)
    # The actors' goals (totals), one question per kind for all the goals concerned.
    assessed = [(g, _row(ctx, g.id)) for g in _actor_goals(fw, goal.id)]
    named = {
        kind: _listing(
            [
                f"{_quote(g.title, language)} ({fw.actor(g.actor).name})"
                for g, row in assessed
                if row is not None and test(row)
            ],
            language,
        )
        for kind, test in (
            ("away", lambda row: row.status == "moving_away"),
            ("noise", lambda row: _is_false(row.significant)),
        )
    }
    if named["away"]:
        questions.append(
            _say(
                language,
                f"Aktörsmål som går åt fel håll: {named['away']}. Vilket stöd behövs från "
                "samverkan?",
                f"Actor goals moving away from their targets: {named['away']}. What support do "
                "they need from the collaboration?",
            )
        )
    if named["noise"]:
        questions.append(
            _say(
                language,
                f"Förändringen ryms inom slumpvariationen för {named['noise']}. Finns det andra "
                "mått som visar om arbetet ger effekt?",
                f"The change is within random variation for {named['noise']}. Are there other "
                "measures that show whether the work has an effect?",
            )
        )
    return questions


def _consistency_questions(ctx: ReportContext, goal: SharedGoal) -> list[str]:
    language = ctx.language
    check = ctx.consistency.get(goal.id)
    title = _quote(goal.title, language)
    if check is None:
        return []
    if check.verdict == "insufficient":
        implied = _rate(check.implied_change_percent / 100, language)
        required = _rate(check.required_change_percent / 100, language)
        with_goal = set(check.actors["area"])
        uncovered = [areas.get(c).name for c in check.uncovered if c not in with_goal]
        extra = (
            _say(
                language,
                f", eller behöver {_listing(uncovered, language)} egna mål",
                f", or do {_listing(uncovered, language)} need goals of their own",
            )
            if uncovered
            else ""
        )
        return [
            _say(
                language,
                f"Aktörernas egna mål räcker inte till {title}: tillsammans {implied} mot målets "
                f"{required}. Behöver någon aktör höja sitt mål{extra}?",
                f"The actors' own targets fall short of {title}: together {implied} against the "
                f"target's {required}. Should an actor raise its target{extra}?",
            )
        ]
    if check.verdict == "cannot_assess" and check.actors.empty:
        return [
            _say(
                language,
                f"Ingen aktör har ett eget mål för {title}. Vem bidrar, och hur följer vi upp "
                "bidragen?",
                f"No actor has a goal of its own for {title}. Who contributes, and how do we "
                "follow up the contributions?",
            )
        ]
    return []


def _national_trend_question(ctx: ReportContext, goal: SharedGoal) -> list[str]:
    """When most of an improvement is the national trend, ask what the collaboration added."""
    table = ctx.context
    if table.empty:
        return []
    rows = table[
        (table["goal"] == goal.id)
        & (table["sex"] == "total")
        & (table["comparison_area"] == areas.RIKET)
    ]
    sign = -1 if _decreasing(ctx.fw, goal.indicator) else 1
    for r in rows.itertuples(index=False):
        own, theirs = r.area_change_relative, r.comparison_change_relative
        if _missing(theirs) or sign * own <= 0 or own * theirs <= 0:
            continue
        if abs(own) / 2 <= abs(theirs) < abs(own):
            return [
                _say(
                    ctx.language,
                    f"Det mesta av förbättringen för {_quote(goal.title, 'sv')} följer den "
                    "nationella utvecklingen. Vad har samverkan tillfört utöver den, och hur kan "
                    "vi visa det?",
                    f"Most of the improvement for {_quote(goal.title, 'en')} follows the national "
                    "trend. What has the collaboration added beyond it, and how can we show it?",
                )
            ]
    return []


def _assessment_questions(ctx: ReportContext) -> list[str]:
    fw, language = ctx.fw, ctx.language
    if not fw.actor_goals:
        return []
    missing = [
        g
        for g in fw.actor_goals
        if not any(
            a.goal == g.id and _assessment_period_matches(a, ctx.year) for a in fw.assessments
        )
    ]
    if not missing:
        return []
    names = sorted({fw.actor(g.actor).name for g in missing})
    return [
        _say(
            language,
            f"{len(missing)} av {len(fw.actor_goals)} aktörsmål saknar egen bedömning för "
            f"{ctx.year} ({_listing(names, language)}). Hur säkrar vi att alla bedömer sina mål "
            "till nästa uppföljning?",
            f"{len(missing)} of {len(fw.actor_goals)} actor goals have no assessment for "
            f"{ctx.year} ({_listing(names, language)}). How do we make sure every goal is "
            "assessed for the next follow-up?",
        )
    ]


# --- what changed since the previous report ------------------------------------------
