"""What changed since the previous report, and data newer than the follow-up period.

Each part is a view model built here (`WhatChangedView`, `NewerDataView`) and rendered by
its template in `report/templates/parts/`; the words come from `text/messages/appendix.yaml`
and `text/prose/<language>/newer_data.md.j2`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import pandas as pd
from markupsafe import Markup

from collab_metrics.model import areas, periods
from collab_metrics.model.framework import ActorGoal, Framework
from collab_metrics.report.context import ReportContext
from collab_metrics.report.markup import STATUS_ICONS, Html, status_badge
from collab_metrics.report.shared import MAX_REVISIONS, follow_up_period
from collab_metrics.report.templating import Row, Table, markup, render
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import SEX, Language
from collab_metrics.text.prose import prose

# The channels `_origin` names (each has a message appendix.origin_<channel>).
_ORIGINS: Final = frozenset({"file", "collect", "kolada", "ddf"})


@dataclass(frozen=True)
class ChangePart:
    """One list of changes: its table, or a note saying why there is none, or both (the
    note then says how many rows the table leaves out)."""

    title: str
    table: Table | None = None
    note: str | None = None


@dataclass(frozen=True)
class WhatChangedView:
    """What changed since the previous report: the comparison it makes and its lists."""

    title: str
    lead: str
    parts: list[ChangePart]


@dataclass(frozen=True)
class NewerDataView:
    """Goal data beyond the follow-up period."""

    title: str
    intro: Markup
    table: Table


def _headers(language: Language, *names: str) -> list[str]:
    return [message(f"appendix.column_{name}", language) for name in names]


def what_changed_view(ctx: ReportContext) -> WhatChangedView:
    """New periods, revised values and status changes since the previous report."""
    language = ctx.language
    title = message("appendix.what_changed_title", language)
    previous = ctx.previous
    if previous is None:
        return WhatChangedView(title, message("appendix.no_previous_report", language), [])
    rows = pd.DataFrame(previous.get("rows", []))
    earlier = previous.get("as_of") or (
        int(rows["latest_year"].dropna().max()) if "latest_year" in rows and len(rows) else None
    )
    made = ctx.previous_date
    lead = (
        message(
            "appendix.compared_with_report", language, date=fmt.date(made, language), year=earlier
        )
        if made
        else message("appendix.compared_with_previous", language, year=earlier)
    )
    parts = [
        _new_periods_part(ctx, rows),
        _revisions_part(ctx, previous),
        _status_changes_part(ctx, rows),
    ]
    return WhatChangedView(title, lead, parts)


def what_changed(ctx: ReportContext) -> Html:
    """The "what changed" part of the joint report (`parts/what_changed.html.j2`)."""
    return render("parts/what_changed.html.j2", what_changed_view(ctx), ctx.templates)


def newer_data_view(ctx: ReportContext) -> NewerDataView | None:
    """Goal data beyond the follow-up period: listed, but not part of this follow-up."""
    fw, language = ctx.fw, ctx.language
    if ctx.period is None:
        return None
    beyond = periods.newer(fw, ctx.observations, ctx.period)
    if beyond.empty:
        return None
    titles = {fw.series_id(i.id): i.title for i in reversed(fw.indicators)}
    body = [
        Row(
            titles.get(r.indicator, r.indicator),
            [
                fmt.area_name(r.area, language),
                fmt.period(r.first, language)
                + ("" if r.first == r.last else f"–{fmt.period(r.last, language)}"),
                str(r.count),
            ],
            frozenset({2}),
        )
        for r in beyond.itertuples(index=False)
    ]
    table = Table(
        message("appendix.newer_data_caption", language),
        _headers(language, "indicator", "area", "periods", "count"),
        body,
        cls="newer-data",
    )
    named = follow_up_period(ctx.period, language)
    return NewerDataView(
        message("appendix.newer_data_title", language),
        prose("newer_data", language, ctx.templates, named=named),
        table,
    )


def newer_data(ctx: ReportContext) -> Html:
    """The "newer data" part (`parts/newer_data.html.j2`); nothing when there is none."""
    view = newer_data_view(ctx)
    return Html() if view is None else render("parts/newer_data.html.j2", view, ctx.templates)


def _table_or_note(table: Table, title: str, empty: str) -> ChangePart:
    """The table, or when it has no rows, the sentence saying so."""
    return ChangePart(title, table=table) if table.rows else ChangePart(title, note=empty)


def _new_periods_part(ctx: ReportContext, previous_rows: pd.DataFrame) -> ChangePart:
    """Per goal indicator: the periods that have data now and were after the last report."""
    fw, language = ctx.fw, ctx.language
    body = []
    obs = ctx.observations[ctx.observations["value"].notna()]
    for indicator_id in dict.fromkeys(g.indicator for g in [*fw.shared_goals, *fw.actor_goals]):
        before = (
            previous_rows.loc[previous_rows["indicator"] == indicator_id, "latest_year"].dropna()
            if {"indicator", "latest_year"} <= set(previous_rows.columns)
            else pd.Series(dtype=float)
        )
        last = int(before.max()) if len(before) else None
        goal_areas = {fw.goal_area(g) for g in fw.goals if g.indicator == indicator_id}
        periods = obs.loc[
            (obs["indicator"] == fw.series_id(indicator_id)) & obs["area"].isin(goal_areas),
            "period",
        ]
        keep = _up_to_year(ctx, periods)
        if last is not None:
            keep &= periods.str[:4].astype(int) > last
        fresh = sorted(set(periods[keep]))
        if not fresh:
            continue
        span = fmt.period(fresh[0], language)
        if len(fresh) > 1:
            span += f"–{fmt.period(fresh[-1], language)}"
        body.append(
            Row(
                fw.indicator(indicator_id).title,
                [str(last) if last is not None else "–", span, str(len(fresh))],
                frozenset({0, 2}),
            )
        )
    table = Table(
        message("appendix.new_periods_caption", language),
        _headers(language, "indicator", "latest_year_last_time", "new_periods", "count"),
        body,
        cls="new-periods",
    )
    return _table_or_note(
        table,
        message("appendix.new_periods_title", language),
        message("appendix.no_new_periods", language),
    )


def _up_to_year(ctx: ReportContext, periods: pd.Series) -> pd.Series:
    """Which periods fall in or before the follow-up year (all, when there is no year)."""
    if ctx.year is None:
        return pd.Series(True, index=periods.index)
    return periods.str[:4].astype(int) <= ctx.year


def _scope_areas(fw: Framework) -> set[str]:
    """The areas a framework reports on: territory, its municipalities, goal and comparison
    areas. A shared store holds other collaborations' areas too."""
    found = {fw.collaboration.area, areas.RIKET}
    found |= {m.code for m in municipalities_of(fw.collaboration.area)}
    for goal in fw.goals:
        area = fw.goal_area(goal)
        found |= {area, areas.region_of(area), *(goal.comparison_areas or [])}
    return found


