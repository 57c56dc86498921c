"""Words for the analysis's codes (status, direction, ...), in Swedish (default) and English.

Status is never shown by colour alone: every code has words (and, in reports, an icon).
The words live in the message catalog (`messages/status.yaml`, `messages/reasons.yaml`);
the tables here read them, so `STATUS["sv"]["achieved"]` keeps working and honours a
collaboration's overrides (`collab_metrics.text.overrides`). Numbers, months, periods and
areas: `collab_metrics.text.format` only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from collab_metrics.analysis.codes import DIRECTIONS, STATUSES
from collab_metrics.text.catalog import LANGUAGES, Language, message

__all__ = [
    "ACTION_STATUS",
    "CHANCE",
    "CONSISTENCY",
    "DIRECTION",
    "JUDGEMENT",
    "SEX",
    "STATUS",
    "Language",
    "reason",
]


class Words(Mapping[str, dict[str, str]]):
    """A table language -> code -> words over the catalog keys `status.<prefix>_<code>`
    (the empty code is `<prefix>_none`), read afresh on each access."""

    def __init__(self, prefix: str, codes: tuple[str, ...]) -> None:
        self.prefix, self.codes = prefix, codes

    def __getitem__(self, language: str) -> dict[str, str]:
        if language not in LANGUAGES:
            raise KeyError(language)
        return {
            code: message(f"status.{self.prefix}_{code or 'none'}", language) for code in self.codes
        }

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


STATUS: Final = Words("status", (*STATUSES, ""))  # "": a goal without a target
DIRECTION: Final = Words("direction", DIRECTIONS)
CONSISTENCY: Final = Words("consistency", ("sufficient", "insufficient", "cannot_assess"))
# The chance of reaching a target, in words calibrated by the forecast backtest.
CHANCE: Final = Words("chance", ("likely", "unclear", "unlikely", ""))
SEX: Final = Words("sex", ("total", "women", "men"))
# The actors' own judgements and action statuses: words distinct from the status words.
JUDGEMENT: Final = Words("judgement", ("on_track", "partly", "not_on_track", "not_assessed"))
ACTION_STATUS: Final = Words("action", ("done", "started", "not_started", "delayed", "removed"))


def reason(code: str, language: Language, **values: object) -> str:
    """One reason code in words, e.g. reason("series_break", "sv", year=2015).

    Values are pasted as given; `collab_metrics.text.reasons` formats an analysis
    `Reason`'s parameters for the language first.
    """
    return message(f"reasons.{code}", language, **values)
