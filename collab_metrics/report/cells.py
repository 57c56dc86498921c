"""Which cells of an executed report notebook reach the report, and in which language.

The report notebooks carry the report's structure and narrative. A cell tagged `report`
reaches the report in every language; `report-sv` or `report-en` only in a report in that
language (an analyst writes a sentence once per language, or once for both). A markdown
cell so tagged appears as text at its place; a code cell so tagged shows its outputs
(HTML, charts), never its code. Untagged cells are notes for the analyst.

A notebook with no report tag at all (a fork written before tags existed) keeps the old
rule: every code cell's output reaches the report, no markdown cell does.

>>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
>>> note, both, swedish = (new_markdown_cell(s) for s in ("a note", "Hej", "Hej igen"))
>>> both.metadata["tags"], swedish.metadata["tags"] = ["report"], ["report-sv"]
>>> notebook = new_notebook(cells=[note, both, swedish])
>>> [c.source for c in report_cells(notebook, "en").cells]
['Hej']
>>> [c.source for c in report_cells(notebook, "sv").cells]
['Hej', 'Hej igen']
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Final

from collab_metrics.text.catalog import Language, message

if TYPE_CHECKING:
    from nbformat import NotebookNode

TAG: Final = "report"
LANGUAGE_TAGS: Final = {"sv": "report-sv", "en": "report-en"}


def tagged(cell: NotebookNode) -> set[str]:
    """The report tags a cell carries (`report`, `report-sv`, `report-en`)."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    return tags & {TAG, *LANGUAGE_TAGS.values()}


def report_cells(node: NotebookNode, language: Language) -> NotebookNode:
    """A copy of the executed notebook holding only the cells the report shows, in order.

    Images of a kept code cell get alternative text: the chart's own (`alt` metadata, as the
    package's charts set it), else the comment lines that open the cell, else a plain
    "chart added in the notebook" in the report's language.
    """
    kept = copy.deepcopy(node)
    if not any(tagged(cell) for cell in node.cells):
        kept.cells = [cell for cell in kept.cells if cell.cell_type == "code"]
        return kept
    wanted = {TAG, LANGUAGE_TAGS[language]}
    kept.cells = [cell for cell in kept.cells if tagged(cell) & wanted]
    for cell in kept.cells:
        if cell.cell_type == "code":
            _describe_images(cell, language)
    return kept


def opening_comment(source: str) -> str:
    """The `#` comment lines that open a code cell, joined: the analyst's words on its chart.

    >>> opening_comment("# Youth unemployment, Blekinge\\n# 2010-2022\\nplot()")
    'Youth unemployment, Blekinge 2010-2022'
    """
    words = []
    for line in source.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        words.append(stripped.lstrip("#").strip())
    return " ".join(w for w in words if w)


def _describe_images(cell: NotebookNode, language: Language) -> None:
    """Give every image output of the cell alternative text (screen readers, the PDF)."""
    fallback = opening_comment(cell.source) or message("notebook.chart_without_comment", language)
    for output in cell.get("outputs", []):
        if "image/png" in output.get("data", {}) and not output.get("metadata", {}).get("alt"):
            output.setdefault("metadata", {})["alt"] = fallback
