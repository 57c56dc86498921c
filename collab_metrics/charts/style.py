"""The one style of every chart: Okabe-Ito colours, DejaVu Sans, sizes, line styles.

Okabe-Ito colours are safe for colour-blind readers; women and men differ in colour *and*
marker and line style, so the charts survive grey-scale print; comparison areas are thin
and grey so that the area's own curve leads. The style is applied with `rc_context`
(`styled`), so a notebook's own matplotlib settings are left alone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Final, ParamSpec, TypeVar

import matplotlib
from cycler import cycler
from matplotlib import patheffects

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common
# colour-vision deficiency and still different in lightness when printed in grey.
OKABE_ITO: Final = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
INK: Final = "#222222"
MUTED: Final = "#5E5E5E"
GREY: Final = "#8C8C8C"
AREA_COLOUR: Final = OKABE_ITO["blue"]

DPI: Final = 200  # crisp on high-density screens and in print, small enough to embed
WIDTH: Final = 6.3  # inches: the text width of an A4 page with 2.5 cm margins
HISTORY: Final = 5  # years shown before the baseline, so that the curve has a context
PAD: Final = 0.08  # inches between the figure's edge and its content
LABEL_SIZE: Final = 8.0  # points: the direct labels at line ends
FONT: Final = "DejaVu Sans"

STYLE: Final[dict[str, Any]] = {
    "font.family": FONT,
    "font.size": 8.5,
    "text.parse_math": False,  # user text ("$\\foo$" in a title) is shown literally
    "text.color": INK,
    "axes.edgecolor": "#A0A0A0",
    "axes.linewidth": 0.8,
    "axes.labelcolor": MUTED,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.spines.left": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "axes.prop_cycle": cycler(color=list(OKABE_ITO.values())),
    "grid.color": "#E2E2E2",
    "grid.linewidth": 0.7,
    "xtick.color": "#A0A0A0",
    "xtick.labelcolor": MUTED,
    "xtick.labelsize": 8,
    "xtick.major.size": 3,
    "ytick.labelcolor": MUTED,
    "ytick.labelsize": 8,
    "ytick.major.size": 0,
    "lines.solid_capstyle": "round",
    "lines.dash_capstyle": "round",
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}

TOTAL: Final = {"color": AREA_COLOUR, "lw": 2.6, "marker": "o", "ms": 3.8, "zorder": 5}
SEX_STYLE: Final[dict[str, dict[str, Any]]] = {
    "women": {
        "color": OKABE_ITO["vermillion"],
        "lw": 1.5,
        "ls": "-",
        "marker": "o",
        "ms": 3.6,
        "mfc": "white",
        "mew": 1.1,
    },
    "men": {
        "color": OKABE_ITO["bluish_green"],
        "lw": 1.5,
        "ls": (0, (3.5, 1.6)),
        "marker": "s",
        "ms": 3.3,
        "mfc": "white",
        "mew": 1.1,
    },
}
COMPARISON_STYLES: Final[tuple[dict[str, Any], ...]] = (
    {"color": GREY, "lw": 1.3, "ls": "-"},
    {"color": "#A8A8A8", "lw": 1.3, "ls": (0, (1, 1.8))},
)
# A white outline keeps a label legible where it crosses a line or a band.
HALO: Final = [patheffects.withStroke(linewidth=2.6, foreground="white")]


_P = ParamSpec("_P")
_R = TypeVar("_R")


def styled(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run a chart function inside the shared style without changing global settings."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]  # keys: matplotlib rc names
            return function(*args, **kwargs)

    return wrapper
