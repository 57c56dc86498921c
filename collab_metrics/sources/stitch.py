"""Several PxWeb tables read as one series: stitched by period, the newer table winning.

Statistics agencies end tables and continue them in new ones (SCB's annual population
tables stop at 2024 under the new disclosure protection; 2025 onward is in new tables).
An indicator names its current `table` and the `earlier_tables` it continues; each is
fetched on its own and the rows are joined here. Where two tables have the same period
the newer one wins. The seam is a possible series break: `Stitch` says where it is, and
`collab fetch` and the report's sources state it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pandas as pd

from collab_metrics.model.tidy import FetchResult, Seam, from_records

_SEPARATOR = "@"  # request id of one table's part: "<series>@<table>"


@dataclass(frozen=True)
class Stitch:
    """How one series was joined: per table its first and last period, and the seams."""

    series: str
    spans: tuple[tuple[str, str | None, str | None], ...]  # (table, first, last) oldest first
    overlap: tuple[str, ...]  # periods several tables had: the newest table's value kept

    def seams(self) -> list[Seam]:
        """Each passage from a table with values of its own to the next such table."""
        supplying = [(table, first) for table, first, _ in self.spans if first]
        return [
            Seam(self.series, first, earlier, table)
            for (earlier, _), (table, first) in itertools.pairwise(supplying)
        ]

    def __str__(self) -> str:
        parts = [
            f"{table} ({first} to {last})" if first else f"{table} (no periods)"
            for table, first, last in self.spans
        ]
        seams = [first for _, first, _ in self.spans[1:] if first]
        text = f"{self.series}: stitched from " + " + ".join(parts)
        if self.overlap:
            text += f"; the newer table wins {len(self.overlap)} shared periods"
        if seams:
            text += f"; a possible series break at {', '.join(seams)}"
        return text


def part_id(series: str, table: str) -> str:
    """The indicator id under which one table of a stitched series is fetched."""
    return f"{series}{_SEPARATOR}{table}"


def stitch(result: FetchResult, series: str, tables: list[str]) -> tuple[FetchResult, Stitch]:
    """`result` with the parts of `series` (one per table, oldest first) joined into one.

    A later table's row replaces an earlier one's for the same area, period and sex; the
    first period a later table brings is where a break may be.
    """
    frame = result.frame
    ids = [part_id(series, table) for table in tables]
    parts = frame[frame["indicator"].isin(ids)]
    rank = parts["indicator"].map({pid: n for n, pid in enumerate(ids)})
    ordered = parts.assign(_rank=rank).sort_values("_rank", kind="stable")
    keys = ["area", "period", "sex"]
    kept = ordered.drop_duplicates(keys, keep="last")
    periods = {pid: set(ordered.loc[ordered["indicator"] == pid, "period"]) for pid in ids}
    overlap = sorted(
        {
            p
            for n, pid in enumerate(ids)
            for p in periods[pid]
            if any(p in periods[o] for o in ids[n + 1 :])
        }
    )
    spans = []
    for table, pid in zip(tables, ids, strict=True):
        own = sorted(set(kept.loc[kept["indicator"] == pid, "period"]))
        spans.append((table, own[0] if own else None, own[-1] if own else None))
    joined = kept.drop(columns="_rank").assign(indicator=series)
    rest = frame[~frame["indicator"].isin(ids)]
    combined = from_records(pd.concat([rest, joined]).to_dict("records"))
    joined_as = Stitch(series, tuple(spans), tuple(overlap))
    return (
        FetchResult(
            frame=combined,
            raw=result.raw,
            deletions=result.deletions,
            seams=[*result.seams, *joined_as.seams()],
        ),
        joined_as,
    )
