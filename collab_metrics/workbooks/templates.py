"""Templates out: one workbook per actor with its goals beside the latest statistics, its
action plan and, for an actor that reports a measure, a sheet for the figures."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collab_metrics.analysis.answers import imported, merge
from collab_metrics.analysis.followup import assess_store
from collab_metrics.analysis.resources import contributions
from collab_metrics.analysis.resources import imported as imported_resources
from collab_metrics.model import areas, limits
from collab_metrics.model.framework import (
    Action,
    Actor,
    Contribution,
    FileIndicator,
    Framework,
    Priority,
)
from collab_metrics.store import Store
from collab_metrics.text import overrides, reasons
from collab_metrics.text.format import area_name, missing, percent, value_with_unit
from collab_metrics.text.labels import (
    ACTION_STATUS,
    JUDGEMENT,
    SEX,
    STATUS,
    Language,
)
from collab_metrics.workbooks import resources, signing
from collab_metrics.workbooks.layout import (
    ACTIONS,
    FIRST_ROW,
    GOALS,
    HEADER_ROW,
    IDENTITY,
    INSTRUCTION_ROW,
    MEASURE_ROWS,
    MEASURES,
    META_SHEET,
    NEW_ACTION_ROWS,
    TEMPLATE_VERSION,
    AnyGoal,
    CollectError,
    Sheet,
    check_period,
    column_letter,
    goal_choices,
    goals_of,
    reported_measures,
    say,
    styles,
)

# openpyxl is imported only inside the functions that make or read workbooks: the
# reports import this package for `imported` and `merge`, and every report notebook's
# fresh kernel would pay for loading openpyxl otherwise.
if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet


def _template_actors(fw: Framework) -> list[Actor]:
    """The actors that get a workbook: those with goals, actions, a measure to report, a
    part of the cost split or a priority to answer for."""
    busy = {g.actor for g in fw.actor_goals} | {a.actor for a in fw.actions}
    busy |= {i.reported_by for i in fw.indicators if i.reported_by}
    busy |= {p.owner for p in fw.priorities}
    return [a for a in fw.actors if a.id in busy or resources.has_resources(fw, a.id)]


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
    brought: tuple[list[Contribution], list[Priority]] = ([], [])
    with Store.open(store_path) as store:
        key = store.secret(signing.KEY_NAME, create=True)
    assert key is not None, "created on request"
    if has_data:
        found = assess_store(fw, store_path, int(period[:4]))
        with overrides.using(fw.path):  # the collaboration's own words, if it has any
            rows = reasons.in_words(found.rows, fw.collaboration.language)
        statistics = {row.goal: row for row in rows[rows["sex"] == "total"].itertuples()}
        fw = merge(fw, *imported(store_path, fw))
        brought = imported_resources(store_path, fw)
    known = [c for c, _ in contributions(fw, brought[0])]
    actors = _template_actors(fw)
    if not actors:
        raise CollectError("no actor has goals, actions or a measure to report: nothing to send")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for actor in actors:
        path = out_dir / _template_name(fw, actor.id, period)
        partial = path.with_name(path.name + ".partial")
        _workbook(fw, actor, period, statistics, key, (known, brought[1])).save(partial)
        os.replace(partial, path)  # a reader never sees half a workbook
        written.append(path)
    return written


def _new_action_start(fw: Framework, actor_id: str, period: str) -> int:
    """The number of the first new action, after those already numbered for the period."""
    prefix = f"{actor_id}-{period}-"
    taken = [
        int(a.id.removeprefix(prefix))
        for a in fw.actions
        if a.id.startswith(prefix) and a.id.removeprefix(prefix).isdigit()
    ]
    return max(taken, default=0) + 1


def _workbook(
    fw: Framework,
    actor: Actor,
    period: str,
    statistics: dict[str, Any],
    signing_key: bytes,
    known: tuple[Sequence[Contribution], Sequence[Priority]] = ((), ()),
) -> Workbook:
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    language: Language = fw.collaboration.language
    goals = goals_of(fw, actor.id)
    actions = [a for a in fw.actions if a.actor == actor.id]
    reported = reported_measures(fw, actor.id)
    book = Workbook()
    goals_sheet = book.active
    assert goals_sheet is not None, "a new workbook has a sheet"
    actions_sheet = book.create_sheet()
    measures_sheet = book.create_sheet() if reported else None
    resources_sheet = book.create_sheet() if resources.has_resources(fw, actor.id) else None
    owned = resources.owned_priorities(fw, actor.id)
    priorities_sheet = book.create_sheet() if owned else None
    meta = book.create_sheet(META_SHEET)
    lists = _Lists(meta)
    _goals_sheet(fw, goals_sheet, actor, period, goals, statistics, lists)
    _actions_sheet(fw, actions_sheet, actor, period, goals, actions, lists)
    if measures_sheet is not None:
        _measures_sheet(fw, measures_sheet, actor, reported, lists)
    tools = resources.Tools(_start, _put, _inputs, _validate, lists, styles()["wrap"])
    if resources_sheet is not None:
        resources.resources_sheet(fw, resources_sheet, actor, period, known[0], tools)
    if priorities_sheet is not None:
        resources.priorities_sheet(fw, priorities_sheet, actor, known[1], tools)
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
    signed = {k: identification[k] for k in IDENTITY}
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
        letter = column_letter(self.next_column)
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


def _start(sheet: Worksheet, spec: Sheet, language: Language, instruction: str) -> None:
    """Name, instruction line, headers, widths, frozen headers and protection."""
    sheet.title = spec.name(language)
    style = styles()
    last = column_letter(len(spec.columns))
    sheet.merge_cells(f"A{INSTRUCTION_ROW}:{last}{INSTRUCTION_ROW}")
    cell = _put(sheet, INSTRUCTION_ROW, 1, instruction)
    cell.alignment, cell.font = style["wrap"], style["bold"]
    sheet.row_dimensions[INSTRUCTION_ROW].height = 62
    for position, column in enumerate(spec.columns, start=1):
        header = _put(sheet, HEADER_ROW, position, column.header(language))
        header.font, header.fill, header.border = style["bold"], style["header"], style["rule"]
        header.alignment = style["wrap"]
        sheet.column_dimensions[column_letter(position)].width = column.width
    sheet.freeze_panes = f"A{FIRST_ROW}"
    # No password: the protection prevents accidents, and the import checks every cell.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widening a column stays allowed
    sheet.protection.formatRows = False


def _inputs(sheet: Worksheet, spec: Sheet, rows: range) -> None:
    """Unlock and mark the editable cells of these rows."""
    style = styles()
    for row in rows:
        for position, column in enumerate(spec.columns, start=1):
            if column.editable:
                cell = sheet.cell(row, position)
                cell.protection, cell.fill = style["unlocked"], style["input"]
                cell.alignment = style["wrap"]


def _validate(
    sheet: Worksheet,
    spec: Sheet,
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
        say(
            "goals_instruction",
            language,
            actor=actor.name,
            period=period,
            first=first,
            last=last,
            owner=fw.collaboration.owner,
        ),
    )
    answers = {a.goal: a for a in fw.assessments if a.actor == actor.id and a.period == period}
    for row, goal in enumerate(goals, start=FIRST_ROW):
        answer = answers.get(goal.id)
        values = {
            **_statistics_cells(fw, goal, statistics.get(goal.id), language),
            "goal": goal.id,
            "title": goal.title,
            "area": area_name(fw.goal_area(goal)),
            "judgement": JUDGEMENT[language][answer.judgement] if answer else None,
            "justification": answer.justification if answer else None,
            "owner": answer.owner if answer else None,
        }
        for position, column in enumerate(spec.columns, start=1):
            _put(sheet, row, position, values[column.key]).alignment = styles()["wrap"]
    rows = range(FIRST_ROW, FIRST_ROW + len(goals))
    _inputs(sheet, spec, rows)
    _validate(
        sheet,
        spec,
        "judgement",
        rows,
        say("choose_judgement", language),
        type="list",
        formula1=lists.range(list(JUDGEMENT[language].values())),
    )


def _statistics_cells(
    fw: Framework, goal: AnyGoal, row: Any | None, language: Language
) -> dict[str, str]:
    """Latest value and year, target and year, and the statistical status, as words."""
    unit = fw.indicator(goal.indicator).unit
    target = "–"
    if row is not None and not missing(row.target_value):
        target = value_with_unit(row.target_value, unit, language, plain=True)
    elif goal.target is not None and goal.target.value is not None:
        target = value_with_unit(goal.target.value, unit, language, plain=True)
    elif goal.target is not None and goal.baseline is not None:
        change = percent((goal.target.change_percent or 0) / 100, language, 0)
        target = say("target_change", language, change=change, year=goal.baseline.year)
    cells = {
        "latest": "–",
        "latest_year": "–",
        "target": target,
        "target_year": str(goal.target.year) if goal.target else "–",
        "status": "–",
    }
    if row is not None:
        if not missing(row.latest_value):
            cells["latest"] = value_with_unit(row.latest_value, unit, language, plain=True)
            cells["latest_year"] = str(row.latest_period)
        status = STATUS[language][row.status]
        cells["status"] = f"{status} ({row.reason})" if _text(row.reason) else status
    return cells


def _text(value: Any) -> str:
    return "" if missing(value) else str(value)


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
        say(
            "actions_instruction",
            language,
            actor=actor.name,
            not_started=words["not_started"],
            removed=words["removed"],
        ),
    )
    for row, action in enumerate(actions, start=FIRST_ROW):
        values = {
            "id": action.id,
            "goal": goal_choices(goals).get(action.goal, action.goal) if action.goal else None,
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
            say("choose_goal", language),
            type="list",
            formula1=lists.range(list(goal_choices(goals).values())),
        )
    _validate(
        sheet,
        spec,
        "due",
        rows,
        say("write_date", language),
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
        say("choose_status", language),
        type="list",
        formula1=lists.range(list(words.values())),
    )


def _measure_areas(fw: Framework, actor: Actor) -> list[str]:
    """Dropdown entries "code name": the actor's area, its municipalities, the
    collaboration's area and riket. Other codes can still be typed."""
    home = actor.area or fw.collaboration.area
    codes = [home]
    if areas.get(home).kind == "region":
        codes += [m.code for m in areas.municipalities(home)]
    codes += [fw.collaboration.area, areas.RIKET]
    return [f"{code} {area_name(code)}" for code in dict.fromkeys(codes)]


def _measures_sheet(
    fw: Framework, sheet: Worksheet, actor: Actor, reported: Sequence[FileIndicator], lists: _Lists
) -> None:
    language: Language = fw.collaboration.language
    spec = MEASURES
    measures = ", ".join(f"{i.id} ({i.title}, {i.unit})" for i in reported)
    example = actor.area or fw.collaboration.area  # an area code this actor would write
    _start(
        sheet,
        spec,
        language,
        say(
            "measures_instruction",
            language,
            actor=actor.name,
            measures=measures,
            example=example,
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
        say("choose_measure", language),
        type="list",
        formula1=lists.range([i.id for i in reported]),
    )
    _validate(
        sheet,
        spec,
        "area",
        rows,
        say("choose_area", language, example=example),
        warn=True,
        type="list",
        formula1=lists.range(_measure_areas(fw, actor)),
    )
    _validate(
        sheet,
        spec,
        "sex",
        rows,
        say("choose_sex", language),
        type="list",
        formula1=lists.range(list(SEX[language].values())),
    )
    _validate(
        sheet,
        spec,
        "value",
        rows,
        say("write_number", language),
        type="decimal",
        operator="between",
        formula1="-1E+300",
        formula2="1E+300",
    )
