"""The resources and priorities sheets of an actor's workbook: out with the agreed amount
and the priorities the actor owns, back with its actual contribution and their outcomes.

The resources sheet has one row, for the follow-up period's year: the agreed amount
(locked) and what the actor actually put in (money in SEK, staff in FTE, in kind, a note).
The priorities sheet lists the priorities the actor owns, each with an outcome to choose
(done, partly, not done, dropped) and a comment. An import reads either sheet only when
the workbook has it, checks every cell, and gives back rows for the store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from collab_metrics.model.framework import Actor, Contribution, Framework, Priority
from collab_metrics.model.resources import PRIORITY_OUTCOMES
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import LANGUAGES, message
from collab_metrics.text.labels import Language
from collab_metrics.workbooks.layout import FIRST_ROW, PRIORITIES, RESOURCES, say
from collab_metrics.workbooks.reading import Reader, choice, model_problem, shown

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


@dataclass(frozen=True)
class Tools:
    """The template writer's helpers (`templates`), handed in so this module needs no
    import of it: start a sheet, put a value, unlock input rows, add a validation, the
    dropdown lists and the wrapping alignment."""

    start: Callable[..., None]
    put: Callable[..., Any]
    inputs: Callable[..., None]
    validate: Callable[..., None]
    lists: Any
    wrap: Any


def outcome_words() -> dict[str, dict[str, str]]:
    """language -> outcome code -> words, read afresh (a collaboration may override them)."""
    return {
        language: {
            code: message(f"resources.outcome_{code}", language) for code in PRIORITY_OUTCOMES
        }
        for language in LANGUAGES
    }


def has_resources(fw: Framework, actor_id: str) -> bool:
    """Whether the actor gets a resources sheet: it is in a split or has contributed."""
    if fw.resources is None:
        return False
    named = {a for split in fw.resources.agreed for a in split.fractions()}
    named |= {c.actor for c in fw.resources.contributions}
    return actor_id in named


def owned_priorities(fw: Framework, actor_id: str) -> list[Priority]:
    return [p for p in fw.priorities if p.owner == actor_id]


def resources_sheet(
    fw: Framework,
    sheet: Worksheet,
    actor: Actor,
    period: str,
    contributions: Sequence[Contribution],
    tools: Tools,
) -> None:
    """The resources sheet for the period's year, filled with what is already known."""
    language: Language = fw.collaboration.language
    spec, year = RESOURCES, int(period[:4])
    tools.start(
        sheet,
        spec,
        language,
        say(
            "resources_instruction",
            language,
            actor=actor.name,
            year=year,
            first=spec.letter("money"),
            last=spec.letter("note"),
        ),
    )
    split = next((s for s in fw.resources.agreed if s.year == year), None) if fw.resources else None
    agreed = split.amount(actor.id) if split is not None else None
    known = next((c for c in contributions if c.actor == actor.id and c.year == year), None)
    values = {
        "year": year,
        "agreed_amount": agreed if agreed is not None else "–",
        "money": known.money if known else None,
        "staff_fte": known.staff_fte if known else None,
        "in_kind": known.in_kind or None if known else None,
        "note": known.note or None if known else None,
    }
    for position, column in enumerate(spec.columns, start=1):
        tools.put(sheet, FIRST_ROW, position, values[column.key])
    sheet.cell(FIRST_ROW, spec.index("agreed_amount")).number_format = "#,##0"
    sheet.cell(FIRST_ROW, spec.index("money")).number_format = "#,##0"
    rows = range(FIRST_ROW, FIRST_ROW + 1)
    tools.inputs(sheet, spec, rows)
    for key, words in (("money", "write_amount"), ("staff_fte", "write_fte")):
        tools.validate(
            sheet,
            spec,
            key,
            rows,
            say(words, language),
            type="decimal",
            operator="between",
            formula1="0",
            formula2="1E+12",
        )


def priorities_sheet(
    fw: Framework,
    sheet: Worksheet,
    actor: Actor,
    answers: Sequence[Priority],
    tools: Tools,
) -> None:
    """The priorities the actor owns, with the outcomes already known."""
    language: Language = fw.collaboration.language
    spec = PRIORITIES
    tools.start(
        sheet,
        spec,
        language,
        say(
            "priorities_instruction",
            language,
            actor=actor.name,
            first=spec.letter("outcome"),
            last=spec.letter("comment"),
        ),
    )
    answered = {p.id: p for p in answers}
    words = outcome_words()[language]
    owned = owned_priorities(fw, actor.id)
    for row, priority in enumerate(owned, start=FIRST_ROW):
        known = answered.get(priority.id, priority)
        values = {
            "priority": priority.id,
            "text": priority.text,
            "period": priority.period,
            "outcome": words[known.outcome] if known.outcome else None,
            "comment": known.comment or None,
        }
        for position, column in enumerate(spec.columns, start=1):
            tools.put(sheet, row, position, values[column.key]).alignment = tools.wrap
    rows = range(FIRST_ROW, FIRST_ROW + len(owned))
    tools.inputs(sheet, spec, rows)
    tools.validate(
        sheet,
        spec,
        "outcome",
        rows,
        say("choose_outcome", language),
        type="list",
        formula1=tools.lists.range(list(words.values())),
    )


