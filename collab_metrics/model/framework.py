"""The goal framework: a collaboration's YAML file, validated into typed models.

`load_framework(path)` reads the file (and the assessment/action files it references),
checks structure with pydantic and meaning with cross-checks (references, years, signs,
areas), and either returns a `Framework` or raises `FrameworkError` listing every problem
with the file, line and key the user has to fix.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from collab_metrics.errors import InputError, UnknownId
from collab_metrics.model import areas, limits, partial, safeyaml
from collab_metrics.sources.files import FileQuery
from collab_metrics.sources.kolada import KPI_PATTERN, KoladaQuery
from collab_metrics.sources.pxweb import SCB_URL, PxWebQuery

KOLADA_URL = "https://api.kolada.se/v3"
Sex = Literal["total", "women", "men"]
INCLUDABLE_SECTIONS = ("assessments", "actions")


class _Model(BaseModel):
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
            _check_printable(value)
        return value


def _check_printable(text: str) -> None:
    """Raise ValueError naming the first control character (tab and newlines are text)."""
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in "\t\n\r":
            raise ValueError(
                f"contains the control character U+{ord(char):04X}"
                f"{' (a terminal escape)' if char == chr(27) else ''}; remove it"
            )


def _check_year(year: int, what: str) -> None:
    low, high = limits.YEAR_RANGE
    if not low <= year <= high:
        raise ValueError(f"{what} {year} lies outside {low}-{high}; is it a typo?")


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


class Collaboration(_Model):
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


class Sources(_Model):
    """Where data comes from. Environment variables override these (see README)."""

    kolada_url: str = Field(KOLADA_URL, description="Kolada API v3 base URL.")
    pxweb_url: str = Field(SCB_URL, description="PxWeb API 2.0 base URL (SCB by default).")
    data_dir: str | None = Field(
        None,
        description="Directory of actor-reported files, relative to this YAML file "
        "(COLLAB_DATA_DIR overrides).",
    )


class Actor(_Model):
    """A participant: municipality, region, agency, company or association."""

    id: Identifier
    name: str = Field(min_length=1, max_length=limits.TITLE_TEXT)
    kind: Literal["municipality", "region", "agency", "company", "association"]
    area: AreaCode | None = Field(None, description="The geography the actor answers for.")

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


class SeriesBreak(_Model):
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


class MethodNote(_Model):
    """How the series is produced for some areas (e.g. a single-year survey)."""

    areas: list[AreaCode] | None = Field(None, description="Areas concerned; all when omitted.")
    note: str = Field(min_length=1)


class _IndicatorBase(_Model):
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


class KoladaIndicator(_IndicatorBase):
    source: Literal["kolada"]
    query: KoladaQuery


class PxWebIndicator(_IndicatorBase):
    source: Literal["pxweb"]
    query: PxWebQuery


class FileIndicator(_IndicatorBase):
    source: Literal["file"]
    query: FileQuery


Indicator = Annotated[
    KoladaIndicator | PxWebIndicator | FileIndicator, Field(discriminator="source")
]


class Baseline(_Model):
    """The starting point; the value is read from data unless given."""

    year: int = Field(ge=limits.YEAR_RANGE[0], le=limits.YEAR_RANGE[1])
    value: float | None = Field(None, description="Override the value read from data.")


class TargetLevel(_Model):
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


class _GoalBase(_Model):
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
    def _target_needs_baseline(self) -> _GoalBase:
        if (self.target or self.sex_targets) and self.baseline is None:
            raise ValueError("a goal with a target needs a 'baseline'")
        if self.sex_targets and self.target is None:
            raise ValueError("'sex_targets' need a 'target' giving the year")
        return self


class SharedGoal(_GoalBase):
    """A goal the whole collaboration shares."""

    area: AreaCode = Field(description="Usually the collaboration's territory.")
    target: Target
    context_indicators: list[Identifier] = Field(
        default_factory=list, description="Indicator ids shown beside the goal as context."
    )


class ActorGoal(_GoalBase):
    """An actor's own goal that contributes to a shared goal."""

    actor: Identifier
    contributes_to: Identifier = Field(description="Id of the shared goal it contributes to.")


