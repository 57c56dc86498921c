"""The blocks of a framework file: collaboration, actors, indicators, goals, assessments.

Each YAML block is a pydantic model that refuses unknown keys and remembers the keys it
knows (for "did you mean ...?"). `framework.Framework` puts them together; the query
models each indicator carries live in `queries`.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from collab_metrics.model import areas, limits
from collab_metrics.model.queries import KOLADA_URL, SCB_URL, FileQuery, KoladaQuery, PxWebQuery

Sex = Literal["total", "women", "men"]


class Block(BaseModel):
    """Base for every YAML block: unknown keys are errors, and we remember which keys exist.

    The known keys are recorded in the validation context so that an unknown key can be
    answered with "did you mean ...?" for exactly the block it was written in.
    """

    # Finite numbers only: `.inf` or `.nan` would pass every comparison and break status.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _remember_keys(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and isinstance(info.context, dict):
            info.context.setdefault("known_keys", {})[id(data)] = list(cls.model_fields)
        return data

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        """Text may not hold control characters: `validate` echoes it to a terminal."""
        if isinstance(value, str):
            check_printable(value)
        return value


def check_printable(text: str) -> None:
    """Raise ValueError naming the first control character (tab and newlines are text)."""
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in "\t\n\r":
            raise ValueError(
                f"contains the control character U+{ord(char):04X}"
                f"{' (a terminal escape)' if char == chr(27) else ''}; remove it"
            )


def check_year(year: int, what: str) -> None:
    low, high = limits.YEAR_RANGE
    if not low <= year <= high:
        raise ValueError(f"{what} {year} lies outside {low}-{high}; is it a typo?")


def _period_as_text(value: Any) -> Any:
    """A period written as a bare year in YAML (2024) is the text '2024'."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _period_starts_with_year(value: str) -> str:
    year = value[:4]
    if not (year.isascii() and year.isdigit()):
        raise ValueError(f"period {value!r} must start with a year in the digits 0-9")
    check_year(int(year), "the period's year")
    return value


# A follow-up period as the framework writes it: "2024", "2024-h1"; a bare year is text.
PeriodText = Annotated[
    str, BeforeValidator(_period_as_text), AfterValidator(_period_starts_with_year)
]


def _area_code(value: Any) -> str:
    """Accept a Kolada area code ("0010", "1082"; an unquoted 1082 too) that is known."""
    text = str(value).strip() if isinstance(value, str | int) else None
    if text is None or isinstance(value, bool):
        raise ValueError('an area code is text such as "0010" or "1082"')
    if text.isdigit() and len(text) < 4 and areas.is_known(areas.from_scb(text)):
        code = areas.from_scb(text)
        raise ValueError(
            f"'{text}' is not a Kolada area code; did you mean \"{code}\" "
            f'({areas.get(code).name})? Kolada writes SCB\'s code {text} as "{code}", '
            "four digits in quotes"
        )
    if len(text) != 4 or not text.isdigit():
        raise ValueError(
            f"'{text}' is not a Kolada area code; write four digits in quotes: "
            '"0000" riket, "0010" Region Blekinge, "1082" Karlshamn'
        )
    if not areas.is_known(text):
        areas.get(text)  # raises UnknownAreaError with a suggestion
    return text


AreaCode = Annotated[
    str,
    BeforeValidator(_area_code),
    Field(description='Kolada area code: "0000", "0010", "1082".'),
]
Identifier = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        max_length=80,
        description="Lower-case id used for references: letters, digits, '-' and '_'.",
    ),
]


class Collaboration(Block):
    """Who collaborates on what, and how often they follow up."""

    id: Identifier
    name: str = Field(min_length=1, max_length=limits.TITLE_TEXT)
    language: Literal["sv", "en"] = Field("sv", description="Language of the reports.")
    owner: str = Field(min_length=1, description="Who owns the follow-up (coordinator).")
    cadence: Literal["yearly", "half-yearly", "quarterly", "monthly"] = Field(
        "yearly", description="How often the steering group follows up."
    )
    area: AreaCode = Field(description="The collaboration's territory.")
    description: str | None = None


class Sources(Block):
    """Where data comes from. Environment variables override these (see README)."""

    kolada_url: str = Field(KOLADA_URL, description="Kolada API v3 base URL.")
    pxweb_url: str = Field(SCB_URL, description="PxWeb API 2.0 base URL (SCB by default).")
    data_dir: str | None = Field(
        None,
        description="Directory of actor-reported files, relative to this YAML file "
        "(COLLAB_DATA_DIR overrides).",
    )


