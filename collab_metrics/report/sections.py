"""The content of the reports, as language-aware HTML fragments: the module notebooks import.

Each public function returns `Html` for one part of a report: the joint follow-up that the
steering group reads (title page, summary, one section per shared goal, discussion
questions, what changed, action plan, sources, method), one extract per actor and the
baseline analysis (nulägesanalys). A notebook cell only displays what a function returns,
so every word and number a reader sees is made in the package, where tests reach it.

The first parts live in modules of their own (`context`, `markup`, `wording`, `title`,
`summary`, `goal`, `comparison`, `actor_goals`, `actions`, `questions`) and are re-exported
here, with the helpers the parts still written below share with them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd

from collab_metrics.analysis.assess import (
    ACCELERATION,
    BASELINE_SLACK,
    DIRECTION_BAND,
    FORECAST_WINDOW,
    INTERVAL,
    LIMIT_EXPONENT,
    MIN_FORECAST_POINTS,
    ON_TRACK,
    PEAK_YEARS,
    SHORT_TERM,
    Z_95,
)
from collab_metrics.analysis.contributions import Consistency, shares_of_change
from collab_metrics.charts import figures as charts
from collab_metrics.model import areas, periods
from collab_metrics.model.framework import (
    ActorGoal,
    Assessment,
    FileIndicator,
    Framework,
    KoladaIndicator,
    PxWebIndicator,
    SharedGoal,
)
from collab_metrics.pipeline import coverage
from collab_metrics.report.actions import _action_headers as _action_headers  # tests use it
from collab_metrics.report.actions import action_plan
from collab_metrics.report.actor_goals import (
    ROLES,
    _assessment_period_matches,
    _missing_assessment,
)
from collab_metrics.report.comparison import _forecast_text, _gap_sentence, _noise_sentences
from collab_metrics.report.context import ReportContext, _decreasing, _row, _unit, load_context
from collab_metrics.report.goal import (
    _direction_text,
    _progress,
    _target_text,
    goal_section,
    goals_heading,
)
from collab_metrics.report.markup import (
    STATUS_ICONS,
    Content,
    Html,
    _action_status,
    _chart,
    _el,
    _join,
    _judgement,
    _status,
    _table,
    _table_or_note,
    _tr,
)
from collab_metrics.report.questions import LARGE_GAP, _large_gap_rule, discussion_questions
from collab_metrics.report.summary import summary
from collab_metrics.report.title import _framework_text, _source_name, _vintage_text, title_page
from collab_metrics.report.wording import (
    _area,
    _date,
    _listing,
    _lower_first,
    _missing,
    _period,
    _quote,
    _rate,
    _share,
    _value,
    _value_at,
)
from collab_metrics.sources import ddf
from collab_metrics.sources.pxweb import SCB_URL
from collab_metrics.text import labels
from collab_metrics.text.catalog import LANGUAGES, message
from collab_metrics.text.labels import (
    CONSISTENCY,
    SEX,
    Language,
)

__all__ = [
    "Html",
    "ReportContext",
    "action_plan",
    "actor_extract",
    "baseline_analysis",
    "discussion_questions",
    "goal_section",
    "goals_heading",
    "load_context",
    "method_appendix",
    "newer_data",
    "sources",
    "summary",
    "title_page",
    "what_changed",
]

# What changed lists at most this many revised values; the rest are counted.
MAX_REVISIONS: Final = 20

# The words of actor goals not added up, for the actor extract below (it formats them itself).
ROLE_WORDS: Final = {
    language: {role: message(f"report.role_{role}", language) for role in ROLES}
    for language in LANGUAGES
}


def _say(language: Language, sv: str, en: str) -> str:
    """The parts below still pair their words inline; the parts above use the catalog."""
    return sv if language == "sv" else en


# Where a Kolada description names its source ("Källa: ...", sometimes without the colon).
_SOURCE_MARK: Final = re.compile(r"\s*\bKälla\b:?\s*")


# --- what changed since the previous report ------------------------------------------


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


def _follow_up_period(period: str, language: Language) -> str:
    """A follow-up period in words: 2024, första halvåret 2024, kvartal 3 2024, maj 2024."""
    year_text, _, part = period.partition("-")
    if part.startswith("h"):
        return _say(
            language,
            f"{'första' if part == 'h1' else 'andra'} halvåret {year_text}",
            f"{'first' if part == 'h1' else 'second'} half of {year_text}",
        )
    if part.startswith("q"):
        return _say(language, f"kvartal {part[1]} {year_text}", f"Q{part[1]} {year_text}")
    return _period(period, language)


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


# --- sources and method --------------------------------------------------------------


def _kpi_metadata(ctx: ReportContext, indicator: Any) -> ddf.KpiMetadata | None:
    """Kolada's own title, description and producing agency, when the snapshot has them."""
    if not isinstance(indicator, KoladaIndicator):
        return None
    try:
        return ddf.kpi_metadata(indicator.query.kpi, root=ctx.snapshot_dir)
    except ddf.SnapshotError:
        return None


def _definition(metadata: ddf.KpiMetadata) -> str:
    """Kolada's description without its closing "Källa: ...", which the source line gives."""
    return _SOURCE_MARK.split(metadata["description"])[0].strip()


def _file_definition(ctx: ReportContext, indicator: FileIndicator) -> str:
    """An actor-reported measure's definition from the framework: its description when
    given, else what it is read as (title, unit, column, filters) and who reports it."""
    language = ctx.language
    query = indicator.query
    who = (
        ctx.fw.actor(indicator.reported_by).name
        if indicator.reported_by
        else _say(language, "en aktör", "an actor")
    )
    column = _quote(query.columns.value, language)
    where = "; ".join(f"{key} = {value}" for key, value in query.filters.items())
    read = _say(
        language,
        f"{indicator.title} ({indicator.unit}), kolumnen {column} i filen "
        f"{Path(query.path).name}"
        + (f" där {where}" if where else "")
        + f", rapporterad av {who}.",
        f"{indicator.title} ({indicator.unit}), the column {column} of the file "
        f"{Path(query.path).name}" + (f" where {where}" if where else "") + f", reported by {who}.",
    )
    return f"{indicator.description.strip()} ({read})" if indicator.description else read


def _indicator_definition(ctx: ReportContext, indicator: Any) -> str | None:
    """Kolada's description of a KPI, the framework's of an actor's own measure, or the
    framework's description of any other indicator; None when there is none."""
    metadata = _kpi_metadata(ctx, indicator)
    if metadata is not None:
        return _definition(metadata)
    if isinstance(indicator, FileIndicator):
        return _file_definition(ctx, indicator)
    return indicator.description


def _area_names(codes: Sequence[str] | None, language: Language) -> str:
    if not codes:
        return _say(language, "alla områden", "all areas")
    return _listing([_area(code, language) for code in codes], language)


