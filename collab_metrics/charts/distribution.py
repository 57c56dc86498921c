"""The distribution chart: where the collaboration's areas stand among all municipalities."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from collab_metrics.charts.chart import Chart, figure_with_axes, render_chart
from collab_metrics.charts.data import indicator_obs
from collab_metrics.charts.draw import axis_limits, value_axis
from collab_metrics.charts.layout import Titles, compose
from collab_metrics.charts.style import AREA_COLOUR, HALO, INK, MUTED, styled
from collab_metrics.charts.words import Format, attribution, sentences, subtitle_text
from collab_metrics.model import areas
from collab_metrics.model.framework import Framework
from collab_metrics.text.labels import Language

# Above this many of the collaboration's areas the chart marks them among the others
# instead of giving each a row of its own.
MAX_ROWS: Final = 24


@styled
def distribution_chart(
    fw: Framework,
    obs: pd.DataFrame,
    indicator_id: str,
    year: int,
    highlight_areas: Iterable[str],
    language: Language | None = None,
) -> Chart:
    """Where the collaboration's areas stand among all municipalities in one year, for
    the baseline analysis: every municipality as a grey dot, each highlighted area on a
    row of its own with its name and value, riket as a dashed reference line."""
    indicator = fw.indicator(indicator_id)
    fmt = Format(language or fw.collaboration.language, indicator.unit)
    say = fmt.say
    data = indicator_obs(obs, fw.series_id(indicator_id), None)
    data = data[(data["period"] == str(year)) & (data["sex"] == "total")]
    value_of = dict(zip(data["area"], data["value"].astype(float), strict=True))
    all_municipalities = {a.code for a in areas.municipalities()}
    spread = pd.Series(
        {code: v for code, v in value_of.items() if code in all_municipalities}, dtype=float
    ).sort_values()
    # Below 90 % of the country the dots are the collaboration's sample, not the spread.
    complete = len(spread) >= 0.9 * len(all_municipalities)
    # Best first: the lowest value on top when the indicator should decrease.
    sign = -1 if indicator.direction == "decrease" else 1
    highlights = sorted(
        dict.fromkeys(highlight_areas),
        key=lambda code: -sign * value_of[code] if code in value_of else np.inf,
    )
    riket = value_of.get(areas.RIKET)
    # Many areas (a national collaboration has all 290) get no row each: that chart would
    # be pages tall. They are the blue dots among the others; the report's table holds them.
    marked_only = len(highlights) > MAX_ROWS
    shown = [] if marked_only else highlights
    rows = len(shown) + 1

    fig, ax = figure_with_axes()
    jitter = np.random.default_rng(0).uniform(-0.24, 0.24, len(spread))
    ax.scatter(spread.to_numpy(), jitter, s=11, color="#9E9E9E", alpha=0.75, lw=0, zorder=3)
    if complete:
        q1, q3 = np.percentile(spread.to_numpy(), [25, 75])
        ax.axvspan(q1, q3, color="#EFEFEF", zorder=0, lw=0)
    if marked_only:
        mine = [code for code in highlights if code in spread.index]
        where = jitter[[spread.index.get_loc(code) for code in mine]]
        values = [value_of[code] for code in mine]
        ax.scatter(values, where, s=16, color=AREA_COLOUR, lw=0.4, ec="white", zorder=4)
    for i, code in enumerate(shown, start=1):
        if code not in value_of:
            ax.annotate(
                say("missing"),
                (0, i),
                xycoords=blended_transform_factory(ax.transAxes, ax.transData),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7.5,
                color=MUTED,
                fontstyle="italic",
            )
            continue
        value = value_of[code]
        if code in spread.index:
            where = jitter[spread.index.get_loc(code)]
            ax.scatter(value, where, s=22, color=AREA_COLOUR, lw=0.6, ec="white", zorder=4)
        marker = "o" if areas.get(code).kind == "municipality" else "D"
        ax.scatter(value, i, s=44, marker=marker, color=AREA_COLOUR, lw=0.8, ec="white", zorder=5)
        ax.annotate(
            fmt.value(value),
            (value, i),
            xytext=(7, 0),
            textcoords="offset points",
            va="center",
            fontsize=7.5,
            path_effects=HALO,
            zorder=6,
        )
    if riket is not None:
        ax.axvline(riket, color=INK, lw=1.0, ls=(0, (4, 2.5)), zorder=2)
        ax.annotate(
            f"{fmt.area(areas.RIKET)} {fmt.value(riket)}",
            (riket, 1),
            xycoords=blended_transform_factory(ax.transData, ax.transAxes),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7.5,
        )
    ax.set_ylim(rows - 0.5, -0.5)
    first_row = say("all_municipalities" if complete else "municipalities_in_data", n=len(spread))
    ax.set_yticks(range(rows), [first_row, *(fmt.area(c) for c in shown)])
    ax.get_yticklabels()[0].set_fontweight("bold")
    known = [*spread, *(value_of[c] for c in highlights if c in value_of)]
    low, high = axis_limits([*known, riket], indicator.natural_limit, zero=False)
    # Room on the right for the value written beside the largest dot.
    ax.set_xlim(low, high + 0.08 * (high - low))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    value_axis(ax.xaxis, fmt.language)
    titles = Titles(
        fig,
        f"{indicator.title}, {year}",
        subtitle_text(say("distribution_subtitle", year=year), fmt.unit),
    )
    plot_height = 1.1 if marked_only else 0.26 * rows + 0.3
    compose(fig, ax, titles, [], plot_height=plot_height, top_extra=0.12)

    parts = []
    if not spread.empty:
        parts.append(
            say(
                "distribution_alt",
                title=indicator.title,
                year=year,
                n=len(spread),
                low=fmt.value(spread.iloc[0]),
                low_name=fmt.area(spread.index[0]),
                high=fmt.value(spread.iloc[-1]),
                high_name=fmt.area(spread.index[-1]),
                median=fmt.value(float(spread.median())),
            )
        )
    total = len(all_municipalities)
    partial = "" if complete else say("partial", n=len(spread), total=total)
    parts.append(partial)
    if riket is not None:
        parts.append(say("riket_is", value=fmt.value(riket)))
    named = [
        f"{fmt.area(code)} {fmt.value(value_of[code]) if code in value_of else say('missing')}"
        for code in highlights
    ]
    if marked_only:
        parts.append(say("distribution_marked", n=len(highlights)))
    elif named:
        parts.append("; ".join(named) + ".")
    caption = sentences(
        say(
            "distribution_caption_marked" if marked_only else "distribution_caption",
            title=indicator.title,
            year=year,
            n=len(highlights),
            band=say("band") if complete else "",
            riket=say("riket_line") if riket is not None else "",
        ),
        partial,
        attribution(fw, indicator, fmt),
    )
    return render_chart(fig, f"{say('dot_chart')}: " + " ".join(p for p in parts if p), caption)
