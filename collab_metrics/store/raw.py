"""The raw archive: the response bodies behind every vintage, stored once and checked."""

from __future__ import annotations

import hashlib
import zlib
from datetime import datetime

import pandas as pd

from collab_metrics.store.connection import Connected, StoreError
from collab_metrics.store.sql import insert_frame, typed


class RawArchive(Connected):
    """The raw archive: every response a fetch received, each distinct body once, compressed."""

    def _archive(
        self,
        fetch_id: int,
        responses: list[tuple[str, str, datetime, int, str]],
        bodies: dict[str, bytes],
    ) -> int:
        """Record every response; compress and store only bodies not archived before."""
        if not responses:
            return 0
        con = self._con
        known = {
            row[0]
            for row in con.execute(
                "SELECT sha256 FROM raw_blobs WHERE list_contains(?::VARCHAR[], sha256)",
                [list(bodies)],
            ).fetchall()
        }
        fresh = [(sha, body) for sha, body in bodies.items() if sha not in known]
        if fresh:
            blobs = pd.DataFrame(
                {
                    "sha256": [sha for sha, _ in fresh],
                    "size": [len(body) for _, body in fresh],
                    "body": [zlib.compress(body) for _, body in fresh],
                }
            )
            insert_frame(con, "INSERT INTO raw_blobs SELECT sha256, size, body FROM _frame", blobs)
        listing = pd.DataFrame(
            responses, columns=["source", "url", "retrieved_at", "status_code", "sha256"]
        )
        insert_frame(
            con,
            f"""INSERT INTO raw_responses
                SELECT {fetch_id}, source, url, retrieved_at, status_code, sha256 FROM _frame""",
            listing,
        )
        return len(fresh)

    def raw_bodies(self, *, source: str | None = None, fetch_id: int | None = None) -> pd.DataFrame:
        """The archived responses: fetch, source, URL, time, HTTP status, sha256 and sizes."""
        frame = self._con.execute(
            """SELECT r.fetch_id, r.source, r.url, r.retrieved_at, r.status_code, r.sha256,
                      b.size, octet_length(b.body) AS stored_size
               FROM raw_responses r JOIN raw_blobs b USING (sha256)
               WHERE (? IS NULL OR r.source = ?) AND (? IS NULL OR r.fetch_id = ?)
               ORDER BY r.fetch_id, r.retrieved_at, r.url""",
            [source, source, fetch_id, fetch_id],
        ).df()
        return typed(
            frame,
            strings=("source", "url", "sha256"),
            times=("retrieved_at",),
            ints=("fetch_id", "status_code", "size", "stored_size"),
        )

    def raw_body(self, sha256: str) -> bytes:
        """The archived body with this sha256, decompressed and checked against the hash."""
        row = self._con.execute(
            "SELECT body FROM raw_blobs WHERE sha256 = ?", [sha256.lower()]
        ).fetchone()
        if row is None:
            raise StoreError(f"The store {self.path} has no raw body with sha256 {sha256}.")
        body = zlib.decompress(row[0])
        if hashlib.sha256(body).hexdigest() != sha256.lower():
            raise StoreError(f"The archived body {sha256} in {self.path} is corrupt.")
        return body