def sources(ctx: ReportContext) -> Html:
    """Per indicator: source, id, producing agency, definition, data used, notes, breaks."""
    fw, language = ctx.fw, ctx.language
    articles = []
    for indicator in fw.indicators:
        series = fw.series_id(indicator.id)
        facts: list[tuple[str, Content]] = []
        metadata = _kpi_metadata(ctx, indicator)
        if metadata is not None:
            facts.append((_say(language, "Koladas benämning", "Kolada's title"), metadata["title"]))
        definition = _indicator_definition(ctx, indicator)
        if definition:
            facts.append((_say(language, "Definition", "Definition"), definition))
        facts.append((_say(language, "Enhet", "Unit"), indicator.unit))
        facts.append((_say(language, "Används för", "Used for"), _uses(ctx, indicator.id)))
        facts.append((_say(language, "Data", "Data"), _series_vintage(ctx, series)))
        gaps = coverage.gaps_in(ctx.observations, series)
        if gaps:
            facts.append((_say(language, "Luckor", "Gaps"), _coverage_gaps(gaps, language)))
        for note in indicator.method_notes:
            facts.append(
                (
                    _say(language, "Metod", "Method"),
                    f"{note.note} ({_area_names(note.areas, language)})",
                )
            )
        for series_break in indicator.series_breaks:
            facts.append(
                (
                    _say(language, "Tidsseriebrott", "Series break"),
                    f"{series_break.year}: {series_break.note} "
                    f"({_area_names(series_break.areas, language)})",
                )
            )
        articles.append(
            _el(
                "section",
                _el("h3", indicator.title),
                _el("p", _source_line(ctx, indicator), cls="attribution"),
                _el("dl", [(_el("dt", t), _el("dd", v)) for t, v in facts], cls="facts"),
                cls="source",
            )
        )
    store_note = _say(
        language,
        f"Alla värden kommer från det lokala observationslagret ({_vintage_text(ctx)}; senaste "
        f"hämtning nr {ctx.vintage.get('last_fetch_id')}). Målramverk: {_framework_text(ctx)}.",
        f"Every value comes from the local observation store ({_vintage_text(ctx)}; latest "
        f"fetch no. {ctx.vintage.get('last_fetch_id')}). Goal framework: {_framework_text(ctx)}.",
    )
    return _el(
        "section",
        _el("h2", _say(language, "Källor", "Sources"), id="sources"),
        _el("p", store_note),
        articles,
        cls="sources",
    )


def _source_line(ctx: ReportContext, indicator: Any) -> str:
    """ "Källa: Kolada (RKA), nyckeltal N03921; framtaget av Arbetsförmedlingen och SCB"."""
    language = ctx.language
    lead = _say(language, "Källa", "Source")
    if isinstance(indicator, KoladaIndicator):
        text = _say(
            language,
            f"{lead}: Kolada (RKA), nyckeltal {indicator.query.kpi}",
            f"{lead}: Kolada (RKA), key figure {indicator.query.kpi}",
        )
        metadata = _kpi_metadata(ctx, indicator)
        if metadata is not None and metadata["agency"]:
            text += _say(
                language,
                f"; framtaget av {metadata['agency']}",
                f"; produced by {metadata['agency']}",
            )
        return text
    if isinstance(indicator, PxWebIndicator):
        query = indicator.query
        url = query.url or ctx.fw.pxweb_url
        host = "SCB" if url == SCB_URL else url
        if query.earlier_tables:  # stitched: say so, and where a break may be
            tables = ", ".join([*query.earlier_tables, query.table])
            return _say(
                language,
                f"{lead}: {host}, tabellerna {tables} sammanfogade efter period (den nyare "
                "tabellen gäller där båda har värden; möjligt tidsseriebrott i skarven)",
                f"{lead}: {host}, tables {tables} stitched by period (the newer table wins "
                "where both have values; a possible series break at the seam)",
            )
        return _say(
            language,
            f"{lead}: {host}, tabell {query.table}",
            f"{lead}: {host}, table {query.table}",
        )
    assert isinstance(indicator, FileIndicator)
    who = (
        ctx.fw.actor(indicator.reported_by).name
        if indicator.reported_by
        else _say(language, "en aktör", "an actor")
    )
    file_name = Path(indicator.query.path).name
    return _say(
        language,
        f"{lead}: {who} (egen fil {file_name})",
        f"{lead}: {who} (own file {file_name})",
    )


def _uses(ctx: ReportContext, indicator_id: str) -> str:
    fw, language = ctx.fw, ctx.language
    uses = [
        _say(language, f"mål {_quote(g.title, 'sv')}", f"goal {_quote(g.title, 'en')}")
        for g in [*fw.shared_goals, *fw.actor_goals]
        if g.indicator == indicator_id
    ]
    uses += [
        _say(
            language,
            f"sammanhang till {_quote(g.title, 'sv')}",
            f"context for {_quote(g.title, 'en')}",
        )
        for g in fw.shared_goals
        if indicator_id in g.context_indicators
    ]
    if any(i.population_base == indicator_id for i in fw.indicators):
        uses.append(
            _say(language, "befolkningsbas för att väga områden", "population base to weigh areas")
        )
    return "; ".join(uses) or "–"


def _coverage_gaps(gaps: list[coverage.Gap], language: Language) -> str:
    """ "Riket, kvinnor: saknar 2010, 2011" for each area and sex the source left short."""
    lacks = _say(language, "saknar", "lacks")
    return "; ".join(
        f"{_area(gap.area, language)}, {SEX[language][gap.sex].lower()}: {lacks} "
        + ", ".join(_period(p, language) for p in gap.missing)
        for gap in gaps
    )


def _series_vintage(ctx: ReportContext, series: str) -> str:
    """Which source the series' current values come from, when retrieved, which periods."""
    language = ctx.language
    rows = ctx.observations[
        (ctx.observations["indicator"] == series) & ctx.observations["value"].notna()
    ]
    if rows.empty:
        return _say(language, "inga värden i lagret", "no values in the store")
    parts = []
    for source, group in rows.groupby("source"):
        when = _date(group["retrieved_at"].max().date(), language)
        first, last = group["period"].min(), group["period"].max()
        name = _source_name(ctx, str(source))
        parts.append(
            _say(
                language,
                f"{name}, hämtat {when}; perioder {_period(first, language)}–"
                f"{_period(last, language)}",
                f"{name}, retrieved {when}; periods {_period(first, language)}–"
                f"{_period(last, language)}",
            )
        )
    return "; ".join(parts)


