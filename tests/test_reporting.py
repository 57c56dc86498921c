"""The report pipeline with SYNTHETIC notebooks: papermill really executes them, the
output moves into place only when everything succeeded, and a failure keeps the previous
report and the failing notebook. The real report content is tested in test_report_e2e.py."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from helpers import run_cli
from nbformat.v4 import new_code_cell, new_notebook

from collab_metrics.report import render as reporting

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = str(REPO / "params" / "blekinge-unga-lyfter.yaml")
META = {"kernelspec": {"name": "collab-metrics", "display_name": "collab-metrics"}}


def _notebook(body: str) -> nbformat.NotebookNode:
    parameters = new_code_cell(
        'params = ""\nstore = ""\nas_of = None\nprevious = None\nactor = None'
    )
    parameters.metadata["tags"] = ["parameters"]
    return new_notebook(cells=[parameters, new_code_cell(body)], metadata=META)


SHOW = (
    "from IPython.display import HTML, display\n"
    "import html\n"
    'display(HTML("<h1>Synthetic</h1><p>actor: " + html.escape(str(actor)) + "</p>"))\n'
    'print("stdout is not part of the report")'
)


@pytest.fixture
def notebooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A notebooks directory with three SYNTHETIC notebooks that display a little HTML."""
    directory = tmp_path / "notebooks"
    directory.mkdir()
    for name in ("joint_followup", "baseline_analysis", "actor_followup"):
        nbformat.write(_notebook(SHOW), directory / f"{name}.ipynb")
    monkeypatch.setenv("COLLAB_NOTEBOOKS", str(directory))
    return directory


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store.duckdb"
    assert run_cli("fetch", BLEKINGE, "--offline", "--store", str(path)).code == 0
    return path


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*") if p.is_file()
    }


def test_a_report_has_outputs_notebooks_and_a_manifest(
    notebooks: Path, store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "outputs"
    result = run_cli(
        "report", BLEKINGE, "--as-of", "2017", "--store", str(store), "--out", str(out),
        "--format", "html,xlsx",
    )  # fmt: skip
    assert result.code == 0, result.err
    report = out / "blekinge-unga-lyfter" / "2017"
    html = (report / "joint_followup.html").read_text(encoding="utf-8")
    assert "<h1>Synthetic</h1>" in html
    assert "stdout is not part of the report" not in html and "display(HTML" not in html
    assert '<html lang="sv">' in html
    assert (report / "actors" / "karlshamn.html").exists()
    assert (report / "notebooks" / "joint_followup.ipynb").exists()  # the audit trail
    assert not list(report.rglob("*.pdf"))
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == 2017
    assert len(manifest["framework"]["sha256"]) == 64
    assert manifest["data"]["sources"]["ddf"]["last_fetch_at"].startswith("2024-08-30")
    assert manifest["packages"]["papermill"]
    assert {n["name"] for n in manifest["notebooks"]} >= {"joint_followup", "actors/karlshamn"}
    assert all(n["execute_seconds"] > 0 for n in manifest["notebooks"])
    assert f"open: {report / 'joint_followup.html'}" in result.out


def test_a_failing_notebook_keeps_the_previous_report(
    notebooks: Path, store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "outputs"
    args = ("report", BLEKINGE, "--as-of", "2017", "--store", str(store), "--out", str(out))
    assert run_cli(*args, "--format", "html").code == 0
    report = out / "blekinge-unga-lyfter" / "2017"
    before = _snapshot(report)

    nbformat.write(
        _notebook("raise RuntimeError('synthetic failure')"), notebooks / "joint_followup.ipynb"
    )
    result = run_cli(*args, "--format", "html")
    assert result.code == 1
    assert "joint_followup failed: RuntimeError: synthetic failure" in result.err
    assert "Traceback" not in result.err
    assert _snapshot(report) == before, "the previous report must be untouched"
    kept = out / "blekinge-unga-lyfter" / "failed" / "joint_followup.ipynb"
    assert "synthetic failure" in kept.read_text(encoding="utf-8")
    leftovers = [p.name for p in (out / "blekinge-unga-lyfter").iterdir() if p.name.startswith(".")]
    assert leftovers == [], "no half-built report may remain"


def test_unknown_format_is_bad_input(store: Path, tmp_path: Path) -> None:
    result = run_cli("report", BLEKINGE, "--store", str(store), "--format", "docx")
    assert result.code == 2 and "unknown format docx" in result.err


def test_the_kernel_is_installed_quietly() -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    assert reporting.ensure_kernel() == reporting.KERNEL
    spec = KernelSpecManager().get_kernel_spec(reporting.KERNEL)
    assert reporting.QUIET in spec.argv


def test_an_installed_kernel_needs_no_write(tmp_path: Path) -> None:
    """A read-only environment (here: a prefix inside a file, where nothing can be made)
    whose kernel is installed renders as before: no lock file is needed then."""
    reporting.ensure_kernel()
    unwritable = tmp_path / "a-file"
    unwritable.write_text("", encoding="utf-8")
    assert reporting.ensure_kernel(prefix=str(unwritable)) == reporting.KERNEL


def test_reports_starting_together_in_a_new_environment_install_the_kernel_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four reports installing the kernel into the same new environment at once (e.g. the
    test suite's parallel workers on a fresh checkout): one installs it, the others wait
    and find it. Without the lock each would reinstall it, removing the kernel's folder
    under another, and append its option again. The install is slowed to widen the window
    the lock has to cover."""
    from ipykernel import kernelspec
    from jupyter_client.kernelspec import KernelSpecManager

    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    # A name of its own: this environment's `collab-metrics` kernel is installed already.
    monkeypatch.setattr(reporting, "KERNEL", "collab-metrics-install-race")
    installed = []

    def slow_install(**arguments: str) -> str:
        path = real_install(**arguments)
        installed.append(path)
        time.sleep(0.3)
        return path

    real_install = kernelspec.install
    monkeypatch.setattr(kernelspec, "install", slow_install)
    together = threading.Barrier(4)

    def install_then_read(_: int) -> list[str]:
        together.wait()
        name = reporting.ensure_kernel(prefix=str(tmp_path))
        return KernelSpecManager().get_kernel_spec(name).argv

    with ThreadPoolExecutor(4) as pool:
        arguments = list(pool.map(install_then_read, range(4)))
    assert len(installed) == 1
    assert [argv.count(reporting.QUIET) for argv in arguments] == [1] * 4


def test_a_kernel_that_would_lose_the_port_race_still_runs(
    notebooks: Path, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cause of issue 10's intermittent update tests: over TCP, jupyter_client picks
    free ports by binding and releasing them, and a kernel started in a parallel worker can
    be handed a port another kernel is about to bind ("Address already in use", the kernel
    dies, the report fails). Here the race is lost on purpose: every port jupyter_client
    would pick is one a listening socket holds. Kernels on Unix sockets are not affected;
    papermill's default TCP kernel fails."""
    from jupyter_client.provisioning.local_provisioner import LocalPortCache

    out = tmp_path / "outputs"
    args = ("report", BLEKINGE, "--as-of", "2017", "--store", str(store), "--out", str(out))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setattr(LocalPortCache, "find_available_port", lambda self, ip: port)
        unix = run_cli(*args, "--format", "html", "--jobs", "1")
        assert unix.code == 0, unix.err
        monkeypatch.setattr(reporting, "kernel_manager", lambda sockets: None)
        tcp = run_cli(*args, "--format", "html", "--jobs", "1")
    assert tcp.code == 1 and "Kernel died before replying to kernel_info" in tcp.err, tcp.err
