"""Discussion questions for the steering group, each drawn from the data by a stated rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from collab_metrics.model import areas
from collab_metrics.model.framework import (
    SharedGoal,
)
from collab_metrics.report.actor_goals import (
    assessment_period_matches,
)
from collab_metrics.report.comparison import (
    sex_gap,
)
from collab_metrics.report.context import (
    ReportContext,
    contributing_goals,
    decreasing,
    goal_row,
    is_false,
    sex_rows,
    unit_of,
)
from collab_metrics.report.markup import Html
from collab_metrics.report.templating import render
from collab_metrics.report.views import MANY
from collab_metrics.report.wording import listing, quote, whom
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import (
    SEX,
    Language,
)

# A women/men difference is "large" when the higher value exceeds the lower by more than
# this share at the latest year; the report states the rule wherever it uses it.
LARGE_GAP: Final = 0.20


def large_gap_rule(language: Language, large: bool = False) -> str:
    """The rule for a large women/men gap in words (`large`: the finding itself)."""
    threshold = fmt.share(LARGE_GAP, language)
    if large:
        return message("report.large_gap", language, threshold=threshold)
    return message("report.large_gap_rule", language, threshold=threshold)


@dataclass(frozen=True)
class Questions:
    """The discussion questions' view model: the questions and the rules that drew them."""

    heading: str
    intro: str
    questions: tuple[str, ...]
    none: str  # shown when the data raise no question
    rules: str


def discussion_questions(ctx: ReportContext) -> Html:
    """Questions for the steering group, each generated from the data by a stated rule."""
    return render("parts/questions.html.j2", questions_view(ctx), ctx.templates)


def questions_view(ctx: ReportContext) -> Questions:
    """The questions the data raise: missed targets first, then per goal, then assessments."""
    fw, language = ctx.fw, ctx.language
    questions: list[str] = []
    for goal in fw.shared_goals:  # missed targets first
        questions += _missed_questions(ctx, goal)
    for goal in fw.shared_goals:
        questions += _goal_questions(ctx, goal)
    questions += _assessment_questions(ctx)
    rules = " ".join(
        [
            large_gap_rule(language),
            message("report.questions_low_chance_rule", language),
        ]
    )
    return Questions(
        heading=message("report.questions_for_discussion", language),
        intro=message("report.questions_intro", language),
        questions=tuple(questions),
        none=message("report.questions_none", language),
        rules=rules,
    )


def _missed_questions(ctx: ReportContext, goal: SharedGoal) -> list[str]:
    """A target year has passed without the target being reached (on time)."""
    language = ctx.language
    rows = [
        (sex, r)
        for sex, r in sex_rows(ctx, goal.id)
        if r.status in ("not_achieved", "achieved_late", "met_within_noise")
    ]
    if not rows or goal.target is None:
        return []
    title, year = quote(goal.title, language), goal.target.year
    who = whom([sex for sex, _ in rows], language)
    return [message("report.question_target_missed", language, title=title, year=year, who=who)]