def method_appendix(ctx: ReportContext) -> Html:
    """How status, direction, noise, forecast, context and consistency are worked out."""
    language = ctx.language

    def num(value: float, decimals: int = 2) -> str:
        return labels.number(value, language, decimals)

    rules = {
        "achieved": _say(
            language,
            "målårets värde har nått målvärdet, eller före målåret: det senaste värdet har nått "
            "det",
            "the target year's value has reached the target, or before the target year: the "
            "latest value has",
        ),
        "achieved_late": _say(
            language,
            "målårets värde nådde inte målvärdet, men ett senare års värde gör det (året anges)",
            "the target year's value did not reach the target, a later year's does (year given)",
        ),
        "not_achieved": _say(
            language,
            "varken målårets värde eller något senare har nått målvärdet",
            "neither the target year's value nor any later one has reached the target",
        ),
        "met_within_noise": _say(
            language,
            f"värdet är förbi målvärdet, men med mindre än {num(Z_95)} standardfel: det ryms "
            "inom slumpvariationen",
            f"the value is past the target, but by less than {num(Z_95)} standard errors: "
            "within random variation",
        ),
        "on_track": f"R ≥ {num(ON_TRACK)}",
        "acceleration_needed": f"{num(ACCELERATION, 1)} ≤ R < {num(ON_TRACK)}",
        "limited_progress": f"0 ≤ R < {num(ACCELERATION, 1)}",
        "moving_away": "R < 0",
        "cannot_assess": _say(
            language,
            "inga data, inget utgångsvärde, färre än två mätpunkter, utgångsvärdet noll, "
            "serien byter tecken, inget värde för målåret, ett angivet tidsseriebrott eller ett "
            "möjligt tidsseriebrott som syns i data (ändrad avrundning, eller ett nivåskifte "
            "som jämförelseområdet inte har); skälet och belägget anges alltid",
            "no data, no baseline, fewer than two points, a zero baseline, a sign change, no "
            "value for the target year, a declared series break or a possible one seen in the "
            "data (a change of rounding, or a level shift the comparison area does not have); "
            "the reason and the evidence are always given",
        ),
        "": _say(
            language,
            "målet saknar målvärde: bara riktning följs",
            "the goal has no target: only the direction is followed",
        ),
    }
    status_table = _table(
        _say(language, "Status mot målet", "Status against the target"),
        [_say(language, "Status", "Status"), _say(language, "Regel", "Rule")],
        [_tr(_status(code, language), [rule]) for code, rule in rules.items()],
        cls="method-table",
    )
    band = _share(DIRECTION_BAND, language)
    sections = [
        (
            _say(language, "Status mot målet", "Status against the target"),
            [
                _say(
                    language,
                    "Status jämför den årliga förändringstakten hittills med den takt som målet "
                    "kräver (Eurostats och Open SDG:s metod). Takten hittills är "
                    "(senaste värdet / utgångsvärdet)^(1 / antal år) − 1 och den takt som krävs "
                    "är (målvärdet / utgångsvärdet)^(1 / antal år till målåret) − 1. Kvoten R "
                    "mellan dem, med tecken efter önskad riktning, avgör statusen. R = 1 betyder "
                    "exakt den takt som behövs; R = 0,77 betyder 77 % av den.",
                    "Status compares the yearly pace of change so far with the pace the target "
                    "needs (the Eurostat and Open SDG method). The pace so far is "
                    "(latest / baseline)^(1 / years) − 1 and the pace needed is "
                    "(target / baseline)^(1 / years to the target year) − 1. Their ratio R, "
                    "signed by the desired direction, decides the status. R = 1 means exactly the "
                    "pace needed; R = 0.77 means 77% of it.",
                ),
                status_table,
                _say(
                    language,
                    f"Saknas ett värde för utgångsåret tas det första värdet inom {BASELINE_SLACK} "
                    "år efter. Egna mål för kvinnor och män används när de finns; annars gäller "
                    "ett relativt mål för totalen också för kvinnor och för män, räknat från "
                    "deras egna utgångsvärden. Ett absolut mål för totalen gäller inte kvinnor "
                    "och män: för dem följs då bara riktningen. När målårets värde finns är "
                    "bedömningen slutlig och görs vid målåret: R och takten avser utgångsåret "
                    "till målåret, och status säger om målet nåddes i tid, senare (året anges) "
                    "eller inte alls. Ett mål räknas som nått bara om marginalen till målvärdet "
                    f"är större än {num(Z_95)} standardfel där slumpvariationen kan skattas; "
                    "annars sägs att målvärdet nåtts inom slumpvariationen.",
                    f"When the baseline year has no value, the first value within "
                    f"{BASELINE_SLACK} years after it is used. Own targets for women and men are "
                    "used when given; otherwise a relative target for the total applies to "
                    "women and to men from their own baselines. An absolute target for the total "
                    "does not apply to women and men: only their direction is followed. Once "
                    "the target year's value exists, the verdict is final and judged at the "
                    "target year: R and the pace run from the baseline to the target year, and "
                    "the status says whether the target was reached on time, later (year "
                    "given) or not at all. A target counts as reached only if the margin "
                    f"exceeds {num(Z_95)} standard errors where random variation can be "
                    "estimated; otherwise the report says the target value was reached within "
                    "random variation.",
                ),
            ],
        ),
        (
            _say(language, "Riktning", "Direction"),
            [
                _say(
                    language,
                    f"Riktningen säger om värdet blir bättre eller sämre, med eller utan mål. "
                    f"En förändring med minst {band} per år i önskad riktning är ”Förbättras”, "
                    f"minst {band} per år åt andra hållet är ”Försämras”, och däremellan "
                    f"”Oförändrat”. Lång sikt räknas från utgångsåret, kort sikt över de senaste "
                    f"{SHORT_TERM} åren. Nära en naturlig gräns (till exempel 100 %) krymper "
                    f"gränserna med faktorn 1 − (värdet / gränsen)^{num(LIMIT_EXPONENT)}, "
                    "eftersom de sista procenten är svårast att vinna.",
                    f"Direction says whether the value gets better or worse, with or without a "
                    f"target. A change of at least {band} a year in the desired direction is "
                    f"“Improving”, at least {band} a year the other way “Worsening”, and in "
                    f"between “Stable”. Long term runs from the baseline year, short term over "
                    f"the last {SHORT_TERM} years. Near a natural limit (such as 100%) the bands "
                    f"shrink by the factor 1 − (value / limit)^{num(LIMIT_EXPONENT)}, because the "
                    "last percent is the hardest to win.",
                )
            ],
        ),
        (
            _say(language, "Slumpvariation", "Random variation"),
            [
                _say(
                    language,
                    "I små kommuner kan en andel variera mycket från år till år av en slump. För "
                    "andelar av invånarna med känd befolkning varierar en andel p bland n "
                    "invånare med ungefär √(p(1 − p) / n). Förändringen från utgångsåret till "
                    f"senaste året räknas som verklig när den är större än {num(Z_95)} "
                    "standardfel av skillnaden (95 % säkerhet); annars säger rapporten att den "
                    "ryms inom slumpvariationen. För mått utan befolkningsbas (enkäter, dagar "
                    "per invånare) görs ingen sådan bedömning.",
                    "In small municipalities a share can vary a lot from year to year by chance. "
                    "For shares of residents with a known population, a share p among n "
                    "residents varies by about √(p(1 − p) / n). The change from the baseline to "
                    f"the latest year counts as real when it exceeds {num(Z_95)} standard errors "
                    "of the difference (95% confidence); otherwise the report says it is within "
                    "random variation. Measures without a population base (surveys, days per "
                    "resident) get no such verdict.",
                )
            ],
        ),
        (
            _say(language, "Prognos", "Forecast"),
            [
                _say(
                    language,
                    f"Prognosen förlänger en rak trend på logaritmisk skala (en konstant årlig "
                    f"förändringstakt, samma modell som statusen bygger på), anpassad med minsta "
                    f"kvadratmetoden till de senaste {FORECAST_WINDOW} åren och aldrig över ett "
                    f"tidsseriebrott. Med färre än {MIN_FORECAST_POINTS} år görs ingen prognos. "
                    f"Intervallet ({_share(INTERVAL, language)}) räknas inte ur modellen utan ur "
                    "hur fel samma regel faktiskt har slagit: för alla områden och kön med samma "
                    "indikator och varje tidigare år har trenden fram till det året jämförts med "
                    "utfallet ett, två, tre ... år senare, och intervallet är prognosen plus den "
                    "10:e och 90:e percentilen av de felen (kalibrering i efterhand, "
                    "”split conformal”). Räcker historiken inte för så långt fram skalas felen "
                    "för den längsta horisont som finns upp i proportion till avståndet, och "
                    "rapporten säger det. Chansen att nå målet anges i ord, inte i procent: "
                    "troligt när hela intervallet når målvärdet, osannolikt när inget av det gör "
                    "det, annars oklart. En backtest över alla kommuner, län och riket "
                    "(benchmarks/forecast.py) visar hur ofta intervallet träffade och hur ofta "
                    "orden slog in.",
                    f"The forecast extends a straight trend on the log scale (a constant yearly "
                    f"rate of change, the model status rests on), fitted by least squares to the "
                    f"last {FORECAST_WINDOW} years and never across a series break. With fewer "
                    f"than {MIN_FORECAST_POINTS} years there is no forecast. The "
                    f"{_share(INTERVAL, language)} interval does not come from the model but from "
                    "how wrong the same rule has really been: for every area and sex with the "
                    "same indicator and every earlier year, the trend up to that year was "
                    "compared with the outcome one, two, three ... years later, and the interval "
                    "is the forecast plus the 10th and 90th percentiles of those errors (split "
                    "conformal calibration). Where the history does not reach that far ahead, "
                    "the errors of the longest horizon available are scaled up in proportion to "
                    "the distance, and the report says so. The chance of reaching the target is "
                    "given in words, not percent: likely when the whole interval reaches the "
                    "target, unlikely when none of it does, unclear otherwise. A backtest over "
                    "every municipality, county and Sweden (benchmarks/forecast.py) shows how "
                    "often the interval held and how often the words came true.",
                ),
                _say(
                    language,
                    "Vad intervallet inte tar hänsyn till: det förutsätter att kommande år "
                    "avviker från trenden ungefär som tidigare år har gjort. En kris eller "
                    "konjunkturvändning som saknar motstycke i historiken, en ändrad definition "
                    "eller insatser som bryter trenden ryms inte. Felen är dessutom samvarierande "
                    "mellan områden samma år (en lågkonjunktur slår mot alla), så för ett enskilt "
                    "år kan intervallet missa för många områden samtidigt; det stämmer i "
                    "genomsnitt över år, inte varje år.",
                    "What the interval ignores: it assumes coming years deviate from the trend "
                    "about as earlier years did. A crisis or turn of the business cycle without "
                    "precedent in the history, a changed definition, or efforts that break the "
                    "trend are not covered. Errors also move together across areas in the same "
                    "year (a recession hits everyone), so in a single year the interval can miss "
                    "for many areas at once; it holds on average over years, not every year.",
                ),
            ],
        ),
        (
            _say(language, "Jämförelse med riket", "Comparison with Sweden"),
            [
                _say(
                    language,
                    "Målets område jämförs med riket och andra jämförelseområden över samma år: "
                    "förändringen i procent av utgångsvärdet för båda, och skillnaden i "
                    "procentenheter. Följer det mesta av förändringen den nationella "
                    "utvecklingen säger rapporten det, så att samverkan inte tar åt sig en "
                    "förbättring som hela landet hade. ”Det mesta” betyder ett enda mått: "
                    "jämförelseområdets förändring i procent av utgångsvärdet är minst hälften "
                    "av områdets. För andelar anges också förändringen i procentenheter, så att "
                    "procent av en andel och procentenheter aldrig blandas ihop. Skillnader "
                    "räknas från de avrundade tal som visas. Ligger utgångsvärdet på seriens "
                    f"topp eller botten (jämfört med de {PEAK_YEARS} åren före och åren efter) "
                    "påpekas det, eftersom framstegen då ser större eller mindre ut.",
                    "The goal's area is compared with Sweden and other comparison areas over the "
                    "same years: the change in percent of the baseline for both, and the "
                    "difference in percentage points. When most of the change follows the "
                    "national trend the report says so, so that the collaboration does not "
                    "claim an improvement the whole country had. “Most” is one measure: the "
                    "comparison area's change in percent of its baseline is at least half the "
                    "area's. For shares the change in percentage points is given too, so percent "
                    "of a share and percentage points are never mixed up. Differences are "
                    "computed from the rounded figures shown. A baseline at the series' peak or "
                    f"trough (against the {PEAK_YEARS} years before it and the years after) is "
                    "pointed out, as progress then looks larger or smaller.",
                )
            ],
        ),
        (
            _say(language, "Räcker aktörernas mål?", "Do the actors' goals add up?"),
            [
                _say(
                    language,
                    "Kommunernas värden vägs samman efter befolkning till områdets värde. Om "
                    "varje aktör når sitt eget mål och kommuner utan eget mål ligger kvar på sin "
                    "senaste nivå, vad blir då förändringen för hela området? Den jämförs med "
                    "vad det gemensamma målet kräver. Aktörsmål på andra indikatorer eller på "
                    "hela området visas bredvid men räknas inte in. Varje kommuns andel av "
                    "områdets förändring räknas på samma sätt, med befolkningen som vikt.",
                    "The municipalities' values are combined by population into the area's "
                    "value. If every actor reaches its own target and municipalities without a "
                    "goal stay at their latest level, how much does the whole area change? That "
                    "is compared with what the shared target needs. Actor goals on other "
                    "indicators or on the whole area are shown beside it but not added up. Each "
                    "municipality's share of the area's change is computed the same way, "
                    "weighted by population.",
                )
            ],
        ),
        (
            _say(language, "Kvinnor och män", "Women and men"),
            [_large_gap_rule(language)],
        ),
        (
            _say(language, "Aktörernas egna bedömningar", "The actors' own assessments"),
            [
                _say(
                    language,
                    "Varje aktör bedömer själv sina mål och motiverar bedömningen. Bedömningarna "
                    "visas bredvid statistiken, i en egen ruta, och räknas aldrig ihop med "
                    "statistikens status: de är två olika signaler.",
                    "Each actor assesses its own goals and gives its reasons. The assessments "
                    "are shown beside the statistics, in a box of their own, and are never "
                    "combined with the statistical status: they are two different signals.",
                )
            ],
        ),
    ]
    return _el(
        "section",
        _el("h2", _say(language, "Metod", "Method"), id="method"),
        [
            _el(
                "section",
                _el("h3", title),
                [p if isinstance(p, Html) else _el("p", p) for p in body],
            )
            for title, body in sections
        ],
        cls="method",
    )


