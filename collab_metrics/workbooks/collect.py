"""Per-actor Excel workbooks out, the actors' judgements, actions and figures back in.

Every follow-up period the coordinator sends each actor a workbook (`write_templates`):
its goals beside the latest statistics, with a judgement to choose, a justification and
who is responsible; its action plan to update and extend; and, for an actor that reports
a measure of its own, a sheet for the figures. The workbook validates its input cells
itself, locks the reference cells and carries a very hidden sheet saying which framework,
version, actor and period it was made for.

`import_workbooks` checks returned workbooks cell by cell and stores what they bring in the
store that holds the statistics, all or nothing per file: assessments and actions in the
tables of schema version 2, figures as observations (source "collect"). `imported` gives
the current answers back and `merge` lays them over the framework's own, for the reports.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import pandas as pd
from pydantic import ValidationError

from collab_metrics import xlsxsafe
from collab_metrics.errors import InputError
from collab_metrics.model import areas, limits
from collab_metrics.model.framework import (
    Action,
    Actor,
    ActorGoal,
    Assessment,
    FileIndicator,
    Framework,
    SharedGoal,
)
from collab_metrics.model.tidy import COLUMNS, FetchResult, conform
from collab_metrics.report.status_table import load_status
from collab_metrics.store import ImportBatch, Store
from collab_metrics.text.labels import (
    ACTION_STATUS,
    JUDGEMENT,
    SEX,
    STATUS,
    Language,
    number,
    percent,
)
from collab_metrics.workbooks import signing

# openpyxl is imported only where workbooks are made or read: the reports import this
# module for `imported` and `merge`, and every report notebook's fresh kernel would pay
# for loading openpyxl otherwise.
if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

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


# --- the workbook's layout -------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    key: str
    sv: str
    en: str
    width: int
    editable: bool = False
    former: tuple[str, ...] = ()  # headers of templates sent earlier, still read on import

    def header(self, language: Language) -> str:
        return self.sv if language == "sv" else self.en


@dataclass(frozen=True)
class _Sheet:
    sv: str
    en: str
    columns: tuple[_Column, ...]

    def name(self, language: Language) -> str:
        return self.sv if language == "sv" else self.en

    def index(self, key: str) -> int:
        """The 1-based column number of a column."""
        return next(i for i, c in enumerate(self.columns, start=1) if c.key == key)

    def letter(self, key: str) -> str:
        return _letter(self.index(key))

    def column(self, key: str) -> _Column:
        return self.columns[self.index(key) - 1]


GOALS: Final = _Sheet(
    "Mål",
    "Goals",
    (
        _Column("goal", "Mål-id", "Goal id", 30),
        _Column("title", "Mål", "Goal", 45),
        _Column("area", "Område", "Area", 22),
        _Column("latest", "Senaste värde", "Latest value", 14),
        _Column("latest_year", "År", "Year", 8),
        _Column("target", "Målvärde", "Target", 18),
        _Column("target_year", "Målår", "Target year", 10),
        _Column("status", "Statistikens status", "Statistical status", 34),
        _Column("judgement", "Er bedömning", "Your judgement", 32, editable=True),
        _Column("justification", "Motivering", "Justification", 60, editable=True),
        _Column("owner", "Ansvarig", "Responsible", 24, editable=True),
    ),
)
ACTIONS: Final = _Sheet(
    "Handlingsplan",
    "Action plan",
    (
        _Column("id", "Åtgärds-id", "Action id", 28),
        _Column("goal", "Mål", "Goal", 45, editable=True, former=("Mål-id", "Goal id")),
        _Column("description", "Åtgärd", "Action", 55, editable=True),
        _Column("responsible", "Ansvarig", "Responsible", 24, editable=True),
        _Column("due", "Klart senast", "Due", 14, editable=True),
        _Column("status", "Status", "Status", 16, editable=True),
    ),
)
MEASURES: Final = _Sheet(
    "Egna mått",
    "Own measures",
    (
        _Column("indicator", "Mått", "Measure", 30, editable=True),
        _Column("area", "Område", "Area", 28, editable=True),
        _Column("period", "Period", "Period", 12, editable=True),
        _Column("sex", "Kön", "Sex", 12, editable=True),
        _Column("value", "Värde", "Value", 12, editable=True),
    ),
)


def _letter(position: int) -> str:
    """The Excel letter of a 1-based column number."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(position)


@cache
def _styles() -> dict[str, Any]:
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


def _say(language: Language, sv: str, en: str) -> str:
    return sv if language == "sv" else en


# --- templates -------------------------------------------------------------------------


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


def _template_actors(fw: Framework) -> list[Actor]:
    """The actors that get a workbook: those with goals, actions or a measure to report."""
    busy = {g.actor for g in fw.actor_goals} | {a.actor for a in fw.actions}
    busy |= {i.reported_by for i in fw.indicators if i.reported_by}
    return [a for a in fw.actors if a.id in busy]


def _template_name(fw: Framework, actor_id: str, period: str) -> str:
    """`<collaboration>-<actor>-<period>.xlsx`."""
    return f"{fw.collaboration.id}-{actor_id}-{period}.xlsx"


def write_templates(fw: Framework, period: str, out_dir: Path, store_path: Path) -> list[Path]:
    """Write one workbook per actor into `out_dir`; return their paths.

    The goals sheet shows the latest values and statistical status as of the period's
    year, and the answers already imported for the period are filled in; without data in
    the store, "–" stands for the statistics. The workbooks are signed with the store's
    key (created, with the store, on first use), so only that store imports them.
    """
    period = check_period(period)
    statistics: dict[str, Any] = {}
    has_data = store_path.exists()
    with Store.open(store_path) as store:
        key = store.secret(signing.KEY_NAME, create=True)
    assert key is not None, "created on request"
    if has_data:
        rows = load_status(fw, store_path, int(period[:4])).rows
        statistics = {row.goal: row for row in rows[rows["sex"] == "total"].itertuples()}
        fw = merge(fw, *imported(store_path, fw))
    actors = _template_actors(fw)
    if not actors:
        raise CollectError("no actor has goals, actions or a measure to report: nothing to send")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for actor in actors:
        path = out_dir / _template_name(fw, actor.id, period)
        partial = path.with_name(path.name + ".partial")
        _workbook(fw, actor, period, statistics, key).save(partial)
        os.replace(partial, path)  # a reader never sees half a workbook
        written.append(path)
    return written


