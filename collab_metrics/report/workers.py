"""Warm workers: each keeps one Jupyter kernel alive and renders many documents in turn.

A fresh kernel per document costs a kernel start, the imports (pandas, matplotlib, scipy,
pydantic) and reading the framework, the store and the assessment, seconds before the
document's own work. Here every worker (a process, or the caller itself for one worker)
starts its kernel once; the kernel runs `collab_metrics.report.warm.start()` (imports, and
the report context read once per kernel) and, after every document, `warm.reset()` (as a
fresh kernel: no variables, figures or execution counts carried over). papermill still
executes each notebook with its parameters and writes the executed notebook, the audit
trail, as always: only the kernel it talks to outlives the document. A kernel that died, hit
a timeout or failed to reset is shut down and the next document gets a new one.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import util
from pathlib import Path
from typing import Any, Final, TypeVar

from jupyter_core.utils import run_sync

START_SECONDS: Final = 120  # a kernel start on a busy machine; papermill's default is 60
RESET_SECONDS: Final = 60
# A report kernel keeps no input history: IPython would otherwise write every cell of every
# document to its SQLite history file, and start a new session there at every reset.
KERNEL_ARGUMENTS: Final = ["--HistoryManager.enabled=False"]
_START: Final = "import collab_metrics.report.warm\ncollab_metrics.report.warm.start()"
_RESET: Final = "import collab_metrics.report.warm\ncollab_metrics.report.warm.reset()"

Outcome = dict[str, Any]
_Job = TypeVar("_Job")


@dataclass
class Kernel:
    """One warm kernel and the client that talks to it; `broken` after a failure that may
    have left it busy or dead."""

    manager: Any  # jupyter_client AsyncKernelManager
    client: Any  # its AsyncKernelClient, kept for the kernel's whole life
    sockets: str  # a folder of its own for the kernel's Unix sockets
    broken: bool = False
    stopped: bool = False
    documents: int = 0
    executing: Memory | None = None  # the worker's memory while the last notebook ran

    def execute(
        self, source: Path, executed: Path, *, then_stop: bool = False, **papermill_arguments: Any
    ) -> None:
        """papermill executes `source` into `executed` in this kernel (raises as papermill).

        `then_stop`: the kernel is stopped as soon as the notebook has run, so that the
        document's export does not share the worker with it."""
        import papermill
        from papermill.exceptions import PapermillExecutionError

        from collab_metrics.report.engine import ENGINE  # papermill only when rendering

        self.documents += 1
        _clear_peaks(os.getpid(), self.pid())
        try:
            papermill.execute_notebook(
                str(source),
                str(executed),
                engine_name=ENGINE,
                request_save_on_cell_execute=False,  # written once (see WarmEngine)
                kernel=self,
                written_on_failure=str(executed),
                **papermill_arguments,
            )
        except PapermillExecutionError:
            raise  # a cell raised: the kernel itself is fine
        except BaseException:
            self.broken = True  # dead, timed out mid-cell, or interrupted
            raise
        finally:
            self.executing = Memory.now(self)
            if then_stop:
                stop_kernel(self)
            _clear_peaks(os.getpid(), self.pid())

    def pid(self) -> int | None:
        """The kernel's process id while it runs."""
        return None if self.stopped else getattr(self.manager.provisioner, "pid", None)


@dataclass(frozen=True)
class Memory:
    """A worker's peak resident memory in MB over one phase of a document (executing its
    notebook, exporting it): its own process and its kernel, each since the phase began.

    The two are an upper bound of what the worker held at once; a tight one, as one of them
    waits while the other works. On Linux the peaks are reset at each phase
    (`/proc/<pid>/clear_refs`); where they cannot be, they are the peaks since each process
    started, a looser bound. None: not measurable here (not Linux)."""

    worker: float | None
    kernel: float | None  # 0.0: the kernel had been stopped

    @classmethod
    def now(cls, kernel: Kernel | None) -> Memory:
        pid = None if kernel is None else kernel.pid()
        return cls(_peak_megabytes(os.getpid()), 0.0 if pid is None else _peak_megabytes(pid))

    def json(self) -> dict[str, float | None]:
        total = None if self.worker is None else self.worker + (self.kernel or 0.0)
        return {"worker": self.worker, "kernel": self.kernel, "total": total}


def start_kernel(kernel_name: str, cwd: Path, manager: Callable[[str], Any | None]) -> Kernel:
    """Start a kernel in `cwd` and warm it up; `manager(sockets)` may give its kernel
    manager (None: jupyter_client's default, over TCP)."""
    from jupyter_client.manager import AsyncKernelManager

    sockets = tempfile.mkdtemp(prefix="collab-kernel-")
    try:
        km = manager(sockets) or AsyncKernelManager(kernel_name=kernel_name)
        run_sync(km.start_kernel)(cwd=str(cwd), extra_arguments=KERNEL_ARGUMENTS)
        client = km.client()
        client.start_channels()
        kernel = Kernel(km, client, sockets)
        try:
            run_sync(client.wait_for_ready)(timeout=START_SECONDS)
            _run(kernel, _START)
        except BaseException:
            stop_kernel(kernel)
            raise
    except BaseException:
        shutil.rmtree(sockets, ignore_errors=True)
        raise
    return kernel


