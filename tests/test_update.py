"""`collab update`, the scheduled re-run, against a local Kolada replay server serving
real snapshot values. The framework is a SYNTHETIC one-goal copy of the Blekinge demo, so
each report has three notebooks and the tests stay quick."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import openpyxl
import pytest
from helpers import run_cli
from kolada_replay import KoladaReplay, load_snapshot
from nbformat.v4 import new_code_cell, new_notebook
from pytest_httpserver import HTTPServer

from collab_metrics.report.render import default_notebooks_dir
from collab_metrics.store import Store
from collab_metrics.text.labels import JUDGEMENT

AREAS = {"0000", "0010", "1060", "1080", "1081", "1082", "1083"}
FRAMEWORK = """\
collaboration: {id: update-test, name: Synthetic update test, owner: Test, area: "0010"}
actors: [{id: karlshamn, name: Karlshamns kommun, kind: municipality, area: "1082"}]
indicators:
  - {id: youth, title: Arbetslöshet 16-24 år, unit: "%", direction: decrease, source: kolada,
     query: {kpi: N03921}, breakdowns: [sex], population_base: population,
     population_share: 0.10}
  - {id: population, title: Invånare, unit: invånare, direction: neutral, source: kolada,
     query: {kpi: N01951}, breakdowns: [sex]}
shared_goals:
  - {id: halve, title: Halvera ungdomsarbetslösheten, indicator: youth, area: "0010",
     baseline: {year: 2013}, target: {year: 2017, change_percent: -50}}
actor_goals:
  - {id: karlshamn-halve, title: Halvera i Karlshamn, actor: karlshamn, contributes_to: halve,
     indicator: youth, baseline: {year: 2013}, target: {year: 2017, change_percent: -50}}
