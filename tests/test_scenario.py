"""A coordinator's follow-up cycle over three simulated years, run from a working directory
outside the repository, with every check on the text of the rendered reports.

Each simulated year Kolada publishes one more year of real values (the local replay
server serves the offline snapshot up to that year) and the actor sends its file again.
Year 1: first report, workbooks out, an answer and a corrected figure back, a report
listing them, a run with nothing new. Year 2: new statistics, an early figure for the next
year from the actor (listed, not moving the period), nothing new. Year 3: new statistics
with a revision, then an outage. The framework and the actor's figures are SYNTHETIC
(tests/cycle_setup.py); the statistics are real.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import openpyxl
import pytest
from cycle_setup import (
    AREAS,
    closed_port_url,
    collab,
    section,
    visible_text,
    write_figures,
    write_framework,
)
from kolada_replay import KoladaReplay, Point, load_snapshot
from pytest_httpserver import HTTPServer

from collab_metrics.store import Store
from collab_metrics.text.labels import JUDGEMENT

NAVIGATOR = "file:cycle-test:navigator"


def _publish(replay: KoladaReplay, points: list[Point], year: int) -> None:
    """Kolada publishes `year`: its values appear, and in the change feed."""
    for p in points:
        if p.period == year:
            key = (p.kpi, p.area, p.period)
            entry = {"gender": p.gender, "count": 1, "status": None, "value": p.value}
            replay.entries.setdefault(key, []).append({**entry, "isdeleted": False})
            replay.changed.add(key)


def _report(home: Path) -> tuple[str, str]:
    """The latest report's folder name and the text of its joint follow-up."""
    name = (home / "latest").read_text(encoding="utf-8").strip()
    return name, (home / name / "joint_followup.html").read_text(encoding="utf-8")


def _value(store: Path, period: str) -> tuple[float, str]:
    with Store.open(store, read_only=True) as opened:
        rows = opened.current(indicators=NAVIGATOR).set_index("period")
    return rows.loc[period, "value"], rows.loc[period, "source"]


def test_three_years_of_follow_up(
    tmp_path: Path, httpserver: HTTPServer, ddf_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a coordinator's own folder, not the repository
    monkeypatch.setenv("COLLAB_HTTP_RETRY_WAIT", "0.01")
    points = load_snapshot(ddf_dir, "N03921", AREAS) + load_snapshot(ddf_dir, "N01951", AREAS)
    replay = KoladaReplay(httpserver, [p for p in points if p.period <= 2020])
    monkeypatch.setenv("COLLAB_KOLADA_URL", replay.base_url)
    write_framework(tmp_path, {2019: 120, 2020: 135})
    home = tmp_path / "outputs" / "cycle-test"
    update = ("update", "cycle-test.yaml", "--store", "data/store.duckdb", "--jobs", "2")

    # --- year 1: the first report, then the actors' workbooks ---------------------------
    first = collab(*update)
    assert first.code == 0
    name1, html = _report(home)
    assert "Uppföljning 2020, med statistik till och med 2020" in visible_text(html)
    assert "Det finns ingen tidigare rapport" in section(html, "what-changed")

    made = collab("collect", "template", "cycle-test.yaml", "--period", "2020")
    assert made.code == 0
    workbook = home / "collect" / "2020" / "cycle-test-karlshamn-2020.xlsx"
    book = openpyxl.load_workbook(workbook)
    book["Mål"]["I3"] = JUDGEMENT["sv"]["partly"]
    book["Mål"]["J3"] = "Navigatorcentrum öppnade i mars."
    for column, value in zip("ABCE", ["navigator", "1082", "2020", 140], strict=True):
        book["Egna mått"][f"{column}3"] = value  # the actor corrects its file's 135
    book.save(workbook)
    imported = collab("collect", "import", "cycle-test.yaml", str(workbook))
    assert imported.code == 0
    assert "importerad (Karlshamns kommun, 2020)" in imported.out

    second = collab(*update)
    assert second.code == 0
    assert "new answers from karlshamn for 2020" in second.out
    assert f"revised {NAVIGATOR} 1082 2020 total: 135 (file) -> 140 (collect)" in second.out
    name2, html = _report(home)
    changed = section(html, "what-changed")
    assert "Jämfört med rapporten" in changed
    assert "135,0 personer (aktörens fil) 140,0 personer (insamlad arbetsbok)" in changed
    assert "Navigatorcentrum öppnade i mars." in visible_text(html)

    quiet = collab(*update)  # the unchanged actor file must not revert the correction
    assert quiet.code == 3
    assert _value(Path("data/store.duckdb"), "2020") == (140, "collect")

    # --- year 2: new statistics; the actor already has an early figure for next year ---
    _publish(replay, points, 2021)
    write_figures(tmp_path, {2019: 120, 2020: 135, 2021: 150, 2022: 30})
    third = collab(*update)
    assert third.code == 0
    assert "new period 2021 for kolada:N03921" in third.out
    name3, html = _report(home)
    assert "Uppföljning 2021, med statistik till och med 2021" in visible_text(html)
    newer = section(html, "newer-data")
    assert "uppföljningsperioden 2021" in newer and "Unga i navigatorcentrum" in newer
    assert "2022" in newer
    assert "2021" in section(html, "what-changed")  # the new period is listed
    assert _value(Path("data/store.duckdb"), "2020") == (140, "collect")
    assert collab(*update).code == 3

    # --- year 3: new statistics with a revision of last year's; then an outage ---------
    _publish(replay, points, 2022)
    old = next(p.value for p in points if (p.area, p.period, p.gender) == ("0010", 2021, "T"))
    replay.revise("N03921", "0010", 2021, "T", round(old + 0.5, 2))
    write_figures(tmp_path, {2019: 120, 2020: 135, 2021: 150, 2022: 170})
    fourth = collab(*update)
    assert fourth.code == 0
    name4, html = _report(home)
    assert "Uppföljning 2022, med statistik till och med 2022" in visible_text(html)
    changed = section(html, "what-changed")
    assert "Ändrade värden (2 st)" in changed  # Kolada's revision and the actor's new 2022
    assert "30,0 personer 170,0 personer" in changed
    assert 'id="newer-data"' not in html

    monkeypatch.setenv("COLLAB_KOLADA_URL", closed_port_url())
    outage = collab(*update)
    assert outage.code == 4
    assert "could not check Kolada" in outage.out and "no new report written" in outage.out
    assert _report(home)[0] == name4

    # --- the history: four reports of one day, none replaced, each linked to the last --
    folders = sorted(d.name for d in home.iterdir() if d.is_dir() and d.name != "collect")
    assert sorted([name1, name2, name3, name4]) == folders
    chain = [name1, name2, name3, name4]
    for before, after in itertools.pairwise(chain):
        manifest = json.loads((home / after / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["previous_report"]["folder"] == before
