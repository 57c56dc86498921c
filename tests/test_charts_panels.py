"""Small multiples at national scale: more than nine actor goals are paged, one chart per
printed page, every panel on exactly one page, one scale per indicator on every page, and
every page's image wholly on its PDF page. The framework is SYNTHETIC (60 real
municipalities from the offline snapshot's list, each with an illustrative goal of halving
youth unemployment, as `benchmarks/report.py` writes the national case); the data are the
real snapshot's."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
import yaml
from helpers import NATIONAL_GOAL as GOAL
from helpers import Drawn, drawn_panels, national_framework, offline_store
from matplotlib.figure import Figure
from PIL import Image
from weasyprint import HTML

from collab_metrics import charts
from collab_metrics.charts import panels
from collab_metrics.report import actor_goals, sections
from collab_metrics.report.context import ReportContext

REPO = Path(__file__).resolve().parent.parent
CSS = REPO / "collab_metrics" / "report" / "templates" / "collab" / "report.css"
ACTORS = 60
MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> ReportContext:
    folder = tmp_path_factory.mktemp("national")
    params = folder / "synthetic-national.yaml"
    text = yaml.safe_dump(national_framework(ACTORS), allow_unicode=True, sort_keys=False)
    params.write_text(text, encoding="utf-8")
    return sections.load_context(params, offline_store(folder, params), period="2022")


@pytest.fixture(scope="module")
def drawn(context: ReportContext) -> tuple[list[charts.Chart], list[list[Drawn]]]:
    """The pages as charts, and their panels as drawn (seen at `render_chart`)."""
    figures: list[list[Drawn]] = []
    render = panels.render_chart

    def keep(fig: Figure, alt: str, caption: str) -> charts.Chart:
        figures.append(drawn_panels(fig))
        return render(fig, alt, caption)

    ctx = context
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(panels, "render_chart", keep)
        pages = charts.actor_small_multiples(
            ctx.fw, ctx.observations, GOAL, ctx.result, ctx.language, ctx.as_of
        )
    return pages, figures


def test_more_than_nine_goals_are_paged(context: ReportContext, drawn: Any) -> None:
    pages, figures = drawn
    assert len(pages) == len(figures) > 1
    for k, chart in enumerate(pages, start=1):
        assert chart.caption.startswith(f"Del {k} av {len(pages)}. Aktörernas egna mål")
        assert chart.alt.startswith(f"Små diagram (del {k} av {len(pages)}): ")
        assert chart.height <= panels.PAGE_HEIGHT and chart.width == charts.WIDTH
    # Four columns: every page but the last is full rows of four.
    assert all(len(page) % 4 == 0 for page in figures[:-1])
    assert sum(len(page) for page in figures) == ACTORS


def test_every_actor_is_on_exactly_one_page(context: ReportContext, drawn: Any) -> None:
    pages, _ = drawn
    for actor in context.fw.actors:
        # Each panel's text follows the previous sentence: ". Name: från ...".
        found = [k for k, chart in enumerate(pages) if f". {actor.name}: " in chart.alt]
        assert len(found) == 1, (actor.name, found)


def test_one_scale_on_every_page(drawn: Any) -> None:
    _, figures = drawn
    shown = [panel for page in figures for panel in page]
    limits = {panel.ylim for panel in shown}
    # The first column's ticks; beside it the same values as grid lines without labels.
    ticks = {panel.yticks for panel in shown if panel.yticks}
    grids = {heights for panel in shown for heights in panel.grids}
    assert len(limits) == 1 and len(ticks) == 1 and grids == ticks
    assert len(shown) - sum(1 for panel in shown if panel.yticks) == ACTORS * 3 // 4
    low, _ = limits.pop()
    assert low == 0 and min(ticks.pop()) == 0  # shares fall to zero: the axis starts there


def test_pages_in_english(context: ReportContext) -> None:
    ctx = context
    pages = charts.actor_small_multiples(
        ctx.fw, ctx.observations, GOAL, ctx.result, "en", ctx.as_of
    )
    assert pages[-1].caption.startswith(f"Part {len(pages)} of {len(pages)}. The actors' own")
    assert pages[0].alt.startswith(f"Small multiples (part 1 of {len(pages)}): ")


def _pdf(fragment: str, path: Path) -> Path:
    """The fragment with the report's style sheet, printed by WeasyPrint."""
    page = (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        f"<style>{CSS.read_text(encoding='utf-8')}</style></head><body>"
        f"<main>{fragment}</main></body></html>"
    )
    HTML(string=page).write_pdf(path)
    return path


def _images(path: Path) -> list[list[tuple[float, float, float, float]]]:
    """Per PDF page, the bounds (left, bottom, right, top) of each image drawn on it."""
    return [
        [
            obj.get_bounds()
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=5)
        ]
        for page in pypdfium2.PdfDocument(path)
    ]


def _on_content_area(bounds: tuple[float, float, float, float], height: float) -> bool:
    """Within the page's content area (report.css: 20 mm top, 22 mm bottom, 18 mm sides)."""
    left, bottom, right, top = bounds
    slack = 1.0  # point
    return (
        left >= 18 * MM - slack
        and right <= (210 - 18) * MM + slack
        and bottom >= 22 * MM - slack
        and top <= height - 20 * MM + slack
    )


def test_every_page_of_panels_is_wholly_on_a_printed_page(
    context: ReportContext, tmp_path: Path
) -> None:
    part = str(actor_goals.actor_goals_part(context, context.fw.shared_goal(GOAL)))
    charts_in_part = part.count('<figure class="chart">')
    assert charts_in_part > 1
    pdf = _pdf(part, tmp_path / "panels.pdf")
    images = _images(pdf)
    height = 297 * MM
    assert sum(len(page) for page in images) == charts_in_part
    # One chart page per printed page, each wholly inside the content area, as wide as it
    # (not shrunk by the style sheet's max-height).
    assert all(len(page) <= 1 for page in images)
    assert all(_on_content_area(b, height) for page in images for b in page)
    assert all(abs(b[2] - b[0] - 174 * MM) < 1 for page in images for b in page)


def test_a_chart_taller_than_a_page_is_shrunk_not_cut(tmp_path: Path) -> None:
    """The style sheet's safety: a SYNTHETIC 6.3 x 40 inch image still fits its page."""
    chart = charts.Chart(_blank_png(), "tall", "A caption.", width=6.3, height=40.0)
    images = _images(_pdf(chart.html(), tmp_path / "tall.pdf"))
    assert [len(page) for page in images] == [1]
    assert _on_content_area(images[0][0], 297 * MM)
    _, bottom, _, top = images[0][0]
    assert top - bottom <= 210 * MM + 1  # report.css: figure img { max-height: 210mm }


def _blank_png() -> bytes:
    """A SYNTHETIC 1260 x 8000 pixel white PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", (1260, 8000), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_rows_are_spread_evenly_over_as_few_pages_as_fit() -> None:
    # SYNTHETIC row heights (inches) below a 0.5 in title, pages of 4 in.
    assert panels._pages(0.5, [1.0] * 5, 4.0) == [range(0, 3), range(3, 5)]
    assert panels._pages(0.5, [1.0] * 3, 4.0) == [range(0, 3)]
    # Uneven rows that cannot be spread evenly keep the first fit.
    assert panels._pages(0.5, [1.0, 1.0, 1.0, 3.0, 1.0, 1.0], 4.0) == [
        range(0, 3),
        range(3, 4),
        range(4, 6),
    ]
    # A row taller than a page still gets a page of its own.
    assert panels._pages(0.5, [5.0, 1.0], 4.0) == [range(0, 1), range(1, 2)]
