"""The blocks of how a collaboration is run: resources and cost split, priorities, governance.

Lasting collaborations rest on a known, agreed cost split (kostnadsfördelning), a yearly
follow-up of last period's agreed priorities and a few governance facts (chair,
coordinating actor, decision path, when the agreement is reviewed). All three are optional
blocks of a framework file; `check_resources` holds the checks that need the whole
framework (actor and goal ids, shares adding up), `governance_warnings` the completeness
checks that only warn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Final, Literal

from pydantic import Field, field_validator, model_validator

from collab_metrics.model import limits, partial
from collab_metrics.model.blocks import Block, Identifier, PeriodText
from collab_metrics.model.problems import Problem

if TYPE_CHECKING:
    from collab_metrics.model.framework import Framework

# Shares add up to 1 (or 100 %) within this; amounts to the stated total within 1 krona.
SHARE_TOLERANCE: Final = 0.001
AMOUNT_TOLERANCE: Final = 1.0
PRIORITY_OUTCOMES: Final = ("done", "partly", "not_done", "dropped")
GOVERNANCE_KEYS: Final = ("chair", "coordinating_actor", "decision_path", "review_date")


class AgreedSplit(Block):
    """The agreed split of one year's costs: a share or an amount per actor."""

    year: int = Field(
        ge=limits.YEAR_RANGE[0],
        le=limits.YEAR_RANGE[1],
        description="The budget year the split is agreed for.",
    )
    total: float | None = Field(None, ge=0, description="The year's total budget (currency).")
    shares: dict[Identifier, float] | None = Field(
        None, description="Share per actor id: fractions adding up to 1, or percent to 100."
    )
    amounts: dict[Identifier, float] | None = Field(
        None, description="Amount per actor id, in the block's currency."
    )
    note: str = Field("", max_length=limits.CELL_TEXT)

    @model_validator(mode="after")
    def _shares_or_amounts(self) -> AgreedSplit:
        if (self.shares is None) == (self.amounts is None):
            raise ValueError("give exactly one of 'shares' or 'amounts'")
        given = self.shares if self.shares is not None else self.amounts
        assert given is not None
        if not given:
            raise ValueError("the split names no actor")
        for actor, value in given.items():
            if value < 0:
                raise ValueError(f"the value for '{actor}' is negative ({value:g})")
        if self.shares is not None:
            whole = sum(self.shares.values())
            if abs(whole - 1) > SHARE_TOLERANCE and abs(whole - 100) > 100 * SHARE_TOLERANCE:
                raise ValueError(
                    f"the shares add up to {whole:g}; they must add up to 1 (or 100 %)"
                )
        if self.amounts is not None and self.total is not None:
            whole = sum(self.amounts.values())
            if abs(whole - self.total) > AMOUNT_TOLERANCE:
                raise ValueError(
                    f"the amounts add up to {whole:,.0f}, not the stated total {self.total:,.0f}"
                )
        return self

    def fractions(self) -> dict[str, float]:
        """Each actor's agreed share of the year, as a fraction of 1."""
        if self.shares is not None:
            whole = sum(self.shares.values())
            scale = 100.0 if abs(whole - 100) <= 100 * SHARE_TOLERANCE else 1.0
            return {actor: value / scale for actor, value in self.shares.items()}
        assert self.amounts is not None
        whole = sum(self.amounts.values())
        return {actor: (value / whole if whole else 0.0) for actor, value in self.amounts.items()}

    def amount(self, actor: str) -> float | None:
        """The actor's agreed amount: given, or its share of the total (None without one)."""
        if self.amounts is not None:
            return self.amounts.get(actor, 0.0)
        if self.total is None:
            return None
        return round(self.fractions().get(actor, 0.0) * self.total, 2)  # to the öre


class Contribution(Block):
    """What one actor put in during one year: money, staff (FTE), in kind, with a note."""

    actor: Identifier
    year: int = Field(ge=limits.YEAR_RANGE[0], le=limits.YEAR_RANGE[1])
    money: float | None = Field(None, ge=0, description="Money in the block's currency.")
    staff_fte: float | None = Field(None, ge=0, le=10_000, description="Staff, full-time eq.")
    in_kind: str = Field("", max_length=limits.CELL_TEXT, description="E.g. 'lokaler'.")
    note: str = Field("", max_length=limits.CELL_TEXT)

    @model_validator(mode="after")
    def _something(self) -> Contribution:
        if self.money is None and self.staff_fte is None and not self.in_kind:
            raise ValueError("give at least one of 'money', 'staff_fte' or 'in_kind'")
        return self


