"""`collab collect`: Excel workbooks out to the actors, their answers back into the store."""

from __future__ import annotations

from pathlib import Path

import click

from collab_metrics import workbooks
from collab_metrics.cli.options import PARAMS, STORE, UserError
from collab_metrics.model.framework import load_framework
from collab_metrics.store import default_store_path


@click.group()
def collect() -> None:
    """Collect the actors' own judgements, actions and figures with Excel workbooks."""


@collect.command("template")
@click.argument("params", type=PARAMS)
@click.option("--period", required=True, help="The follow-up period, e.g. 2024 or 2024-h1.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where to write (default outputs/<collaboration>/collect/<period>/).",
)
@STORE
def collect_template(
    params: Path, period: str, out_dir: Path | None, store_path: Path | None
) -> None:
    """Write one workbook per actor for PARAMS: goals to judge, action plan, own figures."""
    framework = load_framework(params)
    period = workbooks.check_period(period)
    store_path = store_path or default_store_path()
    out_dir = out_dir or Path("outputs") / framework.collaboration.id / "collect" / period
    if not store_path.exists():
        click.echo(
            f"no data in {store_path} yet: the workbooks show – for the statistics "
            f"(run collab fetch {params} first to include them)",
            err=True,
        )
    written = workbooks.write_templates(framework, period, out_dir, store_path)
    for path in written:
        click.echo(f"wrote {path}")


@collect.command("import")
@click.argument("params", type=PARAMS)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--period", help="Accept only workbooks for this period.")
@click.option(
    "--replace", is_flag=True, help="Let different answers replace those already imported."
)
@STORE
def collect_import(
    params: Path,
    files: tuple[Path, ...],
    period: str | None,
    replace: bool,
    store_path: Path | None,
) -> None:
    """Check the returned workbooks FILES and store what they bring, all or nothing per file.

    Prints one line per file: imported, unchanged or refused with the reasons. Exits 2 if
    any file was refused; the others are imported all the same.
    """
    framework = load_framework(params)
    store_path = store_path or default_store_path()
    if not store_path.exists():  # a mistyped --store must not start a store of its own
        raise UserError(f"no store at {store_path} yet; run: collab fetch {params}")
    outcomes = workbooks.import_workbooks(
        framework, files, store_path, period=period, replace=replace
    )
    for outcome in outcomes:
        click.echo(str(outcome), err=outcome.refused)
    refused = sum(outcome.refused for outcome in outcomes)
    if refused:
        raise workbooks.CollectError(
            f"{refused} of {len(outcomes)} workbooks refused; nothing was imported from them"
        )