# --- one actor's extract -------------------------------------------------------------


def actor_extract(ctx: ReportContext, actor_id: str) -> Html:
    """One actor's goals, status, share of the shared goals, assessments and actions, in
    full sentences, to be used in the actor's annual report (årsredovisning)."""
    fw, language = ctx.fw, ctx.language
    actor = fw.actor(actor_id)
    collaboration = fw.collaboration
    goals = [g for g in fw.actor_goals if g.actor == actor_id]
    lead = _say(
        language,
        f"Uppföljning {ctx.year}. {actor.name} deltar i samverkan {collaboration.name}, som "
        f"samordnas av {collaboration.owner}. Texten bygger på den gemensamma uppföljningen och "
        "är skriven för att kunna användas i årsredovisningen.",
        f"Follow-up {ctx.year}. {actor.name} takes part in the collaboration "
        f"{collaboration.name}, coordinated by {collaboration.owner}. The text rests on the joint "
        "follow-up and is written to be used in the annual report.",
    )
    parts: list[Content] = [
        _el(
            "h1",
            _say(
                language,
                f"{actor.name}: bidrag till {collaboration.name}",
                f"{actor.name}: contribution to {collaboration.name}",
            ),
        ),
        _el("p", lead),
    ]
    if not goals:
        parts += [
            _el(
                "p",
                _say(
                    language,
                    f"{actor.name} har inga egna mål i samverkan. Så här ligger de gemensamma "
                    "målen till:",
                    f"{actor.name} has no goals of its own in the collaboration. This is where "
                    "the shared goals stand:",
                ),
            ),
            _el("ul", [_el("li", _shared_goal_line(ctx, g)) for g in fw.shared_goals]),
        ]
    parts += [_actor_goal_part(ctx, goal) for goal in goals]
    parts.append(_actor_shared_assessments(ctx, actor_id))
    parts.append(_actor_actions(ctx, actor_id))
    return _el("article", parts, cls="actor-extract")


