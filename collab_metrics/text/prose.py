"""Long prose: per-language Markdown files with Jinja placeholders, rendered to HTML.

Long static prose (the method appendix, explanations longer than a sentence) lives in
`text/prose/<language>/<name>.md.j2`: Markdown with Jinja placeholders, the same names in
both languages (a test checks this). A placeholder's plain value is pasted in as literal
text: HTML-escaped by Jinja and with Markdown punctuation backslash-escaped, so that neither
markup nor Markdown in a value takes effect; a `Markup` value (a table) goes in as a block.

A collaboration may replace a prose file: `templates/prose/<language>/<name>.md.j2` in its
override folder (`overrides.template_dirs`, beside its framework file) wins over the
package's. This environment is the text layer's own, not the report's HTML one: it renders
Markdown, not markup, and has no report below it.

>>> str(prose("newer_data", "en", named="Kolada")).startswith("<p>")
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from collab_metrics.text.catalog import Language

PROSE_DIR: Final = "prose"
# Any ASCII punctuation may be backslash-escaped in CommonMark; these are the ones that can
# start or end Markdown syntax. `&`, `<`, `>` and quotes are left to Jinja's HTML escaping.
_MARKDOWN_PUNCTUATION: Final = re.compile(r"([\\`*_\[\]{}()#+\-.!|~])")
_HEADING: Final = re.compile(r"^### (.+)$", re.M)


def environment(templates: Sequence[str | Path] = ()) -> jinja2.Environment:
    """The prose environment: `prose/` in each override folder first, then the package's."""
    return _environment(tuple(str(Path(folder).resolve() / PROSE_DIR) for folder in templates))


@cache
def _environment(folders: tuple[str, ...]) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(folder) for folder in folders]
    loaders.append(jinja2.PackageLoader("collab_metrics.text", PROSE_DIR))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_literal,
        keep_trailing_newline=True,
    )


def _literal(value: object) -> object:
    """A placeholder's value as literal Markdown text; `Markup` stays markup."""
    if isinstance(value, Markup):
        return value
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", str(value))


@cache
def _markdown() -> MarkdownIt:
    # html: the placeholders' plain values arrive HTML-escaped, so raw HTML can only come
    # from the prose file itself or a `Markup` value.
    md = MarkdownIt("commonmark", {"html": True})
    # A line break inside a paragraph is only the file's wrapping: a space, as a reader sees
    # it (and one paragraph stays one line of text for tools that read the HTML).
    md.add_render_rule("softbreak", lambda *_: " ")
    return md


def markdown_source(
    name: str, language: Language, /, templates: Sequence[str | Path] = (), **values: object
) -> str:
    """A prose file's Markdown with the values pasted in (`templates`: override folders)."""
    template = environment(templates).get_template(f"{language}/{name}.md.j2")
    return template.render(**values)


def prose(
    name: str, language: Language, /, templates: Sequence[str | Path] = (), **values: object
) -> Markup:
    """A prose file as HTML."""
    return Markup(_markdown().render(markdown_source(name, language, templates, **values)))


@dataclass(frozen=True)
class ProseSection:
    """One `### ` heading of a prose file and the HTML of what follows it."""

    title: Markup
    body: Markup


def prose_sections(
    name: str, language: Language, /, templates: Sequence[str | Path] = (), **values: object
) -> list[ProseSection]:
    """A prose file cut at its `### ` headings, for templates that wrap each in a section."""
    parts = _HEADING.split(markdown_source(name, language, templates, **values))
    md = _markdown()
    return [
        ProseSection(Markup(md.renderInline(title)), Markup(md.render(body)))
        for title, body in zip(parts[1::2], parts[2::2], strict=True)
    ]
