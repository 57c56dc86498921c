"""The status table of `collab status`: assessed goals as a screen table, CSV or JSON."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from collab_metrics.analysis import followup
from collab_metrics.analysis.assess import COLUMNS
from collab_metrics.analysis.followup import NoDataBefore as NoDataBefore
from collab_metrics.model.framework import Framework
from collab_metrics.text import format as fmt
from collab_metrics.text import overrides, reasons, screen
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import CHANCE, CONSISTENCY, DIRECTION, STATUS, Language

# The screen table's columns, in order (their headers: messages/statustable.yaml).
HEADER_KEYS = (
    "goal",
    "actor",
    "area",
    "sex",
    "baseline",
    "latest",
    "target",
    "status",
    "direction",
    "chance",
    "note",
)


def headers(language: Language) -> list[str]:
    """The screen table's headers in `language`."""
    return [message(f"statustable.header_{key}", language) for key in HEADER_KEYS]


# Everything `collab status` shows: the assessed follow-up with its reasons (goal rows and
# consistency checks) in words.
StatusReport = followup.FollowUpResult


def load_status(
    fw: Framework,
    store_path: Path,
    as_of: int | None,
    period: str | None = None,
    *,
    known_before: date | None = None,
) -> StatusReport:
    """The assessed follow-up (`analysis.followup.assess_store`) with its reasons in the
    framework's language."""
    found = followup.assess_store(fw, store_path, as_of, period, known_before=known_before)
    language: Language = fw.collaboration.language
    with overrides.using(fw.path):  # the collaboration's own words, if it has any
        return dataclasses.replace(
            found,
            rows=reasons.in_words(found.rows, language),
            consistency=[reasons.consistency_in_words(c, language) for c in found.consistency],
        )


def stable(result: pd.DataFrame) -> pd.DataFrame:
    """Only the documented columns, in their documented order."""
    return result.loc[:, list(COLUMNS)]


def to_json(report: StatusReport, early_warning: dict[str, Any] | None = None) -> str:
    """JSON with the data used, one object per row and the consistency checks (NaN: null),
    and, in a report's status.json, the early warning's codes and numbers.

    Each row and check has `reason_code` (the code behind its status), `reasons` (every
    reason: its code and parameters) and `reason` (the same in words)."""
    rows = [
        {key: _plain(value) for key, value in row.items()}
        | {"reasons": [r.as_dict() for r in reasons_]}
        for row, reasons_ in zip(
            stable(report.rows).to_dict(orient="records"), report.rows["reasons"], strict=True
        )
    ]
    checks = [
        {
            "goal": c.goal,
            "sex": c.sex,
            "verdict": c.verdict,
            "reason_code": c.reason_code,
            "reasons": [r.as_dict() for r in c.reasons],
            "reason": c.reason,
            "required_change_percent": _plain(c.required_change_percent),
            "implied_change_percent": _plain(c.implied_change_percent),
            "gap_percentage_points": _plain(c.gap_percentage_points),
            "coverage": _plain(c.coverage),
            "uncovered": list(c.uncovered),
        }
        for c in report.consistency
    ]
    document = {
        "as_of": report.as_of,
        "period": report.period,
        "known_before": report.known_before.isoformat() if report.known_before else None,
        "data": report.vintage,
        "rows": rows,
        "consistency": checks,
    }
    if early_warning is not None:
        document["early_warning"] = early_warning
    return json.dumps(document, ensure_ascii=False, indent=2)


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def data_statement(vintage: dict, language: Language, known_before: date | None = None) -> str:
    """One line saying which data the table rests on (live, snapshot, files, when), and
    whether it is today's data or what the store held before a day (`--vintage`)."""
    parts = [
        f"{source_words(source, language)} {info['last_fetch_at'][:10]}"
        for source, info in vintage.get("sources", {}).items()
        if info.get("observations")
    ]
    text = message("statustable.data", language, sources=", ".join(parts) if parts else "–")
    if known_before is not None:
        day = known_before.isoformat()
        text += "; " + message("statustable.data_known_before", language, day=day)
    return text


def source_words(source: str, language: Language) -> str:
    """A store source's name for a reader ("Kolada (offline snapshot)"); unknown ids as is."""
    if source in ("kolada", "ddf", "pxweb", "file"):
        return message(f"statustable.source_{source}", language)
    return source


# Column ranks on a narrow screen (0 is kept first) and the narrowest cut of text columns.
_SCREEN = (
    (0, 12),  # goal
    (2, 8),  # actor
    (6, 9),  # area
    (3, None),  # sex
    (7, None),  # baseline
    (4, None),  # latest
    (5, None),  # target
    (1, 20),  # status: the long ones (within random variation) end in "…"
    (9, None),  # direction
    (8, None),  # chance
    (10, 12),  # note
)


