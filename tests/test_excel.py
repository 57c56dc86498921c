"""status.xlsx and `collab status --excel-csv` for Swedish Excel, on the real demo data
(an offline fetch of the Kolada snapshot and the Försäkringskassan workbook)."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from helpers import run_cli

from collab_metrics.model.framework import load_framework
from collab_metrics.report import excel, status_table

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store.duckdb"
    assert run_cli("fetch", str(BLEKINGE), "--offline", "--store", str(path)).code == 0
    return path


def _workbook(store: Path, tmp_path: Path, params: Path = BLEKINGE) -> openpyxl.Workbook:
    fw = load_framework(params)
    path = tmp_path / "status.xlsx"
    excel.write_workbook(fw, status_table.load_status(fw, store, 2017), path)
    return openpyxl.load_workbook(path)


def test_status_xlsx_has_swedish_headers_and_number_formats(store: Path, tmp_path: Path) -> None:
    book = _workbook(store, tmp_path)
    assert book.sheetnames == ["Status", "Samstämmighet", "Om tabellen"]
    sheet = book["Status"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Mål", "Mål-id", "Aktör"] and "Utgångsvärde" in header
    first = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert first["Mål"].value == "Halvera ungdomsarbetslösheten i Blekinge"
    # Region Blekinge 2013: 14.191367 % in the data, 14.2 as in the report, one decimal.
    assert first["Utgångsvärde"].value == 14.2
    assert first["Utgångsvärde"].number_format == "#,##0.0"
    assert first["Förändring per år hittills"].value == -0.122
    assert first["Förändring per år hittills"].number_format == "0.0%"
    assert first["Kvot R"].value == 0.77 and first["Kvot R"].number_format == "0.00"
    assert first["Basår"].value == 2013 and first["Status"].value == "Målet nåddes inte"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width > len("Mål")
    floats = [
        c.value for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, float)
    ]
    assert all(round(v, 3) == v for v in floats), "no float noise such as 4.864570199999999"


def test_the_about_sheet_explains_every_column_and_the_data(store: Path, tmp_path: Path) -> None:
    book = _workbook(store, tmp_path)
    about = list(book["Om tabellen"].iter_rows(values_only=True))
    status_headers = [c.value for c in book["Status"][1]]
    assert [r[0] for r in about[1 : 1 + len(status_headers)]] == status_headers
    assert all(r[1] for r in about[1 : 1 + len(status_headers)])
    assert any(r[0] == "Data: Kolada (offlineutdrag) 2024-08-30" for r in about)
    retrieved = [r[1] for r in about if isinstance(r[1], datetime)]
    assert retrieved == [datetime(2024, 8, 30)]  # a date cell, not text


def test_english_reports_get_english_headers(store: Path, tmp_path: Path) -> None:
    params = tmp_path / "en.yaml"
    params.write_text(
        BLEKINGE.read_text(encoding="utf-8").replace("language: sv", "language: en"),
        encoding="utf-8",
    )
    book = _workbook(store, tmp_path, params)
    assert book.sheetnames == ["Status", "Consistency", "About the table"]
    assert [c.value for c in book["Status"][1]][:3] == ["Goal", "Goal id", "Actor"]


def test_excel_csv_reads_with_semicolon_and_decimal_comma(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "status.csv"
    result = run_cli(
        "status",
        str(BLEKINGE),
        "--as-of",
        "2017",
        "--store",
        str(store),
        "--excel-csv",
        "-o",
        str(out),
    )
    assert result.code == 0, result.err
    body = out.read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads å, ä, ö right
    frame = pd.read_csv(
        io.BytesIO(body), sep=";", decimal=",", encoding="utf-8-sig", dtype={"Områdeskod": str}
    )
    first = frame.iloc[0]
    assert first["Mål"] == "Halvera ungdomsarbetslösheten i Blekinge"
    assert first["Utgångsvärde"] == 14.2 and first["Förändring per år hittills (%)"] == -12.2
    assert first["Områdeskod"] == "0010" and first["Status"] == "Målet nåddes inte"
    assert "14,2" in body.decode("utf-8-sig")
    # --format csv is unchanged: machine-readable, comma-separated, full precision.
    machine = run_cli(
        "status", str(BLEKINGE), "--as-of", "2017", "--store", str(store), "--format", "csv"
    ).out
    assert machine.startswith("goal,actor,area,sex") and "14.191367" in machine


def test_excel_csv_defuses_formula_like_text(store: Path, tmp_path: Path) -> None:
    params = tmp_path / "blekinge.yaml"
    title = '=HYPERLINK("http://example.invalid","Klicka")'  # SYNTHETIC
    params.write_text(
        BLEKINGE.read_text(encoding="utf-8").replace(
            "title: Halvera ungdomsarbetslösheten i Blekinge", f"title: '{title}'"
        ),
        encoding="utf-8",
    )
    result = run_cli("status", str(params), "--store", str(store), "--excel-csv")
    assert result.code == 0, result.err
    frame = pd.read_csv(io.StringIO(result.out.lstrip("\ufeff")), sep=";", decimal=",")
    assert "'" + title in set(frame["Mål"])
    assert not any(str(v).startswith("=") for v in frame["Mål"])
