"""What changed since the previous report, and data newer than the follow-up period."""

from __future__ import annotations

from typing import Any

import pandas as pd

from collab_metrics.model import areas, periods
from collab_metrics.model.framework import (
    ActorGoal,
    Framework,
)
from collab_metrics.report.sections import (
    MAX_REVISIONS,
    STATUS_ICONS,
    Content,
    Html,
    ReportContext,
    _area,
    _date,
    _el,
    _follow_up_period,
    _join,
    _period,
    _say,
    _status,
    _table,
    _table_or_note,
    _tr,
    _value,
)
from collab_metrics.text.labels import (
    SEX,
    Language,
)


def what_changed(ctx: ReportContext) -> Html:
    """New periods, revised values and status changes since the previous report."""
    language = ctx.language
    heading = _el(
        "h2",
        _say(language, "Vad har hänt sedan förra rapporten", "What changed since the last report"),
        id="what-changed",
    )
    previous = ctx.previous
    if previous is None:
        return _el(
            "section",
            heading,
            _el(
                "p",
                _say(
                    language,
                    "Det finns ingen tidigare rapport att jämföra med.",
                    "There is no previous report to compare with.",
                ),
            ),
            cls="what-changed",
        )
    rows = pd.DataFrame(previous.get("rows", []))
    earlier = previous.get("as_of") or (
        int(rows["latest_year"].dropna().max()) if "latest_year" in rows and len(rows) else None
    )
    made = ctx.previous_date
    lead = _say(
        language,
        f"Jämfört med rapporten {_date(made, language)}, uppföljning {earlier}."
        if made
        else f"Jämförelse med förra rapporten, uppföljning {earlier}.",
        f"Compared with the report of {_date(made, language)}, follow-up {earlier}."
        if made
        else f"Compared with the previous report, follow-up {earlier}.",
    )
    return _el(
        "section",
        heading,
        _el("p", lead),
        _new_periods_part(ctx, rows),
        _revisions_part(ctx, previous),
        _status_changes_part(ctx, rows),
        cls="what-changed",
    )


def newer_data(ctx: ReportContext) -> Html:
    """Goal data beyond the follow-up period: listed, but not part of this follow-up."""
    fw, language = ctx.fw, ctx.language
    if ctx.period is None:
        return _join()
    beyond = periods.newer(fw, ctx.observations, ctx.period)
    if beyond.empty:
        return _join()
    titles = {fw.series_id(i.id): i.title for i in reversed(fw.indicators)}
    body = [
        _tr(
            titles.get(r.indicator, r.indicator),
            [
                _area(r.area, language, start=True),
                _period(r.first, language)
                + ("" if r.first == r.last else f"–{_period(r.last, language)}"),
                str(r.count),
            ],
            numeric=(2,),
        )
        for r in beyond.itertuples(index=False)
    ]
    named = _follow_up_period(ctx.period, language)
    headers = [
        _say(language, "Indikator", "Indicator"),
        _say(language, "Område", "Area"),
        _say(language, "Perioder", "Periods"),
        _say(language, "Antal", "Count"),
    ]
    return _el(
        "section",
        _el("h2", _say(language, "Nyare uppgifter", "Newer data"), id="newer-data"),
        _el(
            "p",
            _say(
                language,
                f"Dessa uppgifter gäller tiden efter uppföljningsperioden {named}. De ingår "
                "inte i bedömningarna ovan utan följs upp nästa period.",
                f"These values are for the time after the follow-up period {named}. They are "
                "not part of the assessments above; the next follow-up takes them in.",
            ),
        ),
        _table(
            _say(language, "Uppgifter efter uppföljningsperioden", "Data after the period"),
            headers,
            body,
            cls="newer-data",
        ),
        cls="newer-data",
    )


