"""The title page of the joint follow-up."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from collab_metrics.report.context import (
    ReportContext,
)
from collab_metrics.report.markup import (
    Html,
    _el,
)
from collab_metrics.report.wording import (
    _area,
    _date,
    _say,
)
from collab_metrics.sources.pxweb import SCB_URL

SOURCE_NAMES: Final = {
    "sv": {
        "kolada": "Kolada (RKA)",
        "ddf": "Kolada (RKA), offlineutdrag",
        "file": "aktörernas egna filer",
    },
    "en": {
        "kolada": "Kolada (RKA)",
        "ddf": "Kolada (RKA), offline snapshot",
        "file": "the actors' own files",
    },
}


def title_page(ctx: ReportContext) -> Html:
    """Collaboration, kind of report, follow-up year, date, owner, actors and data used."""
    # Defined in the other half of sections.py until that moves too; a late import, as
    # sections imports this module.
    from collab_metrics.report import sections

    fw, language = ctx.fw, ctx.language
    collaboration = fw.collaboration
    year = ctx.year
    named = sections._follow_up_period(ctx.period, language) if ctx.period else year
    period = (
        _say(
            language,
            f"Uppföljning {named}, med statistik till och med {year}",
            f"Follow-up {named}, with statistics up to {year}",
        )
        if year
        else _say(language, "Uppföljning, ännu utan statistik", "Follow-up, no statistics yet")
    )
    facts = [
        (_say(language, "Ansvarig för uppföljningen", "Follow-up owner"), collaboration.owner),
        (_say(language, "Område", "Area"), _area(collaboration.area, language, start=True)),
        (
            _say(language, "Aktörer", "Actors"),
            _el("ul", [_el("li", a.name) for a in fw.actors], cls="actors"),
        ),
        (_say(language, "Data", "Data"), _vintage_text(ctx)),
        (_say(language, "Målramverk", "Goal framework"), _framework_text(ctx)),
    ]
    return _el(
        "section",
        _el("p", _say(language, "Gemensam uppföljning", "Joint follow-up"), cls="kicker"),
        _el("h1", collaboration.name),
        _el("p", period, cls="report-period"),
        _el("p", _date(ctx.report_date, language), cls="report-date"),
        _el("p", collaboration.description, cls="description")
        if collaboration.description
        else None,
        _el("dl", [(_el("dt", term), _el("dd", value)) for term, value in facts], cls="facts"),
        cls="title-page",
    )


def _source_name(ctx: ReportContext, source: str) -> str:
    if source == "pxweb":
        return "SCB" if ctx.fw.pxweb_url == SCB_URL else f"PxWeb ({ctx.fw.pxweb_url})"
    return SOURCE_NAMES[ctx.language].get(source, source)


def _vintage_text(ctx: ReportContext) -> str:
    """Which sources the report's data comes from and when each was last retrieved."""
    language = ctx.language
    parts = []
    for source, info in ctx.vintage.get("sources", {}).items():
        if not info.get("observations"):
            continue
        when = _date(datetime.fromisoformat(info["last_fetch_at"]).date(), language)
        name = _source_name(ctx, source)
        parts.append(_say(language, f"{name}, hämtat {when}", f"{name}, retrieved {when}"))
    if not parts:
        return _say(language, "inga data hämtade ännu", "no data retrieved yet")
    return "; ".join(parts)


def _framework_text(ctx: ReportContext) -> str:
    name = ctx.fw.path.name if ctx.fw.path else ctx.fw.collaboration.id
    return f"{name}, version {ctx.fw.sha256[:12]}"