def _goals_of(fw: Framework, actor_id: str) -> list[AnyGoal]:
    """The actor's own goals, then the shared goals they contribute to: what it assesses."""
    own = [g for g in fw.actor_goals if g.actor == actor_id]
    shared = dict.fromkeys(g.contributes_to for g in own)
    return [*own, *(fw.shared_goal(goal_id) for goal_id in shared)]


def _reported(fw: Framework, actor_id: str) -> list[FileIndicator]:
    return [i for i in fw.indicators if isinstance(i, FileIndicator) and i.reported_by == actor_id]


def _new_action_start(fw: Framework, actor_id: str, period: str) -> int:
    """The number of the first new action, after those already numbered for the period."""
    prefix = f"{actor_id}-{period}-"
    taken = [
        int(a.id.removeprefix(prefix))
        for a in fw.actions
        if a.id.startswith(prefix) and a.id.removeprefix(prefix).isdigit()
    ]
    return max(taken, default=0) + 1


def _new_action_id(actor_id: str, period: str, number: int) -> str:
    return f"{actor_id}-{period}-{number}"


def _workbook(
    fw: Framework, actor: Actor, period: str, statistics: dict[str, Any], signing_key: bytes
) -> Workbook:
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    language: Language = fw.collaboration.language
    goals = _goals_of(fw, actor.id)
    actions = [a for a in fw.actions if a.actor == actor.id]
    reported = _reported(fw, actor.id)
    book = Workbook()
    goals_sheet = book.active
    assert goals_sheet is not None, "a new workbook has a sheet"
    actions_sheet = book.create_sheet()
    measures_sheet = book.create_sheet() if reported else None
    meta = book.create_sheet(META_SHEET)
    lists = _Lists(meta)
    _goals_sheet(fw, goals_sheet, actor, period, goals, statistics, lists)
    _actions_sheet(fw, actions_sheet, actor, period, goals, actions, lists)
    if measures_sheet is not None:
        _measures_sheet(fw, measures_sheet, actor, reported, lists)
    identification = {
        "framework_id": fw.collaboration.id,
        "framework_sha256": fw.sha256,
        "actor": actor.id,
        "period": period,
        "template_version": TEMPLATE_VERSION,
        "language": language,
        "goals": ",".join(g.id for g in goals),
        "actions": ",".join(a.id for a in actions),
        "new_action_start": _new_action_start(fw, actor.id, period),
    }
    signed = {k: identification[k] for k in _IDENTITY}
    identification["signature"] = signing.sign(signing_key, signed)
    for row, (key, value) in enumerate(identification.items(), start=1):
        _put(meta, row, 1, key)
        _put(meta, row, 2, value)
    # Very hidden: Excel's "Unhide" does not list it, so nobody edits it by accident; the
    # locked structure keeps sheets from being deleted, renamed or unhidden.
    meta.sheet_state = "veryHidden"
    book.security = WorkbookProtection(lockStructure=True)
    return book


class _Lists:
    """Dropdown lists kept on the hidden sheet: inline lists break on commas and at 255
    characters, a range does not."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.next_column = 4

    def range(self, values: Sequence[str]) -> str:
        letter = _letter(self.next_column)
        for row, value in enumerate(values, start=1):
            _put(self.sheet, row, self.next_column, value)
        self.next_column += 1
        return f"{META_SHEET}!${letter}$1:${letter}${len(values)}"


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write a value; text is always text, so "=..." from a user never becomes a formula."""
    cell = sheet.cell(row, column, value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _start(sheet: Worksheet, spec: _Sheet, language: Language, instruction: str) -> None:
    """Name, instruction line, headers, widths, frozen headers and protection."""
    sheet.title = spec.name(language)
    style = _styles()
    last = _letter(len(spec.columns))
    sheet.merge_cells(f"A{INSTRUCTION_ROW}:{last}{INSTRUCTION_ROW}")
    cell = _put(sheet, INSTRUCTION_ROW, 1, instruction)
    cell.alignment, cell.font = style["wrap"], style["bold"]
    sheet.row_dimensions[INSTRUCTION_ROW].height = 62
    for position, column in enumerate(spec.columns, start=1):
        header = _put(sheet, HEADER_ROW, position, column.header(language))
        header.font, header.fill, header.border = style["bold"], style["header"], style["rule"]
        header.alignment = style["wrap"]
        sheet.column_dimensions[_letter(position)].width = column.width
    sheet.freeze_panes = f"A{FIRST_ROW}"
    # No password: the protection prevents accidents, and the import checks every cell.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widening a column stays allowed
    sheet.protection.formatRows = False


def _inputs(sheet: Worksheet, spec: _Sheet, rows: range) -> None:
    """Unlock and mark the editable cells of these rows."""
    style = _styles()
    for row in rows:
        for position, column in enumerate(spec.columns, start=1):
            if column.editable:
                cell = sheet.cell(row, position)
                cell.protection, cell.fill = style["unlocked"], style["input"]
                cell.alignment = style["wrap"]


def _validate(
    sheet: Worksheet,
    spec: _Sheet,
    key: str,
    rows: range,
    message: str,
    *,
    warn: bool = False,
    **rule: Any,
) -> None:
    """A validation on one column of these rows, with `message` as error and prompt."""
    if not rows:
        return
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="warning" if warn else "stop",
        error=message,
        prompt=message,
        **rule,
    )
    letter = spec.letter(key)
    validation.add(f"{letter}{rows.start}:{letter}{rows.stop - 1}")
    sheet.add_data_validation(validation)