def _new_periods_part(ctx: ReportContext, previous_rows: pd.DataFrame) -> Html:
    """Per goal indicator: the periods that have data now and were after the last report."""
    fw, language = ctx.fw, ctx.language
    heading = _el("h3", _say(language, "Nya uppgifter", "New data"))
    body = []
    obs = ctx.observations[ctx.observations["value"].notna()]
    for indicator_id in dict.fromkeys(g.indicator for g in [*fw.shared_goals, *fw.actor_goals]):
        before = (
            previous_rows.loc[previous_rows["indicator"] == indicator_id, "latest_year"].dropna()
            if {"indicator", "latest_year"} <= set(previous_rows.columns)
            else pd.Series(dtype=float)
        )
        last = int(before.max()) if len(before) else None
        goal_areas = {
            fw.goal_area(g)
            for g in [*fw.shared_goals, *fw.actor_goals]
            if g.indicator == indicator_id
        }
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
        span = _period(fresh[0], language)
        if len(fresh) > 1:
            span += f"–{_period(fresh[-1], language)}"
        body.append(
            _tr(
                fw.indicator(indicator_id).title,
                [str(last) if last is not None else "–", span, str(len(fresh))],
                numeric=(0, 2),
            )
        )
    headers = [
        _say(language, "Indikator", "Indicator"),
        _say(language, "Senaste år förra gången", "Latest year last time"),
        _say(language, "Nya perioder", "New periods"),
        _say(language, "Antal", "Count"),
    ]
    caption = _say(language, "Perioder med nya värden", "Periods with new values")
    empty = _say(
        language,
        "Inga nya perioder har tillkommit sedan förra rapporten.",
        "No new periods have come in since the previous report.",
    )
    return _join(heading, _table_or_note(caption, headers, body, "new-periods", empty))


def _up_to_year(ctx: ReportContext, periods: pd.Series) -> pd.Series:
    """Which periods fall in or before the follow-up year (all, when there is no year)."""
    if ctx.year is None:
        return pd.Series(True, index=periods.index)
    return periods.str[:4].astype(int) <= ctx.year


def _scope_areas(fw: Framework) -> set[str]:
    """The areas a framework reports on: territory, its municipalities, goal and comparison
    areas. A shared store holds other collaborations' areas too."""
    found = {fw.collaboration.area, areas.RIKET}
    found |= {m.code for m in _municipalities(fw.collaboration.area)}
    for goal in [*fw.shared_goals, *fw.actor_goals]:
        area = fw.goal_area(goal)
        found |= {area, areas.region_of(area), *(goal.comparison_areas or [])}
    return found


def _municipalities(code: str) -> tuple[areas.Area, ...]:
    kind = areas.get(code).kind
    if kind == "municipality":
        return (areas.get(code),)
    return areas.municipalities(None if kind == "country" else code)


def _revisions_part(ctx: ReportContext, previous: dict[str, Any]) -> Html:
    """Values published before and changed since the previous report's last fetch."""
    fw, language = ctx.fw, ctx.language
    heading = _el("h3", _say(language, "Ändrade värden", "Revised values"))
    last_fetch = (previous.get("data") or {}).get("last_fetch_id")
    if last_fetch is None:
        return _join(
            heading,
            _el(
                "p",
                _say(
                    language,
                    "Förra rapporten anger inte vilka data den byggde på, så ändrade värden kan "
                    "inte tas fram.",
                    "The previous report does not say which data it used, so revised values "
                    "cannot be listed.",
                ),
            ),
        )
    revisions = ctx.revisions
    revisions = revisions[
        (revisions["new_fetch_id"] > int(last_fetch))
        & revisions["area"].isin(_scope_areas(fw))
        & _up_to_year(ctx, revisions["period"])
    ]
    if revisions.empty:
        return _join(
            heading,
            _el(
                "p",
                _say(
                    language,
                    "Inga tidigare publicerade värden har ändrats sedan förra rapporten.",
                    "No previously published value has changed since the previous report.",
                ),
            ),
        )
    titles = {fw.series_id(i.id): (i.title, i.unit) for i in reversed(fw.indicators)}
    body = []
    for r in revisions.head(MAX_REVISIONS).itertuples(index=False):
        title, unit = titles[r.indicator]
        new = (
            _say(language, "borttaget", "withdrawn")
            if r.change == "deleted"
            else _value(r.new_value, unit, language)
        )
        old = _value(r.old_value, unit, language)
        before, now = getattr(r, "old_source", None), getattr(r, "source", None)
        if before and now and before != now:  # two channels feed the series: name each
            old = f"{old} ({_origin(before, language)})"
            new = f"{new} ({_origin(now, language)})"
        body.append(
            _tr(
                title,
                [
                    _area(r.area, language, start=True),
                    _period(r.period, language),
                    SEX[language][r.sex],
                    old,
                    new,
                ],
                numeric=(3, 4),
            )
        )
    headers = [
        _say(language, "Indikator", "Indicator"),
        _say(language, "Område", "Area"),
        _say(language, "Period", "Period"),
        _say(language, "Kön", "Sex"),
        _say(language, "Förut", "Before"),
        _say(language, "Nu", "Now"),
    ]
    caption = _say(
        language,
        f"Ändrade värden ({len(revisions)} st)",
        f"Revised values ({len(revisions)})",
    )
    rest = len(revisions) - MAX_REVISIONS
    more = (
        _el(
            "p",
            _say(
                language,
                f"Ytterligare {rest} ändrade värden visas inte här.",
                f"{rest} more revised values are not shown here.",
            ),
            cls="note",
        )
        if rest > 0
        else None
    )
    return _join(heading, _table(caption, headers, body, cls="revisions"), more)