class Assessment(_Model):
    """An actor's own judgement of a goal for one follow-up period."""

    goal: Identifier
    actor: Identifier
    period: str = Field(min_length=4, description="Follow-up period, e.g. '2024'.")
    judgement: Literal["on_track", "partly", "not_on_track", "not_assessed"]
    justification: str = Field("", max_length=limits.CELL_TEXT)
    owner: str = Field("", max_length=limits.TITLE_TEXT, description="Who made the judgement.")

    @field_validator("period", mode="before")
    @classmethod
    def _period_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("period", mode="after")
    @classmethod
    def _period_year(cls, value: str) -> str:
        year = value[:4]
        if not (year.isascii() and year.isdigit()):
            raise ValueError(f"period {value!r} must start with a year in the digits 0-9")
        _check_year(int(year), "the period's year")
        return value


class Action(_Model):
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


class Framework(_Model):
    """A whole collaboration: actors, indicators, shared and actor goals, follow-up input."""

    collaboration: Collaboration
    sources: Sources = Field(default_factory=Sources)
    actors: list[Actor] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)
    shared_goals: list[SharedGoal] = Field(min_length=1)
    actor_goals: list[ActorGoal] = Field(default_factory=list)
    assessments: list[Assessment] = Field(
        default_factory=list, description="Inline, or a file (or list of files) to read."
    )
    actions: list[Action] = Field(
        default_factory=list, description="Inline, or a file (or list of files) to read."
    )

    # Set by load_framework, not part of the YAML.
    _path: Path | None = None
    _sha256: str = ""

    @property
    def path(self) -> Path | None:
        """The YAML file this framework was read from."""
        return self._path

    @property
    def sha256(self) -> str:
        """Hash of the framework file and the files it includes, for report manifests."""
        return self._sha256

    @property
    def kolada_url(self) -> str:
        """Kolada base URL; COLLAB_KOLADA_URL overrides the file."""
        return os.environ.get("COLLAB_KOLADA_URL") or self.sources.kolada_url

    @property
    def pxweb_url(self) -> str:
        """PxWeb base URL; COLLAB_PXWEB_URL overrides the file."""
        return os.environ.get("COLLAB_PXWEB_URL") or self.sources.pxweb_url

    @property
    def data_dir(self) -> Path:
        """Directory of actor files: COLLAB_DATA_DIR, else `sources.data_dir`, else `data/`."""
        return data_dir_for(self._path, self.sources.data_dir)

    def indicator(self, indicator_id: str) -> KoladaIndicator | PxWebIndicator | FileIndicator:
        """The indicator with this id (`UnknownId` naming the closest one if none)."""
        return _find("indicator", self.indicators, indicator_id)

    def series_id(self, indicator_id: str) -> str:
        """The store's id for an indicator's data, shared by every framework using it.

        Framework ids are local ("population" may mean different things in two files),
        so the store keys data by where it comes from: the Kolada KPI, the PxWeb table
        and selection, or the collaboration's own file.
        """
        indicator = self.indicator(indicator_id)
        if isinstance(indicator, KoladaIndicator):
            return f"kolada:{indicator.query.kpi}"
        if isinstance(indicator, PxWebIndicator):
            # Keys added later (url, api, earlier_tables) count only when set, so the ids of
            # data stored before them stay the same.
            dump = indicator.query.model_dump()
            added = ("url", "api", "earlier_tables")
            dump = {k: v for k, v in dump.items() if k not in added or v is not None}
            query = json.dumps(dump, sort_keys=True)
            digest = hashlib.sha256(query.encode()).hexdigest()[:12]
            return f"pxweb:{indicator.query.table}:{digest}"
        return f"file:{self.collaboration.id}:{indicator.id}"

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id (`UnknownId` naming the closest one if none)."""
        return _find("actor", self.actors, actor_id)

    def shared_goal(self, goal_id: str) -> SharedGoal:
        """The shared goal with this id (`UnknownId` naming the closest one if none)."""
        return _find("shared goal", self.shared_goals, goal_id)

    def goal(self, goal_id: str) -> SharedGoal | ActorGoal:
        """The shared or actor goal with this id (`UnknownId` naming the closest one if none)."""
        return _find("goal", [*self.shared_goals, *self.actor_goals], goal_id)

    def goal_area(self, goal: SharedGoal | ActorGoal) -> str:
        """The area a goal is measured on: its own, else its actor's area."""
        if goal.area is not None:
            return goal.area
        assert isinstance(goal, ActorGoal)
        area = self.actor(goal.actor).area
        assert area is not None, "validated: actor goals without area have an actor area"
        return area


def data_dir_for(path: Path | None, configured: str | None) -> Path:
    """Directory of actor files for a framework at `path` (see `Framework.data_dir`)."""
    env = os.environ.get("COLLAB_DATA_DIR")
    if env:
        return Path(env)
    base = path.parent if path else Path.cwd()
    return (base / (configured or "../data")).resolve()


