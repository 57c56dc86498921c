"""Charts: real PNGs from the real offline snapshot and the two demo frameworks, alt texts
with the key numbers in the report's number format, HTML that escapes user text, both
languages, and no figure (or memory) left behind after many charts."""

from __future__ import annotations

import gc
import io
import re
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from helpers import Drawn, drawn_panels
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from collab_metrics import charts
from collab_metrics.analysis.assess import assess
from collab_metrics.charts.distribution import MAX_ROWS
from collab_metrics.charts.draw import value_axis
from collab_metrics.charts.layout import wrap
from collab_metrics.charts.style import AREA_COLOUR, FONT, STYLE
from collab_metrics.charts.words import Format, attribution
from collab_metrics.model import areas
from collab_metrics.model.framework import FileIndicator, Framework, KoladaIndicator, load_framework
from collab_metrics.sources.ddf import SnapshotRequest, read_snapshot
from collab_metrics.sources.files import read_actor_file
from collab_metrics.text import labels
from collab_metrics.text.format import number

REPO = Path(__file__).resolve().parent.parent
HALVING = "halve-youth-unemployment"
BLEKINGE_AREAS = ["0000", "0010", "1060", "1080", "1081", "1082", "1083"]


def observations(fw: Framework, shared_data: Path) -> pd.DataFrame:
    """Every series of a framework, all areas: Kolada's from the real offline snapshot,
    the actors' own from their real files."""
    requests = [
        SnapshotRequest(fw.series_id(i.id), i.query.kpi)
        for i in fw.indicators
        if isinstance(i, KoladaIndicator)
    ]
    frames = [read_snapshot(requests, root=shared_data / "kolada-ddf").frame]
    frames += [
        read_actor_file(i.query, data_dir=shared_data, indicator=fw.series_id(i.id)).frame
        for i in fw.indicators
        if isinstance(i, FileIndicator)
    ]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def blekinge() -> Framework:
    return load_framework(REPO / "params" / "blekinge-unga-lyfter.yaml")


@pytest.fixture(scope="module")
def varmland() -> Framework:
    return load_framework(REPO / "params" / "varmland-nya-perspektiv.yaml")


@pytest.fixture(scope="module")
def blekinge_obs(blekinge: Framework, shared_data: Path) -> pd.DataFrame:
    return observations(blekinge, shared_data)


@pytest.fixture(scope="module")
def varmland_obs(varmland: Framework, shared_data: Path) -> pd.DataFrame:
    return observations(varmland, shared_data)


@pytest.fixture(scope="module")
def blekinge_2017(blekinge: Framework, blekinge_obs: pd.DataFrame) -> pd.DataFrame:
    return assess(blekinge, blekinge_obs, as_of=2017)


@pytest.fixture(scope="module")
def varmland_result(varmland: Framework, varmland_obs: pd.DataFrame) -> pd.DataFrame:
    return assess(varmland, varmland_obs)


def assert_valid_png(chart: charts.Chart) -> np.ndarray:
    """A real PNG of the promised size, not blank; returns the decoded pixels."""
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = matplotlib.image.imread(io.BytesIO(chart.png), format="png")
    height, width = pixels.shape[:2]
    assert (width, height) == (
        round(chart.width * charts.DPI),
        round(chart.height * charts.DPI),
    )
    assert (pixels != pixels[0, 0]).any(), "the chart is blank: one colour only"
    return pixels


def has_colour(pixels: np.ndarray, hex_colour: str) -> bool:
    """Whether some pixel has (almost) exactly this colour."""
    rgb = np.array(matplotlib.colors.to_rgb(hex_colour))
    return bool((np.abs(pixels[..., :3] - rgb).max(axis=-1) < 0.02).any())


# --- the goal chart --------------------------------------------------------------------