def stop_kernel(kernel: Kernel) -> None:
    """Shut the kernel down at once and remove its sockets (once)."""
    if kernel.stopped:
        return
    kernel.stopped = True
    try:
        kernel.client.stop_channels()
        run_sync(kernel.manager.shutdown_kernel)(now=True)
    finally:
        shutil.rmtree(kernel.sockets, ignore_errors=True)


def _run(kernel: Kernel, code: str) -> None:
    """Run `code` silently (no history, no execution count); raise if it failed."""
    reply = run_sync(kernel.client.execute_interactive)(
        code,
        silent=True,
        store_history=False,
        allow_stdin=False,
        timeout=RESET_SECONDS,
        output_hook=lambda message: None,
    )
    content = reply["content"]
    if content["status"] != "ok":
        raise RuntimeError(
            f"the report kernel failed to prepare: {content.get('ename')}: {content.get('evalue')}"
        )


@dataclass
class Warm:
    """The kernel of this process (a worker, or the caller with one worker), made on demand."""

    start: Callable[[], Kernel]
    kernel: Kernel | None = None
    failed: str | None = None  # why the kernel would not start: not tried again
    finalizer: Any = field(default=None, repr=False)

    def render(self, document: Callable[[_Job, Kernel], Outcome], job: _Job) -> Outcome:
        """Render one job in the warm kernel; leave the kernel clean (or gone) afterwards."""
        if self.kernel is None and self.failed is None:
            try:
                self.kernel = self.start()
            except Exception as exc:  # no kernel: this document and the worker's next fail
                self.failed = f"{type(exc).__name__}: {exc}"
        if self.kernel is None:
            return {"error": self.failed}
        kernel = self.kernel
        kernel.executing = None
        try:
            outcome = document(job, kernel)
            # Which worker rendered it, and its peak memory while executing and exporting.
            outcome["worker"] = os.getpid()
            if kernel.executing is not None:
                outcome["peak_mb"] = {
                    "executing": kernel.executing.json(),
                    "exporting": Memory.now(kernel).json(),
                }
        finally:
            self._after(kernel)
        return outcome

    def _after(self, kernel: Kernel) -> None:
        if kernel.stopped:  # stopped before its document's export: the next starts anew
            self.kernel = None
            return
        if not kernel.broken:
            try:
                if run_sync(kernel.manager.is_alive)():
                    _run(kernel, _RESET)
                    return
            except Exception:  # a kernel that cannot reset is not reused
                pass
        self.stop()

    def stop(self) -> None:
        """Shut this process's kernel down, if it has one."""
        if self.kernel is not None:
            kernel, self.kernel = self.kernel, None
            stop_kernel(kernel)


_WORKER: Warm | None = None  # in a worker process: its warm kernel


def _start_worker(start: Callable[[], Kernel], setup: Callable[[], None]) -> None:
    """In a new worker process: remember how to start its kernel, and stop it at exit."""
    global _WORKER
    setup()
    _WORKER = Warm(start)
    # ProcessPoolExecutor workers end through multiprocessing, which runs Finalize hooks
    # but not atexit: without this the kernel would outlive its worker.
    _WORKER.finalizer = util.Finalize(_WORKER, _WORKER.stop, exitpriority=10)


def _render_in_worker(document: Callable[[_Job, Kernel], Outcome], job: _Job) -> Outcome:
    assert _WORKER is not None, "the pool initializer sets the worker up"
    return _WORKER.render(document, job)


def render_all(
    jobs: Sequence[_Job],
    document: Callable[[_Job, Kernel], Outcome],
    start: Callable[[], Kernel],
    *,
    workers: int,
    setup: Callable[[], None],
    done: Callable[[int, Outcome], None] | None = None,
) -> list[Outcome]:
    """`document(job, kernel)` for every job, on `workers` warm kernels; outcomes in the
    order of `jobs`. `done(index, outcome)` is called as each finishes (for a progress
    bar). `start` and `document` must be picklable for more than one worker; `setup` runs
    first in every worker process."""
    outcomes: list[Outcome | None] = [None] * len(jobs)
    if workers <= 1:
        here = Warm(start)
        try:
            for index, job in enumerate(jobs):
                outcome = here.render(document, job)
                outcomes[index] = outcome
                if done is not None:
                    done(index, outcome)
        finally:
            here.stop()
        return [o for o in outcomes if o is not None]
    # spawn: workers must not inherit the parent's open DuckDB or HTTP state.
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(start, setup),
    ) as pool:
        pending: dict[Future[Outcome], int] = {
            pool.submit(_render_in_worker, document, job): i for i, job in enumerate(jobs)
        }
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index = pending.pop(future)
                outcome = future.result()
                outcomes[index] = outcome
                if done is not None:
                    done(index, outcome)
    return [o for o in outcomes if o is not None]


def starter(kernel_name: str, cwd: Path, manager: Callable[[str], Any | None]) -> partial[Kernel]:
    """A picklable `start` for `render_all`."""
    return partial(start_kernel, kernel_name, cwd, manager)


def _clear_peaks(*pids: int | None) -> None:
    """Reset the processes' peak resident memory to their present one (Linux 4.0 and later;
    elsewhere, or where not allowed, the peaks stay those since each process started)."""
    for pid in pids:
        if pid is not None:
            with contextlib.suppress(OSError):
                Path(f"/proc/{pid}/clear_refs").write_text("5", encoding="ascii")


def _peak_megabytes(pid: int | None) -> float | None:
    """A process's peak resident memory (VmHWM) in MB, on Linux; else None."""
    if pid is None:
        return None
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None
