"""The long prose files (collab_metrics.text.prose) and the part templates (report.templating)."""

from __future__ import annotations

import re
from importlib.resources import files

import jinja2
from jinja2 import meta
from markupsafe import Markup

from collab_metrics.report import templating
from collab_metrics.report.appendix import MethodAppendix
from collab_metrics.text import prose

PROSE = files("collab_metrics.text").joinpath("prose")
# Placeholder values that are both markup and Markdown: they must come out as literal text.
HOSTILE = "<b>*bold*</b> & [link](x) _under_ #1"


def _names(language: str) -> set[str]:
    return {p.name for p in PROSE.joinpath(language).iterdir() if p.name.endswith(".md.j2")}


def _placeholders(language: str, name: str) -> set[str]:
    source = PROSE.joinpath(language, name).read_text(encoding="utf-8")
    return meta.find_undeclared_variables(jinja2.Environment().parse(source))


def test_sv_and_en_prose_files_match() -> None:
    assert _names("sv") and _names("sv") == _names("en")
    for name in _names("sv"):
        assert _placeholders("sv", name) == _placeholders("en", name), name


def test_sv_and_en_prose_have_the_same_sections() -> None:
    for name in _names("sv"):
        counts = {
            language: len(re.findall(r"^### ", PROSE.joinpath(language, name).read_text(), re.M))
            for language in ("sv", "en")
        }
        assert counts["sv"] == counts["en"], name


def _values(name: str, **given: object) -> dict[str, object]:
    return {key: given.get(key, "1") for key in _placeholders("sv", name)}


def test_placeholder_values_are_literal_text() -> None:
    values = _values("method_appendix.md.j2", large_gap_rule=HOSTILE)
    shown = str(prose.prose("method_appendix", "en", **values))
    assert "<b>" not in shown and "<em>" not in shown and "<a " not in shown
    assert "&lt;b&gt;*bold*&lt;/b&gt; &amp; [link](x) _under_ #1" in shown


def test_markup_values_are_blocks() -> None:
    table = Markup("<table><tr><td>a &amp; b</td></tr></table>")
    values = _values("method_appendix.md.j2", status_table=table)
    sections = prose.prose_sections("method_appendix", "sv", **values)
    assert str(table) in str(sections[0].body)
    assert sections[0].title == "Status mot målet"
    assert "\n" not in str(sections[0].body).strip().split("</p>")[0], "a paragraph is one line"


def test_part_templates_escape_plain_values() -> None:
    page = str(templating.render("parts/method_appendix.html.j2", MethodAppendix(HOSTILE, [])))
    assert "&lt;b&gt;*bold*&lt;/b&gt; &amp;" in page
