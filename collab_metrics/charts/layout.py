"""Layout: titles above the plot, direct labels at the line ends instead of legends,
text measured with the Agg renderer, so that nothing is cut off or overlaps."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.transforms import Transform, blended_transform_factory

from collab_metrics.charts.chart import whole_pixels
from collab_metrics.charts.style import FONT, HALO, LABEL_SIZE, MUTED, PAD, WIDTH


def text_width(fig: Figure, text: str, size: float, weight: str = "normal") -> float:
    """Width of a one-line text in inches, as the Agg renderer will draw it (the settings
    besides the font that change how wide Agg draws a text are part of the key)."""
    hinting = (
        rcParams["text.hinting"],
        rcParams["text.hinting_factor"],
        rcParams["text.kerning_factor"],
    )
    return _measured(text, size, weight, fig.dpi, hinting) / fig.dpi


@functools.lru_cache(maxsize=4096)
def _measured(text: str, size: float, weight: str, dpi: float, hinting: tuple[Any, ...]) -> float:
    # The same texts come back in every document of a report (a measure's title, a status,
    # the words of a title being wrapped): each is measured once per process, in pixels,
    # by a renderer of its own at the figure's resolution and the current hinting.
    renderer = RendererAgg(1, 1, dpi)
    font = FontProperties(family=FONT, size=size, weight=weight)
    width, _, _ = renderer.get_text_width_height_descent(text, font, ismath=False)
    return float(width)


def wrap(fig: Figure, text: str, width: float, size: float, weight: str = "normal") -> str:
    """Break `text` into lines no wider than `width` inches, measured, not guessed: each
    line takes words while they fit (the rest of the text at once, when all of it does)."""
    words, lines = text.split(), []
    while words:
        rest = " ".join(words)
        if text_width(fig, rest, size, weight) <= width:
            lines.append(rest)
            break
        line = words.pop(0)
        while words and text_width(fig, f"{line} {words[0]}", size, weight) <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    return "\n".join(lines)


class Titles:
    """A left-aligned bold title and a muted subtitle above the chart."""

    def __init__(self, fig: Figure, title: str, subtitle: str) -> None:
        self.fig = fig
        text_width = WIDTH - 2 * PAD
        self.title = fig.text(
            0, 1, wrap(fig, title, text_width, 10.5, "bold"), size=10.5, weight="bold", va="top"
        )
        self.subtitle = fig.text(
            0, 1, wrap(fig, subtitle, text_width, 8), size=8, color=MUTED, va="top"
        )
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        self.title_height = self.title.get_window_extent(renderer).height / fig.dpi
        subtitle_height = self.subtitle.get_window_extent(renderer).height / fig.dpi
        self.height = PAD + self.title_height + 0.05 + subtitle_height + 0.14

    def place(self) -> None:
        """Pin the titles to the top left; needed again whenever the figure is resized."""
        width, height = self.fig.get_size_inches()
        self.title.set_position((PAD / width, 1 - PAD / height))
        self.subtitle.set_position((PAD / width, 1 - (PAD + self.title_height + 0.05) / height))


@dataclass(frozen=True)
class Label:
    """A direct label at the value where its series ends.

    Labels of series that reach the right edge stand in a column right of the plot;
    others stand just after their line's end. A label may have several lines; only the
    first is bold when `bold` is set (a name, then what is said about it).
    """

    y: float
    text: str
    colour: str
    x_end: float
    bold: bool = False

    @classmethod
    def end_of(cls, series: pd.Series, text: str, colour: str, bold: bool = False) -> Label:
        return cls(float(series.iloc[-1]), text, colour, float(series.index[-1]), bold)

    def lines(self) -> list[tuple[str, str]]:
        """Each line with its font weight."""
        parts = self.text.split("\n")
        first = "bold" if self.bold else "normal"
        return [(line, first if i == 0 else "normal") for i, line in enumerate(parts)]


def compose(
    fig: Figure,
    ax: Axes,
    titles: Titles,
    ends: list[Label],
    plot_height: float,
    bottom: float = 0.32,
    top_extra: float = 0.0,
) -> None:
    """Size the figure around the plot: titles above, tick labels left, end labels right.

    Text extents are measured, so that long tick or end labels are never cut off and the
    plot keeps its height whatever the length of the title.
    """
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    tick_width = max(
        (t.get_window_extent(renderer).width for t in ax.get_yticklabels() if t.get_text()),
        default=0.0,
    )
    left = PAD + tick_width / fig.dpi + 0.1
    edge = max((label.x_end for label in ends), default=0.0)
    column = [label for label in ends if label.x_end >= edge]
    column_width = max(
        (
            text_width(fig, line, LABEL_SIZE, weight)
            for label in column
            for line, weight in label.lines()
        ),
        default=0.0,
    )
    right = PAD + column_width + (0.1 if column else 0.15)
    height = whole_pixels(titles.height + top_extra + plot_height + bottom)
    fig.set_size_inches(WIDTH, height)
    ax.set_position(
        (left / WIDTH, bottom / height, (WIDTH - left - right) / WIDTH, plot_height / height)
    )
    titles.place()
    groups: dict[float, list[Label]] = {}
    for label in ends:
        groups.setdefault(label.x_end, []).append(label)
    for x_end, group in groups.items():
        place_labels(fig, ax, group, in_column=x_end >= edge)


def place_labels(fig: Figure, ax: Axes, group: list[Label], in_column: bool) -> None:
    """Labels ending at one time, moved apart vertically so that none overlap. In the
    right column a thin leader joins a label that had to move to its series' end."""
    line_height = LABEL_SIZE * 1.3 / 72 * fig.dpi  # pixels
    to_pixels = ax.transData.transform
    wanted = np.array([to_pixels((label.x_end, label.y))[1] for label in group])
    # A third of a line between labels keeps a two-line label apart from its neighbours.
    sizes = np.array([(len(label.lines()) + 0.3) * line_height for label in group])
    box = ax.get_window_extent()
    placed = repel(wanted, sizes, box.y0, box.y1 + line_height)
    from_pixels = ax.transData.inverted().transform
    right = ax.get_xlim()[1]
    for label, y, y_wanted in zip(group, placed, wanted, strict=True):
        y_data = float(from_pixels((0, y))[1])
        coords: Transform
        if in_column:
            xy, coords = (1.0, y_data), blended_transform_factory(ax.transAxes, ax.transData)
        else:
            xy, coords = (label.x_end, y_data), ax.transData
        lines = label.lines()
        for k, (line, weight) in enumerate(lines):
            # Lines stack downwards around the label's centre, one line height apart.
            offset = ((len(lines) - 1) / 2 - k) * LABEL_SIZE * 1.3
            ax.annotate(
                line,
                xy,
                xycoords=coords,
                xytext=(5, offset),
                textcoords="offset points",
                va="center",
                fontsize=LABEL_SIZE,
                color=label.colour,
                fontweight=weight,
                path_effects=HALO,
                annotation_clip=False,
                zorder=10,
            )
        if in_column and abs(y - y_wanted) > 1.5:
            ax.plot(
                [label.x_end, right],
                [label.y, y_data],
                color=label.colour,
                lw=0.6,
                alpha=0.6,
                clip_on=False,
                zorder=1,
            )


def repel(wanted: np.ndarray, sizes: np.ndarray, low: float, high: float) -> np.ndarray:
    """Centres as close as possible to `wanted` for labels `sizes` high, none overlapping,
    all within [low, high].

    Labels that would overlap are merged into a stack centred on their wishes' mean, and
    stacks are merged until none overlap (the one-dimensional "repel" of ggrepel).
    """
    order = np.argsort(wanted, kind="stable")
    stacks: list[list[int]] = []

    def bottom(stack: list[int]) -> float:
        height = float(sizes[stack].sum())
        edge = float(wanted[stack].mean()) - height / 2
        return min(max(edge, low), high - height)

    for index in order:
        stacks.append([int(index)])
        while len(stacks) > 1:
            below, above = stacks[-2], stacks[-1]
            if bottom(above) >= bottom(below) + float(sizes[below].sum()):
                break
            stacks[-2:] = [below + above]
    placed = np.empty(len(wanted))
    for stack in stacks:
        edge = bottom(stack)
        for index in stack:
            placed[index] = edge + sizes[index] / 2
            edge += sizes[index]
    return placed
