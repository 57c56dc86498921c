"""Helpers shared by tests: run the `collab` CLI in-process and capture what it prints."""

from __future__ import annotations

import contextlib
import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collab_metrics.cli.commands import main
from collab_metrics.sources import ddf

# Where run_cli keeps what each run printed, so that a failing test shows it (conftest.py
# sets it to a file in the test's tmp_path and attaches the file to the failure report).
LOG: Path | None = None


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> CliResult:
    """Run `collab ARGS` as a user would, returning exit status and output.

    An exception escaping `main` fails the calling test: users must never see one.
    """
    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = ["collab", *args]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = saved
    result = CliResult(code, out.getvalue(), err.getvalue())
    if LOG is not None:
        with LOG.open("a", encoding="utf-8") as handle:
            handle.write(f"$ collab {' '.join(args)}\nexit status {code}\n")
            handle.write(f"--- stdout\n{result.out}--- stderr\n{result.err}\n")
    return result


def offline_store(directory: Path, params: Path) -> Path:
    """A store in `directory` fetched for `params` from the offline snapshot (and the actors'
    files), as `collab fetch --offline` writes it; the fetch must succeed."""
    path = directory / "store.duckdb"
    result = run_cli("fetch", str(params), "--offline", "--store", str(path))
    assert result.code == 0, result.err
    return path


NATIONAL_GOAL = "halve-youth-unemployment"


def national_framework(count: int) -> dict[str, Any]:
    """SYNTHETIC: the first `count` municipalities (by code) as actors, each with a goal of
    its own on N03921 contributing to riket's shared goal; illustrative targets."""
    entities = ddf.default_snapshot_dir() / "ddf--entities--geo--kommun.csv"
    with entities.open(encoding="utf-8", newline="") as handle:
        municipalities = sorted((row["kommun"], row["name"]) for row in csv.DictReader(handle))
    target = {"year": 2022, "change_percent": -50}
    return {
        "collaboration": {
            "id": "synthetic-national",
            "name": "Unga i arbete (syntetiskt exempel)",
            "language": "sv",
            "owner": "test",
            "cadence": "yearly",
            "area": "0000",
        },
        "actors": [
            {"id": f"k{code}", "name": name, "kind": "municipality", "area": code}
            for code, name in municipalities[:count]
        ],
        "indicators": [
            {
                "id": "youth-unemployment",
                "title": "Arbetslöshet 16-24 år, andel av befolkningen 16-24 år",
                "unit": "%",
                "direction": "decrease",
                "source": "kolada",
                "query": {"kpi": "N03921"},
                "breakdowns": ["sex"],
                "natural_limit": 0,
            }
        ],
        "shared_goals": [
            {
                "id": NATIONAL_GOAL,
                "title": "Halvera ungdomsarbetslösheten i landet",
                "indicator": "youth-unemployment",
                "area": "0000",
                "baseline": {"year": 2013},
                "target": target,
            }
        ],
        "actor_goals": [
            {
                "id": f"k{code}-youth-unemployment",
                "title": f"Halvera ungdomsarbetslösheten i {name}",
                "actor": f"k{code}",
                "contributes_to": NATIONAL_GOAL,
                "indicator": "youth-unemployment",
                "baseline": {"year": 2013},
                "target": target,
            }
            for code, name in municipalities[:count]
        ],
        "assessments": [],
        "actions": [],
    }
