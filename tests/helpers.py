"""Helpers shared by tests: run the `collab` CLI in-process and capture what it prints."""

from __future__ import annotations

import contextlib
import io
import sys
from dataclasses import dataclass

from collab_metrics.cli import main


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
    return CliResult(code, out.getvalue(), err.getvalue())
