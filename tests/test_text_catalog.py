"""The message catalog: both languages carry every key with the same placeholders."""

from __future__ import annotations

import doctest

import pytest

from collab_metrics.text import catalog as catalog_module
from collab_metrics.text.catalog import LANGUAGES, MessageKeyError, catalog, message, placeholders


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    problems = []
    for key, texts in catalog().items():
        missing = [lang for lang in LANGUAGES if not isinstance(texts.get(lang), str)]
        extra = set(texts) - set(LANGUAGES)
        if missing or extra:
            problems.append(f"{key}: missing {missing}, unexpected {sorted(extra)}")
            continue
        sv, en = (placeholders(texts[lang]) for lang in LANGUAGES)
        if sv != en:
            problems.append(f"{key}: sv has {sorted(sv)}, en has {sorted(en)}")
    assert not problems, "\n".join(problems)


def test_unknown_key_names_itself() -> None:
    with pytest.raises(MessageKeyError, match=r"catalog\.nothing"):
        message("catalog.nothing", "sv")


def test_doctest() -> None:
    assert doctest.testmod(catalog_module).failed == 0


def test_keys_are_names_not_yaml_booleans() -> None:
    # YAML reads a bare `yes:`, `no:`, `on:` or `null:` key as a boolean or None.
    odd = [key for key in catalog() if key.rsplit(".", 1)[1] in ("True", "False", "None")]
    assert not odd, odd
