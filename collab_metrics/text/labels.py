"""Words and number formats for what users read, in Swedish (default) and English.

Status is never shown by colour alone: every code has words (and, in reports, an icon).
"""

from __future__ import annotations

import math
from typing import Final, Literal

Language = Literal["sv", "en"]

STATUS: Final[dict[str, dict[str, str]]] = {
    "sv": {
        "achieved": "Målet är nått",
        "achieved_late": "Målet nåddes för sent",
        "not_achieved": "Målet nåddes inte",
        "met_within_noise": "Målvärdet nått, men inom slumpvariationen",
        "on_track": "I fas",
        "acceleration_needed": "Framsteg men behöver öka takten",
        "limited_progress": "Begränsade framsteg",
        "moving_away": "Går åt fel håll",
        "cannot_assess": "Kan inte bedömas",
        "": "Inget mål (bara riktning)",
    },
    "en": {
        "achieved": "Target achieved",
        "achieved_late": "Target achieved late",
        "not_achieved": "Target not achieved",
        "met_within_noise": "Target value reached, within random variation",
        "on_track": "On track",
        "acceleration_needed": "Progress, but acceleration needed",
        "limited_progress": "Limited progress",
        "moving_away": "Moving away from the target",
        "cannot_assess": "Cannot assess",
        "": "No target (direction only)",
    },
}

DIRECTION: Final[dict[str, dict[str, str]]] = {
    "sv": {
        "improving": "Förbättras",
        "stable": "Oförändrat",
        "worsening": "Försämras",
        "cannot_assess": "Kan inte bedömas",
    },
    "en": {
        "improving": "Improving",
        "stable": "Stable",
        "worsening": "Worsening",
        "cannot_assess": "Cannot assess",
    },
}

CONSISTENCY: Final[dict[str, dict[str, str]]] = {
    "sv": {
        "sufficient": "Aktörernas egna mål räcker till det gemensamma målet",
        "insufficient": "Aktörernas egna mål räcker inte till det gemensamma målet",
        "cannot_assess": "Går inte att bedöma om aktörernas mål räcker",
    },
    "en": {
        "sufficient": "The actors' own targets add up to the shared target",
        "insufficient": "The actors' own targets fall short of the shared target",
        "cannot_assess": "Cannot tell whether the actors' targets add up",
    },
}

# The chance of reaching a target, in words calibrated by the forecast backtest
# (benchmarks/forecast.py): "likely" when the whole calibrated 80 % interval meets the
# target, "unlikely" when none of it does.
CHANCE: Final[dict[str, dict[str, str]]] = {
    "sv": {"likely": "troligt", "unclear": "oklart", "unlikely": "osannolikt", "": "–"},
    "en": {"likely": "likely", "unclear": "unclear", "unlikely": "unlikely", "": "–"},
}

SEX: Final[dict[str, dict[str, str]]] = {
    "sv": {"total": "Totalt", "women": "Kvinnor", "men": "Män"},
    "en": {"total": "Total", "women": "Women", "men": "Men"},
}

# The actors' own judgements and action statuses: words distinct from the statistical
# status words, so the two signals are never mistaken for each other.
JUDGEMENT: Final[dict[str, dict[str, str]]] = {
    "sv": {
        "on_track": "Målet bedöms nås",
        "partly": "Målet bedöms delvis nås",
        "not_on_track": "Målet bedöms inte nås",
        "not_assessed": "Ingen bedömning gjord",
    },
    "en": {
        "on_track": "Expects to reach the target",
        "partly": "Expects to partly reach the target",
        "not_on_track": "Does not expect to reach the target",
        "not_assessed": "Not assessed",
    },
}
ACTION_STATUS: Final[dict[str, dict[str, str]]] = {
    "sv": {
        "done": "Genomförd",
        "started": "Påbörjad",
        "not_started": "Ej påbörjad",
        "delayed": "Försenad",
        "removed": "Utgår",
    },
    "en": {
        "done": "Done",
        "started": "Started",
        "not_started": "Not started",
        "delayed": "Delayed",
        "removed": "Removed",
    },
}

