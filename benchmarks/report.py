"""Benchmark `collab report`: the Blekinge demo and a national case, serial and parallel.

Prints, in one run:

- the floor: papermill executing an empty notebook in a fresh collab-metrics kernel (what
  every document cost before the warm workers, before any work of its own);
- the Blekinge demo (9 documents: joint follow-up, baseline analysis, 7 actor extracts);
- the national case (292 documents): riket's youth-unemployment goal with all 290
  municipalities as actors, each with its own goal on N03921. Its framework is written at
  run time from the offline snapshot's entity list (`ddf--entities--geo--kommun.csv`) into a
  temporary folder: it is generated, not committed.

Each case runs from a warm store with `collab report` (HTML, PDF and Excel) with --jobs 1
and with one worker per core: wall time, seconds per document, and the peak memory of each
worker (from the manifest: its process plus its kernel over the phase of a document, executing
or exporting, in which they held the most). The aims (issue 12): the national
case within 6 x the Blekinge demo's time, i.e. one more actor extract at most about a fifth
of the per-document cost before (it prints that cost too: the difference of the two cases'
times per extra document), and under 500 MB per worker.

Run: `.venv/bin/python benchmarks/report.py` (3 to 5 minutes on 2 idle cores; say how
busy the machine was, e.g. with `uptime`, when quoting the figures).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat
import papermill
import yaml
from national import national_framework
from nbformat.v4 import new_code_cell, new_notebook

from collab_metrics.report.render import KERNEL, ensure_kernel

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"
COLLAB = Path(sys.executable).parent / "collab"
AIM_RATIO = 6.0
AIM_MB = 500.0


def main() -> None:
    ensure_kernel()
    cores = os.cpu_count() or 1
    print(f"load average before: {_load()}; {cores} cores")
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        national = work_dir / "national-youth.yaml"
        national.write_text(
            yaml.safe_dump(national_framework(), allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        floor = _floor(work_dir)
        print(f"floor: papermill runs an empty notebook in a fresh kernel in {floor:.2f} s")
        walls: dict[tuple[str, str], float] = {}
        documents: dict[str, int] = {}
        for case, params in (("blekinge", BLEKINGE), ("national", national)):
            store = work_dir / f"{case}.duckdb"
            subprocess.run(
                [COLLAB, "fetch", params, "--offline", "--store", store],
                check=True,
                capture_output=True,
            )
            for label, jobs in (("serial", 1), ("parallel", cores)):
                wall, manifest = _report(work_dir / case / label, params, store, jobs)
                walls[case, label] = wall
                documents[case] = len(manifest["notebooks"])
                _print_run(case, label, jobs, wall, manifest)
    extra = documents["national"] - documents["blekinge"]
    for label in ("serial", "parallel"):
        ratio = walls["national", label] / walls["blekinge", label]
        verdict = "within" if ratio <= AIM_RATIO else "over"
        print(
            f"national / blekinge, {label}: {ratio:.1f} x ({verdict} the aim of {AIM_RATIO:.0f} x)"
        )
        # What the aim spells the ratio out as: the cost of one more actor extract.
        marginal = (walls["national", label] - walls["blekinge", label]) / extra
        print(
            f"  one more document, {label}: {marginal:.2f} s"
            f" ((national - blekinge) / {extra} documents)"
        )
    print(f"load average after: {_load()}")


def _floor(work_dir: Path) -> float:
    """Median of 3: papermill executing a one-cell notebook, kernel start included."""
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


def _report(out: Path, params: Path, store: Path, jobs: int) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    subprocess.run(
        [COLLAB, "report", params, "--store", store, "--out", out, "--jobs", str(jobs)],
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - started
    manifest_path = next(out.rglob("manifest.json"))
    return wall, json.loads(manifest_path.read_text(encoding="utf-8"))


def _print_run(case: str, label: str, jobs: int, wall: float, manifest: dict[str, Any]) -> None:
    documents = manifest["notebooks"]
    # Each worker's peak: its largest phase (executing or exporting a document), its own
    # process and its kernel over that phase.
    per_worker: dict[int, dict[str, float]] = {}
    for entry in documents:
        for phase in entry["peak_mb"].values():
            if (phase["total"] or 0.0) > per_worker.get(entry["worker"], {"total": 0.0})["total"]:
                per_worker[entry["worker"]] = phase
    memory = ", ".join(
        f"{p['total']:.0f} MB ({p['worker']:.0f} process + {p['kernel']:.0f} kernel)"
        for p in per_worker.values()
    )
    largest = max(p["total"] for p in per_worker.values())
    execute = sum(e["execute_seconds"] for e in documents)
    export = sum(e["export_seconds"] for e in documents)
    print(
        f"{case:<9} {label:<9} --jobs {jobs}: {len(documents)} documents in {wall:.1f} s, "
        f"{wall / len(documents):.2f} s per document (execute {execute / len(documents):.2f} s, "
        f"export {export / len(documents):.2f} s each, summed over workers)"
    )
    verdict = "under" if largest < AIM_MB else "over"
    print(f"          peak memory per worker: {memory}; {verdict} {AIM_MB:.0f} MB")
    extracts = [e for e in documents if e["name"].startswith("actors/")]
    executing = statistics.median(e["execute_seconds"] for e in extracts)
    exporting = statistics.median(e["export_seconds"] for e in extracts)
    print(
        f"          an actor extract (median of {len(extracts)}): {executing:.2f} s to execute"
        f" + {exporting:.2f} s to export"
    )


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


if __name__ == "__main__":
    main()
