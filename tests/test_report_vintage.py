"""`collab report --vintage DATE`: the report on the data as the store held it before DATE.

The store gets a SYNTHETIC revision between two fetches (Region Blekinge's 2017 youth
unemployment 8.42 -> 8.012345, retrieved 2025-03-01, after the offline snapshot of
2024-08-30); a report with a vintage before the revision shows the old value and says so.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from golden import visible_text
from helpers import run_cli

from collab_metrics.model.tidy import FetchResult
from collab_metrics.store.database import Store

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = str(REPO / "params" / "blekinge-unga-lyfter.yaml")


@pytest.fixture(scope="module")
def revised_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("vintage") / "store.duckdb"
    assert run_cli("fetch", BLEKINGE, "--offline", "--store", str(store)).code == 0
    with Store.open(store) as writable:
        frame = writable.current(indicators="kolada:N03921", areas="0010", sexes="total")
        revised = frame[frame["period"] == "2017"].assign(
            value=8.012345, retrieved_at=pd.Timestamp("2025-03-01", tz="UTC"), source="kolada"
        )
        writable.write([FetchResult(revised)], label="synthetic revision")
    return store


def _report(store: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = run_cli(
        "report", BLEKINGE, "--as-of", "2017", "--store", str(store), "--out", str(out),
        "--format", "html", "--jobs", "2", *extra,
    )  # fmt: skip
    return result.code, result.out + result.err


def test_a_vintage_before_the_revision_shows_the_old_value(
    revised_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = run_cli("status", BLEKINGE, "--as-of", "2017", "--format", "csv",
                    "--store", str(revised_store))  # fmt: skip
    assert "8.012345" in today.out, "without --vintage the revised value counts"
    monkeypatch.chdir(tmp_path)  # from outside the repository
    code, printed = _report(revised_store, tmp_path / "out", "--vintage", "2025-01-01")
    assert code == 0, printed
    folder = tmp_path / "out" / "blekinge-unga-lyfter" / "2017-vintage-2025-01-01"
    text = visible_text((folder / "joint_followup.html").read_text(encoding="utf-8"))
    assert "till 8,4 % (2017)" in text and "takten 77 %" in text
    assert "8,0 %" not in text
    assert text.index("Statistiken som lagret hade den före 1 januari 2025") < text.index(
        "Sammanfattning"
    )
    actor = visible_text((folder / "actors" / "karlshamn.html").read_text(encoding="utf-8"))
    assert "Statistiken som lagret hade den före 1 januari 2025" in actor
    assert not (folder.parent / "latest").exists(), "a view of the past is not the latest"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["previous_report"] is None
    assert manifest["known_before"] == "2025-01-01"
    status = json.loads((folder / "status.json").read_text(encoding="utf-8"))
    assert status["known_before"] == "2025-01-01"
    halving = status["rows"][0]
    assert (halving["goal"], halving["sex"]) == ("halve-youth-unemployment", "total")
    assert halving["latest_value"] == pytest.approx(8.41851)
    executed = (folder / "notebooks" / "joint_followup.ipynb").read_text(encoding="utf-8")
    assert '"vintage": "2025-01-01"' in executed, "the audit trail records the vintage"
    assert "as known before 2025-01-01" in printed


@pytest.mark.parametrize(
    ("day", "words"),
    [
        ("2020-01-01", "no data retrieved before that day"),
        ((date.today() + timedelta(days=1)).isoformat(), "lies in the future"),
    ],
    ids=["before-the-first-fetch", "future"],
)
def test_a_vintage_the_store_cannot_answer_for_is_bad_input(
    revised_store: Path, tmp_path: Path, day: str, words: str
) -> None:
    code, printed = _report(revised_store, tmp_path / "out", "--vintage", day)
    assert code == 2 and words in printed and "Traceback" not in printed
    assert not (tmp_path / "out").exists(), "nothing is written"