def _shared_goal_line(ctx: ReportContext, goal: SharedGoal) -> Content:
    language = ctx.language
    row = _row(ctx, goal.id)
    unit = _unit(ctx.fw, goal)
    if row is None:
        return [_quote(goal.title, language), ": ", _status("cannot_assess", language), "."]
    return [
        _quote(goal.title, language),
        ": ",
        _status(row.status, language),
        _say(
            language,
            f". Senaste värde {_value_at(row.latest_value, row.latest_period, unit, language)}, "
            f"målvärde {_value_at(row.target_value, row.target_year, unit, language)}.",
            f". Latest value {_value_at(row.latest_value, row.latest_period, unit, language)}, "
            f"target {_value_at(row.target_value, row.target_year, unit, language)}.",
        ),
    ]


def _actor_goal_part(ctx: ReportContext, goal: ActorGoal) -> Html:
    fw, language = ctx.fw, ctx.language
    indicator = fw.indicator(goal.indicator)
    shared = fw.shared_goal(goal.contributes_to)
    row = _row(ctx, goal.id)
    area = _area(fw.goal_area(goal), language)
    definition = _say(
        language,
        f"Målet är att {_target_text(ctx, goal)} för {area}, mätt som "
        f"{_lower_first(indicator.title)} ({indicator.unit}). Det bidrar till det gemensamma målet "
        f"{_quote(shared.title, 'sv')}.",
        f"The goal is to {_target_text(ctx, goal)} for {area}, measured as {indicator.title} "
        f"({indicator.unit}). It contributes to the shared goal {_quote(shared.title, 'en')}.",
    )
    paragraphs: list[Content] = [_el("p", definition)]
    if row is not None:
        paragraphs.append(
            _el(
                "p",
                _say(language, "Statistiken visar: ", "The statistics show: "),
                _status(row.status, language),
                ". ",
                _progress(ctx, goal, row),
            )
        )
        paragraphs.append(_el("p", _direction_text(ctx, row)))
        paragraphs += [_el("p", s) for s in _noise_sentences(ctx, goal)]
        forecast = _forecast_text(ctx, goal, row)
        if forecast:
            paragraphs.append(_el("p", forecast))
    gap = _gap_sentence(ctx, goal)
    if gap:
        paragraphs.append(_el("p", gap))
    relation = _relation_sentences(ctx, goal, shared)
    if relation:
        paragraphs.append(_el("p", " ".join(relation)))
    chart = charts.goal_chart(fw, ctx.observations, goal.id, ctx.result, language, ctx.as_of)
    return _el(
        "section",
        _el("h2", goal.title, id=f"actor-goal-{goal.id}"),
        paragraphs,
        _chart(chart),
        _el("p", _own_assessment(ctx, goal), cls="assessments"),
        cls="actor-goal",
    )


