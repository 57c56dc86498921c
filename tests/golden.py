"""Golden-file comparison of the visible text of rendered reports (text, not pixels).

The golden files in tests/golden/ pin every word, number and table cell a reader sees, so
that moving code (issue 11: layer subpackages, a text layer) is provably behaviour-preserving.
A deliberate change of the report's wording regenerates them:

    COLLAB_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_report_e2e.py -k golden

and the diff of tests/golden/ then shows the change for review in the commit.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html as html_module
import os
import re
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"

_SV_MONTHS = [
    *("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti"),
    *("september", "oktober", "november", "december"),
]
_BLOCK = r"p|div|h[1-6]|li|tr|table|section|figcaption|br|caption|dt|dd|ul|ol|header|footer"


def visible_text(html: str) -> str:
    """The text a reader sees, one block element a line, whitespace collapsed."""
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(rf"<({_BLOCK})\b[^>]*>", "\n", text)
    text = html_module.unescape(re.sub(r"<[^>]+>", " ", text))
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line) + "\n"


def normalise(text: str) -> str:
    """Replace what changes from run to run: the day of rendering, the framework file's hash."""
    today = dt.date.today()
    for day in (today - dt.timedelta(days=1), today, today + dt.timedelta(days=1)):
        sv = f"{day.day} {_SV_MONTHS[day.month - 1]} {day.year}"
        en = f"{day.day} {day.strftime('%B')} {day.year}"
        text = text.replace(sv, "<rendering date>").replace(en, "<rendering date>")
    return re.sub(r"\bversion [0-9a-f]{12}\b", "version <framework hash>", text)


def check(name: str, html: str) -> None:
    """Compare the page's normalised text to tests/golden/NAME (or rewrite it on request)."""
    actual = normalise(visible_text(html))
    path = GOLDEN / name
    if os.environ.get("COLLAB_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path}; run with COLLAB_UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"golden/{name}",
                "rendered",
                n=1,
            )
        )
        raise AssertionError(f"the report text changed (COLLAB_UPDATE_GOLDEN=1 takes it):\n{diff}")
