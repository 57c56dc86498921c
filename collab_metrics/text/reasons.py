"""The analysis's reason codes in words (`messages/reasons.yaml`), in Swedish or English.

The analysis says why with `Reason(code, params)`; here each becomes one phrase of the
catalog, its parameters formatted for the language (numbers with a decimal comma, area
codes as names, sex codes as words), and a row's phrases are joined with "; ".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pandas as pd

from collab_metrics.analysis.contributions import Consistency
from collab_metrics.analysis.reasons import Reason
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import Language, message

_NUMBERS = frozenset({"change", "other", "typical"})


def phrase(reason: Reason, language: Language) -> str:
    """One reason in words, e.g. "målet nåddes inte 2017"."""
    return message(f"reasons.{reason.code}", language, **_words(reason.params, language))


def sentence(reasons: Iterable[Reason], language: Language) -> str:
    """A row's reasons in words, joined with "; " ("" when there are none)."""
    return "; ".join(phrase(r, language) for r in reasons)


def in_words(result: pd.DataFrame, language: Language) -> pd.DataFrame:
    """The assessed frame with `reason`: its `reasons` in words, after `reason_code`."""
    out = result.copy()
    out["reason"] = [sentence(r, language) for r in out["reasons"]] if len(out) else []
    return out


def consistency_in_words(check: Consistency, language: Language) -> Consistency:
    """The consistency check with `reason` and `note`: its `reasons` and `notes` in words."""
    return replace(
        check, reason=sentence(check.reasons, language), note=sentence(check.notes, language)
    )


def _words(params: dict[str, Any] | Any, language: Language) -> dict[str, str]:
    words = {}
    for name, value in params.items():
        if value is None:
            words[name] = ""
        elif name in _NUMBERS:
            words[name] = fmt.number(value, language, 1)
        elif name == "area":
            words[name] = fmt.area_name(value)
        elif name == "areas":
            words[name] = ", ".join(fmt.area_name(code) for code in value)
        elif name == "sex":
            words[name] = fmt.sex(value, language).lower()
        else:
            words[name] = str(value)
    return words