def _goals_sheet(
    fw: Framework,
    sheet: Worksheet,
    actor: Actor,
    period: str,
    goals: Sequence[AnyGoal],
    statistics: dict[str, Any],
    lists: _Lists,
) -> None:
    language: Language = fw.collaboration.language
    spec = GOALS
    first, last = spec.letter("judgement"), spec.letter("owner")
    _start(
        sheet,
        spec,
        language,
        _say(
            language,
            f"{actor.name}: er bedömning av målen för {period}. Välj er bedömning i listan i "
            f"kolumn {first}, skriv motiveringen och vem som är ansvarig (kolumnerna "
            f"{first}–{last}, ljusgula). Statistiken i övriga kolumner är låst. Skicka "
            f"tillbaka filen till {fw.collaboration.owner}.",
            f"{actor.name}: your judgement of the goals for {period}. Choose your judgement "
            f"from the list in column {first}, write the justification and who is "
            f"responsible (columns {first}–{last}, light yellow). The statistics in the other "
            f"columns are locked. Send the file back to {fw.collaboration.owner}.",
        ),
    )
    answers = {a.goal: a for a in fw.assessments if a.actor == actor.id and a.period == period}
    for row, goal in enumerate(goals, start=FIRST_ROW):
        answer = answers.get(goal.id)
        values = {
            **_statistics_cells(fw, goal, statistics.get(goal.id), language),
            "goal": goal.id,
            "title": goal.title,
            "area": areas.get(fw.goal_area(goal)).name,
            "judgement": JUDGEMENT[language][answer.judgement] if answer else None,
            "justification": answer.justification if answer else None,
            "owner": answer.owner if answer else None,
        }
        for position, column in enumerate(spec.columns, start=1):
            _put(sheet, row, position, values[column.key]).alignment = _styles()["wrap"]
    rows = range(FIRST_ROW, FIRST_ROW + len(goals))
    _inputs(sheet, spec, rows)
    _validate(
        sheet,
        spec,
        "judgement",
        rows,
        _say(language, "Välj en bedömning i listan.", "Choose a judgement from the list."),
        type="list",
        formula1=lists.range(list(JUDGEMENT[language].values())),
    )


def _statistics_cells(
    fw: Framework, goal: AnyGoal, row: Any | None, language: Language
) -> dict[str, str]:
    """Latest value and year, target and year, and the statistical status, as words."""
    unit = fw.indicator(goal.indicator).unit
    target = "–"
    if row is not None and not _missing(row.target_value):
        target = f"{number(row.target_value, language)} {unit}"
    elif goal.target is not None and goal.target.value is not None:
        target = f"{number(goal.target.value, language)} {unit}"
    elif goal.target is not None and goal.baseline is not None:
        change = percent((goal.target.change_percent or 0) / 100, language, 0)
        target = _say(
            language, f"{change} från {goal.baseline.year}", f"{change} from {goal.baseline.year}"
        )
    cells = {
        "latest": "–",
        "latest_year": "–",
        "target": target,
        "target_year": str(goal.target.year) if goal.target else "–",
        "status": "–",
    }
    if row is not None:
        if not _missing(row.latest_value):
            cells["latest"] = f"{number(row.latest_value, language)} {unit}"
            cells["latest_year"] = str(row.latest_period)
        status = STATUS[language][row.status]
        cells["status"] = f"{status} ({row.reason})" if _text(row.reason) else status
    return cells


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _actions_sheet(
    fw: Framework,
    sheet: Worksheet,
    actor: Actor,
    period: str,
    goals: Sequence[AnyGoal],
    actions: Sequence[Action],
    lists: _Lists,
) -> None:
    language: Language = fw.collaboration.language
    spec = ACTIONS
    words = ACTION_STATUS[language]
    _start(
        sheet,
        spec,
        language,
        _say(
            language,
            f"Handlingsplan för {actor.name}: uppdatera era åtgärder och lägg till nya på de "
            "tomma raderna (ljusgula celler). Skriv datum som 2025-12-31. Tom status betyder "
            f"{words['not_started']}. Ta inte bort rader: ge en åtgärd som inte längre gäller "
            f"status {words['removed']}.",
            f"Action plan of {actor.name}: update your actions and add new ones on the empty "
            "rows (light yellow cells). Write dates as 2025-12-31. An empty status means "
            f"{words['not_started']}. Do not delete rows: give an action that no longer "
            f"applies the status {words['removed']}.",
        ),
    )
    for row, action in enumerate(actions, start=FIRST_ROW):
        values = {
            "id": action.id,
            "goal": _goal_choices(goals).get(action.goal, action.goal) if action.goal else None,
            "description": action.description,
            "responsible": action.responsible or None,
            "due": action.due,
            "status": words[action.status],
        }
        for position, column in enumerate(spec.columns, start=1):
            _put(sheet, row, position, values[column.key])
    rows = range(FIRST_ROW, FIRST_ROW + len(actions) + NEW_ACTION_ROWS)
    _inputs(sheet, spec, rows)
    for row in rows:
        sheet.cell(row, spec.index("due")).number_format = "yyyy-mm-dd"
    if goals:
        _validate(
            sheet,
            spec,
            "goal",
            rows,
            _say(
                language,
                "Välj ett mål i listan, eller lämna tomt för hela samverkan.",
                "Choose a goal from the list, or leave it empty for the whole collaboration.",
            ),
            type="list",
            formula1=lists.range(list(_goal_choices(goals).values())),
        )
    _validate(
        sheet,
        spec,
        "due",
        rows,
        _say(language, "Skriv ett datum, t.ex. 2025-12-31.", "Write a date, e.g. 2025-12-31."),
        type="date",
        operator="between",
        formula1=f"DATE({limits.DUE_RANGE[0]},1,1)",
        formula2=f"DATE({limits.DUE_RANGE[1]},12,31)",
    )
    _validate(
        sheet,
        spec,
        "status",
        rows,
        _say(language, "Välj en status i listan.", "Choose a status from the list."),
        type="list",
        formula1=lists.range(list(words.values())),
    )


def _goal_choices(goals: Sequence[AnyGoal]) -> dict[str, str]:
    """What the goal dropdown shows for each goal id: its title, with the id where two
    goals share a title (the import reads either back as the id)."""
    titles = Counter(g.title for g in goals)
    return {g.id: g.title if titles[g.title] == 1 else f"{g.title} ({g.id})" for g in goals}


def _goal_id(fw: Framework, actor: Actor, chosen: str) -> str:
    """The goal id for what the goal cell holds: a dropdown title, or an id as typed."""
    by_choice = {choice: goal for goal, choice in _goal_choices(_goals_of(fw, actor.id)).items()}
    return by_choice.get(chosen, chosen)


def _measure_areas(fw: Framework, actor: Actor) -> list[str]:
    """Dropdown entries "code name": the actor's area, its municipalities, the
    collaboration's area and riket. Other codes can still be typed."""
    home = actor.area or fw.collaboration.area
    codes = [home]
    if areas.get(home).kind == "region":
        codes += [m.code for m in areas.municipalities(home)]
    codes += [fw.collaboration.area, areas.RIKET]
    return [f"{code} {areas.get(code).name}" for code in dict.fromkeys(codes)]


