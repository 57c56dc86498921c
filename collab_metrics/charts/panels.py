"""Small multiples: one panel per actor goal contributing to a shared goal, paged so that
every chart fits one printed page."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

from collab_metrics.charts.chart import Chart, new_figure, render_chart, whole_pixels
from collab_metrics.charts.data import (
    Marks,
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
    Indicator,
    attribution,
    sentences,
    status_words,
    subtitle_text,
    word,
)
from collab_metrics.model.framework import ActorGoal, Framework, SharedGoal
from collab_metrics.text.format import area_name
from collab_metrics.text.labels import Language

# Up to this many goals: three columns in one chart. More: four columns, paged.
ONE_CHART: Final = 9
# Inches of chart per printed page. In print (report.css, A4) a chart fills the content
# width, 210 - 2 x 18 = 174 mm, so a chart WIDTH (6.3 in) wide is enlarged 1.087 times:
# 7.5 in become 207 mm of the 297 - 20 - 22 = 255 mm content height, which leaves room for
# the caption (up to four lines), the figure's margins and the part's heading above the
# first chart, and stays under report.css's max-height of 210 mm for a figure's image.
PAGE_HEIGHT: Final = 7.5
LEFT, GUTTER, PANEL_H, BELOW = 0.38, 0.28, 0.95, 0.24  # inches


@styled
def actor_small_multiples(
    fw: Framework,
    obs: pd.DataFrame,
    shared_goal_id: str,
    result: pd.DataFrame,
    language: Language | None = None,
    as_of: int | None = None,
) -> list[Chart]:
    """One small panel per actor goal contributing to a shared goal: the actor's series,
    its target and its status in words. Panels on the same indicator share one scale, on
    every page.

    Up to nine goals make one chart in three columns. More make one chart per printed page
    in four columns (a national programme's 290 actors: 19 pages), each with the alt text
    of its own panels and "Del 1 av 19." in its caption.
    """
    language = language or fw.collaboration.language
    shared = fw.shared_goal(shared_goal_id)
    goals = [g for g in fw.actor_goals if g.contributes_to == shared_goal_id]
    if not goals:
        raise ValueError(f"no actor goal contributes to the shared goal {shared_goal_id!r}")
    # Goals on other indicators go last: the panels that share a scale read as a group.
    goals.sort(key=lambda g: g.indicator != shared.indicator)
    ncols = 3 if len(goals) <= ONE_CHART else 4
    panel_w = (WIDTH - LEFT - PAD + GUTTER) / ncols - GUTTER
    measure = new_figure(WIDTH, 4.0)
    panels = _panels(measure, fw, obs, shared, goals, result, panel_w, language, as_of)
    # One scale per indicator over all panels, pages included: equal heights, equal values.
    scales: dict[str, tuple[float, float]] = {}
    for panel in panels:
        low, high = scales.get(panel.goal.indicator, panel.limits)
        scales[panel.goal.indicator] = min(low, panel.limits[0]), max(high, panel.limits[1])
    rows = [panels[r : r + ncols] for r in range(0, len(panels), ncols)]
    # Each row of panels is as tall as its tallest heading, so short headings leave no gap.
    heads = [max(p.head.height for p in row) + 0.06 for row in rows]
    shared_indicator = fw.indicator(shared.indicator)
    subtitle = subtitle_text(shared_indicator.title, shared_indicator.unit)
    title_height = Titles(measure, shared.title, subtitle).height
    pages = (
        [range(len(rows))]
        if len(goals) <= ONE_CHART
        else _pages(title_height, [h + PANEL_H + BELOW for h in heads], PAGE_HEIGHT)
    )
    fast = len(goals) > ONE_CHART
    draw = _Page(fw, shared, subtitle, scales, ncols, panel_w, language, fast)
    return [
        draw.chart([rows[r] for r in page], [heads[r] for r in page], k, len(pages))
        for k, page in enumerate(pages, start=1)
    ]


def _pages(title: float, rows: Sequence[float], height: float) -> list[range]:
    """Consecutive rows per page: as few pages as fit below the title (a new page when the
    next row would not fit; a row taller than a page gets a page of its own), then the rows
    spread evenly over them where they fit, so that no page holds a lonely last row."""
    pages, start, used = [], 0, title
    for r, row in enumerate(rows):
        if r > start and used + row > height:
            pages.append(range(start, r))
            start, used = r, title
        used += row
    pages.append(range(start, len(rows)))
    bounds = np.ceil(np.linspace(0, len(rows), len(pages) + 1)).astype(int)
    even = [range(a, b) for a, b in itertools.pairwise(bounds)]
    if all(title + sum(rows[r] for r in page) <= height for page in even):
        return even
    return pages


@dataclass(frozen=True)
class _Panel:
    """One actor goal's panel, ready to draw: its series, marks, heading and own limits."""

    goal: ActorGoal
    indicator: Indicator
    head: _PanelHead
    own: pd.Series
    reference: pd.Series  # the shared goal's area on the same indicator, else empty
    marks: Marks
    fmt: Format
    limits: tuple[float, float]


def _panels(
    fig: Figure,
    fw: Framework,
    obs: pd.DataFrame,
    shared: SharedGoal,
    goals: Sequence[ActorGoal],
    result: pd.DataFrame,
    width: float,
    language: Language,
    as_of: int | None,
) -> list[_Panel]:
    """Every goal's panel; each indicator's observations are read and split by area once
    (a national programme has 290 panels on one indicator)."""
    shared_area = fw.goal_area(shared)
    assessed = _total_rows(result)

    @functools.cache
    def wrapped(text: str, size: float, weight: str) -> str:
        # Measured once per text: many panels share a status or a measure's title.
        return wrap(fig, text, width, size, weight)

    by_indicator: dict[str, tuple[dict[str, pd.DataFrame], pd.DataFrame, bool]] = {}
    panels = []
    for goal in goals:
        if goal.indicator not in by_indicator:
            data = indicator_obs(obs, fw.series_id(goal.indicator), as_of)
            totals = data[data["sex"] == "total"]
            parts = {str(area): part for area, part in totals.groupby("area", sort=False)}
            by_indicator[goal.indicator] = (parts, totals.iloc[:0], is_monthly(data))
        by_area, none, monthly = by_indicator[goal.indicator]
        indicator = fw.indicator(goal.indicator)
        area = fw.goal_area(goal)
        marks = Marks.from_row(assessed.get(goal.id), declared_baseline=goal.baseline)
        start = goal.baseline.year - HISTORY if goal.baseline else None
        own = series_of(by_area.get(area, none), area, "total", start)
        reference = pd.Series(dtype=float)
        if goal.indicator == shared.indicator and area != shared_area:
            # The shared goal's own area, faint: is this actor ahead of it or behind?
            reference = series_of(by_area.get(shared_area, none), shared_area, "total", start)
        values = [*values_of([own, reference]), *marks.values()]
        panels.append(
            _Panel(
                goal,
                indicator,
                _PanelHead.of(wrapped, fw, goal, shared, marks, language),
                own,
                reference,
                marks,
                Format(language, indicator.unit, monthly),
                axis_limits(values, indicator.natural_limit),
            )
        )
    return panels


def _total_rows(result: pd.DataFrame | None) -> dict[str, pd.Series]:
    """Each goal's first assessment row for the total (as `data.assessment_row` picks it)."""
    if result is None or result.empty:
        return {}
    totals = result[result["sex"] == "total"].drop_duplicates("goal")
    return {str(goal): totals.iloc[i] for i, goal in enumerate(totals["goal"])}


class _Page:
    """Draws one page of panels; the scales and the panel width are the same on every page."""

    def __init__(
        self,
        fw: Framework,
        shared: SharedGoal,
        subtitle: str,
        scales: dict[str, tuple[float, float]],
        ncols: int,
        panel_w: float,
        language: Language,
        fast: bool,
    ) -> None:
        self.fw, self.shared, self.subtitle, self.scales = fw, shared, subtitle, scales
        self.ncols, self.panel_w, self.language, self.fast = ncols, panel_w, language, fast
        self.shared_area = fw.goal_area(shared)
        # One figure for every page: its titles, and its panels' axes drawn again page after
        # page. Setting up an axes (axis, spines, ticks) for each of a national programme's
        # 290 panels made its 19 pages take 8-12 s instead of 6-7 s (measured in turn).
        # Each panel sets everything it draws with; the axes a page leaves empty are hidden.
        self.figure: Figure | None = None
        self.titles: Titles | None = None
        self.axes: list[Axes] = []

    def chart(self, rows: list[list[_Panel]], heads: list[float], page: int, pages: int) -> Chart:
        """The page's figure: the titles, then its rows of panels; alt text and caption."""
        fw, shared, say = self.fw, self.shared, functools.partial(word, self.language)
        if self.figure is None or self.titles is None:
            self.figure = new_figure(WIDTH, 4.0)
            self.titles = Titles(self.figure, shared.title, self.subtitle)
        fig, titles = self.figure, self.titles
        row_top = np.cumsum([0.0, *(h + PANEL_H + BELOW for h in heads)])
        height = whole_pixels(titles.height + row_top[-1])
        fig.set_size_inches(WIDTH, height)
        titles.place()
        alts = []
        placed = [
            (r, column, panel) for r, row in enumerate(rows) for column, panel in enumerate(row)
        ]
        for slot, (r, column, panel) in enumerate(placed):
            top = titles.height + row_top[r] + heads[r]
            box = (
                (LEFT + column * (self.panel_w + GUTTER)) / WIDTH,
                1 - (top + PANEL_H) / height,
                self.panel_w / WIDTH,
                PANEL_H / height,
            )
            self._draw(self._axes(slot, box), panel, column)
            named = panel.head.name
            if panel.goal.indicator != shared.indicator:
                named += f" ({panel.indicator.title})"
            alts.append(_panel_alt(named, panel.own, panel.marks, panel.head.status, panel.fmt))
        for unused in self.axes[len(placed) :]:  # a page with fewer panels than the last
            unused.set_visible(False)
        referenced = any(not p.reference.empty for row in rows for p in row)
        area = area_name(self.shared_area, self.language)
        reference_note = say("panels_reference", area=area) if referenced else ""
        intro = say("panels_intro").format(title=shared.title)
        part = say("panels_part", page=page, pages=pages) if pages > 1 else ""
        kind = f"{say('small_multiples')} ({part.lower()})" if part else say("small_multiples")
        alt = f"{kind}: {intro} " + " ".join(alts)
        indicator = fw.indicator(shared.indicator)
        caption = sentences(
            part,
            say("panels_caption", title=shared.title, reference=reference_note),
            attribution(fw, indicator, Format(self.language, indicator.unit)),
        )
        return render_chart(fig, alt, caption)

    def _axes(self, slot: int, box: tuple[float, float, float, float]) -> Axes:
        """The axes of the page's panel number `slot` at `box`: an earlier page's, emptied
        of its lines, grid lines and texts, or a new one."""
        assert self.figure is not None
        if slot == len(self.axes):
            self.axes.append(self.figure.add_axes(box))
            return self.axes[slot]
        ax = self.axes[slot]
        for artist in [*ax.lines, *ax.collections, *ax.texts]:
            artist.remove()
        ax.set_position(box)
        ax.set_visible(True)
        return ax

    def _draw(self, ax: Axes, panel: _Panel, column: int) -> None:
        """One panel: the reference area faint, the actor's series, target and heading."""
        marks, own, reference = panel.marks, panel.own, panel.reference
        if not reference.empty:
            plot_line(ax, reference, {"color": "#B8B8B8", "lw": 1.1, "zorder": 2})
        plot_line(ax, own, {"color": AREA_COLOUR, "lw": 1.7, "marker": "o", "ms": 2.3, "zorder": 4})
        if marks.target:
            if marks.baseline:
                (t0, y0), (t1, y1) = marks.baseline, marks.target
                ax.plot([t0, t1], [y0, y1], color=INK, lw=0.8, ls=(0, (3, 2.5)), zorder=3)
            target_marker(ax, *marks.target, size=5.5)
        times = times_of([own, reference])
        time_axis(ax, times, panel.fmt, max([*times, *marks.times()], default=0.0), max_ticks=3)
        ax.tick_params(labelsize=7)
        low, high = self.scales[panel.goal.indicator]
        ax.set_ylim(low, high)
        locator = MaxNLocator(nbins=4, steps=[1, 2, 5, 10])
        unlabelled = panel.goal.indicator == self.shared.indicator and column > 0
        if not self.fast:
            ax.yaxis.set_major_locator(locator)
            value_axis(ax.yaxis, self.language)
            if unlabelled:
                ax.tick_params(axis="y", labelleft=False)
        else:
            # What the locators draw, without the ticks outside the axis that matplotlib
            # would make (and not draw) on each of hundreds of panels; beside the first
            # column the scale's grid lines alone, one collection instead of a tick each.
            ticks = [t for t in locator.tick_values(low, high) if low <= t <= high]
            if unlabelled:
                ax.yaxis.set_major_locator(NullLocator())
                grid = {"colors": rcParams["grid.color"], "linewidths": rcParams["grid.linewidth"]}
                ax.hlines(ticks, 0, 1, transform=ax.get_yaxis_transform(), zorder=0.5, **grid)
            else:
                ax.yaxis.set_major_locator(FixedLocator(ticks))
                value_axis(ax.yaxis, self.language)
            left, right = ax.get_xlim()
            ticks = [t for t in ax.xaxis.get_majorticklocs() if left <= t <= right]
            ax.xaxis.set_major_locator(FixedLocator(ticks))
        if not times and not marks.times():
            # Nothing to draw (a monthly series cut off by `as_of`): no years to invent
            # around zero on the time axis ("-0 0 0"), no scale of 0 to 1; the panel says
            # so instead.
            ax.xaxis.set_major_locator(NullLocator())
            ax.yaxis.set_major_locator(NullLocator())
            for lines in list(ax.collections):  # the scale's grid lines beside column 1
                lines.remove()
            missing = panel.fmt.say("missing")
            ax.text(0.5, 0.5, missing, transform=ax.transAxes, ha="center", va="center",
                    size=7, color=MUTED)  # fmt: skip
        panel.head.draw(ax)


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
        wrapped: Callable[[str, float, str], str],
        fw: Framework,
        goal: ActorGoal,
        shared: SharedGoal,
        marks: Marks,
        language: Language,
    ) -> _PanelHead:
        """The heading, its lines wrapped by `wrapped(text, size, weight)` to the panel."""
        actor = fw.actor(goal.actor)
        area = fw.goal_area(goal)
        name = actor.name if actor.area == area else f"{actor.name} ({area_name(area, language)})"
        status = status_words(marks, language)
        bold: dict[str, Any] = {"size": 7.6, "weight": "bold", "color": INK}
        measure: dict[str, Any] = {"size": 7.0, "style": "italic", "color": MUTED}
        plain: dict[str, Any] = {"size": 7.2, "color": INK}
        parts = [(status, plain)]
        if goal.indicator != shared.indicator:
            parts.append((fw.indicator(goal.indicator).title, measure))
        parts.append((name, bold))
        lines = tuple(
            (wrapped(text, style["size"], style.get("weight", "normal")), style)
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
