"""Render the monthly situation picture (`collab report --kind lagesbild`).

One notebook (`notebooks/situation_picture.ipynb`) is executed by papermill in a warm
kernel and exported to HTML and a one-page PDF, as the full report's documents are
(`report.render`). The picture goes to `outputs/<collaboration>/lagesbild-<period>/`
(`lagesbild-2024-01`; a time suffix when one of that name exists) with `lagesbild.html`,
`lagesbild.pdf`, `situation.json` (what the next picture compares with), the executed
notebook and `manifest.json` (`kind: lagesbild`). It is built beside its place and moved in
only when everything succeeded. Situation pictures have their own history and pointer
(`latest-lagesbild`): they never move the full report's `latest` and are never a report's
"previous report".
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

from filelock import FileLock, Timeout

from collab_metrics.model.framework import Framework, load_framework
from collab_metrics.report import history, render
from collab_metrics.report.situation import (
    RECORD,
    SituationContext,
    document_title,
    load_situation,
    record,
)
from collab_metrics.store import Store

NOTEBOOK: Final = "situation_picture.ipynb"
NAME: Final = "lagesbild"
FORMATS: Final = ("html", "pdf")


def folder_label(latest: str) -> str:
    """`lagesbild-2024-01` for a month, `lagesbild-2024-q1` for a quarter ("2024K1")."""
    return f"{NAME}-{latest.replace('K', '-q')}"


def predecessor(home: Path, collaboration: str, latest: str) -> history.Entry | None:
    """The newest earlier situation picture of the collaboration whose latest period is not
    after this one's (a picture reproduced with --period compares with what came before)."""
    candidates = [
        e
        for e in history.reports(home, history.LAGESBILD)
        if e.manifest.get("collaboration") == collaboration
        and str(e.period.get("label") or "") <= latest
    ]
    return candidates[-1] if candidates else None


def render_situation(
    params: Path,
    *,
    store: Path,
    out_dir: Path,
    formats: Sequence[str] = FORMATS,
    up_to: str | None = None,
    notebooks_dir: Path | None = None,
    today: date | None = None,
    progress: render.Progress | None = None,
) -> render.Report:
    """Execute and export the situation picture, then move it into place.

    Raises `NoMonthlyData` (bad input, exit 2) before anything is written when no
    indicator has monthly or quarterly data; `ReportFailed` when the notebook or the export
    fails (nothing moves into place). `up_to` (a month, or a quarter "2024K1") leaves later
    data out.
    """
    fw = load_framework(params)
    ctx = load_situation(params, store, up_to=up_to)  # NoMonthlyData: nothing written yet
    latest = ctx.latest
    home = (out_dir / fw.collaboration.id).resolve()
    home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(home.with_name(f".{home.name}.report.lock")))
    try:
        lock.acquire(timeout=render.LOCK_TIMEOUT)
    except Timeout:
        raise render.ReportFailed(
            f"another report has been writing into {home} for {render.LOCK_TIMEOUT:.0f} s; "
            "giving up"
        ) from None
    try:
        history.clean_up(home)
        before = predecessor(home, fw.collaboration.id, latest)
        previous = before.directory / RECORD if before is not None else None
        job = render.Job(
            NAME,
            NOTEBOOK,
            document_title(fw, latest, fw.collaboration.language),
            fw.collaboration.language,
            {
                "params": str(params.resolve()),
                "store": str(store.resolve()),
                "previous": str(previous.resolve()) if previous else None,
                "up_to": up_to,
            },
        )
        return _build(fw, params, store, home, job, before, ctx, formats, notebooks_dir, progress)
    finally:
        lock.release()


def _build(
    fw: Framework,
    params: Path,
    store: Path,
    home: Path,
    job: render.Job,
    before: history.Entry | None,
    ctx: SituationContext,
    formats: Sequence[str],
    notebooks_dir: Path | None,
    progress: render.Progress | None,
) -> render.Report:
    """Run the notebook in a folder beside its place, write the record and the manifest,
    move the folder in and point `latest-lagesbild` at it."""
    started = datetime.now(UTC)
    render.ensure_kernel()
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=home))
    os.chmod(building, 0o777 & ~history.umask())
    try:
        clock = time.perf_counter()
        timings, used = render.execute(
            [job],
            building,
            notebooks_dir or render.default_notebooks_dir(),
            [f for f in render.FORMATS if f in formats and f in FORMATS],
            home,
            1,
            progress,
        )
        seconds = time.perf_counter() - clock
        (building / RECORD).write_text(
            json.dumps(record(ctx), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        series = sorted({fw.series_id(i.id) for i in fw.indicators})
        with Store.open(store, read_only=True) as opened:
            vintage = opened.vintage(series)
        manifest = render.manifest_of(fw, params, vintage, None, timings, building, before)
        frequencies = set(ctx.rows["frequency"])
        manifest["kind"] = history.LAGESBILD
        manifest["period"] = {
            "kind": "monthly" if "monthly" in frequencies else "quarterly",
            "label": ctx.latest,
        }
        manifest["known_before"] = None
        manifest["started_at"] = started.isoformat(timespec="microseconds")
        (building / history.MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    target = home / history.folder_name(home, folder_label(ctx.latest), datetime.now())
    building.rename(target)
    history.point_latest(home, target.name, history.LAGESBILD)
    main_html = target / f"{NAME}.html"
    return render.Report(
        target, main_html if main_html.exists() else None, manifest, timings, seconds, used
    )
