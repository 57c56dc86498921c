"""A framework and a store to the assessed follow-up: goal rows, consistency, data used.

What `collab status`, the report and the actors' workbooks all start from, in codes and
numbers only: the text layer adds the words (`collab_metrics.text.reasons`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd

from collab_metrics.analysis.assess import assess
from collab_metrics.analysis.contributions import Consistency, consistency
from collab_metrics.errors import CollabError
from collab_metrics.model import periods
from collab_metrics.model.framework import Framework
from collab_metrics.store.database import Store


class NoDataBefore(CollabError, ValueError):
    """The store holds nothing retrieved before the day asked for."""


@dataclass(frozen=True, eq=False)
class FollowUpResult:
    """The assessed follow-up: goal rows (`assess`), consistency per shared goal, data used."""

    rows: pd.DataFrame
    consistency: list[Consistency]
    vintage: dict[str, Any]
    as_of: int | None
    period: str | None = None  # the follow-up period (collab_metrics.model.periods)
    known_before: date | None = None  # the store's data as retrieved before this day


def assess_store(
    fw: Framework,
    store_path: Path,
    as_of: int | None,
    period: str | None = None,
    *,
    known_before: date | None = None,
) -> FollowUpResult:
    """Assess the framework for the follow-up period, on the store's current data or on what
    the store held from data retrieved before `known_before` (its vintages): what was known.

    `period` defaults to the latest period the shared goals have data for (up to `as_of`);
    data beyond it does not enter the assessment.
    """
    series = {fw.series_id(i.id) for i in fw.indicators}
    with Store.open(store_path, read_only=True) as store:
        if known_before is None:
            observations = store.current(indicators=sorted(series))
            bounds = store.current(indicators=fw.bound_series())
        else:
            moment = datetime.combine(known_before, time.min)
            observations = store.as_of(moment, indicators=sorted(series))
            if observations.empty:
                raise NoDataBefore(
                    f"the store {store_path} holds no data retrieved before {known_before}"
                )
            bounds = store.as_of(moment, indicators=fw.bound_series())
        vintage = store.vintage(sorted(series))
        seams = store.seams(sorted(series))
    period = period or periods.default(fw, observations, as_of)
    if period is not None:
        as_of = min(periods.year(period), as_of or periods.year(period))
    # Weighing actors' targets needs a population base; goals without one are not checked.
    checks = [
        consistency(fw, observations, g.id, as_of=as_of)
        for g in fw.shared_goals
        if fw.indicator(g.indicator).population_base
    ]
    # The published interval bounds enter the assessment only (its noise check).
    result = assess(fw, with_bounds(observations, bounds), as_of, seams)
    return FollowUpResult(result, checks, vintage, as_of, period, known_before)


def with_bounds(observations: pd.DataFrame, bounds: pd.DataFrame) -> pd.DataFrame:
    """The observations with the published interval bounds, for `assess` only."""
    return observations if bounds.empty else pd.concat([observations, bounds], ignore_index=True)
