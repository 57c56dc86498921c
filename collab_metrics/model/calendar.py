"""Month names: knowledge of the calendar that reading actors' files needs.

Swedish actors' files write months as names ("januari", "september"); a source parses them
with these names. The text layer writes months for readers with the same names.
"""

from __future__ import annotations

from typing import Final

MONTH_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "sv": (
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def month_number(name: str, language: str = "sv") -> int | None:
    """The number (1-12) of a month name in `language`, compared case-insensitively."""
    names = [month.casefold() for month in MONTH_NAMES[language]]
    folded = name.casefold()
    return names.index(folded) + 1 if folded in names else None
