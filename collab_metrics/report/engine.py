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
    stays alive afterwards (papermill leaves a kernel it did not start running)."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        *,
        kernel: Kernel,
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
        # papermill writes the whole notebook before and after every cell (for watching a
        # long run); a report's notebook is written once, when it ends or fails
        # (`notebook_complete`): at national scale the joint report's 5 MB notebook would
        # otherwise be serialised some twenty times.
        output_path, nb_man.output_path = nb_man.output_path, None
        try:
            return client.execute()
        finally:
            nb_man.output_path = output_path


papermill_engines.register(ENGINE, WarmEngine)
