"""The workbook's layout shared by templates and import: sheets, columns, rows, the
follow-up period, and which goals, actions and measures belong to an actor."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from collab_metrics.errors import InputError
from collab_metrics.model import limits
from collab_metrics.model.framework import Actor, ActorGoal, FileIndicator, Framework, SharedGoal
from collab_metrics.text.catalog import LANGUAGES, message
from collab_metrics.text.labels import Language

# Bump when the layout changes; an import reads only workbooks of its own version.
TEMPLATE_VERSION: Final = 2  # 2: the identification is signed
SOURCE: Final = "collect"
NEW_ACTION_ROWS: Final = 20
MEASURE_ROWS: Final = 100
# The very hidden sheet: identification in columns A:B, the dropdown lists from column D.
META_SHEET: Final = "collab"
INSTRUCTION_ROW: Final = 1
HEADER_ROW: Final = 2
FIRST_ROW: Final = 3
# A year, or a part of one: 2024, 2024-h1, 2024-q3, 2024-09. Lower case, because the
# period becomes part of the ids of new actions.
PERIOD: Final = re.compile(r"[0-9]{4}(?:-[0-9a-z]{1,3})?")  # ASCII digits only

AnyGoal = SharedGoal | ActorGoal


class CollectError(InputError, ValueError):
    """Bad input to `collab collect` the user can fix; the message is for the user."""


class ActorImportError(CollectError):
    """A workbook that was refused, with every problem naming sheet, row and column."""

    def __init__(self, file: str, problems: Sequence[str]) -> None:
        self.file = file
        self.problems = tuple(problems)
        super().__init__(f"{file}: {'; '.join(self.problems)}")


def say(key: str, language: Language, /, **params: object) -> str:
    """The workbook message `key` (`workbooks.<key>` in the catalog) in `language`."""
    return message(f"workbooks.{key}", language, **params)


@dataclass(frozen=True)
class Column:
    """A column: its key, its header (a message `header_<label>`), width and whether the
    actor fills it in."""

    key: str
    label: str
    width: int
    editable: bool = False
    former: tuple[str, ...] = ()  # labels of headers of templates sent earlier, still read

    def header(self, language: Language) -> str:
        return say(f"header_{self.label}", language)

    def accepts(self, header: object, language: Language) -> bool:
        """Whether `header` is this column's header, or one a template sent earlier had."""
        former = {say(f"header_{label}", other) for label in self.former for other in LANGUAGES}
        return header == self.header(language) or header in former


@dataclass(frozen=True)
class Sheet:
    """A sheet: its name (a message `sheet_<key>`) and its columns."""

    key: str
    columns: tuple[Column, ...]

    def name(self, language: Language) -> str:
        return say(f"sheet_{self.key}", language)

    def names(self) -> list[str]:
        """The sheet's name in every language: an import finds it under either."""
        return [self.name(language) for language in LANGUAGES]

    def index(self, key: str) -> int:
        """The 1-based column number of a column."""
        return next(i for i, c in enumerate(self.columns, start=1) if c.key == key)

    def letter(self, key: str) -> str:
        return column_letter(self.index(key))

    def column(self, key: str) -> Column:
        return self.columns[self.index(key) - 1]


