"""The goal chart (a goal's curve, target, path and forecast) and its sparkline."""

from __future__ import annotations

import pandas as pd

from collab_metrics.charts.chart import Chart, figure_with_axes, new_figure, render_chart
from collab_metrics.charts.data import (
    Marks,
    assessment_row,
    between,
    comparison_areas,
    indicator_obs,
    is_monthly,
    series_of,
    times_of,
    values_of,
)
from collab_metrics.charts.draw import (
    baseline_note,
    draw_breaks,
    draw_marks,
    plot_line,
    target_marker,
    time_axis,
    value_axis,
    value_limits,
)
from collab_metrics.charts.layout import Label, Titles, compose
from collab_metrics.charts.style import (
    AREA_COLOUR,
    COMPARISON_STYLES,
    HISTORY,
    SEX_STYLE,
    TOTAL,
    styled,
)
from collab_metrics.charts.words import (
    Format,
    attribution,
    method_notes,
    sentences,
    status_words,
    subtitle_text,
)
from collab_metrics.model.framework import Framework
from collab_metrics.text import labels
from collab_metrics.text.labels import Language


@styled
def goal_chart(
    fw: Framework,
    obs: pd.DataFrame,
    goal_id: str,
    result: pd.DataFrame,
    language: Language | None = None,
    as_of: int | None = None,
) -> Chart:
    """A goal's curve on its area with women, men and comparison areas, the baseline,
    the target, the straight path to the target and the forecast with its 80 % interval.

    `result` is the assessment frame (`assess()` with the same `as_of`); only periods up
    to `as_of` are drawn.
    """
    goal = fw.goal(goal_id)
    indicator = fw.indicator(goal.indicator)
    area = fw.goal_area(goal)
    data = indicator_obs(obs, fw.series_id(goal.indicator), as_of)
    fmt = Format(language or fw.collaboration.language, indicator.unit, is_monthly(data))
    say = fmt.say
    marks = Marks.from_row(
        assessment_row(result, goal_id, "total"), declared_baseline=goal.baseline
    )
    start = goal.baseline.year - HISTORY if goal.baseline else None
    drawn = comparison_areas(fw, goal)
    data = data[data["area"].isin([area, *drawn])]  # before the series: a national one is big
    total = series_of(data, area, "total", start)
    sexes = {
        sex: series
        for sex in (("women", "men") if "sex" in indicator.breakdowns else ())
        if not (series := series_of(data, area, sex, start)).empty
    }
    comparisons = {
        code: series
        for code in drawn
        if not (series := series_of(data, code, "total", start)).empty
    }
    everything = [total, *sexes.values(), *comparisons.values()]
    times = times_of(everything)
    xmax = max([*times, *marks.times()], default=0.0)

    fig, ax = figure_with_axes()
    ends: list[Label] = []
    for (code, series), style in zip(comparisons.items(), COMPARISON_STYLES, strict=False):
        plot_line(ax, series, {**style, "zorder": 2})
        ends.append(Label.end_of(series, fmt.area(code), style["color"]))
    for sex, series in sexes.items():
        plot_line(ax, series, {**SEX_STYLE[sex], "zorder": 3})
        ends.append(Label.end_of(series, labels.SEX[fmt.language][sex], SEX_STYLE[sex]["color"]))
    plot_line(ax, total, TOTAL)
    if not total.empty and not marks.forecast:
        ends.append(Label.end_of(total, fmt.area(area), AREA_COLOUR, bold=True))
    ends += draw_marks(ax, marks, indicator.direction, fmt, xmax, fmt.area(area))
    draw_breaks(ax, indicator, area, times, fmt)
    time_axis(ax, times, fmt, xmax)
    value_limits(
        ax,
        [*values_of(everything), *marks.values()],
        indicator.natural_limit,
        headroom=marks.baseline is not None,
    )
    value_axis(ax.yaxis, fmt.language)
    titles = Titles(fig, goal.title, subtitle_text(indicator.title, fmt.unit, fmt.area(area)))
    compose(fig, ax, titles, ends, plot_height=2.6)
    if marks.baseline:
        baseline_note(ax, marks.baseline, fmt)

    alt = f"{say('line_chart')}: " + _goal_alt(
        indicator.title, area, total, sexes, comparisons, marks, fmt
    )
    legend = [say("legend_area", area=fmt.area(area))]
    if sexes:
        legend.append(say("legend_sexes"))
    if comparisons:
        legend.append(say("legend_comparisons"))
    marks_legend = [say("legend_target")] if marks.target else []
    if marks.forecast:
        marks_legend.append(say("legend_forecast"))
    caption = sentences(
        goal.title,
        f"{indicator.title}, {fmt.area(area)}, {fmt.span(times)}" if times else "",
        ", ".join(legend),
        ", ".join(marks_legend),
        *method_notes(indicator, area, fmt),
        attribution(fw, indicator, fmt),
    )
    return render_chart(fig, alt, caption)


