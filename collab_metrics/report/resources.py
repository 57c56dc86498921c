"""The section "Resurser och kostnadsfördelning": agreed split against actual, with the goals.

Per year one table: each actor's agreed share and amount, the money, staff (FTE) and in-kind
contribution it actually put in, the difference, and where each figure came from (the
framework file or the actor's workbook), then the year's totals. Beside it, the shared
goals with their statistical status, and last period's priorities with their outcome next
to the linked goals' status: side by side, never merged, and never a cost per result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from collab_metrics.analysis.resources import (
    FROM_WORKBOOK,
    priority_table,
    resource_table,
    resource_totals,
    unanswered,
)
from collab_metrics.model.framework import Contribution, Framework
from collab_metrics.report.context import ReportContext, goal_row
from collab_metrics.report.markup import Html
from collab_metrics.report.templating import render
from collab_metrics.report.views import Cell, Label, Labelled, Lines, Row, Table, status_mark
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import Language


@dataclass(frozen=True)
class ResourcesView:
    """The section's view model: tables per year, the goals beside them, the priorities."""

    heading: str
    lead: str
    years: tuple[Table, ...]
    goals: Table | None
    priorities: Table | None
    unanswered: str
    note: str


def say(key: str, language: Language, /, **params: object) -> str:
    """The message `resources.<key>`."""
    return message(f"resources.{key}", language, **params)


def resources_section(ctx: ReportContext) -> Html:
    """The section, with the contributions and priority outcomes workbooks brought; nothing
    when the framework states neither resources nor priorities."""
    if ctx.fw.resources is None and not ctx.fw.priorities:
        return Html("")
    return render("parts/resources.html.j2", resources_view(ctx), ctx.templates)


def resources_view(ctx: ReportContext) -> ResourcesView:
    """The section's words and figures (the figures from `analysis.resources`)."""
    fw, language = ctx.fw, ctx.language
    table = resource_table(fw, ctx.contributions)
    totals = resource_totals(table)
    names = {a.id: a.name for a in fw.actors}
    years = tuple(
        _year_table(year, group, totals[totals["year"] == year], names, language)
        for year, group in table.groupby("year", sort=True)
    )
    priorities = priority_table(fw, ctx.priority_answers)
    silent = set(unanswered(priorities))
    missing = [f"{names[p.owner]}: {p.text}" for p in fw.priorities if p.id in silent]
    return ResourcesView(
        heading=say("heading", language),
        lead=say("lead", language, currency=fw.resources.currency if fw.resources else "SEK"),
        years=years,
        goals=_goals_table(ctx) if years else None,
        priorities=_priorities_table(ctx, priorities, names) if len(priorities) else None,
        unanswered=say("unanswered", language, items="; ".join(missing)) if missing else "",
        note=say("no_cost_per_result", language),
    )


def money(value: Any, language: Language) -> str:
    """2 400 000 kr / SEK 2,400,000; an en dash when missing."""
    if fmt.missing(value):
        return fmt.DASH
    return say("amount", language, amount=fmt.number(float(value), language, 0))


def _signed(value: Any, language: Language) -> str:
    if fmt.missing(value):
        return fmt.DASH
    text = money(abs(float(value)), language)
    return ("+" if value > 0 else "−" if value < 0 else "") + text


def _fte(value: Any, language: Language) -> str:
    return fmt.DASH if fmt.missing(value) else fmt.number(float(value), language, 2)


def _share(value: Any, language: Language) -> str:
    return fmt.DASH if fmt.missing(value) else fmt.percent(float(value), language, 1)


def _source(code: Any, language: Language) -> str:
    if fmt.missing(code):
        return fmt.DASH
    return say("from_workbook" if code == FROM_WORKBOOK else "from_framework", language)


