"""The follow-up period: what a report, a workbook and a status table are about.

The period follows the collaboration's cadence (`2022`, `2022-h1`, `2022-q3`, `2022-09`).
By default it is the latest period for which the shared goals' own indicators have data
on the shared goals' areas, never the latest period of any series: an actor's figure for
next year does not move the follow-up (it is listed as newer data instead).
"""

from __future__ import annotations

import re
from typing import Final

import pandas as pd

from collab_metrics.errors import CollabError
from collab_metrics.model.framework import Framework

KINDS: Final = {
    "yearly": re.compile(r"\d{4}"),
    "half-yearly": re.compile(r"\d{4}-h[12]"),
    "quarterly": re.compile(r"\d{4}-q[1-4]"),
    "monthly": re.compile(r"\d{4}-(0[1-9]|1[0-2])"),
}
POOLED: Final = re.compile(r"\d{4}-\d{4}")  # a survey's pooled years, "2019-2022"
EXAMPLES: Final = {
    "yearly": "2024",
    "half-yearly": "2024-h1",
    "quarterly": "2024-q3",
    "monthly": "2024-09",
}


class PeriodError(CollabError, ValueError):
    """A follow-up period that does not fit the collaboration's cadence."""


def check(period: str, cadence: str) -> str:
    """`period` as stored (lower case), or PeriodError when it is not of the cadence's kind."""
    text = str(period).strip().lower()
    if not KINDS[cadence].fullmatch(text):
        raise PeriodError(
            f"{period!r} is not a {cadence} follow-up period; write it as e.g. {EXAMPLES[cadence]}"
        )
    return text


def year(period: str) -> int:
    """The calendar year a period falls in; for a survey's pooled years ("2019-2022"),
    the last of them, as the survey dates the value."""
    text = str(period)
    return int(text[5:9]) if POOLED.fullmatch(text) else int(text[:4])


def of(data_period: str, cadence: str) -> str:
    """The follow-up period of the cadence that a data period ("2024", "2024-09") falls in.

    A yearly value stands for the whole year, so in a shorter cadence it falls in the
    year's last half, quarter or month; pooled survey years count as their last year.
    """
    if POOLED.fullmatch(str(data_period)):
        data_period = str(year(data_period))
    year_text, _, month_text = str(data_period).partition("-")
    month = int(month_text) if month_text.isdigit() else 12
    if cadence == "half-yearly":
        return f"{year_text}-h{1 if month <= 6 else 2}"
    if cadence == "quarterly":
        return f"{year_text}-q{(month - 1) // 3 + 1}"
    if cadence == "monthly":
        return f"{year_text}-{month:02d}"
    return year_text


def default(fw: Framework, observations: pd.DataFrame, as_of: int | None = None) -> str | None:
    """The latest period for which the shared goals' indicators have data on their areas.

    `observations` is the store's tidy frame; `as_of` keeps periods up to that year. None
    when no shared goal has data yet.
    """
    found = []
    has_value = observations[observations["value"].notna()]
    for goal in fw.shared_goals:
        rows = has_value[
            (has_value["indicator"] == fw.series_id(goal.indicator))
            & (has_value["area"] == goal.area)
        ]
        if as_of is not None:
            rows = rows[rows["period"].map(year) <= as_of]
        found += [of(p, fw.collaboration.cadence) for p in rows["period"]]
    return max(found, key=_order) if found else None


def _order(period: str) -> tuple[int, str]:
    return year(period), period


def newer(fw: Framework, observations: pd.DataFrame, period: str) -> pd.DataFrame:
    """Goal data beyond the follow-up period: indicator, area, first and last period, count.

    Such values do not enter the follow-up; the report lists them so nobody wonders where
    an actor's newer figure went.
    """
    goal_areas: dict[str, set[str]] = {}
    for goal in fw.goals:
        goal_areas.setdefault(fw.series_id(goal.indicator), set()).add(fw.goal_area(goal))
    obs = observations[observations["value"].notna()]
    beyond = obs[
        [
            area in goal_areas.get(indicator, set())
            and _order(of(p, fw.collaboration.cadence)) > _order(period)
            for indicator, area, p in zip(obs["indicator"], obs["area"], obs["period"], strict=True)
        ]
    ]
    columns = ["indicator", "area", "first", "last", "count", "source"]
    if beyond.empty:
        return pd.DataFrame(columns=columns)
    grouped = beyond.groupby(["indicator", "area"], sort=True)
    return pd.DataFrame(
        {
            "first": grouped["period"].min(),
            "last": grouped["period"].max(),
            "count": grouped["period"].size(),
            "source": grouped["source"].agg(lambda s: ", ".join(sorted(set(s)))),
        }
    ).reset_index()[columns]