def test_goal_chart_blekinge_as_of_2017(blekinge, blekinge_obs, blekinge_2017) -> None:
    chart = charts.goal_chart(blekinge, blekinge_obs, HALVING, blekinge_2017, as_of=2017)
    pixels = assert_valid_png(chart)
    # The area, women, men in their Okabe-Ito colours; the chart fits the A4 text width.
    for colour in ("blue", "vermillion", "bluish_green"):
        assert has_colour(pixels, charts.OKABE_ITO[colour])
    assert chart.width == charts.WIDTH
    # 14.19 % (2013) -> 8.42 % (2017); the target is half of 14.19 = 7.10 %.
    assert chart.alt.startswith("Linjediagram: Arbetslöshet 16-24 år")
    assert "i Region Blekinge föll från 14,2\u00a0% 2013 till 8,4\u00a0% 2017" in chart.alt
    assert "Målet är 7,1\u00a0% år 2017" in chart.alt
    assert labels.STATUS["sv"]["not_achieved"] in chart.alt
    assert "Kvinnor föll från 12,8\u00a0% 2013 till 7,1\u00a0% 2017" in chart.alt
    assert "Riket föll från 8,3\u00a0% 2013 till 5,1\u00a0% 2017" in chart.alt
    assert not re.search(r"\d\.\d", chart.alt), "Swedish text has decimal commas"
    assert "2018" not in chart.alt and "Prognos" not in chart.alt  # the target year passed
    assert chart.caption.startswith("Halvera ungdomsarbetslösheten i Blekinge.")
    assert chart.caption.endswith("Källa: Kolada (RKA).")


def test_goal_chart_draws_only_periods_up_to_as_of(blekinge, blekinge_obs, blekinge_2017) -> None:
    until_2017 = blekinge_obs[blekinge_obs["period"].astype(int) <= 2017]
    everything = charts.goal_chart(blekinge, blekinge_obs, HALVING, blekinge_2017, as_of=2017)
    cut = charts.goal_chart(blekinge, until_2017, HALVING, blekinge_2017, as_of=2017)
    assert everything.png == cut.png
    assert everything.alt == cut.alt


def test_goal_chart_with_forecast_varmland(varmland, varmland_obs, varmland_result) -> None:
    chart = charts.goal_chart(varmland, varmland_obs, "lower-ohalsotal", varmland_result)
    assert_valid_png(chart)
    row = varmland_result.query("goal == 'lower-ohalsotal' and sex == 'total'").iloc[0]
    value = number(row.forecast_value, "sv")
    low, high = number(row.forecast_low, "sv"), number(row.forecast_high, "sv")
    assert f"Prognos för 2025: {value}\u00a0dagar (80 % prognosintervall {low}–{high})" in (
        chart.alt
    )
    assert "föll från 29,6\u00a0dagar 2017 till 27,0\u00a0dagar 2022" in chart.alt
    assert "Målet är 25,2\u00a0dagar år 2025" in chart.alt
    assert "prognosintervall" in chart.caption


def test_goal_chart_names_the_method_note(varmland, varmland_obs, varmland_result) -> None:
    chart = charts.goal_chart(varmland, varmland_obs, "better-self-rated-health", varmland_result)
    assert_valid_png(chart)
    assert "Metod: Liv & Hälsa" in chart.caption
    assert "Målet är 75,0\u00a0% år 2025" in chart.alt


def test_goal_chart_of_a_monthly_measure(varmland, varmland_obs, varmland_result) -> None:
    chart = charts.goal_chart(varmland, varmland_obs, "region-ohalsotal-monthly", varmland_result)
    assert_valid_png(chart)
    assert "steg från 27,5\u00a0dagar jan 2024 till 27,9\u00a0dagar sep 2024" in chart.alt
    assert "Inget mål (bara riktning); riktning: Försämras." in chart.alt
    assert "jan 2024–sep 2024" in chart.caption
    assert chart.caption.endswith("Källa: Region Värmland (egen fil).")


def test_goal_chart_says_why_it_cannot_be_assessed(blekinge, blekinge_obs) -> None:
    result = assess(blekinge, blekinge_obs, as_of=2013)
    chart = charts.goal_chart(blekinge, blekinge_obs, HALVING, result, as_of=2013)
    assert_valid_png(chart)
    assert "i Region Blekinge var 14,2\u00a0% 2013." in chart.alt
    assert "status: Kan inte bedömas: färre än två mätpunkter" in chart.alt


