"""Actor CSV/Excel import: the real files in ../shared/data/actor-files, and every error.

Spot-checked values were read from the files by hand; each comment names the row and
column (as Excel shows them, header = row 1) that the expected value comes from.
Error cases use small SYNTHETIC files written into tmp_path.
"""

from __future__ import annotations

import math
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from pydantic import ValidationError

from collab_metrics.model import tidy
from collab_metrics.sources.files import ActorFileError, FileQuery, read_actor_file

SEX_LABELS = {"total": "Kvinnor och män", "women": "Kvinnor", "men": "Män"}


@pytest.fixture(scope="module")
def actor_dir(shared_data: Path) -> Path:
    return shared_data / "actor-files"


def _read(data_dir: Path, **query: Any) -> pd.DataFrame:
    """Read a file through a query given as the YAML would give it."""
    frame = read_actor_file(FileQuery.model_validate(query), data_dir=data_dir, indicator="x")
    return frame.frame


def _value(frame: pd.DataFrame, area: str, period: str, sex: str = "total") -> float:
    selected = frame[(frame.area == area) & (frame.period == period) & (frame.sex == sex)]
    assert len(selected) == 1, selected
    return float(selected["value"].iloc[0])


def _error(data_dir: Path, **query: Any) -> ActorFileError:
    with pytest.raises(ActorFileError) as caught:
        _read(data_dir, **query)
    return caught.value


