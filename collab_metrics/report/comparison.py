"""A goal section's comparisons: riket and other areas, women and men, noise, forecast."""

from __future__ import annotations

from typing import Any

import pandas as pd

from collab_metrics.analysis.assess import (
    INTERVAL,
    Z_95,
)
from collab_metrics.model import areas
from collab_metrics.model.framework import (
    ActorGoal,
    SharedGoal,
)
from collab_metrics.report.context import (
    ReportContext,
    chance_words,
    decreasing,
    goal_row,
    is_false,
    sex_rows,
    unit_of,
)
from collab_metrics.report.markup import (
    Html,
)
from collab_metrics.report.templating import render
from collab_metrics.report.views import (
    Labelled,
    Row,
    Table,
    direction_label,
    figure,
    status_mark,
)
from collab_metrics.report.wording import capitalised, listing, sex_phrase
from collab_metrics.text import format as fmt
from collab_metrics.text import labels
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import (
    SEX,
    Language,
)


def context_part(ctx: ReportContext, goal: SharedGoal) -> Html:
    """The goal's change against riket and comparison areas: sentences and a table."""
    view = _context_view(ctx, goal)
    return render("parts/context.html.j2", view, ctx.templates) if view else Html()


def _context_view(ctx: ReportContext, goal: SharedGoal) -> dict[str, Any] | None:
    language = ctx.language
    table = ctx.context
    if table.empty:
        return None
    rows = table[table["goal"] == goal.id]
    if rows.empty:
        return None
    unit = unit_of(ctx.fw, goal)
    sentences = [
        _context_sentence(ctx, goal, record)
        for record in rows[rows["sex"] == "total"].itertuples(index=False)
    ]
    first = rows.iloc[0]
    span = fmt.span(first["from_period"], first["to_period"], language)
    own = fmt.area_name(goal.area, language)
    headers = [
        message("report.comparison", language),
        message("report.sex", language),
        own,
        message("report.comparison_area", language),
        message("report.difference", language),
    ]
    body = tuple(
        Row(
            fmt.area_name(r.comparison_area, language),
            (
                SEX[language][r.sex],
                fmt.percent(r.area_change_relative, language),
                Labelled(
                    fmt.percent(r.comparison_change_relative, language),
                    f"({fmt.value_with_unit(r.comparison_from, unit, language)} → "
                    f"{fmt.value_with_unit(r.comparison_to, unit, language)})",
                ),
                fmt.number(
                    None
                    if fmt.missing(r.difference_relative)
                    else 100
                    * _shown_difference(r.area_change_relative, r.comparison_change_relative),
                    language,
                ),
            ),
            numeric=frozenset({1, 2, 3}),
        )
        for r in rows.itertuples(index=False)
    )
    caption = message("report.context_caption", language, span=span, own=own)
    return {
        "heading": message("report.context_heading", language),
        "sentences": sentences,
        "table": Table(caption, headers, (body,), "context-table"),
        "notes": _missing_comparison_notes(ctx, goal, rows),
    }


def _missing_comparison_notes(
    ctx: ReportContext, goal: SharedGoal, rows: pd.DataFrame
) -> list[str]:
    """Why a comparison shows "–": the source publishes the area for that sex only from
    a later year (riket by sex in Kolada's N03921 starts in 2016), or not at all."""
    language, notes = ctx.language, []
    series = ctx.fw.series_id(goal.indicator)
    obs = ctx.observations
    missing = rows[rows["comparison_from"].isna() | rows["comparison_to"].isna()]
    for (area, sex), group in missing.groupby(["comparison_area", "sex"], sort=False):
        have = obs[
            (obs["indicator"] == series)
            & (obs["area"] == area)
            & (obs["sex"] == sex)
            & obs["value"].notna()
        ]["period"]
        name, who = fmt.area_name(area, language), sex_phrase(sex, language)
        first_row = group.iloc[0]
        gap_at_start = fmt.missing(first_row["comparison_from"])
        period = first_row["from_period"] if gap_at_start else first_row["to_period"]
        if have.empty:
            notes.append(message("report.comparison_no_values", language, name=name, who=who))
        else:
            first = fmt.period(min(have), language)
            notes.append(
                message(
                    "report.comparison_published_later",
                    language,
                    name=name,
                    who=who,
                    period=fmt.period(period, language),
                    first=first,
                )
            )
    return notes


