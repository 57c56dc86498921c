"""The status table for people who open it in (Swedish) Excel: status.xlsx and --excel-csv.

`--format csv` and `status.json` stay machine-readable (snake_case, full precision). Here
the same rows get headers in the report's language, values rounded as the report rounds
them with Excel number formats (percent, one decimal, thousands), the retrieval dates as
dates, a frozen header row, fitting column widths and an "Om tabellen" / "About the table"
sheet saying what each column means and which data were used. Text stays text: a title
starting with "=" is never a formula (xlsxsafe), and in the CSV it gets a leading "'".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from collab_metrics import xlsxsafe
from collab_metrics.model.framework import Contribution, Framework
from collab_metrics.report import resources
from collab_metrics.report.status_table import StatusReport, data_statement, stable
from collab_metrics.text import format as fmt
from collab_metrics.text import overrides
from collab_metrics.text.catalog import message
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
    """One column of the Excel table: where it comes from and its kind; its header and
    meaning in each language are messages `excel.<key>` and `excel.<key>_about`."""

    key: str
    kind: Kind

    def header(self, language: Language) -> str:
        """The column's header in `language`."""
        return message(f"excel.{self.key}", language)

    def meaning(self, language: Language) -> str:
        """What the column means, in `language`."""
        return message(f"excel.{self.key}_about", language)


COLUMNS: tuple[Column, ...] = (
    Column("goal_title", "text"),
    Column("goal", "text"),
    Column("actor_name", "text"),
    Column("area", "text"),
    Column("area_name", "text"),
    Column("sex_words", "text"),
    Column("indicator_title", "text"),
    Column("unit", "text"),
    Column("baseline_year", "year"),
    Column("baseline_value", "value"),
    Column("latest_year", "year"),
    Column("latest_value", "value"),
    Column("target_year", "year"),
    Column("target_value", "value"),
    Column("cagr_actual", "percent"),
    Column("cagr_required", "percent"),
    Column("ratio", "ratio"),
    Column("status_words", "text"),
    Column("target_year_value", "value"),
    Column("achieved_year", "year"),
    Column("direction_long_words", "text"),
    Column("direction_short_words", "text"),
    Column("significant_words", "text"),
    Column("chance_words", "text"),
    Column("forecast_target_year", "value"),
    Column("forecast_low", "value"),
    Column("forecast_high", "value"),
    Column("context_name", "text"),
    Column("context_points", "points"),
    Column("reason", "text"),
)


def human_rows(fw: Framework, report: StatusReport) -> pd.DataFrame:
    """The status rows with words in the report's language and values rounded as shown
    (the collaboration's own words where it overrides the package's)."""
    with overrides.using(fw.path):
        return _human_rows(fw, report)


def _human_rows(fw: Framework, report: StatusReport) -> pd.DataFrame:
    language: Language = fw.collaboration.language
    rows = stable(report.rows).copy()
    yes, no = message("excel.answer_yes", language), message("excel.answer_no", language)
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
    """The table's headers in `language`."""
    return [c.header(language) for c in COLUMNS]


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
        shown = [column.header(language)] + [str(v) for v in frame[column.key] if v is not None]
        width = max(len(text) for text in shown[:500])
        sheet.column_dimensions[letter].width = min(max(8, width + 2), 50)
    sheet.freeze_panes = "A2"
    xlsxsafe.as_text(sheet)


def write_about(sheet: Any, report: StatusReport, language: Language) -> None:
    """What each column means, and which data the table rests on (with dates as dates)."""
    sheet.append(
        [message("excel.about_column", language), message("excel.about_meaning", language)]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        sheet.append([column.header(language), column.meaning(language)])
    sheet.append([])
    sheet.append([data_statement(report.vintage, language, report.known_before)])
    sheet.append(
        [message("excel.about_source", language), message("excel.about_retrieved", language)]
    )
    for source, info in report.vintage.get("sources", {}).items():
        when = info.get("last_fetch_at")
        if info.get("observations") and when:
            sheet.append([source, date.fromisoformat(when[:10])])
            sheet.cell(sheet.max_row, 2).number_format = "yyyy-mm-dd"
    if report.period or report.as_of:
        period = str(report.period or report.as_of)
        sheet.append([message("excel.about_period", language), period])
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
        header = column.header(language)
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


def write_workbook(
    fw: Framework,
    report: StatusReport,
    path: Path,
    contributions: Sequence[Contribution] = (),
) -> None:
    """An Excel workbook of the status table, the consistency checks, the resources against
    the agreed split (with `contributions` from the actors' workbooks) and the data used, in
    the report's language with number formats."""
    language: Language = fw.collaboration.language
    checks = pd.DataFrame(
        [
            {
                "goal": c.goal,
                "verdict": c.verdict,
                "required_change_percent": c.required_change_percent,
                "implied_change_percent": c.implied_change_percent,
                "gap_percentage_points": c.gap_percentage_points,
                "coverage": c.coverage,
                "uncovered": ", ".join(fmt.area_name(a) for a in c.uncovered),
                "reason": c.reason,
            }
            for c in report.consistency
        ]
    )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        write_sheet_table(writer.book.create_sheet("Status"), human_rows(fw, report), language)
        name = message("excel.sheet_consistency", language)
        checks.to_excel(writer, sheet_name=name, index=False, freeze_panes=(1, 0))
        sheet = writer.sheets[name]
        xlsxsafe.as_text(sheet)  # a goal title "=..." stays text
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column[:200])
            sheet.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 60)
        if fw.resources is not None:
            sheet = writer.book.create_sheet(message("resources.sheet", language))
            resources.write_sheet(sheet, fw, language, contributions)
        about = message("excel.sheet_about", language)
        write_about(writer.book.create_sheet(about), report, language)
