"""Load untrusted YAML safely, remembering the line of every key.

Framework files are written by hand and sometimes sent in by others, so loading must be
safe (no object construction), bounded (alias bombs, deep nesting, huge files) and must
keep positions so every error can name the file and line the user has to fix.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from collab_metrics.errors import CollabError
from collab_metrics.model import limits

MAX_BYTES = limits.FRAMEWORK_BYTES  # a framework is a few hundred lines; 2 MiB is generous
MAX_NODES = 200_000  # counted after alias expansion, so a "billion laughs" stops early
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]

_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}

_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass(frozen=True)
class YamlProblem(CollabError):
    """A file that cannot be read as YAML: where and why."""

    file: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: {self.message}"


@dataclass
class Loaded:
    """Plain Python data from a YAML file plus the 1-based line of every key and item."""

    file: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    raw: bytes = b""
    # Syntax errors that were explained and worked around in memory (an unquoted value with
    # ': ' gets quoted) so that the rest of the file can still be checked in the same run.
    repairs: list[YamlProblem] = field(default_factory=list)

    def line_of(self, path: Path_) -> int | None:
        """Line of `path`, or of its nearest ancestor that exists in the file."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def load(file: Path) -> Loaded:
    """Read `file` as YAML: a regular UTF-8 file, size-, node- and depth-bounded, positions
    kept. The bytes read are kept in `raw` (the framework's hash is taken of them)."""
    try:
        raw = limits.read_regular(file, MAX_BYTES, "framework file")
    except FileNotFoundError:
        raise YamlProblem(file, None, "file not found") from None
    except limits.NotRegularFile:
        raise YamlProblem(
            file, None, "not a regular file (a device, pipe or directory); give a YAML file"
        ) from None
    except ValueError:
        raise YamlProblem(
            file,
            None,
            f"file is over {MAX_BYTES / 1e6:.0f} MB; framework files are limited to 2 MB",
        ) from None
    except OSError as exc:
        raise YamlProblem(file, None, f"cannot read file: {exc.strerror}") from None
    text = _decode(file, raw)
    loaded = loads(text, file)
    loaded.raw = raw
    return loaded


def loads(text: str, file: Path) -> Loaded:
    """Parse YAML text (see `load`); `file` is only used in messages.

    An unquoted value holding ': ' (common in Swedish titles: "Mål 2: fler i arbete") is
    explained, quoted in memory and parsing goes on, so one run reports every problem; the
    explanations are in `repairs`, and the caller must still refuse the file.
    """
    repairs: list[YamlProblem] = []
    root = _fast_compose(text)
    while root is _UNREAD:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
            break
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            problem = exc.problem or "invalid YAML"
            fixed = _quote_value(text, line) if len(repairs) < MAX_REPAIRS else None
            if fixed is None:
                raise YamlProblem(file, line, _explain(problem)) from None
            text, message = fixed
            repairs.append(YamlProblem(file, line, message))
        except yaml.YAMLError as exc:
            raise YamlProblem(file, None, f"YAML syntax error: {exc}") from None
        except RecursionError:
            raise YamlProblem(file, None, "YAML nested too deeply") from None
    loaded = Loaded(file=file, data=None, repairs=repairs)
    if root is None:
        loaded.data = {}
        return loaded
    builder = _Builder(loaded)
    loaded.data = builder.build(root, (), 0)
    return loaded


_UNREAD: Any = object()