def _year_table(
    year: Any, group: pd.DataFrame, total: pd.DataFrame, names: dict[str, str], language: Language
) -> Table:
    """One year: per actor (with where its figures come from) the agreed share and amount,
    the money put in and its share, the difference, staff and in kind; then the totals.
    Related figures share a column, one above the other, so the table fits a page."""
    keys = ("actor", "agreed", "money", "difference", "staff_fte", "in_kind")
    headers = [say(f"column_{key}", language) for key in keys]
    numeric = frozenset(range(4))
    rows = []
    for r in group.itertuples(index=False):
        in_kind = " – ".join(part for part in (r.in_kind, r.note) if part) or fmt.DASH
        cells: list[Cell] = [
            Lines((_share(r.agreed_share, language), money(r.agreed_amount, language))),
            Lines((money(r.money, language), _share(r.actual_share, language))),
            _signed(r.difference, language),
            _fte(r.staff_fte, language),
            in_kind,
        ]
        header = Labelled(names.get(r.actor, r.actor), _source(r.source, language))
        rows.append(Row(header, cells, None, numeric))
    summed = next(total.itertuples(index=False))
    agreed_known = not group["agreed_share"].isna().all()
    money_known = not fmt.missing(summed.money) and summed.money > 0
    total_cells: list[Cell] = [
        Lines(
            (_share(1.0 if agreed_known else None, language), money(summed.agreed_total, language))
        ),
        Lines((money(summed.money, language), _share(1.0 if money_known else None, language))),
        _signed(summed.difference, language),
        _fte(summed.staff_fte, language),
        "",
    ]
    total_row = Row(say("total", language), total_cells, "total-row", numeric)
    caption = say("caption", language, year=int(year))
    return Table(caption, headers, (tuple(rows), (total_row,)), "resources-table")


def write_sheet(
    sheet: Any, fw: Framework, language: Language, contributions: Sequence[Contribution] = ()
) -> None:
    """The section's figures on a sheet of `status.xlsx`: numbers as numbers, one row per
    actor and year, then each year's total; shares as fractions formatted as percent."""
    table = resource_table(fw, contributions)
    names = {a.id: a.name for a in fw.actors}
    columns = ("year", "actor", *_SHEET_NUMBERS, "in_kind", "note", "source")
    sheet.append([say(f"sheet_{column}", language) for column in columns])
    for r in table.to_dict("records"):
        r["actor"] = names.get(r["actor"], r["actor"])
        r["source"] = _source(r["source"], language) if not fmt.missing(r["source"]) else None
        sheet.append([_cell(r[column]) for column in columns])
    for r in resource_totals(table).to_dict("records"):
        r.update(actor=say("total", language), agreed_share=None, actual_share=None)
        sheet.append([_cell(r.get(column)) for column in columns])
    shares = [columns.index(c) + 1 for c in ("agreed_share", "actual_share")]
    amounts = [columns.index(c) + 1 for c in ("agreed_amount", "money", "difference")]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column in shares:
                cell.number_format = "0.0%"
            elif cell.column in amounts:
                cell.number_format = "#,##0"
    for letter, width in zip(
        "ABCDEFGHIJKL", (8, 28, 12, 14, 14, 14, 12, 12, 30, 30, 18), strict=False
    ):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


_SHEET_NUMBERS = (
    "agreed_share",
    "agreed_amount",
    "money",
    "difference",
    "actual_share",
    "staff_fte",
)


def _cell(value: Any) -> Any:
    """A value for openpyxl: missing as an empty cell, numpy numbers as Python's."""
    if fmt.missing(value) or value == "":
        return None
    return value.item() if hasattr(value, "item") else value


def _goal_status(ctx: ReportContext, goal_id: str) -> Cell:
    row = goal_row(ctx, goal_id)
    code = row.status if row is not None else "cannot_assess"
    return status_mark(code, ctx.language)


def _goals_table(ctx: ReportContext) -> Table:
    language = ctx.language
    headers = [say("goal", language), say("status", language)]
    rows = [Row(g.title, [_goal_status(ctx, g.id)]) for g in ctx.fw.shared_goals]
    return Table(say("goals_caption", language), headers, (tuple(rows),), "resources-goals")


def _priorities_table(ctx: ReportContext, table: pd.DataFrame, names: dict[str, str]) -> Table:
    language = ctx.language
    headers = [
        say(key, language)
        for key in ("priority", "owner", "period", "outcome", "comment", "goals_status")
    ]
    rows = []
    for r in table.itertuples(index=False):
        outcome: Cell = (
            Label(f"outcome outcome-{r.outcome}", say(f"outcome_{r.outcome}", language))
            if not fmt.missing(r.outcome)
            else say("no_answer", language)
        )
        if not fmt.missing(r.source):
            outcome = Lines((outcome, _source(r.source, language)))
        linked: list[Cell] = []
        for goal_id in r.goals:
            linked += [ctx.fw.goal(goal_id).title, _goal_status(ctx, goal_id)]
        rows.append(
            Row(
                r.text,
                [
                    names.get(r.owner, r.owner),
                    fmt.period(str(r.period), language),
                    outcome,
                    r.comment or fmt.DASH,
                    Lines(tuple(linked)) if linked else fmt.DASH,
                ],
            )
        )
    return Table(say("priorities_caption", language), headers, (tuple(rows),), "priorities")
