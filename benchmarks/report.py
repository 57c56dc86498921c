"""Benchmark `collab report` for the Blekinge demo from a warm store.

Measures the floor (papermill executing an empty notebook with the collab-metrics kernel),
then the whole report (joint follow-up, baseline analysis, one extract per actor; HTML,
PDF and Excel) run serially (--jobs 1) and in parallel (one process per core), with wall
time and the peak memory of the largest process. The aim: the whole report within
2 x (notebooks / cores) x floor, so that kernel start-up, not our code, dominates.

Run: `.venv/bin/python benchmarks/report.py` (it fetches the offline snapshot first).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill
from nbformat.v4 import new_code_cell, new_notebook

from collab_metrics.report.render import KERNEL, ensure_kernel

REPO = Path(__file__).resolve().parent.parent
PARAMS = REPO / "params" / "blekinge-unga-lyfter.yaml"
COLLAB = Path(sys.executable).parent / "collab"


def main() -> None:
    ensure_kernel()
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        store = work_dir / "store.duckdb"
        subprocess.run(
            [COLLAB, "fetch", PARAMS, "--offline", "--store", store],
            check=True,
            capture_output=True,
        )
        floor = _floor(work_dir)
        cores = os.cpu_count() or 1
        print(f"floor: papermill runs an empty notebook in {floor:.2f} s (median of 3)")
        for label, jobs in (("serial", 1), ("parallel", cores)):
            wall, peak, manifest = _report(work_dir / label, store, jobs)
            notebooks = len(manifest["notebooks"])
            aim = 2 * notebooks / cores * floor
            print(
                f"{label:<9} --jobs {jobs}: {notebooks} notebooks in {wall:.1f} s "
                f"(aim {aim:.1f} s = 2 x {notebooks}/{cores} x floor), "
                f"largest process {peak:.0f} MB"
            )
            for entry in manifest["notebooks"]:
                print(
                    f"    {entry['name']:<28} execute {entry['execute_seconds']:>5.2f} s  "
                    f"export {entry['export_seconds']:>5.2f} s"
                )


def _floor(work_dir: Path) -> float:
    parameters = new_code_cell("x = 1")
    parameters.metadata["tags"] = ["parameters"]
    empty = work_dir / "empty.ipynb"
    nbformat.write(new_notebook(cells=[parameters]), empty)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        papermill.execute_notebook(
            str(empty),
            str(work_dir / "empty-out.ipynb"),
            kernel_name=KERNEL,
            language="python",
            progress_bar=False,
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _report(out: Path, store: Path, jobs: int) -> tuple[float, float, dict]:
    started = time.perf_counter()
    subprocess.run(
        [COLLAB, "report", PARAMS, "--store", store, "--out", out, "--jobs", str(jobs)],
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - started
    # ru_maxrss of children is the largest single descendant, in KiB on Linux.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    manifest_path = next(out.rglob("manifest.json"))
    return wall, peak, json.loads(manifest_path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
