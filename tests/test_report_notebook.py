"""The report notebooks are the analyst's to edit: cells tagged `report` (or `report-sv` /
`report-en`) pass into the rendered report at their place, untagged cells stay notes.

The end-to-end test copies the real notebooks into a folder outside the repository, adds an
analyst's markdown and chart cells, and renders the Blekinge demo from outside the
repository (HTML and PDF), as an analyst with their own notebooks folder would.
"""

from __future__ import annotations

import base64
import doctest
import io
import re
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest
from golden import check as check_golden
from golden import visible_text
from helpers import run_cli
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from PIL import Image
from pypdf import PdfReader

from collab_metrics.report import cells
from collab_metrics.report.render import default_notebooks_dir

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"

SENTENCE = "Styrgruppen noterade att sommarjobben i Ronneby gav fler unga jobb än väntat."
NOTE = "Analytikerns egen anteckning som aldrig ska synas i rapporten."
ENGLISH_ONLY = "This sentence belongs to the English report only."
COMMENT = "Antal sommarjobb i Ronneby 2015-2017 (analytikerns diagram)"
# The analyst's charts are drawn in colours no chart of the package uses, so the test can
# tell them apart from the report's own charts in the HTML and in the PDF's images.
TAGGED_CHART = (
    f"# {COMMENT}\n"
    "import matplotlib.pyplot as plt\n"
    "fig, ax = plt.subplots(figsize=(4, 2.5))\n"
    'ax.bar(["2015", "2016", "2017"], [120, 150, 185], color="#ff00ff")\n'
    'ax.set_title("Sommarjobb")\n'
    "plt.show()"
)
UNTAGGED_CHART = TAGGED_CHART.replace("#ff00ff", "#00ff00").replace(COMMENT, "scratch")


def test_doctests() -> None:
    assert doctest.testmod(cells).failed == 0


def _chart_output() -> nbformat.NotebookNode:
    png = io.BytesIO()
    Image.new("RGB", (4, 4), "#ff00ff").save(png, format="PNG")
    encoded = base64.b64encode(png.getvalue()).decode("ascii")
    return new_output("display_data", data={"image/png": encoded, "text/plain": "<Figure>"})


def test_only_tagged_cells_for_the_language_are_kept_in_order() -> None:
    chart = new_code_cell("# Sommarjobb\n# per år\nplot()", outputs=[_chart_output()])
    chart.metadata["tags"] = ["report"]
    swedish, english = new_markdown_cell("Svenska"), new_markdown_cell("English")
    swedish.metadata["tags"], english.metadata["tags"] = ["report-sv"], ["report-en"]
    scratch = new_code_cell("scratch()", outputs=[_chart_output()])
    notebook = new_notebook(cells=[swedish, scratch, chart, english, new_markdown_cell("note")])
    kept = cells.report_cells(notebook, "sv").cells
    assert [c.source[:7] for c in kept] == ["Svenska", "# Somma"]
    assert kept[1].outputs[0].metadata["alt"] == "Sommarjobb per år"
    assert "alt" not in notebook.cells[2].outputs[0].get("metadata", {}), "the input is kept"
    assert [c.source for c in cells.report_cells(notebook, "en").cells][1] == "English"


def test_a_chart_without_comment_gets_a_plain_description() -> None:
    chart = new_code_cell("plot()", outputs=[_chart_output()])
    chart.metadata["tags"] = ["report-en"]
    kept = cells.report_cells(new_notebook(cells=[chart]), "en").cells
    assert kept[0].outputs[0].metadata["alt"] == "Chart added in the report's notebook"


def test_a_notebook_without_report_tags_shows_every_code_output_and_no_markdown() -> None:
    notebook = new_notebook(cells=[new_markdown_cell("note"), new_code_cell("show()")])
    assert [c.cell_type for c in cells.report_cells(notebook, "sv").cells] == ["code"]


# --- end to end: an analyst's own notebooks folder --------------------------------------


