"""Charts for the follow-up reports: one shared style, each chart a PNG with alt text.

Every function returns a `Chart`: the PNG (200 dpi, sized for the text width of an A4
page), an alternative text stating what the chart shows with its key numbers, and a
caption, both in the report's language. The style is the same everywhere: Okabe-Ito
colours (safe for colour-blind readers), DejaVu Sans, no top, right or left spines, a
light horizontal grid, left-aligned titles and labels at the line ends instead of legends.
Women and men differ in colour *and* marker and line style, so the charts survive
grey-scale print; comparison areas are thin and grey so that the area's own curve leads.

Figures are built with the object-oriented API on the Agg canvas and never registered
with pyplot: no figure stays open however many charts a report draws, and the style is
applied with `rc_context`, so a notebook's own matplotlib settings are left alone.
"""

from __future__ import annotations

import base64
import functools
import html
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final, ParamSpec, TypeVar
from urllib.parse import urlparse

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from collab_metrics.analysis.assess import period_time
from collab_metrics.model import areas
from collab_metrics.model.framework import (
    ActorGoal,
    Baseline,
    FileIndicator,
    Framework,
    KoladaIndicator,
    PxWebIndicator,
    SharedGoal,
)
from collab_metrics.sources.pxweb import SCB_URL
from collab_metrics.text import labels
from collab_metrics.text.labels import Language

Indicator = KoladaIndicator | PxWebIndicator | FileIndicator

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
    "axes.prop_cycle": matplotlib.cycler(color=list(OKABE_ITO.values())),
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