def test_goal_chart_in_english(blekinge, blekinge_obs, blekinge_2017) -> None:
    chart = charts.goal_chart(
        blekinge, blekinge_obs, HALVING, blekinge_2017, language="en", as_of=2017
    )
    assert_valid_png(chart)
    assert chart.alt.startswith("Line chart: ")
    assert "in Region Blekinge fell from 14.2% in 2013 to 8.4% in 2017" in chart.alt
    assert "The target is 7.1% by 2017" in chart.alt
    assert labels.STATUS["en"]["not_achieved"] in chart.alt
    assert "Sweden fell from 8.3% in 2013 to 5.1% in 2017" in chart.alt
    assert chart.caption.endswith("Source: Kolada (RKA).")


# --- sparkline, small multiples, distribution, gap -------------------------------------


def test_sparkline(blekinge, blekinge_obs, blekinge_2017) -> None:
    chart = charts.sparkline(blekinge, blekinge_obs, HALVING, blekinge_2017)
    assert_valid_png(chart)
    assert (chart.width, chart.height) == (1.2, 0.35)
    assert (
        chart.alt == "Minidiagram: från 14,2\u00a0% 2013 till 8,4\u00a0% 2017; mål 7,1\u00a0% 2017"
    )
    assert chart.caption == "" and "<figcaption>" not in chart.html()


def test_actor_small_multiples_blekinge(blekinge, blekinge_obs, blekinge_2017) -> None:
    [chart] = charts.actor_small_multiples(
        blekinge, blekinge_obs, HALVING, blekinge_2017, as_of=2017
    )  # seven goals: one chart in three columns, no "del 1 av 1"
    assert_valid_png(chart)
    assert chart.caption.startswith("Aktörernas egna mål") and "(del" not in chart.alt
    for goal in blekinge.actor_goals:
        assert blekinge.actor(goal.actor).name in chart.alt
    # Karlskrona: 12.71 % (2013) -> 6.84 % (2017), target 6.36 %; status in words.
    assert (
        "Karlskrona kommun: från 12,7\u00a0% 2013 till 6,8\u00a0% 2017, mål 6,4\u00a0% 2017; "
        "Målet nåddes inte." in chart.alt
    )
    # Region Blekinge's goal is on another indicator, and says so.
    assert "Region Blekinge (Invånare 16-24 år som varken arbetar eller studerar)" in chart.alt


def test_actor_small_multiples_varmland(varmland, varmland_obs, varmland_result) -> None:
    pages = charts.actor_small_multiples(varmland, varmland_obs, "lower-ohalsotal", varmland_result)
    for chart in pages:
        assert_valid_png(chart)
    # 17 panels in rows of four, more than one printed page: three rows, then two.
    assert [chart.caption[:10] for chart in pages] == ["Del 1 av 2", "Del 2 av 2"]
    assert [chart.height < 8 for chart in pages] == [True, True]
    alt = " ".join(chart.alt for chart in pages)
    assert "Munkfors kommun: från 32,6\u00a0dagar 2017 till 34,5\u00a0dagar 2022" in alt
    assert labels.STATUS["sv"]["moving_away"] in alt
    # The Region's monthly measure from its own file: months, no target, a direction.
    assert (
        "Region Värmland (Ohälsotal per månad (Försäkringskassan)): från 27,5\u00a0dagar "
        "jan 2024 till 27,9\u00a0dagar sep 2024; Inget mål (bara riktning): Försämras."
    ) in alt