class Resources(Block):
    """The agreed cost split per year and each actor's actual contribution."""

    currency: Literal["SEK"] = Field("SEK", description="Amounts are in Swedish kronor.")
    agreed: list[AgreedSplit] = Field(default_factory=list)
    contributions: list[Contribution] = Field(default_factory=list)


class Priority(Block):
    """One of last period's agreed priorities, followed up the next period."""

    id: Identifier
    text: str = Field(min_length=1, max_length=limits.CELL_TEXT)
    owner: Identifier = Field(description="The actor id that answers for the priority.")
    goals: list[Identifier] = Field(default_factory=list, description="Linked goal ids.")
    period: PeriodText = Field(
        min_length=4, description="The period it was agreed for, e.g. '2023'."
    )
    outcome: Literal["done", "partly", "not_done", "dropped"] | None = Field(
        None, description="Known outcome; the owner's workbook answer replaces it."
    )
    comment: str = Field("", max_length=limits.CELL_TEXT)


class Governance(Block):
    """How the collaboration is governed; every key optional, incompleteness only warns."""

    chair: str | None = Field(None, max_length=limits.TITLE_TEXT, description="Who chairs.")
    coordinating_actor: Identifier | None = Field(None, description="Actor id that coordinates.")
    decision_path: str | None = Field(None, max_length=limits.CELL_TEXT)
    agreement_period: str | None = Field(None, max_length=limits.TITLE_TEXT)
    review_date: date | None = Field(None, description="When the agreement is reviewed.")

    @field_validator("review_date", mode="after")
    @classmethod
    def _review_year(cls, value: date | None) -> date | None:
        low, high = limits.DUE_RANGE
        if value is not None and not low <= value.year <= high:
            raise ValueError(f"review date {value} lies outside the years {low}-{high}")
        return value


At = Callable[[tuple[str | int, ...], str], Problem]


def check_resources(fw: Framework, at: At) -> Iterator[Problem]:
    """Unknown actor and goal ids, and repeated years or contributions, in the new blocks."""
    actors = {a.id for a in fw.actors}
    goals = {g.id for g in fw.goals}
    resources = fw.resources
    if resources is not None:
        seen_years: dict[int, int] = {}
        for i, split in enumerate(resources.agreed):
            p: tuple[str | int, ...] = ("resources", "agreed", i)
            if split.year in seen_years:
                yield at(
                    (*p, "year"),
                    f"a second split for {split.year} (also agreed[{seen_years[split.year]}])",
                )
            seen_years.setdefault(split.year, i)
            key = "shares" if split.shares is not None else "amounts"
            for actor in split.shares or split.amounts or {}:
                if actor not in actors:
                    yield at((*p, key, actor), partial.unknown("actor", actor, actors))
        seen: dict[tuple[str, int], int] = {}
        for i, item in enumerate(resources.contributions):
            p = ("resources", "contributions", i)
            if item.actor not in actors:
                yield at((*p, "actor"), partial.unknown("actor", item.actor, actors))
            if (item.actor, item.year) in seen:
                yield at(
                    p,
                    f"a second contribution of '{item.actor}' for {item.year} "
                    f"(also contributions[{seen[(item.actor, item.year)]}])",
                )
            seen.setdefault((item.actor, item.year), i)
    first: dict[str, int] = {}
    for i, priority in enumerate(fw.priorities):
        p = ("priorities", i)
        if priority.id in first:
            yield at(
                (*p, "id"), f"duplicate id '{priority.id}' (also priorities[{first[priority.id]}])"
            )
        first.setdefault(priority.id, i)
        if priority.owner not in actors:
            yield at((*p, "owner"), partial.unknown("actor", priority.owner, actors))
        for j, goal in enumerate(priority.goals):
            if goal not in goals:
                yield at((*p, "goals", j), partial.unknown("goal", goal, goals))
    governance = fw.governance
    coordinating = governance.coordinating_actor if governance is not None else None
    if coordinating is not None and coordinating not in actors:
        yield at(
            ("governance", "coordinating_actor"), partial.unknown("actor", coordinating, actors)
        )


def governance_warnings(fw: Framework, today: date) -> list[str]:
    """What a coordinator should complete: missing governance keys, a passed review date."""
    governance = fw.governance
    if governance is None:
        return []
    warnings = []
    missing = [key for key in GOVERNANCE_KEYS if getattr(governance, key) is None]
    if missing:
        warnings.append(f"governance: missing {', '.join(missing)}")
    if governance.review_date is not None and governance.review_date < today:
        warnings.append(
            f"governance.review_date: the agreement was due for review on "
            f"{governance.review_date.isoformat()}; review it and set the next date"
        )
    return warnings