def _measures_sheet(
    fw: Framework,
    sheet: Worksheet,
    actor: Actor,
    reported: Sequence[FileIndicator],
    lists: _Lists,
) -> None:
    language: Language = fw.collaboration.language
    spec = MEASURES
    measures = ", ".join(f"{i.id} ({i.title}, {i.unit})" for i in reported)
    example = actor.area or fw.collaboration.area  # an area code this actor would write
    _start(
        sheet,
        spec,
        language,
        _say(
            language,
            f"Egna mått för {actor.name}: {measures}. En rad per mått, område, period och kön. "
            f"Område som kod (t.ex. {example}), period som år (2024) eller månad (2024-09), "
            "tomt kön betyder totalt, värdet som ett tal.",
            f"Own measures of {actor.name}: {measures}. One row per measure, area, period and "
            f"sex. Area as a code (e.g. {example}), period as a year (2024) or month (2024-09), an "
            "empty sex means total, the value as a number.",
        ),
    )
    rows = range(FIRST_ROW, FIRST_ROW + MEASURE_ROWS)
    _inputs(sheet, spec, rows)
    for row in rows:
        for key in ("area", "period"):  # keep "0017" from becoming the number 17
            sheet.cell(row, spec.index(key)).number_format = "@"
    _validate(
        sheet,
        spec,
        "indicator",
        rows,
        _say(language, "Välj ett mått i listan.", "Choose a measure from the list."),
        type="list",
        formula1=lists.range([i.id for i in reported]),
    )
    _validate(
        sheet,
        spec,
        "area",
        rows,
        _say(
            language,
            f"Välj ett område i listan eller skriv en områdeskod, t.ex. {example}.",
            f"Choose an area from the list or type an area code, e.g. {example}.",
        ),
        warn=True,
        type="list",
        formula1=lists.range(_measure_areas(fw, actor)),
    )
    _validate(
        sheet,
        spec,
        "sex",
        rows,
        _say(language, "Välj kön i listan.", "Choose the sex from the list."),
        type="list",
        formula1=lists.range(list(SEX[language].values())),
    )
    _validate(
        sheet,
        spec,
        "value",
        rows,
        _say(language, "Skriv ett tal.", "Write a number."),
        type="decimal",
        operator="between",
        formula1="-1E+300",
        formula2="1E+300",
    )


# --- import ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one workbook: imported, unchanged or refused (with the problems)."""

    file: str
    status: Literal["imported", "unchanged", "refused"]
    actor: str = ""
    period: str = ""
    assessments: int = 0
    actions: int = 0
    measures: str = ""  # the write's counts, when the workbook brought figures
    replaced: int = 0
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def refused(self) -> bool:
        """Whether nothing was imported from this file because of its problems."""
        return self.status == "refused"

    def __str__(self) -> str:
        if self.refused:
            return f"{self.file}: refused: {'; '.join(self.problems)}"
        text = f"{self.file}: {self.status} ({self.actor}, {self.period})"
        if self.status == "imported":
            parts = [_count(self.assessments, "assessment"), _count(self.actions, "action")]
            if self.measures:
                parts.append(f"measure values: {self.measures}")
            text += ": " + ", ".join(parts)
            if self.replaced:
                replaced = _count(self.replaced, "earlier answer")
                text += f"; replaced {replaced}, kept as history"
        else:
            text += ": the store already has everything in it"
        return text + "".join(f"; warning: {w}" for w in self.warnings)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def import_workbooks(
    fw: Framework,
    files: Iterable[Path],
    store_path: Path,
    *,
    period: str | None = None,
    replace: bool = False,
) -> list[ImportOutcome]:
    """Import each workbook on its own: a refused one leaves no trace, the others import.

    `period`, when given, is the only period accepted. `replace` lets a different answer
    replace the stored one for the same actor, goal (or action) and period.
    """
    wanted = check_period(period) if period is not None else None
    outcomes = []
    with Store.open(store_path) as store:
        for path in files:
            try:
                outcomes.append(import_workbook(fw, path, store, period=wanted, replace=replace))
            except ActorImportError as exc:
                outcomes.append(ImportOutcome(exc.file, "refused", problems=exc.problems))
    return outcomes


def import_workbook(
    fw: Framework,
    path: Path,
    store: Store,
    *,
    period: str | None = None,
    replace: bool = False,
) -> ImportOutcome:
    """Validate one returned workbook and store what it brings, in one transaction.

    Raises ActorImportError, with every problem found, when anything is wrong; nothing
    from the file is stored then.
    """
    name = str(path)
    body = _read(path, name)
    book = _open(body, name)
    meta, warnings = _identify(fw, book, name, period, store.secret(signing.KEY_NAME))
    actor = fw.actor(meta.actor)
    problems: list[str] = []
    sheets = {
        spec: _Reader(book, spec, meta.language, problems)
        for spec in (GOALS, ACTIONS, MEASURES)
        if spec is not MEASURES or _reported(fw, actor.id)
    }
    assessments = list(_read_goals(fw, sheets[GOALS], meta))
    actions = list(_read_actions(fw, sheets[ACTIONS], meta))
    if len(actions) > limits.ACTIONS_PER_ACTOR_PERIOD:
        problems.append(
            f"sheet {sheets[ACTIONS].name!r} holds {len(actions)} actions; the limit is "
            f"{limits.ACTIONS_PER_ACTOR_PERIOD} per actor and period"
        )
    measures = _read_measures(fw, sheets[MEASURES], actor) if MEASURES in sheets else []
    if problems:
        raise ActorImportError(name, problems)

    stored_assessments, stored_actions = store.imported_answers(fw.collaboration.id)
    current = merge(fw, *_answers(fw, stored_assessments, stored_actions))
    new_assessments, replaced_assessments = _changed_assessments(
        fw, sheets[GOALS], meta, assessments, stored_assessments, replace
    )
    new_actions, replaced_actions = _changed_actions(
        current, sheets[ACTIONS], meta, actions, stored_actions, replace
    )
    if problems:
        raise ActorImportError(name, problems)
    frame = _measure_frame(fw, measures)
    measures_change = not frame.empty and _changes_observations(store, frame)
    if not (new_assessments or new_actions or measures_change):
        return ImportOutcome(
            name, "unchanged", actor=actor.name, period=meta.period, warnings=tuple(warnings)
        )

    counts = ""
    with store.transaction():
        fetch_id = None
        if measures_change:
            summary = store.write(
                [FetchResult(frame)],
                label=f"collect {fw.collaboration.id} {actor.id} {meta.period} ({path.name})",
            )
            fetch_id = summary.fetch_id
            counts = f"{summary.new} new, {summary.revised} revised, {summary.unchanged} unchanged"
        store.record_import(
            ImportBatch(
                collaboration=fw.collaboration.id,
                actor=actor.id,
                period=meta.period,
                file_name=path.name,
                file_sha256=hashlib.sha256(body).hexdigest(),
                framework_sha256=meta.framework_sha256,
                template_version=meta.template_version,
                assessments=[
                    {
                        "goal": a.goal,
                        "judgement": a.judgement,
                        "justification": a.justification,
                        "owner": a.owner,
                    }
                    for a in new_assessments
                ],
                actions=[
                    {
                        "action_id": a.id,
                        "goal": a.goal,
                        "description": a.description,
                        "responsible": a.responsible,
                        "due": a.due,
                        "status": a.status,
                    }
                    for a in new_actions
                ],
                measures=len(frame),
                fetch_id=fetch_id,
            )
        )
    return ImportOutcome(
        name,
        "imported",
        actor=actor.name,
        period=meta.period,
        assessments=len(new_assessments),
        actions=len(new_actions),
        measures=counts,
        replaced=replaced_assessments + replaced_actions,
        warnings=tuple(warnings),
    )


