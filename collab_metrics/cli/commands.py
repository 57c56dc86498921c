"""The `collab` command.

Exit codes: 0 success, 1 a failure while running (network, rendering), 2 bad input
(framework, arguments). Users never see a traceback unless they pass --debug.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from collab_metrics import __version__
from collab_metrics.cli import failures
from collab_metrics.cli.collecting import collect
from collab_metrics.cli.options import (
    FORMATS,
    JOBS,
    OUT,
    PARAMS,
    PERIOD,
    STORE,
    UserError,
    checked_period,
    formats_of,
)
from collab_metrics.cli.overview import portfolio
from collab_metrics.errors import DataError, InputError, RunError
from collab_metrics.model import periods
from collab_metrics.model.framework import (
    Framework,
    FrameworkError,
    check_framework,
    load_framework,
)
from collab_metrics.model.resources import governance_warnings
from collab_metrics.model.schema import framework_schema
from collab_metrics.pipeline import fetch as fetching
from collab_metrics.pipeline import update as updating
from collab_metrics.pipeline.actorcheck import actor_file_problems
from collab_metrics.report import excel, lagesbild, status_table
from collab_metrics.report import progress as report_progress
from collab_metrics.report import render as reporting
from collab_metrics.sources.ddf import default_snapshot_dir
from collab_metrics.sources.http import CollabSession, make_session
from collab_metrics.store import default_store_path
from collab_metrics.text.format import area_name

if TYPE_CHECKING:
    from rich.progress import TaskID


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="collab")
def app() -> None:
    """Follow up the shared goals of a collaboration with public statistics.

    Add --debug anywhere to see the full traceback of an error.
    """


app.add_command(collect)
app.add_command(portfolio)


@app.command()
@click.argument("params", type=PARAMS)
def validate(params: Path) -> None:
    """Check a framework file (PARAMS) and print a short summary.

    Structure, meaning and the declared actor files are checked in one pass. On problems,
    print one line per problem naming file, line and key, in file order, and exit 2.
    """
    framework, problems = check_framework(params)
    problems += actor_file_problems(params)
    if problems or framework is None:
        raise FrameworkError(sorted(problems, key=lambda p: (str(p.file), p.line or 0)))
    click.echo(summary(framework))
    for warning in governance_warnings(framework, date.today()):
        click.echo(f"{params}: warning: {warning}", err=True)


@app.command()
@click.argument("params", type=PARAMS)
@click.option("--offline", is_flag=True, help="Never touch the network: snapshot and files.")
@STORE
@click.option(
    "--snapshot",
    "snapshot_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The offline Kolada snapshot (default ../shared/data/kolada-ddf, or COLLAB_OFFLINE_DATA).",
)
def fetch(params: Path, offline: bool, store_path: Path | None, snapshot_dir: Path | None) -> None:
    """Fetch every statistic the framework in PARAMS needs into the local store.

    Tries the network first; if no source can be reached it says so and uses the store,
    then the offline snapshot. A failed fetch leaves the store exactly as it was (exit 1).
    """
    framework = load_framework(params)
    store_path = store_path or default_store_path()
    with _progress() as progress:
        outcome = fetching.collect(
            framework,
            mode="offline" if offline else "network",
            store_path=store_path,
            snapshot_dir=snapshot_dir or default_snapshot_dir(),
            progress=progress,
            session=None if offline else _session(store_path.parent / "http-cache"),
        )
    for message in outcome.messages:
        click.echo(message, err=True)
    click.echo(f"data used: {fetching.data_used_words(outcome)}")
    if outcome.summary is not None:
        click.echo(f"store {store_path}: {outcome.summary}")
    if outcome.requests:
        stats = outcome.requests
        click.echo(f"HTTP: {stats['network']} requests, {stats['cached']} from cache")


def _session(cache_dir: Path | None) -> CollabSession:
    """The HTTP session for web sources; waits and timeouts can be tuned by environment.

    COLLAB_HTTP_TIMEOUT (seconds per request, default 30) and COLLAB_HTTP_RETRY_WAIT (first
    wait before a retry, doubling, default 1) let a slow link or a test adjust them.
    """
    return make_session(
        cache_dir,
        base_wait=_env_seconds("COLLAB_HTTP_RETRY_WAIT", 1.0),
        timeout=_env_seconds("COLLAB_HTTP_TIMEOUT", 30.0),
    )


def _env_seconds(name: str, default: float) -> float:
    text = os.environ.get(name)
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        raise UserError(f"{name}={text!r} is not a number of seconds") from None


@app.command()
@click.argument("params", type=PARAMS)
@click.option("--as-of", type=int, help="Use only periods up to this year.")
@click.option(
    "--vintage",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Use the data as the store held it before this day (YYYY-MM-DD): what was known then.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--wide", is_flag=True, help="Show every column in full, however wide the terminal.")
@click.option(
    "--excel-csv",
    is_flag=True,
    help="CSV for Swedish Excel: ';' between cells, decimal comma, UTF-8 with BOM, headers "
    "in the report's language (--format csv stays machine-readable).",
)
@PERIOD
@STORE
def status(
    params: Path,
    as_of: int | None,
    vintage: datetime | None,
    output_format: str,
    output: Path | None,
    wide: bool,
    excel_csv: bool,
    period: str | None,
    store_path: Path | None,
) -> None:
    """Assess every goal in PARAMS: status, direction, noise, forecast, context."""
    framework = load_framework(params)
    period = checked_period(framework, period, as_of)
    store_path = store_path or default_store_path()
    if not store_path.exists():
        raise UserError(f"no data in {store_path} yet; run: collab fetch {params}")
    known_before = vintage.date() if vintage else None
    try:
        report = status_table.load_status(
            framework, store_path, as_of, period, known_before=known_before
        )
    except status_table.NoDataBefore as exc:
        raise UserError(str(exc)) from None
    if excel_csv and output_format == "json":
        raise UserError("--excel-csv writes a CSV; leave out --format json")
    if output_format == "table" and output is None and not excel_csv:
        status_table.print_table(framework, report, wide)
        return
    if excel_csv:
        text = excel.excel_csv(framework, report).decode("utf-8")  # keeps the BOM
    elif output_format == "json":
        text = status_table.to_json(report)
    elif output_format == "csv":
        text = status_table.stable(report.rows).to_csv(index=False)
    else:
        raise UserError("--format table prints to the screen; use csv or json with --output")
    data_used = status_table.data_statement(report.vintage, "en", report.known_before)
    data_used = f"follow-up period {report.period or '–'}; {data_used}"
    if output is None:
        click.echo(text, nl=False)
        click.echo(data_used, err=True)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}; {data_used}")


@app.command()
@click.argument("params", type=PARAMS)
@click.option("--as-of", type=int, help="Use only periods up to this year.")
@OUT
@FORMATS
@JOBS
@PERIOD
@STORE
@click.option(
    "--vintage",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Render the data as the store held it before this day (YYYY-MM-DD): what was "
    "known then; the report says so.",
)
@click.option(
    "--kind",
    type=click.Choice(["report", "lagesbild"]),
    default="report",
    show_default=True,
    help="report: the full report set; lagesbild: the one-page monthly situation picture "
    "of the indicators with monthly (or quarterly) data.",
)
def report(
    params: Path,
    as_of: int | None,
    out_dir: Path,
    formats: str,
    jobs: int | None,
    period: str | None,
    store_path: Path | None,
    vintage: datetime | None,
    kind: str,
) -> None:
    """Render the joint report, the actor extracts and the baseline analysis for PARAMS,
    or with --kind lagesbild the one-page monthly situation picture.

    A report never replaces another: OUT/<collaboration>/latest names the newest
    (latest-lagesbild the newest situation picture).
    """
    chosen = formats_of(formats)
    if kind == "lagesbild":
        _situation_picture(params, out_dir, chosen, period, store_path, as_of, vintage)
        return
    framework = load_framework(params)  # bad input: exit 2 before anything runs
    period = checked_period(framework, period, as_of)
    store_path = store_path or default_store_path()
    if not store_path.exists():
        raise UserError(f"no data in {store_path} yet; run: collab fetch {params}")
    with report_progress.bar("rendering") as shown:
        result = reporting.render(
            params,
            store=store_path,
            out_dir=out_dir,
            as_of=as_of,
            formats=chosen,
            jobs=jobs,
            period=period,
            known_before=vintage.date() if vintage else None,
            progress=shown,
        )
    click.echo(report_progress.summary(len(result.timings), result.seconds, result.workers))
    data_used = status_table.data_statement(
        result.manifest["data"], "en", vintage.date() if vintage else None
    )
    click.echo(f"report: {result.directory}")
    click.echo(f"follow-up period: {result.manifest['period']['label'] or '–'}")
    compared = result.manifest["previous_report"]
    click.echo(f"compared with: {compared['folder'] if compared else 'no earlier report'}")
    click.echo(data_used)
    if result.main_html is not None:
        click.echo(f"open: {result.main_html}")


def _situation_picture(
    params: Path,
    out_dir: Path,
    formats: Sequence[str],
    period: str | None,
    store_path: Path | None,
    as_of: int | None,
    vintage: datetime | None,
) -> None:
    """`collab report --kind lagesbild`: the one-page situation picture (html, pdf)."""
    if as_of is not None or vintage is not None:
        raise UserError("--kind lagesbild takes no --as-of or --vintage; use --period YYYY-MM")
    shown = [f for f in formats if f in lagesbild.FORMATS]
    if not shown:
        raise UserError("a situation picture is html and pdf; use --format html,pdf")
    load_framework(params)  # bad input: exit 2 before anything runs
    up_to = None
    if period is not None:
        try:
            up_to = periods.check(period, "monthly")
        except periods.PeriodError:
            try:
                up_to = periods.check(period, "quarterly").replace("-q", "K")
            except periods.PeriodError:
                raise UserError(
                    f"--period {period!r}: a situation picture takes a month (2024-01) or a "
                    "quarter (2024-q1)"
                ) from None
    store_path = store_path or default_store_path()
    if not store_path.exists():
        raise UserError(f"no data in {store_path} yet; run: collab fetch {params}")
    with report_progress.bar("rendering") as shown_progress:
        result = lagesbild.render_situation(
            params,
            store=store_path,
            out_dir=out_dir,
            formats=shown,
            up_to=up_to,
            progress=shown_progress,
        )
    compared = result.manifest["previous_report"]
    click.echo(f"situation picture: {result.directory}")
    click.echo(f"latest period: {result.manifest['period']['label']}")
    click.echo(
        "compared with: " + (compared["folder"] if compared else "no earlier situation picture")
    )
    click.echo(status_table.data_statement(result.manifest["data"], "en", None))
    if result.main_html is not None:
        click.echo(f"open: {result.main_html}")


@app.command()
@click.argument("params", type=PARAMS)
@click.option("--force", is_flag=True, help="Write a new report even if nothing changed.")
@click.option("--offline", is_flag=True, help="Never touch the network (as in collab fetch).")
@OUT
@JOBS
@PERIOD
@STORE
@click.option("--log-json", is_flag=True, help="One JSON object per event on stdout.")
def update(
    params: Path,
    force: bool,
    offline: bool,
    out_dir: Path,
    jobs: int | None,
    period: str | None,
    store_path: Path | None,
    log_json: bool,
) -> None:
    """Fetch, and render a new report for PARAMS only if something changed.

    Exit status: 0 new report written, 3 every source checked and nothing changed, 4 some
    source could not be checked (named; a report is still written if the sources that
    were read changed something), 1 failed (the last good report untouched), 2 bad input.
    Prints one line per change.
    """
    log = updating.EventLog(as_json=log_json)
    period = checked_period(load_framework(params), period, None)
    try:
        outcome = updating.run(
            params,
            store=store_path or default_store_path(),
            out_dir=out_dir,
            offline=offline,
            force=force,
            jobs=jobs,
            log=log,
            period=period,
            session=None if offline else _session(None),
        )
    except (DataError, RunError) as exc:
        if log_json:
            log("failed", str(exc), level="error")
        raise
    except Exception as exc:  # a full disk, a read-only folder, a damaged store
        known = failures.describe(exc)
        if log_json and known:
            log(known[0], known[1], level="error")
        raise
    sys.exit(outcome.code)


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar per source on stderr (silent when stderr is not a terminal)."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bars:
        tasks: dict[str, TaskID] = {}

        def update(source: str, done: int, total: int) -> None:
            if source not in tasks:
                tasks[source] = bars.add_task(source, total=total)
            bars.update(tasks[source], completed=done, total=total)

        yield update


@app.command()
@click.option(
    "--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file."
)
def schema(output: Path | None) -> None:
    """Write the JSON Schema of framework files (for editor autocompletion)."""
    text = json.dumps(framework_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}", err=True)


def summary(fw: Framework) -> str:
    """A few lines that tell a coordinator the file says what they meant."""
    collab = fw.collaboration
    kinds = Counter(a.kind for a in fw.actors)
    sources = Counter(i.source for i in fw.indicators)
    lines = [
        f"{fw.path}: OK",
        f"  {collab.name} ({collab.id}); language {collab.language}, "
        f"follow-up {collab.cadence}, owner {collab.owner}",
        f"  area: {collab.area} {area_name(collab.area)}",
        f"  actors: {len(fw.actors)} ("
        + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        + ")",
        f"  indicators: {len(fw.indicators)} ("
        + ", ".join(f"{n} from {source}" for source, n in sorted(sources.items()))
        + ")",
        f"  goals: {len(fw.shared_goals)} shared, {len(fw.actor_goals)} actor goals; "
        f"{len(fw.assessments)} assessments, {len(fw.actions)} actions",
    ]
    if fw.resources is not None or fw.priorities:
        splits = fw.resources.agreed if fw.resources else []
        given = fw.resources.contributions if fw.resources else []
        lines.append(
            f"  resources: {len(splits)} agreed split{'' if len(splits) == 1 else 's'} "
            f"({', '.join(str(s.year) for s in splits)}), {len(given)} contributions; "
            f"{len(fw.priorities)} priorities"
        )
    for goal in fw.shared_goals:
        target = goal.target
        level = (
            f"{target.change_percent:+g} %"
            if target.change_percent is not None
            else f"{target.value:g} {fw.indicator(goal.indicator).unit}"
        )
        baseline = goal.baseline.year if goal.baseline else "?"
        lines.append(
            f"  - {goal.id}: {goal.title} [{goal.indicator}, {goal.area}, "
            f"{baseline} -> {target.year}: {level}]"
        )
    return "\n".join(lines)


def main() -> None:
    """Console entry point: run the app, turning errors into messages and exit codes."""
    argv = sys.argv[1:]
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    # Retries and fallbacks are logged as one line each; --debug shows the library chatter.
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s: %(message)s"
    )
    try:
        code = app(args=argv, prog_name="collab", standalone_mode=False)
    except click.ClickException as exc:  # usage errors: wrong option, missing argument
        exc.show()
        sys.exit(2 if isinstance(exc, click.UsageError) else exc.exit_code)
    except FrameworkError as exc:
        if debug:
            raise
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        count = len(exc.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing written.", err=True)
        sys.exit(2)
    except (InputError, RunError, DataError) as exc:  # exit 2, 1 and 1 (errors.py)
        if debug:
            raise
        click.echo(f"error: {exc}", err=True)
        if isinstance(exc, DataError):
            click.echo("nothing was written; the store is as it was.", err=True)
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except Exception as exc:  # the last line of defence: no tracebacks for users
        if debug:
            raise
        known = failures.describe(exc)
        if known:
            click.echo(f"error: {known[1]}", err=True)
            sys.exit(1)
        click.echo(
            f"error: {type(exc).__name__}: {exc} (run again with --debug for details)", err=True
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
