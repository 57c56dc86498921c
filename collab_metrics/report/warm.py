"""Inside a warm report kernel: what is loaded once, and what is cleared between documents.

`collab_metrics.report.workers` keeps one Jupyter kernel per worker and renders many
documents in it in turn. Before the first document the kernel runs `start()`: it imports
what every report notebook uses and makes `sections.load_context` remember its result, so
the framework, the store and the assessment are read once per kernel, not once per
document. Each call still gets its own deep copy, so a document cannot change what the next
one sees. After every document the kernel runs `reset()`: figures closed, the user
namespace and the execution counter cleared, as in a fresh kernel.
"""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

_T = TypeVar("_T")


def start() -> None:
    """Import what the report notebooks use and cache their report context."""
    import matplotlib.pyplot  # noqa: F401  (the notebooks' charts: imported once)

    from collab_metrics.report import sections

    if not getattr(sections.load_context, "__wrapped__", None):
        sections.load_context = remembered(sections.load_context)
    reset()


def reset() -> None:
    """Clear what one document left in the kernel: figures, variables, history, counter."""
    import gc

    import matplotlib.pyplot as plt
    from IPython import get_ipython

    plt.close("all")
    shell = get_ipython()
    if shell is not None:  # new_session: the execution counter starts at 1 again
        shell.reset(new_session=True)
    gc.collect()


def remembered(load: Callable[..., _T]) -> Callable[..., _T]:
    """`load` computed once per distinct arguments and day, a deep copy handed out per call.

    A path among the arguments counts with its size and modification time, so a framework
    or store changed on disk is read again.
    """
    cache: dict[tuple[Any, ...], _T] = {}

    @functools.wraps(load)
    def cached(*args: Any, **kwargs: Any) -> _T:
        key = (
            tuple(_stamp(a) for a in args),
            tuple(sorted((k, _stamp(v)) for k, v in kwargs.items())),
            date.today(),
        )
        if key not in cache:
            cache.clear()  # one report's context at a time: memory stays flat
            cache[key] = load(*args, **kwargs)
        return copy.deepcopy(cache[key])

    return cached


def _stamp(value: Any) -> Any:
    """A hashable stand-in for an argument; a file also by its size and modification time."""
    if isinstance(value, str | Path):
        try:
            status = os.stat(value)
        except (OSError, ValueError):
            return str(value)
        return (str(value), status.st_size, status.st_mtime_ns)
    return repr(value)
