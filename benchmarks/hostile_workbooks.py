"""Benchmark `collab collect import` on returned workbooks at and past the limits.

Each workbook is Karlshamn's real Blekinge template (made from a store fetched from the
offline snapshot), edited the way a careless or hostile sender could (SYNTHETIC content):

- at the limits: every goal justified with limits.CELL_TEXT characters and the action plan
  filled to limits.ACTIONS_PER_ACTOR_PERIOD actions of limits.CELL_TEXT characters each;
- past them: 50 000 action rows, one cell at row 1 048 576, a 1 MB justification, a sheet
  XML just under the unpacked-size limit, a formula judgement.

Every import runs as its own `collab` process; the figures are its wall time and peak
memory (max RSS). Then the report after the at-limits import is rendered (HTML + PDF +
Excel, --jobs 1) and timed, to compare with `benchmarks/report.py`.

Run: `.venv/bin/python benchmarks/hostile_workbooks.py [--no-report]`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook

from collab_metrics.model import limits
from collab_metrics.text.labels import ACTION_STATUS, JUDGEMENT

REPO = Path(__file__).resolve().parent.parent
PARAMS = REPO / "params" / "blekinge-unga-lyfter.yaml"
COLLAB = Path(sys.executable).parent / "collab"
TEXT = "Synthetic justification text. "  # SYNTHETIC


def _long(n: int) -> str:
    return (TEXT * (n // len(TEXT) + 1))[:n]


def at_limits(book: Workbook) -> None:
    goals, plan = book["Mål"], book["Handlingsplan"]
    for row in range(3, goals.max_row + 1):
        goals[f"I{row}"] = JUDGEMENT["sv"]["partly"]
        goals[f"J{row}"] = _long(limits.CELL_TEXT)
        goals[f"K{row}"] = "Synthetic Owner"
    for row in range(3, 3 + limits.ACTIONS_PER_ACTOR_PERIOD):
        plan[f"C{row}"] = _long(limits.CELL_TEXT)
        plan[f"D{row}"] = "Synthetic Unit"
        plan[f"E{row}"] = date(2018, 6, 30)
        plan[f"F{row}"] = ACTION_STATUS["sv"]["started"]


def many_actions(book: Workbook) -> None:
    plan = book["Handlingsplan"]
    for row in range(3, 50_003):
        plan[f"C{row}"] = f"Synthetic action {row}"


def rows_past_limit(book: Workbook) -> None:
    plan = book["Handlingsplan"]
    for row in range(3, limits.WORKBOOK_ROWS + 2):
        plan[f"C{row}"] = f"Synthetic action {row}"


def last_row(book: Workbook) -> None:
    book["Handlingsplan"]["C1048576"] = "x"


def long_justification(book: Workbook) -> None:
    book["Mål"]["I3"] = JUDGEMENT["sv"]["partly"]
    book["Mål"]["J3"] = _long(1_000_000)


def dense_sheet(book: Workbook) -> None:
    plan = book["Handlingsplan"]
    for row in range(3, limits.WORKBOOK_ROWS):
        for column in range(7, 120):  # past the columns read: parsed, then skipped
            plan.cell(row, column, 1)


def formula(book: Workbook) -> None:
    book["Mål"]["I3"] = '=HYPERLINK("http://example.invalid","Målet bedöms nås")'


CASES: dict[str, Callable[[Workbook], None]] = {
    "at the limits": at_limits,
    "50 000 action rows": many_actions,
    "action rows up to the row limit + 1": rows_past_limit,
    "one cell at row 1 048 576": last_row,
    "32 767-character justification": long_justification,
    "1.9 MB of sheet XML, 56 000 cells": dense_sheet,
    "formula judgement": formula,
}


def _run(*args: object) -> tuple[int, float, float, float, str]:
    """Exit code, wall and CPU seconds, peak MB and the refusal of one collab run.

    CPU time (user + system, the process and the children it waited for) is what the run
    costs; wall time also shows how busy the shared machine was."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [COLLAB, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    err = process.stderr.read().decode() if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    # The refusal line is in the framework's language: "refused: " or "avvisad: ".
    refusal = re.compile(r": (?:refused|avvisad): ")
    reason = [line for line in err.splitlines() if refusal.search(line)] or [err.strip()]
    cpu = usage.ru_utime + usage.ru_stime
    return code, wall, cpu, usage.ru_maxrss / 1024, refusal.split(reason[0])[-1][:110]


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        fetched = work_dir / "fetched.duckdb"
        subprocess.run(
            [COLLAB, "fetch", PARAMS, "--offline", "--store", fetched],
            check=True,
            capture_output=True,
        )
        templates = work_dir / "templates"
        subprocess.run(
            [
                COLLAB,
                "collect",
                "template",
                PARAMS,
                "--period",
                "2017",
                "--out",
                templates,
                "--store",
                fetched,
            ],
            check=True,
            capture_output=True,
        )
        template = templates / "blekinge-unga-lyfter-karlshamn-2017.xlsx"
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{os.cpu_count()} cores, load average {load}")
        for label, edit in CASES.items():
            book = load_workbook(template)
            edit(book)
            returned = work_dir / f"{edit.__name__}.xlsx"
            book.save(returned)
            store = work_dir / f"{edit.__name__}.duckdb"
            shutil.copy(fetched, store)
            code, wall, cpu, peak, err = _run(
                "collect", "import", PARAMS, returned, "--store", store
            )
            size = returned.stat().st_size / 1024
            outcome = "imported" if code == 0 else f"refused: {err}"
            print(
                f"{label:<38} {size:>5.0f} kB  wall {wall:5.1f} s  cpu {cpu:5.1f} s  "
                f"{peak:4.0f} MB  {outcome}"
            )
        if "--no-report" in sys.argv:
            return
        stores = {
            "without imports": fetched,
            "after the at-limits import": work_dir / "at_limits.duckdb",
        }
        for label, store in stores.items():
            code, wall, cpu, peak, _ = _run(
                "report", PARAMS, "--store", store, "--out", work_dir / label, "--jobs", "1"
            )
            print(
                f"report {label:<27} exit {code}  wall {wall:5.1f} s  cpu {cpu:5.1f} s  "
                f"{peak:4.0f} MB"
            )


if __name__ == "__main__":
    main()
