"""The follow-up cycle as a coordinator runs it, one defect at a time: "what changed" from
another working directory, report history, outages, the two channels of one series and
the explicit follow-up period. Every CLI run happens in a directory outside the
repository (tmp_path). The framework is SYNTHETIC (tests/cycle_setup.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from cycle_setup import closed_port_url, collab, section, write_figures, write_framework

from collab_metrics.model.tidy import FetchResult
from collab_metrics.store import Store


@pytest.fixture
def cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ddf_dir: Path) -> Path:
    """A working directory outside the repository with the framework and the actor file."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLLAB_OFFLINE_DATA", str(ddf_dir))
    monkeypatch.setenv("COLLAB_HTTP_RETRY_WAIT", "0.01")
    write_framework(tmp_path, {2019: 120, 2020: 135})
    return tmp_path


def _latest(home: Path) -> Path:
    return home / (home / "latest").read_text(encoding="utf-8").strip()


def _revise(store: Path, series: str, area: str, period: str, value: float) -> None:
    """Publish a revised value in the store, as a later fetch would (a real write)."""
    row = {
        "indicator": series, "area": area, "period": period, "sex": "total", "value": value,
        "status": "", "source": "ddf", "retrieved_at": datetime.now(UTC),
    }  # fmt: skip
    with Store.open(store) as opened:
        opened.write([FetchResult(pd.DataFrame([row]))], label="test revision")


def test_what_changed_lists_a_revision_when_run_from_another_directory(cycle: Path) -> None:
    """Defect 1: the previous status.json was passed relative to the working directory."""
    assert collab("fetch", "cycle-test.yaml", "--offline", "--store", "data/store.duckdb").code == 0
    report = ("report", "cycle-test.yaml", "--store", "data/store.duckdb", "--format", "html")
    first = collab(*report)
    assert first.code == 0, first.err
    _revise(cycle / "data" / "store.duckdb", "kolada:N03921", "0010", "2017", 8.5)
    second = collab(*report)
    assert second.code == 0, second.err

    folder = next(line[8:] for line in second.out.splitlines() if line.startswith("report: "))
    html = (cycle / folder / "joint_followup.html").read_text(encoding="utf-8")
    changed = section(html, "what-changed")
    assert "Det finns ingen tidigare rapport" not in changed
    assert "Jämfört med rapporten" in changed
    assert "Ändrade värden (1 st)" in changed
    assert "8,4 % 8,5 %" in changed  # before and now, Region Blekinge 2017


