"""`collab report` end to end on both demo frameworks from the offline snapshot: the real
notebooks run through papermill, and the HTML, PDF and Excel outputs are checked."""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import nbformat
import numpy as np
import openpyxl
import papermill
import pypdfium2
import pytest
from golden import check as check_golden
from helpers import run_cli
from pypdf import PdfReader

from collab_metrics.model.framework import load_framework
from collab_metrics.report.render import KERNEL, default_notebooks_dir, ensure_kernel

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"
VARMLAND = REPO / "params" / "varmland-nya-perspektiv.yaml"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store.duckdb"
    for params in (BLEKINGE, VARMLAND):
        assert run_cli("fetch", str(params), "--offline", "--store", str(path)).code == 0
    return path


@pytest.fixture(scope="module")
def blekinge_2017(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("outputs")
    result = run_cli(
        "report", str(BLEKINGE), "--as-of", "2017", "--store", str(store), "--out", str(out)
    )
    assert result.code == 0, result.err
    return out / "blekinge-unga-lyfter" / "2017"


def _text(html: str) -> str:
    """Visible text of an HTML page, whitespace collapsed (for assertions on wording)."""
    without = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", without)))


def test_blekinge_joint_report_html(blekinge_2017: Path) -> None:
    html = (blekinge_2017 / "joint_followup.html").read_text(encoding="utf-8")
    text = _text(html)
    fw = load_framework(BLEKINGE)
    for goal in fw.shared_goals:
        assert goal.title in text
    assert "Målet nåddes inte" in text  # the halving goal as of 2017, its target year
    assert "14,2" in text
    assert "Kolada (RKA)" in text and "Arbetsförmedlingen" in text
    assert "<h1" in html and "<h2" in html
    assert 'src="data:image/png;base64,' in html, "charts are embedded"
    assert all(alt.strip() for alt in re.findall(r'<img[^>]*\balt="([^"]*)"', html))
    assert "display(" not in html and "import " not in text, "no code in the report"


@pytest.fixture(scope="module")
def blekinge_2017_en(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Blekinge demo as of 2017 in English: the framework with `language: en` (html only)."""
    folder = tmp_path_factory.mktemp("en")
    params = folder / BLEKINGE.name  # same file name: the report names it
    text = BLEKINGE.read_text(encoding="utf-8")
    assert "\n  language: sv\n" in text
    params.write_text(text.replace("\n  language: sv\n", "\n  language: en\n"), encoding="utf-8")
    out = folder / "outputs"
    result = run_cli(
        "report", str(params), "--as-of", "2017", "--store", str(store), "--out", str(out),
        "--format", "html", "--jobs", "2",
    )  # fmt: skip
    assert result.code == 0, result.err
    return out / "blekinge-unga-lyfter" / "2017"


@pytest.mark.parametrize("page", ["joint_followup", "actors/karlshamn"])
def test_golden_report_text_sv(blekinge_2017: Path, page: str) -> None:
    html = (blekinge_2017 / f"{page}.html").read_text(encoding="utf-8")
    check_golden(f"blekinge-2017-sv-{page.replace('/', '-')}.txt", html)


@pytest.mark.parametrize("page", ["joint_followup", "actors/karlshamn"])
def test_golden_report_text_en(blekinge_2017_en: Path, page: str) -> None:
    html = (blekinge_2017_en / f"{page}.html").read_text(encoding="utf-8")
    check_golden(f"blekinge-2017-en-{page.replace('/', '-')}.txt", html)


def test_blekinge_pdf_has_pages_with_the_goal_titles(blekinge_2017: Path) -> None:
    reader = PdfReader(blekinge_2017 / "joint_followup.pdf")
    assert len(reader.pages) >= 3
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for goal in load_framework(BLEKINGE).shared_goals:
        assert goal.title in text


def test_blekinge_pdf_first_page_renders_not_blank(blekinge_2017: Path, tmp_path: Path) -> None:
    pdf = pypdfium2.PdfDocument(blekinge_2017 / "joint_followup.pdf")
    image = pdf[0].render(scale=1.5).to_pil()
    image.save(tmp_path / "page1.png")
    pixels = np.asarray(image.convert("L"), dtype=float)
    assert pixels.std() > 10, "the first page must not be blank"
    assert (pixels < 128).mean() > 0.005, "there must be dark text on the page"


def test_blekinge_excel_opens_with_the_status_table(blekinge_2017: Path) -> None:
    workbook = openpyxl.load_workbook(blekinge_2017 / "status.xlsx", read_only=True)
    assert "Status" in workbook.sheetnames
    rows = list(workbook["Status"].iter_rows(values_only=True))
    assert rows[0][0] == "Mål" and len(rows) > 10  # headers in the report's language
    status = rows[0].index("Status")
    assert "Målet nåddes inte" in {r[status] for r in rows[1:]}
    assert "Om tabellen" in workbook.sheetnames


def test_blekinge_actor_extracts_and_baseline_analysis(blekinge_2017: Path) -> None:
    fw = load_framework(BLEKINGE)
    for goal in fw.actor_goals:
        extract = blekinge_2017 / "actors" / f"{goal.actor}.html"
        assert goal.title in _text(extract.read_text(encoding="utf-8"))
        assert extract.with_suffix(".pdf").exists()
    baseline = _text((blekinge_2017 / "baseline_analysis.html").read_text(encoding="utf-8"))
    assert "Nulägesanalys" in baseline


def test_varmland_report(store: Path, tmp_path: Path) -> None:
    result = run_cli(
        "report", str(VARMLAND), "--store", str(store), "--out", str(tmp_path), "--format", "html"
    )
    assert result.code == 0, result.err
    home = tmp_path / "varmland-nya-perspektiv"
    report = home / (home / "latest").read_text(encoding="utf-8").strip()
    text = _text((report / "joint_followup.html").read_text(encoding="utf-8"))
    for goal in load_framework(VARMLAND).shared_goals:
        assert goal.title in text
    assert "Liv & Hälsa" in text  # Värmland's survey method is stated


# SYNTHETIC: a framework whose goal title and assessment are hostile text.
HOSTILE = """\
collaboration: {id: hostile, name: "Test <b>collab</b>", owner: Test, area: "0010"}
actors: [{id: karlshamn, name: Karlshamns kommun, kind: municipality, area: "1082"}]
indicators:
  - {id: youth, title: Ungdomsarbetslöshet, unit: "%", direction: decrease, source: kolada,
     query: {kpi: N03921}, breakdowns: [sex]}
shared_goals:
  - {id: halve, title: "<script>alert(1)</script>", indicator: youth, area: "0010",
     baseline: {year: 2013}, target: {year: 2017, change_percent: -50}}
actor_goals:
  - {id: karlshamn-halve, title: Halvera i Karlshamn, actor: karlshamn, contributes_to: halve,
     indicator: youth, baseline: {year: 2013}, target: {year: 2017, change_percent: -50}}
assessments:
  - {goal: karlshamn-halve, actor: karlshamn, period: "2017", judgement: partly,
     justification: "<img src=x onerror=alert(2)> Vi ligger efter.", owner: Test}
"""


def test_user_text_is_rendered_as_text(store: Path, tmp_path: Path) -> None:
    params = tmp_path / "hostile.yaml"
    params.write_text(HOSTILE, encoding="utf-8")
    result = run_cli(
        "report", str(params), "--as-of", "2017", "--store", str(store), "--out", str(tmp_path)
    )
    assert result.code == 0, result.err
    report = tmp_path / "hostile" / "2017"
    html = (report / "joint_followup.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<b>collab</b>" not in html
    pdf_text = " ".join(p.extract_text() for p in PdfReader(report / "joint_followup.pdf").pages)
    assert "<script>alert(1)</script>" in pdf_text


def test_explore_notebook_runs(store: Path, tmp_path: Path) -> None:
    ensure_kernel()
    out = tmp_path / "explore.ipynb"
    papermill.execute_notebook(
        str(default_notebooks_dir() / "explore.ipynb"),
        str(out),
        parameters={"params": str(BLEKINGE), "store": str(store), "as_of": 2017},
        kernel_name=KERNEL,
        language="python",
        progress_bar=False,
        cwd=str(default_notebooks_dir()),
    )
    cells = nbformat.read(out, as_version=4).cells
    outputs = [o for c in cells for o in c.get("outputs", [])]
    assert any("not_achieved" in str(o) for o in outputs)
    assert any("image/png" in o.get("data", {}) for o in outputs), "the chart shows itself"
    assert not any(o.get("output_type") == "error" for o in outputs)
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    imports = re.findall(r"^(?:from|import) .*$", code, flags=re.M)
    assert imports == ["import collab_metrics as cm"], "the public API only"
