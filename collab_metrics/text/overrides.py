"""A collaboration's own words and templates, without touching the package.

Next to the framework file (its own folder), a collaboration may keep:

- `text/<domain>.yaml`: messages that replace the package's of the same key, in the same
  form as `collab_metrics/text/messages/<domain>.yaml` (`<name>: {sv: ..., en: ...}`; one
  language is enough). A key the package does not have, a language other than sv/en, or
  a `{placeholder}` the package's message does not have is an input error naming the
  file, line and key: an override can reword a sentence, never ask for values that are
  not there.
- `templates/`: Jinja templates that replace the package's of the same name
  (`template_dirs` gives the folders to search before the package's own): any part's
  markup in `templates/parts/` (`collab_metrics.report.templating`), long prose in
  `templates/prose/<language>/` (`collab_metrics.text.prose`), the page frame and style
  sheet in `templates/collab/`.

`using(framework_path)` applies the messages to `message()` for a `with` block only
(a context variable, reset on exit), so one process can render two collaborations.

>>> from pathlib import Path
>>> template_dirs(Path("params/blekinge-unga-lyfter.yaml"))
[]
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from collab_metrics.errors import InputError
from collab_metrics.model import safeyaml
from collab_metrics.text.catalog import LANGUAGES, catalog, overriding, placeholders

TEXT_DIR: Final = "text"
TEMPLATES_DIR: Final = "templates"


class OverrideError(InputError):
    """An override file the package cannot use: which file, line and key, and why."""

    def __init__(self, file: Path, line: int | None, key: str, problem: str) -> None:
        self.file, self.line, self.key = file, line, key
        where = f"{file}:{line}" if line else str(file)
        super().__init__(f"{where}: {key}: {problem}")


@dataclass(frozen=True)
class Overrides:
    """The messages (key -> language -> text) and template folders of one collaboration."""

    folder: Path
    messages: Mapping[str, Mapping[str, str]]
    templates: tuple[Path, ...]


def folder_of(framework_path: str | Path) -> Path:
    """The collaboration's folder: the one holding its framework file."""
    return Path(framework_path).resolve().parent


def template_dirs(framework_path: str | Path) -> list[Path]:
    """The collaboration's template folders, to search before the package's own templates
    (e.g. `jinja2.FileSystemLoader([*template_dirs(path), package_dir])`); [] without."""
    own = folder_of(framework_path) / TEMPLATES_DIR
    return [own] if own.is_dir() else []


def read(framework_path: str | Path) -> Overrides:
    """The collaboration's overrides, checked against the package's catalog."""
    folder = folder_of(framework_path)
    files = sorted((folder / TEXT_DIR).glob("*.yaml")) if (folder / TEXT_DIR).is_dir() else []
    stamps = tuple((f, f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    return Overrides(folder, _messages(stamps), tuple(template_dirs(framework_path)))


@contextmanager
def using(framework_path: str | Path | None) -> Iterator[Overrides | None]:
    """Within the block, `message()` (and every text built on it) uses the collaboration's
    own words where it has any. None (a framework not read from a file): the package's."""
    if framework_path is None:
        yield None
        return
    found = read(framework_path)
    with overriding(found.messages):
        yield found


@lru_cache(maxsize=32)
def _messages(
    stamps: tuple[tuple[Path, int, int], ...],
) -> Mapping[str, Mapping[str, str]]:
    """The messages of the override files (cached by path, modification time and size)."""
    merged: dict[str, dict[str, str]] = {}
    for file, _, _ in stamps:
        merged.update(_read_file(file))
    return merged


def _read_file(file: Path) -> dict[str, dict[str, str]]:
    try:
        loaded = safeyaml.load(file)
    except safeyaml.YamlProblem as problem:
        raise OverrideError(file, problem.line, file.stem, problem.message) from None
    if loaded.repairs:
        first = loaded.repairs[0]
        raise OverrideError(file, first.line, file.stem, first.message)
    domain, package = file.stem, catalog()
    if not isinstance(loaded.data, dict):
        raise OverrideError(file, 1, domain, "expected keys with sv and en texts")
    found: dict[str, dict[str, str]] = {}
    for name, texts in loaded.data.items():
        key, line = f"{domain}.{name}", loaded.line_of((name,))
        if key not in package:
            known = [k for k in package if k.startswith(f"{domain}.")]
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0].split('.', 1)[1]!r}?" if close else ""
            if not known:
                hint = f"; the package has no message file {domain}.yaml"
            raise OverrideError(file, line, key, f"the package has no such message{hint}")
        if not isinstance(texts, dict) or not texts:
            raise OverrideError(file, line, key, "expected sv and/or en texts")
        for language, text in texts.items():
            at = loaded.line_of((name, language))
            if language not in LANGUAGES:
                raise OverrideError(file, at, key, f"unknown language {language!r}; use sv or en")
            if not isinstance(text, str):
                raise OverrideError(file, at, key, "the text must be a string")
            try:
                extra = placeholders(text) - placeholders(package[key][language])
            except ValueError as exc:  # an unmatched { or }
                raise OverrideError(file, at, key, f"not a valid message: {exc}") from None
            if extra:
                allowed = sorted(placeholders(package[key][language])) or ["none"]
                raise OverrideError(
                    file,
                    at,
                    key,
                    f"placeholder {{{sorted(extra)[0]}}} is not in the package's message "
                    f"(it has: {', '.join(allowed)})",
                )
        found[key] = dict(texts)
    return found
