"""`collab validate`: every class of bad input gives exit 2 and a message naming file,
line and key, and nothing is written. The base framework here is SYNTHETIC and minimal so
that line numbers in the assertions stay stable; the real demo files are tested below."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import run_cli

from collab_metrics.model.framework import FrameworkError, load_framework
from collab_metrics.model.schema import framework_schema

REPO = Path(__file__).resolve().parent.parent
DEMOS = sorted((REPO / "params").glob("*.yaml"))

# Synthetic minimal framework; the comments give line numbers the cases below rely on.
MINIMAL = """\
collaboration:
  id: test-collab
  name: Test
  owner: Test owner
  area: "0010"
actors:
  - id: karlshamn
    name: Karlshamn
    kind: municipality
    area: "1082"
  - id: af
    name: Arbetsförmedlingen
    kind: agency
indicators:
  - id: youth
    title: Youth unemployment
    unit: "%"
    direction: decrease
    source: kolada
    query: {kpi: N03921}
    breakdowns: [sex]
shared_goals:
  - id: halve
    title: Halve it
    indicator: youth
    area: "0010"
    baseline: {year: 2013}
    target: {year: 2017, change_percent: -50}
actor_goals:
  - id: karlshamn-halve
    title: Halve in Karlshamn
    actor: karlshamn
    contributes_to: halve
    indicator: youth
    baseline: {year: 2013}
    target: {year: 2017, change_percent: -50}