# --- loading and error reporting -------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing the user has to fix: where, which key, what."""

    file: Path
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


_Item = TypeVar("_Item", bound="_HasId")


class _HasId(Protocol):
    id: str


def _find(kind: str, items: Sequence[_Item], wanted: str) -> _Item:
    """The item with this id, else `UnknownId`: "no goal 'x'; did you mean 'y'?"."""
    for item in items:
        if item.id == wanted:
            return item
    raise UnknownId(kind, wanted, [item.id for item in items])


class FrameworkError(InputError):
    """The framework files have problems; `problems` lists every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class _Sources:
    """The loaded YAML files, so a data path can be traced back to a file and line."""

    def __init__(self, main: safeyaml.Loaded) -> None:
        self.main = main
        self.included: dict[tuple[str, int], tuple[safeyaml.Loaded, tuple[str | int, ...]]] = {}

    def locate(self, path: tuple[str | int, ...]) -> tuple[Path, int | None]:
        """File and line of a data path (through included files)."""
        if len(path) >= 2 and (path[0], path[1]) in self.included:
            loaded, prefix = self.included[(path[0], path[1])]  # type: ignore[index]
            return loaded.file, loaded.line_of((*prefix, *path[2:]))
        return self.main.file, self.main.line_of(path)


def load_framework(path: Path | str) -> Framework:
    """Read and validate a framework file; raise FrameworkError listing every problem."""
    framework, problems = check_framework(path)
    if problems or framework is None:
        raise FrameworkError(problems)
    return framework


def check_framework(path: Path | str) -> tuple[Framework | None, list[Problem]]:
    """The framework in `path` and every problem found in one pass, in file order.

    Structure and meaning are checked together: where pydantic refuses part of the file,
    the meaning checks run on the raw data of what parsed, so no mistake hides another.
    The framework is None unless there are no problems.
    """
    path = Path(path)
    try:
        main = safeyaml.load(path)
    except safeyaml.YamlProblem as exc:
        return None, [Problem(exc.file, exc.line, "", exc.message)]
    problems = [Problem(r.file, r.line, "", r.message) for r in main.repairs]
    if not isinstance(main.data, dict):
        message = "the file must be a YAML mapping of sections (collaboration:, ...)"
        return None, [*problems, Problem(path, 1, "", message)]
    sources = _Sources(main)
    data = dict(main.data)
    digest = hashlib.sha256(main.raw)
    problems += _resolve_includes(data, sources, digest)

    context: dict[str, Any] = {}
    try:
        framework = Framework.model_validate(data, context=context)
    except ValidationError as exc:
        problems += _translate(exc, data, sources, context)

        def at(where: tuple[str | int, ...], message: str) -> Problem:
            return _problem(sources, data, list(where), message)

        problems += partial.raw_goal_problems(data, at)
        return None, _in_file_order(list(dict.fromkeys(problems)))
    framework._path = path
    framework._sha256 = digest.hexdigest()
    problems += _cross_check(framework, sources)
    return (None if problems else framework), _in_file_order(problems)


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems sorted by file and line, as a user works through them."""
    return sorted(problems, key=lambda p: (str(p.file), p.line or 0))


def _resolve_includes(data: dict[str, Any], sources: _Sources, digest: Any) -> list[Problem]:
    """Replace `assessments: file.yaml` (or a list of files) by the files' entries."""
    problems: list[Problem] = []
    base = sources.main.file.parent
    included = 0
    for section in INCLUDABLE_SECTIONS:
        value = data.get(section)
        names: list[str]
        if isinstance(value, str):
            names = [value]
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            names = value
        else:
            continue
        entries: list[Any] = []
        for name in names:
            file = base / name
            line = sources.main.line_of((section,))
            reason = _include_problem(base, file, included)
            if reason:
                problems.append(Problem(sources.main.file, line, section, f"'{name}' {reason}"))
                continue
            included += 1
            try:
                loaded = safeyaml.load(file)
            except safeyaml.YamlProblem as exc:
                problems.append(
                    Problem(
                        sources.main.file, line, section, f"cannot read '{name}': {exc.message}"
                    )
                )
                continue
            digest.update(loaded.raw)
            items, prefix = loaded.data, ()
            if isinstance(items, dict) and section in items:
                items, prefix = items[section], (section,)
            if not isinstance(items, list):
                problems.append(
                    Problem(file, 1, section, f"'{name}' must hold a list of {section}")
                )
                continue
            for i, item in enumerate(items):
                sources.included[(section, len(entries))] = (loaded, (*prefix, i))
                entries.append(item)
        data[section] = entries
    return problems


