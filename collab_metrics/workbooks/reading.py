"""Reading a returned workbook: the file within limits, the signed identification, and
every sheet's cells by row and column, each problem located by sheet, row and column.

The problems are written in the framework's language (`collaboration.language`, catalog
`messages/workbooks.yaml`); the sheet names and headers they quote are the workbook's own.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from collab_metrics import xlsxsafe
from collab_metrics.model import limits
from collab_metrics.model.framework import Actor, ActorGoal, Framework
from collab_metrics.text.labels import Language
from collab_metrics.workbooks import signing
from collab_metrics.workbooks.layout import (
    ACTIONS,
    FIRST_ROW,
    GOALS,
    HEADER_ROW,
    IDENTITY,
    MEASURES,
    META_SHEET,
    PERIOD,
    PRIORITIES,
    RESOURCES,
    TEMPLATE_VERSION,
    ActorImportError,
    Sheet,
    say,
)


def read_body(path: Path, name: str, language: Language) -> bytes:
    """The file's bytes: a regular file within limits.WORKBOOK_BYTES, or refused."""
    try:
        return limits.read_regular(path, limits.WORKBOOK_BYTES, "returned workbook")
    except ValueError as exc:
        raise ActorImportError(name, [str(exc)]) from None
    except limits.NotRegularFile:
        raise ActorImportError(name, [say("not_regular_file", language)]) from None
    except OSError as exc:
        reason = str(exc.strerror)
        raise ActorImportError(name, [say("cannot_read", language, reason=reason)]) from None


def open_book(body: bytes, name: str) -> dict[str, xlsxsafe.Grid]:
    """The workbook's sheets that an import reads, streamed within the limits."""
    columns = {META_SHEET: 2}
    for spec in (GOALS, ACTIONS, MEASURES, RESOURCES, PRIORITIES):
        columns |= dict.fromkeys(spec.names(), len(spec.columns))
    try:
        return xlsxsafe.read_sheets(body, name, columns)
    except xlsxsafe.UnsafeWorkbook as exc:
        raise ActorImportError(name, exc.problems) from None


@dataclass(frozen=True)
class Meta:
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


