"""collab-metrics: follow up shared goals of Swedish public-sector collaborations.

The public API for analysts (details in `collab_metrics.api` and the README, "Python API"):

>>> import collab_metrics as cm
>>> fu = cm.load(PARAMS, store=STORE, as_of=2017)          # doctest: +SKIP
>>> fu.observations(); fu.status(); fu.chart("goal-id")    # doctest: +SKIP

Names are imported on first use, so `import collab_metrics` stays fast for the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["CollabError", "FollowUp", "__version__", "fetch", "load", "render"]

if TYPE_CHECKING:
    from collab_metrics.api import FollowUp, fetch, load, render
    from collab_metrics.errors import CollabError

_WHERE = {
    "CollabError": "collab_metrics.errors",
    "FollowUp": "collab_metrics.api",
    "fetch": "collab_metrics.api",
    "load": "collab_metrics.api",
    "render": "collab_metrics.api",
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    if name not in _WHERE:
        raise AttributeError(f"module 'collab_metrics' has no attribute {name!r}")
    import importlib

    module = importlib.import_module(_WHERE[name])
    return getattr(module, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