def _relation_sentences(ctx: ReportContext, goal: ActorGoal, shared: SharedGoal) -> list[str]:
    """How the actor's target relates to the shared one, and its share of the change."""
    fw, language = ctx.fw, ctx.language
    check = ctx.consistency.get(shared.id)
    record = None
    if check is not None:
        record = next((r for r in check.actors.itertuples(index=False) if r.goal == goal.id), None)
    sentences = []
    if check is not None and record is not None and record.role == "aggregated":
        if not _missing(record.target_change_percent) and not _missing(
            check.required_change_percent
        ):
            sentences.append(_ambition_sentence(ctx, shared, record, check))
        if check.verdict == "cannot_assess":
            sentences.append(
                _say(
                    language,
                    f"{CONSISTENCY['sv']['cannot_assess']}: {check.reason}.",
                    f"{CONSISTENCY['en']['cannot_assess']}: {check.reason}.",
                )
            )
        else:
            implied = _rate(check.implied_change_percent / 100, language)
            words = CONSISTENCY[language][check.verdict]
            sentences.append(
                _say(
                    language,
                    f"Läggs alla aktörers mål samman blir förändringen {implied}: "
                    f"{words[:1].lower()}{words[1:]}.",
                    f"Added up, the actors' targets give {implied}: {words[:1].lower()}"
                    f"{words[1:]}.",
                )
            )
    elif record is not None:
        role = ROLE_WORDS[language][record.role].format(
            area=_area(shared.area, language), indicator=fw.indicator(record.indicator).title
        )
        sentences.append(
            _say(
                language,
                f"Målet räknas inte in när kommunernas mål läggs samman, eftersom det {role}; "
                "det följs upp bredvid det gemensamma målet.",
                f"The goal is not added up with the municipalities' goals, because it {role}; "
                "it is followed up beside the shared goal.",
            )
        )
    share = _share_sentence(ctx, goal, shared)
    if share:
        sentences.append(share)
    return sentences


def _ambition_sentence(
    ctx: ReportContext, shared: SharedGoal, record: Any, check: Consistency
) -> str:
    """ "Målet, −50,0 % till 2017, är lika ambitiöst som det gemensamma målet (−50,0 %)."."""
    language = ctx.language
    own = _rate(record.target_change_percent / 100, language)
    required = _rate(check.required_change_percent / 100, language)
    difference = record.target_change_percent - check.required_change_percent
    sign = -1 if _decreasing(ctx.fw, shared.indicator) else 1
    if round(abs(difference), 1) == 0:
        compared = _say(language, "lika ambitiöst som", "as ambitious as")
    elif sign * difference > 0:
        compared = _say(language, "mer ambitiöst än", "more ambitious than")
    else:
        compared = _say(language, "mindre ambitiöst än", "less ambitious than")
    return _say(
        language,
        f"Målet, {own} till {record.target_year}, är {compared} det gemensamma målet ({required}).",
        f"The target, {own} by {record.target_year}, is {compared} the shared target ({required}).",
    )


def _share_sentence(ctx: ReportContext, goal: ActorGoal, shared: SharedGoal) -> str:
    """ "Karlshamn stod för 15 % av minskningen i Region Blekinge 2013–2017 ..."."""
    fw, language = ctx.fw, ctx.language
    area_code = fw.goal_area(goal)
    if fw.series_id(goal.indicator) != fw.series_id(shared.indicator) or area_code == shared.area:
        return ""
    try:
        shares = shares_of_change(fw, ctx.observations, shared.id, as_of=ctx.as_of)
    except ValueError:  # no population base to weigh the municipalities with
        return ""
    mine = shares[shares["area"] == area_code]
    if mine.empty or _missing(mine["share"].iloc[0]):
        return ""
    share, weight = float(mine["share"].iloc[0]), float(mine["weight"].iloc[0])
    falling = shares["weighted_change"].sum() < 0
    noun = _say(language, "minskningen", "fall") if falling else _say(language, "ökningen", "rise")
    years = f"{shares.attrs['baseline_year']}–{shares.attrs['latest_year']}"
    area, whole = _area(area_code, language, start=True), _area(shared.area, language)
    if share >= 0:
        return _say(
            language,
            f"{area} stod för {_share(share, language)} av {noun} i {whole} {years}, med "
            f"{_share(weight, language)} av befolkningen.",
            f"{area} accounted for {_share(share, language)} of the {noun} in {whole} in "
            f"{years}, with {_share(weight, language)} of the population.",
        )
    return _say(
        language,
        f"I {area} gick värdet åt motsatt håll mot {whole} som helhet {years} och motverkade "
        f"{noun} med motsvarande {_share(-share, language)} av den.",
        f"In {area} the value moved against {whole} as a whole in {years}, offsetting "
        f"{_share(-share, language)} of the {noun}.",
    )


def _own_assessment(ctx: ReportContext, goal: ActorGoal) -> Content:
    """The actor's own judgement of its goal for the follow-up year, or that it is missing."""
    found = [
        a
        for a in ctx.fw.assessments
        if a.goal == goal.id and a.actor == goal.actor and _assessment_period_matches(a, ctx.year)
    ]
    if not found:
        return _missing_assessment(ctx, goal) + "."
    return _assessment_content(ctx, found[0])


def _assessment_content(ctx: ReportContext, assessment: Assessment) -> Content:
    language = ctx.language
    parts: list[Content] = [
        _el(
            "strong",
            _say(
                language,
                f"Egen bedömning {assessment.period}: ",
                f"Own assessment {assessment.period}: ",
            ),
        ),
        _judgement(assessment.judgement, language),
        ".",
    ]
    if assessment.justification:
        parts.append(f" {assessment.justification}")
    if assessment.owner:
        parts.append(
            _say(language, f" (Ansvarig: {assessment.owner}.)", f" (Owner: {assessment.owner}.)")
        )
    return parts


def _actor_shared_assessments(ctx: ReportContext, actor_id: str) -> Html:
    """The actor's own judgements of the shared goals, when it gave any."""
    fw = ctx.fw
    shared_ids = {g.id for g in fw.shared_goals}
    found = [
        a
        for a in fw.assessments
        if a.actor == actor_id and a.goal in shared_ids and _assessment_period_matches(a, ctx.year)
    ]
    if not found:
        return Html()
    return _el(
        "section",
        _el(
            "h2",
            _say(
                ctx.language, "Bedömning av de gemensamma målen", "Assessment of the shared goals"
            ),
        ),
        [
            _el("p", _quote(fw.goal(a.goal).title, ctx.language), ": ", _assessment_content(ctx, a))
            for a in found
        ],
        cls="actor-shared-assessments",
    )


def _actor_actions(ctx: ReportContext, actor_id: str) -> Html:
    fw, language = ctx.fw, ctx.language
    actions = [a for a in fw.actions if a.actor == actor_id]
    heading = _el("h2", _say(language, "Åtgärder", "Actions"))
    if not actions:
        return _el(
            "section",
            heading,
            _el(
                "p",
                _say(
                    language,
                    f"{fw.actor(actor_id).name} har inga åtgärder i handlingsplanen.",
                    f"{fw.actor(actor_id).name} has no actions in the action plan.",
                ),
            ),
            cls="actor-actions",
        )
    items = []
    for action in actions:
        details = []
        if action.goal:
            details.append(
                _say(
                    language,
                    f"för målet {_quote(fw.goal(action.goal).title, 'sv')}",
                    f"for the goal {_quote(fw.goal(action.goal).title, 'en')}",
                )
            )
        if action.responsible:
            details.append(
                _say(
                    language,
                    f"ansvarig: {action.responsible}",
                    f"responsible: {action.responsible}",
                )
            )
        if action.due:
            details.append(
                _say(
                    language,
                    f"klart senast {_date(action.due, 'sv')}",
                    f"due {_date(action.due, 'en')}",
                )
            )
        described = action.description.rstrip(".")
        text = f"{described} ({'; '.join(details)})." if details else f"{described}."
        items.append(
            _el(
                "li",
                text,
                " ",
                _say(language, "Status: ", "Status: "),
                _action_status(action.status, language),
                ".",
            )
        )
    return _el("section", heading, _el("ul", items, cls="actions"), cls="actor-actions")


