"""`collab portfolio` end to end from a directory outside the repository: the demo
frameworks' reports rendered first (offline snapshot), the overview's figures checked
against their status.json, an actor's view across two collaborations, an org_id conflict
refused naming both files, and HTML, PDF and Excel all written."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from cycle_setup import visible_text
from helpers import run_cli
from pypdf import PdfReader

REPO = Path(__file__).resolve().parent.parent
DEMOS = sorted((REPO / "params").glob("*.yaml"))
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"
# SYNTHETIC: a second collaboration sharing Karlshamn (area 1082) with Blekinge.
SECOND = """\
collaboration: {id: synthetic-karlshamn-health, name: Synthetic health collaboration,
                owner: Synthetic owner, area: "0010"}
actors:
  - {id: karlshamn-kommun, name: Karlshamns kommun, kind: municipality, area: "1082"}
indicators:
  - {id: youth, title: Arbetslöshet 16-24 år, unit: "%", direction: decrease, source: kolada,
     query: {kpi: N03921}}
shared_goals:
  - {id: lower, title: Sänk ungdomsarbetslösheten, indicator: youth, area: "0010",
     baseline: {year: 2013}, target: {year: 2017, change_percent: -30}}
actor_goals:
  - {id: karlshamn-lower, title: Synthetic goal for Karlshamn, actor: karlshamn-kommun,
     contributes_to: lower, indicator: youth, baseline: {year: 2013},
     target: {year: 2017, change_percent: -30}}
actions:
  - {id: meet, actor: karlshamn-kommun, description: Synthetic action, due: 2017-03-01,
     status: started}
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demos' reports in a tmp outputs folder, run from outside the repository."""
    home = tmp_path_factory.mktemp("portfolio")
    store = home / "store.duckdb"
    cwd = Path.cwd()
    os.chdir(home)
    try:
        for params in DEMOS:
            assert run_cli("fetch", str(params), "--offline", "--store", str(store)).code == 0
        for params in DEMOS:
            result = run_cli(
                "report", str(params), "--as-of", "2017", "--store", str(store), "--out",
                "outputs", "--format", "html", "--jobs", "2",
            )  # fmt: skip
            assert result.code == 0, result.err
    finally:
        os.chdir(cwd)
    return home


def test_overview_equals_reports(rendered: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(rendered)
    result = run_cli("portfolio", *map(str, DEMOS), "--out", "outputs")
    assert result.code == 0, result.err
    out = rendered / "outputs"
    for suffix in ("html", "pdf", "xlsx"):
        assert (out / f"portfolio.{suffix}").stat().st_size > 1000
    text = visible_text((out / "portfolio.html").read_text(encoding="utf-8"))
    sheet = openpyxl.load_workbook(out / "portfolio.xlsx")["Översikt"]
    header = [c.value for c in sheet[1]]
    lines = {
        row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)
    }
    assert "Översikt över samverkan" in PdfReader(out / "portfolio.pdf").pages[0].extract_text()
    from collab_metrics.model.framework import load_framework
    from collab_metrics.text.labels import STATUS

    for params in DEMOS:
        fw = load_framework(params)
        folder = out / fw.collaboration.id / "2017"
        status = json.loads((folder / "status.json").read_text(encoding="utf-8"))
        shared = {g.id for g in fw.shared_goals}
        counts = Counter(
            r["status"] for r in status["rows"] if r["sex"] == "total" and r["goal"] in shared
        )
        line = lines[fw.collaboration.name]
        for code, count in counts.items():
            assert line[STATUS["sv"][code]] == count  # a number, not text
            assert f"{STATUS['sv'][code]}: {count} mål" in text
        assert sum(v for k, v in line.items() if k in STATUS["sv"].values()) == len(shared)
        assert line["Tidig varning"] == len(status["early_warning"]["entries"])
        assert fw.collaboration.owner in text
    assert "Kolada (offlineutdrag)" in text and "nyaste perioden i målen: 2017" in text
    assert "Målet för" not in text  # the missed goals are named in the list
    assert "”Halvera ungdomsarbetslösheten i Blekinge”" in text


