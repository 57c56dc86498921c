"""The title page of the joint follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from collab_metrics.report import shared
from collab_metrics.report.context import (
    ReportContext,
)
from collab_metrics.report.markup import Html
from collab_metrics.report.templating import render
from collab_metrics.report.views import MANY
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import message


@dataclass(frozen=True)
class Fact:
    """One line of the title page's facts: a term and its text, or a list of items."""

    term: str
    text: str = ""
    items: tuple[str, ...] | None = None

    @property
    def many(self) -> bool:
        """A long list (a national collaboration's 290 actors) is set in columns."""
        return self.items is not None and len(self.items) > MANY


@dataclass(frozen=True)
class TitlePage:
    """The title page's view model: every value formatted for the report's language."""

    kicker: str
    name: str
    period: str
    date: str
    description: str | None
    facts: tuple[Fact, ...]


def title_page(ctx: ReportContext) -> Html:
    """Collaboration, kind of report, follow-up year, date, owner, actors and data used."""
    return render("parts/title_page.html.j2", title_page_view(ctx), ctx.templates)


def title_page_view(ctx: ReportContext) -> TitlePage:
    """The title page's words and values."""
    fw, language = ctx.fw, ctx.language
    collaboration = fw.collaboration
    year = ctx.year
    named = shared.follow_up_period(ctx.period, language) if ctx.period else year
    period = (
        message("report.follow_up_with_statistics", language, named=named, year=year)
        if year
        else message("report.follow_up_no_statistics", language)
    )
    facts = (
        Fact(message("report.follow_up_owner", language), collaboration.owner),
        Fact(message("report.area", language), fmt.area_name(collaboration.area, language)),
        Fact(message("report.actors", language), items=tuple(a.name for a in fw.actors)),
        *_governance_facts(ctx),
        Fact(message("report.data", language), vintage_text(ctx)),
        Fact(message("report.goal_framework", language), framework_text(ctx)),
    )
    return TitlePage(
        kicker=message("report.joint_follow_up", language),
        name=collaboration.name,
        period=period,
        date=fmt.date(ctx.report_date, language),
        description=collaboration.description or None,
        facts=facts,
    )


def _governance_facts(ctx: ReportContext) -> tuple[Fact, ...]:
    """Chair, coordinating actor, decision path, agreement period and review date, as given."""
    governance, language = ctx.fw.governance, ctx.language
    if governance is None:
        return ()
    coordinating = governance.coordinating_actor
    texts = {
        "chair": governance.chair,
        "coordinating_actor": ctx.fw.actor(coordinating).name if coordinating else None,
        "decision_path": governance.decision_path,
        "agreement_period": governance.agreement_period,
        "review_date": fmt.date(governance.review_date, language)
        if governance.review_date
        else None,
    }
    return tuple(
        Fact(message(f"resources.governance_{key}", language), text)
        for key, text in texts.items()
        if text
    )


def source_name(ctx: ReportContext, source: str) -> str:
    """A source's name as the formatters write it (a PxWeb host of the framework's)."""
    return fmt.source_name(source, ctx.language, ctx.fw.pxweb_url)


def vintage_text(ctx: ReportContext) -> str:
    """Which sources the report's data comes from and when each was last retrieved."""
    language = ctx.language
    parts = []
    for source, info in ctx.vintage.get("sources", {}).items():
        if not info.get("observations"):
            continue
        when = fmt.date(datetime.fromisoformat(info["last_fetch_at"]).date(), language)
        name = source_name(ctx, source)
        parts.append(message("report.source_retrieved", language, name=name, when=when))
    if not parts:
        return message("report.no_data_retrieved_yet", language)
    return "; ".join(parts)


def framework_text(ctx: ReportContext) -> str:
    """The framework file and the start of its hash: which version of the goals was used."""
    name = ctx.fw.path.name if ctx.fw.path else ctx.fw.collaboration.id
    return message("report.framework_version", ctx.language, name=name, hash=ctx.fw.sha256[:12])