def _read(path: Path, name: str) -> bytes:
    """The file's bytes: a regular file within limits.WORKBOOK_BYTES, or refused."""
    try:
        return limits.read_regular(path, limits.WORKBOOK_BYTES, "returned workbook")
    except ValueError as exc:
        raise ActorImportError(name, [str(exc)]) from None
    except limits.NotRegularFile:
        raise ActorImportError(
            name, ["not a regular file; send back the workbook itself"]
        ) from None
    except OSError as exc:
        raise ActorImportError(name, [f"cannot read the file: {exc.strerror}"]) from None


def _open(body: bytes, name: str) -> dict[str, xlsxsafe.Grid]:
    """The workbook's sheets that an import reads, streamed within the limits."""
    columns = {META_SHEET: 2}
    for spec in (GOALS, ACTIONS, MEASURES):
        columns |= {spec.sv: len(spec.columns), spec.en: len(spec.columns)}
    try:
        return xlsxsafe.read_sheets(body, name, columns)
    except xlsxsafe.UnsafeWorkbook as exc:
        raise ActorImportError(name, exc.problems) from None


@dataclass(frozen=True)
class _Meta:
    """What the hidden sheet says the workbook was made for."""

    framework_id: str
    framework_sha256: str
    actor: str
    period: str
    template_version: int
    language: Language
    goals: tuple[str, ...]
    actions: tuple[str, ...]
    new_action_start: int


def _identify(
    fw: Framework,
    book: dict[str, xlsxsafe.Grid],
    name: str,
    period: str | None,
    key: bytes | None,
) -> tuple[_Meta, list[str]]:
    """Read the hidden sheet and refuse a workbook made for another framework, actor or
    period, or whose identification does not match its signature; a workbook made for an
    earlier version of the framework gets a warning."""
    if META_SHEET not in book:
        raise ActorImportError(
            name,
            [
                f"the hidden sheet {META_SHEET!r} that identifies the workbook is missing: "
                "import only workbooks made by collab collect template"
            ],
        )
    sheet = book[META_SHEET]
    values = {str(row[0]): row[1] for row in sheet.rows(2)}
    try:
        version = int(values["template_version"])
        meta = _Meta(
            framework_id=str(values["framework_id"]),
            framework_sha256=str(values["framework_sha256"]),
            actor=str(values["actor"]),
            period=str(values["period"]),
            template_version=version,
            language="en" if values["language"] == "en" else "sv",
            goals=_ids(values["goals"]),
            actions=_ids(values["actions"]),
            new_action_start=int(values["new_action_start"]),
        )
    except (KeyError, TypeError, ValueError):
        raise ActorImportError(
            name, [f"the hidden sheet {META_SHEET!r} was changed; use the workbook as sent"]
        ) from None
    problems = []
    if meta.template_version != TEMPLATE_VERSION:
        problems.append(
            f"the workbook has template version {meta.template_version}; this collab-metrics "
            f"reads version {TEMPLATE_VERSION}"
        )
    if meta.framework_id != fw.collaboration.id:
        problems.append(
            f"the workbook is for the collaboration {meta.framework_id!r}, "
            f"not {fw.collaboration.id!r}"
        )
    if meta.actor not in {a.id for a in fw.actors}:
        problems.append(
            f"the workbook is for the actor {meta.actor!r}, who is not in the framework"
        )
    if not PERIOD.fullmatch(meta.period):
        problems.append(f"the workbook's period {meta.period!r} is not a follow-up period")
    elif period is not None and meta.period != period:
        problems.append(f"the workbook is for the period {meta.period}, not {period}")
    if problems:
        raise ActorImportError(name, problems)
    signed = {k: values.get(k) for k in _IDENTITY}
    if key is None or not signing.verify(key, signed, str(values.get("signature") or "")):
        raise ActorImportError(
            name,
            [
                f"the identification in the hidden sheet {META_SHEET!r} does not match its "
                "signature: the sheet was edited, or the workbook was made with another store; "
                "import only the workbook as it was sent, with the store that made it"
            ],
        )
    warnings = []
    if meta.framework_sha256 != fw.sha256:
        file_name = fw.path.name if fw.path else fw.collaboration.id
        warnings.append(
            f"made from an earlier version of {file_name} (version "
            f"{meta.framework_sha256[:12]}, now {fw.sha256[:12]}); its goals still exist"
        )
    return meta, warnings


