"""The method appendix: how status, direction, noise, forecast, context and consistency
are worked out.

The prose is `text/prose/<language>/method_appendix.md.j2`; this module only supplies the
figures it quotes (the thresholds of `collab_metrics.analysis.assess`) and the status table.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from collab_metrics.analysis.assess import (
    ACCELERATION,
    BASELINE_SLACK,
    DIRECTION_BAND,
    FORECAST_WINDOW,
    INTERVAL,
    LIMIT_EXPONENT,
    MIN_FORECAST_POINTS,
    ON_TRACK,
    PEAK_YEARS,
    SHORT_TERM,
    Z_95,
)
from collab_metrics.analysis.codes import STATUSES
from collab_metrics.report.context import ReportContext
from collab_metrics.report.markup import Html, status_badge, table, table_row
from collab_metrics.report.questions import large_gap_rule
from collab_metrics.report.templating import render
from collab_metrics.text import format as fmt
from collab_metrics.text.catalog import Language, message
from collab_metrics.text.prose import ProseSection, prose_sections

# Status codes in the order the table lists their rules ("" is a goal without a target).
_RULES: tuple[str, ...] = (*STATUSES, "")


def _status_table(language: Language, figures: dict[str, str]) -> Html:
    """Each status and the rule that gives it."""
    rows = [
        table_row(
            status_badge(code, language),
            [message(f"appendix.rule_{code or 'no_target'}", language, **figures)],
        )
        for code in _RULES
    ]
    return table(
        message("appendix.status_table_caption", language),
        [message("appendix.status_header", language), message("appendix.rule_header", language)],
        rows,
        cls="method-table",
    )


@dataclass(frozen=True)
class MethodAppendix:
    """The method appendix's view model: its title and one section per prose heading."""

    title: str
    sections: list[ProseSection]


def method_appendix(ctx: ReportContext) -> Html:
    """How status, direction, noise, forecast, context and consistency are worked out."""
    language = ctx.language

    def num(value: float, decimals: int = 2) -> str:
        return fmt.number(value, language, decimals)

    figures = {"z95": num(Z_95), "on_track": num(ON_TRACK), "acceleration": num(ACCELERATION, 1)}
    sections = prose_sections(
        "method_appendix",
        language,
        ctx.templates,
        **figures,
        status_table=Markup(_status_table(language, figures).markup),
        baseline_slack=BASELINE_SLACK,
        band=fmt.share(DIRECTION_BAND, language),
        short_term=SHORT_TERM,
        limit_exponent=num(LIMIT_EXPONENT),
        forecast_window=FORECAST_WINDOW,
        min_forecast_points=MIN_FORECAST_POINTS,
        interval=fmt.share(INTERVAL, language),
        peak_years=PEAK_YEARS,
        large_gap_rule=large_gap_rule(language),
    )
    view = MethodAppendix(message("appendix.method_title", language), sections)
    return render("parts/method_appendix.html.j2", view, ctx.templates)
