"""`collab status` end to end on the real demo frameworks, from an offline fetch."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import run_cli

from collab_metrics.analysis.assess import COLUMNS
from collab_metrics.model.tidy import FetchResult
from collab_metrics.store import Store

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = str(REPO / "params" / "blekinge-unga-lyfter.yaml")
VARMLAND = str(REPO / "params" / "varmland-nya-perspektiv.yaml")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("store") / "store.duckdb"
    for params in (BLEKINGE, VARMLAND):
        assert run_cli("fetch", params, "--offline", "--store", str(path)).code == 0
    return str(path)


def test_table_in_swedish_as_of_2017(store: str) -> None:
    result = run_cli("status", BLEKINGE, "--as-of", "2017", "--store", store, "--wide")
    assert result.code == 0, result.err
    assert "Målet nåddes inte" in result.out and "öka takten" not in result.out
    assert "14,2 % (2013)" in result.out and "Blekinges unga lyfter (2017)" in result.out
    assert "Kolada (offlineutdrag) 2024-08-30" in result.out


def test_csv_has_the_stable_columns(store: str) -> None:
    result = run_cli("status", BLEKINGE, "--format", "csv", "--store", store)
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert tuple(rows[0]) == COLUMNS
    halving = rows[0]
    assert (halving["goal"], halving["sex"], halving["status"]) == (
        "halve-youth-unemployment",
        "total",
        "achieved_late",
    )
    # R stays the one at the target year 2017; the late year is given.
    assert round(float(halving["ratio"]), 2) == 0.77
    assert (halving["achieved_year"], halving["target_year_value"]) == ("2022", "8.41851")
    assert "Data used" in result.err


def test_json_to_a_file_states_the_data_used(store: str, tmp_path: Path) -> None:
    out = tmp_path / "status.json"
    result = run_cli("status", VARMLAND, "--format", "json", "-o", str(out), "--store", store)
    assert result.code == 0, result.err
    document = json.loads(out.read_text(encoding="utf-8"))
    assert set(document["data"]["sources"]) == {"ddf", "file"}
    health = [r for r in document["rows"] if r["goal"] == "better-self-rated-health"]
    # The declared 2022 series break, then Värmland's survey method.
    assert health[0]["reason"].startswith("tidsseriebrott 2022 mellan basåret och senaste året")
    assert "metod: Liv & Hälsa" in health[0]["reason"]
    # The same in codes: the code behind the status, then every reason with its parameters.
    assert health[0]["reason_code"] == "series_break"
    assert health[0]["reasons"][0] == {"code": "series_break", "year": 2022}
    assert health[0]["reasons"][1]["code"] == "method"
    assert all(set(r) == {*COLUMNS, "reasons"} for r in document["rows"])
    ohalsotal = next(c for c in document["consistency"] if c["goal"] == "lower-ohalsotal")
    assert ohalsotal["verdict"] == "sufficient"  # all 16 municipalities aim for -15 %


def test_table_ends_with_the_consistency_verdict(store: str) -> None:
    result = run_cli("status", BLEKINGE, "--as-of", "2017", "--store", store, "--wide")
    assert "Aktörernas egna mål räcker till det gemensamma målet" in result.out


@pytest.mark.parametrize("params", [BLEKINGE, VARMLAND], ids=["blekinge", "varmland"])
def test_an_80_column_terminal_has_no_wrapped_rows(
    store: str, params: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run_cli("status", params, "--store", store)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert all(len(line) <= 80 for line in lines), result.out
    body = lines[next(i for i, x in enumerate(lines) if x.startswith("┡")) + 1 :]
    body = body[: next(i for i, x in enumerate(body) if x.startswith("└"))]
    rows = run_cli("status", params, "--store", store, "--format", "csv").out
    assert len(body) == len(pd.read_csv(io.StringIO(rows))), "a row took more than one line"
    assert "…" in result.out  # long titles are cut, not wrapped
    assert "Dolda kolumner:" in result.out and "--wide" in result.out


def test_wide_shows_every_column_in_full(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run_cli("status", BLEKINGE, "--as-of", "2017", "--store", store, "--wide")
    assert "Halvera ungdomsarbetslösheten i Blekinge" in result.out
    assert "Chans att nå målet" in result.out and "Dolda kolumner" not in result.out


def test_without_a_store_says_fetch_first(tmp_path: Path) -> None:
    result = run_cli("status", BLEKINGE, "--store", str(tmp_path / "none.duckdb"))
    assert result.code == 2
    assert "collab fetch" in result.err


def test_vintage_reproduces_what_was_known(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    assert run_cli("fetch", BLEKINGE, "--offline", "--store", str(store)).code == 0
    # SYNTHETIC revision, retrieved on 2025-03-01: Region Blekinge's 2017 value 8.42 -> 8.012345.
    with Store.open(store) as writable:
        frame = writable.current(indicators="kolada:N03921", areas="0010", sexes="total")
        revised = frame[frame["period"] == "2017"].assign(
            value=8.012345, retrieved_at=pd.Timestamp("2025-03-01", tz="UTC"), source="kolada"
        )
        writable.write([FetchResult(revised)], label="synthetic revision")

    def halving(*extra: str) -> dict[str, str]:
        result = run_cli(
            "status", BLEKINGE, "--as-of", "2017", "--format", "csv", "--store", str(store), *extra
        )
        assert result.code == 0, result.err
        return next(csv.DictReader(io.StringIO(result.out))) | {"err": result.err}

    now = halving()  # today's revised data
    assert now["latest_value"] == "8.012345" and round(float(now["ratio"]), 2) == 0.84
    then = halving("--vintage", "2025-01-01")  # what a report made then said
    assert then["latest_value"] == "8.41851" and round(float(then["ratio"]), 2) == 0.77
    assert "as known before 2025-01-01" in then["err"]
    refused = run_cli("status", BLEKINGE, "--vintage", "2020-01-01", "--store", str(store))
    assert refused.code == 2 and "no data retrieved before 2020-01-01" in refused.err
