"""The `collab` command's entry point, which imports the commands only when it runs.

`collab report --jobs N` starts its workers with multiprocessing's "spawn", and a spawned
process runs the parent's main script again before its first task, importing what the
script imports (but not running it: the script's `__main__` guard). Were that the commands
module, every report worker would import the whole analysis (pandas, DuckDB, matplotlib:
180 MB) only to run papermill, nbconvert and WeasyPrint (`collab_metrics.report.documents`).
"""

from __future__ import annotations


def main() -> None:
    """Run `collab` (`collab_metrics.cli.commands.main`)."""
    from collab_metrics.cli.commands import main as run

    run()
