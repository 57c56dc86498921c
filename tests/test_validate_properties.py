"""Property: whatever a user does to a valid framework file, `collab validate` answers with
exit 0 or 2 and a message, never a traceback or an internal error (exit 1)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collab_metrics.model import safeyaml

REPO = Path(__file__).resolve().parent.parent
DEMO_DATA = {
    p.name: yaml.safe_load(p.read_text(encoding="utf-8"))
    for p in sorted((REPO / "params").glob("*.yaml"))
}

GARBAGE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(min_size=1, max_size=8), st.integers(), max_size=3),
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside the data."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


def _mutate(data: Any, path: tuple, action: str, garbage: Any, key: str) -> Any:
    data = copy.deepcopy(data)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = garbage
    elif action == "add_key" and isinstance(parent[last], dict):
        parent[last][key] = garbage
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    return data


@st.composite
def mutated_frameworks(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(DEMO_DATA)))
    data = DEMO_DATA[name]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["delete", "replace", "add_key", "duplicate"]))
        data = _mutate(data, path, action, draw(GARBAGE), draw(st.text(min_size=1, max_size=10)))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@st.composite
def corrupted_text(draw: st.DrawFn) -> str:
    text = (REPO / "params" / draw(st.sampled_from(sorted(DEMO_DATA)))).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        cut = draw(st.integers(min_value=0, max_value=20))
        text = text[:at] + draw(st.text(max_size=12)) + text[at + cut :]
    return text


def _check(tmp_path: Path, text: str) -> None:
    path = tmp_path / "mutated.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = run_cli("validate", str(path))
    assert result.code in (0, 2), result.err
    assert "Traceback" not in result.err + result.out
    if result.code == 2:
        assert result.err.strip(), "a refusal must say why"
        assert str(path) in result.err.splitlines()[0], "the message must name the file"


SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(text=mutated_frameworks())
def test_mutated_structure_never_crashes(tmp_path: Path, text: str) -> None:
    _check(tmp_path, text)


@SETTINGS
@given(text=corrupted_text())
def test_garbage_in_the_text_never_crashes(tmp_path: Path, text: str) -> None:
    _check(tmp_path, text)


def _read(text: str) -> Any:
    """What `safeyaml.loads` makes of the text: data (NaN-safe), lines, repairs; or its
    refusal."""
    try:
        loaded = safeyaml.loads(text, Path("synthetic.yaml"))
    except safeyaml.YamlProblem as exc:
        return str(exc)
    return repr(loaded.data), loaded.lines, [str(r) for r in loaded.repairs]


@SETTINGS
@given(text=st.one_of(mutated_frameworks(), corrupted_text()))
def test_libyaml_reads_what_pyyaml_reads(text: str) -> None:
    """Frameworks are parsed by libyaml for speed; PyYAML's own parser is the reference:
    the same data, the same line for every key, the same repairs and refusals."""
    fast = _read(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.delattr(yaml, "CSafeLoader")
        assert _read(text) == fast
