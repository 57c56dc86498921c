"""Every exception class of the package has the one root `CollabError`, keeps its built-in
base, and the CLI's exit status follows the root's subclasses."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import collab_metrics
from collab_metrics.errors import CollabError, DataError, InputError, RunError


def _exception_classes() -> list[type[BaseException]]:
    """Every exception class defined in a module of the package (imported on purpose)."""
    found = []
    for info in pkgutil.walk_packages(collab_metrics.__path__, "collab_metrics."):
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == info.name:
                found.append(value)
    return found


def test_every_exception_class_derives_from_collab_error() -> None:
    classes = _exception_classes()
    assert len(classes) >= 20, [c.__name__ for c in classes]
    strays = [f"{c.__module__}.{c.__qualname__}" for c in classes if not issubclass(c, CollabError)]
    assert strays == []


def test_built_in_bases_are_kept() -> None:
    from collab_metrics.model.areas import UnknownAreaError
    from collab_metrics.model.limits import NotRegularFile
    from collab_metrics.model.periods import PeriodError
    from collab_metrics.sources.ddf import SnapshotError
    from collab_metrics.workbooks import ActorImportError

    assert issubclass(PeriodError, ValueError) and issubclass(UnknownAreaError, ValueError)
    assert issubclass(ActorImportError, ValueError) and issubclass(SnapshotError, LookupError)
    assert issubclass(NotRegularFile, OSError)
    assert str(NotRegularFile("a fifo")) == "a fifo"


def test_the_cli_exit_status_follows_the_subclass() -> None:
    from collab_metrics.cli.commands import UserError
    from collab_metrics.model.framework import FrameworkError
    from collab_metrics.pipeline.update import UpdateLocked
    from collab_metrics.report.render import ReportFailed
    from collab_metrics.sources.http import SourceUnreachable
    from collab_metrics.store import StoreLocked

    assert issubclass(UserError, InputError) and issubclass(FrameworkError, InputError)
    assert issubclass(ReportFailed, RunError) and issubclass(UpdateLocked, RunError)
    assert issubclass(SourceUnreachable, DataError) and issubclass(StoreLocked, DataError)
    assert (InputError.exit_code, RunError.exit_code, DataError.exit_code) == (2, 1, 1)
