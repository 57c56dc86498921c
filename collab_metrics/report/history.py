"""The report history of a collaboration: `outputs/<collaboration>/<folder>/manifest.json`.

A report never replaces another: a second report with the same folder name (the date, or
the `--as-of` year) gets a time suffix. `outputs/<collaboration>/latest` is a one-line text
file naming the newest good report's folder (a plain file, so it works on Windows too).
Every manifest names its predecessor, the report "what changed" compared with, so the
manifests form a chain that can be followed back to the first report.

Two kinds of document share a collaboration's folder: the full report (`report`) and the
monthly situation picture (`lagesbild`, manifest key `kind`; a manifest without it is a
report). Each kind has its own chain and its own pointer (`latest`, `latest-lagesbild`): a
situation picture is never a report's predecessor nor its `latest`, nor the other way round.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

POINTER: Final = "latest"
MANIFEST: Final = "manifest.json"
REPORT: Final = "report"
LAGESBILD: Final = "lagesbild"
POINTERS: Final = {REPORT: POINTER, LAGESBILD: f"{POINTER}-{LAGESBILD}"}


@dataclass(frozen=True)
class Entry:
    """One successful report of the history: its folder and its manifest."""

    directory: Path
    manifest: dict[str, Any]

    @property
    def created_at(self) -> str:
        """When the report was written (ISO 8601, UTC)."""
        return str(self.manifest.get("created_at", ""))

    @property
    def kind(self) -> str:
        """`report` or `lagesbild` (manifests written before kinds existed are reports)."""
        return str(self.manifest.get("kind") or REPORT)

    @property
    def period(self) -> dict[str, Any]:
        """The follow-up period the report covers: kind (cadence) and label, if recorded."""
        return self.manifest.get("period") or {}


def reports(home: Path, kind: str = REPORT) -> list[Entry]:
    """Every successful document of `kind` under `home`, oldest first (by creation time,
    then folder).

    Folders being built (`.building-*`), failed notebooks (`failed/`) and folders without a
    readable manifest are not reports.
    """
    if not home.is_dir():
        return []
    found = []
    for directory in home.iterdir():
        path = directory / MANIFEST
        if directory.name.startswith(".") or directory.name == "failed" or not path.is_file():
            continue
        with contextlib.suppress(OSError, ValueError):
            found.append(Entry(directory, json.loads(path.read_text(encoding="utf-8"))))
    found = [entry for entry in found if entry.kind == kind]
    return sorted(found, key=lambda e: (e.created_at, e.directory.name))


def latest(home: Path, kind: str = REPORT) -> Entry | None:
    """The document of `kind` its pointer (`latest`) names, else the newest of its kind."""
    pointer = home / POINTERS[kind]
    if pointer.is_file():
        name = pointer.read_text(encoding="utf-8").strip()
        for entry in reports(home, kind):
            if entry.directory.name == name:
                return entry
    found = reports(home, kind)
    return found[-1] if found else None


def predecessor(
    home: Path, collaboration: str, kind: str, label: str | None, as_of: int | None = None
) -> Entry | None:
    """The newest earlier report of the same collaboration and period kind, for "what changed".

    A report for a later period than `label` is not a predecessor (an `--as-of` report of
    2017 compares with the last 2017-or-earlier report, not with this year's), and a
    reproduction of the past (`--as-of`) is no predecessor of a current report, and a report
    on an earlier vintage of the data (`--vintage`) is no predecessor at all. Manifests
    written before periods were recorded count as the same kind.
    """
    candidates = [
        e
        for e in reports(home)
        if e.manifest.get("collaboration") == collaboration
        and e.period.get("kind", kind) == kind
        and (label is None or str(e.period.get("label") or "") <= label)
        and (as_of is not None or e.manifest.get("as_of") is None)
        and not e.manifest.get("known_before")  # a --vintage report shows a past view
    ]
    return candidates[-1] if candidates else None


def folder_name(home: Path, label: str, now: datetime) -> str:
    """`label`, or `label-HHMMSS` (then `-2`, `-3` ...) when a report of that name exists."""
    if not (home / label).exists():
        return label
    stamped = f"{label}-{now:%H%M%S}"
    name, number = stamped, 1
    while (home / name).exists():
        number += 1
        name = f"{stamped}-{number}"
    return name


def point_latest(home: Path, name: str, kind: str = REPORT) -> None:
    """Make `home/latest` (`latest-lagesbild` for situation pictures) name the folder
    `name`, replacing the old pointer atomically."""
    partial = home / f".{POINTERS[kind]}-{os.getpid()}"
    partial.write_text(name + "\n", encoding="utf-8")
    os.replace(partial, home / POINTERS[kind])


def umask() -> int:
    """The process's file-creation mask, read without changing it: the report's files get
    the permissions the user's other files get."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def clean_up(home: Path) -> None:
    """Remove what dead runs left behind; under the lock, every other run is dead.

    A `.replaced-<label>-<pid>` whose report never got its successor is put back: it is the
    last good report.
    """
    for leftover in sorted(home.glob(".replaced-*")):
        label = leftover.name.removeprefix(".replaced-").rsplit("-", 1)[0]
        if not (home / label).exists():
            leftover.rename(home / label)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in home.glob(".building-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in home.glob(f".{POINTER}-*"):  # a pointer half-written by a dead run
        leftover.unlink(missing_ok=True)
