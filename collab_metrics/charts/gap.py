"""The gap chart: women and men over time in one area, the gap between them shaded."""

from __future__ import annotations

import pandas as pd

from collab_metrics.charts.chart import Chart, figure_with_axes, render_chart
from collab_metrics.charts.data import indicator_obs, is_monthly, series_of, times_of, values_of
from collab_metrics.charts.draw import plot_line, time_axis, value_axis, value_limits
from collab_metrics.charts.layout import Label, Titles, compose
from collab_metrics.charts.style import MUTED, SEX_STYLE, styled
from collab_metrics.charts.words import Format, attribution, method_notes, sentences
from collab_metrics.model.framework import Framework
from collab_metrics.text import labels
from collab_metrics.text.labels import Language


@styled
def gap_chart(
    fw: Framework,
    obs: pd.DataFrame,
    indicator_id: str,
    area: str,
    language: Language | None = None,
    as_of: int | None = None,
) -> Chart:
    """Women and men over time in one area, with the gap between them shaded and stated."""
    indicator = fw.indicator(indicator_id)
    if "sex" not in indicator.breakdowns:
        raise ValueError(f"indicator {indicator_id!r} has no breakdown by sex")
    data = indicator_obs(obs, fw.series_id(indicator_id), as_of)
    fmt = Format(language or fw.collaboration.language, indicator.unit, is_monthly(data))
    say = fmt.say
    women = series_of(data, area, "women")
    men = series_of(data, area, "men")
    both = women.index.intersection(men.index)
    times = times_of([women, men])

    fig, ax = figure_with_axes()
    ax.fill_between(both, women[both], men[both], color="#DADADA", alpha=0.6, lw=0, zorder=1)
    ends = []
    for sex, series in (("women", women), ("men", men)):
        style = {**SEX_STYLE[sex], "lw": 2.2, "ms": 4.2, "zorder": 4}
        plot_line(ax, series, style)
        if not series.empty:
            text = f"{labels.SEX[fmt.language][sex]} {fmt.number(series.iloc[-1])}"
            ends.append(Label.end_of(series, text, style["color"], bold=True))
    if len(both):
        last = both[-1]
        ax.plot([last, last], [women[last], men[last]], color=MUTED, lw=0.9, zorder=2)
        gap = say("gap", value=fmt.difference(abs(women[last] - men[last])))
        ends.append(Label((women[last] + men[last]) / 2, gap, MUTED, last))
    time_axis(ax, times, fmt, max(times, default=0.0))
    value_limits(ax, values_of([women, men]), indicator.natural_limit)
    value_axis(ax.yaxis, fmt.language)
    titles = Titles(
        fig, f"{indicator.title}: {say('women_and_men')}", f"{fmt.area(area)} ({fmt.unit})"
    )
    compose(fig, ax, titles, ends, plot_height=2.3)

    parts = []
    if len(both):
        end = both[-1]
        gap_now = women[end] - men[end]
        parts.append(
            say(
                "gap_alt",
                title=indicator.title,
                area=fmt.area(area),
                span=fmt.span(times),
                year=fmt.time(end),
                women=fmt.value(women[end]),
                men=fmt.value(men[end]),
                gap=fmt.difference(abs(gap_now)),
                higher=say("higher_women")
                if gap_now > 0
                else (say("higher_men") if gap_now < 0 else ""),
            )
        )
        if len(both) > 1:
            begin = both[0]
            gap_then = women[begin] - men[begin]
            change = abs(gap_now) - abs(gap_then)
            # Within 5 % of the earlier gap counts as the same: rounding is not a trend.
            same = abs(change) <= 0.05 * abs(gap_then)
            key = "unchanged" if same else ("narrowed" if change < 0 else "widened")
            parts.append(
                say(
                    "gap_then",
                    year=fmt.time(begin),
                    gap=fmt.difference(abs(gap_then)),
                    change=say(key),
                )
            )
    else:
        parts.append(f"{indicator.title}, {fmt.area(area)}: {say('missing')}.")
    caption = sentences(
        say("gap_caption", title=indicator.title, area=fmt.area(area), span=fmt.span(times)),
        *method_notes(indicator, area, fmt),
        attribution(fw, indicator, fmt),
    )
    return render_chart(fig, f"{say('line_chart')}: " + " ".join(parts), caption)
