"""`collab report --vintage DATE`: a report on the data as the store held it before DATE.

The store keeps every vintage of every value (`Store.as_of`), so a report can show what was
known on a day, revisions made later left out, as `collab status --vintage` does. The day
reaches the notebooks as their `vintage` parameter (an ISO date; `load_context` reads the
store's vintages with it) and the report states it at its top, from the executed
notebook's recorded parameters.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from collab_metrics.errors import InputError
from collab_metrics.text.catalog import Language, message

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from collab_metrics.model.framework import Framework


class VintageError(InputError):
    """A --vintage day the store cannot answer for: in the future, or before its data."""


def moment(known_before: date) -> datetime:
    """The instant a vintage day stands for: its start (UTC), as in `collab status`."""
    return datetime.combine(known_before, time.min)


def check(fw: Framework, store_path: Path, known_before: date, today: date) -> None:
    """Refuse a day after `today` or one before the store's first data for the framework."""
    if known_before > today:
        raise VintageError(
            f"--vintage {known_before.isoformat()} lies in the future (today is "
            f"{today.isoformat()}); give a day up to today"
        )
    from collab_metrics.store.database import Store  # see `note`: not in a report worker

    series = sorted({fw.series_id(i.id) for i in fw.indicators})
    with Store.open(store_path, read_only=True) as store:
        known = store.as_of(moment(known_before), indicators=series)
    if known.empty:
        raise VintageError(
            f"--vintage {known_before.isoformat()}: the store {store_path} holds no data "
            f"retrieved before that day (it lies before the first fetch)"
        )


def parameter(node: NotebookNode) -> date | None:
    """The vintage day an executed notebook was run with (papermill records parameters)."""
    recorded = node.get("metadata", {}).get("papermill", {}).get("parameters", {})
    value = recorded.get("vintage")
    return date.fromisoformat(value) if value else None


def note(node: NotebookNode, language: Language) -> str | None:
    """The sentence at the top of a report made with --vintage, else None."""
    day = parameter(node)
    if day is None:
        return None
    # Here, not at the top: a report worker imports this module to export every document,
    # and the formatter brings pandas (70 MB) that only a --vintage report needs here.
    from collab_metrics.text import format as fmt

    return message("notebook.vintage_note", language, day=fmt.date(day, language))