def test_a_panel_without_data_says_so_instead_of_inventing_years(
    varmland, varmland_obs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a report as of 2022 Region Värmland's monthly series (from January 2024) has no
    value to draw: its panel has no time axis (it showed "-0 0 0") and says "uppgift
    saknas" (it showed a scale of 0 to 1 too); every other panel keeps its years."""
    pages: list[list[Drawn]] = []
    render = charts.panels.render_chart

    def keep(fig: Figure, alt: str, caption: str) -> charts.Chart:
        pages.append(drawn_panels(fig))
        return render(fig, alt, caption)

    monkeypatch.setattr(charts.panels, "render_chart", keep)
    result = assess(varmland, varmland_obs, as_of=2022)
    charts.actor_small_multiples(varmland, varmland_obs, "lower-ohalsotal", result, as_of=2022)
    shown = [panel for page in pages for panel in page]
    empty = [panel for panel in shown if panel.points == 0]
    assert len(empty) == 1 and len(shown) == 17
    [panel] = empty
    assert panel.xticks == panel.yticks == panel.grids == ()
    assert "uppgift saknas" in panel.texts  # with the headings
    others = [other for other in shown if other is not panel]
    assert all(other.xticks and "uppgift saknas" not in other.texts for other in others)


@pytest.mark.parametrize("regrown", [False, True])
def test_pages_of_panels_drawn_in_turn_are_the_pages_drawn_alone(
    varmland, varmland_obs, monkeypatch: pytest.MonkeyPatch, regrown: bool
) -> None:
    """Värmland's 17 panels make two pages; the second has fewer panels, one on another
    measure and one with nothing to draw, in axes the first page drew other panels in.
    `regrown`: pages of 2, 1 and 2 rows instead: the third draws in axes the second hid.
    Nothing of a panel may stay for the next: every page must be the very pixels of the
    page drawn on a figure of its own, as each was before the figure was kept."""
    result = assess(varmland, varmland_obs, as_of=2022)
    if regrown:
        pages = [range(0, 2), range(2, 3), range(3, 5)]
        monkeypatch.setattr(charts.panels, "_pages", lambda *rows_and_heights: pages)

    def draw() -> list[charts.Chart]:
        return charts.actor_small_multiples(
            varmland, varmland_obs, "lower-ohalsotal", result, as_of=2022
        )

    in_turn = draw()
    chart = charts.panels._Page.chart

    def alone(page: charts.panels._Page, *args: Any) -> charts.Chart:
        page.figure, page.titles, page.axes = None, None, []
        return chart(page, *args)

    monkeypatch.setattr(charts.panels._Page, "chart", alone)
    assert len(in_turn) == (3 if regrown else 2)
    assert [c.png for c in draw()] == [c.png for c in in_turn]


def test_distribution_over_all_municipalities(blekinge, blekinge_obs) -> None:
    chart = charts.distribution_chart(
        blekinge, blekinge_obs, "youth-unemployment", 2013, ["1080", "1082", "0010"]
    )
    assert_valid_png(chart)
    assert "2013 i 290 kommuner" in chart.alt
    assert "Riket: 8,3\u00a0%." in chart.alt
    assert "Karlshamn 12,5\u00a0%; Karlskrona 12,7\u00a0%; Region Blekinge 14,2\u00a0%." in (
        chart.alt
    )
    assert "mittenhälften" in chart.caption and "bara" not in chart.caption


def test_distribution_says_when_only_the_collaboration_is_in_the_store(
    blekinge, blekinge_obs
) -> None:
    stored = blekinge_obs[blekinge_obs["area"].isin(BLEKINGE_AREAS)]
    chart = charts.distribution_chart(
        blekinge, stored, "youth-unemployment", 2013, BLEKINGE_AREAS[1:], language="en"
    )
    assert_valid_png(chart)
    partial = "The data hold only 5 of the country's 290 municipalities"
    assert partial in chart.caption and partial in chart.alt
    assert chart.alt.startswith("Dot chart: ")
    assert "Olofström 17.8%." in chart.alt


def test_distribution_marks_many_areas_instead_of_a_row_each(blekinge, blekinge_obs) -> None:
    """A national collaboration highlights all 290 municipalities: one row each made the
    chart 77 inches tall (clipped to one PDF page). They are marked among the others."""
    everyone = [m.code for m in areas.municipalities()]
    chart = charts.distribution_chart(blekinge, blekinge_obs, "youth-unemployment", 2013, everyone)
    pixels = assert_valid_png(chart)
    assert chart.height < 3.5
    blue = np.all(np.isclose(pixels[..., :3], matplotlib.colors.to_rgb(AREA_COLOUR), atol=0.02), -1)
    assert blue.sum() > 290 * 10  # every municipality is a blue dot
    assert "Samverkans 290 områden är markerade; deras värden står i tabellen." in chart.alt
    assert "Karlshamn" not in chart.alt  # the table names them, not the alt text
    assert "samverkans 290 områden är blå" in chart.caption
    few = charts.distribution_chart(
        blekinge, blekinge_obs, "youth-unemployment", 2013, everyone[:MAX_ROWS]
    )
    assert few.height > chart.height and "markerade;" not in few.alt  # a row each


def test_gap_chart(varmland, varmland_obs) -> None:
    chart = charts.gap_chart(varmland, varmland_obs, "ohalsotal", "0017")
    assert_valid_png(chart)
    # 2022: women 33.23, men 21.01 days; 2001: 55.7 and 37.2.
    assert "2022 var värdet 33,2\u00a0dagar för kvinnor och 21,0\u00a0dagar för män" in chart.alt
    assert "en skillnad på 12,2\u00a0dagar (kvinnor högre)" in chart.alt
    assert "2001 var skillnaden 18,5\u00a0dagar; den har minskat." in chart.alt


def test_gap_of_shares_is_in_percentage_points(blekinge, blekinge_obs) -> None:
    chart = charts.gap_chart(
        blekinge, blekinge_obs, "youth-unemployment", "0010", language="en", as_of=2017
    )
    assert_valid_png(chart)
    assert "a gap of 2.4\u00a0percentage points (men higher)" in chart.alt
    assert "2018" not in chart.alt


# --- safety, formats, resources --------------------------------------------------------


@pytest.fixture
def hostile(tmp_path: Path) -> Framework:
    """A SYNTHETIC copy of the Blekinge framework whose shared goal title is markup."""
    text = (REPO / "params" / "blekinge-unga-lyfter.yaml").read_text(encoding="utf-8")
    original = "    title: Halvera ungdomsarbetslösheten i Blekinge\n"
    assert original in text
    title = "    title: '<script>alert(1)</script> \"quoted\" & more'\n"
    path = tmp_path / "hostile.yaml"
    path.write_text(text.replace(original, title), encoding="utf-8")
    return load_framework(path)


def test_html_escapes_every_text(hostile, blekinge_obs) -> None:
    result = assess(hostile, blekinge_obs, as_of=2017)
    for chart in (
        charts.goal_chart(hostile, blekinge_obs, HALVING, result, as_of=2017),
        *charts.actor_small_multiples(hostile, blekinge_obs, HALVING, result, as_of=2017),
    ):
        assert "<script>" in chart.caption  # the text itself is kept as written ...
        page = chart.html()  # ... and escaped in HTML
        assert "<script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; more" in page
        assert page.startswith('<figure class="chart"><img src="data:image/png;base64,')
        assert page.endswith("</figcaption></figure>")


def test_tick_labels_use_the_report_number_format() -> None:
    axis = Figure().add_subplot().yaxis
    axis.axes.set_ylim(0, 25_000)
    value_axis(axis, "sv")
    shown = [axis.get_major_formatter()(v, i) for i, v in enumerate(axis.get_majorticklocs())]
    assert "10\u2009000" in shown and "0" in shown
    axis.axes.set_ylim(-1.5, 1.5)
    value_axis(axis, "sv")
    shown = [axis.get_major_formatter()(v, i) for i, v in enumerate(axis.get_majorticklocs())]
    assert "−1,0" in shown and "0,0" in shown and "0,5" in shown


def test_fifty_charts_leave_no_figure_and_no_style_behind(
    blekinge, blekinge_obs, blekinge_2017
) -> None:
    font_size = matplotlib.rcParams["font.size"]
    for i in range(50):
        if i % 10 == 0:
            charts.goal_chart(blekinge, blekinge_obs, HALVING, blekinge_2017, as_of=2017)
        else:
            charts.sparkline(blekinge, blekinge_obs, HALVING, blekinge_2017)
    gc.collect()
    assert plt.get_fignums() == []
    assert not any(isinstance(o, Figure) for o in gc.get_objects())
    assert matplotlib.rcParams["font.size"] == font_size


# SYNTHETIC framework: two PxWeb indicators, one on the framework's host (SCB by default)
# and one naming its own host with `url:`.
TWO_PXWEB_HOSTS = """\
collaboration: {id: synthetic-hosts, name: Synthetic, owner: Test, area: "0000"}
actors: [{id: someone, name: Synthetic actor, kind: agency}]
indicators:
  - id: on-scb
    title: Synthetic SCB series
    unit: personer
    direction: increase
    source: pxweb
    query: {table: TAB638, selection: {Alder: ["0"]}}
  - id: elsewhere
    title: Synthetic series on another host
    unit: tkr
    direction: increase
    source: pxweb
    query: {url: "https://statistik.example.se/api/v1/sv/db", table: HE/X, selection: {}}
shared_goals:
  - id: more
    title: Synthetic goal
    indicator: on-scb
    area: "0000"
    baseline: {year: 2020}
    target: {year: 2030, change_percent: 5}
"""


def test_a_pxweb_indicator_is_attributed_to_its_own_host(tmp_path: Path) -> None:
    params = tmp_path / "hosts.yaml"
    params.write_text(TWO_PXWEB_HOSTS, encoding="utf-8")
    fw = load_framework(params)
    fmt = Format("sv", "personer")
    assert attribution(fw, fw.indicator("on-scb"), fmt) == "Källa: SCB"
    assert attribution(fw, fw.indicator("elsewhere"), fmt) == "Källa: PxWeb (statistik.example.se)"


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            [
                "Andel",
                "arbetslösa",
                "unga",
                "18-24",
                "år",
                "i",
                "Blekinge",
                "län,",
                "%",
                "Ungdomsarbetslöshetsbekämpningsprogrammet",
                "Västra",
                "Götalands",
                "WWWW",
                "ii",
            ]
        ),
        min_size=1,
        max_size=25,
    ),
    width=st.floats(min_value=0.3, max_value=6.0),
    size=st.sampled_from([7.0, 8.0, 10.5]),
    weight=st.sampled_from(["normal", "bold"]),
)
def test_wrap_fills_each_line_word_by_word(
    words: list[str], width: float, size: float, weight: str
) -> None:
    """SYNTHETIC words. `wrap` measures the rest of a text at once and remembers what it
    measured; its lines must be those of filling each line word by word, every candidate
    measured afresh on the figure's own renderer."""
    fig = charts.chart.new_figure(6.3, 4.0)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]

    def measured(text: str) -> float:
        font = FontProperties(family=FONT, size=size, weight=weight)
        return renderer.get_text_width_height_descent(text, font, ismath=False)[0] / fig.dpi

    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]  # as the charts draw
        lines: list[str] = []
        for word in words:
            if lines and measured(f"{lines[-1]} {word}") <= width:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        assert wrap(fig, " ".join(words), width, size, weight) == "\n".join(lines)