@styled
def sparkline(
    fw: Framework,
    obs: pd.DataFrame,
    goal_id: str,
    result: pd.DataFrame,
    language: Language | None = None,
) -> Chart:
    """A tiny inline chart (1.2 x 0.35 inches) of the goal's total from the baseline to
    the latest value, with the target as a ring; the alt text says the same in words."""
    goal = fw.goal(goal_id)
    data = indicator_obs(obs, fw.series_id(goal.indicator), None)
    fmt = Format(
        language or fw.collaboration.language, fw.indicator(goal.indicator).unit, is_monthly(data)
    )
    marks = Marks.from_row(
        assessment_row(result, goal_id, "total"), declared_baseline=goal.baseline
    )
    series = between(series_of(data, fw.goal_area(goal), "total"), marks)

    fig = new_figure(1.2, 0.35)
    ax = fig.add_axes((0.03, 0.1, 0.9, 0.8))
    ax.set_axis_off()
    plot_line(ax, series, {"color": AREA_COLOUR, "lw": 1.3})
    if not series.empty:
        ax.plot(series.index[-1], series.iloc[-1], "o", color=AREA_COLOUR, ms=2.8, zorder=4)
    if marks.target:
        target_marker(ax, *marks.target, size=4.2)
    ax.margins(x=0.06, y=0.22)

    parts = [fmt.from_to(series)] if not series.empty else []
    if marks.target:
        time, value = marks.target
        parts.append(fmt.say("target_short", value=fmt.value(value), year=fmt.time(time)))
    alt = f"{fmt.say('sparkline')}: " + ("; ".join(parts) or fmt.say("missing"))
    return render_chart(fig, alt, "")


def _goal_alt(
    title: str,
    area: str,
    total: pd.Series,
    sexes: dict[str, pd.Series],
    comparisons: dict[str, pd.Series],
    marks: Marks,
    fmt: Format,
) -> str:
    say = fmt.say
    if total.empty:
        return f"{title} {say('in')} {fmt.area(area)}: {say('missing')}."
    parts = [f"{title} {say('in')} {fmt.area(area)} {fmt.change(between(total, marks))}."]
    if marks.target:
        time, value = marks.target
        parts.append(
            say(
                "target_is",
                value=fmt.value(value),
                year=fmt.time(time),
                status=status_words(marks, fmt.language),
            )
        )
    elif marks.status is not None:
        parts.append(
            say(
                "no_target",
                status=labels.STATUS[fmt.language][""],
                direction=labels.DIRECTION[fmt.language][marks.direction],
            )
        )
    named = [(labels.SEX[fmt.language][sex], s) for sex, s in sexes.items()]
    named += [(fmt.area(code), s) for code, s in comparisons.items()]
    for name, series in named:
        inside = between(series, marks)
        if not inside.empty:
            parts.append(f"{name} {fmt.change(inside)}.")
    if marks.forecast:
        year, value, low, high = marks.forecast
        parts.append(
            say(
                "forecast_is",
                year=fmt.time(year),
                value=fmt.value(value),
                low=fmt.number(low),
                high=fmt.number(high),
            )
        )
    return " ".join(parts)
