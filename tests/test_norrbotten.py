"""The Norrbotten demo end to end from the offline snapshot and the real SCB BAS monthly
workbook, run from a directory outside the repository: validate, fetch, report (HTML, PDF,
xlsx); the resources section's figures are checked against the YAML, computed here on
their own, in Swedish and in English."""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import openpyxl
import pytest
import yaml
from helpers import run_cli
from pypdf import PdfReader

from collab_metrics.report.context import load_context
from collab_metrics.report.resources import resources_view

REPO = Path(__file__).resolve().parent.parent
NORRBOTTEN = REPO / "params" / "norrbotten-arbete-halsa.yaml"
RESOURCES = REPO / "params" / "norrbotten-arbete-halsa" / "resurser.yaml"
THIN = "\u2009"


def _expected() -> dict[str, dict[str, float | None]]:
    """Per actor id: agreed amount, money and difference, from the YAML on its own."""
    block = yaml.safe_load(RESOURCES.read_text(encoding="utf-8"))["resources"]
    [split] = block["agreed"]
    found: dict[str, dict[str, float | None]] = {}
    for actor, share in split["shares"].items():
        found[actor] = {"agreed": round(share * split["total"], 2), "money": None}
    for item in block["contributions"]:
        found[item["actor"]]["money"] = item.get("money")
    for figures in found.values():
        money, agreed = figures["money"], figures["agreed"]
        figures["difference"] = None if money is None or agreed is None else money - agreed
    return found


def _kr(value: float) -> str:
    return f"{abs(value):,.0f}".replace(",", THIN) + " kr"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    outside = tmp_path_factory.mktemp("norrbotten")
    store, out = outside / "store.duckdb", outside / "outputs"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(outside)
        result = run_cli("validate", str(NORRBOTTEN))
        assert result.code == 0, result.err
        # complete governance: the only possible warning is a passed review date (2028-06-30)
        warnings = [line for line in result.err.splitlines() if "warning" in line]
        assert all("governance.review_date" in line for line in warnings), result.err
        assert "resources: 1 agreed split" in result.out
        result = run_cli("fetch", str(NORRBOTTEN), "--offline", "--store", str(store))
        assert result.code == 0, result.err
        result = run_cli(
            "report", str(NORRBOTTEN), "--store", str(store), "--out", str(out),
            "--format", "html,pdf,xlsx",
        )  # fmt: skip
        assert result.code == 0, result.err
    reports = [p for p in (out / "norrbotten-arbete-halsa").iterdir() if p.name != "latest"]
    [report] = [p for p in reports if p.is_dir() and not p.is_symlink()]
    return report, store


def _section(html: str) -> str:
    start = html.index('<section class="resources">')
    return html[start : html.index("</section>", start)]


def _rows(section: str) -> dict[str, list[str]]:
    """Row header -> cell texts of the section's tables."""
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section, flags=re.S):
        cells = [
            re.sub(r"[ \t\r\n]+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", c))).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def test_resources_section_figures(run: tuple[Path, Path]) -> None:
    report, _ = run
    html = (report / "joint_followup.html").read_text(encoding="utf-8")
    section = _section(html)
    assert "Resurser och kostnadsfördelning" in section
    rows = _rows(section)
    names = {
        a["id"]: a["name"] for a in yaml.safe_load(NORRBOTTEN.read_text(encoding="utf-8"))["actors"]
    }
    expected = _expected()
    for actor, figures in expected.items():
        # the actor's name with where its figures come from, then agreed share and amount
        cells = rows[f"{names[actor]} ramverket"]
        assert cells[0].endswith(" " + _kr(figures["agreed"] or 0)), actor
        money = figures["money"]
        assert cells[1].startswith(_kr(money) if money is not None else "–"), actor
        difference = figures["difference"]
        if difference is None:
            assert cells[2] == "–"
        else:
            sign = "+" if difference > 0 else "−" if difference < 0 else ""
            assert cells[2] == sign + _kr(difference), actor
    total_money = sum(f["money"] or 0 for f in expected.values())
    total_agreed = sum(f["agreed"] or 0 for f in expected.values())
    total = rows["Totalt"]
    assert total[0] == "100,0\u00a0% " + _kr(total_agreed)
    assert total[1] == _kr(total_money) + " 100,0\u00a0%"
    assert total[2] == "−" + _kr(total_agreed - total_money)
    assert total[3] == "4,40"  # FTE, summed from the YAML's staff_fte
    # the goals beside, never a cost per result
    assert "Fler unga i arbete i Norrbotten" in rows and "per resultat" in section
    assert "kr per" not in section
    # priorities: outcomes beside the linked goals' status, the silent one named
    assert rows["Gemensam modell för feriearbete och sommarjobb för unga"][2].startswith(
        "Genomförd"
    )
    assert "Inget svar" in rows["Uppsökande arbete för unga som varken arbetar eller studerar"][2]
    text = html_module.unescape(re.sub(r"<[^>]+>", " ", section))
    assert "Prioriteringar utan svar: Region Norrbotten: Uppsökande arbete" in re.sub(
        r"\s+", " ", text
    )