def _context_sentence(ctx: ReportContext, goal: SharedGoal, record: Any) -> str:
    """ "Region Blekinge minskade med 40,7 % 2013–2017; riket minskade med 37,9 % under samma
    år: skillnaden är 2,8 procentenheter ..., så det mesta följer den nationella utvecklingen."
    """
    language = ctx.language
    own_name = fmt.area_name(goal.area, language, in_sentence=True)
    other = fmt.area_name(record.comparison_area, language, in_sentence=True)
    first, last = fmt.period(record.from_period, language), fmt.period(record.to_period, language)
    if fmt.missing(record.comparison_change_relative):
        return message(
            "report.context_sentence_no_comparison",
            language,
            other=other,
            first=first,
            last=last,
        )
    own, theirs = record.area_change_relative, record.comparison_change_relative
    # The difference of the two percentages as the reader sees them (rounded to 0.1).
    difference = _shown_difference(own, theirs)
    unit = unit_of(ctx.fw, goal)
    own_moved = _moved(own, language, record.area_change, unit)
    their_moved = _moved(theirs, language, record.comparison_change, unit)
    text = message(
        "report.context_sentence",
        language,
        own_name=capitalised(own_name),
        own_moved=own_moved,
        span=fmt.span(record.from_period, record.to_period, language),
        other=other,
        their_moved=their_moved,
        difference=fmt.points(abs(100 * difference), language),
    )
    if round(abs(100 * difference), 1) > 0:
        sign = -1 if decreasing(ctx.fw, goal.indicator) else 1
        favoured = own_name if sign * difference > 0 else other
        text += message("report.context_in_favour_of", language, favoured=favoured)
    trend = (
        message("report.the_national_trend", language)
        if record.comparison_area == areas.RIKET
        else message("report.the_trend_in", language, other=other)
    )
    if own * theirs > 0:
        if abs(theirs) >= abs(own):
            text += message(
                "report.context_smaller_change", language, own_name=own_name, other=other
            )
        elif abs(theirs) >= abs(own) / 2:
            text += message(
                "report.context_mostly_follows",
                language,
                trend=trend,
                other=other,
                own_name=own_name,
            )
        else:
            text += message("report.context_mostly_beyond", language, trend=trend)
    elif own * theirs < 0:
        text += message(
            "report.context_opposite_directions", language, own_name=own_name, other=other
        )
    return text + "."


def _shown_difference(own: float, theirs: float) -> float:
    """own - theirs (relative changes), from the figures rounded to 0.1 % as printed."""
    return (round(100 * own, 1) - round(100 * theirs, 1)) / 100


def _moved(change: float, language: Language, absolute: Any = None, unit: str = "") -> str:
    """ "minskade med 40,7 % (5,8 procentenheter)" from a relative change of -0.407 and,
    when given, the change in the indicator's units: percent of a rate and percentage
    points are both named, never mixed."""
    size = fmt.percent(abs(change), language)
    if round(abs(change) * 100, 1) == 0:
        return message("report.moved_stayed", language)
    if absolute is not None and not fmt.missing(absolute):
        amount = (
            fmt.points(abs(absolute), language)
            if unit.strip() == "%"
            else f"{fmt.number(abs(absolute), language)} {unit}"
        )
        size = f"{size} ({amount})"
    if change < 0:
        return message("report.moved_fell", language, size=size)
    return message("report.moved_rose", language, size=size)


def sex_gap(ctx: ReportContext, goal_id: str) -> tuple[Any, Any, float] | None:
    """Women's and men's rows and the relative gap (higher / lower - 1) at the latest
    year both have, or None when the goal has no comparable values for women and men."""
    women, men = goal_row(ctx, goal_id, "women"), goal_row(ctx, goal_id, "men")
    if women is None or men is None:
        return None
    if fmt.missing(women.latest_value) or fmt.missing(men.latest_value):
        return None
    if women.latest_period != men.latest_period or min(women.latest_value, men.latest_value) <= 0:
        return None
    high, low = max(women.latest_value, men.latest_value), min(women.latest_value, men.latest_value)
    return women, men, high / low - 1


def gap_sentence(ctx: ReportContext, goal: SharedGoal | ActorGoal) -> str:
    """The women/men gap of a goal's latest values in one sentence, or ""."""
    # A late import: shared imports questions, which imports this module.
    from collab_metrics.report import shared

    gap = sex_gap(ctx, goal.id)
    if gap is None:
        return ""
    women, men, _ = gap
    return shared.gap_text(
        ctx.language,
        women.latest_period,
        women.latest_value,
        men.latest_value,
        unit_of(ctx.fw, goal),
    )