# --- baseline analysis (nulägesanalys) -----------------------------------------------


def baseline_analysis(ctx: ReportContext) -> Html:
    """For each indicator of the shared goals: the long series against riket and comparison
    areas, women and men, and the distribution over all municipalities."""
    fw, language = ctx.fw, ctx.language
    uses: dict[str, list[tuple[SharedGoal, bool]]] = {}
    for goal in fw.shared_goals:
        uses.setdefault(goal.indicator, []).append((goal, True))
        for indicator_id in goal.context_indicators:
            uses.setdefault(indicator_id, []).append((goal, False))
    intro = _say(
        language,
        f"Nulägesanalysen beskriver de indikatorer som de gemensamma målen bygger på: "
        f"utvecklingen för {_area(fw.collaboration.area, language)} så långt bakåt som "
        "statistiken räcker, jämfört med riket och andra områden, skillnaderna mellan kvinnor "
        "och män, och hur kommunerna ligger till bland landets alla kommuner.",
        f"The baseline analysis describes the indicators the shared goals rest on: the trend "
        f"for {_area(fw.collaboration.area, language)} as far back as the statistics go, "
        "compared with Sweden and other areas, the gaps between women and men, and where the "
        "municipalities stand among all the country's municipalities.",
    )
    return _el(
        "article",
        _el(
            "h1",
            _say(
                language,
                f"Nulägesanalys: {fw.collaboration.name}",
                f"Baseline analysis: {fw.collaboration.name}",
            ),
        ),
        _el("p", intro),
        _el("p", _large_gap_rule(language), cls="note"),
        [_baseline_indicator(ctx, indicator_id, goals) for indicator_id, goals in uses.items()],
        cls="baseline-analysis",
    )


def _baseline_indicator(
    ctx: ReportContext, indicator_id: str, uses: list[tuple[SharedGoal, bool]]
) -> Html:
    fw, language = ctx.fw, ctx.language
    indicator = fw.indicator(indicator_id)
    goal, is_goal_indicator = next(((g, own) for g, own in uses if own), uses[0])
    area = goal.area
    comparisons = [
        code
        for code in dict.fromkeys(goal.comparison_areas or [areas.RIKET, areas.region_of(area)])
        if code != area
    ]
    used_for = _listing(
        [
            _say(
                language,
                f"mått för målet {_quote(g.title, 'sv')}",
                f"the measure of the goal {_quote(g.title, 'en')}",
            )
            if own
            else _say(
                language,
                f"sammanhang till målet {_quote(g.title, 'sv')}",
                f"context for the goal {_quote(g.title, 'en')}",
            )
            for g, own in uses
        ],
        language,
    )
    about = [_say(language, f"Indikatorn är {used_for}.", f"The indicator is {used_for}.")]
    definition = _indicator_definition(ctx, indicator)
    if definition:
        about.append(definition)
    about.append(_source_line(ctx, indicator) + ".")
    series = fw.series_id(indicator_id)
    has_area = _has_values(ctx, series, area, "total")
    over_time: list[Content] = [
        _el("h3", _say(language, "Utveckling över tid", "Trend over time")),
        _year_table(ctx, indicator, area, comparisons),
    ]
    if is_goal_indicator:
        over_time.append(
            _chart(
                charts.goal_chart(fw, ctx.observations, goal.id, ctx.result, language, ctx.as_of)
            )
        )
    elif not has_area:
        over_time.append(
            _el(
                "p",
                _say(
                    language,
                    f"Statistiken redovisas inte för {_area(area, language)}; se kommunerna nedan.",
                    f"The statistics are not published for {_area(area, language)}; see the "
                    "municipalities below.",
                ),
            )
        )
    return _el(
        "section",
        _el("h2", indicator.title, id=f"indicator-{indicator_id}"),
        _el("p", " ".join(about), cls="indicator-about"),
        over_time,
        _baseline_sexes(ctx, indicator, area),
        _distribution_part(ctx, indicator),
        cls="baseline-indicator",
    )


def _annual(ctx: ReportContext, series: str) -> pd.DataFrame:
    """A series' annual values up to the follow-up year."""
    obs = ctx.observations
    rows = obs[(obs["indicator"] == series) & obs["value"].notna() & (obs["period"].str.len() == 4)]
    if ctx.year is not None:
        rows = rows[rows["period"].astype(int) <= ctx.year]
    return rows


def _has_values(ctx: ReportContext, series: str, area: str, sex: str) -> bool:
    rows = _annual(ctx, series)
    return bool(((rows["area"] == area) & (rows["sex"] == sex)).any())


def _year_table(ctx: ReportContext, indicator: Any, area: str, comparisons: list[str]) -> Html:
    """Every year's value for the area (total, women, men) and the comparison areas."""
    language = ctx.language
    rows = _annual(ctx, ctx.fw.series_id(indicator.id))
    columns = [(area, "total")]
    if "sex" in indicator.breakdowns:
        columns += [(area, "women"), (area, "men")]
    columns += [(code, "total") for code in comparisons]
    wide = rows.pivot_table(
        index="period", columns=["area", "sex"], values="value", aggfunc="first"
    )
    columns = [c for c in columns if c in wide.columns]
    if not columns:
        return _el(
            "p",
            _say(language, "Inga värden finns i lagret.", "There are no values in the store."),
        )
    # Short headers keep the table within a page: the caption says whose women and men.
    headers = [_say(language, "År", "Year")] + [
        _area(code, language, start=True) if sex == "total" else SEX[language][sex]
        for code, sex in columns
    ]
    body = [
        _tr(
            period,
            [_value(wide.at[period, column], indicator.unit, language) for column in columns],
            numeric=range(len(columns)),
        )
        for period in sorted(wide.index)
    ]
    own = _area(area, language)
    caption = _say(
        language,
        f"{indicator.title} ({indicator.unit}) per år: {own} totalt och för kvinnor och män, "
        "och jämförelseområden",
        f"{indicator.title} ({indicator.unit}) by year: {own} in total and for women and men, "
        "and comparison areas",
    )
    return _table(caption, headers, body, cls="year-table")


