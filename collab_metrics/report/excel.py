"""The status table for people who open it in (Swedish) Excel: status.xlsx and --excel-csv.

`--format csv` and `status.json` stay machine-readable (snake_case, full precision). Here
the same rows get headers in the report's language, values rounded as the report rounds
them with Excel number formats (percent, one decimal, thousands), the retrieval dates as
dates, a frozen header row, fitting column widths and an "Om tabellen" / "About the table"
sheet saying what each column means and which data were used. Text stays text: a title
starting with "=" is never a formula (xlsxsafe), and in the CSV it gets a leading "'".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from collab_metrics import xlsxsafe
from collab_metrics.model.framework import Framework
from collab_metrics.report.status_table import StatusReport, data_statement, stable
from collab_metrics.text import format as fmt
from collab_metrics.text import overrides
from collab_metrics.text.labels import CHANCE, DIRECTION, STATUS, Language

Kind = Literal["text", "year", "value", "percent", "points", "ratio"]
# Excel's number formats; Swedish Excel shows them with a decimal comma and space thousands.
FORMATS: dict[Kind, str] = {
    "text": "@",
    "year": "0",
    "value": "#,##0.0",
    "percent": "0.0%",
    "points": "0.0",
    "ratio": "0.00",
}
DIGITS: dict[Kind, int] = {"value": 1, "percent": 3, "points": 1, "ratio": 2}


@dataclass(frozen=True)
class Column:
    """One column of the Excel table: where it comes from, kind, words in both languages."""

    key: str
    kind: Kind
    sv: str
    en: str
    meaning_sv: str
    meaning_en: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "goal_title",
        "text",
        "Mål",
        "Goal",
        "Målets rubrik i ramverket.",
        "The goal's title in the framework.",
    ),
    Column(
        "goal",
        "text",
        "Mål-id",
        "Goal id",
        "Målets id i ramverket.",
        "The goal's id in the framework.",
    ),
    Column(
        "actor_name",
        "text",
        "Aktör",
        "Actor",
        "Aktören vars eget mål raden gäller; – för ett gemensamt mål.",
        "The actor whose own goal the row is; – for a shared goal.",
    ),
    Column(
        "area",
        "text",
        "Områdeskod",
        "Area code",
        "Kolada-kod för området (fyra siffror).",
        "Kolada area code (four digits).",
    ),
    Column("area_name", "text", "Område", "Area", "Områdets namn.", "The area's name."),
    Column("sex_words", "text", "Kön", "Sex", "Totalt, kvinnor eller män.", "Total, women or men."),
    Column(
        "indicator_title", "text", "Indikator", "Indicator", "Vad som mäts.", "What is measured."
    ),
    Column("unit", "text", "Enhet", "Unit", "Indikatorns enhet.", "The indicator's unit."),
    Column(
        "baseline_year",
        "year",
        "Basår",
        "Baseline year",
        "Året målet räknas från.",
        "The year the goal starts from.",
    ),
    Column(
        "baseline_value",
        "value",
        "Utgångsvärde",
        "Baseline value",
        "Värdet basåret, i indikatorns enhet.",
        "The value in the baseline year, in the indicator's unit.",
    ),
    Column(
        "latest_year",
        "year",
        "Senaste år",
        "Latest year",
        "Senaste året med data.",
        "The latest year with data.",
    ),
    Column(
        "latest_value",
        "value",
        "Senaste värde",
        "Latest value",
        "Värdet det senaste året.",
        "The value in the latest year.",
    ),
    Column(
        "target_year",
        "year",
        "Målår",
        "Target year",
        "Året målet ska vara nått.",
        "The year by which the target should be met.",
    ),
    Column(
        "target_value",
        "value",
        "Målvärde",
        "Target value",
        "Värdet målet kräver.",
        "The value the target requires.",
    ),
    Column(
        "cagr_actual",
        "percent",
        "Förändring per år hittills",
        "Change per year so far",
        "Genomsnittlig relativ förändring per år från basåret.",
        "Average relative change per year since the baseline year.",
    ),
    Column(
        "cagr_required",
        "percent",
        "Förändring per år som krävs",
        "Change per year needed",
        "Relativ förändring per år som målet kräver.",
        "Relative change per year the target needs.",
    ),
    Column(
        "ratio",
        "ratio",
        "Kvot R",
        "Ratio R",
        "Takten hittills delad med takten som krävs (1 = precis rätt takt).",
        "The pace so far divided by the pace needed (1 = exactly the pace needed).",
    ),
    Column(
        "status_words",
        "text",
        "Status",
        "Status",
        "Bedömning mot målet.",
        "Assessment against the target.",
    ),
    Column(
        "target_year_value",
        "value",
        "Värde målåret",
        "Value in the target year",
        "Värdet målåret, när det finns.",
        "The value in the target year, once it exists.",
    ),
    Column(
        "achieved_year",
        "year",
        "År målet nåddes",
        "Year achieved",
        "Första året målet nåddes, om det nåddes sent.",
        "The first year the target was met, if met late.",
    ),
    Column(
        "direction_long_words",
        "text",
        "Riktning lång sikt",
        "Direction, long term",
        "Utvecklingen från basåret.",
        "The development since the baseline year.",
    ),
    Column(
        "direction_short_words",
        "text",
        "Riktning kort sikt",
        "Direction, short term",
        "Utvecklingen de senaste fem åren.",
        "The development over the last five years.",
    ),
    Column(
        "significant_words",
        "text",
        "Utom slumpvariation",
        "Beyond random variation",
        "Ja när förändringen är större än slumpen kan förklara; tomt utan befolkningsbas.",
        "Yes when the change exceeds random variation; empty without a population base.",
    ),
    Column(
        "chance_words",
        "text",
        "Chans att nå målet",
        "Chance of reaching target",
        "Bedömning från prognosintervallet målåret.",
        "Judged from the forecast interval in the target year.",
    ),
    Column(
        "forecast_target_year",
        "value",
        "Prognos målåret",
        "Forecast, target year",
        "Trendens prognos för målåret.",
        "The trend's forecast for the target year.",
    ),
    Column(
        "forecast_low",
        "value",
        "Prognos, lägre gräns",
        "Forecast, lower bound",
        "Prognosintervallets nedre gräns.",
        "The forecast interval's lower bound.",
    ),
    Column(
        "forecast_high",
        "value",
        "Prognos, övre gräns",
        "Forecast, upper bound",
        "Prognosintervallets övre gräns.",
        "The forecast interval's upper bound.",
    ),
    Column(
        "context_name",
        "text",
        "Jämförelseområde",
        "Comparison area",
        "Området förändringen jämförs med.",
        "The area the change is compared with.",
    ),
    Column(
        "context_points",
        "points",
        "Skillnad mot jämförelseområdet (procentenheter)",
        "Difference from the comparison area (percentage points)",
        "Områdets relativa förändring minus jämförelseområdets, i procentenheter.",
        "The area's relative change minus the comparison area's, in percentage points.",
    ),
    Column(
        "reason",
        "text",
        "Anmärkning",
        "Note",
        "Varför en bedömning saknas eller är osäker.",
        "Why a signal is missing or qualified.",
    ),
)


def human_rows(fw: Framework, report: StatusReport) -> pd.DataFrame:
    """The status rows with words in the report's language and values rounded as shown
    (the collaboration's own words where it overrides the package's)."""
    with overrides.using(fw.path):
        return _human_rows(fw, report)


def _human_rows(fw: Framework, report: StatusReport) -> pd.DataFrame:
    language: Language = fw.collaboration.language
    rows = stable(report.rows).copy()
    yes, no = ("Ja", "Nej") if language == "sv" else ("Yes", "No")
    rows["goal_title"] = [fw.goal(g).title for g in rows["goal"]]
    rows["actor_name"] = [fw.actor(a).name if a else "–" for a in rows["actor"]]
    rows["area_name"] = [fmt.area_name(a) for a in rows["area"]]
    rows["sex_words"] = [fmt.sex(s, language) for s in rows["sex"]]
    rows["indicator_title"] = [fw.indicator(i).title for i in rows["indicator"]]
    rows["unit"] = [fw.indicator(i).unit for i in rows["indicator"]]
    rows["status_words"] = [STATUS[language][s] for s in rows["status"]]
    for key in ("direction_long", "direction_short"):
        rows[f"{key}_words"] = [DIRECTION[language].get(d, d) for d in rows[key]]
    rows["significant_words"] = [
        "" if fmt.missing(s) else (yes if s else no) for s in rows["significant"]
    ]
    rows["chance_words"] = [CHANCE[language].get(c, c) for c in rows["chance"]]
    rows["context_name"] = [fmt.area_name(a) if a else "" for a in rows["context_area"]]
    rows["context_points"] = [None if fmt.missing(c) else c * 100 for c in rows["context_change"]]
    out = pd.DataFrame(index=rows.index)
    for column in COLUMNS:
        values = rows[column.key]
        out[column.key] = [_rounded(v, column.kind) for v in values]
    return out.reset_index(drop=True)


def _rounded(value: Any, kind: Kind) -> Any:
    if fmt.missing(value) or (kind != "text" and value == ""):
        return None
    if kind == "text":
        return str(value)
    if kind == "year":
        return int(value)
    return round(float(value), DIGITS[kind])


def headers(language: Language) -> list[str]:
    return [getattr(c, language) for c in COLUMNS]


def write_sheet_table(sheet: Any, frame: pd.DataFrame, language: Language) -> None:
    """Headers, values with number formats, frozen header row and widths on `sheet`."""
    sheet.append(headers(language))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in frame.itertuples(index=False):
        sheet.append(list(values))
    for position, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(position)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
            if cell.value is not None and column.kind != "text":
                cell.number_format = FORMATS[column.kind]
        shown = [getattr(column, language)] + [str(v) for v in frame[column.key] if v is not None]
        width = max(len(text) for text in shown[:500])
        sheet.column_dimensions[letter].width = min(max(8, width + 2), 50)
    sheet.freeze_panes = "A2"
    xlsxsafe.as_text(sheet)


def write_about(sheet: Any, report: StatusReport, language: Language) -> None:
    """What each column means, and which data the table rests on (with dates as dates)."""
    sv = language == "sv"
    sheet.append(["Kolumn" if sv else "Column", "Betydelse" if sv else "Meaning"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        sheet.append([getattr(column, language), column.meaning_sv if sv else column.meaning_en])
    sheet.append([])
    sheet.append([data_statement(report.vintage, language, report.known_before)])
    sheet.append(["Källa" if sv else "Source", "Hämtad" if sv else "Retrieved"])
    for source, info in report.vintage.get("sources", {}).items():
        when = info.get("last_fetch_at")
        if info.get("observations") and when:
            sheet.append([source, date.fromisoformat(when[:10])])
            sheet.cell(sheet.max_row, 2).number_format = "yyyy-mm-dd"
    if report.period or report.as_of:
        period = str(report.period or report.as_of)
        sheet.append(["Uppföljningsperiod" if sv else "Follow-up period", period])
    sheet.column_dimensions["A"].width = 45
    sheet.column_dimensions["B"].width = 90
    xlsxsafe.as_text(sheet)


def excel_csv(fw: Framework, report: StatusReport) -> bytes:
    """The table as Swedish Excel opens a CSV: ';' between cells, decimal comma, UTF-8 BOM.

    Percent columns are written as percentages (header "(%)"); text that Excel would take
    for a formula starts with "'".
    """
    language: Language = fw.collaboration.language
    frame = human_rows(fw, report)
    named: dict[str, list[Any]] = {}
    for column in COLUMNS:
        values = list(frame[column.key])
        header = getattr(column, language)
        if column.kind == "percent":
            values = [None if v is None else round(v * 100, 1) for v in values]
            header += " (%)"
        elif column.kind == "text":
            values = [_defused(v) for v in values]
        elif column.kind == "year":
            values = pd.array(values, dtype="Int64")
        named[_defused(header)] = values
    text = pd.DataFrame(named).to_csv(index=False, sep=";", decimal=",")
    return text.encode("utf-8-sig")


def _defused(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(xlsxsafe.FORMULA_STARTS):
        return "'" + value
    return value
