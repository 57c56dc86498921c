"""The message catalog: every short text a reader sees, per key, in Swedish and English.

Messages live in `collab_metrics/text/messages/<domain>.yaml`, one file per part of the
product (`status.yaml`, `charts.yaml`, `report.yaml`, ...), so that parts can change their
words without touching each other. A key is `<domain>.<name>`; each entry has `sv` and `en`
with the same `{placeholders}` (a test checks this). Values pasted into a message are already
formatted for the language (numbers, periods, area names: see the text layer's formatters).

>>> from collab_metrics.text.catalog import message
>>> message("catalog.example", "en", count="3")
'3 goals'
>>> message("catalog.example", "sv", count="3")
'3 mål'
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Final, Literal

import yaml

from collab_metrics.errors import CollabError

Language = Literal["sv", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("sv", "en")


class MessageKeyError(CollabError, LookupError):
    """A message key that is not in the catalog: a defect of the package, not of the input."""


@cache
def catalog() -> dict[str, dict[str, str]]:
    """Every message, keyed `<domain>.<name>`, read once from the package's YAML files."""
    merged: dict[str, dict[str, str]] = {}
    for resource in sorted(files("collab_metrics.text").joinpath("messages").iterdir(), key=str):
        if not resource.name.endswith(".yaml"):
            continue
        domain = resource.name.removesuffix(".yaml")
        entries = yaml.safe_load(resource.read_text(encoding="utf-8")) or {}
        for name, texts in entries.items():
            merged[f"{domain}.{name}"] = texts
    return merged


# The messages a collaboration overrides (key -> language -> text), for the code running
# in this context only: `overriding` sets them for a `with` block and restores what was
# there before, so two collaborations rendered in one process (or in two threads) never
# see each other's words. `collab_metrics.text.overrides` reads and checks them.
_NONE: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType({})
_OVERRIDES: ContextVar[Mapping[str, Mapping[str, str]]] = ContextVar("overrides", default=_NONE)


@contextmanager
def overriding(messages: Mapping[str, Mapping[str, str]]) -> Iterator[None]:
    """Within the block, `message` prefers these texts to the package's."""
    token = _OVERRIDES.set(messages)
    try:
        yield
    finally:
        _OVERRIDES.reset(token)


def message(key: str, language: Language, /, **params: object) -> str:
    """The text of `key` in `language`, with `params` pasted into its placeholders.

    A collaboration's override of the key (see `overriding`) wins over the package's text.
    """
    template = _OVERRIDES.get().get(key, {}).get(language)
    if template is None:
        try:
            template = catalog()[key][language]
        except KeyError:
            raise MessageKeyError(f"no message {key!r} in {language!r}") from None
    return template.format(**params) if params else template


def placeholders(template: str) -> set[str]:
    """The names of the `{placeholders}` in a message (for the sv/en parity check)."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}
