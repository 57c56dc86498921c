"""Drawing on a chart's axes: lines, the target, baseline, forecast and breaks, the axes.

Figures are built with the object-oriented API on the Agg canvas and never registered with
pyplot, so no figure stays open however many charts a report draws.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from collab_metrics.charts.data import Marks
from collab_metrics.charts.layout import Label
from collab_metrics.charts.style import AREA_COLOUR, HALO, INK, LABEL_SIZE, MUTED
from collab_metrics.charts.words import Format, Indicator
from collab_metrics.text.format import month_abbreviation, number, short_period
from collab_metrics.text.labels import Language


def plot_line(ax: Axes, series: pd.Series, style: dict[str, Any]) -> None:
    if not series.empty:
        ax.plot(series.index, series.to_numpy(), **style)


def target_marker(ax: Axes, time: float, value: float, size: float = 9.0) -> None:
    """A bullseye, a white ring with a black centre: unmistakably the target."""
    ax.plot(time, value, "o", ms=size, mfc="white", mec=INK, mew=size / 6, zorder=7)
    ax.plot(time, value, "o", ms=size / 3.2, color=INK, zorder=8)


def draw_marks(
    ax: Axes, marks: Marks, direction: str, fmt: Format, xmax: float, area_name: str
) -> list[Label]:
    """Baseline point, target, the path to it and the forecast; returns their labels.

    The forecast continues the area's line, so the area's name labels the forecast's end.
    """
    say = fmt.say
    ends = []
    if marks.baseline:
        ax.plot(*marks.baseline, "o", ms=7.5, color=AREA_COLOUR, mec="white", mew=1.4, zorder=6)
    if marks.forecast and marks.latest:
        year, value, low, high = marks.forecast
        t0, y0 = marks.latest
        ax.fill_between([t0, year], [y0, low], [y0, high], color=AREA_COLOUR, alpha=0.15, lw=0)
        ax.plot([t0, year], [y0, value], color=AREA_COLOUR, lw=1.6, ls=(0, (1, 1.6)), zorder=5)
        ax.plot([year, year], [low, high], color=AREA_COLOUR, lw=1.0, alpha=0.6, zorder=5)
        text = say(
            "forecast",
            year=fmt.time(year),
            value=fmt.number(value),
            low=fmt.number(low),
            high=fmt.number(high),
        )
        ends.append(Label(value, f"{area_name}\n{text}", AREA_COLOUR, year, bold=True))
    if marks.target:
        time, value = marks.target
        if marks.baseline:
            t0, y0 = marks.baseline
            ax.plot([t0, time], [y0, value], color=INK, lw=1.1, ls=(0, (4, 3)), zorder=4)
        target_marker(ax, time, value)
        text = say("target", year=fmt.time(time), value=fmt.value(value))
        if time >= xmax:
            ends.append(Label(value, text, INK, time, bold=True))
        else:
            # The target year lies inside the chart (it has passed): label the ring itself,
            # on the side away from where the curve came from.
            below = direction != "increase"
            ax.annotate(
                text,
                (time, value),
                xytext=(0, -10 if below else 10),
                textcoords="offset points",
                ha="center",
                va="top" if below else "bottom",
                fontsize=LABEL_SIZE,
                fontweight="bold",
                path_effects=HALO,
                zorder=9,
            )
    return ends


def baseline_note(ax: Axes, baseline: tuple[float, float], fmt: Format) -> None:
    """The baseline's year and value at the top of the plot (in the headroom kept free
    for it), joined to the point by a dotted line: nothing in the plot is covered."""
    time, value = baseline
    left, right = ax.get_xlim()
    share = (time - left) / (right - left)
    ax.annotate(
        fmt.say("baseline", year=fmt.time(time), value=fmt.value(value)),
        (time, value),
        xytext=(time, 1.0),
        textcoords=blended_transform_factory(ax.transData, ax.transAxes),
        # Near either edge the text runs inwards instead of off the plot.
        ha="left" if share < 0.2 else ("right" if share > 0.8 else "center"),
        va="top",
        fontsize=7.5,
        color=INK,
        path_effects=HALO,
        arrowprops={"arrowstyle": "-", "color": MUTED, "lw": 0.7, "ls": ":", "shrinkB": 5},
        zorder=9,
    )


def draw_breaks(ax: Axes, indicator: Indicator, area: str, times: list[float], fmt: Format) -> None:
    """A declared series break as a dotted vertical line between the two years."""
    if not times:
        return
    for series_break in indicator.series_breaks:
        if series_break.areas is not None and area not in series_break.areas:
            continue
        if not times[0] < series_break.year <= times[-1]:
            continue
        x = series_break.year - 0.5
        ax.axvline(x, color=MUTED, lw=0.8, ls=(0, (1, 2)), zorder=1)
        ax.annotate(
            fmt.say("series_break"),
            (x, 0),
            xycoords=blended_transform_factory(ax.transData, ax.transAxes),
            xytext=(3, 3),
            textcoords="offset points",
            va="bottom",
            fontsize=7,
            color=MUTED,
        )


def time_axis(ax: Axes, times: list[float], fmt: Format, xmax: float, max_ticks: int = 9) -> None:
    """Years as plain integers; months as "jan 2024", "feb", ... for monthly series."""
    step = 1 / 12 if fmt.monthly else 1.0
    xmin = times[0] if times else xmax
    ax.set_xlim(xmin - 0.4 * step, xmax + 0.4 * step)
    if not fmt.monthly:
        ax.xaxis.set_major_locator(MaxNLocator(nbins=max_ticks, integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
        return
    months = np.arange(round(xmin * 12), round(xmax * 12) + 1)
    every = int(np.ceil(len(months) / max_ticks))
    ax.xaxis.set_major_locator(FixedLocator((months[::every] / 12).tolist()))
    language = fmt.language

    def month(value: float, position: int | None) -> str:
        year, index = divmod(round(value * 12), 12)
        if index == 0 or position == 0:
            return short_period(year, index + 1, language)
        return month_abbreviation(index + 1, language)

    ax.xaxis.set_major_formatter(FuncFormatter(month))


def axis_limits(
    values: Iterable[float | None], natural_limit: float | None, zero: bool = True
) -> tuple[float, float]:
    """Value-axis limits with some air, never past the indicator's natural limit.

    When the smallest value is below half the largest, the axis starts at zero so that
    a halving looks like a halving; values far from zero keep a close-up scale, but one
    at least 15 % of their size tall, so that a change of a few percent never fills the
    whole height and looks dramatic.
    """
    known = [v for v in values if v is not None and np.isfinite(v)]
    if not known:
        return 0.0, 1.0
    low, high = min(known), max(known)
    if zero and 0 <= low <= 0.5 * high:
        bottom, top = 0.0, high + 0.1 * high
    else:
        widen = max(0.0, 0.15 * max(abs(low), abs(high)) - (high - low)) / 2
        low, high = low - widen, high + widen
        span = high - low or 1.0
        bottom, top = low - 0.1 * span, high + 0.1 * span
    if natural_limit is not None:
        if high <= natural_limit < top:
            top = natural_limit
        if low >= natural_limit > bottom:
            bottom = natural_limit
    return bottom, top


def value_limits(
    ax: Axes, values: Iterable[float], natural_limit: float | None, headroom: bool = False
) -> None:
    """Set the value axis; `headroom` keeps a strip at the top free for the baseline note."""
    bottom, top = axis_limits(values, natural_limit)
    ax.set_ylim(bottom, top)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    if headroom:
        ax.set_ylim(bottom, top + 0.1 * (top - bottom))


def value_axis(axis: Axis, language: Language) -> None:
    """Tick labels in the report's number format, with as few decimals as the ticks need."""
    ticks = axis.get_majorticklocs()
    decimals = next((d for d in (0, 1, 2) if np.allclose(ticks, np.round(ticks, d))), 3)
    # Adding 0.0 turns a -0.0 from rounding into 0.0, so zero is never written "−0".
    axis.set_major_formatter(
        FuncFormatter(lambda v, _: number(round(v, decimals) + 0.0, language, decimals))
    )
