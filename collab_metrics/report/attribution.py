"""The sources part of the joint report: per indicator its source, definition and data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collab_metrics.model.framework import (
    FileIndicator,
    KoladaIndicator,
    PxWebIndicator,
)
from collab_metrics.report.context import ReportContext
from collab_metrics.report.markup import Html
from collab_metrics.report.shared import kolada_description, kpi_metadata
from collab_metrics.report.templating import render
from collab_metrics.report.title import framework_text, source_name, vintage_text
from collab_metrics.report.views import MANY
from collab_metrics.report.wording import listing, quote
from collab_metrics.sources import coverage
from collab_metrics.sources.pxweb import SCB_URL
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import message
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
        else message("appendix.an_actor", language)
    )
    column = quote(query.columns.value, language)
    where = "; ".join(f"{key} = {value}" for key, value in query.filters.items())
    details = {
        "title": indicator.title,
        "unit": indicator.unit,
        "column": column,
        "file": Path(query.path).name,
        "who": who,
    }
    read = (
        message("appendix.file_measure_where", language, where=where, **details)
        if where
        else message("appendix.file_measure", language, **details)
    )
    return f"{indicator.description.strip()} ({read})" if indicator.description else read


def indicator_definition(ctx: ReportContext, indicator: Any) -> str | None:
    """Kolada's description of a KPI, the framework's of an actor's own measure, or the
    framework's description of any other indicator; None when there is none."""
    metadata = kpi_metadata(ctx, indicator)
    if metadata is not None:
        return kolada_description(metadata)
    if isinstance(indicator, FileIndicator):
        return _file_definition(ctx, indicator)
    return indicator.description


def _area_names(codes: Sequence[str] | None, language: Language) -> str:
    if not codes:
        return message("appendix.all_areas", language)
    return listing([fmt.area_name(code, language, in_sentence=True) for code in codes], language)


@dataclass(frozen=True)
class IndicatorSource:
    """One indicator in the sources part: its title, source line and labelled facts."""

    title: str
    attribution: str
    facts: list[tuple[str, str]]


@dataclass(frozen=True)
class SourcesView:
    """The sources part: where every value comes from, and each indicator's source."""

    title: str
    store_note: str
    indicators: list[IndicatorSource]


def sources_view(ctx: ReportContext) -> SourcesView:
    """Per indicator: source, id, producing agency, definition, data used, notes, breaks."""
    fw, language = ctx.fw, ctx.language
    indicators = []
    for indicator in fw.indicators:
        series = fw.series_id(indicator.id)
        facts: list[tuple[str, str]] = []
        metadata = kpi_metadata(ctx, indicator)
        if metadata is not None:
            facts.append((message("appendix.fact_kolada_title", language), metadata["title"]))
        definition = indicator_definition(ctx, indicator)
        if definition:
            facts.append((message("appendix.fact_definition", language), definition))
        facts.append((message("appendix.fact_unit", language), indicator.unit))
        facts.append((message("appendix.fact_used_for", language), _uses(ctx, indicator.id)))
        facts.append((message("appendix.fact_data", language), _series_vintage(ctx, series)))
        gaps = coverage.gaps_in(ctx.observations, series)
        if gaps:
            facts.append((message("appendix.fact_gaps", language), _coverage_gaps(gaps, language)))
        for note in indicator.method_notes:
            facts.append(
                (
                    message("appendix.fact_method", language),
                    f"{note.note} ({_area_names(note.areas, language)})",
                )
            )
        for series_break in indicator.series_breaks:
            facts.append(
                (
                    message("appendix.fact_series_break", language),
                    f"{series_break.year}: {series_break.note} "
                    f"({_area_names(series_break.areas, language)})",
                )
            )
        indicators.append(IndicatorSource(indicator.title, source_line(ctx, indicator), facts))
    store_note = message(
        "appendix.store_note",
        language,
        vintage=vintage_text(ctx),
        fetch=ctx.vintage.get("last_fetch_id"),
        framework=framework_text(ctx),
    )
    return SourcesView(message("appendix.sources_title", language), store_note, indicators)


