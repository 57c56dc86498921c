"""Why a signal is missing or qualified, as stable codes with parameters (never words).

The analysis says *why* with a `Reason`: a code from `CODES` and the values its sentence
needs (years, numbers, area and sex codes). The text layer (`collab_metrics.text.reasons`)
turns them into words in Swedish or English; `collab status` writes the codes beside the
words, so a machine reads the code and a person the sentence. The codes and their
parameters are documented in the README ("Assessing the goals") and are stable: a new
reason gets a new code, an old code keeps its meaning.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

# Every reason code and the names of its parameters.
CODES: Final[dict[str, tuple[str, ...]]] = {
    # why the status cannot be assessed (the assessed frame's `reason_code`)
    "no_data": (),
    "baseline_missing": (),
    "too_few_points": (),
    "overlapping_windows": (),
    "zero_baseline": (),
    "sign_change": (),
    "series_break": ("year",),
    "possible_break_precision": ("year", "before", "now"),
    "possible_break_level": ("year", "start", "change", "other", "typical"),
    "possible_break_table": ("year", "earlier", "table"),
    "target_year_missing": ("year",),
    # how the status was reached or qualified
    "assessed_from_break": ("year",),
    "no_sex_target": (),
    "no_target": (),
    "target_met": ("year",),
    "target_not_met": ("year",),
    "target_not_met_since": ("year",),
    "first_met_later": ("year", "first"),
    "met_earlier": ("year", "first"),
    "met_within_noise": ("year",),
    "later_within_noise": ("first",),
    "latest_within_noise": ("year",),
    "method": ("note",),
    # the forecast
    "too_short_to_forecast": (),
    "too_short_since_break": (),
    "too_little_history": (),
    "not_positive": (),
    # noise
    "within_noise": (),
    # consistency of the actors' targets with the shared target
    "no_actor_goals": ("area",),
    "no_shared_baseline": ("sex", "area", "year"),
    "zero_shared_baseline": (),
    "zero_aggregated_baseline": (),
    "areas_without_baseline": ("sex", "year", "areas"),
    "areas_without_target": ("areas",),
    "areas_without_latest": ("sex", "year", "areas"),
    "areas_without_population": ("areas",),
    # notes on how consistency was weighed (the check's `notes`; the verdict stands)
    "total_population_used": ("sex",),
    "no_population": ("year",),
    "population_of_other_year": ("used", "year"),
    "actor_target_year_differs": ("goal", "target_year", "year"),
}

# The frame's `reason_code` is "possible_series_break" when a break found in the data (not
# declared) stops the status; its reason is `possible_break_precision` or `_level`.
POSSIBLE_BREAK: Final = "possible_series_break"


@dataclass(frozen=True)
class Reason:
    """One reason: a code of `CODES` and its parameters (years, numbers, area/sex codes)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        expected = CODES.get(self.code)
        if expected is None or set(expected) != set(self.params):
            raise ValueError(f"reason {self.code!r} with parameters {sorted(self.params)}")

    def as_dict(self) -> dict[str, Any]:
        """The code and its parameters as plain JSON values: {"code": ..., "year": 2017}."""
        return {"code": self.code, **{k: _plain(v) for k, v in self.params.items()}}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _year(value: float) -> int | None:
    return None if value is None or math.isnan(value) else int(value)


def status_reasons(
    panel: Any, note: str, has_target: bool, method_notes: list[str]
) -> tuple[Reason, ...]:
    """The reasons behind one assessed row, in the order a reader is told them.

    `panel` is the row of the assessed frame (reason_code, break and verdict columns),
    `note` the row's own code ("no_sex_target" or ""), `method_notes` the framework's
    method notes that apply to the row's area.
    """
    parts: list[Reason] = []
    code = panel.reason_code
    if code == POSSIBLE_BREAK:
        parts.append(_possible_break(panel))
    elif code == "series_break":
        parts.append(Reason(code, {"year": _year(panel.break_year)}))
    elif code == "target_year_missing":
        parts.append(Reason(code, {"year": _year(panel.target_year)}))
    elif code:
        parts.append(Reason(code))
    if panel.rebased:
        parts.append(Reason("assessed_from_break", {"year": _year(panel.break_year)}))
    if note:
        parts.append(Reason(note))
    elif not has_target:
        parts.append(Reason("no_target"))
    parts += [Reason("method", {"note": text}) for text in method_notes]
    parts += _verdict_reasons(panel)
    if panel.forecast_note:
        parts.append(Reason(panel.forecast_note))
    if panel.significant is False:
        parts.append(Reason("within_noise"))
    return tuple(parts)


def main_code(reason_code: str, reasons: tuple[Reason, ...]) -> str:
    """The one code that explains the status: why it cannot be assessed, else how the
    target year's verdict (or a within-noise latest value) came about, else "no target"."""
    if reason_code:
        return reason_code
    for reason in reasons:
        if reason.code in _VERDICT_CODES:
            return reason.code
    for reason in reasons:
        if reason.code in ("no_target", "no_sex_target"):
            return reason.code
    return ""


_VERDICT_CODES: Final = frozenset(
    {
        "target_met",
        "target_not_met",
        "target_not_met_since",
        "first_met_later",
        "met_earlier",
        "met_within_noise",
        "latest_within_noise",
    }
)


def _possible_break(panel: Any) -> Reason:
    """A break found in the data, with its evidence."""
    evidence, year = panel.break_evidence, int(panel.break_candidate_year)
    if panel.break_kind == "table_seam":
        return Reason(
            "possible_break_table",
            {"year": year, "earlier": evidence["earlier_table"], "table": evidence["table"]},
        )
    if panel.break_kind == "precision":
        return Reason(
            "possible_break_precision",
            {"year": year, "before": evidence["decimals_before"], "now": evidence["decimals_from"]},
        )
    return Reason(
        "possible_break_level",
        {
            "year": year,
            "start": evidence["from_year"],
            "change": float(evidence["change"]),
            "other": float(evidence["comparison_change"]),
            "typical": float(evidence["typical"]),
        },
    )


def _verdict_reasons(panel: Any) -> list[Reason]:
    """When the target was met, beyond or within random variation."""
    status = panel.status
    late, within = panel.achieved_year, panel.within_noise_year
    if not panel.target_passed:
        if status == "met_within_noise":
            return [Reason("latest_within_noise", {"year": int(panel.latest_year)})]
        return []
    year = int(panel.target_year)
    if status == "achieved":
        return [Reason("target_met", {"year": year})]
    if status == "achieved_late":
        return [Reason("first_met_later", {"year": year, "first": int(late)})]
    if status == "met_within_noise":
        return [Reason("met_within_noise", {"year": year})]
    if status != "not_achieved":
        return []
    code = "target_not_met_since" if panel.latest_year > year else "target_not_met"
    parts = [Reason(code, {"year": year})]
    if not math.isnan(within):
        parts.append(Reason("later_within_noise", {"first": int(within)}))
    elif not math.isnan(panel.first_met_year) and panel.first_met_year < year:
        parts = [Reason("met_earlier", {"year": year, "first": int(panel.first_met_year)})]
    return parts