def _origin(source: str, language: Language) -> str:
    """Where a value came from, in words, when two channels feed one series."""
    words = {
        "file": ("aktörens fil", "the actor's file"),
        "collect": ("insamlad arbetsbok", "collected workbook"),
        "kolada": ("Kolada", "Kolada"),
        "ddf": ("Kolada, offlineutdrag", "Kolada, offline snapshot"),
    }
    sv, en = words.get(source, (source, source))
    return _say(language, sv, en)


def _status_changes_part(ctx: ReportContext, previous_rows: pd.DataFrame) -> Html:
    """Goals and sexes whose status differs from the previous report's."""
    fw, language = ctx.fw, ctx.language
    heading = _el("h3", _say(language, "Ändrad status", "Changed status"))
    before = {}
    if {"goal", "area", "sex", "status"} <= set(previous_rows.columns):
        before = {
            (r.goal, r.area, r.sex): r.status or "" for r in previous_rows.itertuples(index=False)
        }

    def shown(code: str) -> Content:  # a code this version does not know, as written
        return _status(code, language) if code in STATUS_ICONS else code

    body = []
    for r in ctx.result.itertuples(index=False):
        key = (r.goal, r.area, r.sex)
        if key in before and before[key] == r.status:
            continue
        goal = fw.goal(r.goal)
        owner = f" ({fw.actor(goal.actor).name})" if isinstance(goal, ActorGoal) else ""
        was = shown(before[key]) if key in before else _say(language, "nytt mål", "new goal")
        body.append(
            _tr(f"{goal.title}{owner}", [SEX[language][r.sex], was, _status(r.status, language)])
        )
    now = set(zip(ctx.result["goal"], ctx.result["area"], ctx.result["sex"], strict=True))
    known = {g.id for g in [*fw.shared_goals, *fw.actor_goals]}
    for (goal_id, area, sex), code in before.items():
        if (goal_id, area, sex) in now:
            continue
        title = fw.goal(goal_id).title if goal_id in known else goal_id
        gone = _say(language, "ingår inte längre", "no longer included")
        body.append(_tr(title, [SEX[language].get(sex, sex), shown(code), gone]))
    headers = [
        _say(language, "Mål", "Goal"),
        _say(language, "Kön", "Sex"),
        _say(language, "Förra rapporten", "Previous report"),
        _say(language, "Nu", "Now"),
    ]
    caption = _say(language, "Mål vars status har ändrats", "Goals whose status changed")
    empty = _say(
        language,
        "Ingen status har ändrats sedan förra rapporten.",
        "No status has changed since the previous report.",
    )
    return _join(heading, _table_or_note(caption, headers, body, "status-changes", empty))
