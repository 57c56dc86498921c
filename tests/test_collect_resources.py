"""`collab collect` for resources and priorities: the resources and priorities sheets out,
filled in with openpyxl as an actor would in Excel, imported with validation, stored like
the other answers, and shown in the joint report with their source. The store is fetched
from the real offline data; the figures typed in are SYNTHETIC."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from helpers import offline_store, run_cli
from openpyxl import Workbook, load_workbook

from collab_metrics.report.context import load_context
from collab_metrics.report.resources import resources_view

REPO = Path(__file__).resolve().parent.parent
NORRBOTTEN = REPO / "params" / "norrbotten-arbete-halsa.yaml"


@pytest.fixture(scope="module")
def fetched(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return offline_store(tmp_path_factory.mktemp("fetched"), NORRBOTTEN)


@pytest.fixture
def store(fetched: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    shutil.copy(fetched, path)
    return path


@pytest.fixture
def templates(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # from outside the repository
    out = tmp_path / "templates"
    result = run_cli(
        "collect", "template", str(NORRBOTTEN), "--period", "2022", "--out", str(out),
        "--store", str(store),
    )  # fmt: skip
    assert result.code == 0, result.err
    return out


def _book(templates: Path, actor: str) -> Path:
    return templates / f"norrbotten-arbete-halsa-{actor}-2022.xlsx"


def filled(template: Path, out: Path, fill: Callable[[Workbook], Any]) -> Path:
    book = load_workbook(template)
    fill(book)
    book.save(out)
    return out


def _import(store: Path, *files: Path, options: tuple[str, ...] = ()) -> Any:
    return run_cli(
        "collect", "import", str(NORRBOTTEN), *map(str, files), "--store", str(store), *options
    )


def _rows(store: Path, name: str) -> list[dict[str, Any]]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        cursor = con.execute(f"SELECT * FROM {name} ORDER BY ALL")
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def test_template_sheets(templates: Path) -> None:
    boden = load_workbook(_book(templates, "boden"))
    sheet = boden["Resurser"]
    assert [c.value for c in sheet[2]] == [
        "År", "Avtalat belopp (kr)", "Insatta pengar (kr)", "Personal (årsarbetare)",
        "I natura", "Kommentar",
    ]  # fmt: skip
    assert sheet["A3"].value == 2022 and sheet["B3"].value == 192_000  # 8 % of 2 400 000
    assert sheet["C3"].value == 150_000  # what the framework states, to correct
    assert sheet.protection.sheet and not sheet["C3"].protection.locked
    assert "Prioriteringar" not in boden.sheetnames  # Boden owns no priority
    # Försäkringskassan has no goal of its own beyond one, but owns a priority
    fk = load_workbook(_book(templates, "forsakringskassan"))
    priorities = fk["Prioriteringar"]
    assert priorities["A3"].value == "tidig-samordning"
    assert priorities["D3"].value == "Delvis genomförd"


def _boden(book: Workbook) -> None:
    book["Resurser"]["C3"] = 192_000
    book["Resurser"]["F3"] = "Resten betald i december"


def _region(book: Workbook) -> None:
    sheet = book["Prioriteringar"]
    assert sheet["A3"].value == "unga-utanfor"
    sheet["D3"] = "Genomförd"
    sheet["E3"] = "Uppsökande team i fyra kommuner"


def test_round_trip_into_the_report(templates: Path, store: Path, tmp_path: Path) -> None:
    boden = filled(_book(templates, "boden"), tmp_path / "boden.xlsx", _boden)
    region = filled(_book(templates, "region-norrbotten"), tmp_path / "region.xlsx", _region)
    result = _import(store, boden, region)
    assert result.code == 0, result.err
    assert "1 bidrag" in result.out and "1 utfall av en prioritering" in result.out
    [row] = _rows(store, "imported_contributions")
    assert (row["actor"], row["year"], row["money"], row["note"]) == (
        "boden", 2022, 192_000, "Resten betald i december",
    )  # fmt: skip
    assert row["staff_fte"] == 0.2  # kept from the framework's figure shown in the template
    [outcome] = _rows(store, "imported_priorities")
    assert (outcome["priority_id"], outcome["outcome"]) == ("unga-utanfor", "done")

    view = resources_view(load_context(NORRBOTTEN, store))
    [year] = view.years
    headers = {getattr(r.header, "name", r.header): r.header for g in year.groups for r in g}
    rows = {getattr(r.header, "name", r.header): r.cells for g in year.groups for r in g}
    assert rows["Bodens kommun"][1].parts[0] == "192\u2009000 kr"
    assert rows["Bodens kommun"][2] == "0 kr"
    assert headers["Bodens kommun"].detail == "aktörens arbetsbok"
    assert headers["Luleå kommun"].detail == "ramverket"
    assert rows["Totalt"][1].parts[0] == "2\u2009160\u2009000 kr"  # 2 118 000 + 42 000
    assert view.unanswered == ""  # the Region answered

    # the same file again changes nothing; a different answer needs --replace
    assert "oförändrad" in _import(store, boden).out
    changed = filled(
        boden, tmp_path / "boden2.xlsx", lambda b: b["Resurser"].__setitem__("C3", 200_000)
    )
    refused = _import(store, changed)
    assert refused.code == 2 and "--replace" in refused.err and "kolumn C" in refused.err
    assert _import(store, changed, options=("--replace",)).code == 0
    current = [r for r in _rows(store, "imported_contributions") if r["replaced_at"] is None]
    assert [r["money"] for r in current] == [200_000]


@pytest.mark.parametrize(
    ("cell", "value", "words"),
    [
        ("C3", -5, "är negativt"),
        ("C3", "mycket", "'mycket' är inget tal"),
        ("D3", "en halv", "är inget tal"),
    ],
)
def test_bad_figures_are_refused_whole(
    templates: Path, store: Path, tmp_path: Path, cell: str, value: Any, words: str
) -> None:
    bad = filled(
        _book(templates, "boden"),
        tmp_path / "bad.xlsx",
        lambda b: b["Resurser"].__setitem__(cell, value),
    )
    result = _import(store, bad)
    assert result.code == 2
    assert f"blad 'Resurser', rad 3, kolumn {cell[0]}" in result.err and words in result.err
    assert _rows(store, "imported_contributions") == [] and _rows(store, "imports") == []


def test_a_wrong_outcome_is_refused(templates: Path, store: Path, tmp_path: Path) -> None:
    bad = filled(
        _book(templates, "region-norrbotten"),
        tmp_path / "bad.xlsx",
        lambda b: b["Prioriteringar"].__setitem__("D3", "Nästan klar"),
    )
    result = _import(store, bad)
    assert result.code == 2
    assert "blad 'Prioriteringar', rad 3, kolumn D (Utfall)" in result.err
    assert "'Nästan klar' är inte ett av alternativen" in result.err
    assert _rows(store, "imported_priorities") == []