def _include_problem(base: Path, file: Path, included: int) -> str | None:
    """Why an included file is not read: outside the framework's folder, or one too many."""
    if included >= limits.INCLUDED_FILES:
        return f"is one file too many: a framework includes at most {limits.INCLUDED_FILES}"
    if not file.resolve().is_relative_to(base.resolve()):
        return f"lies outside the framework's folder {base}; included files must be inside it"
    return None


def _translate(
    exc: ValidationError, data: dict[str, Any], sources: _Sources, context: dict[str, Any]
) -> list[Problem]:
    """Turn pydantic errors into problems with file, line, readable key and message."""
    known_keys: dict[int, list[str]] = context.get("known_keys", {})
    errors = exc.errors(include_url=False)
    # A misspelt key also makes the right key "missing"; report it once, as the typo.
    suggested: set[tuple[Any, ...]] = set()
    problems: list[Problem] = []
    for error in errors:
        path, parent = _data_path(data, error["loc"])
        if error["type"] == "extra_forbidden":
            key = str(path[-1])
            options = known_keys.get(id(parent), [])
            close = difflib.get_close_matches(key, options, n=1, cutoff=0.6)
            message = f"unknown key '{key}'"
            if close:
                message += f"; did you mean '{close[0]}'?"
                suggested.add((*path[:-1], close[0]))
            elif options:
                message += f"; allowed here: {', '.join(options)}"
            problems.append(_problem(sources, data, path, message))
    for error in errors:
        if error["type"] == "extra_forbidden":
            continue
        path, _ = _data_path(data, error["loc"])
        if error["type"] == "missing":
            if tuple(path) in suggested:
                continue
            message = f"missing required key '{path[-1]}'"
        else:
            message = _message(error)
        problems.append(_problem(sources, data, path, message))
    return problems


_PATTERN_HINTS = {
    KPI_PATTERN: "a Kolada KPI id is a capital letter and five digits, e.g. 'N03921'",
    r"^[a-z0-9][a-z0-9_-]*$": "ids are lower-case letters, digits, '-' and '_', e.g. 'karlshamn'",
}

_TYPE_WORDS = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "string_type": "text",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "list_type": "a list (items starting with '- ' or [a, b])",
    "dict_type": "a block of keys",
    "model_type": "a block of keys",
    "model_attributes_type": "a block of keys",
    "date_parsing": "a date such as 2025-12-31",
    "date_from_datetime_parsing": "a date such as 2025-12-31",
    "date_type": "a date such as 2025-12-31",
}


