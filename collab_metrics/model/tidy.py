"""The one tidy observation frame that every source returns.

Every adapter (Kolada, PxWeb, actor files, offline snapshot) hands the store a frame with
exactly these columns, so nothing downstream needs to know where a number came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

import pandas as pd

COLUMNS: Final = (
    "indicator",  # framework indicator id (or the source's own id when fetched ad hoc)
    "area",  # canonical Kolada area code: "0000" riket, "00NN" region, "NNNN" municipality
    "period",  # "2022" for years, "2024-09" for months
    "sex",  # one of SEXES
    "value",  # float, NaN when missing; the reason is then in `status`
    "status",  # missing-value or quality code from the source, "" when the value is plain
    "source",  # "kolada", "pxweb", "file", "ddf"
    "retrieved_at",  # UTC timestamp of the fetch that produced the row
)
SEXES: Final = ("total", "women", "men")

# Reasons a value can be missing. Sources map their own codes onto these words so that a
# report can say *why* a number is absent instead of showing a bare gap.
MISSING_REASONS: Final = {
    "missing": "no value published",
    "not_applicable": "not applicable for this area",
    "suppressed": "suppressed for confidentiality (too few cases)",
    "non_response": "the area did not report",
    "uncertain": "published but flagged as uncertain",
    "deleted": "withdrawn by the source",
}

_DTYPES: Final = {
    "indicator": "string",
    "area": "string",
    "period": "string",
    "sex": "string",
    "value": "float64",
    "status": "string",
    "source": "string",
}


def empty_frame() -> pd.DataFrame:
    """A tidy frame with no rows and the right column types."""
    frame = pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in _DTYPES.items()})
    frame["retrieved_at"] = pd.Series(dtype="datetime64[us, UTC]")
    return frame[list(COLUMNS)]


def from_records(rows: list[dict[str, object]]) -> pd.DataFrame:
    """A tidy frame from row dicts, sorted by key so equal fetches give equal frames."""
    if not rows:
        return empty_frame()
    frame = pd.DataFrame.from_records(rows)
    return conform(frame.sort_values(["indicator", "area", "period", "sex"], kind="stable"))


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with exactly the tidy columns, in order, with the tidy types.

    Raises ValueError naming what is wrong, so an adapter bug surfaces at its source.
    """
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"tidy frame lacks columns: {', '.join(missing)}")
    out = frame.loc[:, list(COLUMNS)].astype(_DTYPES)
    out["status"] = out["status"].fillna("")
    out["retrieved_at"] = pd.to_datetime(out["retrieved_at"], utc=True).astype(
        "datetime64[us, UTC]"
    )
    bad_sex = set(out["sex"].dropna().unique()) - set(SEXES)
    if bad_sex:
        raise ValueError(f"tidy frame has unknown sex values: {sorted(bad_sex)}")
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class RawResponse:
    """One response body exactly as received, kept so the store can archive it."""

    source: str
    url: str
    body: bytes
    retrieved_at: datetime
    status_code: int = 200


BOUNDS: Final = ("lower", "upper")


def bound_id(series: str, bound: str) -> str:
    """The store's id of a series' published interval bound ("lower" or "upper")."""
    return f"{series}#{bound}"


@dataclass(frozen=True)
class Seam:
    """Where a series joined from several tables passes from one table to the next.

    `period` is the first period the newer `table` supplies; values before it come from
    `earlier_table`. The analysis treats the seam as a possible series break.
    """

    series: str
    period: str
    earlier_table: str
    table: str


@dataclass
class FetchResult:
    """What a source adapter returns: tidy rows, rows the source withdrew, raw bodies.

    `deletions` has the tidy columns too; its rows were flagged deleted by the source and
    are recorded by the store before they disappear from the current data. `seams` says
    where a stitched series changes table (the store records them with the fetch).
    """

    frame: pd.DataFrame
    raw: list[RawResponse] = field(default_factory=list)
    deletions: pd.DataFrame = field(default_factory=empty_frame)
    seams: list[Seam] = field(default_factory=list)
