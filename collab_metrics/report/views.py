"""The small view models the parts' templates share: marks, labels, figures and tables.

A view holds values already formatted for the language; `parts/macros.html.j2` turns them
into markup. `kind` tells the `cell` macro how to show a table cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Final, TypeAlias

from collab_metrics.report.markup import CONSISTENCY_ICONS, STATUS_ICONS, Html
from collab_metrics.text import format as fmt
from collab_metrics.text.labels import (
    ACTION_STATUS,
    CONSISTENCY,
    DIRECTION,
    JUDGEMENT,
    STATUS,
    Language,
)

# More than this many lines of one kind (a national collaboration's 290 actors, their
# missing assessments) are set compactly rather than one line each.
MANY: Final = 20


@dataclass(frozen=True)
class Mark:
    """A status or consistency verdict as icon and words, never colour alone."""

    kind: str  # "status" or "consistency": the CSS classes `status status-on_track`
    code: str
    icon: str
    words: str


@dataclass(frozen=True)
class Label:
    """Words with a semantic class a style sheet may colour (`direction direction-better`)."""

    cls: str
    words: str
    kind: ClassVar[str] = "label"


@dataclass(frozen=True)
class Figure:
    """A value with its period on a line of its own, to keep table columns narrow."""

    value: str
    period: str | None = None
    kind: ClassVar[str] = "figure"


@dataclass(frozen=True)
class Labelled:
    """A row header of two lines: a name and, smaller, what it is about."""

    name: str
    detail: str
    kind: ClassVar[str] = "labelled"


@dataclass(frozen=True)
class Lines:
    """Cells shown one above the other."""

    parts: Sequence[Cell]
    kind: ClassVar[str] = "lines"


@dataclass(frozen=True)
class GoalLink:
    """A goal's title linking to its section, with a sparkline under it."""

    title: str
    anchor: str
    sparkline: Html
    kind: ClassVar[str] = "goal_link"


Cell: TypeAlias = "str | Html | Mark | Label | Figure | Labelled | Lines | GoalLink"


@dataclass(frozen=True)
class Row:
    """A body row: a row header, then cells; `numeric` cell indices are right-aligned."""

    header: Cell
    cells: Sequence[Cell]
    cls: str | None = None
    numeric: frozenset[int] = frozenset()
    scope: str = "row"


@dataclass(frozen=True)
class Table:
    """A table with a caption and column headers; each group is one <tbody>."""

    caption: str
    headers: Sequence[str]
    groups: Sequence[Sequence[Row]]
    cls: str


def status_mark(code: str, language: Language) -> Mark:
    """A status as icon and words."""
    return Mark("status", code, STATUS_ICONS[code], STATUS[language][code])


def verdict_mark(verdict: str, language: Language) -> Mark:
    """Whether the actors' targets add up, as icon and words."""
    return Mark("consistency", verdict, CONSISTENCY_ICONS[verdict], CONSISTENCY[language][verdict])


def direction_label(code: str, language: Language) -> Label:
    return Label(f"direction direction-{code}", DIRECTION[language][code])


def judgement_label(code: str, language: Language) -> Label:
    return Label(f"assessment assessment-{code}", JUDGEMENT[language][code])


def action_status_label(code: str, language: Language) -> Label:
    return Label(f"action-status action-status-{code}", ACTION_STATUS[language][code])


def figure(value: Any, period: Any, unit: str, language: Language) -> Figure:
    """14,2 % over (2017); an en dash when the value is missing."""
    if fmt.missing(value):
        return Figure("–")
    if fmt.missing(period):
        return Figure(fmt.value_with_unit(value, unit, language))
    return Figure(
        fmt.value_with_unit(value, unit, language), f"({fmt.period(str(period), language)})"
    )
