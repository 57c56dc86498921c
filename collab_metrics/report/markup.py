"""HTML fragments of the report: the `Html` type, the status icons and the element builder.

`Html` is markup that is safe to insert as is, in a notebook (`_repr_html_`) and in a Jinja
template (`__html__`). The parts in their own modules render templates (report/templating.py);
the element builder `element` serves the parts still written in sections.py. Safety: `element`
escapes every plain string (titles, names, justifications and notes come from users' files)
and inserts only `Html` as markup. Accessibility: a status is always an icon AND words, and
whatever a style sheet may colour carries a semantic class (`status status-on_track`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Final, TypeAlias

from collab_metrics import charts
from collab_metrics.text.labels import (
    ACTION_STATUS,
    DIRECTION,
    JUDGEMENT,
    STATUS,
    Language,
)

# Shapes that stay distinct in black and white; U+FE0E asks for the text glyph, not an
# emoji, so ✔ and ✖ print as plain black marks.
STATUS_ICONS: Final = {
    "achieved": "✔\ufe0e",
    "achieved_late": "◑",
    "not_achieved": "✖\ufe0e",
    "met_within_noise": "≈",
    "on_track": "▲",
    "acceleration_needed": "◆",
    "limited_progress": "▼",
    "moving_away": "✖\ufe0e",
    "cannot_assess": "?",
    "": "○",
}
CONSISTENCY_ICONS: Final = {
    "sufficient": "✔\ufe0e",
    "insufficient": "✖\ufe0e",
    "cannot_assess": "?",
}


# --- HTML building -------------------------------------------------------------------


class Html:
    """Markup that is safe to insert as is; a notebook's `display()` shows it as HTML."""

    __slots__ = ("markup",)

    def __init__(self, markup: str = "") -> None:
        self.markup = markup

    def __str__(self) -> str:
        return self.markup

    def _repr_html_(self) -> str:
        return self.markup

    def __html__(self) -> str:
        """Jinja's autoescape inserts `Html` as is (the markupsafe protocol)."""
        return self.markup


Content: TypeAlias = "Html | str | Sequence[Content] | None"


def _render(content: Content) -> str:
    """Plain strings escaped, `Html` as is, sequences joined, None as nothing."""
    if content is None:
        return ""
    if isinstance(content, Html):
        return content.markup
    if isinstance(content, str):
        return html.escape(content)
    return "".join(_render(part) for part in content)


_VOID: Final = frozenset({"br", "img", "hr", "wbr"})


def element(tag: str, *content: Content, cls: str | None = None, **attrs: str | None) -> Html:
    """One element; `aria_hidden="true"` becomes `aria-hidden="true"`, None drops it."""
    pairs = [("class", cls), *((key.replace("_", "-"), value) for key, value in attrs.items())]
    text = "".join(f' {key}="{html.escape(value)}"' for key, value in pairs if value is not None)
    if tag in _VOID:  # no end tag: a parser reads "</br>" as a second <br>
        return Html(f"<{tag}{text}>")
    return Html(f"<{tag}{text}>{_render(content)}</{tag}>")


def joined(*content: Content) -> Html:
    """Fragments joined into one, escaped as `_render` escapes them."""
    return Html(_render(content))


def table_row(
    header: Content,
    cells: Sequence[Content],
    *,
    cls: str | None = None,
    numeric: Iterable[int] = (),
    scope: str = "row",
) -> Html:
    """A body row: a row header, then cells; `numeric` cell indices get class "num"."""
    right = set(numeric)
    return element(
        "tr",
        element("th", header, scope=scope),
        [element("td", cell, cls="num" if i in right else None) for i, cell in enumerate(cells)],
        cls=cls,
    )


def table(
    caption: str, headers: Sequence[str], rows: Sequence[Html], cls: str, grouped: bool = False
) -> Html:
    """A table with a caption and column headers; `grouped` rows are whole <tbody> groups."""
    head = element("thead", element("tr", [element("th", h, scope="col") for h in headers]))
    body = rows if grouped else element("tbody", rows)
    return element("table", element("caption", caption), head, body, cls=cls)


def _table_or_note(
    caption: str, headers: Sequence[str], body: Sequence[Html], cls: str, empty: str
) -> Html:
    """The table, or when it has no rows, the sentence saying so."""
    return table(caption, headers, body, cls=cls) if body else element("p", empty)


def chart_figure(chart: charts.Chart) -> Html:
    """A chart's figure: charts.Chart.html() escapes its alt text and caption itself."""
    return Html(chart.html())


def _iconed(icon: str, words: str, kind: str, code: str) -> Html:
    """Icon and words, never colour alone; the icon is hidden from screen readers."""
    return element(
        "span",
        element("span", icon, cls=f"{kind}-icon", aria_hidden="true"),
        " ",
        words,
        cls=f"{kind} {kind}-{code or 'none'}",
    )


def status_badge(code: str, language: Language) -> Html:
    """A status as icon and words."""
    return _iconed(STATUS_ICONS[code], STATUS[language][code], "status", code)


def direction_badge(code: str, language: Language) -> Html:
    """A direction of movement in words, marked up for the style sheet."""
    return element("span", DIRECTION[language][code], cls=f"direction direction-{code}")


def judgement_badge(code: str, language: Language) -> Html:
    """An actor's own judgement in words, marked up for the style sheet."""
    return element("span", JUDGEMENT[language][code], cls=f"assessment assessment-{code}")


def action_status_badge(code: str, language: Language) -> Html:
    """An action's status in words, marked up for the style sheet."""
    return element("span", ACTION_STATUS[language][code], cls=f"action-status action-status-{code}")
