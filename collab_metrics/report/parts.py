"""Long prose and part markup: Jinja templates and per-language Markdown prose files.

Markup of a report part lives in `report/templates/parts/<part>.html.j2`, rendered from a
view model with autoescape, so every plain value (titles, names, justifications come from
users' files) is escaped and only `Markup` goes in as is. `Row` and `Table` are the view
model of a table (`parts/macros.html.j2`).

Long static prose (the method appendix, explanations longer than a sentence) lives in
`text/prose/<language>/<name>.md.j2`: Markdown with Jinja placeholders, the same names in
both languages (a test checks this). A placeholder's plain value is pasted in as literal
text: HTML-escaped by Jinja and with Markdown punctuation backslash-escaped, so that neither
markup nor Markdown in a value takes effect; a `Markup` value (a table) goes in as a block.

Until the report layer has one shared Jinja environment, this module holds its own with the
same settings (autoescape, `StrictUndefined`, the package's `report/templates` loader).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Final

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from collab_metrics.text.catalog import Language

# Any ASCII punctuation may be backslash-escaped in CommonMark; these are the ones that can
# start or end Markdown syntax. `&`, `<`, `>` and quotes are left to Jinja's HTML escaping.
_MARKDOWN_PUNCTUATION: Final = re.compile(r"([\\`*_\[\]{}()#+\-.!|~])")
_HEADING: Final = re.compile(r"^### (.+)$", re.M)


@cache
def environment() -> jinja2.Environment:
    """The Jinja environment of the report parts' templates (`report/templates`)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("collab_metrics.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_part(name: str, /, **view: object) -> Markup:
    """The markup of `parts/<name>.html.j2` for a view model's fields."""
    return Markup(environment().get_template(f"parts/{name}.html.j2").render(**view))


def _literal(value: object) -> object:
    """A placeholder's value as literal Markdown text; `Markup` stays markup."""
    if isinstance(value, Markup):
        return value
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", str(value))


@cache
def _prose_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("collab_metrics.text", "prose"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_literal,
        keep_trailing_newline=True,
    )


@cache
def _markdown() -> MarkdownIt:
    # html: the placeholders' plain values arrive HTML-escaped, so raw HTML can only come
    # from the prose file itself or a `Markup` value.
    md = MarkdownIt("commonmark", {"html": True})
    # A line break inside a paragraph is only the file's wrapping: a space, as a reader sees
    # it (and one paragraph stays one line of text for tools that read the HTML).
    md.add_render_rule("softbreak", lambda *_: " ")
    return md


def markdown_source(name: str, language: Language, /, **values: object) -> str:
    """A prose file's Markdown with the values pasted in."""
    template = _prose_environment().get_template(f"{language}/{name}.md.j2")
    return template.render(**values)


def prose(name: str, language: Language, /, **values: object) -> Markup:
    """A prose file as HTML."""
    return Markup(_markdown().render(markdown_source(name, language, **values)))


@dataclass(frozen=True)
class ProseSection:
    """One `### ` heading of a prose file and the HTML of what follows it."""

    title: Markup
    body: Markup


def prose_sections(name: str, language: Language, /, **values: object) -> list[ProseSection]:
    """A prose file cut at its `### ` headings, for templates that wrap each in a section."""
    parts = _HEADING.split(markdown_source(name, language, **values))
    md = _markdown()
    return [
        ProseSection(Markup(md.renderInline(title)), Markup(md.render(body)))
        for title, body in zip(parts[1::2], parts[2::2], strict=True)
    ]


@dataclass(frozen=True)
class Row:
    """A table body row: a row header, then cells; `numeric` cell indices align right."""

    header: str | Markup
    cells: list[str | Markup]
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Table:
    """A table with a caption and column headers (`parts/macros.html.j2`)."""

    caption: str
    headers: list[str]
    rows: list[Row]
    cls: str


def markup(html: object) -> Markup:
    """Markup that the sections' builder made safe (`sections.Html`), for a view model."""
    return Markup(str(html))