def _gap_text(language: Language, period: str, women: float, men: float, unit: str) -> str:
    """The women/men gap at one period, and whether it is large by the stated rule."""
    relative = max(women, men) / min(women, men) - 1
    higher = SEX[language]["women" if women > men else "men"].lower()
    text = _say(
        language,
        f"{_period(period, language)} var värdet {_value(women, unit, language)} för kvinnor och "
        f"{_value(men, unit, language)} för män: {higher} låg {_share(relative, language)} "
        "högre.",
        f"In {_period(period, language)} the value was {_value(women, unit, language)} for "
        f"women and {_value(men, unit, language)} for men: {higher} were "
        f"{_share(relative, language)} higher.",
    )
    if relative > LARGE_GAP:
        text += " " + _large_gap_rule(language, large=True)
    return text


def _baseline_sexes(ctx: ReportContext, indicator: Any, area: str) -> Html:
    """Women and men on the area: the latest gap in words and the gap over time."""
    language = ctx.language
    if "sex" not in indicator.breakdowns:
        return Html()
    heading = _el("h3", _say(language, "Kvinnor och män", "Women and men"))
    series = ctx.fw.series_id(indicator.id)
    rows = _annual(ctx, series)
    rows = rows[rows["area"] == area]
    wide = rows.pivot_table(index="period", columns="sex", values="value", aggfunc="first")
    if not {"women", "men"} <= set(wide.columns):
        return _join(
            heading,
            _el(
                "p",
                _say(
                    language,
                    f"Det finns inga värden för kvinnor och män i {_area(area, language)}.",
                    f"There are no values for women and men in {_area(area, language)}.",
                ),
            ),
        )
    both = wide[["women", "men"]].dropna()
    both = both[(both > 0).all(axis=1)]
    sentence = (
        _gap_text(
            language, both.index[-1], both["women"].iloc[-1], both["men"].iloc[-1], indicator.unit
        )
        if len(both)
        else ""
    )
    chart = charts.gap_chart(ctx.fw, ctx.observations, indicator.id, area, language, ctx.as_of)
    return _join(heading, _el("p", sentence) if sentence else None, _chart(chart))


def _distribution_data(ctx: ReportContext, indicator: Any) -> tuple[pd.DataFrame, int | None, bool]:
    """Every municipality's total values, the latest year most of them have, and whether the
    offline snapshot filled in municipalities outside the collaboration.

    The store holds the collaboration's own municipalities only; for a Kolada indicator the
    snapshot supplies the rest of the country, and the report says so.
    """
    series = ctx.fw.series_id(indicator.id)
    everyone = [m.code for m in areas.municipalities()]
    rows = _annual(ctx, series)
    # Riket too: the chart draws it as a reference line.
    rows = rows[(rows["sex"] == "total") & rows["area"].isin([*everyone, areas.RIKET])]
    filled = False
    if isinstance(indicator, KoladaIndicator) and rows["area"].nunique() < len(everyone) / 2:
        request = ddf.SnapshotRequest(
            indicator=series, kpi=indicator.query.kpi, areas=everyone, sexes=("total",)
        )
        try:
            snapshot = ddf.read_snapshot([request], root=ctx.snapshot_dir).frame
        except ddf.SnapshotError:
            snapshot = rows.iloc[0:0]
        snapshot = snapshot[snapshot["value"].notna()]
        if ctx.year is not None:
            snapshot = snapshot[snapshot["period"].astype(int) <= ctx.year]
        known = set(zip(rows["area"], rows["period"], strict=True))
        extra = snapshot[
            [key not in known for key in zip(snapshot["area"], snapshot["period"], strict=True)]
        ]
        filled = not extra.empty
        rows = pd.concat([rows, extra], ignore_index=True)
    counts = rows[rows["area"] != areas.RIKET].groupby("period")["area"].nunique()
    covered = counts[counts >= len(everyone) / 2]
    year = int(covered.index.max()) if len(covered) else None
    return rows, year, filled


def _distribution_part(ctx: ReportContext, indicator: Any) -> Html:
    """The collaboration's municipalities among all the country's, at the latest year."""
    fw, language = ctx.fw, ctx.language
    heading = _el("h3", _say(language, "Landets kommuner", "All municipalities"))
    frame, year, filled = _distribution_data(ctx, indicator)
    if year is None:
        return _join(
            heading,
            _el(
                "p",
                _say(
                    language,
                    "Värden för landets kommuner finns inte för den här indikatorn.",
                    "Values for the country's municipalities are not available for this indicator.",
                ),
            ),
        )
    own = [m.code for m in _municipalities(fw.collaboration.area)]
    chart = charts.distribution_chart(fw, frame, indicator.id, year, own, language)
    in_year = frame[(frame["period"] == str(year)) & (frame["area"] != areas.RIKET)]
    values = in_year.set_index("area")["value"]
    lower_is_better = indicator.direction == "decrease"
    ranks = values.rank(ascending=lower_is_better, method="min")
    median = float(values.median())
    better = [
        c for c in own if c in values and (values[c] - median) * (-1 if lower_is_better else 1) > 0
    ]
    present = [c for c in own if c in values]
    unit = indicator.unit
    text = _say(
        language,
        f"{year} var medianen för landets {len(values)} kommuner "
        f"{_value(median, unit, language)}. {len(better)} av {len(present)} kommuner i "
        f"{_area(fw.collaboration.area, language)} hade ett bättre värde än medianen.",
        f"In {year} the median of the country's {len(values)} municipalities was "
        f"{_value(median, unit, language)}. {len(better)} of {len(present)} municipalities in "
        f"{_area(fw.collaboration.area, language)} had a better value than the median.",
    )
    if filled:
        when = _date(ddf.SNAPSHOT_RETRIEVED_AT.date(), language)
        text += " " + _say(
            language,
            f"Kommunerna utanför samverkan kommer från Kolada-utdraget ({when}), eftersom "
            "lagret bara har samverkans egna kommuner.",
            f"The municipalities outside the collaboration come from the Kolada snapshot "
            f"({when}), as the store holds only the collaboration's own municipalities.",
        )
    body = [
        _tr(
            _area(code, language),
            [_value(values[code], unit, language), f"{int(ranks[code])} / {len(values)}"],
            numeric=(0, 1),
        )
        for code in sorted(present, key=lambda c: ranks[c])
    ]
    headers = [
        _say(language, "Kommun", "Municipality"),
        _say(language, "Värde", "Value"),
        _say(language, "Plats (1 = bäst)", "Rank (1 = best)"),
    ]
    caption = _say(
        language,
        f"{indicator.title} {year}: kommunerna i {_area(fw.collaboration.area, language)}",
        f"{indicator.title} {year}: the municipalities in {_area(fw.collaboration.area, language)}",
    )
    return _join(heading, _chart(chart), _el("p", text), _table(caption, headers, body, "ranks"))