MONTHS: Final[dict[str, tuple[str, ...]]] = {
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

THIN_SPACE: Final = "\u2009"


def number(value: float | None, language: Language, decimals: int = 1) -> str:
    """A number as readers expect it: "14,2" and "10 521 556" in Swedish, "14.2" in English.

    Missing values are shown as an en dash, never as "nan".
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if language == "sv":
        return text.replace(",", THIN_SPACE).replace(".", ",").replace("-", "−")
    return text


def percent(fraction: float | None, language: Language, decimals: int = 1) -> str:
    """A fraction as a percentage: -0.122 -> "−12,2 %" (sv, no-break space) or "-12.2%"."""
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return "–"
    shown = number(fraction * 100, language, decimals)
    return f"{shown}\u00a0%" if language == "sv" else f"{shown}%"


# Why a signal is missing or qualified. Placeholders: {year}, {first}, {note}.
REASONS: Final[dict[str, dict[str, str]]] = {
    "sv": {
        "no_data": "inga data för området",
        "baseline_missing": "utgångsvärde saknas (inget värde basåret eller de två åren efter)",
        "too_few_points": "färre än två mätpunkter: inget värde efter basåret ännu",
        "zero_baseline": "utgångsvärdet är noll, så förändringstakten går inte att beräkna",
        "sign_change": "serien byter tecken, så förändringstakten går inte att beräkna",
        "series_break": "tidsseriebrott {year} mellan basåret och senaste året",
        "possible_series_break": "möjligt tidsseriebrott {year}",
        "possible_break_precision": "möjligt tidsseriebrott {year}: värdena hade {before} "
        "decimaler före {year} och {now} från {year}, vilket jämförelseområdet inte hade",
        "possible_break_level": "möjligt tidsseriebrott {year}: värdet ändrades {change} "
        "enheter {start}–{year} medan jämförelseområdet ändrades {other}; skillnaden brukar "
        "variera med {typical} enheter",
        "assessed_from_break": "bedömt från tidsseriebrottet {year}, som nytt utgångsår",
        "no_sex_target": "inget mål för kvinnor och män; bara riktning",
        "no_target": "inget mål: bara riktning",
        "target_met": "målet nåddes {year}",
        "target_not_met": "målet nåddes inte {year}",
        "target_not_met_since": "målet nåddes inte {year} och inte heller senare",
        "first_met_later": "målet nåddes inte {year}; nåddes först {first}",
        "met_earlier": "målet nåddes {first} men inte {year}",
        "met_within_noise": "målvärdet nåddes {year}, men marginalen ryms inom slumpvariationen",
        "later_within_noise": "{first} nåddes målvärdet, men bara inom slumpvariationen",
        "latest_within_noise": "målvärdet är nått {year}, men marginalen ryms inom "
        "slumpvariationen",
        "target_year_missing": "inget värde för målåret {year}",
        "too_short_to_forecast": "för kort serie för prognos (färre än fem år med värden)",
        "too_short_since_break": "för kort serie för prognos (färre än fem år sedan "
        "tidsseriebrottet)",
        "too_little_history": "för kort historik för att kalibrera ett prognosintervall",
        "not_positive": "ingen prognos: alla värden är inte positiva",
        "within_noise": "förändringen ryms inom slumpvariationen",
        "method": "metod: {note}",
        "no_actor_goals": "inget aktörsmål med målvärde på den här indikatorn för en kommun "
        "i {area}",
        "no_shared_baseline": "inget värde ({sex}) för {area} basåret {year}",
        "zero_shared_baseline": "det gemensamma utgångsvärdet är 0, så en relativ förändring "
        "går inte att beräkna",
        "areas_without_baseline": "inget värde ({sex}) {year} för {areas}",
        "areas_without_target": "inget målvärde (aktörsmålets utgångsvärde saknas) för {areas}",
        "areas_without_latest": "inget observerat värde ({sex}) till och med {year} för {areas}",
        "areas_without_population": "ingen befolkning för {areas}",
    },
    "en": {
        "no_data": "no data for the area",
        "baseline_missing": "baseline missing: no value in the baseline year or the two after",
        "too_few_points": "fewer than 2 points: nothing after the baseline yet",
        "zero_baseline": "the baseline value is zero, so a rate of change is undefined",
        "sign_change": "the series changes sign, so a rate of change is undefined",
        "series_break": "a series break in {year} lies between baseline and latest",
        "possible_series_break": "possible series break in {year}",
        "possible_break_precision": "possible series break in {year}: the values had "
        "{before} decimals before {year} and {now} from {year}, unlike the comparison area",
        "possible_break_level": "possible series break in {year}: the value changed by "
        "{change} units in {start}–{year} while the comparison area changed by {other}; the "
        "difference usually varies by {typical} units",
        "assessed_from_break": "assessed from the series break in {year}, as the new baseline year",
        "no_sex_target": "no target for women and men; direction only",
        "no_target": "no target: direction only",
        "target_met": "target met in {year}",
        "target_not_met": "target not met in {year}",
        "target_not_met_since": "target not met in {year} nor since",
        "first_met_later": "target not met in {year}; first met in {first}",
        "met_earlier": "target met in {first} but not in {year}",
        "met_within_noise": "the target value was reached in {year}, but by a margin within "
        "random variation",
        "later_within_noise": "in {first} the target value was reached, but only within random "
        "variation",
        "latest_within_noise": "the target value is reached in {year}, but by a margin within "
        "random variation",
        "target_year_missing": "no value for the target year {year}",
        "too_short_to_forecast": "too short to forecast (fewer than 5 years with values)",
        "too_short_since_break": "too short to forecast (fewer than 5 years since the series "
        "break)",
        "too_little_history": "too little history to calibrate a forecast interval",
        "not_positive": "no forecast: values are not all positive",
        "within_noise": "the change is within random variation",
        "method": "method: {note}",
        "no_actor_goals": "no actor goal with a target on this indicator for a municipality "
        "in {area}",
        "no_shared_baseline": "no value ({sex}) for {area} in the baseline year {year}",
        "zero_shared_baseline": "the shared baseline is 0, so a relative change is undefined",
        "areas_without_baseline": "no value ({sex}) in {year} for {areas}",
        "areas_without_target": "no target value (the actor goal's baseline has no value) "
        "for {areas}",
        "areas_without_latest": "no observed value ({sex}) up to {year} for {areas}",
        "areas_without_population": "no population for {areas}",
    },
}


def reason(code: str, language: Language, **values: object) -> str:
    """One reason in words, e.g. reason("series_break", "sv", year=2015)."""
    return REASONS[language][code].format(**values)
