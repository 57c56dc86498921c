"""The situation picture's chart: the last 13 months of one area beside riket.

The area's curve leads (blue, solid, filled markers); riket is a thin grey dotted line, so
the two differ in colour and line style and survive grey-scale print. The same month a
year before the latest is ringed: the comparison the situation picture makes. The alt text
states the window, the latest value, the value a year before and riket's latest value.
"""

from __future__ import annotations

import pandas as pd

from collab_metrics.analysis import monthly
from collab_metrics.charts.chart import Chart, figure_with_axes, render_chart
from collab_metrics.charts.draw import plot_line, time_axis, value_axis, value_limits
from collab_metrics.charts.layout import Label, Titles, compose
from collab_metrics.charts.style import AREA_COLOUR, COMPARISON_STYLES, GREY, INK, TOTAL, styled
from collab_metrics.charts.words import Format, attribution, sentences
from collab_metrics.model import areas
from collab_metrics.model.framework import Framework
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import Language

PLOT_HEIGHT = 1.45  # inches: small enough for a one-page situation picture


@styled
def situation_chart(
    fw: Framework,
    observations: pd.DataFrame,
    indicator_id: str,
    area: str,
    latest: str,
    language: Language | None = None,
    sex: str = "total",
) -> Chart:
    """The 13 months (5 quarters) up to `latest` of one area and riket, a year ago ringed."""
    indicator = fw.indicator(indicator_id)
    frame = monthly.window(fw, observations, indicator_id, area, sex, latest)
    fmt = Format(language or fw.collaboration.language, indicator.unit, monthly=True)
    say = fmt.say
    times = _times(frame["period"])
    own = pd.Series(frame["value"].to_numpy(float), index=times).dropna()
    riket = pd.Series(frame["riket"].to_numpy(float), index=times).dropna()

    fig, ax = figure_with_axes()
    ends = []
    riket_style = {**COMPARISON_STYLES[1], "color": GREY, "lw": 1.4}
    plot_line(ax, riket, riket_style)
    if not riket.empty:
        text = f"{fmt.area(areas.RIKET)} {fmt.number(riket.iloc[-1])}"
        ends.append(Label.end_of(riket, text, GREY))
    plot_line(ax, own, {**TOTAL, "lw": 2.2})
    if not own.empty:
        text = f"{fmt.area(area)} {fmt.number(own.iloc[-1])}"
        ends.append(Label.end_of(own, text, AREA_COLOUR, bold=True))
    year_ago = _times([monthly.shift(latest, 12)])[0]
    if year_ago in own.index:
        ax.plot(year_ago, own[year_ago], "o", ms=9, mfc="none", mec=INK, mew=1.2, zorder=7)
    time_axis(ax, times, fmt, max(times), max_ticks=7)
    value_limits(ax, [*own.to_numpy(), *riket.to_numpy()], indicator.natural_limit)
    value_axis(ax.yaxis, fmt.language)
    title = indicator.title
    subtitle = f"{fmt.area(area)} ({fmt.unit})"
    compose(fig, ax, Titles(fig, title, subtitle), ends, plot_height=PLOT_HEIGHT, bottom=0.3)

    span = fmt.span(times)
    words = fmt.language
    alt = say("line_chart") + ": "
    alt += message("situation.chart_alt", words, title=title, area=fmt.area(area), span=span)
    facts = []
    if not own.empty:
        when, value = fmt.time(own.index[-1]), fmt.value(own.iloc[-1])
        facts.append(message("situation.chart_alt_latest", words, value=value, when=when))
    if year_ago in own.index:
        when, value = fmt.time(year_ago), fmt.value(own[year_ago])
        facts.append(message("situation.chart_alt_year_ago", words, value=value, when=when))
    if facts:
        alt += " " + sentences(", ".join(facts))
    if not riket.empty:
        alt += " " + say(
            "riket_is", value=f"{fmt.value(riket.iloc[-1])} ({fmt.time(riket.index[-1])})"
        )
    caption = sentences(
        message(
            "situation.chart_caption" if year_ago in own.index else "situation.chart_caption_plain",
            words,
            title=title,
            area=fmt.area(area),
            span=span,
        ),
        attribution(fw, indicator, fmt),
    )
    return render_chart(fig, alt, caption)


def _times(periods: pd.Series | list[str]) -> list[float]:
    """Periods as times in years; a quarter stands at its middle month."""
    out = []
    for period in periods:
        text = str(period)
        if "K" in text:
            year, quarter = text.split("K")
            out.append(int(year) + (int(quarter) * 3 - 2) / 12)
        else:
            year, month = text.split("-")
            out.append(int(year) + (int(month) - 1) / 12)
    return out
