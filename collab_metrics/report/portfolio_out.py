"""The portfolio overview written out: HTML (Jinja), PDF (WeasyPrint) and Excel (openpyxl).

The HTML page uses the reports' style sheet; the Excel workbook has numbers as numbers
and every text cell kept as text (no user text becomes a formula: `xlsxsafe`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.styles import Font

from collab_metrics import xlsxsafe
from collab_metrics.analysis.codes import STATUSES
from collab_metrics.model import limits
from collab_metrics.report.portfolio import PortfolioView
from collab_metrics.report.templating import environment
from collab_metrics.text.catalog import message
from collab_metrics.text.labels import STATUS, Language

_CSS = Path(__file__).resolve().parent / "templates" / "collab" / "report.css"
_LABELS = (
    "owner",
    "period",
    "last_report",
    "goals_by_status",
    "missed",
    "at_risk",
    "overdue",
    "freshness",
    "none",
    "actor_goals",
    "actor_actions",
    "actor_costs",
)


def html(view: PortfolioView) -> str:
    """The overview as one self-contained HTML page."""
    language = view.language
    labels = {key: message(f"portfolio.{key}", language) for key in _LABELS}
    labels |= {
        "goal": message("portfolio.column_goal", language),
        "status": message("portfolio.column_status", language),
        "latest": message("portfolio.column_latest", language),
        "target": message("portfolio.column_target", language),
        "no_goals": message("portfolio.actor_no_goals", language),
        "no_actions": message("portfolio.actor_no_actions", language),
    }
    template = environment().get_template("portfolio.html.j2")
    css = _CSS.read_text(encoding="utf-8")
    return template.render(view=view, labels=labels, css=Markup(css))


def write(
    view: PortfolioView, out: Path, formats: Sequence[str], actor: str | None = None
) -> list[Path]:
    """Write the overview as `out/portfolio.html`, `.pdf` and `.xlsx` (those asked for);
    an actor's view as `out/portfolio-<actor>.*`."""
    stem = f"portfolio-{actor}" if actor else "portfolio"
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in stem)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    page = html(view)
    if "html" in formats:
        path = out / f"{stem}.html"
        path.write_text(page, encoding="utf-8")
        written.append(path)
    if "pdf" in formats:
        from weasyprint import HTML

        path = out / f"{stem}.pdf"
        with limits.time_limit(limits.PDF_EXPORT_SECONDS, "the PDF export of the overview"):
            HTML(string=page, base_url=str(out)).write_pdf(path)
        written.append(path)
    if "xlsx" in formats:
        path = out / f"{stem}.xlsx"
        workbook(view).save(path)
        written.append(path)
    return written


def workbook(view: PortfolioView) -> Workbook:
    """One sheet per collaboration row (counts as numbers), the warnings, the actor's goals."""
    language = view.language
    book = Workbook()
    sheet = book.active
    sheet.title = message("portfolio.sheet_overview", language)
    header = [
        message("portfolio.column_collaboration", language),
        message("portfolio.owner", language),
        message("portfolio.period", language),
        message("portfolio.last_report", language),
        *[STATUS[language][code] for code in STATUSES],
        message("portfolio.missed", language),
        message("portfolio.at_risk", language),
        message("portfolio.overdue", language),
        message("portfolio.silent", language, period="").rstrip(),
        message("portfolio.column_warning", language),
    ]
    sheet.append(header)
    for c in view.collaborations:
        sheet.append(
            [
                c.name,
                c.owner,
                c.period,
                c.no_report or c.last_report,
                *[c.counts.get(code, 0) for code in STATUSES],
                len(c.missed),
                len(c.at_risk),
                len(c.overdue),
                len(c.silent),
                len(c.warning.entries) if c.warning else 0,
            ]
        )
    _bold_header(sheet)
    warned = book.create_sheet(message("portfolio.sheet_warnings", language))
    warned.append(
        [
            message("portfolio.column_collaboration", language),
            message("portfolio.column_warning", language),
        ]
    )
    for c in view.collaborations:
        for entry in c.warning.entries if c.warning else ():
            warned.append([c.name, entry])
    _bold_header(warned)
    if view.actor_parts:
        _actor_sheet(book, view, language)
    for each in book.worksheets:
        xlsxsafe.as_text(each)
    return book


def _actor_sheet(book: Workbook, view: PortfolioView, language: Language) -> None:
    sheet = book.create_sheet(message("portfolio.sheet_actor", language))
    sheet.append(
        [
            message(f"portfolio.column_{key}", language)
            for key in (
                "collaboration",
                "goal",
                "status",
                "latest",
                "latest_year",
                "target",
                "target_year",
            )
        ]
    )
    for part in view.actor_parts:
        for g in part.goals:
            sheet.append(
                [
                    g.collaboration,
                    g.title,
                    STATUS[language][g.status],
                    g.latest_value,
                    g.latest_year,
                    g.target_value,
                    g.target_year,
                ]
            )
    _bold_header(sheet)


def _bold_header(sheet: object) -> None:
    for cell in sheet[1]:  # type: ignore[index]
        cell.font = Font(bold=True)
