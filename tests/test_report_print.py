"""The printed report (WeasyPrint PDF with the report's own style sheet): what a reader sees
on the page, not only what the PDF contains. A table wider than the page keeps its text in
the PDF outside the page box (pypdf extracts it), so visibility is read with pdfium within
the page's bounds."""

from __future__ import annotations

import html
import zlib
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from helpers import offline_store
from pypdf import PdfReader
from weasyprint import HTML

from collab_metrics.charts.chart import _rgb_png
from collab_metrics.report import actions, sections

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"
CSS = REPO / "collab_metrics" / "report" / "templates" / "collab" / "report.css"
TITLE = "Blekinges unga lyfter – gemensam uppföljning"
MM = 72 / 25.4  # PDF points per millimetre
GOAL = "halve-youth-unemployment"

# SYNTHETIC actions with long Swedish compounds, as a real action plan may have.
LONG_WORD_ACTIONS = """\
actions:
  - id: long-one
    actor: karlshamn
    goal: karlshamn-youth-unemployment
    description: >-
      Arbetsmarknadsutbildningssamordningsinsatser för
      ungdomsarbetslöshetsbekämpningsprogrammet i samverkan med näringslivsorganisationerna
    responsible: Arbetsmarknadsförvaltningsenhetschefsassistent
    due: 2016-12-31
    status: started
  - id: long-two
    actor: karlskrona
    goal: karlskrona-youth-unemployment
    description: Kompetensförsörjningsstrategiimplementeringsarbete
    responsible: Kommunstyrelseförvaltningens utvecklingsavdelning
    due: 2017-06-30
    status: not_started
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return offline_store(tmp_path_factory.mktemp("store"), BLEKINGE)


def _pdf(fragment: str, path: Path) -> Path:
    """The fragment as the report template lays it out (collab/index.html.j2: the style
    sheet, the running title, then main), printed by WeasyPrint as `collab report` does."""
    page = (
        f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        f"<style>{CSS.read_text(encoding='utf-8')}</style></head><body>"
        f'<div class="running-title" aria-hidden="true">{html.escape(TITLE)}</div>'
        f"<main>{fragment}</main></body></html>"
    )
    HTML(string=page).write_pdf(path)
    return path


def _visible(path: Path, top_mm: float = 0.0, height_mm: float | None = None) -> list[str]:
    """Per page, the text inside the page box (or inside a band from the top edge)."""
    shown = []
    for page in pypdfium2.PdfDocument(path):
        width, height = page.get_size()
        low = 0.0 if height_mm is None else height - (top_mm + height_mm) * MM
        shown.append(page.get_textpage().get_text_bounded(0, low, width, height - top_mm * MM))
    return shown


def test_a_long_word_action_plan_shows_every_column(store: Path, tmp_path: Path) -> None:
    source = BLEKINGE.read_text(encoding="utf-8").replace("actions: []", "actions: actions.yaml")
    (tmp_path / "framework.yaml").write_text(source, encoding="utf-8")
    (tmp_path / "actions.yaml").write_text(LONG_WORD_ACTIONS, encoding="utf-8")
    ctx = sections.load_context(tmp_path / "framework.yaml", store, as_of=2017)
    pdf = _pdf(str(sections.action_plan(ctx)), tmp_path / "plan.pdf")
    visible = " ".join(" ".join(_visible(pdf)).split())
    contained = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    for header in actions._action_headers("sv"):
        assert header in contained
        assert header in visible, f"column {header!r} is cut off the page"
    # The last column's cells are whole too (the bug cut "Påbörjad" to "På").
    assert "Påbörjad" in visible
    assert "Ej påbör‐ jad" in visible or "Ej påbörjad" in visible
    assert "Kommunstyrelseförvaltningens" in contained.replace("‐ ", "")


def test_a_long_definition_list_stays_below_the_running_header(store: Path, tmp_path: Path) -> None:
    """SYNTHETIC: an indicator with forty method notes, a definition list longer than a
    page. Every page after the first shows the running title in its top margin and no
    report text there."""
    notes = "".join(
        f"      - note: Metodnot {i}, Liv och Hälsa är en enårsmätning av invånare 18-84 år, "
        f"övriga län en fyraårig enkät.\n"
        for i in range(40)
    )
    source = BLEKINGE.read_text(encoding="utf-8").replace(
        "    population_share: 0.10\n\n  - id: neet",
        "    population_share: 0.10\n    method_notes:\n" + notes + "\n  - id: neet",
    )
    assert "Metodnot 39" in source
    (tmp_path / "framework.yaml").write_text(source, encoding="utf-8")
    ctx = sections.load_context(tmp_path / "framework.yaml", store, as_of=2017)
    pdf = _pdf(str(sections.sources(ctx)), tmp_path / "sources.pdf")
    margins = [" ".join(t.split()) for t in _visible(pdf, height_mm=20)]
    assert len(margins) > 2
    for page, margin in enumerate(margins[1:], start=2):
        assert margin == TITLE, f"page {page}: {margin[:80]!r} in the header margin"


def _pixels(path: Path) -> list[bytes]:
    return [page.render(scale=1).to_pil().tobytes() for page in pypdfium2.PdfDocument(path)]


# A notebook output's own style sheet: its plain `td` rule loses to the report's
# `tbody tr:nth-child(even) td` on even rows only while both are the page's (author) rules.
OWN_STYLE = "<style>td { background: #ffd700; } h2 { color: #8a1538; }</style>"


@pytest.mark.parametrize("own_style", ["", OWN_STYLE])
def test_the_pdf_is_the_exported_page_as_weasyprint_prints_it(
    store: Path, tmp_path: Path, own_style: str
) -> None:
    """The PDF export parses the report's style sheet once per process and passes it beside
    the page instead of in it: the printed pages must be the very pixels of WeasyPrint
    printing the exported HTML page, style sheet inside, by itself. Also when a notebook
    output brings a style sheet of its own, which must keep its place in the cascade."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from collab_metrics.report import export

    ctx = sections.load_context(BLEKINGE, store, as_of=2017)
    parts = [str(sections.summary(ctx)), str(sections.goal_section(ctx, GOAL))]
    cells = [
        new_code_cell(outputs=[new_output("display_data", data={"text/html": own_style + part})])
        for part in parts
    ]
    for cell in cells:
        cell.metadata["tags"] = ["report"]
    notebook = tmp_path / "synthetic.ipynb"
    nbformat.write(new_notebook(cells=cells), notebook)
    export._STYLESHEETS.clear()
    for _ in range(2):  # the second export reuses the parsed style sheet
        page, pdf = export.export(notebook, tmp_path / "report", TITLE, "sv", ("pdf",))
    # The style sheet was parsed once and passed beside the page only for the plain page.
    assert len(export._STYLESHEETS) == (0 if own_style else 1)
    HTML(filename=page).write_pdf(tmp_path / "alone.pdf")
    assert len(_pixels(pdf)) > 1
    assert _pixels(pdf) == _pixels(tmp_path / "alone.pdf")