@pytest.mark.parametrize("top", [9.5, 250_000.0, -1_234_567.0])
def test_the_value_labels_fit_left_of_the_plot(top: float) -> None:
    """SYNTHETIC values. `compose` measures the value axis' labels before anything is
    drawn (matplotlib resolves them when asked for them); drawn, every label must stand
    inside the figure and left of the plot, however wide the numbers."""
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]  # as the charts draw
        fig, ax = charts.chart.figure_with_axes()
        ax.plot([2015.0, 2020.0], [0.0, top])
        value_axis(ax.yaxis, "sv")
        titles = charts.layout.Titles(fig, "Titel", "Område (enhet)")
        charts.layout.compose(fig, ax, titles, [], plot_height=2.6)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        plot_left = ax.get_window_extent(renderer).x0
        bottom, upper = sorted(ax.get_ylim())
        shown = [
            label.get_window_extent(renderer)
            for tick, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)
            if bottom <= tick <= upper and label.get_text()
        ]
        assert shown
        assert all(box.x0 >= 0 and box.x1 <= plot_left for box in shown)


def test_a_chart_is_its_canvas_pixels_in_a_plain_png() -> None:
    """SYNTHETIC figure. The PNG holds exactly the canvas's colours (alpha dropped on a
    white background), states the chart resolution, and is the plain RGB PNG that the PDF
    export passes on as it is."""
    from PIL import Image

    from collab_metrics.charts.style import DPI
    from collab_metrics.report import export

    fig, ax = charts.chart.figure_with_axes()
    ax.plot([2015, 2018, 2022], [3.5, 2.25, 4.0], color=AREA_COLOUR, lw=2, marker="o")
    ax.text(2016, 3, "Mål 2022: 1,4 %", size=9)
    chart = charts.chart.render_chart(fig, "alt", "")
    canvas = np.asarray(fig.canvas.buffer_rgba())  # type: ignore[attr-defined]
    assert (canvas[:, :, 3] == 255).all()  # opaque: the RGB values are what one sees
    image = Image.open(io.BytesIO(chart.png))
    assert image.mode == "RGB"
    assert np.array_equal(np.asarray(image), canvas[:, :, :3])
    assert image.info["dpi"] == pytest.approx((DPI, DPI), abs=0.01)
    assert export._plain_rgb_png_data(chart.png) is not None