def test_without_report_and_actor_view(rendered: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(rendered)
    second = rendered / "synthetic-karlshamn.yaml"
    second.write_text(SECOND, encoding="utf-8")
    result = run_cli("portfolio", str(BLEKINGE), str(second), "--out", "outputs",
                     "--format", "html,xlsx")  # fmt: skip
    assert result.code == 0, result.err
    text = visible_text((rendered / "outputs" / "portfolio.html").read_text(encoding="utf-8"))
    assert f"Ingen rapport ännu. Skapa en med: collab report {second}" in text
    result = run_cli(
        "portfolio", str(BLEKINGE), str(second), "--out", "outputs", "--actor", "1082",
        "--format", "html,xlsx",
    )  # fmt: skip
    assert result.code == 0, result.err
    html = (rendered / "outputs" / "portfolio-1082.html").read_text(encoding="utf-8")
    text = visible_text(html)
    assert "Karlshamns kommun i 2 samverkan" in text
    assert "Som Karlshamns kommun i Blekinges unga lyfter" in text
    assert "Som Karlshamns kommun i Synthetic health collaboration" in text
    assert "Halvera ungdomsarbetslösheten i Karlshamn" in text
    assert "Synthetic goal for Karlshamn" in text and "Synthetic action" in text
    assert "Ramverket anger ingen kostnadsfördelning." in text
    book = openpyxl.load_workbook(rendered / "outputs" / "portfolio-1082.xlsx")
    goals = list(book["Aktörens mål"].iter_rows(2, values_only=True))
    karlshamn = next(g for g in goals if g[1] == "Halvera ungdomsarbetslösheten i Karlshamn")
    assert karlshamn[3] == pytest.approx(8.359077, abs=1e-5)  # the number, from status.json


def test_org_id_conflict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SYNTHETIC: Arbetsförmedlingen's org_id given to an actor with another area."""
    monkeypatch.chdir(tmp_path)
    other = tmp_path / "conflict.yaml"
    other.write_text(
        SECOND.replace(
            '{id: karlshamn-kommun, name: Karlshamns kommun, kind: municipality, area: "1082"}',
            '{id: karlshamn-kommun, name: Karlshamns kommun, kind: municipality, area: "1082"}\n'
            '  - {id: af, name: AF, kind: agency, area: "1080", org_id: 202100-2114}',
        ),
        encoding="utf-8",
    )
    bad = tmp_path / "bad-copy.yaml"
    bad.write_text(
        BLEKINGE.read_text(encoding="utf-8").replace(
            "kind: agency, org_id: 202100-2114}", 'kind: agency, area: "0010", org_id: 202100-2114}'
        ),
        encoding="utf-8",
    )
    result = run_cli("portfolio", str(bad), str(other), "--out", "outputs")
    assert result.code == 2
    assert str(bad) in result.err and str(other) in result.err and "202100-2114" in result.err
    assert not (tmp_path / "outputs").exists()
    result = run_cli("portfolio", str(BLEKINGE), "--out", "o2", "--actor", "nobody")
    assert result.code == 2 and not (tmp_path / "o2").exists()


def test_org_id_check_digit(tmp_path: Path) -> None:
    bad = tmp_path / "luhn.yaml"
    text = BLEKINGE.read_text(encoding="utf-8").replace("202100-2114", "202100-2115")
    bad.write_text(text, encoding="utf-8")
    result = run_cli("validate", str(bad))
    assert result.code == 2 and "check digit" in result.err


def test_fresh_and_english(rendered: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--fresh assesses from the store (the latest period, 2022) and compares with the
    2017 report; --language en writes the overview in English."""
    monkeypatch.chdir(rendered)
    result = run_cli(
        "portfolio", str(BLEKINGE), "--fresh", "--store", "store.duckdb", "--out", "outputs",
        "--format", "html", "--language", "en",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "blekinge-unga-lyfter: period 2022" in result.out
    text = visible_text((rendered / "outputs" / "portfolio.html").read_text(encoding="utf-8"))
    assert "Overview of collaborations" in text and "assessed afresh" in text
    assert "(follow-up 2017)" in text  # the early warning compares with the 2017 report
    assert (rendered / "outputs" / "blekinge-unga-lyfter" / "latest").read_text().strip() == "2017"


def test_the_actor_view_gives_its_share_of_the_costs_from_the_resources_block() -> None:
    """Norrbotten's agreed split and contributions (illustrative amounts in the demo's
    resurser.yaml), read independently from the YAML."""
    import yaml

    from collab_metrics.model.framework import load_framework
    from collab_metrics.report.portfolio import cost_share

    params = REPO / "params" / "norrbotten-arbete-halsa.yaml"
    fw = load_framework(params)
    block = yaml.safe_load(
        (REPO / "params" / "norrbotten-arbete-halsa" / "resurser.yaml").read_text(encoding="utf-8")
    )["resources"]
    (split,) = block["agreed"]
    lulea = next(c for c in block["contributions"] if c["actor"] == "lulea")
    agreed = split["total"] * split["shares"]["lulea"]
    assert (agreed, lulea["money"], lulea["staff_fte"]) == (360000.0, 360000, 0.5)

    def plain(text: str) -> str:  # the thin and no-break spaces of Swedish numbers
        return " ".join(text.split()).replace("\u2009", " ")

    text = plain(cost_share(fw, fw.actor("lulea"), (), "sv"))
    assert text == (
        "Kostnadsfördelning 2022: avtalad andel 15,0 % (360 000 kr); "
        "insatt 360 000 kr, 0,5 årsarbetare."
    )
    force = plain(cost_share(fw, fw.actor("forsakringskassan"), (), "en"))
    assert force == ("Cost split 2022: agreed share 5.0% (120,000 kr); put in not stated, 0.5 FTE.")
    blekinge = load_framework(REPO / "params" / "blekinge-unga-lyfter.yaml")
    assert cost_share(blekinge, blekinge.actor("karlshamn"), (), "sv") == (
        "Ramverket anger ingen kostnadsfördelning."
    )