def sources(ctx: ReportContext) -> Html:
    """The sources part of the joint report (`parts/sources.html.j2`)."""
    return render("parts/sources.html.j2", sources_view(ctx), ctx.templates)


def source_line(ctx: ReportContext, indicator: Any) -> str:
    """ "Källa: Kolada (RKA), nyckeltal N03921; framtaget av Arbetsförmedlingen och SCB"."""
    language = ctx.language
    lead = message("appendix.source_lead", language)
    if isinstance(indicator, KoladaIndicator):
        text = message("appendix.source_kolada", language, lead=lead, kpi=indicator.query.kpi)
        metadata = kpi_metadata(ctx, indicator)
        if metadata is not None and metadata["agency"]:
            text += message("appendix.source_agency", language, agency=metadata["agency"])
        return text
    if isinstance(indicator, PxWebIndicator):
        query = indicator.query
        url = query.url or ctx.fw.pxweb_url
        host = "SCB" if url == SCB_URL else url
        if query.earlier_tables:  # stitched: say so, and where a break may be
            tables = ", ".join([*query.earlier_tables, query.table])
            return message(
                "appendix.source_pxweb_stitched", language, lead=lead, host=host, tables=tables
            )
        return message("appendix.source_pxweb", language, lead=lead, host=host, table=query.table)
    assert isinstance(indicator, FileIndicator)
    who = (
        ctx.fw.actor(indicator.reported_by).name
        if indicator.reported_by
        else message("appendix.an_actor", language)
    )
    file_name = Path(indicator.query.path).name
    return message("appendix.source_own_file", language, lead=lead, who=who, file_name=file_name)


def _uses(ctx: ReportContext, indicator_id: str) -> str:
    fw, language = ctx.fw, ctx.language
    shared = [g for g in fw.shared_goals if g.indicator == indicator_id]
    own = [g for g in fw.actor_goals if g.indicator == indicator_id]
    many = len(own) > MANY  # a national programme's 290 goals are counted, not quoted
    uses = [
        message("appendix.used_for_goal", language, goal=quote(g.title, language))
        for g in (shared if many else [*shared, *own])
    ]
    if many:
        uses.append(message("appendix.used_for_actor_goals", language, n=len(own)))
    uses += [
        message("appendix.used_for_context", language, goal=quote(g.title, language))
        for g in fw.shared_goals
        if indicator_id in g.context_indicators
    ]
    if any(i.population_base == indicator_id for i in fw.indicators):
        uses.append(message("appendix.used_as_population_base", language))
    return "; ".join(uses) or "–"


def _coverage_gaps(gaps: list[coverage.Gap], language: Language) -> str:
    """ "Riket, kvinnor: saknar 2010, 2011" for each area and sex the source left short."""
    lacks = message("appendix.gap_lacks", language)
    return "; ".join(
        f"{fmt.area_name(gap.area, language, in_sentence=True)}, "
        f"{SEX[language][gap.sex].lower()}: {lacks} "
        + ", ".join(fmt.period(p, language) for p in gap.missing)
        for gap in gaps
    )


def _series_vintage(ctx: ReportContext, series: str) -> str:
    """Which source the series' current values come from, when retrieved, which periods."""
    language = ctx.language
    rows = ctx.observations[
        (ctx.observations["indicator"] == series) & ctx.observations["value"].notna()
    ]
    if rows.empty:
        return message("appendix.no_values_in_store", language)
    parts = []
    for source, group in rows.groupby("source"):
        when = fmt.date(group["retrieved_at"].max().date(), language)
        first, last = group["period"].min(), group["period"].max()
        name = source_name(ctx, str(source))
        parts.append(
            message(
                "appendix.series_vintage",
                language,
                name=name,
                when=when,
                first=fmt.period(first, language),
                last=fmt.period(last, language),
            )
        )
    return "; ".join(parts)
