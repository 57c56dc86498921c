"""`collab update`: the scheduled re-run. Fetch, see what changed since the last report,
and render a new report only when something did.

Exit codes (documented in the README): 0 a new report was written, 3 every source was
checked and nothing changed, 4 some web source could not be checked (named in the log; the
local sources were read and a report written if they changed something), 1 the run failed
(the last good report untouched), 2 bad input. A lock file stops two runs on the same
store from overlapping: the second waits for the first to finish.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal, TextIO

import numpy as np
import pandas as pd
from filelock import FileLock, Timeout

from collab_metrics.errors import RunError
from collab_metrics.model.framework import Framework, load_framework
from collab_metrics.pipeline import fetch
from collab_metrics.report import render as reporting
from collab_metrics.sources.ddf import default_snapshot_dir
from collab_metrics.sources.http import CollabSession
from collab_metrics.store import Store

NEW_REPORT: Final = 0
FAILED: Final = 1
NOTHING_CHANGED: Final = 3
NOT_CHECKED: Final = 4
LOCK_TIMEOUT: Final = 1800.0  # a report takes well under a minute; wait for the other run

ChangeKind = Literal[
    "first_report", "framework", "new_period", "revised", "deleted", "import", "forced"
]


class UpdateLocked(RunError):
    """Another `collab update` held the store for longer than we were willing to wait."""


@dataclass(frozen=True)
class Change:
    """One thing that differs from the last report, as one line for the log."""

    kind: ChangeKind
    text: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class UpdateOutcome:
    """What an update did."""

    code: int
    changes: list[Change]
    report: reporting.Report | None = None
    unreachable: list[str] = field(default_factory=list)


class EventLog:
    """Human-readable lines by default; one JSON object per event for schedulers."""

    def __init__(self, stream: TextIO | None = None, as_json: bool = False) -> None:
        self.stream = stream or sys.stdout
        self.as_json = as_json

    def __call__(self, event: str, message: str, level: str = "info", **fields: Any) -> None:
        """Record one event: `message` for people, `fields` for machines."""
        if self.as_json:
            record = {
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
                "level": level,
                "event": event,
                "message": message,
                **fields,
            }
            self.stream.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        else:
            self.stream.write(f"{message}\n")
        self.stream.flush()


def run(
    params: Path,
    *,
    store: Path,
    out_dir: Path,
    offline: bool = False,
    force: bool = False,
    jobs: int | None = None,
    log: Callable[..., None] | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
    period: str | None = None,
    session: CollabSession | None = None,
) -> UpdateOutcome:
    """Fetch, compare with the last report, and render a new one if anything changed.

    `session` is the HTTP session for web sources (default: an in-memory cache).
    """
    log = log or EventLog()
    fw = load_framework(params)
    lock = FileLock(str(store.with_name(store.name + ".update.lock")))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log("waiting", f"another collab update is running on {store}; waiting for it")
        try:
            lock.acquire(timeout=lock_timeout)
        except Timeout:
            raise UpdateLocked(
                f"another collab update has held {store} for {lock_timeout:.0f} s; giving up"
            ) from None
    try:
        return _run_locked(fw, params, store, out_dir, offline, force, jobs, log, period, session)
    finally:
        lock.release()


def _run_locked(
    fw: Framework,
    params: Path,
    store: Path,
    out_dir: Path,
    offline: bool,
    force: bool,
    jobs: int | None,
    log: Callable[..., None],
    period: str | None = None,
    session: CollabSession | None = None,
) -> UpdateOutcome:
    log("start", f"update {fw.collaboration.id}", collaboration=fw.collaboration.id)
    fetched = fetch.collect(
        fw,
        mode="offline" if offline else "network",
        store_path=store,
        snapshot_dir=default_snapshot_dir(),
        session=None if offline else session,
    )
    for message in fetched.messages:
        log("fetch_note", message, level="warning")
    log(
        "fetched",
        f"data used: {fetch.data_used_words(fetched)}; {fetched.summary or 'store unchanged'}",
        data_used=fetched.data_used,
        incomplete_series=sorted({gap.series for gap in fetched.gaps}),
        requests=fetched.requests,
    )
    home = out_dir / fw.collaboration.id
    changes = changes_since(fw, store, reporting.latest_manifest(home))
    if force:
        changes.append(Change("forced", "new report forced (--force)"))
    for change in changes:
        log("change", change.text, kind=change.kind, **change.details)
    unreachable = fetched.unreachable
    report = None
    if changes:
        report = reporting.render(params, store=store, out_dir=out_dir, jobs=jobs, period=period)
        log("report", f"new report: {report.directory}", directory=str(report.directory))
    if unreachable:
        log(
            "not_checked",
            f"could not check {', '.join(unreachable)}: the report may be out of date"
            + ("" if report else "; no new report written"),
            level="error",
            sources=unreachable,
        )
        return UpdateOutcome(NOT_CHECKED, changes, report, unreachable)
    if report is None:
        log("unchanged", "nothing changed since the last report; no new report written")
        return UpdateOutcome(NOTHING_CHANGED, changes)
    return UpdateOutcome(NEW_REPORT, changes, report)


def changes_since(fw: Framework, store: Path, manifest: dict[str, Any] | None) -> list[Change]:
    """Everything relevant to `fw` that differs from what the last report rested on."""
    if manifest is None:
        return [Change("first_report", "no earlier report: writing the first one")]
    changes = []
    if manifest["framework"]["sha256"] != fw.sha256:
        changes.append(Change("framework", "the framework file changed since the last report"))
    last_fetch = manifest["data"].get("last_fetch_id")
    series = sorted({fw.series_id(i.id) for i in fw.indicators})
    with Store.open(store, read_only=True) as opened:
        now = opened.current(indicators=series)
        before = (
            opened.as_of_vintage(last_fetch, indicators=series) if last_fetch else now.iloc[0:0]
        )
        # The moment the report began reading the store: answers imported while it was
        # being rendered are new to the next report (old manifests: when it was written).
        imported = opened.imports_since(
            fw.collaboration.id,
            datetime.fromisoformat(manifest.get("started_at") or manifest["created_at"]),
        )
    changes += _data_changes(before, now)
    changes += [
        Change(
            "import",
            f"new answers from {row['actor']} for {row['period']} ({row['file_name']})",
            {"actor": row["actor"], "period": row["period"], "file": row["file_name"]},
        )
        for row in imported
    ]
    return changes


def _data_changes(before: pd.DataFrame, now: pd.DataFrame) -> list[Change]:
    """New periods, revised and withdrawn values between two store snapshots."""
    key = ["indicator", "area", "period", "sex"]
    merged = before[[*key, "value", "source"]].merge(
        now[[*key, "value", "source"]],
        on=key,
        how="outer",
        suffixes=("_old", "_new"),
        indicator=True,
    )
    changes = []
    added = merged[merged["_merge"] == "right_only"]
    known_periods = set(zip(before["indicator"], before["period"], strict=True))
    is_new = [
        (i, p) not in known_periods
        for i, p in zip(added["indicator"], added["period"], strict=True)
    ]
    fresh = added.loc[np.array(is_new, dtype=bool)]
    for (series, period), rows in fresh.groupby(["indicator", "period"], sort=True):
        changes.append(
            Change(
                "new_period",
                f"new period {period} for {series} ({rows['area'].nunique()} areas)",
                {"series": series, "period": period},
            )
        )
    both = merged[merged["_merge"] == "both"]
    revised = both[
        ~(
            (both["value_old"] == both["value_new"])
            | (both["value_old"].isna() & both["value_new"].isna())
        )
    ]
    for row in revised.itertuples(index=False):
        # Two channels (an actor file and an imported workbook) may feed one series: then
        # the line says where each value came from.
        origins = row.source_old != row.source_new
        old = f"{row.value_old:g}" + (f" ({row.source_old})" if origins else "")
        new = f"{row.value_new:g}" + (f" ({row.source_new})" if origins else "")
        changes.append(
            Change(
                "revised",
                f"revised {row.indicator} {row.area} {row.period} {row.sex}: {old} -> {new}",
                {
                    "series": row.indicator,
                    "area": row.area,
                    "period": row.period,
                    "sex": row.sex,
                    "old_source": row.source_old,
                    "new_source": row.source_new,
                },
            )
        )
    gone = merged[merged["_merge"] == "left_only"]
    for row in gone.itertuples(index=False):
        changes.append(
            Change(
                "deleted",
                f"withdrawn {row.indicator} {row.area} {row.period} {row.sex}",
                {"series": row.indicator, "area": row.area, "period": row.period, "sex": row.sex},
            )
        )
    return changes