def test_a_second_report_the_same_day_keeps_the_first(cycle: Path) -> None:
    """Defect 5: a second report replaced the first; now both stay, linked by manifests."""
    assert collab("fetch", "cycle-test.yaml", "--offline", "--store", "data/store.duckdb").code == 0
    report = ("report", "cycle-test.yaml", "--store", "data/store.duckdb", "--format", "html")
    first = collab(*report)
    assert first.code == 0, first.err
    home = cycle / "outputs" / "cycle-test"
    morning = _latest(home)
    sent_out = (morning / "joint_followup.html").read_bytes()
    second = collab(*report)
    assert second.code == 0, second.err

    afternoon = _latest(home)
    assert afternoon != morning and afternoon.name.startswith(morning.name + "-")
    assert (morning / "joint_followup.html").read_bytes() == sent_out
    manifest = json.loads((afternoon / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["previous_report"]["folder"] == morning.name
    assert manifest["period"] == {"kind": "yearly", "label": "2022"}
    first_manifest = json.loads((morning / "manifest.json").read_text(encoding="utf-8"))
    assert first_manifest["previous_report"] is None
    assert f"compared with: {morning.name}" in second.out


def test_an_outage_is_not_nothing_changed(cycle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 4: with the network down, update said "store unchanged" and exited 3."""
    update = ("update", "cycle-test.yaml", "--store", "data/store.duckdb", "--jobs", "2")
    assert collab(*update, "--offline").code == 0
    monkeypatch.setenv("COLLAB_KOLADA_URL", closed_port_url())

    down = collab(*update)
    assert down.code == 4, down.out + down.err
    assert "could not check Kolada (http://127.0.0.1:" in down.out
    assert "no new report written" in down.out

    write_figures(cycle, {2019: 120, 2020: 135, 2021: 150})  # the actor's file has a new row
    local = collab(*update)
    assert local.code == 4, local.out + local.err
    assert "new period 2021 for file:cycle-test:navigator" in local.out
    assert "new report:" in local.out and "could not check Kolada" in local.out


def test_a_correction_by_import_is_not_reverted_by_the_unchanged_file(tmp_path: Path) -> None:
    """Defect 3: re-reading the unchanged actor file reverted a figure corrected by import."""
    store = tmp_path / "store.duckdb"
    key = {
        "indicator": "file:cycle-test:navigator",
        "area": "1082",
        "period": "2022",
        "sex": "total",
    }

    def write(value: float, source: str) -> None:
        row = {**key, "value": value, "status": "", "source": source}
        frame = pd.DataFrame([{**row, "retrieved_at": datetime.now(UTC)}])
        with Store.open(store) as opened:
            opened.write([FetchResult(frame)], label=source)

    def current() -> tuple[float, str]:
        with Store.open(store, read_only=True) as opened:
            row = opened.current(indicators=key["indicator"]).iloc[0]
        return row["value"], row["source"]

    write(51.7, "file")
    write(52.1, "collect")  # the actor corrects the figure in its workbook
    write(51.7, "file")  # the next update re-reads the unchanged file
    assert current() == (52.1, "collect")
    write(52.4, "file")  # the actor sends a new file: a new vintage again
    assert current() == (52.4, "file")
    with Store.open(store, read_only=True) as opened:
        history = opened.revisions(key["indicator"])
    columns = ["old_value", "old_source", "new_value", "source"]
    assert history[columns].values.tolist() == [
        [51.7, "file", 52.1, "collect"],
        [52.1, "collect", 52.4, "file"],
    ]


def test_the_period_is_the_shared_goals_latest_not_an_actors_newer_figure(cycle: Path) -> None:
    """Defect 2: an actor's 2023 figure made the whole follow-up "2023"."""
    write_figures(cycle, {2021: 150, 2022: 170, 2023: 40})
    assert collab("fetch", "cycle-test.yaml", "--offline", "--store", "data/store.duckdb").code == 0
    status = collab("status", "cycle-test.yaml", "--store", "data/store.duckdb", "--format", "json")
    assert status.code == 0, status.err
    document = json.loads(status.out)
    navigator = [r for r in document["rows"] if r["goal"] == "karlshamn-navigator"]
    assert navigator and all(r["latest_year"] == 2022 for r in navigator)
    assert document["period"] == "2022"
    assert "follow-up period 2022" in status.err

    bad = collab("status", "cycle-test.yaml", "--store", "data/store.duckdb", "--period", "2022-h1")
    assert bad.code == 2 and "not a yearly follow-up period" in bad.err

    report = collab("report", "cycle-test.yaml", "--store", "data/store.duckdb", "--format", "html")
    assert report.code == 0, report.err
    html = (_latest(cycle / "outputs" / "cycle-test") / "joint_followup.html").read_text("utf-8")
    assert "Uppföljning 2022, med statistik till och med 2022" in html
    newer = section(html, "newer-data")
    assert "Unga i navigatorcentrum" in newer and "2023" in newer


def test_the_predecessor_is_the_last_report_of_the_same_kind(tmp_path: Path) -> None:
    """ "What changed" compares with the newest earlier report of the same collaboration and
    period kind; a reproduction of the past (--as-of) and a later period do not count.
    SYNTHETIC manifests."""
    from collab_metrics.report import history

    def made(folder: str, at: str, label: str, as_of: int | None = None, kind: str = "yearly"):
        (tmp_path / folder).mkdir()
        manifest = {"collaboration": "c", "created_at": at, "as_of": as_of}
        manifest["period"] = {"kind": kind, "label": label}
        (tmp_path / folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")

    made("2026-03-12", "2026-03-12T08:00:00.000001+00:00", "2025")
    made("2026-03-12-141503", "2026-03-12T14:15:03.000001+00:00", "2025")
    made("2017", "2026-03-13T09:00:00.000001+00:00", "2017", as_of=2017)
    made("2026-03-14", "2026-03-14T09:00:00.000001+00:00", "2025-h2", kind="half-yearly")
    (tmp_path / "failed").mkdir()

    def folder(entry: history.Entry | None) -> str | None:
        return entry.directory.name if entry else None

    assert folder(history.predecessor(tmp_path, "c", "yearly", "2025")) == "2026-03-12-141503"
    assert folder(history.predecessor(tmp_path, "c", "yearly", "2018", as_of=2018)) == "2017"
    assert folder(history.predecessor(tmp_path, "c", "yearly", "2016", as_of=2016)) is None
    assert folder(history.predecessor(tmp_path, "c", "half-yearly", "2026-h1")) == "2026-03-14"
    assert folder(history.predecessor(tmp_path, "other", "yearly", "2025")) is None
    assert history.folder_name(tmp_path, "2017", datetime(2026, 3, 13, 9, 5, 1)) == "2017-090501"
    history.point_latest(tmp_path, "2026-03-12")
    assert folder(history.latest(tmp_path)) == "2026-03-12"
