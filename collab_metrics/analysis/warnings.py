"""Early warning: what got worse since the previous report of the same collaboration.

Five checks, each returning the comparison it rests on (codes and numbers, never words):

- `status_downgrade`: a goal's status is worse than in the previous report;
- `chance_below`: the chance of reaching the target fell below the framework's threshold
  (`early_warning.chance_below`, default `unclear`: a fall to `unlikely`);
- `target_missed`: the target year has data and the target was not reached (new since the
  previous report, or, without one, as it stands);
- `action_overdue`: an action not done past its due date (against the report's day, or the
  end of the `--as-of` year for a reproduction of the past);
- `actor_silent`: an actor with goals has no assessment for this period nor the one before.

Nothing is flagged from noise alone: a downgrade or a falling chance counts only when the
goal's latest value moved by more than its random variation since the previous report
(two independent values, binomial variation of a share of a known population, as the
`significant` check of `assess`). Where no noise estimate exists the entry says so
(`distinguishable` is None) rather than claiming anything.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Final

import pandas as pd

from collab_metrics.analysis.verdict import Z_95
from collab_metrics.model.framework import Framework

CODES: Final = (
    "target_missed",
    "status_downgrade",
    "chance_below",
    "action_overdue",
    "actor_silent",
)
# Worse is further down; the final verdicts sit beside the paces they end.
_STATUS_RANK: Final = {
    "achieved": 0,
    "on_track": 1,
    "achieved_late": 2,
    "met_within_noise": 1,  # reached, only not beyond noise: no worse than on track
    "acceleration_needed": 3,
    "limited_progress": 4,
    "moving_away": 5,
    "not_achieved": 6,
}
_CHANCE_RANK: Final = {"likely": 2, "unclear": 1, "unlikely": 0}
_DONE: Final = frozenset({"done", "removed"})


@dataclass(frozen=True)
class WarningEntry:
    """One early-warning entry: its code and the two values and periods it compares."""

    code: str
    goal: str = ""
    actor: str = ""
    sex: str = ""
    area: str = ""
    action: str = ""
    before: str | None = None  # status or chance code in the previous report
    now: str | None = None  # ... and now
    before_period: str | None = None  # the previous report's period, or the earlier period
    now_period: str | None = None
    before_value: float | None = None
    now_value: float | None = None
    change: float | None = None  # now_value - before_value
    noise: float | None = None  # 1.96 standard errors of that change, if estimable
    distinguishable: bool | None = None  # |change| > noise; None without a noise estimate
    due: date | None = None
    target_year: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO text)."""
        found = asdict(self)
        found["due"] = self.due.isoformat() if self.due else None
        return found


@dataclass(frozen=True)
class EarlyWarning:
    """The early warning of one report: what it compares with, and its entries."""

    previous_period: str | None  # None: there is no previous report to compare with
    reference_date: date
    threshold: str
    entries: list[WarningEntry] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """What status.json records under `early_warning`."""
        return {
            "previous_period": self.previous_period,
            "reference_date": self.reference_date.isoformat(),
            "chance_below": self.threshold,
            "codes": sorted({w.code for w in self.entries}),
            "entries": [w.as_dict() for w in self.entries],
        }

    def frame(self) -> pd.DataFrame:
        """The entries as a table, one row per entry."""
        columns = list(WarningEntry.__dataclass_fields__)
        return pd.DataFrame([asdict(w) for w in self.entries], columns=columns)


def reference_date(as_of: int | None, today: date) -> date:
    """The day actions are due against: today, or the end of an earlier `--as-of` year."""
    if as_of is not None and date(as_of, 12, 31) < today:
        return date(as_of, 12, 31)
    return today