"""


@pytest.fixture
def setup(
    tmp_path: Path, httpserver: HTTPServer, ddf_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path, Path, KoladaReplay]:
    """Framework, store, outputs and a replay server with real N03921 and N01951 values."""
    points = load_snapshot(ddf_dir, "N03921", AREAS) + load_snapshot(ddf_dir, "N01951", AREAS)
    replay = KoladaReplay(httpserver, points)
    monkeypatch.setenv("COLLAB_KOLADA_URL", replay.base_url)
    monkeypatch.setenv("COLLAB_HTTP_RETRY_WAIT", "0.01")
    params = tmp_path / "update-test.yaml"
    params.write_text(FRAMEWORK, encoding="utf-8")
    return params, tmp_path / "store.duckdb", tmp_path / "outputs", replay


def _update(params: Path, store: Path, out: Path, *extra: str):
    return run_cli(
        "update", str(params), "--store", str(store), "--out", str(out), "--jobs", "2", *extra
    )


def _latest(out: Path) -> Path:
    """The newest report, as `outputs/<collaboration>/latest` names it."""
    home = out / "update-test"
    return home / (home / "latest").read_text(encoding="utf-8").strip()


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*") if p.is_file()
    }


def test_first_run_writes_a_report_and_the_second_writes_nothing(setup) -> None:
    params, store, out, _ = setup
    first = _update(params, store, out)
    assert first.code == 0, first.err
    assert "no earlier report: writing the first one" in first.out
    assert (_latest(out) / "joint_followup.html").exists()
    before = _files(out)

    second = _update(params, store, out)
    assert second.code == 3, second.err
    assert "nothing changed since the last report" in second.out
    assert _files(out) == before


def test_a_revised_value_gives_a_report_that_lists_it(setup) -> None:
    params, store, out, replay = setup
    first = _update(params, store, out)
    assert first.code == 0, first.out + first.err
    replay.revise("N03921", "0010", 2017, "T", 8.5)  # published 8.41851
    third = _update(params, store, out)
    assert third.code == 0, third.err
    assert "revised kolada:N03921 0010 2017 total: 8.41851 -> 8.5" in third.out
    html = (_latest(out) / "joint_followup.html").read_text(encoding="utf-8")
    assert "8,5" in html and "8,4" in html  # the revision, old and new, in "what changed"


def test_a_failed_render_keeps_the_last_report_and_the_next_run_succeeds(
    setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    params, store, out, replay = setup
    assert _update(params, store, out).code == 0
    good = _files(out / "update-test")

    broken = tmp_path / "broken-notebooks"
    broken.mkdir()
    failing = new_code_cell("raise RuntimeError('simulated rendering failure')")
    parameters = new_code_cell('params = ""\nstore = ""\nas_of = None\nprevious = None')
    parameters.metadata["tags"] = ["parameters"]
    for name in ("joint_followup", "baseline_analysis", "actor_followup"):
        notebook = new_notebook(
            cells=[parameters, failing],
            metadata={"kernelspec": {"name": "collab-metrics", "display_name": "collab"}},
        )
        nbformat.write(notebook, broken / f"{name}.ipynb")
    monkeypatch.setenv("COLLAB_NOTEBOOKS", str(broken))
    replay.revise("N03921", "1082", 2017, "T", 8.0)
    failed = _update(params, store, out)
    assert failed.code == 1
    assert "simulated rendering failure" in failed.err and "Traceback" not in failed.err
    assert {
        k: v for k, v in _files(out / "update-test").items() if not k.startswith("failed")
    } == good
    with Store.open(store, read_only=True) as opened:  # consistent, with the new value
        values = opened.current(indicators=["kolada:N03921"], areas=["1082"], sexes=["total"])
    assert values.set_index("period").loc["2017", "value"] == 8.0

    monkeypatch.delenv("COLLAB_NOTEBOOKS")
    recovered = _update(params, store, out)
    assert recovered.code == 0, recovered.err
    assert "revised kolada:N03921 1082 2017 total" in recovered.out


def test_log_json_is_one_object_per_line(setup) -> None:
    params, store, out, _ = setup
    result = _update(params, store, out, "--log-json")
    assert result.code == 0, result.err
    events = [json.loads(line) for line in result.out.splitlines()]
    assert events[0]["event"] == "start"
    assert {"fetched", "change", "report"} <= {e["event"] for e in events}
    assert all({"time", "level", "message"} <= set(e) for e in events)


def test_two_concurrent_updates_one_waits(tmp_path: Path) -> None:
    params = tmp_path / "update-test.yaml"
    params.write_text(FRAMEWORK, encoding="utf-8")
    store, out = tmp_path / "store.duckdb", tmp_path / "outputs"
    command = [
        str(Path(sys.executable).parent / "collab"),
        "update", str(params), "--offline", "--store", str(store), "--out", str(out),
        "--jobs", "1",
    ]  # fmt: skip
    env = {**os.environ, "COLLAB_NOTEBOOKS": str(default_notebooks_dir())}
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)]
    runs.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env))
    results = [
        (r.wait(timeout=300), r.stdout.read().decode(), r.stderr.read().decode()) for r in runs
    ]
    assert sorted(code for code, _, _ in results) == [0, 3], results
    assert any("waiting" in stdout for _, stdout, _ in results), "the second run waited"
    with Store.open(store, read_only=True) as opened:
        fetches = opened.fetches()
    assert len(fetches) == 2 and fetches["new"].sum() > 0  # both fetches recorded, no overlap
    assert len([d for d in (out / "update-test").iterdir() if d.is_dir()]) == 1


def test_an_imported_workbook_is_a_change(setup, tmp_path: Path) -> None:
    params, store, out, _ = setup
    assert _update(params, store, out).code == 0
    made = run_cli(
        "collect", "template", str(params), "--period", "2017", "--out", str(tmp_path / "wb"),
        "--store", str(store),
    )  # fmt: skip
    assert made.code == 0, made.err
    workbook = next((tmp_path / "wb").glob("*karlshamn*.xlsx"))
    book = openpyxl.load_workbook(workbook)
    book["Mål"]["I3"] = JUDGEMENT["sv"]["partly"]  # as Karlshamn would answer
    book.save(workbook)
    imported = run_cli("collect", "import", str(params), str(workbook), "--store", str(store))
    assert imported.code == 0, imported.err
    result = _update(params, store, out)
    assert result.code == 0, result.err
    assert "new answers from karlshamn for 2017" in result.out