def test_title_page_governance_and_pdf(run: tuple[Path, Path]) -> None:
    report, _ = run
    html = (report / "joint_followup.html").read_text(encoding="utf-8")
    title = html[html.index('<section class="title-page">') :]
    title = title[: title.index("</section>")]
    assert "Ordförande" in title and "Regiondirektör, Region Norrbotten" in title
    assert "Samordnande aktör" in title and "Avtalet omprövas" in title
    text = re.sub(
        r"\s+",
        " ",
        " ".join(p.extract_text() for p in PdfReader(report / "joint_followup.pdf").pages),
    )
    assert "Resurser och kostnadsfördelning" in text
    assert "960" in text and "Prioriteringar utan svar" in text


def test_status_xlsx_resources_sheet(run: tuple[Path, Path]) -> None:
    report, _ = run
    book = openpyxl.load_workbook(report / "status.xlsx")
    sheet = book["Resurser"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == (
        "År",
        "Aktör",
        "Avtalad andel",
        "Avtalat belopp (kr)",
        "Insatta pengar (kr)",
    )
    by_actor = {r[1]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    expected = _expected()
    luleå = by_actor["Luleå kommun"]
    assert luleå["Avtalat belopp (kr)"] == expected["lulea"]["agreed"]
    assert luleå["Insatta pengar (kr)"] == expected["lulea"]["money"]
    assert isinstance(luleå["Avtalad andel"], float) and luleå["Avtalad andel"] == pytest.approx(
        0.15
    )
    boden = by_actor["Bodens kommun"]
    assert boden["Skillnad mot avtalat (kr)"] == expected["boden"]["difference"]
    total = by_actor["Totalt"]
    assert total["Insatta pengar (kr)"] == sum(f["money"] or 0 for f in expected.values())


def test_monthly_indicator_is_read(run: tuple[Path, Path]) -> None:
    _, store = run
    ctx = load_context(NORRBOTTEN, store)
    monthly = ctx.observations[ctx.observations["period"].str.len() == 7]
    norrbotten = monthly[monthly["area"] == "0025"].set_index("period")["value"]
    assert norrbotten["2020-01"] == 4.9 and norrbotten["2024-01"] == 3.4


def test_resources_in_english(run: tuple[Path, Path]) -> None:
    _, store = run
    view = resources_view(load_context(NORRBOTTEN, store, language="en"))
    assert view.heading == "Resources and cost split"
    [year] = view.years
    rows = {getattr(r.header, "name", r.header): r.cells for group in year.groups for r in group}
    assert rows["Luleå kommun"][0].parts[1] == "SEK 360,000"
    assert rows["Bodens kommun"][2] == "−SEK 42,000"
    assert year.groups[0][0].header.detail == "framework"
    assert "Priorities without an answer" in view.unanswered
