"""Small multiples: one panel per actor goal contributing to a shared goal."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from collab_metrics.charts.chart import Chart, new_figure, render_chart, whole_pixels
from collab_metrics.charts.data import (
    Marks,
    assessment_row,
    between,
    indicator_obs,
    is_monthly,
    series_of,
    times_of,
    values_of,
)
from collab_metrics.charts.draw import axis_limits, plot_line, target_marker, time_axis, value_axis
from collab_metrics.charts.layout import Titles, wrap
from collab_metrics.charts.style import AREA_COLOUR, HISTORY, INK, MUTED, PAD, WIDTH, styled
from collab_metrics.charts.words import (
    Format,
    attribution,
    sentences,
    status_words,
    subtitle_text,
    word,
)
from collab_metrics.model.framework import ActorGoal, Framework, SharedGoal
from collab_metrics.text.format import area_name
from collab_metrics.text.labels import Language


@styled
def actor_small_multiples(
    fw: Framework,
    obs: pd.DataFrame,
    shared_goal_id: str,
    result: pd.DataFrame,
    language: Language | None = None,
    as_of: int | None = None,
) -> Chart:
    """One small panel per actor goal contributing to a shared goal: the actor's series,
    its target and its status in words. Panels on the same indicator share one scale."""
    language = language or fw.collaboration.language
    say = functools.partial(word, language)
    shared = fw.shared_goal(shared_goal_id)
    goals = [g for g in fw.actor_goals if g.contributes_to == shared_goal_id]
    if not goals:
        raise ValueError(f"no actor goal contributes to the shared goal {shared_goal_id!r}")
    # Goals on other indicators go last: the panels that share a scale read as a group.
    goals.sort(key=lambda g: g.indicator != shared.indicator)
    shared_area = fw.goal_area(shared)
    ncols = 3 if len(goals) <= 9 else 4
    nrows = -(-len(goals) // ncols)
    left, gutter, panel_h, below = 0.38, 0.28, 0.95, 0.24
    panel_w = (WIDTH - left - PAD + gutter) / ncols - gutter

    fig = new_figure(WIDTH, 4.0)
    heads = [_PanelHead.of(fig, fw, goal, shared, result, panel_w, language) for goal in goals]
    # Each row of panels is as tall as its tallest heading, so short headings leave no gap.
    head_h = [
        max(h.height for h in heads[r * ncols : (r + 1) * ncols]) + 0.06 for r in range(nrows)
    ]
    row_top = np.cumsum([0.0, *(h + panel_h + below for h in head_h)])
    shared_indicator = fw.indicator(shared.indicator)
    titles = Titles(fig, shared.title, subtitle_text(shared_indicator.title, shared_indicator.unit))
    height = whole_pixels(titles.height + row_top[-1])
    fig.set_size_inches(WIDTH, height)
    titles.place()

    scales: dict[str, list[tuple[Axes, bool]]] = {}
    alts = []
    any_reference = False
    for i, (goal, head) in enumerate(zip(goals, heads, strict=True)):
        row, column = divmod(i, ncols)
        top = titles.height + row_top[row] + head_h[row]
        ax = fig.add_axes(
            (
                (left + column * (panel_w + gutter)) / WIDTH,
                1 - (top + panel_h) / height,
                panel_w / WIDTH,
                panel_h / height,
            )
        )
        indicator = fw.indicator(goal.indicator)
        area = fw.goal_area(goal)
        data = indicator_obs(obs, fw.series_id(goal.indicator), as_of)
        fmt = Format(language, indicator.unit, is_monthly(data))
        marks = Marks.from_row(
            assessment_row(result, goal.id, "total"), declared_baseline=goal.baseline
        )
        start = goal.baseline.year - HISTORY if goal.baseline else None
        own = series_of(data, area, "total", start)
        reference = pd.Series(dtype=float)
        if goal.indicator == shared.indicator and area != shared_area:
            # The shared goal's own area, faint: is this actor ahead of it or behind?
            reference = series_of(data, shared_area, "total", start)
            plot_line(ax, reference, {"color": "#B8B8B8", "lw": 1.1, "zorder": 2})
            any_reference = True
        plot_line(ax, own, {"color": AREA_COLOUR, "lw": 1.7, "marker": "o", "ms": 2.3, "zorder": 4})
        if marks.target:
            if marks.baseline:
                (t0, y0), (t1, y1) = marks.baseline, marks.target
                ax.plot([t0, t1], [y0, y1], color=INK, lw=0.8, ls=(0, (3, 2.5)), zorder=3)
            target_marker(ax, *marks.target, size=5.5)
        times = times_of([own, reference])
        time_axis(ax, times, fmt, max([*times, *marks.times()], default=0.0), max_ticks=3)
        ax.tick_params(labelsize=7)
        ax.set_ylim(
            axis_limits([*values_of([own, reference]), *marks.values()], indicator.natural_limit)
        )
        scales.setdefault(goal.indicator, []).append((ax, column == 0))
        head.draw(ax)
        named = head.name
        if goal.indicator != shared.indicator:
            named += f" ({indicator.title})"
        alts.append(_panel_alt(named, own, marks, head.status, fmt))

    for indicator_id, panels in scales.items():
        # One scale per indicator, so that equal heights mean equal values.
        low = min(ax.get_ylim()[0] for ax, _ in panels)
        high = max(ax.get_ylim()[1] for ax, _ in panels)
        for ax, first_column in panels:
            ax.set_ylim(low, high)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
            value_axis(ax.yaxis, language)
            if indicator_id == shared.indicator and len(panels) > 1 and not first_column:
                ax.tick_params(axis="y", labelleft=False)

    reference_note = (
        say("panels_reference", area=area_name(shared_area, language)) if any_reference else ""
    )
    alt = f"{say('small_multiples')}: {say('panels_intro').format(title=shared.title)} " + " ".join(
        alts
    )
    caption = sentences(
        say("panels_caption", title=shared.title, reference=reference_note),
        attribution(fw, shared_indicator, Format(language, shared_indicator.unit)),
    )
    return render_chart(fig, alt, caption)


def _panel_alt(name: str, series: pd.Series, marks: Marks, status: str, fmt: Format) -> str:
    say = fmt.say
    inside = between(series, marks)
    if inside.empty:
        return f"{name}: {say('missing')}; {status}."
    text = f"{name}: {fmt.from_to(inside)}"
    if marks.target:
        time, value = marks.target
        text += ", " + say("target_short", value=fmt.value(value), year=fmt.time(time))
    return f"{text}; {status}."


@dataclass(frozen=True)
class _PanelHead:
    """A small multiple's heading: the actor (bold), a different measure, the status."""

    name: str
    status: str
    lines: tuple[tuple[str, dict[str, Any]], ...]  # bottom-up: text, style
    height: float  # inches

    @classmethod
    def of(
        cls,
        fig: Figure,
        fw: Framework,
        goal: ActorGoal,
        shared: SharedGoal,
        result: pd.DataFrame,
        width: float,
        language: Language,
    ) -> _PanelHead:
        actor = fw.actor(goal.actor)
        area = fw.goal_area(goal)
        name = actor.name if actor.area == area else f"{actor.name} ({area_name(area, language)})"
        marks = Marks.from_row(
            assessment_row(result, goal.id, "total"), declared_baseline=goal.baseline
        )
        status = status_words(marks, language)
        bold: dict[str, Any] = {"size": 7.6, "weight": "bold", "color": INK}
        measure: dict[str, Any] = {"size": 7.0, "style": "italic", "color": MUTED}
        plain: dict[str, Any] = {"size": 7.2, "color": INK}
        parts = [(status, plain)]
        if goal.indicator != shared.indicator:
            parts.append((fw.indicator(goal.indicator).title, measure))
        parts.append((name, bold))
        lines = tuple(
            (wrap(fig, text, width, style["size"], style.get("weight", "normal")), style)
            for text, style in parts
        )
        points = sum((text.count("\n") + 1) * style["size"] * 1.25 for text, style in lines)
        return cls(name, status, lines, (points + 4) / 72)

    def draw(self, ax: Axes) -> None:
        offset = 4.0
        for text, style in self.lines:
            ax.annotate(
                text,
                (0, 1),
                xycoords="axes fraction",
                xytext=(0, offset),
                textcoords="offset points",
                va="bottom",
                linespacing=1.15,
                **style,
            )
            offset += (text.count("\n") + 1) * style["size"] * 1.25
