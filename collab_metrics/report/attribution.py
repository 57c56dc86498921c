"""The sources part of the joint report: per indicator its source, definition and data."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from collab_metrics.model.framework import (
    FileIndicator,
    KoladaIndicator,
    PxWebIndicator,
)
from collab_metrics.pipeline import coverage
from collab_metrics.report.sections import (
    Content,
    Html,
    ReportContext,
    _area,
    _date,
    _definition,
    _el,
    _framework_text,
    _kpi_metadata,
    _listing,
    _period,
    _quote,
    _say,
    _source_name,
    _vintage_text,
)
from collab_metrics.sources.pxweb import SCB_URL
from collab_metrics.text.labels import (
    SEX,
    Language,
)


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
