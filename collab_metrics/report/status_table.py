"""The status table of `collab status`: assessed goals as a screen table, CSV or JSON."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from collab_metrics.analysis.assess import COLUMNS, assess
from collab_metrics.analysis.contributions import Consistency, consistency
from collab_metrics.errors import CollabError
from collab_metrics.model import areas, periods
from collab_metrics.model.framework import Framework
from collab_metrics.store import Store
from collab_metrics.text import screen
from collab_metrics.text.labels import (
    CHANCE,
    CONSISTENCY,
    DIRECTION,
    SEX,
    STATUS,
    Language,
    number,
    percent,
)

HEADERS = {
    "sv": (
        "Mål",
        "Aktör",
        "Område",
        "Kön",
        "Utgångsläge",
        "Senaste",
        "Målvärde",
        "Status",
        "Riktning lång / kort",
        "Chans att nå målet",
        "Anmärkning",
    ),
    "en": (
        "Goal",
        "Actor",
        "Area",
        "Sex",
        "Baseline",
        "Latest",
        "Target",
        "Status",
        "Direction long / short",
        "Chance of reaching target",
        "Note",
    ),
}


class NoDataBefore(CollabError, ValueError):
    """The store holds nothing retrieved before the day asked for."""


@dataclass(frozen=True, eq=False)
class StatusReport:
    """Everything `collab status` shows: goal rows, consistency per shared goal, data used."""

    rows: pd.DataFrame
    consistency: list[Consistency]
    vintage: dict
    as_of: int | None
    period: str | None = None  # the follow-up period (collab_metrics.model.periods)
    known_before: date | None = None  # the store's data as retrieved before this day


def load_status(
    fw: Framework,
    store_path: Path,
    as_of: int | None,
    period: str | None = None,
    *,
    known_before: date | None = None,
) -> StatusReport:
    """Assess the framework for the follow-up period, on the store's current data or on what
    the store held from data retrieved before `known_before` (its vintages): what was known.

    `period` defaults to the latest period the shared goals have data for (up to `as_of`);
    data beyond it does not enter the assessment.
    """
    series = {fw.series_id(i.id) for i in fw.indicators}
    with Store.open(store_path, read_only=True) as store:
        if known_before is None:
            observations = store.current(indicators=sorted(series))
        else:
            moment = datetime.combine(known_before, time.min)
            observations = store.as_of(moment, indicators=sorted(series))
            if observations.empty:
                raise NoDataBefore(
                    f"the store {store_path} holds no data retrieved before {known_before}"
                )
        vintage = store.vintage(sorted(series))
    period = period or periods.default(fw, observations, as_of)
    if period is not None:
        as_of = min(periods.year(period), as_of or periods.year(period))
    # Weighing actors' targets needs a population base; goals without one are not checked.
    checks = [
        consistency(fw, observations, g.id, as_of=as_of)
        for g in fw.shared_goals
        if fw.indicator(g.indicator).population_base
    ]
    result = assess(fw, observations, as_of)
    return StatusReport(result, checks, vintage, as_of, period, known_before)


def stable(result: pd.DataFrame) -> pd.DataFrame:
    """Only the documented columns, in their documented order."""
    return result.loc[:, list(COLUMNS)]


def to_json(report: StatusReport) -> str:
    """JSON with the data used, one object per row and the consistency checks (NaN: null)."""
    rows = [
        {key: _plain(value) for key, value in row.items()}
        for row in stable(report.rows).to_dict(orient="records")
    ]
    checks = [
        {
            "goal": c.goal,
            "sex": c.sex,
            "verdict": c.verdict,
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
    names = {
        "kolada": "Kolada",
        "ddf": "Kolada (offline snapshot)" if language == "en" else "Kolada (offlineutdrag)",
        "pxweb": "PxWeb/SCB",
        "file": "actor files" if language == "en" else "aktörernas filer",
    }
    parts = [
        f"{names.get(source, source)} {info['last_fetch_at'][:10]}"
        for source, info in vintage.get("sources", {}).items()
        if info.get("observations")
    ]
    lead = "Data used" if language == "en" else "Data"
    text = f"{lead}: " + ", ".join(parts) if parts else f"{lead}: –"
    if known_before is not None:
        text += (
            f"; as known before {known_before.isoformat()} (the store's earlier vintages)"
            if language == "en"
            else f"; som den var känd före {known_before.isoformat()} (lagrets äldre versioner)"
        )
    return text


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
    language: Language = fw.collaboration.language
    title, caption = _heading(fw, report)
    rows = _screen_rows(fw, report)
    if width is not None:
        return screen.fitted_table(_screen_columns(language), rows, width, title, caption)[0]
    grid = Table(title=title, caption=caption)
    # Goal, area and note may wrap; numbers and status words must stay whole.
    for position, header in enumerate(HEADERS[language]):
        grid.add_column(header, no_wrap=position in (3, 4, 5, 6, 7, 9), overflow="fold")
    for row in rows:
        grid.add_row(*row)
    return grid


def hidden_columns(fw: Framework, report: StatusReport, width: int) -> list[str]:
    """The headers of the columns a table of `width` leaves out."""
    columns = _screen_columns(fw.collaboration.language)
    return screen.fitted_table(columns, _screen_rows(fw, report), width)[1]


def _screen_columns(language: Language) -> list[screen.Column]:
    return [
        screen.Column(header, rank, cut)
        for header, (rank, cut) in zip(HEADERS[language], _SCREEN, strict=True)
    ]


def _heading(fw: Framework, report: StatusReport) -> tuple[str, str]:
    named = report.period or report.as_of
    title = fw.collaboration.name + (f" ({named})" if named else "")
    language: Language = fw.collaboration.language
    return title, data_statement(report.vintage, language, report.known_before)


def _screen_rows(fw: Framework, report: StatusReport) -> list[list[str]]:
    language: Language = fw.collaboration.language
    rows = []
    for row in report.rows.itertuples(index=False):
        unit = fw.indicator(row.indicator).unit
        rows.append(
            [
                fw.goal(row.goal).title,
                fw.actor(row.actor).name if row.actor else "–",
                f"{row.area} {areas.get(row.area).name}",
                SEX[language][row.sex],
                _value(row.baseline_value, row.baseline_period, unit, language),
                _value(row.latest_value, row.latest_period, unit, language),
                _value(row.target_value, _year(row.target_year), unit, language),
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


def _value(value: float, period: str, unit: str, language: Language) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "–"
    return f"{number(value, language)} {unit} ({period})" if period else number(value, language)


def consistency_lines(fw: Framework, report: StatusReport) -> list[str]:
    """One sentence per shared goal: do the actors' own targets add up?"""
    language: Language = fw.collaboration.language
    lines = []
    for check in report.consistency:
        text = f"{fw.goal(check.goal).title}: {CONSISTENCY[language][check.verdict]}"
        if check.verdict == "cannot_assess":
            text += f" ({check.reason})"
        else:
            implied = percent(check.implied_change_percent / 100, language)
            required = percent(check.required_change_percent / 100, language)
            text += (
                f" (tillsammans {implied} mot målets {required})"
                if language == "sv"
                else f" (together {implied} against the target's {required})"
            )
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
        console.print(
            f"Dolda kolumner: {', '.join(hidden)} (bredare terminal, --wide eller --format csv)"
            if fw.collaboration.language == "sv"
            else f"Hidden columns: {', '.join(hidden)} (wider terminal, --wide or --format csv)"
        )
    for line in consistency_lines(fw, report):
        console.print(line)
