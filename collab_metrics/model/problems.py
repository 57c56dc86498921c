"""Problems in a framework file: where (file, line, key) and what, in plain words.

`SourceMap` traces a data path back to the file and line it was written on (through
included files); `translate` turns pydantic's errors into `Problem`s a user can act on.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from collab_metrics.errors import InputError
from collab_metrics.model import safeyaml
from collab_metrics.model.queries import KPI_PATTERN


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


class FrameworkError(InputError):
    """The framework files have problems; `problems` lists every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class SourceMap:
    """The loaded YAML files, so a data path can be traced back to a file and line."""

    def __init__(self, main: safeyaml.Loaded) -> None:
        self.main = main
        self.included: dict[
            tuple[str, int | str], tuple[safeyaml.Loaded, tuple[str | int, ...]]
        ] = {}

    def locate(self, path: tuple[str | int, ...]) -> tuple[Path, int | None]:
        """File and line of a data path (through included files)."""
        if len(path) >= 2 and (path[0], path[1]) in self.included:
            loaded, prefix = self.included[(path[0], path[1])]  # type: ignore[index]
            return loaded.file, loaded.line_of((*prefix, *path[2:]))
        return self.main.file, self.main.line_of(path)


def translate(
    exc: ValidationError, data: dict[str, Any], sources: SourceMap, context: dict[str, Any]
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
            problems.append(problem_at(sources, data, path, message))
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
        problems.append(problem_at(sources, data, path, message))
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


def problem_at(sources: SourceMap, data: Any, path: list[str | int], message: str) -> Problem:
    file, line = sources.locate(tuple(path))
    return Problem(file, line, key_name(data, path), message)


def key_name(data: Any, path: list[str | int]) -> str:
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
