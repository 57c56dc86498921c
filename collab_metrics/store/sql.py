"""SQL pieces every part of the store shares: the key, the latest version of each key,
filters, bulk inserts from pandas, result typing, and UTC times as stored."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Final

import duckdb
import pandas as pd

from collab_metrics.model.tidy import COLUMNS

DELETED: Final = "deleted"

KEY: Final = "indicator, area, period, sex"
TIDY: Final = ", ".join(COLUMNS)
SAME_KEY: Final = " AND ".join(f"a.{c} = b.{c}" for c in ("indicator", "area", "period", "sex"))


def latest_versions(
    where: list[str],
    params: list[Any],
    *,
    indicators: Iterable[str] | str | None = None,
    areas: Iterable[str] | str | None = None,
    sexes: Iterable[str] | str | None = None,
    up_to: str | int | None = None,
) -> tuple[str, list[Any]]:
    """SQL for the latest non-deleted version of each key among versions matching `where`.

    Key filters go before the window: they keep or drop all versions of a key alike.
    """
    clauses, all_params = list(where), list(params)
    for column, wanted in (("indicator", indicators), ("area", areas), ("sex", sexes)):
        clause, clause_params = list_filter(column, wanted)
        clauses.append(clause)
        all_params += clause_params
    if up_to is not None:
        year = str(up_to)
        if not re.fullmatch(r"\d{4}", year):
            raise ValueError(f"up_to_period must be a four-digit year, not {up_to!r}")
        clauses.append("substr(period, 1, 4) <= ?")
        all_params.append(year)
    sql = f"""SELECT * FROM (
            SELECT * FROM observations WHERE {" AND ".join(clauses) or "true"}
            QUALIFY row_number() OVER (PARTITION BY {KEY} ORDER BY fetch_id DESC) = 1)
        WHERE status <> '{DELETED}'"""
    return sql, all_params


def list_filter(column: str, wanted: Iterable[str] | str | None) -> tuple[str, list[Any]]:
    """A WHERE clause keeping rows whose `column` is in `wanted` (a lone string is one value)."""
    if wanted is None:
        return "true", []
    values = [wanted] if isinstance(wanted, str) else list(wanted)
    return f"list_contains(?::VARCHAR[], {column})", [values]


def insert_frame(con: duckdb.DuckDBPyConnection, sql: str, frame: pd.DataFrame) -> None:
    """Run `sql`, which reads the pandas frame `frame` as the view _frame."""
    con.register("_frame", frame)
    try:
        con.execute(sql)
    finally:
        con.unregister("_frame")


def typed(
    frame: pd.DataFrame,
    *,
    strings: Iterable[str] = (),
    floats: Iterable[str] = (),
    times: Iterable[str] = (),
    ints: Iterable[str] = (),
) -> pd.DataFrame:
    """Give query results the tidy frame's dtypes, also when they have no rows."""
    for column in strings:
        frame[column] = frame[column].astype("string")
    for column in floats:
        frame[column] = frame[column].astype("float64")
    for column in times:
        frame[column] = pd.to_datetime(frame[column], utc=True).astype("datetime64[us, UTC]")
    for column in ints:
        frame[column] = frame[column].astype("int64")
    return frame


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    row = con.execute(sql, params or []).fetchone()
    return None if row is None else row[0]


def key_list(rows: list[tuple[Any, ...]]) -> str:
    return ", ".join("/".join(str(part) for part in row) for row in rows)


def utc_naive(moment: datetime) -> datetime:
    """`moment` in UTC without a time zone, as stored; a naive `moment` is taken as UTC."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