def _fast_compose(text: str) -> Any:
    """The node tree by libyaml (PyYAML's C parser, ten times faster: a national framework
    of 290 actors in 0.03 s instead of 0.2 s), or `_UNREAD` when that parser is missing or
    the text is not valid YAML: PyYAML's own parser then reads it again, for the messages
    and repairs this module explains (the C parser words its errors differently)."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return _UNREAD
    try:
        return yaml.compose(text, Loader=loader)
    except Exception:  # any refusal (also text that is not UTF-8) is PyYAML's to explain
        return _UNREAD


MAX_REPAIRS = 50
# `  title: Mål 2: fler i arbete` or `- title: ...`: a key, then an unquoted value with ': '.
_KEY_VALUE = re.compile(
    r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[^\s:#'\"{}\[\]][^:#]*?):\s+(?P<value>.+)$"
)


def _quote_value(text: str, line: int | None) -> tuple[str, str] | None:
    """`text` with the value on `line` quoted, and the plain-words message; None if the
    line is not a key with an unquoted value holding ': '."""
    if line is None:
        return None
    lines = text.split("\n")
    if not 0 < line <= len(lines):
        return None
    match = _KEY_VALUE.match(lines[line - 1].rstrip("\r"))
    if match is None:
        return None
    value, hash_, comment = match["value"].partition(" #")  # a comment stays a comment
    value = value.rstrip()
    if value[0] in "'\"{[|>&*!" or ": " not in value:
        return None
    key = match["key"].strip()
    quoted = json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML quoted string
    lines[line - 1] = f"{match['lead']}{match['key']}: {quoted}" + (
        f" {hash_.strip()}{comment}" if hash_ else ""
    )
    message = (
        f"YAML syntax error: the value of '{key}' contains ': ', which YAML reads as the start "
        f"of another key; put the {key} in quotes: {key}: {quoted}"
    )
    return "\n".join(lines), message


# Plain words for the YAML errors people meet when writing a framework by hand.
_EXPLANATIONS = {
    "found character '\\t' that cannot start any token": (
        "a tab character; indent with spaces, never tabs"
    ),
    "mapping values are not allowed here": (
        "a ':' where YAML does not expect one; if a value contains ': ', put it in quotes, "
        "otherwise check the indentation of this line"
    ),
    "could not find expected ':'": (
        "a line without 'key: value'; add the ':' after the key, or check the indentation"
    ),
    "did not find expected key": (
        "the indentation does not line up with the lines above; indent keys of one block "
        "equally, with spaces"
    ),
    "did not find expected '-' indicator": (
        "a list item does not line up with the items above; start each item with '- ' at "
        "the same indentation"
    ),
}


def _explain(problem: str) -> str:
    """The YAML error in plain words with the fix, keeping the parser's words after it."""
    plain = _EXPLANATIONS.get(problem)
    if plain is None:
        return f"YAML syntax error: {problem}"
    return f"YAML syntax error: {plain} (YAML: {problem})"


def _decode(file: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start]
        raise YamlProblem(
            file,
            line,
            f"not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8 "
            "(in Excel or Notepad: 'UTF-8' encoding)",
        ) from None


class _Builder:
    """Turns composed YAML nodes into dicts, lists and scalars within the budgets."""

    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.nodes = 0
        self.constructor = yaml.SafeLoader("")
        self.active: set[int] = set()

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.nodes += 1
        line = node.start_mark.line + 1
        if self.nodes > MAX_NODES:
            raise YamlProblem(
                self.loaded.file,
                line,
                f"more than {MAX_NODES} values after expanding anchors and aliases "
                "(an alias bomb?); refusing to read further",
            )
        if depth > MAX_DEPTH:
            raise YamlProblem(self.loaded.file, line, f"nested deeper than {MAX_DEPTH} levels")
        if id(node) in self.active:
            raise YamlProblem(self.loaded.file, line, "an alias refers to itself (recursive)")
        self.loaded.lines.setdefault(path, line)
        if isinstance(node, yaml.CollectionNode) and node.tag not in _COLLECTION_TAGS:
            raise YamlProblem(self.loaded.file, line, f"unsupported YAML tag '{node.tag}'")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            self.active.add(id(node))
            items = [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
            self.active.discard(id(node))
            return items
        assert isinstance(node, yaml.ScalarNode)  # PyYAML has three kinds of node
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        self.active.add(id(node))
        out: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(
                    self.loaded.file,
                    key_line,
                    "merge keys ('<<') are not supported; write the keys out",
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(self.loaded.file, key_line, "keys must be plain words")
            key = str(key_node.value)
            if key in seen:
                raise YamlProblem(
                    self.loaded.file,
                    key_line,
                    f"key '{key}' appears twice in the same block (first at line {seen[key]})",
                )
            seen[key] = key_line
            child = (*path, key)
            self.loaded.lines[child] = key_line
            out[key] = self.build(value_node, child, depth + 1)
        self.active.discard(id(node))
        return out

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag not in _SAFE_SCALAR_TAGS:
            raise YamlProblem(
                self.loaded.file,
                node.start_mark.line + 1,
                f"unsupported YAML tag '{node.tag}'",
            )
        # YAML 1.1 reads an unquoted 0010 as the octal number 8; in this vocabulary digits
        # with a leading zero are always codes (areas), so keep the text as written.
        if node.tag == "tag:yaml.org,2002:int" and node.style is None:
            text = node.value.replace("_", "")
            if len(text) > 1 and text.startswith("0") and text.isdigit():
                return node.value
        return self.constructor.construct_object(node)
