"""Render a collaboration's reports: papermill runs the notebooks, nbconvert and WeasyPrint
export them, and the whole report moves into place only when everything succeeded.

The executed notebooks are kept with the report as its audit trail. A report is built in a
temporary directory beside its final place; a failing notebook is kept as
`failed/<name>.ipynb`, the command fails, and the previous report is left untouched. A
report never replaces another (collab_metrics.report.history keeps the chain of reports).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any, Final, Literal

from filelock import FileLock, Timeout

import collab_metrics
from collab_metrics.analysis import warnings
from collab_metrics.analysis.resources import imported as imported_resources
from collab_metrics.errors import RunError
from collab_metrics.model import periods
from collab_metrics.model.framework import Framework, load_framework
from collab_metrics.report import early_warning, excel, history, status_table, workers
from collab_metrics.report import vintage as vintages
from collab_metrics.report.documents import (
    KERNEL,
    Job,
    die_with_parent,
    kernel_manager,
    run_job,
)
from collab_metrics.store import Store
from collab_metrics.text.labels import Language

QUIET: Final = "--IPKernelApp.log_level=CRITICAL"
LOCK_TIMEOUT: Final = 1800.0  # seconds to wait for another report into the same folder
Format = Literal["html", "pdf", "xlsx"]
Progress = Callable[[int, int], None]  # (documents done, documents in all)
FORMATS: Final = ("html", "pdf", "xlsx")
# From this many actor goals the joint report is exported after its kernel is stopped
# (`Job.export_alone`): its panels and its table grow with them, in the kernel that draws
# them and in the PDF's layout. Measured on the national case's first n municipalities,
# each with one goal, 2 workers, its worker's kernel after the notebook plus its process
# during the PDF: 100 goals 285 + 172 MB, 150 goals 283 + 192 MB, 290 goals 316 + 260 MB
# (576 MB, over the 500 MB per worker aimed at); 100 leaves room for goals on more
# indicators. Exported alone, the workers held 395-465 MB at most; the price is a new
# kernel for the worker's next document (2-4 s).
EXPORT_ALONE_GOALS: Final = 100
PACKAGES: Final = (
    "collab-metrics",
    "pandas",
    "numpy",
    "scipy",
    "duckdb",
    "matplotlib",
    "papermill",
    "nbconvert",
    "weasyprint",
    "openpyxl",
    "pydantic",
)


class ReportFailed(RunError):
    """A notebook or an export failed; the previous report is untouched."""


@dataclass
class Report:
    """What `render` produced."""

    directory: Path
    main_html: Path | None
    manifest: dict[str, Any]
    timings: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0  # wall time of executing and exporting the documents
    workers: int = 1  # warm kernels that rendered them


def default_notebooks_dir() -> Path:
    """The report notebooks: COLLAB_NOTEBOOKS (e.g. a fork's), else the copy an installed
    wheel ships inside the package, else the checkout's top-level `notebooks/`."""
    configured = os.environ.get("COLLAB_NOTEBOOKS")
    if configured:
        return Path(configured)
    package = Path(collab_metrics.__file__).resolve().parent
    shipped = package / "notebooks"
    return shipped if shipped.is_dir() else package.parent / "notebooks"


def ensure_kernel(prefix: str = sys.prefix) -> str:
    """Install the `collab-metrics` Jupyter kernel into the environment at `prefix` (this
    one) if Jupyter finds no such kernel, or finds it without its quiet option.

    papermill is given this explicit kernel name, so reports always run with the
    interpreter that has collab_metrics installed, whatever other kernels exist. The
    kernel logs only errors: its start-up warnings would otherwise reach the user.
    Installing takes a lock: a second `collab report` starting at the same moment in a new
    environment would otherwise remove the kernel's folder while the first starts from it.
    An installed kernel needs no lock, so a read-only environment works as before.
    """
    from ipykernel.kernelspec import install

    if _quiet_kernel():
        return KERNEL
    kernels = Path(prefix) / "share" / "jupyter" / "kernels"
    kernels.mkdir(parents=True, exist_ok=True)
    with FileLock(str(kernels / f".{KERNEL}.lock")):
        if not _quiet_kernel():  # another report may have installed it meanwhile
            path = Path(install(kernel_name=KERNEL, display_name="collab-metrics", prefix=prefix))
            kernel_json = path / "kernel.json"
            document = json.loads(kernel_json.read_text(encoding="utf-8"))
            document["argv"].append(QUIET)
            kernel_json.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return KERNEL


def _quiet_kernel() -> bool:
    """Whether the kernel is installed, with its quiet option."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        return QUIET in KernelSpecManager().get_kernel_spec(KERNEL).argv
    except (NoSuchKernel, ValueError):  # missing, or its kernel.json half written
        return False


def plan(
    fw: Framework,
    params: Path,
    store: Path,
    as_of: int | None,
    previous: Path | None,
    period: str | None = None,
    known_before: date | None = None,
) -> list[Job]:
    """The notebooks of a report: joint follow-up, baseline analysis, one extract per actor.

    Every path is absolute: the notebooks run with their own folder as working directory.
    With `EXPORT_ALONE_GOALS` actor goals or more the joint report is exported alone
    (`Job.export_alone`).
    """
    common = {
        "params": str(params.resolve()),
        "store": str(store.resolve()),
        "as_of": as_of,
        "previous": str(previous.resolve()) if previous else None,
        "period": period,
        "vintage": known_before.isoformat() if known_before else None,
    }
    name = fw.collaboration.name
    language = fw.collaboration.language
    jobs = [
        Job(
            "joint_followup",
            "joint_followup.ipynb",
            _title("joint", name, language),
            language,
            common,
            export_alone=len(fw.actor_goals) >= EXPORT_ALONE_GOALS,
        ),
        Job(
            "baseline_analysis",
            "baseline_analysis.ipynb",
            _title("baseline", name, language),
            language,
            common,
        ),
    ]
    involved = {g.actor for g in fw.actor_goals} | {a.actor for a in fw.assessments}
    involved |= {a.actor for a in fw.actions}
    for actor in fw.actors:
        if actor.id in involved:
            jobs.append(
                Job(
                    f"actors/{actor.id}",
                    "actor_followup.ipynb",
                    f"{actor.name}: {_title('actor', name, language)}",
                    language,
                    {**common, "actor": actor.id},
                )
            )
    return jobs


def _title(kind: str, name: str, language: Language) -> str:
    words = {
        "sv": {
            "joint": "gemensam uppföljning",
            "baseline": "nulägesanalys",
            "actor": "uppföljning",
        },
        "en": {"joint": "joint follow-up", "baseline": "baseline analysis", "actor": "follow-up"},
    }
    return (
        f"{name} – {words[language][kind]}"
        if kind != "actor"
        else f"{words[language][kind]}, {name}"
    )


def render(
    params: Path,
    *,
    store: Path,
    out_dir: Path,
    as_of: int | None = None,
    formats: Sequence[Format] = FORMATS,
    jobs: int | None = None,
    notebooks_dir: Path | None = None,
    today: date | None = None,
    period: str | None = None,
    known_before: date | None = None,
    progress: Progress | None = None,
) -> Report:
    """Execute and export every notebook of the report, then move it into place.

    Output: `out_dir/<collaboration>/<as-of year or date>/` (with a time suffix when a
    report of that name exists: a report never replaces another) with the HTML/PDF reports,
    the executed notebooks, `status.json`, `status.xlsx` and `manifest.json`; then
    `out_dir/<collaboration>/latest` names the new folder. `period` is the follow-up
    period (default: the latest the shared goals have data for, up to `as_of`).
    `known_before` renders the data as the store held it before that day (`--vintage`).
    `progress(done, total)` is told as documents finish, first with done = 0.
    """
    fw = load_framework(params)
    if known_before is not None:
        vintages.check(fw, store, known_before, today or date.today())
    notebooks_dir = notebooks_dir or default_notebooks_dir()
    started = datetime.now(UTC)
    label = str(as_of) if as_of is not None else (today or date.today()).isoformat()
    if known_before is not None:
        label = f"{label}-vintage-{known_before.isoformat()}"
    home = (out_dir / fw.collaboration.id).resolve()
    home.mkdir(parents=True, exist_ok=True)
    # One report at a time per output folder (update takes this lock too, inside its own):
    # choosing a free folder name is check-then-rename, and clean-up must know who is alive.
    lock = FileLock(str(home.with_name(f".{home.name}.report.lock")))
    try:
        lock.acquire(timeout=LOCK_TIMEOUT)
    except Timeout:
        raise ReportFailed(
            f"another report has been writing into {home} for {LOCK_TIMEOUT:.0f} s; giving up"
        ) from None
    try:
        history.clean_up(home)
        return _render_locked(
            fw,
            params,
            store,
            home,
            label,
            started,
            as_of,
            period,
            formats,
            jobs,
            notebooks_dir,
            known_before,
            progress,
        )
    finally:
        lock.release()


def _render_locked(
    fw: Framework,
    params: Path,
    store: Path,
    home: Path,
    label: str,
    started: datetime,
    as_of: int | None,
    period: str | None,
    formats: Sequence[Format],
    jobs: int | None,
    notebooks_dir: Path,
    known_before: date | None = None,
    progress: Progress | None = None,
) -> Report:
    period = period or default_period(fw, store, as_of, known_before)
    effective = periods.year(period) if period is not None else as_of
    cadence = fw.collaboration.cadence
    before = history.predecessor(home, fw.collaboration.id, cadence, period, as_of)
    if known_before is not None:  # a view of the past compares with no report made since
        before = None
    previous = before.directory / "status.json" if before is not None else None
    work_plan = plan(fw, params, store, as_of, previous, period, known_before)
    ensure_kernel()
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=home))
    os.chmod(building, 0o777 & ~history.umask())  # mkdtemp makes it 0700; reports are shared
    try:
        # The status files need no document: they are written while the workers render,
        # on the parent's otherwise idle time (a national collaboration's take seconds).
        with ThreadPoolExecutor(max_workers=1) as beside:
            status = beside.submit(
                _write_status,
                fw,
                store,
                building,
                formats,
                effective,
                period,
                known_before,
                previous,
                as_of,
            )
            clock = time.perf_counter()
            try:
                timings, used = execute(
                    work_plan, building, notebooks_dir, formats, home, jobs, progress
                )
            finally:
                status.exception()  # never leave it writing into a folder being removed
            seconds = time.perf_counter() - clock
            report = status.result()
        manifest = manifest_of(fw, params, report.vintage, as_of, timings, building, before)
        manifest["period"] = {"kind": cadence, "label": period}
        manifest["known_before"] = known_before.isoformat() if known_before else None
        manifest["started_at"] = started.isoformat(timespec="microseconds")
        (building / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    target = home / history.folder_name(home, label, datetime.now())
    building.rename(target)
    if known_before is None:  # a view of the past (--vintage) is not the latest report
        history.point_latest(home, target.name)
    main_html = target / "joint_followup.html"
    return Report(
        target, main_html if main_html.exists() else None, manifest, timings, seconds, used
    )


def _write_status(
    fw: Framework,
    store: Path,
    building: Path,
    formats: Sequence[Format],
    effective: int | None,
    period: str | None,
    known_before: date | None,
    previous: Path | None,
    as_of: int | None,
) -> status_table.StatusReport:
    """status.json (with the early warning) and, if asked, status.xlsx; the status read."""
    report = status_table.load_status(fw, store, effective, period, known_before=known_before)
    reference = warnings.reference_date(as_of, date.today())
    early = early_warning.early_warning_json(fw, report.rows, store, previous, period, reference)
    (building / "status.json").write_text(
        status_table.to_json(report, early_warning=early), encoding="utf-8"
    )
    if "xlsx" in formats:
        contributions, _ = imported_resources(store, fw)
        excel.write_workbook(fw, report, building / "status.xlsx", contributions)
    return report


def default_period(
    fw: Framework, store: Path, as_of: int | None, known_before: date | None = None
) -> str | None:
    """The latest follow-up period the shared goals have data for in the store (as the store
    held it before `known_before`, if given)."""
    series = sorted({fw.series_id(i.id) for i in fw.indicators})
    with Store.open(store, read_only=True) as opened:
        observations = (
            opened.current(indicators=series)
            if known_before is None
            else opened.as_of(vintages.moment(known_before), indicators=series)
        )
    return periods.default(fw, observations, as_of)


def latest_manifest(home: Path) -> dict[str, Any] | None:
    """The manifest of the newest successful report of a collaboration, if any."""
    entry = history.latest(home)
    return entry.manifest if entry is not None else None


def execute(
    work_plan: list[Job],
    building: Path,
    notebooks_dir: Path,
    formats: Sequence[Format],
    home: Path,
    jobs: int | None,
    progress: Progress | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Run every job on warm kernels, in parallel processes when there is more than one
    core to use (see `collab_metrics.report.workers`); the timings and the workers used."""
    used = min(jobs or os.cpu_count() or 1, len(work_plan))
    total, finished = len(work_plan), 0

    def done(index: int, outcome: dict[str, Any]) -> None:
        nonlocal finished
        finished += 1
        if progress is not None:
            progress(finished, total)

    if progress is not None:
        progress(0, total)
    outcomes = workers.render_all(
        work_plan,
        partial(run_job, building=building, notebooks_dir=notebooks_dir, formats=tuple(formats)),
        workers.starter(KERNEL, notebooks_dir, kernel_manager),
        workers=used,
        setup=partial(die_with_parent, os.getpid()),
        done=done,
    )
    for job, outcome in zip(work_plan, outcomes, strict=True):
        outcome.setdefault("name", job.name)
    failures = [o for o in outcomes if "error" in o]
    if failures:
        failed_dir = home / "failed"
        failed_dir.mkdir(exist_ok=True)
        for failure in failures:
            kept = failed_dir / f"{failure['name'].replace('/', '--')}.ipynb"
            if failure.get("notebook") and Path(failure["notebook"]).exists():
                shutil.copyfile(failure["notebook"], kept)
        first = failures[0]
        raise ReportFailed(
            f"notebook {first['name']} failed: {first['error']} (kept in {failed_dir}); "
            "the previous report is untouched"
        )
    return outcomes, used


def manifest_of(
    fw: Framework,
    params: Path,
    vintage: dict[str, Any],
    as_of: int | None,
    timings: list[dict[str, Any]],
    building: Path,
    previous: history.Entry | None,
) -> dict[str, Any]:
    """What this report rests on: framework version, data vintage, software, timings, and
    its predecessor in the report history (the report "what changed" compared with)."""
    outputs = sorted(p for p in building.rglob("*") if p.is_file())
    return {
        "collaboration": fw.collaboration.id,
        "name": fw.collaboration.name,
        "language": fw.collaboration.language,
        "as_of": as_of,
        "created_at": datetime.now(UTC).isoformat(timespec="microseconds"),
        "framework": {"path": str(params.resolve()), "sha256": fw.sha256},
        "data": vintage,
        "previous_report": {
            "folder": previous.directory.name,
            "created_at": previous.created_at,
            "manifest_sha256": hashlib.sha256(
                (previous.directory / history.MANIFEST).read_bytes()
            ).hexdigest(),
        }
        if previous is not None
        else None,
        "packages": {name: _version(name) for name in PACKAGES},
        "notebooks": timings,
        "outputs": [
            {
                "path": str(p.relative_to(building)),
                "bytes": p.stat().st_size,
                "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
            }
            for p in outputs
            if p.name != "manifest.json"
        ],
    }


def _version(package: str) -> str | None:
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        return importlib.metadata.version(package)
    return None
