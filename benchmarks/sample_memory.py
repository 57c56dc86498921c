"""Check the peak memory per worker that `collab report` records, from outside.

Runs the command given and, every 10 ms, reads the resident memory (VmRSS) of each of its
child processes together with their own children: a report worker and its Jupyter kernel.
Prints each worker's largest sum and its parts. The manifest's figures (`peak_mb`, each
process's peak over a phase of a document, added up) are an upper bound of this; a
sample can miss a spike shorter than 10 ms.

Run: `.venv/bin/python benchmarks/sample_memory.py .venv/bin/collab report params.yaml
--store store.duckdb --out /tmp/out --jobs 2` (Linux).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

INTERVAL = 0.01  # seconds


def main(command: list[str]) -> None:
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peaks: dict[int, list[float]] = {}
    while run.poll() is None:
        for worker in _children(run.pid):
            parts = [_resident_mb(pid) for pid in _tree(worker)]
            if sum(parts) > sum(peaks.get(worker, [0.0])):
                peaks[worker] = parts
        time.sleep(INTERVAL)
    print(f"exit status {run.returncode}")
    for worker, parts in sorted(peaks.items()):
        shown = " + ".join(f"{p:.0f}" for p in parts)
        print(f"process {worker} and its children: {sum(parts):.0f} MB ({shown})")


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _tree(pid: int) -> list[int]:
    """The process and its descendants, without a child that is still a copy of its parent
    (forked, not yet running its own program): it shares its parent's memory."""
    own = _command(pid)
    children = [c for c in _children(pid) if _command(c) != own]
    return [pid, *(descendant for child in children for descendant in _tree(child))]


def _command(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _resident_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0.0  # ended between the listing and the reading
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    main(sys.argv[1:])
