"""Inside a warm report kernel: what is loaded once, and what is cleared between documents.

`collab_metrics.report.workers` keeps one Jupyter kernel per worker and renders many
documents in it in turn. Before the first document the kernel runs `start()`: it imports
what every report notebook uses and enables the report context cache
(`collab_metrics.report.context.enable_context_cache`), so the framework, the store and the
assessment are read once per kernel, not once per document; each `load_context` call still
gets its own deep copy. A fresh kernel (or any other process) does not use the cache. After
every document the kernel runs `reset()`: figures closed, the user namespace and the
execution counter cleared, as in a fresh kernel.

What survives a reset (modules, the cached context) is frozen out of the garbage
collector (`gc.freeze`): a full collection would otherwise walk the whole cached context,
a national collaboration's 290 actors included, after every document and whenever the
document's own allocations trigger one (0.1 s per document at national scale).
"""

from __future__ import annotations


def start() -> None:
    """Import what the report notebooks use and enable the report context cache."""
    import matplotlib.pyplot  # noqa: F401  (the notebooks' charts: imported once)

    from collab_metrics.report import context, sections  # noqa: F401  (imported once)

    context.enable_context_cache()
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
    gc.freeze()  # what is left is the kernel's own: not walked again by later collections