@pytest.fixture(scope="module")
def edited_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Blekinge demo as of 2017 rendered from outside the repository, with the joint
    follow-up notebook edited by an analyst in a notebooks folder of their own."""
    outside = tmp_path_factory.mktemp("analyst")
    store = outside / "store.duckdb"
    assert run_cli("fetch", str(BLEKINGE), "--offline", "--store", str(store)).code == 0
    notebooks = outside / "notebooks"
    notebooks.mkdir()
    for source in default_notebooks_dir().glob("*.ipynb"):
        shutil.copyfile(source, notebooks / source.name)
    path = notebooks / "joint_followup.ipynb"
    notebook = nbformat.read(path, as_version=4)
    summary = next(i for i, c in enumerate(notebook.cells) if "sections.summary(" in c.source)
    sentence, english = (
        new_markdown_cell(f"## Kommentar\n\n{SENTENCE}"),
        new_markdown_cell(ENGLISH_ONLY),
    )
    chart = new_code_cell(TAGGED_CHART)
    sentence.metadata["tags"], chart.metadata["tags"] = ["report"], ["report"]
    english.metadata["tags"] = ["report-en"]
    notes = [new_markdown_cell(NOTE), new_code_cell(UNTAGGED_CHART)]
    notebook.cells[summary + 1 : summary + 1] = [sentence, chart, english, *notes]
    nbformat.write(notebook, path)

    out = outside / "outputs"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(outside)
        patch.setenv("COLLAB_NOTEBOOKS", str(notebooks))
        result = run_cli(
            "report", str(BLEKINGE), "--as-of", "2017", "--store", str(store), "--out", str(out),
            "--format", "html,pdf", "--jobs", "2",
        )  # fmt: skip
    assert result.code == 0, result.err
    return out / "blekinge-unga-lyfter" / "2017"


def _colour_share(image: Image.Image, colour: tuple[int, int, int]) -> float:
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    return float((np.abs(pixels - np.array(colour)).sum(axis=2) < 60).mean())


MAGENTA, GREEN = (255, 0, 255), (0, 255, 0)


def _images(html: str) -> list[tuple[Image.Image, str]]:
    """Every embedded PNG of a page with its alternative text."""
    found = []
    for tag in re.findall(r"<img\b[^>]*>", html):
        data, alt = re.search(r'base64,([^"]+)"', tag), re.search(r'alt="([^"]*)"', tag)
        assert data is not None and alt is not None, tag
        found.append((Image.open(io.BytesIO(base64.b64decode(data[1]))), alt[1]))
    return found


def test_tagged_markdown_and_chart_reach_the_html_at_their_place(edited_report: Path) -> None:
    html = (edited_report / "joint_followup.html").read_text(encoding="utf-8")
    text = visible_text(html)
    assert SENTENCE in text and "Kommentar" in text and "¶" not in text
    assert text.index("Sammanfattning") < text.index(SENTENCE) < text.index("Målen ett och ett")
    assert NOTE not in text and ENGLISH_ONLY not in text
    assert "import matplotlib" not in text and "plt.show" not in text, "no code"
    shares = {
        alt: (_colour_share(image, MAGENTA), _colour_share(image, GREEN))
        for image, alt in _images(html)
    }
    assert shares[COMMENT][0] > 0.05, "the analyst's chart, with its comment as alt text"
    assert all(green == 0 for _, green in shares.values()), "the untagged chart stays out"
    chart_at = html.index(f'alt="{COMMENT}"')
    assert html.index(SENTENCE) < chart_at < html.index("Målen ett och ett")


def test_tagged_markdown_and_chart_reach_the_pdf(edited_report: Path) -> None:
    reader = PdfReader(edited_report / "joint_followup.pdf")
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert SENTENCE in text and NOTE not in text and ENGLISH_ONLY not in text
    page = next(p for p in reader.pages if "sommarjobben i Ronneby" in p.extract_text())
    found = [_colour_share(image.image, MAGENTA) for p in reader.pages for image in p.images]
    assert max(found) > 0.05, "the analyst's chart is in the PDF"
    assert max(_colour_share(image.image, MAGENTA) for image in page.images) > 0.05, (
        "on the page of its comment"
    )
    greens = [_colour_share(image.image, GREEN) for p in reader.pages for image in p.images]
    assert max(greens) == 0


def test_the_untouched_notebooks_render_as_before(edited_report: Path) -> None:
    html = (edited_report / "actors" / "karlshamn.html").read_text(encoding="utf-8")
    check_golden("blekinge-2017-sv-actors-karlshamn.txt", html)