_TOTAL: Final = {"color": AREA_COLOUR, "lw": 2.6, "marker": "o", "ms": 3.8, "zorder": 5}
_SEX_STYLE: Final[dict[str, dict[str, Any]]] = {
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
_COMPARISON_STYLES: Final[tuple[dict[str, Any], ...]] = (
    {"color": GREY, "lw": 1.3, "ls": "-"},
    {"color": "#A8A8A8", "lw": 1.3, "ls": (0, (1, 1.8))},
)
# A white outline keeps a label legible where it crosses a line or a band.
_HALO: Final = [patheffects.withStroke(linewidth=2.6, foreground="white")]

_WORDS: Final[dict[str, dict[str, str]]] = {
    "sv": {
        "line_chart": "Linjediagram",
        "dot_chart": "Punktdiagram",
        "sparkline": "Minidiagram",
        "small_multiples": "Små diagram",
        "in": "i",
        "target": "Mål {year}: {value}",
        "target_is": "Målet är {value} år {year}; status: {status}.",
        "no_target": "{status}; riktning: {direction}.",
        "baseline": "Utgångsvärde {year}: {value}",
        "forecast": "prognos {year}: {value} ({low}–{high})",
        "forecast_is": "Prognos för {year}: {value} (80 % prognosintervall {low}–{high}).",
        "series_break": "Tidsseriebrott",
        "fell": "föll från {a} {ya} till {b} {yb}",
        "rose": "steg från {a} {ya} till {b} {yb}",
        "stayed": "låg kvar på {a} från {ya} till {yb}",
        "from_to": "från {a} {ya} till {b} {yb}",
        "only": "{a} {ya}",
        "was": "var {a} {ya}",
        "target_short": "mål {value} {year}",
        "source": "Källa: {source}",
        "own_file": "{actor} (egen fil)",
        "method": "Metod: {note}",
        "missing": "uppgift saknas",
        "legend_area": "Tjock blå linje: {area}",
        "legend_sexes": "kvinnor (ringar) och män (kvadrater, streckat)",
        "legend_comparisons": "tunna grå linjer: jämförelseområden",
        "legend_target": "Ringen är målet och den streckade svarta linjen den raka vägen dit "
        "från utgångsvärdet",
        "legend_forecast": "det blå fältet är prognosen med 80 % prognosintervall",
        "panels_intro": "ett diagram per aktörsmål som bidrar till målet ”{title}”.",
        "panels_caption": "Aktörernas egna mål som bidrar till ”{title}”. Blå linje: aktörens "
        "område, ring: aktörens mål, streckad linje: den raka vägen dit från "
        "utgångsvärdet{reference}. Diagram med samma mått har samma skala; status mot målet "
        "står i ord under varje namn",
        "panels_reference": ", grå linje: {area}",
        "all_municipalities": "Alla kommuner ({n})",
        "municipalities_in_data": "Kommuner i underlaget ({n})",
        "distribution_subtitle": "Kommunerna {year}, samverkans områden markerade",
        "distribution_alt": "{title} {year} i {n} kommuner: från {low} ({low_name}) till "
        "{high} ({high_name}), median {median}.",
        "riket_is": "Riket: {value}.",
        "partial": "Underlaget har bara {n} av landets {total} kommuner, så spridningen i "
        "hela landet syns inte.",
        "distribution_caption": "{title}, {year}. Varje grå punkt är en kommun{band}; "
        "samverkans områden står på egna rader{riket}",
        "band": ", det grå fältet rymmer mittenhälften av kommunerna",
        "riket_line": ", den streckade linjen är riket",
        "women_and_men": "kvinnor och män",
        "gap_alt": "{title} för kvinnor och män i {area} {span}. {year} var värdet "
        "{women} för kvinnor och {men} för män, en skillnad på {gap}{higher}.",
        "gap_then": "{year} var skillnaden {gap}; den har {change}.",
        "narrowed": "minskat",
        "widened": "ökat",
        "unchanged": "legat kvar",
        "higher_women": " (kvinnor högre)",
        "higher_men": " (män högre)",
        "gap": "Skillnad {value}",
        "gap_caption": "{title}, {area}, {span}. Det grå fältet är skillnaden "
        "mellan kvinnor (ringar) och män (kvadrater, streckat)",
        "points": "procentenheter",
        "months": "jan feb mar apr maj jun jul aug sep okt nov dec",
    },
    "en": {
        "line_chart": "Line chart",
        "dot_chart": "Dot chart",
        "sparkline": "Sparkline",
        "small_multiples": "Small multiples",
        "in": "in",
        "target": "Target {year}: {value}",
        "target_is": "The target is {value} by {year}; status: {status}.",
        "no_target": "{status}; direction: {direction}.",
        "baseline": "Baseline {year}: {value}",
        "forecast": "forecast {year}: {value} ({low}–{high})",
        "forecast_is": "Forecast for {year}: {value} (80% prediction interval {low}–{high}).",
        "series_break": "Series break",
        "fell": "fell from {a} in {ya} to {b} in {yb}",
        "rose": "rose from {a} in {ya} to {b} in {yb}",
        "stayed": "stayed at {a} from {ya} to {yb}",
        "from_to": "from {a} in {ya} to {b} in {yb}",
        "only": "{a} in {ya}",
        "was": "was {a} in {ya}",
        "target_short": "target {value} by {year}",
        "source": "Source: {source}",
        "own_file": "{actor} (own file)",
        "method": "Method: {note}",
        "missing": "no data",
        "legend_area": "Thick blue line: {area}",
        "legend_sexes": "women (rings) and men (squares, dashed)",
        "legend_comparisons": "thin grey lines: comparison areas",
        "legend_target": "The ring is the target and the dashed black line the straight "
        "path to it from the baseline",
        "legend_forecast": "the blue band is the forecast with its 80% prediction interval",
        "panels_intro": "one chart per actor goal contributing to the goal “{title}”.",
        "panels_caption": "The actors' own goals contributing to “{title}”. Blue line: the "
        "actor's area, ring: the actor's target, dashed line: the straight path to it "
        "from the baseline{reference}. Charts of the same measure share one scale; the "
        "status is written under each name",
        "panels_reference": ", grey line: {area}",
        "all_municipalities": "All municipalities ({n})",
        "municipalities_in_data": "Municipalities in the data ({n})",
        "distribution_subtitle": "Municipalities in {year}, the collaboration's areas marked",
        "distribution_alt": "{title} in {year} in {n} municipalities: from {low} "
        "({low_name}) to {high} ({high_name}), median {median}.",
        "riket_is": "Sweden: {value}.",
        "partial": "The data hold only {n} of the country's {total} municipalities, so the "
        "spread across the whole country is not shown.",
        "distribution_caption": "{title}, {year}. Each grey dot is a municipality{band}; "
        "the collaboration's areas have rows of their own{riket}",
        "band": ", the grey band holds the middle half of them",
        "riket_line": ", the dashed line is Sweden as a whole",
        "women_and_men": "women and men",
        "gap_alt": "{title} for women and men in {area} {span}. In {year} the value "
        "was {women} for women and {men} for men, a gap of {gap}{higher}.",
        "gap_then": "In {year} the gap was {gap}; it has {change}.",
        "narrowed": "narrowed",
        "widened": "widened",
        "unchanged": "stayed the same",
        "higher_women": " (women higher)",
        "higher_men": " (men higher)",
        "gap": "Gap {value}",
        "gap_caption": "{title}, {area}, {span}. The grey band is the gap between "
        "women (rings) and men (squares, dashed)",
        "points": "percentage points",
        "months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    },
}


@dataclass(frozen=True)
class Chart:
    """A rendered chart: PNG bytes, alternative text and caption in the report language.

    `width` and `height` are the intended display size in inches; `html()` uses them so
    that the 200 dpi image is shown at its print size rather than at its pixel size.
    """

    png: bytes
    alt: str
    caption: str
    width: float
    height: float

    def html(self) -> str:
        """A `<figure>` with the PNG inlined as a data URI; every text is HTML-escaped."""
        data = base64.b64encode(self.png).decode("ascii")
        # 96 CSS pixels per inch: the browser shows the image at its print size.
        size = f'width="{round(self.width * 96)}" height="{round(self.height * 96)}"'
        image = f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}" {size}>'
        caption = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return f'<figure class="chart">{image}{caption}</figure>'

    def _repr_html_(self) -> str:
        """JupyterLab shows the chart at its print size, with its caption."""
        return self.html()

    def _repr_png_(self) -> bytes:
        """For front ends without HTML."""
        return self.png


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _styled(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run a chart function inside the shared style without changing global settings."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with matplotlib.rc_context(STYLE):
            return function(*args, **kwargs)

    return wrapper


# --- the charts ----------------------------------------------------------------------


@_styled
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
    data = _indicator_obs(obs, fw.series_id(goal.indicator), as_of)
    fmt = _Format(language or fw.collaboration.language, indicator.unit, _is_monthly(data))
    say = fmt.words
    marks = _Marks.from_row(_row(result, goal_id, "total"), declared_baseline=goal.baseline)
    start = goal.baseline.year - HISTORY if goal.baseline else None
    total = _series(data, area, "total", start)
    sexes = {
        sex: series
        for sex in (("women", "men") if "sex" in indicator.breakdowns else ())
        if not (series := _series(data, area, sex, start)).empty
    }
    comparisons = {
        code: series
        for code in _comparison_areas(fw, goal)
        if not (series := _series(data, code, "total", start)).empty
    }
    everything = [total, *sexes.values(), *comparisons.values()]
    times = _times(everything)
    xmax = max([*times, *marks.times()], default=0.0)

    fig, ax = _figure_with_axes()
    ends: list[_Label] = []
    for (code, series), style in zip(comparisons.items(), _COMPARISON_STYLES, strict=False):
        _line(ax, series, {**style, "zorder": 2})
        ends.append(_Label.end_of(series, fmt.area(code), style["color"]))
    for sex, series in sexes.items():
        _line(ax, series, {**_SEX_STYLE[sex], "zorder": 3})
        ends.append(_Label.end_of(series, labels.SEX[fmt.language][sex], _SEX_STYLE[sex]["color"]))
    _line(ax, total, _TOTAL)
    if not total.empty and not marks.forecast:
        ends.append(_Label.end_of(total, fmt.area(area), AREA_COLOUR, bold=True))
    ends += _draw_marks(ax, marks, indicator.direction, fmt, xmax, fmt.area(area))
    _draw_breaks(ax, indicator, area, times, fmt)
    _time_axis(ax, times, fmt, xmax)
    _value_limits(
        ax,
        [*_values(everything), *marks.values()],
        indicator.natural_limit,
        headroom=marks.baseline is not None,
    )
    _value_axis(ax.yaxis, fmt.language)
    titles = _Titles(fig, goal.title, _subtitle(indicator.title, fmt.unit, fmt.area(area)))
    _compose(fig, ax, titles, ends, plot_height=2.6)
    if marks.baseline:
        _baseline_note(ax, marks.baseline, fmt)

    alt = f"{say['line_chart']}: " + _goal_alt(
        indicator.title, area, total, sexes, comparisons, marks, fmt
    )
    legend = [say["legend_area"].format(area=fmt.area(area))]
    if sexes:
        legend.append(say["legend_sexes"])
    if comparisons:
        legend.append(say["legend_comparisons"])
    marks_legend = [say["legend_target"]] if marks.target else []
    if marks.forecast:
        marks_legend.append(say["legend_forecast"])
    caption = _sentences(
        goal.title,
        f"{indicator.title}, {fmt.area(area)}, {fmt.span(times)}" if times else "",
        ", ".join(legend),
        ", ".join(marks_legend),
        *_method_notes(indicator, area, fmt),
        _source(fw, indicator, fmt),
    )
    return _render(fig, alt, caption)


@_styled
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
    data = _indicator_obs(obs, fw.series_id(goal.indicator), None)
    fmt = _Format(
        language or fw.collaboration.language, fw.indicator(goal.indicator).unit, _is_monthly(data)
    )
    marks = _Marks.from_row(_row(result, goal_id, "total"), declared_baseline=goal.baseline)
    series = _between(_series(data, fw.goal_area(goal), "total"), marks)

    fig = _new_figure(1.2, 0.35)
    ax = fig.add_axes((0.03, 0.1, 0.9, 0.8))
    ax.set_axis_off()
    _line(ax, series, {"color": AREA_COLOUR, "lw": 1.3})
    if not series.empty:
        ax.plot(series.index[-1], series.iloc[-1], "o", color=AREA_COLOUR, ms=2.8, zorder=4)
    if marks.target:
        _target_marker(ax, *marks.target, size=4.2)
    ax.margins(x=0.06, y=0.22)

    parts = [fmt.from_to(series, fmt.words["from_to"])] if not series.empty else []
    if marks.target:
        time, value = marks.target
        parts.append(fmt.words["target_short"].format(value=fmt.value(value), year=fmt.time(time)))
    alt = f"{fmt.words['sparkline']}: " + ("; ".join(parts) or fmt.words["missing"])
    return _render(fig, alt, "")


@_styled
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
    say = _WORDS[language]
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

    fig = _new_figure(WIDTH, 4.0)
    heads = [_PanelHead.of(fig, fw, goal, shared, result, panel_w, language) for goal in goals]
    # Each row of panels is as tall as its tallest heading, so short headings leave no gap.
    head_h = [
        max(h.height for h in heads[r * ncols : (r + 1) * ncols]) + 0.06 for r in range(nrows)
    ]
    row_top = np.cumsum([0.0, *(h + panel_h + below for h in head_h)])
    shared_indicator = fw.indicator(shared.indicator)
    titles = _Titles(fig, shared.title, _subtitle(shared_indicator.title, shared_indicator.unit))
    height = _whole_pixels(titles.height + row_top[-1])
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
        data = _indicator_obs(obs, fw.series_id(goal.indicator), as_of)
        fmt = _Format(language, indicator.unit, _is_monthly(data))
        marks = _Marks.from_row(_row(result, goal.id, "total"), declared_baseline=goal.baseline)
        start = goal.baseline.year - HISTORY if goal.baseline else None
        own = _series(data, area, "total", start)
        reference = pd.Series(dtype=float)
        if goal.indicator == shared.indicator and area != shared_area:
            # The shared goal's own area, faint: is this actor ahead of it or behind?
            reference = _series(data, shared_area, "total", start)
            _line(ax, reference, {"color": "#B8B8B8", "lw": 1.1, "zorder": 2})
            any_reference = True
        _line(ax, own, {"color": AREA_COLOUR, "lw": 1.7, "marker": "o", "ms": 2.3, "zorder": 4})
        if marks.target:
            if marks.baseline:
                (t0, y0), (t1, y1) = marks.baseline, marks.target
                ax.plot([t0, t1], [y0, y1], color=INK, lw=0.8, ls=(0, (3, 2.5)), zorder=3)
            _target_marker(ax, *marks.target, size=5.5)
        times = _times([own, reference])
        _time_axis(ax, times, fmt, max([*times, *marks.times()], default=0.0), max_ticks=3)
        ax.tick_params(labelsize=7)
        ax.set_ylim(_limits([*_values([own, reference]), *marks.values()], indicator.natural_limit))
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
            _value_axis(ax.yaxis, language)
            if indicator_id == shared.indicator and len(panels) > 1 and not first_column:
                ax.tick_params(axis="y", labelleft=False)

    reference_note = (
        say["panels_reference"].format(area=_area_name(shared_area, language))
        if any_reference
        else ""
    )
    alt = f"{say['small_multiples']}: {say['panels_intro'].format(title=shared.title)} " + " ".join(
        alts
    )
    caption = _sentences(
        say["panels_caption"].format(title=shared.title, reference=reference_note),
        _source(fw, shared_indicator, _Format(language, shared_indicator.unit)),
    )
    return _render(fig, alt, caption)


@_styled
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
    fmt = _Format(language or fw.collaboration.language, indicator.unit)
    say = fmt.words
    data = _indicator_obs(obs, fw.series_id(indicator_id), None)
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
    rows = len(highlights) + 1

    fig, ax = _figure_with_axes()
    jitter = np.random.default_rng(0).uniform(-0.24, 0.24, len(spread))
    ax.scatter(spread.to_numpy(), jitter, s=11, color="#9E9E9E", alpha=0.75, lw=0, zorder=3)
    if complete:
        q1, q3 = np.percentile(spread.to_numpy(), [25, 75])
        ax.axvspan(q1, q3, color="#EFEFEF", zorder=0, lw=0)
    for i, code in enumerate(highlights, start=1):
        if code not in value_of:
            ax.annotate(
                say["missing"],
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
            path_effects=_HALO,
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
    first_row = say["all_municipalities" if complete else "municipalities_in_data"]
    ax.set_yticks(
        range(rows), [first_row.format(n=len(spread)), *(fmt.area(c) for c in highlights)]
    )
    ax.get_yticklabels()[0].set_fontweight("bold")
    known = [*spread, *(value_of[c] for c in highlights if c in value_of)]
    low, high = _limits([*known, riket], indicator.natural_limit, zero=False)
    # Room on the right for the value written beside the largest dot.
    ax.set_xlim(low, high + 0.08 * (high - low))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    _value_axis(ax.xaxis, fmt.language)
    titles = _Titles(
        fig,
        f"{indicator.title}, {year}",
        _subtitle(say["distribution_subtitle"].format(year=year), fmt.unit),
    )
    _compose(fig, ax, titles, [], plot_height=0.26 * rows + 0.3, top_extra=0.12)

    parts = []
    if not spread.empty:
        parts.append(
            say["distribution_alt"].format(
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
    partial = "" if complete else say["partial"].format(n=len(spread), total=total)
    parts.append(partial)
    if riket is not None:
        parts.append(say["riket_is"].format(value=fmt.value(riket)))
    named = [
        f"{fmt.area(code)} {fmt.value(value_of[code]) if code in value_of else say['missing']}"
        for code in highlights
    ]
    if named:
        parts.append("; ".join(named) + ".")
    caption = _sentences(
        say["distribution_caption"].format(
            title=indicator.title,
            year=year,
            band=say["band"] if complete else "",
            riket=say["riket_line"] if riket is not None else "",
        ),
        partial,
        _source(fw, indicator, fmt),
    )
    return _render(fig, f"{say['dot_chart']}: " + " ".join(p for p in parts if p), caption)


@_styled
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
    data = _indicator_obs(obs, fw.series_id(indicator_id), as_of)
    fmt = _Format(language or fw.collaboration.language, indicator.unit, _is_monthly(data))
    say = fmt.words
    women = _series(data, area, "women")
    men = _series(data, area, "men")
    both = women.index.intersection(men.index)
    times = _times([women, men])

    fig, ax = _figure_with_axes()
    ax.fill_between(both, women[both], men[both], color="#DADADA", alpha=0.6, lw=0, zorder=1)
    ends = []
    for sex, series in (("women", women), ("men", men)):
        style = {**_SEX_STYLE[sex], "lw": 2.2, "ms": 4.2, "zorder": 4}
        _line(ax, series, style)
        if not series.empty:
            text = f"{labels.SEX[fmt.language][sex]} {fmt.number(series.iloc[-1])}"
            ends.append(_Label.end_of(series, text, style["color"], bold=True))
    if len(both):
        last = both[-1]
        ax.plot([last, last], [women[last], men[last]], color=MUTED, lw=0.9, zorder=2)
        gap = say["gap"].format(value=fmt.difference(abs(women[last] - men[last])))
        ends.append(_Label((women[last] + men[last]) / 2, gap, MUTED, last))
    _time_axis(ax, times, fmt, max(times, default=0.0))
    _value_limits(ax, _values([women, men]), indicator.natural_limit)
    _value_axis(ax.yaxis, fmt.language)
    titles = _Titles(
        fig,
        f"{indicator.title}: {say['women_and_men']}",
        f"{fmt.area(area)} ({fmt.unit})",
    )
    _compose(fig, ax, titles, ends, plot_height=2.3)

    parts = []
    if len(both):
        end = both[-1]
        gap_now = women[end] - men[end]
        parts.append(
            say["gap_alt"].format(
                title=indicator.title,
                area=fmt.area(area),
                span=fmt.span(times),
                year=fmt.time(end),
                women=fmt.value(women[end]),
                men=fmt.value(men[end]),
                gap=fmt.difference(abs(gap_now)),
                higher=say["higher_women"]
                if gap_now > 0
                else (say["higher_men"] if gap_now < 0 else ""),
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
                say["gap_then"].format(
                    year=fmt.time(begin), gap=fmt.difference(abs(gap_then)), change=say[key]
                )
            )
    else:
        parts.append(f"{indicator.title}, {fmt.area(area)}: {say['missing']}.")
    caption = _sentences(
        say["gap_caption"].format(
            title=indicator.title,
            area=fmt.area(area),
            span=fmt.span(times),
        ),
        *_method_notes(indicator, area, fmt),
        _source(fw, indicator, fmt),
    )
    return _render(fig, f"{say['line_chart']}: " + " ".join(parts), caption)


# --- data ----------------------------------------------------------------------------


def _indicator_obs(obs: pd.DataFrame, series_id: str, as_of: int | None) -> pd.DataFrame:
    """The observations of one series that have values, up to `as_of`."""
    data = obs[(obs["indicator"] == series_id) & obs["value"].notna()]
    if as_of is not None:
        data = data[data["period"].str[:4].astype(int) <= as_of]
    return data


def _series(data: pd.DataFrame, area: str, sex: str, start_year: int | None = None) -> pd.Series:
    """One area's values by time (years; months as fractions), from `start_year` on."""
    part = data[(data["area"] == area) & (data["sex"] == sex)]
    series = pd.Series(part["value"].to_numpy(float), index=period_time(part["period"]))
    if start_year is not None:
        series = series[series.index >= start_year]
    return series.sort_index()


def _is_monthly(data: pd.DataFrame) -> bool:
    return bool((data["period"].str.len() > 4).any())


def _times(series: Iterable[pd.Series]) -> list[float]:
    return sorted({float(t) for s in series for t in s.index})


def _values(series: Iterable[pd.Series]) -> list[float]:
    return [float(v) for s in series for v in s.to_numpy()]


def _row(result: pd.DataFrame | None, goal_id: str, sex: str) -> pd.Series | None:
    """The assessment row of a goal for one sex, if the assessment has it."""
    if result is None or result.empty:
        return None
    rows = result[(result["goal"] == goal_id) & (result["sex"] == sex)]
    return rows.iloc[0] if len(rows) else None


def _comparison_areas(fw: Framework, goal: SharedGoal | ActorGoal) -> list[str]:
    """The goal's declared comparison areas, else riket and the area's region."""
    area = fw.goal_area(goal)
    declared = goal.comparison_areas
    codes = declared if declared is not None else [areas.RIKET, areas.region_of(area)]
    return [code for code in dict.fromkeys(codes) if code != area]


@dataclass(frozen=True)
class _Marks:
    """What the assessment says about one series, as the points the charts mark."""

    baseline: tuple[float, float] | None
    latest: tuple[float, float] | None
    target: tuple[float, float] | None
    forecast: tuple[float, float, float, float] | None  # year, value, low, high
    status: str | None  # the assessment's code; "" without a target; None: not assessed
    direction: str
    reason: str = ""  # why it cannot be assessed: a code of labels.REASONS
    break_year: int | None = None  # the series break that reason may name

    @classmethod
    def from_row(cls, row: pd.Series | None, declared_baseline: Baseline | None) -> _Marks:
        """Marks from an assessment row; a baseline is marked only where the goal
        declares one (otherwise it is just the first value, nothing to point at)."""
        if row is None:
            return cls(None, None, None, None, None, "cannot_assess")

        def point(period: str, year: str, value: str) -> tuple[float, float] | None:
            if pd.isna(row.get(value)) or pd.isna(row.get(year)):
                return None
            # Monthly series: the period ("2024-09") is exact; the year column is floored.
            text = row.get(period)
            when = period_time([text])[0] if isinstance(text, str) and text else row[year]
            return float(when), float(row[value])

        forecast = None
        if not pd.isna(row.get("forecast_value")):
            forecast = (
                float(row["forecast_target_year"]),
                float(row["forecast_value"]),
                float(row["forecast_low"]),
                float(row["forecast_high"]),
            )
        baseline = point("baseline_period", "baseline_year", "baseline_value")
        return cls(
            baseline=baseline if declared_baseline is not None else None,
            latest=point("latest_period", "latest_year", "latest_value"),
            target=point("", "target_year", "target_value"),
            forecast=forecast,
            status=str(row["status"]),
            direction=str(row.get("direction_long") or "cannot_assess"),
            reason=str(row.get("reason_code") or ""),
            break_year=None if pd.isna(row.get("break_year")) else int(row["break_year"]),
        )

    def times(self) -> list[float]:
        return [p[0] for p in (self.baseline, self.latest, self.target, self.forecast) if p]

    def values(self) -> list[float]:
        points = [p[1] for p in (self.baseline, self.latest, self.target) if p]
        return points + (list(self.forecast[1:]) if self.forecast else [])


def _between(series: pd.Series, marks: _Marks) -> pd.Series:
    """The part of a series from the baseline to the latest value, where they are known."""
    if marks.baseline:
        series = series[series.index >= marks.baseline[0]]
    if marks.latest:
        series = series[series.index <= marks.latest[0]]
    return series


# --- words and numbers ---------------------------------------------------------------


@dataclass(frozen=True)
class _Format:
    """How one chart writes numbers, units, times and area names in its language."""

    language: Language
    unit: str
    monthly: bool = False

    @property
    def words(self) -> dict[str, str]:
        return _WORDS[self.language]

    def number(self, value: float) -> str:
        return labels.number(value, self.language, 0 if abs(value) >= 1000 else 1)

    def value(self, value: float) -> str:
        """A value with its unit: "14,2 %", "27,0 dagar" (sv); "14.2%" (en)."""
        if self.unit.strip() == "%":
            return labels.percent(value / 100, self.language)
        return f"{self.number(value)}\u00a0{self.unit}"

    def difference(self, value: float) -> str:
        """A difference between two values: shares differ by percentage points."""
        if self.unit.strip() == "%":
            return f"{self.number(value)}\u00a0{self.words['points']}"
        return self.value(value)

    def time(self, time: float) -> str:
        """2017.0 -> "2017"; in a monthly series 2024.667 -> "sep 2024"."""
        if not self.monthly:
            return str(round(time))
        year, month = divmod(round(time * 12), 12)
        return f"{self.words['months'].split()[month]} {year}"

    def span(self, times: list[float]) -> str:
        if not times:
            return ""
        first, last = self.time(times[0]), self.time(times[-1])
        return first if first == last else f"{first}–{last}"

    def area(self, code: str) -> str:
        return _area_name(code, self.language)

    def from_to(self, series: pd.Series, template: str) -> str:
        """`template` ("från {a} {ya} till {b} {yb}") filled with a series' two ends."""
        if len(series) == 1:
            template = self.words["only"]
        return template.format(
            a=self.value(float(series.iloc[0])),
            ya=self.time(float(series.index[0])),
            b=self.value(float(series.iloc[-1])),
            yb=self.time(float(series.index[-1])),
        )

    def change(self, series: pd.Series) -> str:
        """ "föll från 14,2 % 2013 till 8,4 % 2017": the series' first and last values."""
        first, last = float(series.iloc[0]), float(series.iloc[-1])
        if len(series) == 1:
            return self.words["was"].format(a=self.value(first), ya=self.time(series.index[0]))
        key = "stayed" if self.value(first) == self.value(last) else "fell"
        if key == "fell" and last > first:
            key = "rose"
        return self.from_to(series, self.words[key])


def _area_name(code: str, language: Language) -> str:
    if code == areas.RIKET and language == "en":
        return "Sweden"
    return areas.get(code).name


def _subtitle(title: str, unit: str, area: str = "") -> str:
    """ "Ohälsotal (dagar) · Region Värmland"; a comma where the title ends in brackets."""
    shown = f"{title}, {unit}" if title.endswith(")") else f"{title} ({unit})"
    return shown + (f" · {area}" if area else "")


def _status_words(marks: _Marks, language: Language) -> str:
    """The status in words; without a target, the direction of movement after it, and
    when it cannot be assessed, the reason why (in this chart's language)."""
    status = marks.status if marks.status is not None else "cannot_assess"
    words = labels.STATUS[language][status]
    if status == "":
        words += f": {labels.DIRECTION[language][marks.direction]}"
    elif status == "cannot_assess" and marks.reason:
        words += f": {labels.reason(marks.reason, language, year=marks.break_year or '')}"
    return words


def _goal_alt(
    title: str,
    area: str,
    total: pd.Series,
    sexes: dict[str, pd.Series],
    comparisons: dict[str, pd.Series],
    marks: _Marks,
    fmt: _Format,
) -> str:
    say = fmt.words
    if total.empty:
        return f"{title} {say['in']} {fmt.area(area)}: {say['missing']}."
    parts = [f"{title} {say['in']} {fmt.area(area)} {fmt.change(_between(total, marks))}."]
    if marks.target:
        time, value = marks.target
        parts.append(
            say["target_is"].format(
                value=fmt.value(value),
                year=fmt.time(time),
                status=_status_words(marks, fmt.language),
            )
        )
    elif marks.status is not None:
        parts.append(
            say["no_target"].format(
                status=labels.STATUS[fmt.language][""],
                direction=labels.DIRECTION[fmt.language][marks.direction],
            )
        )
    named = [(labels.SEX[fmt.language][sex], s) for sex, s in sexes.items()]
    named += [(fmt.area(code), s) for code, s in comparisons.items()]
    for name, series in named:
        inside = _between(series, marks)
        if not inside.empty:
            parts.append(f"{name} {fmt.change(inside)}.")
    if marks.forecast:
        year, value, low, high = marks.forecast
        parts.append(
            say["forecast_is"].format(
                year=fmt.time(year),
                value=fmt.value(value),
                low=fmt.number(low),
                high=fmt.number(high),
            )
        )
    return " ".join(parts)


def _panel_alt(name: str, series: pd.Series, marks: _Marks, status: str, fmt: _Format) -> str:
    say = fmt.words
    inside = _between(series, marks)
    if inside.empty:
        return f"{name}: {say['missing']}; {status}."
    text = f"{name}: {fmt.from_to(inside, say['from_to'])}"
    if marks.target:
        time, value = marks.target
        text += ", " + say["target_short"].format(value=fmt.value(value), year=fmt.time(time))
    return f"{text}; {status}."


def _method_notes(indicator: Indicator, area: str, fmt: _Format) -> list[str]:
    return [
        fmt.words["method"].format(note=note.note)
        for note in indicator.method_notes
        if note.areas is None or area in note.areas
    ]


def _source(fw: Framework, indicator: Indicator, fmt: _Format) -> str:
    """Attribution as the README promises: Kolada (RKA), SCB, or the reporting actor."""
    if isinstance(indicator, KoladaIndicator):
        source = "Kolada (RKA)"
    elif isinstance(indicator, PxWebIndicator):
        source = "SCB" if fw.pxweb_url == SCB_URL else urlparse(fw.pxweb_url).netloc
    else:
        actor = fw.actor(indicator.reported_by).name if indicator.reported_by else None
        source = fmt.words["own_file"].format(actor=actor or fw.collaboration.owner)
    return fmt.words["source"].format(source=source)


def _sentences(*parts: str) -> str:
    """The non-empty parts as sentences, each ending with a full stop."""
    return " ".join(p if p.endswith((".", "!", "?")) else f"{p}." for p in parts if p)


# --- drawing -------------------------------------------------------------------------


def _new_figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas, outside pyplot, so that nothing keeps it alive."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _figure_with_axes() -> tuple[Figure, Axes]:
    """A figure whose size and axes position `_compose` sets once the texts are known."""
    fig = _new_figure(WIDTH, 4.0)
    return fig, fig.add_axes((0.1, 0.1, 0.8, 0.8))


def _whole_pixels(inches: float) -> float:
    """A size that is a whole number of pixels at DPI, so that `Chart` states it exactly."""
    return round(inches * DPI) / DPI


def _render(fig: Figure, alt: str, caption: str) -> Chart:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    width, height = fig.get_size_inches()
    return Chart(buffer.getvalue(), alt, caption, float(width), float(height))


def _line(ax: Axes, series: pd.Series, style: dict[str, Any]) -> None:
    if not series.empty:
        ax.plot(series.index, series.to_numpy(), **style)


def _target_marker(ax: Axes, time: float, value: float, size: float = 9.0) -> None:
    """A bullseye, a white ring with a black centre: unmistakably the target."""
    ax.plot(time, value, "o", ms=size, mfc="white", mec=INK, mew=size / 6, zorder=7)
    ax.plot(time, value, "o", ms=size / 3.2, color=INK, zorder=8)


def _draw_marks(
    ax: Axes, marks: _Marks, direction: str, fmt: _Format, xmax: float, area_name: str
) -> list[_Label]:
    """Baseline point, target, the path to it and the forecast; returns their labels.

    The forecast continues the area's line, so the area's name labels the forecast's end.
    """
    say = fmt.words
    ends = []
    if marks.baseline:
        ax.plot(*marks.baseline, "o", ms=7.5, color=AREA_COLOUR, mec="white", mew=1.4, zorder=6)
    if marks.forecast and marks.latest:
        year, value, low, high = marks.forecast
        t0, y0 = marks.latest
        ax.fill_between([t0, year], [y0, low], [y0, high], color=AREA_COLOUR, alpha=0.15, lw=0)
        ax.plot([t0, year], [y0, value], color=AREA_COLOUR, lw=1.6, ls=(0, (1, 1.6)), zorder=5)
        ax.plot([year, year], [low, high], color=AREA_COLOUR, lw=1.0, alpha=0.6, zorder=5)
        text = say["forecast"].format(
            year=fmt.time(year),
            value=fmt.number(value),
            low=fmt.number(low),
            high=fmt.number(high),
        )
        ends.append(_Label(value, f"{area_name}\n{text}", AREA_COLOUR, year, bold=True))
    if marks.target:
        time, value = marks.target
        if marks.baseline:
            t0, y0 = marks.baseline
            ax.plot([t0, time], [y0, value], color=INK, lw=1.1, ls=(0, (4, 3)), zorder=4)
        _target_marker(ax, time, value)
        text = say["target"].format(year=fmt.time(time), value=fmt.value(value))
        if time >= xmax:
            ends.append(_Label(value, text, INK, time, bold=True))
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
                path_effects=_HALO,
                zorder=9,
            )
    return ends


def _baseline_note(ax: Axes, baseline: tuple[float, float], fmt: _Format) -> None:
    """The baseline's year and value at the top of the plot (in the headroom kept free
    for it), joined to the point by a dotted line: nothing in the plot is covered."""
    time, value = baseline
    left, right = ax.get_xlim()
    share = (time - left) / (right - left)
    ax.annotate(
        fmt.words["baseline"].format(year=fmt.time(time), value=fmt.value(value)),
        (time, value),
        xytext=(time, 1.0),
        textcoords=blended_transform_factory(ax.transData, ax.transAxes),
        # Near either edge the text runs inwards instead of off the plot.
        ha="left" if share < 0.2 else ("right" if share > 0.8 else "center"),
        va="top",
        fontsize=7.5,
        color=INK,
        path_effects=_HALO,
        arrowprops={"arrowstyle": "-", "color": MUTED, "lw": 0.7, "ls": ":", "shrinkB": 5},
        zorder=9,
    )


def _draw_breaks(
    ax: Axes, indicator: Indicator, area: str, times: list[float], fmt: _Format
) -> None:
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
            fmt.words["series_break"],
            (x, 0),
            xycoords=blended_transform_factory(ax.transData, ax.transAxes),
            xytext=(3, 3),
            textcoords="offset points",
            va="bottom",
            fontsize=7,
            color=MUTED,
        )


# --- axes ----------------------------------------------------------------------------


def _time_axis(ax: Axes, times: list[float], fmt: _Format, xmax: float, max_ticks: int = 9) -> None:
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
    ax.xaxis.set_major_locator(FixedLocator(months[::every] / 12))
    names = fmt.words["months"].split()

    def month(value: float, position: int | None) -> str:
        year, number = divmod(round(value * 12), 12)
        return f"{names[number]} {year}" if number == 0 or position == 0 else names[number]

    ax.xaxis.set_major_formatter(FuncFormatter(month))


def _limits(
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


def _value_limits(
    ax: Axes, values: Iterable[float], natural_limit: float | None, headroom: bool = False
) -> None:
    """Set the value axis; `headroom` keeps a strip at the top free for the baseline note."""
    bottom, top = _limits(values, natural_limit)
    ax.set_ylim(bottom, top)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    if headroom:
        ax.set_ylim(bottom, top + 0.1 * (top - bottom))


def _value_axis(axis: Axis, language: Language) -> None:
    """Tick labels in the report's number format, with as few decimals as the ticks need."""
    ticks = axis.get_majorticklocs()
    decimals = next((d for d in (0, 1, 2) if np.allclose(ticks, np.round(ticks, d))), 3)
    # Adding 0.0 turns a -0.0 from rounding into 0.0, so zero is never written "−0".
    axis.set_major_formatter(
        FuncFormatter(lambda v, _: labels.number(round(v, decimals) + 0.0, language, decimals))
    )


# --- layout --------------------------------------------------------------------------


def _text_width(fig: Figure, text: str, size: float, weight: str = "normal") -> float:
    """Width of a one-line text in inches, as the Agg renderer will draw it."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    font = FontProperties(family=FONT, size=size, weight=weight)
    width, _, _ = renderer.get_text_width_height_descent(text, font, ismath=False)
    return width / fig.dpi


def _wrap(fig: Figure, text: str, width: float, size: float, weight: str = "normal") -> str:
    """Break `text` into lines no wider than `width` inches, measured, not guessed."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and _text_width(fig, candidate, size, weight) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return "\n".join(lines)


class _Titles:
    """A left-aligned bold title and a muted subtitle above the chart."""

    def __init__(self, fig: Figure, title: str, subtitle: str) -> None:
        self.fig = fig
        text_width = WIDTH - 2 * PAD
        self.title = fig.text(
            0, 1, _wrap(fig, title, text_width, 10.5, "bold"), size=10.5, weight="bold", va="top"
        )
        self.subtitle = fig.text(
            0, 1, _wrap(fig, subtitle, text_width, 8), size=8, color=MUTED, va="top"
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
        name = actor.name if actor.area == area else f"{actor.name} ({_area_name(area, language)})"
        marks = _Marks.from_row(_row(result, goal.id, "total"), declared_baseline=goal.baseline)
        status = _status_words(marks, language)
        bold = {"size": 7.6, "weight": "bold", "color": INK}
        measure = {"size": 7.0, "style": "italic", "color": MUTED}
        plain = {"size": 7.2, "color": INK}
        parts = [(status, plain)]
        if goal.indicator != shared.indicator:
            parts.append((fw.indicator(goal.indicator).title, measure))
        parts.append((name, bold))
        lines = tuple(
            (_wrap(fig, text, width, style["size"], style.get("weight", "normal")), style)
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


@dataclass(frozen=True)
class _Label:
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
    def end_of(cls, series: pd.Series, text: str, colour: str, bold: bool = False) -> _Label:
        return cls(float(series.iloc[-1]), text, colour, float(series.index[-1]), bold)

    def lines(self) -> list[tuple[str, str]]:
        """Each line with its font weight."""
        parts = self.text.split("\n")
        first = "bold" if self.bold else "normal"
        return [(line, first if i == 0 else "normal") for i, line in enumerate(parts)]


def _compose(
    fig: Figure,
    ax: Axes,
    titles: _Titles,
    ends: list[_Label],
    plot_height: float,
    bottom: float = 0.32,
    top_extra: float = 0.0,
) -> None:
    """Size the figure around the plot: titles above, tick labels left, end labels right.

    Text extents are measured, so that long tick or end labels are never cut off and the
    plot keeps its height whatever the length of the title.
    """
    fig.draw_without_rendering()  # resolves the tick labels so that they can be measured
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
            _text_width(fig, line, LABEL_SIZE, weight)
            for label in column
            for line, weight in label.lines()
        ),
        default=0.0,
    )
    right = PAD + column_width + (0.1 if column else 0.15)
    height = _whole_pixels(titles.height + top_extra + plot_height + bottom)
    fig.set_size_inches(WIDTH, height)
    ax.set_position(
        (left / WIDTH, bottom / height, (WIDTH - left - right) / WIDTH, plot_height / height)
    )
    titles.place()
    groups: dict[float, list[_Label]] = {}
    for label in ends:
        groups.setdefault(label.x_end, []).append(label)
    for x_end, group in groups.items():
        _place_labels(fig, ax, group, in_column=x_end >= edge)


def _place_labels(fig: Figure, ax: Axes, group: list[_Label], in_column: bool) -> None:
    """Labels ending at one time, moved apart vertically so that none overlap. In the
    right column a thin leader joins a label that had to move to its series' end."""
    line_height = LABEL_SIZE * 1.3 / 72 * fig.dpi  # pixels
    to_pixels = ax.transData.transform
    wanted = np.array([to_pixels((label.x_end, label.y))[1] for label in group])
    # A third of a line between labels keeps a two-line label apart from its neighbours.
    sizes = np.array([(len(label.lines()) + 0.3) * line_height for label in group])
    box = ax.get_window_extent()
    placed = _repel(wanted, sizes, box.y0, box.y1 + line_height)
    from_pixels = ax.transData.inverted().transform
    right = ax.get_xlim()[1]
    for label, y, y_wanted in zip(group, placed, wanted, strict=True):
        y_data = float(from_pixels((0, y))[1])
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
                path_effects=_HALO,
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


def _repel(wanted: np.ndarray, sizes: np.ndarray, low: float, high: float) -> np.ndarray:
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
