"""What a PxWeb query asks beyond one value per dimension, for API 2.0 and v1 alike.

`sum_over` adds up the values selected in a dimension (residents 16-24 from single years
of age); `interval` fetches a survey's published confidence bounds beside the estimate.
The adapters plan the codes with `interval_codes` and add up their rows with `summed`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from collab_metrics.model.queries import PxWebQuery
from collab_metrics.sources.http import FetchError


def interval_codes(
    query: PxWebQuery, dim: str, known: list[str], fail: Callable[[str], FetchError]
) -> list[str]:
    """The codes of the published interval's bounds, when `dim` is the query's interval
    dimension: asked for beside the estimate the selection names."""
    interval = query.interval
    if interval is None or dim != interval.dimension:
        return []
    absent = [code for code in (interval.lower, interval.upper) if code not in known]
    if absent:
        raise fail(f"has no {dim} codes {absent} for the interval; it has {known[:10]}")
    return [interval.lower, interval.upper]


def summed(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per series, area, period and sex: the parts added up (the query's `sum_over`).

    Over all the parts a request was split into. A missing part makes the sum missing
    (NaN adds up to NaN) with the first part's status, so a total is never silently short.
    """
    totals: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["indicator"], row["area"], row["period"], row["sex"])
        if key not in totals:
            totals[key] = dict(row)
            continue
        total = totals[key]
        total["value"] += row["value"]
        total["status"] = total["status"] or row["status"]
        total["retrieved_at"] = max(total["retrieved_at"], row["retrieved_at"])
    return list(totals.values())
