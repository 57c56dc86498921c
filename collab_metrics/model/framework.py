"""The goal framework: a collaboration's YAML file, validated into typed models.

`load_framework(path)` reads the file (and the assessment/action files it references),
checks structure with pydantic and meaning with cross-checks (references, years, signs,
areas), and either returns a `Framework` or raises `FrameworkError` listing every problem
with the file, line and key the user has to fix. The blocks of the file are in `blocks`,
the query models in `queries`, the problem reports in `problems`, the checks of meaning in
`crosscheck`; their public names are importable from here too.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import Field, ValidationError

from collab_metrics.errors import UnknownId
from collab_metrics.model import limits, partial, safeyaml
from collab_metrics.model.blocks import (
    Action,
    Actor,
    ActorGoal,
    Assessment,
    Baseline,
    Block,
    Collaboration,
    EarlyWarning,
    FileIndicator,
    Goal,
    Indicator,
    KoladaIndicator,
    MethodNote,
    PxWebIndicator,
    SeriesBreak,
    Sex,
    SharedGoal,
    Sources,
    Target,
    TargetLevel,
)
from collab_metrics.model.crosscheck import INCLUDABLE_MAPPINGS, INCLUDABLE_SECTIONS, cross_check
from collab_metrics.model.problems import FrameworkError, Problem, SourceMap, problem_at, translate
from collab_metrics.model.queries import KOLADA_URL
from collab_metrics.model.resources import (
    AgreedSplit,
    Contribution,
    Governance,
    Priority,
    Resources,
)
from collab_metrics.model.tidy import BOUNDS, bound_id


class Framework(Block):
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
    early_warning: EarlyWarning = Field(
        default_factory=EarlyWarning,
        description="When the report's early-warning box flags a falling chance.",
    )
    resources: Resources | None = Field(
        None, description="Agreed cost split and contributions; inline, or a file to read."
    )
    priorities: list[Priority] = Field(
        default_factory=list, description="Last period's agreed priorities; inline or files."
    )
    governance: Governance | None = None

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

    def bound_series(self) -> list[str]:
        """The store ids of the published interval bounds the framework's indicators read
        (PxWeb survey tables with an `interval`), beside their series."""
        return sorted(
            bound_id(self.series_id(i.id), bound)
            for i in self.indicators
            if isinstance(i, PxWebIndicator) and i.query.interval is not None
            for bound in BOUNDS
        )

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
            # Keys added later (url, api, earlier_tables, sum_over, interval) count only when
            # set, so the ids of data stored before them stay the same.
            dump = indicator.query.model_dump()
            added = ("url", "api", "earlier_tables", "sum_over", "interval")
            dump = {k: v for k, v in dump.items() if k not in added or v not in (None, [])}
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

    @property
    def goals(self) -> list[Goal]:
        """Every goal, shared goals first: shared and actor goals share one namespace."""
        return [*self.shared_goals, *self.actor_goals]

    def goal(self, goal_id: str) -> Goal:
        """The shared or actor goal with this id (`UnknownId` naming the closest one if none)."""
        return _find("goal", self.goals, goal_id)

    def goal_area(self, goal: Goal) -> str:
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


_Item = TypeVar("_Item", bound="_HasId")


class _HasId(Protocol):
    id: str


def _find(kind: str, items: Sequence[_Item], wanted: str) -> _Item:
    """The item with this id, else `UnknownId`: "no goal 'x'; did you mean 'y'?"."""
    for item in items:
        if item.id == wanted:
            return item
    raise UnknownId(kind, wanted, [item.id for item in items])


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
    sources = SourceMap(main)
    data = dict(main.data)
    digest = hashlib.sha256(main.raw)
    problems += _resolve_includes(data, sources, digest)
    problems += _resolve_mapping_includes(data, sources, digest)

    context: dict[str, Any] = {}
    try:
        framework = Framework.model_validate(data, context=context)
    except ValidationError as exc:
        problems += translate(exc, data, sources, context)

        def at(where: tuple[str | int, ...], message: str) -> Problem:
            return problem_at(sources, data, list(where), message)

        problems += partial.raw_goal_problems(data, at)
        return None, _in_file_order(list(dict.fromkeys(problems)))
    framework._path = path
    framework._sha256 = digest.hexdigest()
    problems += cross_check(framework, sources)
    return (None if problems else framework), _in_file_order(problems)


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems sorted by file and line, as a user works through them."""
    return sorted(problems, key=lambda p: (str(p.file), p.line or 0))


def _resolve_includes(data: dict[str, Any], sources: SourceMap, digest: Any) -> list[Problem]:
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
            items: Any = loaded.data
            prefix: tuple[str, ...] = ()
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


def _resolve_mapping_includes(
    data: dict[str, Any], sources: SourceMap, digest: Any
) -> list[Problem]:
    """Replace `resources: file.yaml` by the file's mapping (or its `resources:` block)."""
    problems: list[Problem] = []
    base = sources.main.file.parent
    for section in INCLUDABLE_MAPPINGS:
        name = data.get(section)
        if not isinstance(name, str):
            continue
        file, line = base / name, sources.main.line_of((section,))
        reason = _include_problem(base, file, 0)
        if reason:
            problems.append(Problem(sources.main.file, line, section, f"'{name}' {reason}"))
            continue
        try:
            loaded = safeyaml.load(file)
        except safeyaml.YamlProblem as exc:
            message = f"cannot read '{name}': {exc.message}"
            problems.append(Problem(sources.main.file, line, section, message))
            continue
        digest.update(loaded.raw)
        block: Any = loaded.data
        prefix: tuple[str, ...] = ()
        if isinstance(block, dict) and isinstance(block.get(section), dict):
            block, prefix = block[section], (section,)
        if not isinstance(block, dict):
            problems.append(Problem(file, 1, section, f"'{name}' must hold a block of keys"))
            continue
        for key in block:
            sources.included[(section, key)] = (loaded, (*prefix, key))
        data[section] = block
    return problems


def _include_problem(base: Path, file: Path, included: int) -> str | None:
    """Why an included file is not read: outside the framework's folder, or one too many."""
    if included >= limits.INCLUDED_FILES:
        return f"is one file too many: a framework includes at most {limits.INCLUDED_FILES}"
    if not file.resolve().is_relative_to(base.resolve()):
        return f"lies outside the framework's folder {base}; included files must be inside it"
    return None


__all__ = [
    "INCLUDABLE_MAPPINGS",
    "INCLUDABLE_SECTIONS",
    "KOLADA_URL",
    "Action",
    "Actor",
    "ActorGoal",
    "AgreedSplit",
    "Assessment",
    "Baseline",
    "Collaboration",
    "Contribution",
    "FileIndicator",
    "Framework",
    "FrameworkError",
    "Goal",
    "Governance",
    "Indicator",
    "KoladaIndicator",
    "MethodNote",
    "Priority",
    "Problem",
    "PxWebIndicator",
    "Resources",
    "SeriesBreak",
    "Sex",
    "SharedGoal",
    "Sources",
    "Target",
    "TargetLevel",
    "check_framework",
    "data_dir_for",
    "load_framework",
]