class Actor(Block):
    """A participant: municipality, region, agency, company or association."""

    id: Identifier
    name: str = Field(min_length=1, max_length=limits.TITLE_TEXT)
    kind: Literal["municipality", "region", "agency", "company", "association"]
    area: AreaCode | None = Field(None, description="The geography the actor answers for.")
    org_id: str | None = Field(
        None,
        pattern=r"^\d{6}-\d{4}$",
        description="Organisationsnummer (NNNNNN-NNNN): the same actor across frameworks.",
    )

    @field_validator("org_id", mode="after")
    @classmethod
    def _org_id_check_digit(cls, value: str | None) -> str | None:
        if value is not None and not luhn_valid(value.replace("-", "")):
            raise ValueError(f"org_id {value} fails the check digit (Luhn): a typing error?")
        return value

    @model_validator(mode="after")
    def _area_matches_kind(self) -> Actor:
        if self.area is None:
            if self.kind in ("municipality", "region"):
                raise ValueError(f"a {self.kind} needs its area code ('area')")
            return self
        actual = areas.get(self.area).kind
        if self.kind in ("municipality", "region") and actual != self.kind:
            name = areas.get(self.area).name
            raise ValueError(
                f"actor kind is {self.kind} but area {self.area} ({name}) is a {actual}"
            )
        return self


class SeriesBreak(Block):
    """A declared break: values before and after `year` are not comparable."""

    year: int = Field(ge=limits.YEAR_RANGE[0], le=limits.YEAR_RANGE[1])
    areas: list[AreaCode] | None = Field(None, description="Affected areas; all when omitted.")
    note: str = Field(min_length=1, description="What changed (method, definition, source).")
    handling: Literal["cannot_assess", "from_break", "no_break"] = Field(
        "cannot_assess",
        description="A status across the break: 'cannot_assess' (default), 'from_break' "
        "(assessed from the break year on, as the new baseline), or 'no_break' (a possible "
        "break the report found was checked and is not one).",
    )


class MethodNote(Block):
    """How the series is produced for some areas (e.g. a single-year survey)."""

    areas: list[AreaCode] | None = Field(None, description="Areas concerned; all when omitted.")
    note: str = Field(min_length=1)


class IndicatorBase(Block):
    """What is measured, how, and which way is better."""

    id: Identifier
    title: str = Field(min_length=1, max_length=limits.TITLE_TEXT)
    description: str | None = Field(
        None,
        min_length=1,
        max_length=limits.CELL_TEXT,
        description="What the measure is (its definition), shown in the report; for an "
        "actor's own file the only definition a reader gets. Kolada's own is used otherwise.",
    )
    unit: str = Field(min_length=1, description="Unit as shown in reports, e.g. '%' or 'dagar'.")
    direction: Literal["increase", "decrease", "neutral"] = Field(
        description="Desired direction of improvement. Required: never defaulted. 'neutral' "
        "only for indicators no goal uses, such as a population base."
    )
    breakdowns: list[Literal["sex"]] = Field(
        default_factory=list, description="Breakdowns available: [sex] for women and men."
    )
    natural_limit: float | None = Field(
        None, description="A value the indicator cannot pass, e.g. 100 for a share in %."
    )
    series_breaks: list[SeriesBreak] = Field(default_factory=list)
    method_notes: list[MethodNote] = Field(default_factory=list)
    population_base: Identifier | None = Field(
        None, description="Indicator id of the population used to weigh areas."
    )
    population_share: float | None = Field(
        None,
        gt=0,
        le=1,
        description="Share of the population base that forms this indicator's denominator, "
        "e.g. 0.10 when the base is all residents and the indicator is a share of residents "
        "aged 16-24. Used to judge whether a change exceeds random variation.",
    )
    reported_by: Identifier | None = Field(
        None, description="Actor id, for a measure the actor reports in its own file."
    )


class KoladaIndicator(IndicatorBase):
    source: Literal["kolada"]
    query: KoladaQuery


class PxWebIndicator(IndicatorBase):
    source: Literal["pxweb"]
    query: PxWebQuery


class FileIndicator(IndicatorBase):
    source: Literal["file"]
    query: FileQuery