def municipalities_of(code: str) -> tuple[areas.Area, ...]:
    """The municipalities an area consists of (a municipality: itself)."""
    kind = areas.get(code).kind
    if kind == "municipality":
        return (areas.get(code),)
    return areas.municipalities(None if kind == "country" else code)


def _revisions_part(ctx: ReportContext, previous: dict[str, Any]) -> ChangePart:
    """Values published before and changed since the previous report's last fetch."""
    fw, language = ctx.fw, ctx.language
    title = message("appendix.revisions_title", language)
    last_fetch = (previous.get("data") or {}).get("last_fetch_id")
    if last_fetch is None:
        return ChangePart(title, note=message("appendix.previous_data_unknown", language))
    revisions = ctx.revisions
    revisions = revisions[
        (revisions["new_fetch_id"] > int(last_fetch))
        & revisions["area"].isin(_scope_areas(fw))
        & _up_to_year(ctx, revisions["period"])
    ]
    if revisions.empty:
        return ChangePart(title, note=message("appendix.no_revisions", language))
    titles = {fw.series_id(i.id): (i.title, i.unit) for i in reversed(fw.indicators)}
    body = []
    for r in revisions.head(MAX_REVISIONS).itertuples(index=False):
        indicator, unit = titles[r.indicator]
        new = (
            message("appendix.withdrawn", language)
            if r.change == "deleted"
            else fmt.value_with_unit(r.new_value, unit, language)
        )
        old = fmt.value_with_unit(r.old_value, unit, language)
        before, now = getattr(r, "old_source", None), getattr(r, "source", None)
        if before and now and before != now:  # two channels feed the series: name each
            old = f"{old} ({_origin(before, language)})"
            new = f"{new} ({_origin(now, language)})"
        cells = [
            fmt.area_name(r.area, language),
            fmt.period(r.period, language),
            SEX[language][r.sex],
            old,
            new,
        ]
        body.append(Row(indicator, cells, frozenset({3, 4})))
    table = Table(
        message("appendix.revisions_caption", language, count=len(revisions)),
        _headers(language, "indicator", "area", "period", "sex", "before", "now"),
        body,
        cls="revisions",
    )
    rest = len(revisions) - MAX_REVISIONS
    more = message("appendix.more_revisions", language, rest=rest) if rest > 0 else None
    return ChangePart(title, table=table, note=more)


def _origin(source: str, language: Language) -> str:
    """Where a value came from, in words, when two channels feed one series."""
    if source not in _ORIGINS:
        return source
    return message(f"appendix.origin_{source}", language)


def _status_changes_part(ctx: ReportContext, previous_rows: pd.DataFrame) -> ChangePart:
    """Goals and sexes whose status differs from the previous report's."""
    fw, language = ctx.fw, ctx.language
    before = {}
    if {"goal", "area", "sex", "status"} <= set(previous_rows.columns):
        before = {
            (r.goal, r.area, r.sex): r.status or "" for r in previous_rows.itertuples(index=False)
        }

    def status(code: str) -> Markup:
        return markup(status_badge(code, language))

    def shown(code: str) -> str | Markup:  # a code this version does not know, as written
        return status(code) if code in STATUS_ICONS else code

    body = []
    for r in ctx.result.itertuples(index=False):
        key = (r.goal, r.area, r.sex)
        if key in before and before[key] == r.status:
            continue
        goal = fw.goal(r.goal)
        owner = f" ({fw.actor(goal.actor).name})" if isinstance(goal, ActorGoal) else ""
        was = shown(before[key]) if key in before else message("appendix.new_goal", language)
        body.append(Row(f"{goal.title}{owner}", [SEX[language][r.sex], was, status(r.status)]))
    now = set(zip(ctx.result["goal"], ctx.result["area"], ctx.result["sex"], strict=True))
    known = {g.id for g in [*fw.shared_goals, *fw.actor_goals]}
    for (goal_id, area, sex), code in before.items():
        if (goal_id, area, sex) in now:
            continue
        title = fw.goal(goal_id).title if goal_id in known else goal_id
        gone = message("appendix.no_longer_included", language)
        body.append(Row(title, [SEX[language].get(sex, sex), shown(code), gone]))
    table = Table(
        message("appendix.status_changes_caption", language),
        _headers(language, "goal", "sex", "previous_report", "now"),
        body,
        cls="status-changes",
    )
    return _table_or_note(
        table,
        message("appendix.status_changes_title", language),
        message("appendix.no_status_changes", language),
    )
