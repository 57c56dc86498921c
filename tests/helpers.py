"""Helpers shared by tests: run the `collab` CLI in-process and capture what it prints."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from collab_metrics.cli.commands import main

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


def _national() -> ModuleType:
    """`benchmarks/national.py`, the benchmark's national case, loaded by its path."""
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "national.py"
    spec = importlib.util.spec_from_file_location("benchmark_national", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The national case the report benchmark measures (SYNTHETIC targets), for tests of many
# actors: `national_framework(count)` takes the first `count` municipalities by code.
_NATIONAL = _national()
national_framework: Callable[[int | None], dict[str, Any]] = _NATIONAL.national_framework
NATIONAL_GOAL: str = _NATIONAL.GOAL


@dataclass(frozen=True)
class Drawn:
    """What one panel of a page of small multiples showed when the page was drawn (the
    figure and its axes are drawn again for the next page)."""

    ylim: tuple[float, float]
    xticks: tuple[float, ...]
    yticks: tuple[float, ...]
    grids: tuple[tuple[float, ...], ...]  # each grid line collection's heights
    texts: tuple[str, ...]
    points: int  # data points on its lines


def drawn_panels(fig: Any) -> list[Drawn]:
    """The visible panels of a page of small multiples, as they are now."""
    return [
        Drawn(
            tuple(ax.get_ylim()),
            tuple(ax.get_xticks()),
            tuple(ax.get_yticks()),
            tuple(
                tuple(float(segment[0][1]) for segment in lines.get_segments())
                for lines in ax.collections
            ),
            tuple(text.get_text() for text in ax.texts),
            sum(len(line.get_xdata()) for line in ax.lines),
        )
        for ax in fig.axes
        if ax.get_visible()
    ]