_IDENTITY: Final = (
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


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(part for part in str(value or "").split(",") if part)


class _Reader:
    """One sheet of a returned workbook: cells by row and column key, problems located."""

    def __init__(
        self, book: dict[str, xlsxsafe.Grid], spec: _Sheet, language: Language, problems: list[str]
    ) -> None:
        self.spec = spec
        self.language: Language = language
        self.name = spec.name(language)
        self.problems = problems
        self.sheet: xlsxsafe.Grid | None = None
        if self.name not in book:
            problems.append(f"the sheet {self.name!r} is missing; use the workbook as sent")
            return
        self.sheet = book[self.name]
        for position, column in enumerate(spec.columns, start=1):
            found = self.sheet.value(HEADER_ROW, position)
            if found != column.header(language) and found not in column.former:
                self.problem(
                    HEADER_ROW,
                    column.key,
                    f"expected the header {column.header(language)!r}, found {_shown(found)}: "
                    "a column was moved or deleted; use the workbook as sent",
                )
                self.sheet = None  # reading cells under the wrong headers helps nobody
                return

    def rows(self, start: int = FIRST_ROW) -> Iterator[int]:
        """Row numbers from `start` to the last row with anything in it."""
        if self.sheet is not None:
            yield from range(start, self.sheet.max_row + 1)

    def value(self, row: int, key: str) -> Any:
        assert self.sheet is not None
        value = self.sheet.value(row, self.spec.index(key))
        return value.strip() if isinstance(value, str) else value

    def text(self, row: int, key: str) -> str:
        value = self.value(row, key)
        return "" if value is None else str(value)

    def blank(self, row: int, keys: Iterable[str]) -> bool:
        return all(self.value(row, key) in (None, "") for key in keys)

    def problem(self, row: int, key: str, reason: str) -> None:
        column = self.spec.column(key)
        self.problems.append(
            f"sheet {self.name!r}, row {row}, column {self.spec.letter(key)} "
            f"({column.header(self.language)}): {reason}"
        )

    @property
    def editable(self) -> list[str]:
        return [c.key for c in self.spec.columns if c.editable]


def _shown(value: Any) -> str:
    return "an empty cell" if value in (None, "") else repr(value)


def _choice(
    reader: _Reader, row: int, key: str, words: dict[str, dict[str, str]], what: str
) -> str | None:
    """The code for a dropdown cell: its words (either language) or the code itself."""
    text = reader.text(row, key)
    if not text:
        return None
    choices = {_fold(code): code for code in words["sv"]}
    for table in words.values():
        choices |= {_fold(word): code for code, word in table.items()}
    if _fold(text) in choices:
        return choices[_fold(text)]
    allowed = ", ".join(repr(w) for w in words[reader.language].values())
    reader.problem(row, key, f"{text!r} is not one of the {what}: {allowed}")
    return None


def _fold(text: str) -> str:
    """Compared as words: spacing, case and Unicode composition ("a" + ring = "å") aside."""
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


def _goal_problem(fw: Framework, goal_id: str, actor: Actor, allowed: set[str]) -> str | None:
    """Why an actor cannot answer for this goal in the current framework, if it cannot."""
    if goal_id not in {g.id for g in [*fw.shared_goals, *fw.actor_goals]}:
        file_name = fw.path.name if fw.path else fw.collaboration.id
        return (
            f"goal {goal_id!r} is no longer in {file_name}: the workbook was made for an "
            "earlier version of it; make a new template"
        )
    if goal_id not in allowed:
        goal = fw.goal(goal_id)
        owner = f" (it is {fw.actor(goal.actor).name}'s)" if isinstance(goal, ActorGoal) else ""
        return (
            f"goal {goal_id!r} is neither one of {actor.name}'s goals nor a shared goal they "
            f"contribute to{owner}"
        )
    return None


def _in_place(reader: _Reader, row: int, key: str, expected: str, what: str) -> bool:
    """Whether a protected reference cell still holds what the template wrote there."""
    found = reader.text(row, key)
    if found == expected:
        return True
    reader.problem(
        row,
        key,
        f"expected the {what} {expected!r} here, found {_shown(found)}: a protected row "
        "was deleted or a reference cell changed; use the workbook as sent",
    )
    return False


def _read_goals(fw: Framework, reader: _Reader, meta: _Meta) -> Iterator[tuple[int, Assessment]]:
    """(row, assessment) for every goal row with a judgement; problems go to the reader."""
    actor = fw.actor(meta.actor)
    allowed = {g.id for g in _goals_of(fw, actor.id)}
    for row, expected in enumerate(meta.goals, start=FIRST_ROW):
        if reader.sheet is None:
            return
        if not _in_place(reader, row, "goal", expected, "goal"):
            return  # every row below has moved too
        reason = _goal_problem(fw, expected, actor, allowed)
        if reason:
            reader.problem(row, "goal", reason)
            continue
        judgement = _choice(reader, row, "judgement", JUDGEMENT, "judgements")
        justification, owner = reader.text(row, "justification"), reader.text(row, "owner")
        if judgement is None:
            if reader.text(row, "judgement") == "" and (justification or owner):
                reader.problem(
                    row, "judgement", "choose a judgement; a justification alone is not imported"
                )
            continue
        try:
            assessment = Assessment(
                goal=expected,
                actor=actor.id,
                period=meta.period,
                judgement=judgement,  # type: ignore[arg-type]  # a code of JUDGEMENT
                justification=justification,
                owner=owner,
            )
        except ValidationError as exc:  # too long, or a control character
            _model_problem(reader, row, exc, "justification")
            continue
        yield row, assessment
    for row in reader.rows(FIRST_ROW + len(meta.goals)):
        if not reader.blank(row, [c.key for c in GOALS.columns]):
            reader.problem(
                row, "goal", "this row is not in the template: rows cannot be added here"
            )


def _read_actions(fw: Framework, reader: _Reader, meta: _Meta) -> Iterator[tuple[int, Action]]:
    """(row, action) for every existing action and every filled-in new row."""
    actor = fw.actor(meta.actor)
    allowed = {g.id for g in _goals_of(fw, actor.id)}
    for row, expected in enumerate(meta.actions, start=FIRST_ROW):
        if reader.sheet is None:
            return
        if not _in_place(reader, row, "id", expected, "action"):
            return
        action = _action(fw, reader, row, expected, actor, allowed)
        if action is not None:
            yield row, action
    first_new = FIRST_ROW + len(meta.actions)
    for row in reader.rows(first_new):
        if reader.blank(row, reader.editable):
            continue
        if reader.text(row, "id"):
            reader.problem(row, "id", "a new action's id is given on import; leave it empty")
            continue
        number = meta.new_action_start + row - first_new
        action_id = _new_action_id(actor.id, meta.period, number)
        action = _action(fw, reader, row, action_id, actor, allowed)
        if action is not None:
            yield row, action


def _action(
    fw: Framework, reader: _Reader, row: int, action_id: str, actor: Actor, allowed: set[str]
) -> Action | None:
    """The action on one row, or None after recording its problems."""
    before = len(reader.problems)
    goal = _goal_id(fw, actor, reader.text(row, "goal")) or None
    if goal is not None:
        reason = _goal_problem(fw, goal, actor, allowed)
        if reason:
            reader.problem(row, "goal", reason)
    description = reader.text(row, "description")
    if not description:
        words = ACTION_STATUS[reader.language]
        reader.problem(
            row,
            "description",
            f"the action needs a description; to drop an action, give it the status "
            f"{words['removed']!r}",
        )
    due = _due(reader, row)
    status = _choice(reader, row, "status", ACTION_STATUS, "statuses")
    if len(reader.problems) > before:
        return None
    try:
        return Action(
            id=action_id,
            actor=actor.id,
            goal=goal,
            description=description,
            responsible=reader.text(row, "responsible"),
            due=due,
            status=status or "not_started",  # type: ignore[arg-type]  # a code of ACTION_STATUS
        )
    except ValidationError as exc:
        _model_problem(reader, row, exc, "id")
        return None


def _model_problem(reader: _Reader, row: int, exc: ValidationError, default: str) -> None:
    """The first problem the framework's model finds in a row, at its column."""
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else default
    key = field if field in reader.editable else default
    reader.problem(row, key, str(error["msg"]).removeprefix("Value error, "))


def _due(reader: _Reader, row: int) -> date | None:
    value = reader.value(row, "due")
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = date.fromisoformat(value)
    if not isinstance(value, date):
        reader.problem(row, "due", f"{_shown(value)} is not a date; write it as 2025-12-31")
        return None
    low, high = limits.DUE_RANGE
    if not low <= value.year <= high:
        reader.problem(row, "due", f"the date {value} lies outside the years {low}-{high}")
        return None
    return value


@dataclass(frozen=True)
class _Measure:
    indicator: str
    area: str
    period: str
    sex: str
    value: float


_MEASURE_PERIOD: Final = re.compile(r"(?P<year>[0-9]{4})(?:(?:-|M)(?P<month>[0-9]{1,2}))?")


def _read_measures(fw: Framework, reader: _Reader, actor: Actor) -> list[_Measure]:
    """Every filled-in row of the measures sheet; a key given twice is a problem."""
    reported = {i.id: i for i in _reported(fw, actor.id)}
    found: list[_Measure] = []
    first_row: dict[tuple[str, str, str, str], int] = {}
    for row in reader.rows():
        if reader.blank(row, reader.editable):
            continue
        before = len(reader.problems)
        indicator = reader.text(row, "indicator")
        if indicator not in reported:
            listed = ", ".join(repr(i) for i in reported)
            reader.problem(
                row, "indicator", f"{_shown(indicator)} is not one of the measures: {listed}"
            )
        area = _measure_area(reader, row)
        period = _measure_period(reader, row)
        sex = _choice(reader, row, "sex", SEX, "choices") or "total"
        if indicator in reported and sex != "total" and "sex" not in reported[indicator].breakdowns:
            reader.problem(row, "sex", f"the measure {indicator!r} has no values for women and men")
        value = _measure_value(reader, row)
        if len(reader.problems) > before:
            continue
        assert area is not None and period is not None and value is not None
        key = (indicator, area, period, sex)
        if key in first_row:
            reader.problem(
                row,
                "value",
                f"{indicator} for area {area}, period {period}, {sex} already came in row "
                f"{first_row[key]}",
            )
            continue
        first_row[key] = row
        found.append(_Measure(indicator, area, period, sex, value))
    return found


def _measure_area(reader: _Reader, row: int) -> str | None:
    """A Kolada code from "0017", "0017 Region Värmland", 17 (leading zeros lost) or a name."""
    value = reader.value(row, "area")
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = int(value)
    text = "" if value is None else str(value)
    if text.isdigit() and len(text) < 4:  # Excel dropped the leading zeros
        text = text.zfill(4)
    code = re.match(r"(\d{4})\b", text)
    try:
        if code:
            return areas.get(code[1]).code
        if not text:
            raise ValueError("the area is empty")
        return areas.find_by_name(text).code
    except ValueError as exc:
        reader.problem(row, "area", str(exc))
        return None


def _measure_period(reader: _Reader, row: int) -> str | None:
    """A year ("2024") or month ("2024-09"); a date cell gives its month."""
    value = reader.value(row, "period")
    if isinstance(value, datetime | date):
        value = f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value)
    match = _MEASURE_PERIOD.fullmatch(text)
    low, high = limits.YEAR_RANGE
    if match and not low <= int(match["year"]) <= high:
        reader.problem(row, "period", f"the year {match['year']} lies outside {low}-{high}")
        return None
    if match and not match["month"]:
        return match["year"]
    if match and 1 <= int(match["month"]) <= 12:
        return f"{match['year']}-{int(match['month']):02d}"
    reader.problem(
        row, "period", f"{_shown(text)} is not a period; write a year (2024) or month (2024-09)"
    )
    return None