def _xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """Write a SYNTHETIC workbook: one list of rows per sheet, None for an empty cell."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


# --- the real files --------------------------------------------------------------------


FK_MONTHLY = {
    "path": "forsakringskassan-mucf__ohalsotal_2024_11_06.xlsx",
    "sheet": "tabell",
    "columns": {
        "area": "Län",
        "year": "År",
        "month": "Månad",
        "sex": "Kön",
        "value": "Ohälsotalet",
    },
    "area_codes": "code_prefix",
    "sex_labels": SEX_LABELS,
    "filters": {"Ålder": "Samtliga 16-64 år"},
}


def test_ohalsotal_monthly_2024(actor_dir: Path) -> None:
    frame = _read(actor_dir, **FK_MONTHLY)
    # 9 months x (Riket + 3 counties) x 3 sexes; Län is "Riket" without code for riket.
    assert len(frame) == 9 * 4 * 3
    assert sorted(frame.area.unique()) == ["0000", "0017", "0020", "0021"]
    assert sorted(frame.period.unique()) == [f"2024-{m:02d}" for m in range(1, 10)]
    assert _value(frame, "0000", "2024-09") == 22.3  # row 2, G
    assert _value(frame, "0020", "2024-09", "women") == 32.1  # row 8, G
    assert _value(frame, "0017", "2024-09", "men") == 21.7  # row 11, G
    assert _value(frame, "0000", "2024-08") == 22.3  # row 14, G
    assert _value(frame, "0021", "2024-01", "women") == 33.0  # row 105, G
    assert _value(frame, "0021", "2024-01", "men") == 22.1  # row 109, G
    assert list(frame.columns) == list(tidy.COLUMNS)
    assert set(frame.source) == {"file"} and set(frame.status) == {""}


def test_ohalsotal_december(actor_dir: Path) -> None:
    columns = {"year": "År", "month": "Månad", "sex": "Kön", "value": "Ohälsotalet"}
    query = {"path": "forsakringskassan-mucf__ohalsotal.xlsx", "sex_labels": SEX_LABELS}
    # The file gives the area twice: "17 Värmlands län" in Län and "17" in regionkod.
    by_code = _read(actor_dir, **query, area_codes="scb", columns={**columns, "area": "regionkod"})
    by_prefix = _read(
        actor_dir, **query, area_codes="code_prefix", columns={**columns, "area": "Län"}
    )
    pd.testing.assert_frame_equal(by_code, by_prefix)
    assert len(by_code) == 12
    assert _value(by_code, "0000", "2024-12") == 22.6  # row 2, G
    assert _value(by_code, "0017", "2024-12") == 28.4  # row 3, G
    assert _value(by_code, "0017", "2024-12", "women") == 35.2  # row 7, G
    assert _value(by_code, "0021", "2024-12", "men") == 22.4  # row 13, G


def test_sjukpenningtal_december_by_month_name(actor_dir: Path) -> None:
    query = {
        "path": "forsakringskassan-mucf__sjukpenningtal.xlsx",
        "columns": {
            "area": "Län",
            "year": "År",
            "month": "månad_namn",  # "december"
            "sex": "Kön",
            "value": "sjukpenningtal",
        },
        "area_codes": "code_prefix",
        "sex_labels": SEX_LABELS,
    }
    all_ages = _read(actor_dir, **query, filters={"Ålder": "Samtliga 16-64 år"})
    assert len(all_ages) == 12
    assert _value(all_ages, "0000", "2024-12") == 10.5  # row 2, G
    assert _value(all_ages, "0000", "2024-12", "women") == 13.8  # row 3, G
    assert _value(all_ages, "0000", "2024-12", "men") == 7.3  # row 4, G
    young = _read(actor_dir, **query, filters={"Ålder": "20-29 år"})
    assert _value(young, "0017", "2024-12") == 6.1  # row 29, G
    assert _value(young, "0017", "2024-12", "women") == 8.8  # row 30, G


def test_sjukpenningtal_monthly_2024(actor_dir: Path) -> None:
    query = {
        "path": "forsakringskassan-mucf__sjukpenningtal_2024_11_06.xlsx",
        "columns": {
            "area": "Län",
            "year": "År",
            "month": "Månad",
            "sex": "Kön",
            "value": "Sjukpenningtal 1.0",  # the header really is written so
        },
        "area_codes": "code_prefix",
        "sex_labels": SEX_LABELS,
    }
    young = _read(actor_dir, **query, filters={"Ålder": "20-29 år"})
    assert len(young) == 9 * 4 * 3
    assert _value(young, "0000", "2024-09") == 4.8  # row 8, G
    assert _value(young, "0000", "2024-09", "women") == 6.4  # row 9, G
    assert _value(young, "0000", "2024-09", "men") == 3.3  # row 10, G
    oldest = _read(actor_dir, **query, filters={"Ålder": "60-64 år"})
    assert _value(oldest, "0021", "2024-01", "men") == 16.9  # row 757, G

    # Without the age filter, every area, month and sex comes once per age band.
    error = _error(actor_dir, **query)
    assert error.sheet == "tabell"
    assert error.row == 5  # the first "16-19 år" row repeats row 2 (Samtliga 16-64 år)
    assert "already came in row 2" in str(error)
    assert "'Ålder'" in str(error)


def test_mucf_inlas_sheet(actor_dir: Path) -> None:
    query = {
        "path": "forsakringskassan-mucf__MUCF_20241108.xlsx",
        "sheet": "Inläs",  # the other sheets are cross tables for people, not for import
        "columns": {"area": "Län", "year": "År", "sex": "Kön", "value": "Andel"},
        "area_codes": "name",  # "Dalarna", "Gävleborg", "Värmland"
        "sex_labels": {"total": "Totalt", "women": "Kvinnor", "men": "Män"},
        # The file writes "16-24\xa0år" with a no-break space; the filter need not.
        "filters": {"Ålder": "16-24 år", "Bakgrund": "Totalt"},
    }
    frame = _read(actor_dir, **query)
    assert len(frame) == 3 * 3
    assert set(frame.period) == {"2022"}  # År is the number 2022 in Excel
    assert _value(frame, "0020", "2022", "women") == 0.055  # row 9, F
    assert _value(frame, "0020", "2022") == 0.056  # row 11, F
    assert _value(frame, "0021", "2022") == 0.064  # row 29, F
    assert _value(frame, "0017", "2022", "men") == 0.061  # row 46, F
    assert _value(frame, "0017", "2022") == 0.056  # row 47, F

    # Row 1 of the sheet is empty: the header is found in row 2, and rows count from there.
    error = _error(actor_dir, **{**query, "columns": {**query["columns"], "value": "Andelen"}})
    assert error.row == 2
    assert "did you mean 'Andel'?" in str(error)


def test_scb_bas_counties_yearly(actor_dir: Path) -> None:
    frame = _read(
        actor_dir,
        path="scb-bas__arbetsmarknadsstatus_lan.xlsx",
        columns={"area": "regionkod", "year": "år", "sex": "kön", "value": "arbetslöshet"},
        area_codes="scb",  # "00" riket, "01" ... "25"
        sex_labels={"total": "totalt"},
    )
    assert len(frame) == 22 * 3
    assert _value(frame, "0000", "2022") == 5.2  # row 4, G
    assert _value(frame, "0010", "2020") == 8.4  # row 29, G
    assert _value(frame, "0010", "2022") == 6.3  # row 31, G
    assert _value(frame, "0025", "2022") == 3.5  # row 67, G


def test_scb_bas_counties_monthly(actor_dir: Path) -> None:
    query = {
        "path": "scb-bas__arbetsmarknadsstatus_tidsserie.xlsx",
        "area_codes": "scb",
    }
    by_period = _read(
        actor_dir,
        **query,
        columns={"area": "regionkod", "period": "Period", "value": "arbetslöshet"},
    )
    by_month_name = _read(
        actor_dir,
        **query,
        columns={"area": "regionkod", "year": "ar", "month": "manad_long", "value": "arbetslöshet"},
    )
    pd.testing.assert_frame_equal(by_period, by_month_name)
    assert len(by_period) == 22 * 49  # 2020-01 .. 2024-01
    assert _value(by_period, "0000", "2020-01") == 6.0  # row 2, F
    assert _value(by_period, "0000", "2024-01") == 5.5  # row 50, F
    assert _value(by_period, "0001", "2020-01") == 4.9  # row 51, F
    assert _value(by_period, "0025", "2024-01") == 3.4  # row 1079, F


def test_scb_panel_municipalities(actor_dir: Path) -> None:
    query = {
        "path": "scb-panel__municip_data.csv",
        "area_codes": "no_leading_zero",  # 114 means 0114
    }
    pop = _read(
        actor_dir, **query, columns={"area": "municip_code", "year": "year", "value": "pop"}
    )
    assert pop.area.nunique() == 290
    assert len(pop) == 290 * 6 - 1  # Knivsta (0330) was formed in 2003: no 2002 row
    assert _value(pop, "0114", "2002") == 37524  # row 2, column pop
    assert _value(pop, "1082", "2022") == 32226  # row 564, column pop
    assert _value(pop, "2584", "2022") == 22555  # row 1740, column pop

    tax = _read(
        actor_dir,
        **query,
        columns={"area": "municip_code", "year": "year", "value": "tax_rate_4_years_back"},
    )
    missing = tax[tax.status == "missing"]
    # Empty cells in rows 74 (Nykvarn 2002), 170 (Knivsta 2006), 697 (Malmö 2002), 985
    # (Göteborg 2002).
    assert sorted(missing.area + " " + missing.period) == [
        "0140 2002",
        "0330 2006",
        "1280 2002",
        "1480 2002",
    ]
    assert missing["value"].isna().all()
    assert _value(tax, "0114", "2002") == 19.5  # row 2, column tax_rate_4_years_back

    # Declared as Kolada codes, the stripped codes are refused with a hint.
    error = _error(
        actor_dir,
        **{**query, "area_codes": "kolada"},
        columns={"area": "municip_code", "year": "year", "value": "pop"},
    )
    assert (error.row, error.column, error.column_letter) == (2, "municip_code", None)
    assert "use area_codes: no_leading_zero" in str(error)


def test_scb_panel_sweden_yearly(actor_dir: Path) -> None:
    frame = _read(
        actor_dir,
        path="scb-panel__ts_sweden_yearly.csv",
        area="0000",  # no area column: the whole file is riket
        columns={"year": "year", "value": "unemployed"},
    )
    assert len(frame) == 51
    assert set(frame.area) == {"0000"}
    assert _value(frame, "0000", "1970") == 1.9  # row 2, column unemployed
    assert _value(frame, "0000", "1999") == 7.9  # row 31, column unemployed
    assert _value(frame, "0000", "2020") == 8.4  # row 52, column unemployed


def test_retrieved_at_and_raw_body(actor_dir: Path) -> None:
    path = actor_dir / "scb-panel__ts_sweden_yearly.csv"
    result = read_actor_file(
        FileQuery(path=path.name, area="0000", columns={"year": "year", "value": "employed"}),
        data_dir=actor_dir,
        indicator="employment",
    )
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    assert set(result.frame.retrieved_at) == {pd.Timestamp(mtime).floor("us")}
    assert set(result.frame.indicator) == {"employment"}
    assert [raw.body for raw in result.raw] == [path.read_bytes()]
    assert result.frame.equals(tidy.conform(result.frame))


# --- reading options, with SYNTHETIC files ------------------------------------------------


def test_swedish_csv_with_codes_and_decimal_comma(tmp_path: Path) -> None:
    # SYNTHETIC: semicolons, decimal commas, grouped thousands, missing-value codes, cp1252.
    text = (
        "Tabell: arbetslöshet\n"
        "Region;År;Kön;Värde\n"
        "00 Riket;2023;Kvinnor och män;1 234,5\n"
        "17 Värmlands län;2023;Kvinnor och män;..\n"
        "17 Värmlands län;2023;Kvinnor;-\n"
        "17 Värmlands län;2023;Män;\n"
        "20 Dalarnas län;2023;Kvinnor och män;.\n"
        "20 Dalarnas län;2023;Män;NA\n"
        "21 Gävleborgs län;2023;Kvinnor och män;-0,25\n"
    )
    (tmp_path / "syn.csv").write_bytes(text.encode("cp1252"))
    frame = _read(
        tmp_path,
        path="syn.csv",
        encoding="cp1252",
        decimal=",",
        skip_rows=1,
        columns={"area": "Region", "year": "År", "sex": "Kön", "value": "Värde"},
        area_codes="code_prefix",
        sex_labels=SEX_LABELS,
    )
    assert _value(frame, "0000", "2023") == 1234.5
    assert _value(frame, "0021", "2023") == -0.25
    statuses = dict(zip(frame.area + "/" + frame.sex, frame.status, strict=True))
    assert statuses == {
        "0000/total": "",
        "0017/total": "missing",
        "0017/women": "missing",
        "0017/men": "missing",
        "0020/total": "not_applicable",
        "0020/men": "missing",
        "0021/total": "",
    }
    assert frame.loc[frame.status != "", "value"].map(math.isnan).all()


def test_comma_csv_with_bom_and_periods(tmp_path: Path) -> None:
    # SYNTHETIC: UTF-8 with byte-order mark (as Excel writes it), PxWeb-style months.
    (tmp_path / "syn.csv").write_bytes(
        "\ufeffkod,period,v\n0010,2024M01,1.5\n1082,2024-2,2\n".encode()
    )
    frame = _read(
        tmp_path,
        path="syn.csv",
        columns={"area": "kod", "period": "period", "value": "v"},
        area_codes="kolada",
    )
    assert list(frame.area + " " + frame.period) == ["0010 2024-01", "1082 2024-02"]


def test_excel_positions_with_offset_table(tmp_path: Path) -> None:
    # SYNTHETIC: the table starts at C3 under a title and blank rows; errors must still
    # name Excel's own rows and letters.
    rows: list[list[Any]] = [
        ["Rapport från kommunen"],
        [],
        [None, None, "Kommun", "År", "Antal"],
        [None, None, "Karlshamn", 2023, 12],
        [None, None, "Ronneby", 2023, "tolv"],
    ]
    _xlsx(tmp_path / "syn.xlsx", {"Blad1": rows})
    query = {
        "path": "syn.xlsx",
        "skip_rows": 1,
        "columns": {"area": "Kommun", "year": "År", "value": "Antal"},
        "area_codes": "name",
    }
    error = _error(tmp_path, **query)
    assert str(error) == "syn.xlsx, sheet 'Blad1', row 5, column E (Antal): 'tolv' is not a number"
    rows[4][4] = 10.75
    _xlsx(tmp_path / "syn.xlsx", {"Blad1": rows})
    frame = _read(tmp_path, **query)
    assert list(frame.area) == ["1082", "1081"]
    assert list(frame.value) == [12.0, 10.75]


def test_sheet_by_index(tmp_path: Path) -> None:
    # SYNTHETIC: two sheets; 1 picks the second.
    _xlsx(
        tmp_path / "syn.xlsx",
        {"a": [["x"]], "b": [["Område", "År", "V"], ["Riket", "2020", "3,5"]]},
    )
    frame = _read(
        tmp_path,
        path="syn.xlsx",
        sheet=1,
        decimal=",",  # also for numbers that Excel holds as text
        columns={"area": "Område", "year": "År", "value": "V"},
        area_codes="name",
    )
    assert (frame.area.iloc[0], frame.value.iloc[0]) == ("0000", 3.5)


# --- errors ---------------------------------------------------------------------------


def _fk_workbook(tmp_path: Path, value_in_g14: Any = "abc") -> Path:
    """SYNTHETIC Försäkringskassan-like sheet 'tabell': 12 months of riket, then row 14."""
    header = ["År", "Månad", "Län", "Kommun", "Ålder", "Kön", "Ohälsotalet"]
    rows = [
        ["2024", f"{m:02d}", "Riket", "Riket", "Samtliga 16-64 år", "Kvinnor och män", 20 + m]
        for m in range(1, 13)
    ]
    last = ["2024", "01", "17 Värmlands län", "x", "Samtliga 16-64 år", "Kvinnor", value_in_g14]
    return _xlsx(tmp_path / "forsakringskassan.xlsx", {"tabell": [header, *rows, last]})


def test_non_numeric_value(tmp_path: Path) -> None:
    _fk_workbook(tmp_path)
    error = _error(tmp_path, **{**FK_MONTHLY, "path": "forsakringskassan.xlsx"})
    assert str(error) == (
        "forsakringskassan.xlsx, sheet 'tabell', row 14, column G (Ohälsotalet): "
        "'abc' is not a number"
    )
    assert (error.file, error.sheet, error.row) == ("forsakringskassan.xlsx", "tabell", 14)
    assert (error.column, error.column_letter) == ("Ohälsotalet", "G")


def test_decimal_comma_hint(tmp_path: Path) -> None:
    # SYNTHETIC
    (tmp_path / "syn.csv").write_text("år;värde\n2020;1,5\n", encoding="utf-8")
    error = _error(tmp_path, path="syn.csv", area="0000", columns={"year": "år", "value": "värde"})
    assert str(error) == "syn.csv, row 2, column 'värde': '1,5' is not a number; set decimal: ','"


def test_file_not_found(tmp_path: Path) -> None:
    error = _error(
        tmp_path, path="data/saknas.xlsx", area="0000", columns={"year": "År", "value": "V"}
    )
    assert error.file == "data/saknas.xlsx"
    assert str((tmp_path / "data" / "saknas.xlsx").resolve()) in str(error)
    assert "relative to the data directory" in str(error)


def test_wrong_encoding(tmp_path: Path) -> None:
    # SYNTHETIC: saved by Swedish Excel as cp1252, read as UTF-8.
    (tmp_path / "syn.csv").write_bytes("år,kön,v\n2020,Kvinnor,1\n2020,Män,2\n".encode("cp1252"))
    error = _error(tmp_path, path="syn.csv", area="0000", columns={"year": "år", "value": "v"})
    assert error.row == 1  # "år" in the header is the first byte that is not UTF-8
    assert str(error).startswith("syn.csv, row 1: the bytes b'\\xe5' are not utf-8")
    assert "encoding: cp1252" in str(error)


def test_missing_sheet(tmp_path: Path) -> None:
    _fk_workbook(tmp_path)
    error = _error(
        tmp_path, **{**FK_MONTHLY, "path": "forsakringskassan.xlsx", "sheet": "Tabell 1"}
    )
    assert (
        str(error) == "forsakringskassan.xlsx: there is no sheet 'Tabell 1'; sheets are: 'tabell'"
    )
    error = _error(tmp_path, **{**FK_MONTHLY, "path": "forsakringskassan.xlsx", "sheet": 3})
    assert "no sheet number 3" in str(error)


def test_missing_column(tmp_path: Path) -> None:
    _fk_workbook(tmp_path)
    columns = {**FK_MONTHLY["columns"], "value": "Ohälsotal"}
    error = _error(tmp_path, **{**FK_MONTHLY, "path": "forsakringskassan.xlsx", "columns": columns})
    assert str(error) == (
        "forsakringskassan.xlsx, sheet 'tabell', row 1: no value column 'Ohälsotal'; columns "
        "are: 'År', 'Månad', 'Län', 'Kommun', 'Ålder', 'Kön', 'Ohälsotalet'; "
        "did you mean 'Ohälsotalet'?"
    )
    # A filter on a column that is not there is reported the same way.
    error = _error(
        tmp_path, **{**FK_MONTHLY, "path": "forsakringskassan.xlsx", "filters": {"Alder": "x"}}
    )
    assert "no filter column 'Alder'" in str(error) and "did you mean 'Ålder'?" in str(error)


def test_filter_matching_nothing(tmp_path: Path) -> None:
    _fk_workbook(tmp_path)
    error = _error(
        tmp_path,
        **{**FK_MONTHLY, "path": "forsakringskassan.xlsx", "filters": {"Ålder": "16-64 år"}},
    )
    assert str(error) == (
        "forsakringskassan.xlsx, sheet 'tabell', column E (Ålder): no row has '16-64 år'; "
        "values are: 'Samtliga 16-64 år'"
    )


def test_unknown_area_code(tmp_path: Path) -> None:
    # SYNTHETIC: 0099 is no area; did the user mean 0009 (Gotland region)?
    (tmp_path / "syn.csv").write_text("kod,år,v\n0010,2020,1\n0099,2020,2\n", encoding="utf-8")
    error = _error(
        tmp_path,
        path="syn.csv",
        columns={"area": "kod", "year": "år", "value": "v"},
        area_codes="kolada",
    )
    assert (error.row, error.column) == (3, "kod")
    assert str(error).startswith("syn.csv, row 3, column 'kod': unknown area code '0099'")


def test_unknown_area_name(tmp_path: Path) -> None:
    # SYNTHETIC: a misspelt municipality name.
    (tmp_path / "syn.csv").write_text("namn,år,v\nKarlshamn,2020,1\nKarlshman,2020,2\n", "utf-8")
    error = _error(
        tmp_path,
        path="syn.csv",
        columns={"area": "namn", "year": "år", "value": "v"},
        area_codes="name",
    )
    assert (error.row, error.column) == (3, "namn")
    assert "unknown area name 'Karlshman'" in str(error)
    assert "did you mean 'Karlshamn'" in str(error)


def test_unknown_sex_label(tmp_path: Path) -> None:
    _fk_workbook(tmp_path, value_in_g14=1.0)
    labels = {"total": "Kvinnor och män", "men": "Män"}  # "Kvinnor" (row 14) is not declared
    error = _error(
        tmp_path, **{**FK_MONTHLY, "path": "forsakringskassan.xlsx", "sex_labels": labels}
    )
    assert str(error) == (
        "forsakringskassan.xlsx, sheet 'tabell', row 14, column F (Kön): 'Kvinnor' is not one "
        "of the sex_labels (total: 'Kvinnor och män', men: 'Män')"
    )


def test_duplicate_row(tmp_path: Path) -> None:
    # SYNTHETIC: two age bands for the same area and year, and no filter on age.
    (tmp_path / "syn.csv").write_text(
        "kod;ålder;år;v\n0010;16-24;2020;1\n0010;25-29;2020;2\n", encoding="utf-8"
    )
    error = _error(
        tmp_path,
        path="syn.csv",
        columns={"area": "kod", "year": "år", "value": "v"},
        area_codes="kolada",
    )
    assert str(error) == (
        "syn.csv, row 3: area 0010, period 2020, sex total already came in row 2; add a "
        "filter so that one row remains (they differ in 'ålder')"
    )
    frame = _read(
        tmp_path,
        path="syn.csv",
        columns={"area": "kod", "year": "år", "value": "v"},
        area_codes="kolada",
        filters={"ålder": "25-29"},
    )
    assert list(frame.value) == [2.0]


def test_bad_period_and_month(tmp_path: Path) -> None:
    # SYNTHETIC
    (tmp_path / "syn.csv").write_text("år,mån,v\n2020,13,1\n", encoding="utf-8")
    error = _error(
        tmp_path, path="syn.csv", area="0000", columns={"year": "år", "month": "mån", "value": "v"}
    )
    assert (
        str(error)
        == "syn.csv, row 2, column 'mån': '13' is not a month (1-12 or a Swedish month name)"
    )
    (tmp_path / "syn.csv").write_text("period,v\n2020 Q1,1\n", encoding="utf-8")
    error = _error(
        tmp_path, path="syn.csv", area="0000", columns={"period": "period", "value": "v"}
    )
    assert "'2020 Q1' is not a period" in str(error)


def test_duplicate_header(tmp_path: Path) -> None:
    # SYNTHETIC: like MUCF's cross tables, "Andel" heads two columns.
    _xlsx(tmp_path / "syn.xlsx", {"s": [["År", "Andel", "Andel"], [2022, 0.1, 0.2]]})
    error = _error(tmp_path, path="syn.xlsx", area="0000", columns={"year": "År", "value": "Andel"})
    assert "occurs more than once (columns B and C)" in str(error)


def test_not_an_excel_file(tmp_path: Path) -> None:
    # SYNTHETIC: a CSV saved with an .xlsx name.
    (tmp_path / "syn.xlsx").write_text("år,v\n2020,1\n", encoding="utf-8")
    error = _error(tmp_path, path="syn.xlsx", area="0000", columns={"year": "år", "value": "v"})
    assert str(error).startswith("syn.xlsx: not a readable Excel file")


# --- the YAML model ------------------------------------------------------------------


BASE = {"path": "a.csv", "area": "0000", "columns": {"year": "år", "value": "v"}}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"path": "/data/a.csv"}, "is absolute"),
        ({"path": "C:\\data\\a.csv"}, "is absolute"),
        ({"path": "a.json"}, "cannot read .json"),
        ({"sheet": "x"}, "sheet applies to Excel files"),
        ({"path": "a.xlsx", "delimiter": ";"}, "apply to CSV files"),
        ({"columns": {"period": "p", "year": "år", "value": "v"}}, "either columns.period"),
        ({"columns": {"month": "m", "period": "p", "value": "v"}}, "columns.month needs"),
        ({"columns": {"area": "a", "year": "år", "value": "v"}}, "either columns.area"),
        ({"area": None, "columns": {"area": "a", "year": "år", "value": "v"}}, "area_codes"),
        ({"area": "9999"}, "unknown area code '9999'"),
        ({"columns": {"sex": "k", "year": "år", "value": "v"}}, "go together"),
        ({"sex_labels": {"women": "K", "men": "k"}}, "same label"),
        ({"area_code": "kolada"}, "Extra inputs are not permitted"),
        ({"encoding": "utf-16"}, "encoding"),
        ({"skip_rows": -1}, "skip_rows"),
    ],
)
def test_query_validation(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(")):
        FileQuery.model_validate({**BASE, **change})


def test_json_schema_documents_every_field() -> None:
    schema = FileQuery.model_json_schema()
    assert schema["additionalProperties"] is False
    for name, field in schema["properties"].items():
        assert field.get("description"), name
    columns = schema["$defs"]["ColumnMap"]
    assert all(field.get("description") for field in columns["properties"].values())
    assert set(schema["required"]) == {"path", "columns"}


def test_mtime_is_the_vintage(tmp_path: Path) -> None:
    # SYNTHETIC: an unchanged file keeps its vintage; a replaced one gets a new one.
    path = tmp_path / "syn.csv"
    path.write_text("år,v\n2020,1\n", encoding="utf-8")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    first = _read(tmp_path, path="syn.csv", area="0000", columns={"year": "år", "value": "v"})
    assert first.retrieved_at.iloc[0] == pd.Timestamp(1_700_000_000, unit="s", tz="UTC")
