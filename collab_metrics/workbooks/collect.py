"""Workbooks back in: each returned workbook checked cell by cell and stored, all or nothing.

`import_workbooks` stores what the workbooks bring in the store that holds the statistics,
all or nothing per file: assessments and actions in the tables of schema version 2,
figures as observations (source "collect"). A refused workbook leaves no trace, with
every problem named by sheet, row and column.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import replace as replace_field
from pathlib import Path
from typing import Literal

from collab_metrics.analysis.answers import answers_of, merge
from collab_metrics.model import limits
from collab_metrics.model.framework import Framework
from collab_metrics.model.tidy import FetchResult
from collab_metrics.store import ImportBatch, Store
from collab_metrics.text.catalog import Language
from collab_metrics.workbooks import resources, signing
from collab_metrics.workbooks.answers import (
    changed_actions,
    changed_assessments,
    read_actions,
    read_goals,
)
from collab_metrics.workbooks.layout import (
    ACTIONS,
    GOALS,
    MEASURES,
    PRIORITIES,
    RESOURCES,
    ActorImportError,
    check_period,
    reported_measures,
    say,
)
from collab_metrics.workbooks.measures import changes_observations, measure_frame, read_measures
from collab_metrics.workbooks.reading import Reader, identify, open_book, read_body


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one workbook: imported, unchanged or refused (with the problems)."""

    file: str
    status: Literal["imported", "unchanged", "refused"]
    actor: str = ""
    period: str = ""
    assessments: int = 0
    actions: int = 0
    measures: dict[str, int] | None = None  # new, revised, unchanged: the figures written
    contributions: int = 0
    priorities: int = 0
    replaced: int = 0
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    language: Language = "en"  # the framework's: the line's words

    @property
    def refused(self) -> bool:
        """Whether nothing was imported from this file because of its problems."""
        return self.status == "refused"

    def __str__(self) -> str:
        language = self.language
        if self.refused:
            return say(
                "outcome_refused", language, file=self.file, problems="; ".join(self.problems)
            )
        where = {"file": self.file, "actor": self.actor, "period": self.period}
        if self.status == "imported":
            parts = [_count("assessments", self.assessments, language)]
            parts.append(_count("actions", self.actions, language))
            if self.contributions:
                parts.append(_count("contributions", self.contributions, language))
            if self.priorities:
                parts.append(_count("priority_outcomes", self.priorities, language))
            if self.measures:
                parts.append(say("measure_values", language, **self.measures))
            text = say("outcome_imported", language, counts=", ".join(parts), **where)
            if self.replaced:
                text += _count("replaced", self.replaced, language)
        else:
            text = say("outcome_unchanged", language, **where)
        return text + "".join(say("outcome_warning", language, warning=w) for w in self.warnings)


def _count(key: str, n: int, language: Language) -> str:
    """The message `<key>_1` for one, else `<key>_n` with the number."""
    return say(f"{key}_1", language) if n == 1 else say(f"{key}_n", language, n=n)


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
                refused = ImportOutcome(exc.file, "refused", problems=exc.problems)
                outcomes.append(replace_field(refused, language=fw.collaboration.language))
    return outcomes


def import_workbook(
    fw: Framework, path: Path, store: Store, *, period: str | None = None, replace: bool = False
) -> ImportOutcome:
    """Validate one returned workbook and store what it brings, in one transaction.

    Raises ActorImportError, with every problem found, when anything is wrong; nothing
    from the file is stored then.
    """
    name, language = str(path), fw.collaboration.language
    body = read_body(path, name, language)
    book = open_book(body, name)
    meta, warnings = identify(fw, book, name, period, store.secret(signing.KEY_NAME))
    actor = fw.actor(meta.actor)
    problems: list[str] = []
    sheets = {
        spec: Reader(book, spec, meta.language, problems, language)
        for spec in (GOALS, ACTIONS, MEASURES)
        if spec is not MEASURES or reported_measures(fw, actor.id)
    }
    assessments = list(read_goals(fw, sheets[GOALS], meta))
    actions = list(read_actions(fw, sheets[ACTIONS], meta))
    if len(actions) > limits.ACTIONS_PER_ACTOR_PERIOD:
        sheet, limit = sheets[ACTIONS].name, limits.ACTIONS_PER_ACTOR_PERIOD
        problems.append(
            say("too_many_actions", language, sheet=sheet, count=len(actions), limit=limit)
        )
    measures = read_measures(fw, sheets[MEASURES], actor) if MEASURES in sheets else []
    # The resources and priorities sheets are read when the workbook has them.
    extra = {
        spec: Reader(book, spec, meta.language, problems, language)
        for spec in (RESOURCES, PRIORITIES)
        if spec.name(meta.language) in book
    }
    contribution = (
        resources.read_contribution(extra[RESOURCES], actor, meta.period)
        if RESOURCES in extra
        else None
    )
    outcomes = (
        resources.read_priorities(fw, extra[PRIORITIES], actor) if PRIORITIES in extra else []
    )
    if problems:
        raise ActorImportError(name, problems)

    stored_assessments, stored_actions = store.imported_answers(fw.collaboration.id)
    current = merge(fw, *answers_of(fw, stored_assessments, stored_actions))
    new_assessments, replaced_assessments = changed_assessments(
        fw, sheets[GOALS], meta, assessments, stored_assessments, replace
    )
    new_actions, replaced_actions = changed_actions(
        current, sheets[ACTIONS], meta, actions, stored_actions, replace
    )
    stored_contributions, stored_priorities = store.imported_resources(fw.collaboration.id)
    new_contributions = (
        resources.contribution_rows(
            fw, extra[RESOURCES], meta.period, contribution, stored_contributions, replace
        )
        if RESOURCES in extra
        else []
    )
    mine = [r for r in stored_priorities if r["actor"] == actor.id]
    new_priorities = (
        resources.priority_rows(fw, extra[PRIORITIES], meta.period, outcomes, mine, replace)
        if PRIORITIES in extra
        else []
    )
    if problems:
        raise ActorImportError(name, problems)
    frame = measure_frame(fw, measures)
    measures_change = not frame.empty and changes_observations(store, frame)
    brought = new_assessments or new_actions or new_contributions or new_priorities
    if not (brought or measures_change):
        return ImportOutcome(
            name,
            "unchanged",
            actor=actor.name,
            period=meta.period,
            warnings=tuple(warnings),
            language=language,
        )

    counts = None
    with store.transaction():
        fetch_id = None
        if measures_change:
            summary = store.write(
                [FetchResult(frame)],
                label=f"collect {fw.collaboration.id} {actor.id} {meta.period} ({path.name})",
            )
            fetch_id = summary.fetch_id
            counts = {
                "new": summary.new,
                "revised": summary.revised,
                "unchanged": summary.unchanged,
            }
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
                contributions=new_contributions,
                priorities=new_priorities,
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
        contributions=len(new_contributions),
        priorities=len(new_priorities),
        replaced=replaced_assessments + replaced_actions,
        warnings=tuple(warnings),
        language=language,
    )