def test_a_font_of_the_collaborations_own_style_sheet_is_printed(
    store: Path, tmp_path: Path
) -> None:
    """A collaboration's `templates/collab/report.css` may bring a font (`@font-face`,
    here matplotlib's DejaVu Serif file): the PDF prints with it, in every document a
    worker exports in turn, as WeasyPrint prints the exported page by itself."""
    import matplotlib
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from collab_metrics.report import export

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf"
    own = tmp_path / "templates" / "collab"
    own.mkdir(parents=True)
    (own / "report.css").write_text(
        CSS.read_text(encoding="utf-8")
        + f'@font-face {{ font-family: "Own Face"; src: url("{font.as_uri()}"); }}\n'
        + 'h2 { font-family: "Own Face"; }\n',
        encoding="utf-8",
    )
    ctx = sections.load_context(BLEKINGE, store, as_of=2017)
    cell = new_code_cell(
        outputs=[new_output("display_data", data={"text/html": str(sections.summary(ctx))})]
    )
    cell.metadata["tags"] = ["report"]
    notebook = tmp_path / "synthetic.ipynb"
    nbformat.write(new_notebook(cells=[cell]), notebook)
    for n in range(2):
        page, pdf = export.export(
            notebook, tmp_path / f"report-{n}", TITLE, "sv", ("pdf",), [tmp_path / "templates"]
        )
        fonts = {
            str(font.get_object()["/BaseFont"])
            for printed in PdfReader(pdf).pages
            for font in printed["/Resources"]["/Font"].values()
        }
        assert any(name.endswith("+Own-Face-Bold") for name in fonts), fonts
        HTML(filename=page).write_pdf(tmp_path / "alone.pdf")
        assert _pixels(pdf) == _pixels(tmp_path / "alone.pdf")