def identify(
    fw: Framework, book: dict[str, xlsxsafe.Grid], name: str, period: str | None, key: bytes | None
) -> tuple[Meta, list[str]]:
    """Read the hidden sheet and refuse a workbook made for another framework, actor or
    period, or whose identification does not match its signature; a workbook made for an
    earlier version of the framework gets a warning."""
    language = fw.collaboration.language
    if META_SHEET not in book:
        raise ActorImportError(name, [say("meta_missing", language, sheet=META_SHEET)])
    sheet = book[META_SHEET]
    values = {str(row[0]): row[1] for row in sheet.rows(2)}
    try:
        version = int(values["template_version"])
        meta = Meta(
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
        raise ActorImportError(name, [say("meta_changed", language, sheet=META_SHEET)]) from None
    problems = []
    if meta.template_version != TEMPLATE_VERSION:
        found, expected = meta.template_version, TEMPLATE_VERSION
        problems.append(say("template_version", language, found=found, expected=expected))
    if meta.framework_id != fw.collaboration.id:
        found_id, expected_id = meta.framework_id, fw.collaboration.id
        problems.append(say("other_collaboration", language, found=found_id, expected=expected_id))
    if meta.actor not in {a.id for a in fw.actors}:
        problems.append(say("unknown_actor", language, actor=meta.actor))
    if not PERIOD.fullmatch(meta.period):
        problems.append(say("not_a_follow_up_period", language, period=meta.period))
    elif period is not None and meta.period != period:
        problems.append(say("other_period", language, found=meta.period, expected=period))
    if problems:
        raise ActorImportError(name, problems)
    signed = {k: values.get(k) for k in IDENTITY}
    if key is None or not signing.verify(key, signed, str(values.get("signature") or "")):
        raise ActorImportError(name, [say("bad_signature", language, sheet=META_SHEET)])
    warnings = []
    if meta.framework_sha256 != fw.sha256:
        file_name = fw.path.name if fw.path else fw.collaboration.id
        then, now = meta.framework_sha256[:12], fw.sha256[:12]
        warnings.append(say("earlier_framework", language, file=file_name, then=then, now=now))
    return meta, warnings


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(part for part in str(value or "").split(",") if part)


class Reader:
    """One sheet of a returned workbook: cells by row and column key, problems located.

    `language` is the workbook's (its sheet names and headers), `words` the framework's,
    in which the problems are written.
    """

    def __init__(
        self,
        book: dict[str, xlsxsafe.Grid],
        spec: Sheet,
        language: Language,
        problems: list[str],
        words: Language,
    ) -> None:
        self.spec = spec
        self.language: Language = language
        self.words: Language = words
        self.name = spec.name(language)
        self.problems = problems
        self.sheet: xlsxsafe.Grid | None = None
        if self.name not in book:
            problems.append(say("sheet_missing", words, sheet=self.name))
            return
        self.sheet = book[self.name]
        for position, column in enumerate(spec.columns, start=1):
            found = self.sheet.value(HEADER_ROW, position)
            if not column.accepts(found, language):
                expected = column.header(language)
                self.problem(
                    HEADER_ROW,
                    column.key,
                    self.say("wrong_header", expected=expected, found=shown(found, words)),
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

    def say(self, key: str, /, **params: object) -> str:
        """The workbook message `key` in the language of the problems."""
        return say(key, self.words, **params)

    def problem(self, row: int, key: str, reason: str) -> None:
        """A problem at a cell: sheet, row, column letter and header, then `reason`."""
        column = self.spec.column(key)
        self.problems.append(
            self.say(
                "problem_at",
                sheet=self.name,
                row=row,
                column=self.spec.letter(key),
                header=column.header(self.language),
                reason=reason,
            )
        )

    @property
    def editable(self) -> list[str]:
        return [c.key for c in self.spec.columns if c.editable]


def shown(value: Any, language: Language) -> str:
    """A cell's value as a problem quotes it: its repr, or "an empty cell"."""
    return say("empty_cell", language) if value in (None, "") else repr(value)


def choice(reader: Reader, row: int, key: str, words: Mapping[str, dict[str, str]]) -> str | None:
    """The code for a dropdown cell: its words (either language) or the code itself."""
    text = reader.text(row, key)
    if not text:
        return None
    choices = {fold(code): code for code in words["sv"]}
    for table in words.values():
        choices |= {fold(word): code for code, word in table.items()}
    if fold(text) in choices:
        return choices[fold(text)]
    allowed = ", ".join(repr(w) for w in words[reader.language].values())
    reader.problem(row, key, reader.say("not_a_choice", text=text, allowed=allowed))
    return None


def fold(text: str) -> str:
    """Compared as words: spacing, case and Unicode composition ("a" + ring = "å") aside."""
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


def goal_problem(fw: Framework, goal_id: str, actor: Actor, allowed: set[str]) -> str | None:
    """Why an actor cannot answer for this goal in the current framework, if it cannot."""
    language = fw.collaboration.language
    if goal_id not in {g.id for g in [*fw.shared_goals, *fw.actor_goals]}:
        file_name = fw.path.name if fw.path else fw.collaboration.id
        return say("goal_gone", language, goal=goal_id, file=file_name)
    if goal_id not in allowed:
        goal = fw.goal(goal_id)
        if isinstance(goal, ActorGoal):
            owner = fw.actor(goal.actor).name
            return say("goal_of_other_actor", language, goal=goal_id, actor=actor.name, owner=owner)
        return say("goal_not_theirs", language, goal=goal_id, actor=actor.name)
    return None


def in_place(reader: Reader, row: int, key: str, expected: str, what: str) -> bool:
    """Whether a protected reference cell (`what`: "goal" or "action" id) still holds what
    the template wrote there."""
    found = reader.text(row, key)
    if found == expected:
        return True
    shown_found = shown(found, reader.words)
    reader.problem(row, key, reader.say(f"moved_{what}", expected=expected, found=shown_found))
    return False


def model_problem(reader: Reader, row: int, exc: ValidationError, default: str) -> None:
    """The first problem the framework's model finds in a row, at its column."""
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else default
    key = field if field in reader.editable else default
    reader.problem(row, key, str(error["msg"]).removeprefix("Value error, "))


def due_date(reader: Reader, row: int) -> date | None:
    value = reader.value(row, "due")
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = date.fromisoformat(value)
    if not isinstance(value, date):
        reader.problem(row, "due", reader.say("not_a_date", value=shown(value, reader.words)))
        return None
    low, high = limits.DUE_RANGE
    if not low <= value.year <= high:
        reader.problem(row, "due", reader.say("date_out_of_range", date=value, low=low, high=high))
        return None
    return value
