"""The printed report (WeasyPrint PDF with the report's own style sheet): what a reader sees
on the page, not only what the PDF contains. A table wider than the page keeps its text in
the PDF outside the page box (pypdf extracts it), so visibility is read with pdfium within
the page's bounds."""

from __future__ import annotations

import html
from pathlib import Path

import pypdfium2
import pytest
from helpers import offline_store
from pypdf import PdfReader
from weasyprint import HTML

from collab_metrics.report import actions, sections

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"
CSS = REPO / "collab_metrics" / "report" / "templates" / "collab" / "report.css"
TITLE = "Blekinges unga lyfter – gemensam uppföljning"
MM = 72 / 25.4  # PDF points per millimetre

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