def _measure_value(reader: _Reader, row: int) -> float | None:
    value = reader.value(row, "value")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if math.isfinite(value):
            return float(value)
    elif isinstance(value, str):
        # A decimal comma, and spaces grouping thousands, as Swedish Excel writes them.
        text = re.sub(r"(?<=\d)[\s\u00a0\u202f](?=\d)", "", value).replace(",", ".")
        if re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", text):
            return float(text)
    reader.problem(row, "value", f"{_shown(value)} is not a number")
    return None


def _measure_frame(fw: Framework, measures: Sequence[_Measure]) -> pd.DataFrame:
    """The figures as tidy rows of the indicators' series, retrieved now."""
    now = datetime.now(UTC)
    frame = pd.DataFrame(
        {
            "indicator": [fw.series_id(m.indicator) for m in measures],
            "area": [m.area for m in measures],
            "period": [m.period for m in measures],
            "sex": [m.sex for m in measures],
            "value": [m.value for m in measures],
            "status": "",
            "source": SOURCE,
            "retrieved_at": now,
        },
        columns=list(COLUMNS),
    )
    return conform(frame)


def _changes_observations(store: Store, frame: pd.DataFrame) -> bool:
    """Whether any figure is new or differs from the store's current value."""
    key = ["indicator", "area", "period", "sex"]
    current = store.current(indicators=sorted(set(frame["indicator"])))
    joined = frame.merge(current[[*key, "value"]], on=key, how="left", suffixes=("", "_stored"))
    return bool((joined["value"] != joined["value_stored"]).any())