def _goal_questions(ctx: ReportContext, goal: SharedGoal) -> list[str]:
    fw, language = ctx.fw, ctx.language
    title = quote(goal.title, language)
    unit = unit_of(fw, goal)
    rows = sex_rows(ctx, goal.id)
    questions = []
    # One question per kind, naming whom it concerns: total, women, men.
    away = [(sex, r) for sex, r in rows if r.status == "moving_away"]
    if away:
        row = away[0][1]
        start = fmt.value_at(row.baseline_value, row.baseline_period, unit, language)
        end = fmt.value_at(row.latest_value, row.latest_period, unit, language)
        who = whom([sex for sex, _ in away], language)
        questions.append(
            message(
                "report.question_moving_away",
                language,
                title=title,
                who=who,
                start=start,
                end=end,
            )
        )
    unclear = [(sex, r) for sex, r in rows if r.status == "cannot_assess"]
    if unclear:
        who, reason = whom([sex for sex, _ in unclear], language), unclear[0][1].reason
        questions.append(
            message(
                "report.question_cannot_assess",
                language,
                title=title,
                who=who,
                reason=reason,
            )
        )
    # Only while the target year is ahead: at or after it, speeding up is no advice.
    low = [
        sex
        for sex, r in rows
        if r.chance == "unlikely" and r.status != "moving_away" and not bool(r.target_passed)
    ]
    if low:
        who = whom(low, language)
        questions.append(
            message(
                "report.question_unlikely",
                language,
                title=title,
                target_year=goal.target.year,
                who=who,
            )
        )
    noise = [sex for sex, r in rows if is_false(r.significant)]
    if noise:
        who = whom(noise, language)
        questions.append(message("report.question_within_noise", language, title=title, who=who))
    questions += _consistency_questions(ctx, goal)
    gap = sex_gap(ctx, goal.id)
    if gap is not None and gap[2] > LARGE_GAP:
        women, men, relative = gap
        higher = SEX[language]["women" if women.latest_value > men.latest_value else "men"].lower()
        questions.append(
            message(
                "report.question_large_gap",
                language,
                title=title,
                women=fmt.value_with_unit(women.latest_value, unit, language),
                men=fmt.value_with_unit(men.latest_value, unit, language),
                period=fmt.period(women.latest_period, language),
                higher=higher,
                relative=fmt.share(relative, language),
            )
        )
    questions += _national_trend_question(ctx, goal)
    # The actors' goals (totals), one question per kind for all the goals concerned.
    assessed = [(g, goal_row(ctx, g.id)) for g in contributing_goals(fw, goal.id)]
    named = {
        kind: listing(
            [
                f"{quote(g.title, language)} ({fw.actor(g.actor).name})"
                for g, row in assessed
                if row is not None and test(row)
            ],
            language,
        )
        for kind, test in (
            ("away", lambda row: row.status == "moving_away"),
            ("noise", lambda row: is_false(row.significant)),
        )
    }
    if named["away"]:
        questions.append(
            message("report.question_actor_goals_moving_away", language, away=named["away"])
        )
    if named["noise"]:
        questions.append(
            message("report.question_actor_goals_within_noise", language, noise=named["noise"])
        )
    return questions


def _consistency_questions(ctx: ReportContext, goal: SharedGoal) -> list[str]:
    language = ctx.language
    check = ctx.consistency.get(goal.id)
    title = quote(goal.title, language)
    if check is None:
        return []
    if check.verdict == "insufficient":
        implied = fmt.percent(check.implied_change_percent / 100, language)
        required = fmt.percent(check.required_change_percent / 100, language)
        with_goal = set(check.actors["area"])
        uncovered = [fmt.area_name(c) for c in check.uncovered if c not in with_goal]
        extra = (
            message(
                "report.question_uncovered_need_goals",
                language,
                uncovered=listing(uncovered, language),
            )
            if uncovered
            else ""
        )
        return [
            message(
                "report.question_actor_targets_short",
                language,
                title=title,
                implied=implied,
                required=required,
                extra=extra,
            )
        ]
    if check.verdict == "cannot_assess" and check.actors.empty:
        return [message("report.question_no_actor_goals", language, title=title)]
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
    sign = -1 if decreasing(ctx.fw, goal.indicator) else 1
    for r in rows.itertuples(index=False):
        own, theirs = r.area_change_relative, r.comparison_change_relative
        if fmt.missing(theirs) or sign * own <= 0 or own * theirs <= 0:
            continue
        if abs(own) / 2 <= abs(theirs) < abs(own):
            return [
                message(
                    "report.question_national_trend",
                    ctx.language,
                    title=quote(goal.title, ctx.language),
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
            a.goal == g.id and assessment_period_matches(a, ctx.year) for a in fw.assessments
        )
    ]
    if not missing:
        return []
    names = sorted({fw.actor(g.actor).name for g in missing})
    # Many (a national programme's 290) are named once, under the actors' own assessments.
    named = (
        listing(names, language)
        if len(names) <= MANY
        else message("report.question_names_elsewhere", language)
    )
    return [
        message(
            "report.question_assessments_missing",
            language,
            missing=len(missing),
            total=len(fw.actor_goals),
            year=ctx.year,
            names=named,
        )
    ]


# --- what changed since the previous report ------------------------------------------
