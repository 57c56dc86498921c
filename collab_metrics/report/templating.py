"""The one Jinja environment of the report's parts: autoescaped, strict, overridable.

Every part of the report (summary, goals, what changed, sources, baseline analysis, method
appendix, actor extracts, ...) builds a view model (a dataclass of values already formatted
for the language) and renders it with a template `parts/<part>.html.j2` through `render`,
so all parts share these settings: autoescape, `StrictUndefined`, `trim_blocks` and
`lstrip_blocks`, and the collaboration's override folders. Autoescape is on, so every plain
string a view carries (titles, names, justifications come from users' files) is escaped;
only `Html` (charts, parts rendered before) goes in as markup. `StrictUndefined` turns a
misspelt field into an error instead of an empty string.

A collaboration can keep its own templates: the loader looks in the override folders first
(a collaboration's `templates/` beside its framework file), then in the package's
`report/templates/`, so a file `templates/parts/summary.html.j2` replaces the summary's
markup without touching the package. Every template under `report/templates/` can be
replaced this way. (Long prose is Markdown, rendered by the text layer's own environment,
`collab_metrics.text.prose`, which honours the same folders.)

`Row` and `Table` are the view model of a table (`parts/macros.html.j2`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
)
from markupsafe import Markup

from collab_metrics.report.markup import Html


def environment(overrides: Sequence[str | Path] = ()) -> Environment:
    """The environment whose loader reads `overrides` first, then the package's templates."""
    return _environment(tuple(str(Path(folder).resolve()) for folder in overrides))


@cache
def _environment(overrides: tuple[str, ...]) -> Environment:
    loaders: list[BaseLoader] = [FileSystemLoader(folder) for folder in overrides]
    loaders.append(PackageLoader("collab_metrics.report", "templates"))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_escape,
    )


def _escape(value: object) -> object:
    """Escape a plain value as the rest of the report does (`html.escape`: `&quot;`,
    `&#x27;`), so text reads the same whether a template or the element builder made it;
    markup (`Html`, a macro's output) passes as is."""
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value)))


def render(name: str, view: object, overrides: Sequence[str | Path] = ()) -> Html:
    """The template `name` rendered from a view model (`view` in the template)."""
    return Html(environment(overrides).get_template(name).render(view=view))


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
    """Markup that the sections' builder made safe (`Html`), for a view model."""
    return Markup(str(html))
