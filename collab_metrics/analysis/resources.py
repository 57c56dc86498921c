"""Resources against the agreed cost split, and last period's priorities: numbers and codes.

The framework states the agreed split (kostnadsfördelning) per year, as shares or amounts,
and what each actor put in (money, staff in FTE, in kind); the actors' workbooks may bring
newer figures for the same actor and year, which replace the file's. `resource_table` puts
agreed and actual side by side per actor and year, `resource_totals` sums each year, and
`priority_table` lists each priority with its outcome and where that answer came from. No
cost-per-result figure is computed: money and goal attainment are shown beside each other,
never divided into each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd

from collab_metrics.model.framework import Framework
from collab_metrics.model.resources import Contribution, Priority
from collab_metrics.store import Store

RESOURCE_COLUMNS: Final = (
    "year",
    "actor",
    "agreed_share",
    "agreed_amount",
    "money",
    "staff_fte",
    "in_kind",
    "note",
    "source",
    "difference",
    "actual_share",
)
TOTAL_COLUMNS: Final = ("year", "agreed_total", "money", "staff_fte", "difference")
PRIORITY_COLUMNS: Final = (
    "priority",
    "text",
    "owner",
    "period",
    "goals",
    "outcome",
    "comment",
    "source",
)
# Where a figure or an answer came from: the framework file, or an actor's workbook.
FROM_FRAMEWORK: Final = "framework"
FROM_WORKBOOK: Final = "workbook"


def contributions(
    fw: Framework, imported: Sequence[Contribution] = ()
) -> list[tuple[Contribution, str]]:
    """Each actor's contribution per year with its origin; a workbook's replaces the file's."""
    stated = fw.resources.contributions if fw.resources is not None else []
    found = {(c.actor, c.year): (c, FROM_FRAMEWORK) for c in stated}
    for item in imported:
        found[(item.actor, item.year)] = (item, FROM_WORKBOOK)
    return list(found.values())


def resource_table(fw: Framework, imported: Sequence[Contribution] = ()) -> pd.DataFrame:
    """Agreed against actual, one row per actor and year (years ascending, actors in order).

    `agreed_share` is the agreed fraction of the year (0-1), `agreed_amount` the agreed
    money (given, or share times total; missing without a total), `money`, `staff_fte`,
    `in_kind` and `note` what the actor put in (missing when nothing was reported), `source`
    where that came from, `difference` money minus the agreed amount and `actual_share`
    the actor's part of the year's money actually put in.
    """
    splits = {s.year: s for s in fw.resources.agreed} if fw.resources is not None else {}
    actual = {(c.actor, c.year): (c, source) for c, source in contributions(fw, imported)}
    order = {a.id: i for i, a in enumerate(fw.actors)}
    keys = {(actor, year) for year, s in splits.items() for actor in s.fractions()}
    keys |= set(actual)
    rows = []
    for actor, year in sorted(keys, key=lambda k: (k[1], order.get(k[0], len(order)))):
        split = splits.get(year)
        share = split.fractions().get(actor, 0.0) if split is not None else None
        agreed = split.amount(actor) if split is not None else None
        item, source = actual.get((actor, year), (None, None))
        money = item.money if item is not None else None
        rows.append(
            {
                "year": year,
                "actor": actor,
                "agreed_share": share,
                "agreed_amount": agreed,
                "money": money,
                "staff_fte": item.staff_fte if item is not None else None,
                "in_kind": item.in_kind if item is not None else "",
                "note": item.note if item is not None else "",
                "source": source,
                "difference": money - agreed if money is not None and agreed is not None else None,
            }
        )
    frame = pd.DataFrame(rows, columns=list(RESOURCE_COLUMNS[:-1]))
    for column in ("agreed_share", "agreed_amount", "money", "staff_fte", "difference"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    frame["year"] = frame["year"].astype("int64")
    year_money = frame.groupby("year")["money"].transform(lambda s: s.sum(min_count=1))
    frame["actual_share"] = frame["money"] / year_money.where(year_money > 0)
    return frame.reset_index(drop=True)


def resource_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Per year: the agreed total, the money and staff put in, and their difference.

    A sum is missing when none of its parts is known; the difference only when both
    totals are.
    """
    rows = []
    for year, group in table.groupby("year", sort=True):
        agreed = group["agreed_amount"].sum(min_count=1)
        money = group["money"].sum(min_count=1)
        rows.append(
            {
                "year": int(str(year)),
                "agreed_total": agreed,
                "money": money,
                "staff_fte": group["staff_fte"].sum(min_count=1),
                "difference": money - agreed,
            }
        )
    frame = pd.DataFrame(rows, columns=list(TOTAL_COLUMNS))
    for column in TOTAL_COLUMNS[1:]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def priorities(fw: Framework, imported: Sequence[Priority] = ()) -> list[tuple[Priority, str]]:
    """Each priority with the origin of its outcome; a workbook's answer replaces the file's."""
    answered = {p.id: p for p in imported}
    found = []
    for priority in fw.priorities:
        answer = answered.get(priority.id)
        if answer is not None and answer.outcome is not None:
            found.append((answer, FROM_WORKBOOK))
        else:
            found.append((priority, FROM_FRAMEWORK if priority.outcome else ""))
    return found


def priority_table(fw: Framework, imported: Sequence[Priority] = ()) -> pd.DataFrame:
    """One row per priority: owner, period, linked goals, outcome code (missing when not
    answered), comment and where the answer came from."""
    rows = [
        {
            "priority": p.id,
            "text": p.text,
            "owner": p.owner,
            "period": p.period,
            "goals": tuple(p.goals),
            "outcome": p.outcome,
            "comment": p.comment,
            "source": source or None,
        }
        for p, source in priorities(fw, imported)
    ]
    return pd.DataFrame(rows, columns=list(PRIORITY_COLUMNS))


def unanswered(table: pd.DataFrame) -> list[str]:
    """The ids of priorities without an outcome."""
    return [str(p) for p in table.loc[table["outcome"].isna(), "priority"]]


def answers_of(
    fw: Framework,
    contribution_rows: Sequence[dict[str, Any]],
    priority_rows: Sequence[dict[str, Any]],
) -> tuple[list[Contribution], list[Priority]]:
    """Stored workbook rows as the framework's models; answers about actors or priorities
    the framework no longer has are left out."""
    actors = {a.id for a in fw.actors}
    contributions = [
        Contribution(
            actor=r["actor"],
            year=r["year"],
            money=r["money"],
            staff_fte=r["staff_fte"],
            in_kind=r["in_kind"],
            note=r["note"],
        )
        for r in contribution_rows
        if r["actor"] in actors
    ]
    known = {p.id: p for p in fw.priorities}
    answers = [
        known[r["priority_id"]].model_copy(
            update={"outcome": r["outcome"], "comment": r["comment"]}
        )
        for r in priority_rows
        if r["priority_id"] in known and known[r["priority_id"]].owner == r["actor"]
    ]
    return contributions, answers


def imported(store_path: Path, fw: Framework) -> tuple[list[Contribution], list[Priority]]:
    """The contributions and priority outcomes the actors' workbooks brought (none without
    a store)."""
    if not Path(store_path).exists():
        return [], []
    with Store.open(store_path, read_only=True) as store:
        return answers_of(fw, *store.imported_resources(fw.collaboration.id))
