"""Words of the report's sentences: quotes, listings, whom a statement concerns.

Numbers, values with units, periods, dates and area names: `collab_metrics.text.format`.
"""

from __future__ import annotations

from collections.abc import Sequence

from collab_metrics.text.catalog import message
from collab_metrics.text.labels import (
    Language,
)


def quote(text: str, language: Language) -> str:
    """A title in the language's quotation marks: ”...” / “...”."""
    return f"”{text}”" if language == "sv" else f"“{text}”"


def listing(items: Sequence[str], language: Language) -> str:
    """a, b och c / a, b and c."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {message('report.and', language)} {items[-1]}"


def sex_phrase(sex: str, language: Language) -> str:
    """ "för kvinnor och män tillsammans" / "för kvinnor" / "för män"."""
    return {
        "total": message("report.for_women_and_men_together", language),
        "women": message("report.for_women", language),
        "men": message("report.for_men", language),
    }[sex]


def capitalised(text: str) -> str:
    """The text with a capital first letter, as a sentence starts."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """A title inside a sentence: "Ohälsotal" -> "ohälsotal", but "NEET-andel" as is."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def whom(sexes: Sequence[str], language: Language, bare: bool = False) -> str:
    """Whom a statement concerns: nothing for the total alone, else "för kvinnor", or
    "(totalt och för män)". `bare` names the total too ("totalt"), for lists of figures."""
    words = {
        "total": message("report.in_total", language),
        "women": message("report.for_women", language),
        "men": message("report.for_men", language),
    }
    if list(sexes) == ["total"] and not bare:
        return ""
    named = listing([words[sex] for sex in sexes], language)
    return f" ({named})" if "total" in sexes and not bare else f" {named}"


def title_in_sentence(title: str, language: Language) -> str:
    """A title inside a running sentence: Swedish writes it in lower case, English keeps it."""
    return lower_first(title) if language == "sv" else title