GOALS: Final = Sheet(
    "goals",
    (
        Column("goal", "goal_id", 30),
        Column("title", "goal", 45),
        Column("area", "area", 22),
        Column("latest", "latest", 14),
        Column("latest_year", "year", 8),
        Column("target", "target", 18),
        Column("target_year", "target_year", 10),
        Column("status", "statistical_status", 34),
        Column("judgement", "judgement", 32, editable=True),
        Column("justification", "justification", 60, editable=True),
        Column("owner", "responsible", 24, editable=True),
    ),
)
ACTIONS: Final = Sheet(
    "actions",
    (
        Column("id", "action_id", 28),
        Column("goal", "goal", 45, editable=True, former=("goal_id",)),
        Column("description", "action", 55, editable=True),
        Column("responsible", "responsible", 24, editable=True),
        Column("due", "due", 14, editable=True),
        Column("status", "status", 16, editable=True),
    ),
)
MEASURES: Final = Sheet(
    "measures",
    (
        Column("indicator", "measure", 30, editable=True),
        Column("area", "area", 28, editable=True),
        Column("period", "period", 12, editable=True),
        Column("sex", "sex", 12, editable=True),
        Column("value", "value", 12, editable=True),
    ),
)
RESOURCES: Final = Sheet(
    "resources",
    (
        Column("year", "budget_year", 8),
        Column("agreed_amount", "agreed_amount", 18),
        Column("money", "money", 18, editable=True),
        Column("staff_fte", "staff_fte", 14, editable=True),
        Column("in_kind", "in_kind", 40, editable=True),
        Column("note", "note", 50, editable=True),
    ),
)
PRIORITIES: Final = Sheet(
    "priorities",
    (
        Column("priority", "priority_id", 24),
        Column("text", "priority", 55),
        Column("period", "period", 10),
        Column("outcome", "outcome", 22, editable=True),
        Column("comment", "note", 60, editable=True),
    ),
)
IDENTITY: Final = (
    "framework_id",
    "framework_sha256",
    "actor",
    "period",
    "template_version",
    "language",
    "goals",
    "actions",
    "new_action_start",
)


def column_letter(position: int) -> str:
    """The Excel letter of a 1-based column number."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(position)


@cache
def styles() -> dict[str, Any]:
    """The cell styles, made on first use."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    return {
        "bold": Font(bold=True),
        "header": PatternFill("solid", start_color="D9D9D9"),
        "rule": Border(bottom=Side(style="medium")),
        # Input cells are light yellow, and the instruction line names them by column
        # too, so nobody has to tell them apart by colour alone.
        "input": PatternFill("solid", start_color="FFF2CC"),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "unlocked": Protection(locked=False),
    }


def check_period(period: str) -> str:
    """The follow-up period as stored (lower case), or CollectError saying how to write it."""
    text = str(period).strip().lower()
    low, high = limits.YEAR_RANGE
    if not PERIOD.fullmatch(text) or not low <= int(text[:4]) <= high:
        raise CollectError(
            f"{period!r} is not a follow-up period; write a year from {low} to {high} (2024) "
            "or a part of one (2024-h1, 2024-q3, 2024-09)"
        )
    return text


def goals_of(fw: Framework, actor_id: str) -> list[AnyGoal]:
    """The actor's own goals, then the shared goals they contribute to: what it assesses."""
    own = [g for g in fw.actor_goals if g.actor == actor_id]
    shared = dict.fromkeys(g.contributes_to for g in own)
    return [*own, *(fw.shared_goal(goal_id) for goal_id in shared)]


def reported_measures(fw: Framework, actor_id: str) -> list[FileIndicator]:
    return [i for i in fw.indicators if isinstance(i, FileIndicator) and i.reported_by == actor_id]


def new_action_id(actor_id: str, period: str, number: int) -> str:
    return f"{actor_id}-{period}-{number}"


def goal_choices(goals: Sequence[AnyGoal]) -> dict[str, str]:
    """What the goal dropdown shows for each goal id: its title, with the id where two
    goals share a title (the import reads either back as the id)."""
    titles = Counter(g.title for g in goals)
    return {g.id: g.title if titles[g.title] == 1 else f"{g.title} ({g.id})" for g in goals}


def chosen_goal_id(fw: Framework, actor: Actor, chosen: str) -> str:
    """The goal id for what the goal cell holds: a dropdown title, or an id as typed."""
    by_choice = {choice: goal for goal, choice in goal_choices(goals_of(fw, actor.id)).items()}
    return by_choice.get(chosen, chosen)