"""

# (case, text to replace, replacement, expected line, expected key, expected words)
CASES = [
    ("yaml syntax", '    unit: "%"', '    unit: "%" extra', 17, "", "YAML syntax error"),
    (
        "misspelt key",
        "    direction:",
        "    diretion:",
        18,
        "indicators[0] (youth).diretion",
        "did you mean 'direction'?",
    ),
    (
        "unknown key",
        "  owner: Test owner",
        "  owner: Test owner\n  colour: blue",
        5,
        "collaboration.colour",
        "unknown key 'colour'",
    ),
    (
        "missing required field",
        "  owner: Test owner\n",
        "",
        1,
        "collaboration.owner",
        "missing required key 'owner'",
    ),
    (
        "direction never defaulted",
        "    direction: decrease\n",
        "",
        15,
        "indicators[0] (youth).direction",
        "missing required key 'direction'",
    ),
    (
        "wrong type",
        "    baseline: {year: 2013}\n    target",
        "    baseline: {year: soon}\n    target",
        27,
        "shared_goals[0] (halve).baseline.year",
        "expected a whole number, got 'soon'",
    ),
    (
        "wrong choice",
        "    kind: agency",
        "    kind: authority",
        13,
        "actors[1] (af).kind",
        "'authority' is not allowed",
    ),
    (
        "duplicate id",
        "  - id: af",
        "  - id: karlshamn",
        11,
        "actors[1] (karlshamn).id",
        "duplicate id 'karlshamn'",
    ),
    (
        "unknown indicator",
        "    indicator: youth\n    baseline: {year: 2013}\n    target: {year: 2017, "
        "change_percent: -50}\n",
        "    indicator: yuoth\n    baseline: {year: 2013}\n    target: "
        "{year: 2017, change_percent: -50}\n",
        34,
        "actor_goals[0] (karlshamn-halve).indicator",
        "unknown indicator 'yuoth'; did you mean 'youth'?",
    ),
    (
        "unknown actor",
        "    actor: karlshamn",
        "    actor: karlshamm",
        32,
        "actor_goals[0] (karlshamn-halve).actor",
        "unknown actor 'karlshamm'",
    ),
    (
        "unknown shared goal",
        "    contributes_to: halve",
        "    contributes_to: halv",
        33,
        "actor_goals[0] (karlshamn-halve).contributes_to",
        "unknown shared goal 'halv'",
    ),
    (
        "target year before baseline",
        "    target: {year: 2017, change_percent: -50}\nactor_goals",
        "    target: {year: 2012, change_percent: -50}\nactor_goals",
        28,
        "shared_goals[0] (halve).target.year",
        "target year 2012 must be after the baseline year",
    ),
    (
        "relative target wrong sign",
        "    target: {year: 2017, change_percent: -50}\nactor_goals",
        "    target: {year: 2017, change_percent: 50}\nactor_goals",
        28,
        "shared_goals[0] (halve).target.change_percent",
        "must be negative",
    ),
    (
        "unknown area code",
        '    area: "1082"',
        '    area: "1084"',
        10,
        "actors[0] (karlshamn).area",
        "unknown area code '1084'; did you mean '1083'",
    ),
    (
        "area not a Kolada code",
        '  area: "0010"\nactors',
        "  area: 10\nactors",
        5,
        "collaboration.area",
        "not a Kolada area code",
    ),
    (
        "actor area outside shared area",
        '    area: "1082"',
        '    area: "1780"',
        32,
        "actor_goals[0] (karlshamn-halve).actor",
        "lies outside the shared goal",
    ),
    (
        "agency goal without area",
        "    actor: karlshamn",
        "    actor: af",
        30,
        "actor_goals[0] (karlshamn-halve)",
        "has no area of its own",
    ),
    (
        "kind does not match area",
        "    kind: municipality",
        "    kind: region",
        7,
        "actors[0] (karlshamn)",
        "is a municipality",
    ),
    (
        "unknown source",
        "    source: kolada",
        "    source: koloda",
        15,
        "indicators[0] (youth)",
        "did you mean 'kolada'?",
    ),
    (
        "duplicate key in a block",
        "  name: Test\n",
        "  name: Test\n  name: Again\n",
        4,
        "",
        "key 'name' appears twice",
    ),
    (
        "unsafe tag",
        "  name: Test",
        "  name: !!python/object/apply:os.system [ls]",
        3,
        "",
        "unsupported YAML tag",
    ),
    ("merge key", "  name: Test", "  <<: {name: Test}", 3, "", "merge keys"),
]


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "framework.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def _assert_refused(tmp_path: Path, path: Path, line: int | None, key: str, words: str) -> str:
    before = _snapshot(tmp_path)
    result = run_cli("validate", str(path))
    assert result.code == 2, result
    assert "Traceback" not in result.err + result.out
    where = f"{path}:{line}: " if line else f"{path}"
    first = result.err.splitlines()[0]
    assert first.startswith(where), result.err
    assert key in first and words in first, result.err
    assert result.err.rstrip().endswith("nothing written.")
    assert _snapshot(tmp_path) == before, "validate must write nothing"
    return result.err


def test_minimal_synthetic_framework_is_valid(tmp_path: Path) -> None:
    result = run_cli("validate", str(_write(tmp_path, MINIMAL)))
    assert result.code == 0, result.err
    assert "OK" in result.out and "1 shared, 1 actor goals" in result.out


@pytest.mark.parametrize(
    ("case", "old", "new", "line", "key", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_is_refused_with_file_line_and_key(
    tmp_path: Path, case: str, old: str, new: str, line: int, key: str, words: str
) -> None:
    assert old in MINIMAL, f"test case {case!r} no longer matches the synthetic framework"
    path = _write(tmp_path, MINIMAL.replace(old, new, 1))
    _assert_refused(tmp_path, path, line, key, words)


def test_every_problem_is_listed_not_just_the_first(tmp_path: Path) -> None:
    text = MINIMAL.replace("    direction:", "    diretion:").replace('"1082"', '"1084"')
    err = _assert_refused(tmp_path, _write(tmp_path, text), 10, "area", "1084")
    assert "diretion" in err and "2 problems found" in err


def test_misspelt_key_is_not_also_reported_missing(tmp_path: Path) -> None:
    err = _assert_refused(
        tmp_path, _write(tmp_path, MINIMAL.replace("  owner:", "  ownr:")), 4, "ownr", "owner"
    )
    assert "missing required key" not in err


def test_unreadable_encoding(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.encode("latin-1"))
    _assert_refused(tmp_path, path, 12, "", "not UTF-8")


def test_missing_file(tmp_path: Path) -> None:
    _assert_refused(tmp_path, tmp_path / "nope.yaml", None, "", "file not found")


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    _assert_refused(tmp_path, _write(tmp_path, "\n".join(lines)), None, "", "alias bomb")


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    _assert_refused(tmp_path, _write(tmp_path, "a: &a [*a]\n"), 1, "", "recursive")


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    _assert_refused(tmp_path, _write(tmp_path, "[" * 3000 + "]" * 3000), None, "", "nested")


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    text = MINIMAL + ("# padding\n" * 300_000)
    _assert_refused(tmp_path, _write(tmp_path, text), None, "", "limited to 2 MB")


def test_a_list_at_top_level_is_refused(tmp_path: Path) -> None:
    _assert_refused(tmp_path, _write(tmp_path, "- a\n- b\n"), 1, "", "YAML mapping of sections")


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.replace("    direction:", "    diretion:"))
    with pytest.raises(FrameworkError):
        run_cli("validate", str(path), "--debug")


def test_usage_error_exits_2() -> None:
    result = run_cli("validate")
    assert result.code == 2 and "Missing argument" in result.err


# --- assessments and actions in separate files ---------------------------------------

FOLLOW_UP = MINIMAL + "assessments: assessments-2017.yaml\nactions: [actions.yaml]\n"


def test_assessments_and_actions_from_separate_files(tmp_path: Path) -> None:
    (tmp_path / "assessments-2017.yaml").write_text(
        "- goal: karlshamn-halve\n  actor: karlshamn\n  period: 2017\n"
        "  judgement: partly\n  justification: Synthetic comment.\n  owner: Test\n",
        encoding="utf-8",
    )
    (tmp_path / "actions.yaml").write_text(
        "actions:\n  - id: navigator\n    actor: karlshamn\n    goal: karlshamn-halve\n"
        "    description: Synthetic action\n    due: 2017-12-31\n    status: started\n",
        encoding="utf-8",
    )
    framework = load_framework(_write(tmp_path, FOLLOW_UP))
    assert framework.assessments[0].judgement == "partly"
    assert framework.assessments[0].period == "2017"
    assert framework.actions[0].due.isoformat() == "2017-12-31"


def test_error_in_included_file_names_that_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "assessments-2017.yaml").write_text(
        "- goal: karlshamn-halve\n  actor: karlshamn\n  period: 2017\n  judgement: ok\n",
        encoding="utf-8",
    )
    (tmp_path / "actions.yaml").write_text(
        "- id: a1\n  actor: karlshamn\n  descripton: Synthetic\n", encoding="utf-8"
    )
    path = _write(tmp_path, FOLLOW_UP)
    result = run_cli("validate", str(path))
    assert result.code == 2
    assert f"{tmp_path / 'assessments-2017.yaml'}:4: assessments[0].judgement: 'ok'" in result.err
    assert (
        f"{tmp_path / 'actions.yaml'}:3: actions[0] (a1).descripton: unknown key 'descripton'; "
        "did you mean 'description'?"
    ) in result.err


def test_missing_included_file_is_named(tmp_path: Path) -> None:
    err = _assert_refused(tmp_path, _write(tmp_path, FOLLOW_UP), 37, "assessments", "cannot read")
    assert "assessments-2017.yaml" in err


# --- the real demo frameworks and the schema ------------------------------------------


@pytest.mark.parametrize("path", DEMOS, ids=[p.stem for p in DEMOS])
def test_demo_frameworks_validate(path: Path) -> None:
    result = run_cli("validate", str(path))
    assert result.code == 0, result.err
    assert "OK" in result.out


def test_blekinge_demo_has_the_real_goal() -> None:
    fw = load_framework(REPO / "params" / "blekinge-unga-lyfter.yaml")
    goal = fw.shared_goal("halve-youth-unemployment")
    assert fw.indicator(goal.indicator).query.kpi == "N03921"
    assert fw.indicator(goal.indicator).direction == "decrease"
    assert (goal.area, goal.baseline.year, goal.target.year) == ("0010", 2013, 2017)
    assert goal.target.change_percent == -50
    assert set(goal.sex_targets) == {"women", "men"}
    municipal = {
        fw.goal_area(g) for g in fw.actor_goals if fw.actor(g.actor).kind == "municipality"
    }
    assert municipal == {"1060", "1080", "1081", "1082", "1083"}


def test_varmland_demo_reads_its_file_from_the_data_directory(shared_data: Path) -> None:
    fw = load_framework(REPO / "params" / "varmland-nya-perspektiv.yaml")
    measure = fw.indicator("ohalsotal-monthly")
    assert measure.reported_by == "region-varmland"
    assert not Path(measure.query.path).is_absolute()
    assert (fw.data_dir / measure.query.path).resolve() == (
        shared_data / "actor-files" / "forsakringskassan-mucf__ohalsotal_2024_11_06.xlsx"
    ).resolve()
    assert len([a for a in fw.actors if a.kind == "municipality"]) == 16


@pytest.mark.parametrize("path", DEMOS, ids=[p.stem for p in DEMOS])
def test_schema_accepts_demo_frameworks(path: Path) -> None:
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), framework_schema())


def test_schema_rejects_a_missing_direction() -> None:
    data = yaml.safe_load(MINIMAL)
    del data["indicators"][0]["direction"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, framework_schema())


def test_committed_schema_is_up_to_date() -> None:
    committed = json.loads((REPO / "schema" / "framework.schema.json").read_text(encoding="utf-8"))
    assert committed == framework_schema(), "run: collab schema -o schema/framework.schema.json"


def test_schema_command_writes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    assert run_cli("schema", "-o", str(out)).code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == "collab-metrics framework"