def previous_period(period: str) -> str:
    """The period before `period` in its own cadence: 2017 -> 2016, 2024-h1 -> 2023-h2,
    2024-q1 -> 2023-q4, 2024-01 -> 2023-12."""
    year = int(period[:4])
    if len(period) == 4:
        return str(year - 1)
    kind, number = period[5], int(period[6:] if period[5] in "hq" else period[5:])
    if kind in "hq":
        last = 2 if kind == "h" else 4
        return f"{year - 1}-{kind}{last}" if number == 1 else f"{year}-{kind}{number - 1}"
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def early_warning(
    fw: Framework,
    rows: pd.DataFrame,
    previous: dict[str, Any] | None,
    observations: pd.DataFrame,
    *,
    period: str | None,
    reference: date,
) -> EarlyWarning:
    """Every early-warning entry of a report: `rows` are this report's assessed rows
    (`assess`), `previous` the previous report's status.json (None: no previous report),
    `observations` the store's data (for the noise of a change: the population bases)."""
    before_rows = {(r["goal"], r["area"], r["sex"]): r for r in (previous or {}).get("rows", [])}
    before_period = None if previous is None else str(previous.get("period") or "") or None
    threshold = fw.early_warning.chance_below
    entries: list[WarningEntry] = []
    for r in rows.to_dict(orient="records"):
        key = (r["goal"], r["area"], r["sex"])
        old = before_rows.get(key)
        if previous is not None and old is None:
            continue  # a goal new since the last report has nothing to compare with
        common = {
            "goal": r["goal"],
            "actor": r["actor"] or "",
            "sex": r["sex"],
            "area": r["area"],
            "now_period": _text(r.get("latest_year")),
            "now_value": _number(r.get("latest_value")),
        }
        if old is not None:
            common |= {
                "before_period": _text(old.get("latest_year")),
                "before_value": _number(old.get("latest_value")),
            }
        if r["status"] == "not_achieved" and (old is None or old.get("status") != "not_achieved"):
            entries.append(
                WarningEntry(
                    "target_missed",
                    before=None if old is None else old.get("status"),
                    now=r["status"],
                    target_year=int(r["target_year"]),
                    **common,
                )
            )
            continue
        if old is None:
            continue
        noise = _change_noise(fw, observations, r, old)
        worse = _STATUS_RANK.get(r["status"], -1) > _STATUS_RANK.get(old.get("status"), 99)
        fell = _fell_below(old.get("chance") or "", r["chance"] or "", threshold)
        if noise["distinguishable"] is False:
            continue  # the change since the last report is within random variation
        if worse:
            entries.append(
                WarningEntry(
                    "status_downgrade", before=old.get("status"), now=r["status"], **common, **noise
                )
            )
        if fell:
            entries.append(
                WarningEntry(
                    "chance_below", before=old.get("chance"), now=r["chance"], **common, **noise
                )
            )
    entries = _without_repeats(entries)
    entries += _overdue(fw, reference)
    if period is not None:
        entries += _silent(fw, period)
    order = {code: i for i, code in enumerate(CODES)}
    entries.sort(key=lambda w: order[w.code])
    return EarlyWarning(before_period, reference, threshold, entries)


def below(chance: str, threshold: str) -> bool:
    """A known chance below the framework's threshold: a goal at risk."""
    return chance in _CHANCE_RANK and _CHANCE_RANK[chance] < _CHANCE_RANK[threshold]


def _fell_below(before: str, now: str, threshold: str) -> bool:
    """The chance was at or above `threshold` and is below it now (both known)."""
    if before not in _CHANCE_RANK or now not in _CHANCE_RANK:
        return False
    line = _CHANCE_RANK[threshold]
    return _CHANCE_RANK[before] >= line > _CHANCE_RANK[now]


def _without_repeats(entries: list[WarningEntry]) -> list[WarningEntry]:
    """Women's and men's entries are kept only where the total's differs (one line a goal)."""
    totals = {(w.code, w.goal) for w in entries if w.sex == "total"}
    return [w for w in entries if w.sex == "total" or (w.code, w.goal) not in totals]


def _change_noise(
    fw: Framework, observations: pd.DataFrame, row: dict[str, Any], old: dict[str, Any]
) -> dict[str, Any]:
    """The change of the latest value since the previous report, 1.96 standard errors of
    it (a share of a known population), and whether the change exceeds them."""
    now, before = _number(row.get("latest_value")), _number(old.get("latest_value"))
    if now is None or before is None:
        return {"change": None, "noise": None, "distinguishable": None}
    change = now - before
    indicator = fw.indicator(row["indicator"])
    base, share = indicator.population_base, indicator.population_share
    years = (_year(old.get("latest_year")), _year(row.get("latest_year")))
    if indicator.unit.strip() != "%" or base is None or share is None or None in years:
        return {"change": change, "noise": None, "distinguishable": None}
    series = fw.series_id(base)
    population = observations[
        (observations["indicator"] == series)
        & (observations["area"] == row["area"])
        & (observations["sex"] == row["sex"])
        & observations["value"].notna()
    ]
    variance = 0.0
    for value, year in ((before, years[0]), (now, years[1])):
        known = population[population["period"].str[:4].astype(int) <= int(year or 0)]
        if known.empty:
            return {"change": change, "noise": None, "distinguishable": None}
        n = float(known.sort_values("period")["value"].iloc[-1]) * share
        p = value / 100
        variance += p * (1 - p) / n * 100**2
    noise = Z_95 * math.sqrt(variance)
    return {"change": change, "noise": noise, "distinguishable": abs(change) > noise}


def _overdue(fw: Framework, reference: date) -> list[WarningEntry]:
    """Actions not done whose due date has passed by `reference`."""
    return [
        WarningEntry(
            "action_overdue",
            goal=a.goal or "",
            actor=a.actor,
            action=a.id,
            now=a.status,
            due=a.due,
        )
        for a in fw.actions
        if a.due is not None and a.due < reference and a.status not in _DONE
    ]


def _silent(fw: Framework, period: str) -> list[WarningEntry]:
    """Actors with goals that assessed nothing in this period nor in the one before."""
    earlier = previous_period(period)
    answered = {(a.actor, a.period) for a in fw.assessments if a.judgement != "not_assessed"}
    expected = dict.fromkeys(g.actor for g in fw.actor_goals)
    return [
        WarningEntry("actor_silent", actor=actor, before_period=earlier, now_period=period)
        for actor in expected
        if (actor, period) not in answered and (actor, earlier) not in answered
    ]


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _year(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _text(value: Any) -> str | None:
    year = _year(value)
    return None if year is None else str(year)
