"""Helpers several report parts share: follow-up period words, Kolada's own metadata and
definitions, the women/men gap sentence, and the role words of actor goals."""

from __future__ import annotations

import re
from typing import Any, Final

from collab_metrics.model.framework import KoladaIndicator
from collab_metrics.report.actor_goals import ROLES
from collab_metrics.report.context import ReportContext
from collab_metrics.report.questions import LARGE_GAP, large_gap_rule
from collab_metrics.sources import ddf
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import LANGUAGES, message
from collab_metrics.text.labels import SEX, Language

# What changed lists at most this many revised values; the rest are counted.
MAX_REVISIONS: Final = 20

# The words of actor goals not added up, for the actor extract (it formats them itself).
ROLE_WORDS: Final = {
    language: {role: message(f"report.role_{role}", language) for role in ROLES}
    for language in LANGUAGES
}

# Where a Kolada description names its source ("Källa: ...", sometimes without the colon).
_SOURCE_MARK: Final = re.compile(r"\s*\bKälla\b:?\s*")


def follow_up_period(period: str, language: Language) -> str:
    """A follow-up period in words: 2024, första halvåret 2024, kvartal 3 2024, maj 2024."""
    year_text, _, part = period.partition("-")
    if part.startswith("h"):
        return message(f"appendix.half_year_{part}", language, year=year_text)
    if part.startswith("q"):
        return message("appendix.quarter", language, quarter=part[1], year=year_text)
    return fmt.period(period, language)


def kpi_metadata(ctx: ReportContext, indicator: Any) -> ddf.KpiMetadata | None:
    """Kolada's own title, description and producing agency, when the snapshot has them."""
    if not isinstance(indicator, KoladaIndicator):
        return None
    try:
        return ddf.kpi_metadata(indicator.query.kpi, root=ctx.snapshot_dir)
    except ddf.SnapshotError:
        return None


def kolada_description(metadata: ddf.KpiMetadata) -> str:
    """Kolada's description without its closing "Källa: ...", which the source line gives."""
    return _SOURCE_MARK.split(metadata["description"])[0].strip()


def gap_text(language: Language, period: str, women: float, men: float, unit: str) -> str:
    """The women/men gap at one period, and whether it is large by the stated rule."""
    relative = max(women, men) / min(women, men) - 1
    higher = SEX[language]["women" if women > men else "men"].lower()
    text = message(
        "extract.sex_gap",
        language,
        period=fmt.period(period, language),
        women=fmt.value_with_unit(women, unit, language),
        men=fmt.value_with_unit(men, unit, language),
        higher=higher,
        share=fmt.share(relative, language),
    )
    if relative > LARGE_GAP:
        text += " " + large_gap_rule(language, large=True)
    return text
