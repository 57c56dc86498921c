"""The status table of `collab status`: assessed goals as a screen table, CSV or JSON."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from collab_metrics import areas
from collab_metrics.assess import COLUMNS, assess
from collab_metrics.framework import Framework
from collab_metrics.labels import DIRECTION, SEX, STATUS, Language, number, percent
from collab_metrics.store import Store

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


def load_status(fw: Framework, store_path: Path, as_of: int | None) -> tuple[pd.DataFrame, dict]:
    """Assess the framework on the store's current data; also return the data vintage."""
    series = {fw.series_id(i.id) for i in fw.indicators}
    with Store.open(store_path, read_only=True) as store:
        observations = store.current(indicators=sorted(series))
        vintage = store.vintage(sorted(series))
    return assess(fw, observations, as_of), vintage


def stable(result: pd.DataFrame) -> pd.DataFrame:
    """Only the documented columns, in their documented order."""
    return result.loc[:, list(COLUMNS)]


def to_json(result: pd.DataFrame, vintage: dict, as_of: int | None) -> str:
    """JSON with the data used and one object per row (NaN as null)."""
    rows = [
        {key: _plain(value) for key, value in row.items()}
        for row in stable(result).to_dict(orient="records")
    ]
    return json.dumps({"as_of": as_of, "data": vintage, "rows": rows}, ensure_ascii=False, indent=2)


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def data_statement(vintage: dict, language: Language) -> str:
    """One line saying which data the table rests on (live, snapshot, files, when)."""
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
    return f"{lead}: " + ", ".join(parts) if parts else f"{lead}: –"


def table(fw: Framework, result: pd.DataFrame, vintage: dict, as_of: int | None) -> Table:
    """The status table for the screen, in the framework's language."""
    language: Language = fw.collaboration.language
    title = fw.collaboration.name + (f" ({as_of})" if as_of else "")
    grid = Table(title=title, caption=data_statement(vintage, language), show_lines=False)
    # Goal, area and note may wrap; numbers and status words must stay whole.
    for position, header in enumerate(HEADERS[language]):
        grid.add_column(header, no_wrap=position in (3, 4, 5, 6, 7, 9), overflow="fold")
    for row in result.itertuples(index=False):
        unit = fw.indicator(row.indicator).unit
        grid.add_row(
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
            percent(row.p_reach_target, language, 0),
            row.reason or "",
        )
    return grid


def _year(value: Any) -> str:
    return "" if value is pd.NA or value is None else str(value)


def _value(value: float, period: str, unit: str, language: Language) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "–"
    return f"{number(value, language)} {unit} ({period})" if period else number(value, language)


def print_table(fw: Framework, result: pd.DataFrame, vintage: dict, as_of: int | None) -> None:
    """Print the status table to the terminal."""
    Console(width=200).print(table(fw, result, vintage, as_of))