def _message(error: Any) -> str:
    """A pydantic error message in plain words, quoting what the user wrote."""
    kind, given = error["type"], error.get("input")
    shown = _shorten(given)
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, got {shown}"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        hint = _PATTERN_HINTS.get(pattern, f"expected the form {pattern}")
        return f"{shown} is not valid: {hint}"
    if kind == "literal_error":
        return f"{shown} is not allowed; expected {error['ctx']['expected']}"
    if kind == "union_tag_invalid":
        tag = given.get("source") if isinstance(given, dict) else given
        close = difflib.get_close_matches(str(tag), ["kolada", "pxweb", "file"], n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown source {tag!r}; expected 'kolada', 'pxweb' or 'file'{hint}"
    if kind == "union_tag_not_found":
        return "missing required key 'source' (kolada, pxweb or file)"
    if kind == "too_short" and isinstance(given, list) and not given:
        return "must not be empty"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _shorten(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "...'"


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[list[str | int], Any]:
    """The part of a pydantic location that exists in the YAML data, and its container.

    Pydantic adds union tags and validator names to locations; they are skipped by
    walking the actual data.
    """
    path: list[str | int] = []
    node, parent = data, None
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            parent, node = node, node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and part not in _TAGS:
            # A key that is not in the data: missing or misspelt, named by the error.
            parent = node
            path.append(part)
            break
    return path, parent


_TAGS = {"kolada", "pxweb", "file", "function-after", "function-before", "function-wrap"}


def _problem(sources: _Sources, data: Any, path: list[str | int], message: str) -> Problem:
    file, line = sources.locate(tuple(path))
    return Problem(file, line, _key_name(data, path), message)


def _key_name(data: Any, path: list[str | int]) -> str:
    """`actor_goals[2] (karlshamn-youth).target.year`: the key as a reader finds it."""
    parts: list[str] = []
    node = data
    for part in path:
        if isinstance(part, int):
            label = f"[{part}]"
            item = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                label += f" ({item['id']})"
            parts.append(label)
            node = item
        else:
            parts.append(("." if parts else "") + part)
            node = node.get(part) if isinstance(node, dict) else None
    return "".join(parts)


# --- meaning: references, years, signs, areas -----------------------------------------


def _cross_check(fw: Framework, sources: _Sources) -> Iterator[Problem]:
    """Problems that need the whole framework: ids, references, years, areas."""
    raw = sources.main.data

    def at(path: tuple[str | int, ...], message: str) -> Problem:
        file, line = sources.locate(path)
        return Problem(file, line, _key_name(_merged(raw, fw), list(path)), message)

    yield from _duplicates(fw, at)
    actor_ids = {a.id for a in fw.actors}
    indicator_ids = {i.id for i in fw.indicators}
    shared_ids = {g.id for g in fw.shared_goals}
    goal_ids = shared_ids | {g.id for g in fw.actor_goals}

    def ref(path: tuple[str | int, ...], value: str | None, known: set[str], what: str):
        if value is not None and value not in known:
            return at(path, partial.unknown(what, value, known))
        return None

    for i, ind in enumerate(fw.indicators):
        p = ("indicators", i)
        for problem in (
            ref((*p, "population_base"), ind.population_base, indicator_ids, "indicator"),
            ref((*p, "reported_by"), ind.reported_by, actor_ids, "actor"),
        ):
            if problem:
                yield problem
        if ind.population_base == ind.id:
            yield at((*p, "population_base"), "an indicator cannot be its own population base")
        if ind.population_share is not None and ind.population_base is None:
            yield at((*p, "population_share"), "a population_share needs a population_base")
        if ind.source == "file" and Path(ind.query.path).is_absolute():
            yield at((*p, "query", "path"), "give the path relative to the data directory")

    for section, goals in (("shared_goals", fw.shared_goals), ("actor_goals", fw.actor_goals)):
        for i, goal in enumerate(goals):
            p = (section, i)
            problem = ref((*p, "indicator"), goal.indicator, indicator_ids, "indicator")
            if problem:
                yield problem
                continue
            yield from _check_goal(fw, goal, p, at)
            for j, context_id in enumerate(getattr(goal, "context_indicators", [])):
                problem = ref((*p, "context_indicators", j), context_id, indicator_ids, "indicator")
                if problem:
                    yield problem
            if isinstance(goal, ActorGoal):
                yield from _check_actor_goal(fw, goal, p, at, ref, actor_ids, shared_ids)

    for i, item in enumerate(fw.assessments):
        p = ("assessments", i)
        for problem in (
            ref((*p, "goal"), item.goal, goal_ids, "goal"),
            ref((*p, "actor"), item.actor, actor_ids, "actor"),
        ):
            if problem:
                yield problem
    for i, action in enumerate(fw.actions):
        p = ("actions", i)
        for problem in (
            ref((*p, "actor"), action.actor, actor_ids, "actor"),
            ref((*p, "goal"), action.goal, goal_ids, "goal"),
        ):
            if problem:
                yield problem


def _merged(raw: dict[str, Any], fw: Framework) -> dict[str, Any]:
    """Raw data with included sections resolved, for naming keys in messages."""
    merged = dict(raw)
    for section in INCLUDABLE_SECTIONS:
        merged[section] = [m.model_dump() for m in getattr(fw, section)]
    return merged


def _duplicates(fw: Framework, at: Any) -> Iterator[Problem]:
    for section, items in (
        ("actors", fw.actors),
        ("indicators", fw.indicators),
        ("actions", fw.actions),
    ):
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in first:
                yield at(
                    (section, i, "id"),
                    f"duplicate id '{item.id}' (also {section}[{first[item.id]}])",
                )
            first.setdefault(item.id, i)
    # Shared and actor goals share one namespace: assessments refer to either.
    seen: dict[str, str] = {}
    for section, goals in (("shared_goals", fw.shared_goals), ("actor_goals", fw.actor_goals)):
        for i, goal in enumerate(goals):
            if goal.id in seen:
                yield at(
                    (section, i, "id"), f"duplicate goal id '{goal.id}' (also {seen[goal.id]})"
                )
            seen.setdefault(goal.id, f"{section}[{i}]")
    keys: dict[tuple[str, str, str], int] = {}
    for i, item in enumerate(fw.assessments):
        key = (item.goal, item.actor, item.period)
        if key in keys:
            yield at(
                ("assessments", i),
                f"a second assessment of goal '{item.goal}' by '{item.actor}' for {item.period} "
                f"(also assessments[{keys[key]}])",
            )
        keys.setdefault(key, i)


def _check_goal(
    fw: Framework, goal: SharedGoal | ActorGoal, p: tuple, at: Any
) -> Iterator[Problem]:
    indicator = fw.indicator(goal.indicator)
    if indicator.direction == "neutral":
        yield at(
            (*p, "indicator"),
            f"indicator '{indicator.id}' has direction 'neutral'; a goal needs an indicator "
            "whose direction is 'increase' or 'decrease'",
        )
        return
    if goal.target and goal.baseline and goal.target.year <= goal.baseline.year:
        yield at(
            (*p, "target", "year"),
            f"target year {goal.target.year} must be after the baseline year {goal.baseline.year}",
        )
    levels: list[tuple[tuple, TargetLevel]] = []
    if goal.target:
        levels.append(((*p, "target"), goal.target))
    levels += [((*p, "sex_targets", sex), level) for sex, level in goal.sex_targets.items()]
    sign = -1 if indicator.direction == "decrease" else 1
    yield from _check_baseline_value(goal, levels, at)
    for path, level in levels:
        if level.change_percent is not None and level.change_percent * sign <= 0:
            yield at(
                (*path, "change_percent"),
                partial.wrong_way(level.change_percent, indicator.id, indicator.direction),
            )
        # A given baseline value is the total's; sex targets have baselines of their own.
        given = goal.baseline.value if goal.baseline and level is goal.target else None
        if level.value is not None and given is not None and (level.value - given) * sign <= 0:
            change = "an increase" if sign > 0 else "a decrease"
            yield at(
                (*path, "value"),
                f"target {level.value:g} is not {change} from the baseline value {given:g} "
                f"(indicator '{indicator.id}' should {indicator.direction})",
            )
        limit = indicator.natural_limit
        if level.value is not None and limit is not None and (level.value - limit) * sign > 0:
            yield at(
                (*path, "value"), f"target {level.value:g} lies beyond the natural limit {limit:g}"
            )
    if goal.sex_targets and "sex" not in indicator.breakdowns:
        yield at(
            (*p, "sex_targets"),
            f"indicator '{indicator.id}' has no sex breakdown; add 'breakdowns: [sex]' to it",
        )


def _check_baseline_value(
    goal: SharedGoal | ActorGoal, levels: list[tuple[tuple, TargetLevel]], at: Any
) -> Iterator[Problem]:
    """A given baseline value from which no rate of change can be computed."""
    given = goal.baseline.value if goal.baseline else None
    if given is None or goal.target is None:
        return
    for where, level in levels:
        if level is not goal.target:
            continue  # sex targets have baselines of their own, read from the data
        if given == 0 and level.change_percent is not None:
            yield at(
                (*where[:-1], "baseline", "value"),
                "a relative target (change_percent) cannot start from the baseline value 0: "
                "every percentage of 0 is 0; give the target as a 'value'",
            )
        elif level.value is not None and given * level.value < 0:
            yield at(
                (*where, "value"),
                f"target {level.value:g} lies across zero from the baseline value {given:g}: "
                "the rate of change between them cannot be computed",
            )


def _check_actor_goal(
    fw: Framework,
    goal: ActorGoal,
    p: tuple,
    at: Any,
    ref: Any,
    actor_ids: set[str],
    shared_ids: set[str],
) -> Iterator[Problem]:
    for problem in (
        ref((*p, "actor"), goal.actor, actor_ids, "actor"),
        ref((*p, "contributes_to"), goal.contributes_to, shared_ids, "shared goal"),
    ):
        if problem:
            yield problem
            return
    actor = fw.actor(goal.actor)
    area = goal.area or actor.area
    if area is None:
        yield at(p, f"actor '{actor.id}' has no area of its own; give this goal an 'area'")
        return
    shared = fw.shared_goal(goal.contributes_to)
    if not areas.contains(shared.area, area):
        yield at(
            (*p, "area") if goal.area else (*p, "actor"),
            f"area {area} ({areas.get(area).name}) lies outside the shared goal "
            f"'{shared.id}' area {shared.area} ({areas.get(shared.area).name})",
        )
