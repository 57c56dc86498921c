"""What a report worker runs: one notebook executed in its warm kernel, then exported.

A worker process (see `collab_metrics.report.workers`) imports this module, not `render`:
it needs papermill, nbconvert and WeasyPrint, and none of the analysis (pandas, DuckDB,
pydantic), which lives in the worker's kernel. That keeps a worker process at 115-126 MB
(the Blekinge demo) instead of 245 MB.
"""

from __future__ import annotations

import ctypes
import gc
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from collab_metrics.report import workers
from collab_metrics.report.export import export
from collab_metrics.text import overrides

KERNEL: Final = "collab-metrics"
CELL_TIMEOUT: Final = 300  # seconds per notebook cell; a slow PDF chart is far below this


@dataclass(frozen=True)
class Job:
    """One notebook to execute: which template, with which parameters, written as `name`."""

    name: str  # output path without suffix, e.g. "joint_followup" or "actors/karlshamn"
    notebook: str  # template file in the notebooks directory
    title: str
    language: str
    parameters: dict[str, Any]
    # Exported after its kernel is stopped: a big export (a national joint report's PDF,
    # 51 pages of 290 actors) then does not share the worker's memory with a kernel that
    # just drew it. The worker's next document starts a new kernel.
    export_alone: bool = False


def die_with_parent(parent: int) -> None:
    """In a worker: exit as soon as the parent is gone, instead of waiting for work forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def kernel_manager(sockets: str) -> Any:
    """A kernel manager whose kernel talks over Unix sockets in `sockets` (POSIX), else None.

    Over TCP, jupyter_client picks five free ports by binding and releasing them, and the
    kernel binds them a second or so later. Kernels started at the same moment by parallel
    workers can be handed the same port in that gap (jupyter_client reserves ports only
    within one process), and the losing kernel dies at start-up with "Address already in
    use" (papermill issue 511): a report failing now and then. Unix sockets in a folder of
    the kernel's own cannot collide. Windows has no Unix sockets for ZeroMQ: None keeps
    papermill's default TCP kernel there.
    """
    if os.name != "posix":
        return None
    from jupyter_client.manager import AsyncKernelManager

    return AsyncKernelManager(
        kernel_name=KERNEL, transport="ipc", ip=os.path.join(sockets, "kernel")
    )


def release_freed_memory() -> None:
    """Free what this process no longer uses and give it back to the system.

    After a national joint report's PDF a worker would go on holding 294 MB for actor
    extracts that need 130: WeasyPrint's layout of 51 pages is garbage in reference cycles,
    freed only by a full collection, and glibc keeps what is freed for the process's next
    allocations unless asked (`malloc_trim`; elsewhere, not glibc, only the collection).
    """
    gc.collect()
    if sys.platform != "linux":
        return
    try:
        libc = ctypes.CDLL(None)
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


def run_job(
    job: Job,
    kernel: workers.Kernel,
    *,
    building: Path,
    notebooks_dir: Path,
    formats: tuple[str, ...],
) -> dict[str, Any]:
    """Execute one notebook with papermill in a warm kernel and export it; failures are
    returned, not raised."""
    from papermill.exceptions import PapermillExecutionError

    executed = building / "notebooks" / f"{job.name}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        kernel.execute(
            notebooks_dir / job.notebook,
            executed,
            parameters=job.parameters,
            kernel_name=KERNEL,
            language="python",
            execution_timeout=CELL_TIMEOUT,
            progress_bar=False,
            log_output=False,
            cwd=str(notebooks_dir),
            then_stop=job.export_alone,
        )
    except PapermillExecutionError as exc:
        return {"name": job.name, "notebook": str(executed), "error": f"{exc.ename}: {exc.evalue}"}
    except Exception as exc:  # a kernel that dies or a missing notebook: report, don't crash
        return {
            "name": job.name,
            "notebook": str(executed),
            "error": f"{type(exc).__name__}: {exc}",
        }
    executed_at = time.perf_counter()
    try:
        params = job.parameters.get("params")
        templates = overrides.template_dirs(params) if params else []
        outputs = export(executed, building / job.name, job.title, job.language, formats, templates)
    except TimeoutError as exc:
        return {"name": job.name, "notebook": str(executed), "error": str(exc)}
    finally:
        if job.export_alone:  # a big export: its layout is garbage now, and held
            release_freed_memory()
    return {
        "name": job.name,
        "notebook": job.notebook,
        "execute_seconds": round(executed_at - started, 2),
        "export_seconds": round(time.perf_counter() - executed_at, 2),
        "outputs": [str(p.relative_to(building)) for p in outputs],
    }