def table(fw: Framework, report: StatusReport, width: int | None = None) -> Table:
    """The status table for the screen, in the framework's language.

    With a `width`, every row stays on one line: columns that do not fit are left out
    (see `hidden_columns`) and long text ends in an ellipsis. Without, everything shows.
    """
    with overrides.using(fw.path):
        return _table(fw, report, width)


def _table(fw: Framework, report: StatusReport, width: int | None) -> Table:
    language: Language = fw.collaboration.language
    title, caption = _heading(fw, report)
    rows = _words_rows(fw, report)
    if width is not None:
        return screen.fitted_table(_screen_columns(language), rows, width, title, caption)[0]
    grid = Table(title=title, caption=caption)
    # Goal, area and note may wrap; numbers and status words must stay whole.
    for position, header in enumerate(headers(language)):
        grid.add_column(header, no_wrap=position in (3, 4, 5, 6, 7, 9), overflow="fold")
    for row in rows:
        grid.add_row(*row)
    return grid


def hidden_columns(fw: Framework, report: StatusReport, width: int) -> list[str]:
    """The headers of the columns a table of `width` leaves out."""
    with overrides.using(fw.path):
        columns = _screen_columns(fw.collaboration.language)
    return screen.fitted_table(columns, _screen_rows(fw, report), width)[1]


def _screen_columns(language: Language) -> list[screen.Column]:
    return [
        screen.Column(header, rank, cut)
        for header, (rank, cut) in zip(headers(language), _SCREEN, strict=True)
    ]


def _heading(fw: Framework, report: StatusReport) -> tuple[str, str]:
    named = report.period or report.as_of
    title = fw.collaboration.name + (f" ({named})" if named else "")
    language: Language = fw.collaboration.language
    return title, data_statement(report.vintage, language, report.known_before)


def _screen_rows(fw: Framework, report: StatusReport) -> list[list[str]]:
    with overrides.using(fw.path):
        return _words_rows(fw, report)


def _words_rows(fw: Framework, report: StatusReport) -> list[list[str]]:
    language: Language = fw.collaboration.language
    rows = []
    for row in report.rows.itertuples(index=False):
        unit = fw.indicator(row.indicator).unit
        rows.append(
            [
                fw.goal(row.goal).title,
                fw.actor(row.actor).name if row.actor else "–",
                f"{row.area} {fmt.area_name(row.area)}",
                fmt.sex(row.sex, language),
                fmt.value_at(row.baseline_value, row.baseline_period, unit, language, plain=True),
                fmt.value_at(row.latest_value, row.latest_period, unit, language, plain=True),
                fmt.value_at(row.target_value, _year(row.target_year), unit, language, plain=True),
                STATUS[language][row.status],
                f"{DIRECTION[language][row.direction_long]} / "
                f"{DIRECTION[language][row.direction_short]}",
                CHANCE[language][row.chance],
                row.reason or "",
            ]
        )
    return rows


def _year(value: Any) -> str:
    return "" if value is pd.NA or value is None else str(value)


def consistency_lines(fw: Framework, report: StatusReport) -> list[str]:
    """One sentence per shared goal: do the actors' own targets add up?"""
    with overrides.using(fw.path):
        return _consistency_lines(fw, report)


def _consistency_lines(fw: Framework, report: StatusReport) -> list[str]:
    language: Language = fw.collaboration.language
    lines = []
    for check in report.consistency:
        text = f"{fw.goal(check.goal).title}: {CONSISTENCY[language][check.verdict]}"
        if check.verdict == "cannot_assess":
            text += f" ({check.reason})"
        else:
            implied = fmt.percent(check.implied_change_percent / 100, language)
            required = fmt.percent(check.required_change_percent / 100, language)
            together = message("statustable.together", language, implied=implied, required=required)
            text += f" ({together})"
        lines.append(text)
    return lines


def print_table(fw: Framework, report: StatusReport, wide: bool = False) -> None:
    """Print the status table and the consistency verdicts to the terminal.

    The table fits the terminal (COLUMNS, else its size) unless `wide` or the output is a
    file or pipe; then every column shows in full.
    """
    fitted = None if wide else screen.terminal_width()
    grid = table(fw, report, fitted)
    width = fitted or max(200, Console(width=10_000).measure(grid).maximum)
    console = Console(width=width)
    console.print(grid)
    hidden = hidden_columns(fw, report, fitted) if fitted else []
    if hidden:
        with overrides.using(fw.path):
            columns = ", ".join(hidden)
            console.print(
                message("statustable.hidden_columns", fw.collaboration.language, columns=columns)
            )
    for line in consistency_lines(fw, report):
        console.print(line)
