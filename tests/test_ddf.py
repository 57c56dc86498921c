"""The offline Kolada snapshot adapter, against the real DDF files in ../shared/data."""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from collab_metrics.model import areas, tidy
from collab_metrics.sources import ddf
from collab_metrics.sources.ddf import SnapshotError, SnapshotRequest


def _file_values(path: Path, kpi: str) -> dict[tuple[str, ...], float]:
    """The values of a datapoints file keyed by its text columns, parsed by Python itself."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            tuple(v for k, v in row.items() if k != kpi): float(row[kpi])
            for row in csv.DictReader(handle)
        }


def _rows(frame: pd.DataFrame, *columns: str) -> list[tuple[object, ...]]:
    return list(frame[list(columns)].itertuples(index=False, name=None))


def _value(frame: pd.DataFrame, area: str, period: str, sex: str = "total") -> float:
    selected = frame[(frame.area == area) & (frame.period == period) & (frame.sex == sex)]
    assert len(selected) == 1, selected
    return float(selected["value"].iloc[0])


@pytest.fixture(scope="module")
def n03921(ddf_dir: Path) -> pd.DataFrame:
    """All of N03921 (youth unemployment 16-24), every area, year and sex."""
    return ddf.read_snapshot([SnapshotRequest("youth", "N03921")], root=ddf_dir).frame


def test_values_come_through_exactly(ddf_dir: Path, n03921: pd.DataFrame) -> None:
    totals = _file_values(ddf_dir / "ddf--datapoints--n03921--by--geo--year.csv", "n03921")
    # The sanity values of the data README, compared with the file's own text, exactly.
    assert totals[("0", "2010")] == 8.559536
    assert _value(n03921, "0000", "2010") == totals[("0", "2010")]
    assert _value(n03921, "0010", "2013") == totals[("10", "2013")] == 14.191367
    assert _value(n03921, "0010", "2017") == totals[("10", "2017")] == 8.41851
    assert _value(n03921, "1060", "2010") == totals[("1060", "2010")]
    assert round(totals[("1060", "2010")], 2) == 17.72
    assert _value(n03921, "1060", "2022") == totals[("1060", "2022")]
    assert round(totals[("1060", "2022")], 2) == 5.84


def test_every_value_of_a_file_matches(ddf_dir: Path, n03921: pd.DataFrame) -> None:
    totals = _file_values(ddf_dir / "ddf--datapoints--n03921--by--geo--year.csv", "n03921")
    present = n03921[(n03921.sex == "total") & (n03921.status == "")]
    read = {(areas.to_ddf(a), p): v for a, p, v in _rows(present, "area", "period", "value")}
    # The dump strips leading zeros inconsistently ("01" and "1"); compare on canonical codes.
    expected = {(areas.to_ddf(areas.from_ddf(g)), y): v for (g, y), v in totals.items()}
    assert read == expected


def test_women_and_men_come_from_the_gender_file(ddf_dir: Path, n03921: pd.DataFrame) -> None:
    by_gender = _file_values(
        ddf_dir / "ddf--datapoints--n03921--by--geo--gender--year.csv", "n03921"
    )
    assert _value(n03921, "0010", "2013", "women") == by_gender[("10", "k", "2013")]
    assert _value(n03921, "0010", "2013", "men") == by_gender[("10", "m", "2013")]
    assert _value(n03921, "1060", "2022", "women") == by_gender[("1060", "k", "2022")]
    assert by_gender[("10", "k", "2013")] != by_gender[("10", "m", "2013")]


def test_tidy_contract(n03921: pd.DataFrame) -> None:
    assert list(n03921.columns) == list(tidy.COLUMNS)
    assert n03921.equals(tidy.conform(n03921))
    assert set(n03921.source) == {"ddf"}
    assert set(n03921.indicator) == {"youth"}
    assert set(n03921.retrieved_at) == {datetime(2024, 8, 30, tzinfo=UTC)}
    assert set(n03921.sex) == set(tidy.SEXES)
    assert n03921.area.map(areas.is_known).all()
    assert not n03921.duplicated(["area", "period", "sex"]).any()


def test_gaps_in_the_dump_are_missing_rows(n03921: pd.DataFrame) -> None:
    # The dump has riket by sex only from 2016: earlier years are explicit gaps, not absent.
    riket_women = n03921[(n03921.area == "0000") & (n03921.sex == "women")]
    gap = riket_women[riket_women.period == "2010"]
    assert gap["value"].isna().all()
    assert list(gap["status"]) == ["missing"]
    assert (n03921["status"] == "").eq(n03921["value"].notna()).all()
    assert n03921["status"].isin(["", *tidy.MISSING_REASONS]).all()


def test_area_year_and_sex_filters(ddf_dir: Path) -> None:
    request = SnapshotRequest(
        "youth", "N03921", areas=["0010", "1082"], years=[2013, 2017], sexes=["women"]
    )
    frame = ddf.read_snapshot([request], root=ddf_dir).frame
    assert sorted(_rows(frame, "area", "period", "sex")) == [
        ("0010", "2013", "women"),
        ("0010", "2017", "women"),
        ("1082", "2013", "women"),
        ("1082", "2017", "women"),
    ]
    assert frame["value"].notna().all()


def test_requested_area_or_year_without_data_is_missing(ddf_dir: Path) -> None:
    # U31804 is published for municipalities and riket only; the snapshot ends in 2022.
    request = SnapshotRequest("aid", "U31804", areas=["0010", "1082"], years=[2022, 2023])
    frame = ddf.read_snapshot([request], root=ddf_dir).frame
    assert len(frame) == 2 * 2 * 3
    present = frame[frame.status == ""]
    assert set(_rows(present, "area", "period")) == {("1082", "2022")}
    assert frame.loc[frame.status == "missing", "value"].isna().all()


def test_several_requests_and_kpi_case(ddf_dir: Path) -> None:
    requests = [
        SnapshotRequest("youth", "n03921", areas=["0000"], years=[2022], sexes=["total"]),
        SnapshotRequest("life_men", "N00923", areas=["0000"], years=[2022]),
    ]
    frame = ddf.read_snapshot(requests, root=ddf_dir).frame
    assert list(frame.indicator) == ["youth", "life_men"]
    # N00923 has no breakdown by sex, so "every sex it has" is the total only.
    assert list(frame.sex) == ["total", "total"]


def test_unknown_kpi_lists_the_snapshot(ddf_dir: Path) -> None:
    with pytest.raises(SnapshotError, match="no data for KPI 'N99999'") as caught:
        ddf.read_snapshot([SnapshotRequest("x", "N99999")], root=ddf_dir)
    assert "N03921" in str(caught.value)
    assert "U31804" in str(caught.value)


def test_sex_the_snapshot_lacks(ddf_dir: Path) -> None:
    with pytest.raises(SnapshotError, match="no women breakdown of KPI 'N00923'"):
        ddf.read_snapshot([SnapshotRequest("x", "N00923", sexes=["women"])], root=ddf_dir)


def test_area_codes_must_be_canonical(ddf_dir: Path) -> None:
    with pytest.raises(ValueError, match="'10' is not a Kolada area code"):
        ddf.read_snapshot([SnapshotRequest("x", "N03921", areas=["10"])], root=ddf_dir)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="COLLAB_OFFLINE_DATA"):
        ddf.read_snapshot([SnapshotRequest("x", "N03921")], root=tmp_path / "nowhere")


def test_geo_codes_with_stripped_zeros(tmp_path: Path) -> None:
    # Synthetic snapshot: the dump writes Stockholm as "01" in some files and "1" in others.
    (tmp_path / "ddf--datapoints--n00001--by--geo--year.csv").write_text(
        "geo,year,n00001\n0,2020,1.5\n1,2020,2.25\n0114,2020,3\n10,2021,0.1\n", encoding="utf-8"
    )
    frame = ddf.read_snapshot([SnapshotRequest("x", "N00001")], root=tmp_path).frame
    present = frame[frame.status == ""]
    assert {(a, p): v for a, p, v in _rows(present, "area", "period", "value")} == {
        ("0000", "2020"): 1.5,
        ("0001", "2020"): 2.25,
        ("0114", "2020"): 3.0,
        ("0010", "2021"): 0.1,
    }
    assert len(frame) == 4 * 2  # every area in every year; the 6 gaps are "missing"


def test_reading_everything(ddf_dir: Path) -> None:
    """The whole snapshot reads in one call (its time is measured by benchmarks/assess.py)."""
    requests = [SnapshotRequest(kpi, kpi) for kpi in ddf.available_kpis(ddf_dir)]
    assert len(requests) == 16
    frame = ddf.read_snapshot(requests, root=ddf_dir).frame
    assert len(frame) > 150_000
    assert set(frame["indicator"]) == {request.indicator for request in requests}


def test_metadata_for_n03921(ddf_dir: Path) -> None:
    meta = ddf.kpi_metadata("N03921", root=ddf_dir)
    assert meta["kpi"] == "N03921"
    assert meta["title"] == "Arbetslöshet 16-24 år, årsmedelvärde, andel (%) av bef."
    assert meta["description"].endswith("Källa: Arbetsförmedlingen och SCB.")
    assert meta["agency"] == "Arbetsförmedlingen och SCB"
    assert meta["is_divided_by_gender"] is True
    assert meta["operating_area"] == ["Bakgrund"]


@pytest.mark.parametrize(
    ("kpi", "agency"),
    [
        ("N00923", "SCB"),
        ("N02797", "Myndigheten för ungdoms- och civilsamhällesfrågor (mucf)"),
        # Written without the colon: "Källa Socialstyrelsens register ...".
        (
            "U31804",
            "Socialstyrelsens register över ekonomiskt bistånd samt Registret över "
            "totalbefolkningen (RTB)",
        ),
        ("N03067", "SCB"),  # "Källa: SCB. Källa: SCB."
        ("U01413", "Folkhälsomyndigheten (HLV)"),  # "Källa: Källa: Folkhälsomyndigheten (HLV)"
    ],
)
def test_agency_extraction(ddf_dir: Path, kpi: str, agency: str) -> None:
    assert ddf.kpi_metadata(kpi, root=ddf_dir)["agency"] == agency


def test_metadata_details(ddf_dir: Path) -> None:
    assert ddf.kpi_metadata("N00923", root=ddf_dir)["is_divided_by_gender"] is False
    # The areas are joined by "," but an area may itself contain ", ".
    assert ddf.kpi_metadata("N00957", root=ddf_dir)["operating_area"] == [
        "Bakgrund",
        "Landstinget, övergripande",
    ]
    with pytest.raises(SnapshotError, match="'X1' is not in"):
        ddf.kpi_metadata("X1", root=ddf_dir)


def test_default_snapshot_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("COLLAB_OFFLINE_DATA", raising=False)
    default = ddf.default_snapshot_dir()
    assert default.parts[-3:] == ("shared", "data", "kolada-ddf")
    monkeypatch.setenv("COLLAB_OFFLINE_DATA", str(tmp_path))
    assert ddf.default_snapshot_dir() == tmp_path


def test_missing_value_is_nan_not_zero(n03921: pd.DataFrame) -> None:
    missing = n03921[n03921.status == "missing"]["value"]
    assert len(missing) > 0
    assert all(math.isnan(v) for v in missing)