def _judged(answer: Assessment | dict[str, Any]) -> tuple[Any, ...]:
    """What an assessment says: judgement, justification and owner."""
    values = answer.model_dump() if isinstance(answer, Assessment) else answer
    return values["judgement"], values["justification"], values["owner"]


def _changed_assessments(
    fw: Framework,
    reader: _Reader,
    meta: _Meta,
    assessments: Sequence[tuple[int, Assessment]],
    stored: Sequence[dict[str, Any]],
    replace: bool,
) -> tuple[list[Assessment], int]:
    """The assessments to store and how many stored ones they replace.

    An answer equal to the stored one (or, with none stored, to the framework file's) is
    left out; a different one replaces the stored answer only with `replace`.
    """
    mine = {r["goal"]: r for r in stored if r["actor"] == meta.actor and r["period"] == meta.period}
    written = {
        a.goal: a for a in fw.assessments if a.actor == meta.actor and a.period == meta.period
    }
    new, replaced = [], 0
    for row, assessment in assessments:
        earlier = mine.get(assessment.goal)
        if earlier is None:
            in_file = written.get(assessment.goal)
            if in_file is None or _judged(in_file) != _judged(assessment):
                new.append(assessment)
        elif _judged(earlier) != _judged(assessment):
            if replace:
                new.append(assessment)
                replaced += 1
            else:
                reader.problem(row, "judgement", _conflict("goal", assessment.goal, meta, earlier))
    return new, replaced


def _conflict(what: str, key: str, meta: _Meta, earlier: dict[str, Any]) -> str:
    when = earlier["imported_at"].strftime("%Y-%m-%d %H:%M")
    return (
        f"the {what} {key!r} already has a different answer for {meta.period}, imported from "
        f"{earlier['file_name']} on {when} UTC; import with --replace to replace it (the "
        "earlier answer is kept as history)"
    )


def _action_fields(action: Action) -> tuple[Any, ...]:
    return (action.goal, action.description, action.responsible, action.due, action.status)


def _changed_actions(
    current: Framework,
    reader: _Reader,
    meta: _Meta,
    actions: Sequence[tuple[int, Action]],
    stored: Sequence[dict[str, Any]],
    replace: bool,
) -> tuple[list[Action], int]:
    """The actions to store and how many stored ones (same period) they replace.

    `current` is the framework with the imported answers merged: an action as the actor
    last saw it is left out, so untouched rows are not stored again.
    """
    mine = {
        r["action_id"]: r for r in stored if r["actor"] == meta.actor and r["period"] == meta.period
    }
    known = {a.id: a for a in current.actions}
    new, replaced = [], 0
    for row, action in actions:
        other = known.get(action.id)
        if other is not None and other.actor != action.actor:
            reader.problem(row, "id", f"the action id {action.id!r} belongs to {other.actor!r}")
            continue
        earlier = mine.get(action.id)
        if earlier is None:
            if other is None or _action_fields(other) != _action_fields(action):
                new.append(action)
        elif _action_fields(_action_model(earlier)) != _action_fields(action):
            if replace:
                new.append(action)
                replaced += 1
            else:
                reader.problem(row, "description", _conflict("action", action.id, meta, earlier))
    return new, replaced


# --- answers for the reports -----------------------------------------------------------


def _action_model(row: dict[str, Any]) -> Action:
    return Action(
        id=row["action_id"],
        actor=row["actor"],
        goal=row["goal"],
        description=row["description"],
        responsible=row["responsible"],
        due=row["due"],
        status=row["status"],
    )


def _answers(
    fw: Framework, assessment_rows: Sequence[dict[str, Any]], action_rows: Sequence[dict[str, Any]]
) -> tuple[list[Assessment], list[Action]]:
    """Stored rows as the framework's models; each action as of its latest period.

    Answers about goals or actors the framework no longer has are left out: a report
    cannot place them.
    """
    goals = {g.id for g in [*fw.shared_goals, *fw.actor_goals]}
    actors = {a.id for a in fw.actors}
    assessments = [
        Assessment(
            goal=r["goal"],
            actor=r["actor"],
            period=r["period"],
            judgement=r["judgement"],
            justification=r["justification"],
            owner=r["owner"],
        )
        for r in assessment_rows
        if r["goal"] in goals and r["actor"] in actors
    ]
    latest: dict[str, dict[str, Any]] = {}
    for r in sorted(action_rows, key=lambda r: (r["period"], r["import_id"])):
        latest[r["action_id"]] = r
    actions = [
        _action_model(r)
        for r in latest.values()
        if r["actor"] in actors and (r["goal"] is None or r["goal"] in goals)
    ]
    return assessments, actions


def imported(store_path: Path, fw: Framework) -> tuple[list[Assessment], list[Action]]:
    """The current (not replaced) imported assessments and actions of the framework.

    Without a store there are none. Each action comes as of the latest period it was
    answered for.
    """
    if not Path(store_path).exists():
        return [], []
    with Store.open(store_path, read_only=True) as store:
        assessment_rows, action_rows = store.imported_answers(fw.collaboration.id)
    return _answers(fw, assessment_rows, action_rows)


def merge(fw: Framework, assessments: Sequence[Assessment], actions: Sequence[Action]) -> Framework:
    """The framework with imported answers laid over its own.

    An imported assessment replaces the framework file's for the same goal, actor and
    period, and an imported action the file's with the same id (keeping its place in the
    action plan); the others are added.
    """
    keys = {(a.goal, a.actor, a.period) for a in assessments}
    kept = [a for a in fw.assessments if (a.goal, a.actor, a.period) not in keys]
    by_id = {a.id: a for a in actions}
    merged_actions = [by_id.pop(a.id, a) for a in fw.actions]
    return fw.model_copy(
        update={
            "assessments": [*kept, *assessments],
            "actions": [*merged_actions, *by_id.values()],
        }
    )
