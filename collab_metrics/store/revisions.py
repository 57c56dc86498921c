"""Revisions: every change of a stored key between vintages, and the list of fetches."""

from __future__ import annotations

import pandas as pd

from collab_metrics.store.connection import Connected
from collab_metrics.store.sql import DELETED, KEY, typed


class Revisions(Connected):
    """What changed between vintages, and the fetches that made them."""

    def revisions(
        self, indicator: str | None = None, *, fetch_id: int | None = None
    ) -> pd.DataFrame:
        """One row per change of a stored key: its old and new value, status, source, vintage.

        `change` is "deleted" when the source withdrew the key, else "revised" (a key
        coming back after deletion is a revision from status "deleted"). `fetch_id`
        keeps the changes one fetch made.
        """
        where, params = ["true"], []
        if indicator is not None:
            where.append("indicator = ?")
            params.append(indicator)
        frame = self._con.execute(
            f"""SELECT {KEY}, source, old_source, old_value, old_status, value AS new_value,
                       status AS new_status, old_retrieved_at, retrieved_at AS new_retrieved_at,
                       old_fetch_id::BIGINT AS old_fetch_id, fetch_id::BIGINT AS new_fetch_id,
                       CASE WHEN status = '{DELETED}' THEN 'deleted' ELSE 'revised' END
                           AS change
                FROM (SELECT *, lag(value) OVER w AS old_value, lag(status) OVER w AS old_status,
                             lag(source) OVER w AS old_source,
                             lag(retrieved_at) OVER w AS old_retrieved_at,
                             lag(fetch_id) OVER w AS old_fetch_id
                      FROM observations WHERE {" AND ".join(where)}
                      WINDOW w AS (PARTITION BY {KEY} ORDER BY fetch_id))
                WHERE old_fetch_id IS NOT NULL AND (? IS NULL OR fetch_id = ?)
                ORDER BY new_fetch_id, {KEY}""",
            [*params, fetch_id, fetch_id],
        ).df()
        return typed(
            frame,
            strings=(
                "indicator",
                "area",
                "period",
                "sex",
                "source",
                "old_source",
                "old_status",
                "new_status",
                "change",
            ),
            floats=("old_value", "new_value"),
            times=("old_retrieved_at", "new_retrieved_at"),
            ints=("old_fetch_id", "new_fetch_id"),
        )

    def fetches(self) -> pd.DataFrame:
        """Every recorded fetch with its label, times and WriteSummary counts."""
        frame = self._con.execute("SELECT * FROM fetches ORDER BY fetch_id").df()
        return typed(
            frame,
            strings=("label",),
            times=("started_at", "finished_at"),
            ints=(
                "fetch_id",
                "new",
                "revised",
                "unchanged",
                "deleted",
                "raw_archived",
                "raw_stored",
            ),
        )