Indicator = Annotated[
    KoladaIndicator | PxWebIndicator | FileIndicator, Field(discriminator="source")
]


class Baseline(Block):
    """The starting point; the value is read from data unless given."""

    year: int = Field(ge=limits.YEAR_RANGE[0], le=limits.YEAR_RANGE[1])
    value: float | None = Field(None, description="Override the value read from data.")


class TargetLevel(Block):
    """A target as an absolute value or a relative change from the baseline, in percent."""

    value: float | None = Field(None, description="Absolute target value.")
    change_percent: float | None = Field(
        None, description="Change from the baseline in percent, e.g. -50 for halving."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> TargetLevel:
        if (self.value is None) == (self.change_percent is None):
            raise ValueError("give exactly one of 'value' or 'change_percent'")
        if self.change_percent is not None and self.change_percent <= -100:
            raise ValueError("change_percent must be above -100")
        return self


class Target(TargetLevel):
    year: int = Field(
        ge=limits.YEAR_RANGE[0],
        le=limits.YEAR_RANGE[1],
        description="Year by which the target should be met.",
    )


class GoalBase(Block):
    id: Identifier
    title: str = Field(min_length=1, max_length=limits.TITLE_TEXT)
    indicator: Identifier
    area: AreaCode | None = None
    baseline: Baseline | None = None
    target: Target | None = None
    sex_targets: dict[Literal["women", "men"], TargetLevel] = Field(
        default_factory=dict, description="Own targets for women and men (same year)."
    )
    comparison_areas: list[AreaCode] | None = Field(
        None, description="Areas to compare with; default riket and the area's region."
    )

    @model_validator(mode="after")
    def _target_needs_baseline(self) -> GoalBase:
        if (self.target or self.sex_targets) and self.baseline is None:
            raise ValueError("a goal with a target needs a 'baseline'")
        if self.sex_targets and self.target is None:
            raise ValueError("'sex_targets' need a 'target' giving the year")
        return self

    def target_for(self, sex: str) -> TargetLevel | None:
        """The target for one sex ("total", "women", "men"): its own, else the goal's."""
        if sex == "women":
            return self.sex_targets.get("women", self.target)
        if sex == "men":
            return self.sex_targets.get("men", self.target)
        return self.target


class SharedGoal(GoalBase):
    """A goal the whole collaboration shares."""

    area: AreaCode = Field(description="Usually the collaboration's territory.")
    target: Target
    context_indicators: list[Identifier] = Field(
        default_factory=list, description="Indicator ids shown beside the goal as context."
    )


class ActorGoal(GoalBase):
    """An actor's own goal that contributes to a shared goal."""

    actor: Identifier
    contributes_to: Identifier = Field(description="Id of the shared goal it contributes to.")


class Assessment(Block):
    """An actor's own judgement of a goal for one follow-up period."""

    goal: Identifier
    actor: Identifier
    period: PeriodText = Field(min_length=4, description="Follow-up period, e.g. '2024'.")
    judgement: Literal["on_track", "partly", "not_on_track", "not_assessed"]
    justification: str = Field("", max_length=limits.CELL_TEXT)
    owner: str = Field("", max_length=limits.TITLE_TEXT, description="Who made the judgement.")


class EarlyWarning(Block):
    """When the early warning speaks up: the chance threshold (the other checks are fixed)."""

    chance_below: Literal["likely", "unclear"] = Field(
        "unclear",
        description="Warn when the chance of reaching a target falls below this word: "
        "'likely' warns on likely -> unclear, 'unclear' (default) only on -> unlikely.",
    )


def luhn_valid(digits: str) -> bool:
    """The Luhn check digit of a Swedish organisationsnummer (10 digits) holds."""
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


class Action(Block):
    """An item of the action plan (handlingsplan)."""

    id: Identifier
    actor: Identifier
    goal: Identifier | None = None
    description: str = Field(min_length=1, max_length=limits.CELL_TEXT)
    responsible: str = Field("", max_length=limits.TITLE_TEXT)
    due: date | None = None
    status: Literal["done", "started", "not_started", "delayed", "removed"] = "not_started"

    @field_validator("due", mode="after")
    @classmethod
    def _due_year(cls, value: date | None) -> date | None:
        low, high = limits.DUE_RANGE
        if value is not None and not low <= value.year <= high:
            raise ValueError(f"due date {value} lies outside the years {low}-{high}")
        return value


Goal = SharedGoal | ActorGoal
