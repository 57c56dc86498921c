"""What the `collab` commands share: their common options, the checks of --format and
--period, and the error for bad input they raise (exit status 2)."""

from __future__ import annotations

from pathlib import Path

import click

from collab_metrics.errors import InputError
from collab_metrics.model import periods
from collab_metrics.model.framework import Framework
from collab_metrics.report import render as reporting


class UserError(InputError):
    """Bad input the user can fix: printed as one message, exit status 2."""


PARAMS = click.Path(path_type=Path, dir_okay=False)
STORE = click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The DuckDB store (default data/store.duckdb, or COLLAB_STORE).",
)
OUT = click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("outputs"),
    show_default=True,
    help="Reports go to OUT/<collaboration>/<as-of or date>/.",
)
FORMATS = click.option(
    "--format",
    "formats",
    default="html,pdf,xlsx",
    show_default=True,
    help="Comma-separated: html, pdf, xlsx.",
)
JOBS = click.option("--jobs", type=int, help="Notebooks run in parallel (default: CPU cores).")
PERIOD = click.option(
    "--period",
    help="The follow-up period in the collaboration's cadence (2024, 2024-h1, 2024-q3, "
    "2024-09); default: the latest the shared goals have data for.",
)


def formats_of(formats: str) -> list[reporting.Format]:
    """The --format list in the documented order; an unknown format is bad input."""
    named = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = sorted(set(named) - set(reporting.FORMATS))
    if unknown or not named:
        raise UserError(f"unknown format {', '.join(unknown) or '(none)'}; use html, pdf, xlsx")
    return [f for f in reporting.FORMATS if f in named]


def checked_period(framework: Framework, period: str | None, as_of: int | None) -> str | None:
    """The --period as stored, checked against the cadence and --as-of (exit 2 if wrong)."""
    if period is None:
        return None
    try:
        checked = periods.check(period, framework.collaboration.cadence)
    except periods.PeriodError as exc:
        raise UserError(f"--period: {exc}") from None
    if as_of is not None and periods.year(checked) > as_of:
        raise UserError(f"--period {checked} lies after --as-of {as_of}")
    return checked