def test_a_chart_goes_into_the_pdf_as_it_was_drawn(store: Path, tmp_path: Path) -> None:
    """The goal chart's PNG image data is in the exported PDF byte for byte (WeasyPrint
    would decode it and compress it again); the pixels are WeasyPrint's own (the test
    above compares the printed pages)."""
    import base64
    import re

    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from collab_metrics.report import export

    ctx = sections.load_context(BLEKINGE, store, as_of=2017)
    part = str(sections.goal_section(ctx, GOAL))
    cell = new_code_cell(outputs=[new_output("display_data", data={"text/html": part})])
    cell.metadata["tags"] = ["report"]
    notebook = tmp_path / "synthetic.ipynb"
    nbformat.write(new_notebook(cells=[cell]), notebook)
    page, pdf = export.export(notebook, tmp_path / "report", TITLE, "sv", ("pdf",))
    charts = [
        base64.b64decode(data) for data in re.findall(r"data:image/png;base64,([^\"]+)", part)
    ]
    assert charts
    html = page.read_text(encoding="utf-8")
    with export._inline_pngs_as_files(html) as for_weasyprint:  # WeasyPrint reads files
        assert "data:image/png" not in for_weasyprint
        assert for_weasyprint.count('src="file://') == len(charts)
    printed = pdf.read_bytes()
    for chart in charts:
        data = export._plain_rgb_png_data(chart)
        assert data is not None and data in printed


def _image() -> Any:
    """A SYNTHETIC 40 x 30 image: colour bands and a diagonal."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (40, 30), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 19, 14), fill=(0, 114, 178))
    draw.rectangle((20, 15, 39, 29), fill=(213, 94, 0))
    draw.line((0, 29, 39, 0), fill=(0, 0, 0), width=2)
    return image


def _png(mode: str, chunk: tuple[bytes, bytes] | None = None, **save: object) -> bytes:
    """The SYNTHETIC image as Pillow writes it in the given mode, with an extra chunk if
    given."""
    import io

    from PIL import PngImagePlugin

    image = _image()
    converted = image.convert(mode) if mode != "P" else image.quantize(8)
    if chunk is not None:
        save["pnginfo"] = info = PngImagePlugin.PngInfo()
        info.add(*chunk)
    buffer = io.BytesIO()
    converted.save(buffer, format="png", **save)
    return buffer.getvalue()


PNGS = {
    "chart": _rgb_png(_image().tobytes(), 40, 30, 200),  # as the charts are written
    "rgb": _png("RGB", dpi=(200, 200), compress_level=1),
    "rgb-level-9": _png("RGB", compress_level=9),
    "rgba": _png("RGBA"),
    "grey": _png("L"),
    "palette": _png("P"),
    "gamma": _png("RGB", (b"gAMA", (45455).to_bytes(4, "big"))),
    "text": _png("RGB", (b"tEXt", b"Comment\x00synthetic")),
}


def test_only_plain_rgb_pngs_pass_as_they_are() -> None:
    from collab_metrics.report import export

    passed = {name for name, png in PNGS.items() if export._plain_rgb_png_data(png) is not None}
    assert passed == {"chart", "rgb", "rgb-level-9"}
    rgb = PNGS["rgb"]
    # The same header, interlaced (Pillow never writes interlaced PNGs), with its CRC.
    header = rgb[12:28] + b"\x01"
    interlaced = rgb[:12] + header + zlib.crc32(header).to_bytes(4, "big") + rgb[33:]
    assert export._plain_rgb_png_data(interlaced) is None
    assert export._plain_rgb_png_data(rgb[:-1]) is None  # truncated
    assert export._plain_rgb_png_data(rgb[:40] + bytes([rgb[40] ^ 1]) + rgb[41:]) is None  # CRC
    assert export._plain_rgb_png_data(b"GIF89a" + rgb[6:]) is None


def test_every_kind_of_png_prints_as_weasyprint_prints_it(tmp_path: Path) -> None:
    """Each SYNTHETIC image, as it is or WeasyPrint's way, prints the same pixels."""
    import base64

    from collab_metrics.report import export

    images = "".join(
        f'<p>{name}</p><img style="width: 80mm" alt="{name}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        for name, png in PNGS.items()
    )
    page = f'<!DOCTYPE html><html><body style="font-family: sans-serif">{images}</body></html>'
    HTML(string=page).write_pdf(tmp_path / "weasyprint.pdf")
    with export._plain_pngs_as_they_are():
        HTML(string=page).write_pdf(tmp_path / "as-they-are.pdf")
    render = [
        page.render(scale=3).to_pil().tobytes()
        for page in pypdfium2.PdfDocument(tmp_path / "as-they-are.pdf")
    ]
    assert render == [
        page.render(scale=3).to_pil().tobytes()
        for page in pypdfium2.PdfDocument(tmp_path / "weasyprint.pdf")
    ]
    printed = (tmp_path / "as-they-are.pdf").read_bytes()
    assert export._plain_rgb_png_data(PNGS["chart"]) in printed
    assert export._plain_rgb_png_data(PNGS["rgb"]) in printed