def sex_part(ctx: ReportContext, goal: SharedGoal) -> Html:
    """Total, women and men side by side, and how large the gap is."""
    language = ctx.language
    rows = sex_rows(ctx, goal.id)
    if len(rows) < 2:
        return Html()
    unit = unit_of(ctx.fw, goal)
    headers = [
        message("report.sex", language),
        message("report.baseline", language),
        message("report.latest_value", language),
        message("report.target", language),
        message("report.status", language),
        message("report.direction_long_term", language),
        message("report.chance_of_reaching_target", language),
    ]
    body = tuple(
        Row(
            SEX[language][sex],
            (
                figure(row.baseline_value, row.baseline_period, unit, language),
                figure(row.latest_value, row.latest_period, unit, language),
                figure(row.target_value, row.target_year, unit, language),
                status_mark(row.status, language),
                direction_label(row.direction_long, language),
                chance_words(row, language),
            ),
            numeric=frozenset({0, 1, 2, 5}),
        )
        for sex, row in rows
    )
    caption = message("report.sex_caption", language, title=goal.title)
    view = {
        "heading": message("report.women_and_men", language),
        "sentence": gap_sentence(ctx, goal),
        "table": Table(caption, headers, (body,), "sex-table"),
    }
    return render("parts/women_and_men.html.j2", view, ctx.templates)


def noise_sentences(ctx: ReportContext, goal: SharedGoal | ActorGoal) -> list[str]:
    """One sentence per sex whose change is within random variation."""
    language = ctx.language
    sentences = []
    for sex, row in sex_rows(ctx, goal.id):
        if not is_false(row.significant):
            continue
        unit = unit_of(ctx.fw, goal)
        start = fmt.value_at(row.baseline_value, row.baseline_period, unit, language)
        end = fmt.value_at(row.latest_value, row.latest_period, unit, language)
        limit = fmt.points(abs(Z_95 * row.noise_se), language)
        sentences.append(
            message(
                "report.noise_sentence_published"
                if row.noise_source == "published"
                else "report.noise_sentence",
                language,
                sex=capitalised(sex_phrase(sex, language)),
                start=start,
                end=end,
                limit=limit,
            )
        )
    return sentences


def noise_part(ctx: ReportContext, goal: SharedGoal) -> Html:
    """Changes within random variation, one sentence per sex."""
    sentences = noise_sentences(ctx, goal)
    if not sentences:
        return Html()
    view = {"heading": message("report.random_variation", ctx.language), "sentences": sentences}
    return render("parts/noise.html.j2", view, ctx.templates)


def forecast_text(ctx: ReportContext, goal: SharedGoal | ActorGoal, row: Any) -> str:
    """The forecast to the target year with its interval and probability, or why none."""
    language = ctx.language
    unit = unit_of(ctx.fw, goal)
    if row is None or goal.target is None:
        return ""
    if bool(row.target_passed):
        return message("report.forecast_target_year_passed", language, target_year=goal.target.year)
    if fmt.missing(row.forecast_value):
        note = (
            labels.reason(row.forecast_note, language)
            if row.forecast_note
            else message("report.forecast_cannot_assess", language)
        )
        return message("report.forecast_none", language, note=note)
    points = int(row.forecast_points)
    interval = fmt.share(INTERVAL, language)
    spread = fmt.value_range(row.forecast_low, row.forecast_high, unit, language)
    chance = labels.CHANCE[language][row.chance]
    text = message(
        "report.forecast_sentence",
        language,
        points=points,
        target_year=goal.target.year,
        forecast_value=fmt.value_with_unit(row.forecast_value, unit, language),
        interval=interval,
        spread=spread,
        target_value=fmt.value_with_unit(row.target_value, unit, language),
        chance=chance,
    )
    if bool(row.interval_borrowed):
        text += " " + message(
            "report.forecast_interval_borrowed",
            language,
            forecast_horizon=int(row.forecast_horizon),
        )
    by_sex = [(sex, r.chance) for sex, r in sex_rows(ctx, goal.id) if sex != "total" and r.chance]
    if by_sex:
        shown = listing(
            [f"{labels.CHANCE[language][c]} {sex_phrase(sex, language)}" for sex, c in by_sex],
            language,
        )
        text += " " + message("report.forecast_chance_by_sex", language, shown=shown)
    return text


def forecast_part(ctx: ReportContext, goal: SharedGoal, row: Any) -> Html:
    """The forecast to the target year in words, or nothing without a target."""
    text = forecast_text(ctx, goal, row)
    if not text:
        return Html()
    view = {"heading": message("report.forecast", ctx.language), "text": text}
    return render("parts/forecast.html.j2", view, ctx.templates)
