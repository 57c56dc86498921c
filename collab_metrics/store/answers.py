"""Imported answers: the actors' judgements and actions from workbooks, with their history."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from collab_metrics.store.connection import Connected
from collab_metrics.store.sql import scalar, utc_naive, utc_now

# Columns every imported answer has, filled from its ImportBatch.
_IMPORT_COMMON: Final = (
    "import_id",
    "collaboration",
    "actor",
    "period",
    "file_name",
    "file_sha256",
    "imported_at",
)
# With collaboration, actor and period, what identifies an answer: a second answer with
# the same key replaces the first.
_ANSWER_KEYS: Final = {
    "imported_assessments": "goal",
    "imported_actions": "action_id",
    "imported_contributions": "year",
    "imported_priorities": "priority_id",
}


@dataclass(frozen=True)
class ImportBatch:
    """One imported workbook: who answered for which period, from which file, and what.

    `assessments` rows have the keys goal, judgement, justification, owner; `actions`
    rows action_id, goal, description, responsible, due, status; `contributions` rows
    year, money, staff_fte, in_kind, note; `priorities` rows priority_id, outcome,
    comment. `fetch_id` is the vintage that holds the workbook's measures (None when they
    changed nothing).
    """

    collaboration: str
    actor: str
    period: str
    file_name: str
    file_sha256: str
    framework_sha256: str
    template_version: int
    assessments: Sequence[Mapping[str, Any]]
    actions: Sequence[Mapping[str, Any]]
    measures: int
    fetch_id: int | None
    contributions: Sequence[Mapping[str, Any]] = ()
    priorities: Sequence[Mapping[str, Any]] = ()


class Answers(Connected):
    """The actors' answers imported from workbooks, and the store's own secrets."""

    def record_import(self, batch: ImportBatch) -> int:
        """Record one imported workbook and its answers; return its import id.

        A current answer with the same key (actor, goal or action id, period) is replaced:
        its row stays, marked with replaced_at and replaced_by, as the answer's history.
        """
        self._check_writable()
        con = self._con
        with self.transaction():
            import_id = scalar(con, "SELECT coalesce(max(import_id), 0) + 1 FROM imports")
            now = utc_now()
            common = [import_id, batch.collaboration, batch.actor, batch.period]
            common += [batch.file_name, batch.file_sha256, now]
            replaced = 0
            for table, rows in (
                ("imported_assessments", batch.assessments),
                ("imported_actions", batch.actions),
                ("imported_contributions", batch.contributions),
                ("imported_priorities", batch.priorities),
            ):
                key = _ANSWER_KEYS[table]
                for row in rows:
                    replaced += scalar(
                        con,
                        f"""UPDATE {table} SET replaced_at = ?, replaced_by = ?
                            WHERE replaced_at IS NULL AND collaboration = ? AND actor = ?
                              AND {key} = ? AND period = ?""",
                        [now, import_id, batch.collaboration, batch.actor, row[key], batch.period],
                    )
                if rows:
                    fields = list(rows[0])
                    columns = ", ".join([*_IMPORT_COMMON, *fields])
                    marks = ", ".join("?" * (len(_IMPORT_COMMON) + len(fields)))
                    con.executemany(
                        f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                        [[*common, *(row[field] for field in fields)] for row in rows],
                    )
            con.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    import_id,
                    batch.collaboration,
                    batch.actor,
                    batch.period,
                    batch.file_name,
                    batch.file_sha256,
                    batch.framework_sha256,
                    batch.template_version,
                    now,
                    batch.fetch_id,
                    len(batch.assessments),
                    len(batch.actions),
                    batch.measures,
                    replaced,
                ],
            )
        return import_id

    def secret(self, name: str, *, create: bool = False) -> bytes | None:
        """The store's random 32-byte secret `name`; a writer creates it when asked to.

        Kept only in the store (table `secrets`, outside the versioned schema), never in a
        file sent out, so a signature made with it cannot be recomputed by whoever edits
        such a file.
        """
        self._check_writable()
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS secrets (name VARCHAR PRIMARY KEY, value BLOB NOT NULL)"
        )
        row = self._con.execute("SELECT value FROM secrets WHERE name = ?", [name]).fetchone()
        if row is not None:
            return bytes(row[0])
        if not create:
            return None
        value = secrets.token_bytes(32)
        self._con.execute("INSERT INTO secrets VALUES (?, ?)", [name, value])
        return value

    def imports_since(self, collaboration: str, since: datetime) -> list[dict[str, Any]]:
        """Workbooks imported for a collaboration after `since` (UTC), oldest first."""
        cursor = self._con.execute(
            """SELECT import_id, actor, period, file_name, imported_at FROM imports
               WHERE collaboration = ? AND imported_at > ? ORDER BY import_id""",
            [collaboration, utc_naive(since)],
        )
        columns = [description[0] for description in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def imported_answers(
        self, collaboration: str
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The current (not replaced) imported assessments and actions of a collaboration.

        Rows are dicts with the table's columns; an action has one current row per period
        it was answered for.
        """
        found = self._current(collaboration, ("imported_assessments", "imported_actions"))
        return found[0], found[1]

    def imported_resources(
        self, collaboration: str
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The current imported contributions and priority outcomes of a collaboration."""
        found = self._current(collaboration, ("imported_contributions", "imported_priorities"))
        return found[0], found[1]

    def _current(self, collaboration: str, tables: Sequence[str]) -> list[list[dict[str, Any]]]:
        """The current (not replaced) rows of each answer table, oldest import first."""
        found = []
        for table in tables:
            cursor = self._con.execute(
                f"""SELECT * EXCLUDE (replaced_at, replaced_by) FROM {table}
                    WHERE collaboration = ? AND replaced_at IS NULL ORDER BY import_id""",
                [collaboration],
            )
            columns = [description[0] for description in cursor.description]
            found.append([dict(zip(columns, row, strict=True)) for row in cursor.fetchall()])
        return found
