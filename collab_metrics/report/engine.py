"""A papermill engine that executes in a kernel started before and kept alive after.

papermill's nbclient engine leaves a kernel it did not start running, but gives every
notebook a new client: five sockets per document that stay open. This engine hands nbclient
the warm kernel's one client (see `collab_metrics.report.workers`). Importing the module
registers the engine as `ENGINE`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

if TYPE_CHECKING:
    from collab_metrics.report.workers import Kernel

ENGINE: Final = "collab-warm"


class WarmEngine(NBClientEngine):
    """papermill's nbclient engine, executing in a kernel that was started before and that
    stays alive afterwards (papermill leaves a kernel it did not start running).

    `Kernel.execute` asks papermill to write the notebook only when it ends
    (`request_save_on_cell_execute=False`): papermill then writes it once, or with its
    error marked when a cell failed. By default it writes it before the run, after every
    cell, when the engine completes and at the end: at national scale the joint report's
    5 MB notebook some twenty times. If the run itself breaks (the kernel dies, a cell
    times out), what ran is written to `written_on_failure`, the audit trail of the
    failure.
    """

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        *,
        kernel: Kernel,
        written_on_failure: str,
        execution_timeout: int | None = None,
        log_output: bool = False,
        **_ignored: Any,
    ) -> Any:
        client = PapermillNotebookClient(
            nb_man,
            km=kernel.manager,
            kernel_name=kernel_name,
            timeout=execution_timeout,
            log_output=log_output,
        )
        client.kc = kernel.client  # one client per kernel: no sockets left open per document
        try:
            return client.execute()
        except BaseException:
            nb_man.output_path = written_on_failure  # papermill's notebook_complete writes it
            raise


papermill_engines.register(ENGINE, WarmEngine)
