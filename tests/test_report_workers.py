"""Warm report workers: one kernel renders many documents in turn, and nothing passes from
one document into the next. The real report notebooks run through papermill; the SYNTHETIC
notebooks here are labelled as such."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
from functools import partial
from pathlib import Path

import nbformat
import pytest
from helpers import run_cli
from nbformat.v4 import new_code_cell, new_notebook
from rich.console import Console

from collab_metrics.model.framework import load_framework
from collab_metrics.report import documents, progress, workers
from collab_metrics.report import render as reporting

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"
META = {"kernelspec": {"name": "collab-metrics", "display_name": "collab-metrics"}}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store.duckdb"
    assert run_cli("fetch", str(BLEKINGE), "--offline", "--store", str(path)).code == 0
    return path


def _render(
    jobs: list[reporting.Job], building: Path, notebooks: Path, formats: tuple[str, ...]
) -> list[dict]:
    """The jobs in turn on one warm kernel (the caller's own, as with --jobs 1)."""
    reporting.ensure_kernel()
    return workers.render_all(
        jobs,
        partial(documents.run_job, building=building, notebooks_dir=notebooks, formats=formats),
        workers.starter(reporting.KERNEL, notebooks, documents.kernel_manager),
        workers=1,
        setup=lambda: None,
    )


def _audit(path: Path) -> list[tuple]:
    """What an executed notebook records per cell, without papermill's timings and the
    memory addresses in plain-text object reprs (those differ between any two kernels)."""
    notebook = nbformat.read(path, as_version=4)
    return [
        (
            c.cell_type,
            c.source,
            c.get("execution_count"),
            re.sub(r" at 0x[0-9a-f]+>", " at 0x…>", json.dumps(c.get("outputs"))),
        )
        for c in notebook.cells
    ]


def _outputs(building: Path, name: str) -> tuple[bytes, list[tuple]]:
    return (
        (building / f"{name}.html").read_bytes(),
        _audit(building / "notebooks" / f"{name}.ipynb"),
    )


def test_two_actors_in_one_worker_match_each_rendered_alone(store: Path, tmp_path: Path) -> None:
    """Byte for byte: the HTML and the executed notebook's cells, in both orders."""
    fw = load_framework(BLEKINGE)
    plan = reporting.plan(fw, BLEKINGE, store, 2017, None, "2017")
    chosen = {j.name: j for j in plan if j.name in ("actors/karlshamn", "actors/olofstrom")}
    first, second = chosen["actors/karlshamn"], chosen["actors/olofstrom"]
    notebooks = reporting.default_notebooks_dir()
    runs = {
        "alone-first": [first],
        "alone-second": [second],
        "in-order": [first, second],
        "reversed": [second, first],
    }
    for label, jobs in runs.items():
        outcomes = _render(jobs, tmp_path / label, notebooks, ("html",))
        assert not [o for o in outcomes if "error" in o], outcomes
        assert len({o["worker"] for o in outcomes}) == 1
    for job, alone in ((first, "alone-first"), (second, "alone-second")):
        expected = _outputs(tmp_path / alone, job.name)
        assert expected[0].count(b"<h") > 1  # a real extract, not an empty page
        for together in ("in-order", "reversed"):
            assert _outputs(tmp_path / together, job.name) == expected, (job.name, together)


# SYNTHETIC: a notebook that shows what an earlier document could have left behind, then
# leaves something behind itself (a variable, an open figure, a changed module attribute).
PROBE = (
    "from IPython.display import HTML, display\n"
    "import matplotlib.pyplot as plt\n"
    "from collab_metrics.report import sections\n"
    "shown = {\n"
    "    'leaked': 'secret' in globals(),\n"
    "    'figures': len(plt.get_fignums()),\n"
    "    'count': get_ipython().execution_count,\n"
    "    'history': len(In),\n"
    "}\n"
    "display(HTML(f'<p>{actor}: {sorted(shown.items())}</p>'))\n"
    "secret = actor\n"
    "plt.figure()\n"
)


def _synthetic(directory: Path, name: str, body: str) -> None:
    parameters = new_code_cell('params = ""\nstore = ""\nas_of = None\nactor = None')
    parameters.metadata["tags"] = ["parameters"]
    nbformat.write(
        new_notebook(cells=[parameters, new_code_cell(body)], metadata=META),
        directory / f"{name}.ipynb",
    )


def _jobs(notebook: str, *actors: str) -> list[reporting.Job]:
    return [
        reporting.Job(f"actors/{a}", f"{notebook}.ipynb", a, "sv", {"actor": a}) for a in actors
    ]


def test_nothing_is_left_for_the_next_document(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _synthetic(notebooks, "probe", PROBE)
    outcomes = _render(_jobs("probe", "a", "b", "c"), tmp_path / "together", notebooks, ("html",))
    assert not [o for o in outcomes if "error" in o], outcomes
    pages = [_outputs(tmp_path / "together", f"actors/{a}") for a in "abc"]
    alone = _render(_jobs("probe", "c"), tmp_path / "alone", notebooks, ("html",))
    assert "error" not in alone[0]
    assert pages[2] == _outputs(tmp_path / "alone", "actors/c")
    seen = [re.search(r"<p>\w: (.*?)</p>", page[0].decode("utf-8")) for page in pages]
    assert all(seen), pages
    assert seen[0].group(1) == seen[1].group(1) == seen[2].group(1)  # type: ignore[union-attr]
    assert "('leaked', False)" in seen[0].group(1)  # type: ignore[union-attr]


def test_a_kernel_that_dies_is_replaced_for_the_next_document(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _synthetic(notebooks, "probe", PROBE)
    _synthetic(notebooks, "dies", "import os\nos._exit(1)")  # SYNTHETIC: the kernel dies
    jobs = [*_jobs("dies", "x"), *_jobs("probe", "y")]
    outcomes = _render(jobs, tmp_path / "out", notebooks, ("html",))
    assert "error" in outcomes[0] and "died" in outcomes[0]["error"].lower(), outcomes[0]
    # What ran is kept as the failure's audit trail: the cell that killed the kernel.
    kept = nbformat.read(Path(outcomes[0]["notebook"]), as_version=4)
    assert any("os._exit(1)" in cell.source for cell in kept.cells)
    assert kept.metadata.papermill.get("end_time")
    assert "error" not in outcomes[1], outcomes[1]
    page = (tmp_path / "out" / "actors" / "y.html").read_text(encoding="utf-8")
    assert "('leaked', False)" in page


# SYNTHETIC: a notebook that shows which kernel process runs it.
WHICH_KERNEL = (
    "import os\n"
    "from IPython.display import HTML, display\n"
    "display(HTML(f'<p>kernel {os.getpid()}</p>'))\n"
)


def test_a_document_exported_alone_leaves_the_next_a_new_kernel(tmp_path: Path) -> None:
    """`Job.export_alone`: the kernel is stopped once the notebook has run, before the
    export, which the worker then does without it; the next document gets a new kernel."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _synthetic(notebooks, "which", WHICH_KERNEL)
    big, after, last = _jobs("which", "a", "b", "c")
    jobs = [dataclasses.replace(big, export_alone=True), after, last]
    outcomes = _render(jobs, tmp_path / "out", notebooks, ("html",))
    assert not [o for o in outcomes if "error" in o], outcomes
    pages = [(tmp_path / "out" / "actors" / f"{a}.html").read_text("utf-8") for a in "abc"]
    kernels = [re.search(r"<p>kernel (\d+)</p>", page).group(1) for page in pages]  # type: ignore[union-attr]
    assert kernels[0] != kernels[1] == kernels[2]
    alone, kept = (o["peak_mb"]["exporting"] for o in outcomes[:2])
    assert alone["kernel"] == 0.0 and alone["total"] == alone["worker"] > 0
    assert kept["kernel"] > 0


def test_a_kernel_that_cannot_start_fails_its_documents_with_the_reason(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _synthetic(notebooks, "probe", PROBE)

    def refuse(sockets: str) -> None:
        raise OSError("synthetic: no kernel today")

    reporting.ensure_kernel()
    outcomes = workers.render_all(
        _jobs("probe", "a", "b"),
        partial(documents.run_job, building=tmp_path, notebooks_dir=notebooks, formats=()),
        workers.starter(reporting.KERNEL, notebooks, refuse),
        workers=1,
        setup=lambda: None,
    )
    assert [o["error"] for o in outcomes] == ["OSError: synthetic: no kernel today"] * 2


def test_the_report_command_says_how_long_it_took(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a terminal: no progress bar, only the one-line summary."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("joint_followup", "baseline_analysis", "actor_followup"):
        _synthetic(notebooks, name, "print('SYNTHETIC')")
    monkeypatch.setenv("COLLAB_NOTEBOOKS", str(notebooks))
    result = run_cli(
        "report", str(BLEKINGE), "--as-of", "2017", "--store", str(store),
        "--out", str(tmp_path / "out"), "--format", "html", "--jobs", "2",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "rendered 9 documents in " in result.out and " on 2 workers (" in result.out
    assert result.err == ""
    manifest = reporting.latest_manifest(tmp_path / "out" / "blekinge-unga-lyfter")
    assert manifest is not None
    assert len({n["worker"] for n in manifest["notebooks"]}) <= 2
    for phases in (n["peak_mb"] for n in manifest["notebooks"]):
        assert set(phases) == {"executing", "exporting"}
        assert all(
            p["kernel"] > 0 and p["total"] == p["worker"] + p["kernel"] for p in phases.values()
        )


def test_the_progress_bar_counts_documents_on_a_terminal() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with progress.bar("rendering", console) as update:
        update(0, 292)
        update(146, 292)
        console.print(f"pid {os.getpid()}")  # a print refreshes the bar above it
    assert "146/292" in screen.getvalue()


def test_the_summary_line() -> None:
    assert progress.summary(292, 251.4, 2) == (
        "rendered 292 documents in 4 min 11 s on 2 workers (0.86 s per document)"
    )
    assert progress.summary(9, 20.25, 1) == (
        "rendered 9 documents in 20.2 s on 1 worker (2.25 s per document)"
    )


def test_the_context_cache_is_explicit_and_keyed_by_what_was_read(
    store: Path, tmp_path: Path
) -> None:
    """A fresh process reads everything on every call; a warm kernel enables the cache,
    which hands out copies and reads again when the store or language changes."""
    import shutil

    from collab_metrics.report import context, warm

    assert context.context_cache() is None  # a fresh process: no cache
    own = tmp_path / "store.duckdb"
    shutil.copy(store, own)
    try:
        warm.start()
        cache = context.context_cache()
        assert cache is not None
        first = context.load_context(BLEKINGE, own, as_of=2017)
        second = context.load_context(BLEKINGE, own, as_of=2017)
        assert second is not first and second.result.equals(first.result)
        second.result["status"] = "changed by one document"  # its own copy
        second.fw.actors.pop()  # ... of the framework too
        third = context.load_context(BLEKINGE, own, as_of=2017)
        assert "changed by one document" not in set(third.result["status"])
        assert len(third.fw.actors) == len(first.fw.actors) == len(second.fw.actors) + 1
        assert third.derived is second.derived  # computed once, shared by the copies
        english = context.load_context(BLEKINGE, own, as_of=2017, language="en")
        assert english.language == "en" and not english.result.equals(first.result)
        os.utime(own, ns=(0, 0))  # the store changed on disk: read again
        key = context._cache_key(BLEKINGE, own, None, (2017, None, "", None, None))
        assert cache.get(key) is None
        context.load_context(BLEKINGE, own, as_of=2017)
        assert cache.get(key) is not None
    finally:
        context.disable_context_cache()
    assert context.context_cache() is None


def test_a_notebook_is_written_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """papermill writes the executed notebook when it ends, not also before it starts and
    again when its engine completes (a national joint report's is 5 MB)."""
    import papermill.engines
    import papermill.execute

    written: list[str] = []
    for module in (papermill.execute, papermill.engines):
        original = module.write_ipynb

        def counted(nb: object, path: str, _original=original, **arguments: object) -> None:
            written.append(path)
            _original(nb, path, **arguments)

        monkeypatch.setattr(module, "write_ipynb", counted)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _synthetic(notebooks, "probe", PROBE)
    outcomes = _render(_jobs("probe", "a", "b"), tmp_path / "out", notebooks, ("html",))
    assert not [o for o in outcomes if "error" in o], outcomes
    assert sorted(Path(path).name for path in written) == ["a.ipynb", "b.ipynb"]