def read_contribution(reader: Reader, actor: Actor, period: str) -> Contribution | None:
    """The actor's contribution for the period's year, or None when the row is empty."""
    if reader.sheet is None:
        return None
    year = int(period[:4])
    if str(reader.value(FIRST_ROW, "year")) != str(year):
        found = shown(reader.value(FIRST_ROW, "year"), reader.words)
        reader.problem(FIRST_ROW, "year", reader.say("moved_year", expected=year, found=found))
        return None
    for row in reader.rows(FIRST_ROW + 1):
        if not reader.blank(row, [c.key for c in RESOURCES.columns]):
            reader.problem(row, "money", reader.say("row_added"))
    if reader.blank(FIRST_ROW, reader.editable):
        return None
    before = len(reader.problems)
    money = _amount(reader, "money")
    staff = _amount(reader, "staff_fte")
    if len(reader.problems) > before:
        return None
    try:
        return Contribution(
            actor=actor.id,
            year=year,
            money=money,
            staff_fte=staff,
            in_kind=reader.text(FIRST_ROW, "in_kind"),
            note=reader.text(FIRST_ROW, "note"),
        )
    except ValidationError as exc:  # nothing given but a note, too long, a control character
        model_problem(reader, FIRST_ROW, exc, "money")
        return None


def _amount(reader: Reader, key: str) -> float | None:
    """A number of 0 or more (a decimal comma in text is read too), or None when empty."""
    value = reader.value(FIRST_ROW, key)
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = float(value.replace("\u00a0", "").replace(" ", "").replace(",", "."))
        except ValueError:
            reader.problem(
                FIRST_ROW, key, reader.say("not_a_number", value=shown(value, reader.words))
            )
            return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        reader.problem(FIRST_ROW, key, reader.say("not_a_number", value=shown(value, reader.words)))
        return None
    if value < 0:
        negative = fmt.number(float(value), reader.words)
        reader.problem(FIRST_ROW, key, reader.say("negative_amount", value=negative))
        return None
    return float(value)


def read_priorities(fw: Framework, reader: Reader, actor: Actor) -> list[tuple[int, Priority]]:
    """(row, priority) for each owned priority with an outcome chosen."""
    if reader.sheet is None:
        return []
    owned = {p.id: p for p in owned_priorities(fw, actor.id)}
    found: list[tuple[int, Priority]] = []
    seen: set[str] = set()
    for row in reader.rows():
        if reader.blank(row, [c.key for c in PRIORITIES.columns]):
            continue
        priority_id = reader.text(row, "priority")
        if priority_id not in owned:
            given = shown(priority_id, reader.words)
            reader.problem(
                row, "priority", reader.say("priority_not_theirs", found=given, actor=actor.name)
            )
            continue
        if priority_id in seen:
            reader.problem(row, "priority", reader.say("priority_repeated", priority=priority_id))
            continue
        seen.add(priority_id)
        outcome = choice(reader, row, "outcome", outcome_words())
        comment = reader.text(row, "comment")
        if outcome is None:
            if reader.text(row, "outcome") == "" and comment:
                reader.problem(row, "outcome", reader.say("outcome_needed"))
            continue
        try:
            answer = {**owned[priority_id].model_dump(), "outcome": outcome, "comment": comment}
            found.append((row, Priority.model_validate(answer)))
        except ValidationError as exc:  # too long, or a control character
            model_problem(reader, row, exc, "comment")
    return found


def contribution_rows(
    fw: Framework,
    reader: Reader,
    period: str,
    found: Contribution | None,
    stored: Sequence[dict[str, Any]],
    replace: bool,
) -> list[dict[str, Any]]:
    """The contribution to store: left out when it says what is already known; one that
    differs from the answer stored for the same period replaces it only with `replace`."""
    if found is None:
        return []
    fields = ("money", "staff_fte", "in_kind", "note")
    new = {k: getattr(found, k) for k in fields}
    mine = [r for r in stored if r["actor"] == found.actor and r["year"] == found.year]
    same_period = [r for r in mine if r["period"] == period]
    if same_period and {k: same_period[-1][k] for k in fields} != new and not replace:
        reader.problem(
            FIRST_ROW,
            "money",
            conflict(reader, "contribution_answered", str(found.year), period, same_period[-1]),
        )
        return []
    if mine:
        known = {k: mine[-1][k] for k in fields}
    else:
        stated = fw.resources.contributions if fw.resources else []
        same = [c for c in stated if c.actor == found.actor and c.year == found.year]
        known = {k: getattr(same[0], k) for k in fields} if same else {}
    return [] if known == new else [{"year": found.year, **new}]


def priority_rows(
    fw: Framework,
    reader: Reader,
    period: str,
    found: Sequence[tuple[int, Priority]],
    stored: Sequence[dict[str, Any]],
    replace: bool,
) -> list[dict[str, Any]]:
    """The outcomes to store: those that differ from what the store (or the file) says; a
    different answer for the same period replaces the stored one only with `replace`."""
    latest = {r["priority_id"]: r for r in stored}
    stated = {p.id: p for p in fw.priorities}
    rows = []
    for row, priority in found:
        earlier = latest.get(priority.id)
        answer = (priority.outcome, priority.comment)
        known = (
            (earlier["outcome"], earlier["comment"])
            if earlier
            else (stated[priority.id].outcome, stated[priority.id].comment)
        )
        if known == answer:
            continue
        if earlier and earlier["period"] == period and not replace:
            reader.problem(
                row, "outcome", conflict(reader, "priority_answered", priority.id, period, earlier)
            )
            continue
        rows.append(
            {"priority_id": priority.id, "outcome": priority.outcome, "comment": priority.comment}
        )
    return rows


def conflict(reader: Reader, key: str, what: str, period: str, earlier: dict[str, Any]) -> str:
    """Why a different answer is not stored without --replace (message `key`, about `what`)."""
    when = earlier["imported_at"].strftime("%Y-%m-%d %H:%M")
    return reader.say(key, key=what, period=period, file=earlier["file_name"], when=when)
