"""Hostile input: one case per finding of issue 15, each refused or defused by its fix.

The workbooks are the real Blekinge templates (made from a store fetched from the
offline snapshot), edited the way a careless or hostile sender could; the edits and the
framework variants are SYNTHETIC. Timings of the same attacks are measured in
`benchmarks/hostile_workbooks.py`, not here.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import nbformat
import pytest
from filelock import FileLock
from helpers import offline_store, run_cli
from nbformat.v4 import new_code_cell, new_notebook
from openpyxl import Workbook, load_workbook

from collab_metrics import charts
from collab_metrics.model import limits
from collab_metrics.model.framework import load_framework
from collab_metrics.report import excel, export, status_table
from collab_metrics.report import render as reporting
from collab_metrics.store import Store
from collab_metrics.text.labels import JUDGEMENT

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"
KARLSHAMN_GOAL = "karlshamn-youth-unemployment"
RONNEBY_GOAL = "ronneby-youth-unemployment"
META = {"kernelspec": {"name": "collab-metrics", "display_name": "collab-metrics"}}


@pytest.fixture(scope="module")
def fetched(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return offline_store(tmp_path_factory.mktemp("fetched"), BLEKINGE)


@pytest.fixture(scope="module")
def template(fetched: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Karlshamn's workbook for 2017, signed with the key of `fetched`."""
    out = tmp_path_factory.mktemp("templates")
    result = run_cli(
        "collect", "template", str(BLEKINGE), "--period", "2017", "--out", str(out),
        "--store", str(fetched),
    )  # fmt: skip
    assert result.code == 0, result.err
    return out / "blekinge-unga-lyfter-karlshamn-2017.xlsx"


@pytest.fixture
def store(fetched: Path, template: Path, tmp_path: Path) -> Path:
    """A copy of the store (holding the templates' key) for each test: imports change it."""
    path = tmp_path / "store.duckdb"
    shutil.copy(fetched, path)
    return path


def returned(template: Path, out: Path, edit: Callable[[Workbook], Any]) -> Path:
    """A copy of `template` after `edit`, as the sender saves it."""
    book = load_workbook(template)
    edit(book)
    book.save(out)
    return out


def refused(store: Path, workbook: Path, expected: str) -> None:
    """The import refuses `workbook` saying `expected`, and stores nothing."""
    result = run_cli("collect", "import", str(BLEKINGE), str(workbook), "--store", str(store))
    assert result.code == 2, result.out
    assert expected in result.err, result.err
    assert "Traceback" not in result.err
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM imports").fetchone() == (0,)
    finally:
        con.close()


def _judged(book: Workbook) -> None:
    book["Mål"]["I3"] = JUDGEMENT["sv"]["partly"]


# --- 1. one returned workbook blocks every later report ---------------------------------


def test_1_actions_past_the_limit_are_refused(template: Path, store: Path, tmp_path: Path) -> None:
    def many(book: Workbook) -> None:
        for row in range(3, 3 + limits.ACTIONS_PER_ACTOR_PERIOD + 1):
            book["Handlingsplan"][f"C{row}"] = f"Synthetic action {row}"

    workbook = returned(template, tmp_path / "many.xlsx", many)
    refused(
        store,
        workbook,
        f"bladet 'Handlingsplan' har {limits.ACTIONS_PER_ACTOR_PERIOD + 1} åtgärder; gränsen "
        f"är {limits.ACTIONS_PER_ACTOR_PERIOD} per aktör och period",
    )


def test_1_text_past_the_limit_is_refused(template: Path, store: Path, tmp_path: Path) -> None:
    def long(book: Workbook) -> None:
        _judged(book)
        book["Mål"]["J3"] = "x" * (limits.CELL_TEXT + 1)

    workbook = returned(template, tmp_path / "long.xlsx", long)
    refused(
        store,
        workbook,
        f"sheet 'Mål', cell J3 holds {limits.CELL_TEXT + 1} characters; the limit is "
        f"{limits.CELL_TEXT} per cell",
    )


# --- 2. tiny workbooks cost minutes and gigabytes ------------------------------------------


def test_2_a_cell_at_the_last_row_is_refused_without_reading_a_million_rows(
    template: Path, store: Path, tmp_path: Path
) -> None:
    def far(book: Workbook) -> None:
        book["Handlingsplan"]["C1048576"] = "Synthetic action at the very last row"

    workbook = returned(template, tmp_path / "far.xlsx", far)
    refused(
        store,
        workbook,
        f"sheet 'Handlingsplan', cell C1048576: the sheet goes on past row {limits.WORKBOOK_ROWS}",
    )


def test_2_a_sheet_too_large_to_parse_is_refused_before_parsing(
    template: Path, store: Path, tmp_path: Path
) -> None:
    def dense(book: Workbook) -> None:
        sheet = book["Handlingsplan"]
        for row in range(3, 400):
            for column in range(10, 200):  # outside the columns an import reads
                sheet.cell(row, column, row)

    workbook = returned(template, tmp_path / "dense.xlsx", dense)
    refused(store, workbook, "MB; the limit is 2 MB per sheet")


# --- 3. formula injection ------------------------------------------------------------------


def test_3_status_xlsx_writes_a_formula_like_title_as_text(fetched: Path, tmp_path: Path) -> None:
    params = tmp_path / "blekinge.yaml"
    title = '=HYPERLINK("http://example.invalid","Klicka")'  # SYNTHETIC
    params.write_text(
        BLEKINGE.read_text(encoding="utf-8").replace(
            "title: Halvera ungdomsarbetslösheten i Blekinge", f"title: '{title}'"
        ),
        encoding="utf-8",
    )
    fw = load_framework(params)
    path = tmp_path / "status.xlsx"
    excel.write_workbook(fw, status_table.load_status(fw, fetched, None), path)
    cells = [c for row in load_workbook(path)["Status"].iter_rows() for c in row]
    written = [c for c in cells if c.value == title]
    assert written and all(c.data_type == "s" for c in written)
    assert not [c for c in cells if c.data_type == "f"]


def test_3_an_imported_formula_is_refused_with_its_cell(
    template: Path, store: Path, tmp_path: Path
) -> None:
    def formula(book: Workbook) -> None:
        book["Mål"]["I3"] = "=cmd|' /C calc'!A0"  # SYNTHETIC: a DDE payload

    workbook = returned(template, tmp_path / "formula.xlsx", formula)
    refused(store, workbook, "sheet 'Mål', cell I3 holds a formula")


# --- 4. special files ----------------------------------------------------------------------


def test_4_validate_refuses_a_device() -> None:
    result = run_cli("validate", "/dev/zero")
    assert result.code == 2
    assert "/dev/zero: not a regular file" in result.err


def test_4_import_refuses_a_device(store: Path) -> None:
    result = run_cli("collect", "import", str(BLEKINGE), "/dev/zero", "--store", str(store))
    assert result.code == 2
    assert "/dev/zero: avvisad: inte en vanlig fil" in result.err


def _with_include(tmp_path: Path, name: str) -> Path:
    params = tmp_path / "framework" / "blekinge.yaml"
    params.parent.mkdir(exist_ok=True)
    text = BLEKINGE.read_text(encoding="utf-8")
    params.write_text(text.replace("assessments: []", f"assessments: {name}"), encoding="utf-8")
    return params


def test_4_an_include_that_is_a_named_pipe_is_refused_at_once(tmp_path: Path) -> None:
    params = _with_include(tmp_path, "answers.yaml")
    os.mkfifo(params.parent / "answers.yaml")  # nobody ever writes to it
    result = run_cli("validate", str(params))
    assert result.code == 2
    assert "cannot read 'answers.yaml': not a regular file" in result.err


@pytest.mark.parametrize("name", ["/dev/zero", "../outside.yaml"])
def test_4_includes_stay_in_the_frameworks_folder(tmp_path: Path, name: str) -> None:
    (tmp_path / "outside.yaml").write_text("[]\n", encoding="utf-8")
    params = _with_include(tmp_path, name)
    result = run_cli("validate", str(params))
    assert result.code == 2
    assert f"'{name}' lies outside the framework's folder" in result.err


# --- 5. impersonation through the hidden sheet ---------------------------------------------


def test_5_a_consistently_relabelled_workbook_is_refused(
    template: Path, store: Path, tmp_path: Path
) -> None:
    """Karlshamn's workbook relabelled as Ronneby's: hidden sheet and goal cells alike."""

    def relabel(book: Workbook) -> None:
        meta = book["collab"]
        rows = {meta.cell(r, 1).value: r for r in range(1, meta.max_row + 1)}
        meta.cell(rows["actor"], 2).value = "ronneby"
        goals = str(meta.cell(rows["goals"], 2).value)
        meta.cell(rows["goals"], 2).value = goals.replace(KARLSHAMN_GOAL, RONNEBY_GOAL)
        book["Mål"]["A3"] = RONNEBY_GOAL
        _judged(book)

    workbook = returned(template, tmp_path / "ronneby.xlsx", relabel)
    refused(
        store,
        workbook,
        "identifieringen i det dolda bladet 'collab' stämmer inte med dess signatur",
    )


# --- 6. numbers that pass validate break status ---------------------------------------------


def _variant(tmp_path: Path, old: str, new: str, name: str = "blekinge.yaml") -> Path:
    """The Blekinge framework with one edit (SYNTHETIC), beside a copy of nothing else."""
    text = BLEKINGE.read_text(encoding="utf-8")
    assert old in text
    params = tmp_path / name
    params.write_text(text.replace(old, new, 1), encoding="utf-8")
    return params


SHARED_TARGET = "target: {year: 2017, change_percent: -50}"
SHARED_BASELINE = "baseline: {year: 2013}"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            SHARED_TARGET,
            "target: {year: 2017, value: .inf}",
            "target.value: Input should be a finite number",
            id="infinite-target",
        ),
        pytest.param(
            SHARED_TARGET,
            "target: {year: 2017, change_percent: .nan}",
            "target.change_percent: Input should be a finite number",
            id="nan-change",
        ),
        pytest.param(
            SHARED_BASELINE,
            "baseline: {year: 1900}",
            "baseline.year: Input should be greater than or equal to 1950",
            id="baseline-1900",
        ),
    ],
)
def test_6_meaningless_numbers_are_refused_by_validate(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    result = run_cli("validate", str(_variant(tmp_path, old, new)))
    assert result.code == 2
    assert expected in result.err, result.err


def test_6_a_zero_baseline_under_a_relative_target_is_refused_with_the_reason(
    fetched: Path, tmp_path: Path
) -> None:
    params = _variant(tmp_path, SHARED_BASELINE, "baseline: {year: 2013, value: 0}")
    result = run_cli("status", str(params), "--store", str(fetched))
    assert result.code == 2, result.err  # was exit 1 with ZeroDivisionError
    assert (
        "baseline.value: a relative target (change_percent) cannot start from the baseline "
        "value 0" in result.err
    )


def test_6_a_target_across_zero_from_the_baseline_is_refused(tmp_path: Path) -> None:
    params = _variant(
        tmp_path,
        f"{SHARED_BASELINE}\n    {SHARED_TARGET}",
        "baseline: {year: 2013, value: 2}\n    target: {year: 2017, value: -1}",
    )
    result = run_cli("validate", str(params))
    assert result.code == 2
    assert "target -1 lies across zero from the baseline value 2" in result.err


# --- 7. titles: TeX and terminal escapes -----------------------------------------------------


def test_7_a_title_matplotlib_would_parse_as_tex_is_drawn_literally(
    fetched: Path, tmp_path: Path
) -> None:
    title = r"Halvera $\foo$ i Blekinge"  # SYNTHETIC: not valid mathtext
    params = _variant(
        tmp_path,
        "title: Halvera ungdomsarbetslösheten i Blekinge",
        f"title: '{title}'",
    )
    fw = load_framework(params)
    report = status_table.load_status(fw, fetched, 2017)
    with Store.open(fetched, read_only=True) as store:
        observations = store.current()
    chart = charts.goal_chart(fw, observations, "halve-youth-unemployment", report.rows, as_of=2017)
    assert chart.png  # drawing did not raise ValueError from the TeX parser


def test_7_control_characters_in_a_title_are_refused_not_echoed(tmp_path: Path) -> None:
    params = _variant(
        tmp_path,
        "title: Halvera ungdomsarbetslösheten i Blekinge",
        'title: "Halvera \\e]0;owned\\a\\e[2J ungdomsarbetslösheten"',
    )
    result = run_cli("validate", str(params))
    assert result.code == 2
    assert "title: contains the control character U+001B (a terminal escape)" in result.err
    assert "\x1b" not in result.err + result.out


def test_1_an_over_long_name_in_an_answer_is_refused_at_its_cell(
    template: Path, store: Path, tmp_path: Path
) -> None:
    def long_owner(book: Workbook) -> None:
        _judged(book)
        book["Mål"]["K3"] = "A" * (limits.TITLE_TEXT + 1)

    workbook = returned(template, tmp_path / "owner.xlsx", long_owner)
    refused(
        store,
        workbook,
        f"blad 'Mål', rad 3, kolumn K (Ansvarig): String should have at most "
        f"{limits.TITLE_TEXT} characters",
    )


# --- 8. implausible periods and dates ------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("0001-01", "assessments[0].period: the period's year 1 lies outside 1950-2100"),
        ("\u0662\u0660\u0661\u0667", "must start with a year in the digits 0-9"),
    ],
    ids=["year-1", "arabic-indic-digits"],
)
def test_8_implausible_periods_are_refused_by_validate(
    tmp_path: Path, period: str, expected: str
) -> None:
    entry = (
        "assessments:\n  - {goal: karlshamn-youth-unemployment, actor: karlshamn, "
        f'period: "{period}", judgement: partly}}'
    )
    result = run_cli("validate", str(_variant(tmp_path, "assessments: []", entry)))
    assert result.code == 2
    assert expected in result.err, result.err


def test_8_template_periods_need_ascii_digits_in_range(fetched: Path, tmp_path: Path) -> None:
    for period in ("\u0662\u0660\u0661\u0667", "0001"):
        result = run_cli(
            "collect", "template", str(BLEKINGE), "--period", period, "--out", str(tmp_path),
            "--store", str(fetched),
        )  # fmt: skip
        assert result.code == 2
        assert "is not a follow-up period; write a year from 1950 to 2100" in result.err


@pytest.mark.parametrize("due", [date(1, 1, 1), date(9999, 12, 31)], ids=str)
def test_8_implausible_due_dates_are_refused_on_import(
    template: Path, store: Path, tmp_path: Path, due: date
) -> None:
    def action(book: Workbook) -> None:
        book["Handlingsplan"]["C3"] = "Synthetic action"
        book["Handlingsplan"]["E3"] = due

    workbook = returned(template, tmp_path / "due.xlsx", action)
    refused(store, workbook, f"kolumn E (Klart senast): datumet {due} ligger utanför åren")


def test_8_an_implausible_measure_period_is_refused_on_import(tmp_path: Path) -> None:
    varmland = REPO / "params" / "varmland-nya-perspektiv.yaml"
    store, out = tmp_path / "store.duckdb", tmp_path / "out"
    made = run_cli(
        "collect", "template", str(varmland), "--period", "2024", "--out", str(out),
        "--store", str(store),
    )  # fmt: skip
    assert made.code == 0, made.err

    def figure(book: Workbook) -> None:
        for column, value in zip(
            "ABCE", ("ohalsotal-monthly", "0017", "0001-01", 30.5), strict=True
        ):
            book["Egna mått"][f"{column}3"] = value

    workbook = returned(
        out / "varmland-nya-perspektiv-region-varmland-2024.xlsx", tmp_path / "r.xlsx", figure
    )
    result = run_cli("collect", "import", str(varmland), str(workbook), "--store", str(store))
    assert result.code == 2
    assert "kolumn C (Period): året 0001 ligger utanför 1950–2100" in result.err


# --- 10. decomposed Unicode ------------------------------------------------------------------


def test_10_a_decomposed_judgement_is_the_same_word(
    template: Path, store: Path, tmp_path: Path
) -> None:
    def decomposed(book: Workbook) -> None:
        book["Mål"]["I3"] = unicodedata.normalize("NFD", JUDGEMENT["sv"]["on_track"])

    assert unicodedata.normalize("NFD", "Målet") != "Målet"
    workbook = returned(template, tmp_path / "nfd.xlsx", decomposed)
    result = run_cli("collect", "import", str(BLEKINGE), str(workbook), "--store", str(store))
    assert result.code == 0, result.err
    assert "importerad (Karlshamns kommun, 2017): 1 bedömning" in result.out


def test_1_a_pdf_export_past_its_time_limit_fails_the_notebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1 744-page PDF took minutes: the export now stops at limits.PDF_EXPORT_SECONDS."""
    notebook = tmp_path / "long.ipynb"
    rows = "".join(f"<tr><td>{i}</td><td>{'Synthetic text. ' * 20}</td></tr>" for i in range(3000))
    node = new_notebook(
        cells=[new_code_cell(outputs=[_html_output(f"<table>{rows}</table>")])], metadata=META
    )
    nbformat.write(node, notebook)
    monkeypatch.setattr(limits, "PDF_EXPORT_SECONDS", 0.5)
    with pytest.raises(TimeoutError, match=r"the PDF export of long took longer than 0.5 s"):
        export.export(notebook, tmp_path / "long", "Synthetic", "sv", ("pdf",))


def test_1_the_time_limit_fires_again_when_its_exception_is_swallowed() -> None:
    """The first TimeoutError can land in a garbage-collector callback, where Python
    ignores it (seen in the full suite: hypothesis installs one); the next one ends the
    block."""
    give_up = time.monotonic() + 10
    swallowed: list[TimeoutError] = []
    with pytest.raises(TimeoutError), limits.time_limit(0.1, "a busy loop"):
        while time.monotonic() < give_up:
            try:
                while time.monotonic() < give_up:
                    pass
            except TimeoutError as exc:
                if swallowed:
                    raise
                swallowed.append(exc)  # as a finaliser would
    assert len(swallowed) == 1 and time.monotonic() < give_up


def _html_output(html: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/html": html})


# --- 9. collab report has no lock ------------------------------------------------------------


def test_9_a_report_waits_for_the_one_writing_into_the_same_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "outputs"
    (out / "blekinge-unga-lyfter").mkdir(parents=True)
    other = FileLock(str(out / ".blekinge-unga-lyfter.report.lock"))
    other.acquire()  # another report is being written (flock: per open file, so it blocks)
    try:
        monkeypatch.setattr(reporting, "LOCK_TIMEOUT", 0.2)
        with pytest.raises(reporting.ReportFailed, match="another report has been writing into"):
            reporting.render(BLEKINGE, store=tmp_path / "store.duckdb", out_dir=out)
    finally:
        other.release()


# --- 10. left-overs, orphaned workers, umask, messages --------------------------------------


def test_10_stale_temp_folders_are_cleaned_and_reports_get_the_umask(
    fetched: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    body = new_code_cell('params = ""\nstore = ""\nas_of = None\nprevious = None\nactor = None')
    body.metadata["tags"] = ["parameters"]
    for name in ("joint_followup", "baseline_analysis", "actor_followup"):
        nbformat.write(new_notebook(cells=[body], metadata=META), notebooks / f"{name}.ipynb")
    home = tmp_path / "outputs" / "blekinge-unga-lyfter"
    (home / ".building-dead1234").mkdir(parents=True)  # a killed run's half-built report
    (home / ".replaced-2016-99999").mkdir()  # a killed swap: the last good 2016 report
    (home / ".replaced-2016-99999" / "manifest.json").write_text("{}", encoding="utf-8")
    previous = os.umask(0o022)
    try:
        report = reporting.render(
            BLEKINGE, store=fetched, out_dir=home.parent, as_of=2017, formats=("html",),
            jobs=1, notebooks_dir=notebooks,
        )  # fmt: skip
    finally:
        os.umask(previous)
    assert sorted(p.name for p in home.iterdir()) == ["2016", "2017", "latest"]
    assert (home / "2016" / "manifest.json").exists(), "the last good report is put back"
    assert report.directory.stat().st_mode & 0o777 == 0o755  # not mkdtemp's 0700


def test_10_a_worker_exits_when_its_parent_is_killed() -> None:
    grandchild = (
        "import os, time\n"
        "from collab_metrics.report import documents\n"
        "documents.die_with_parent(os.getppid())\n"
        "print(os.getpid(), flush=True)\n"
        "time.sleep(120)\n"
    )
    middle = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert middle.stdout is not None
    worker = int(middle.stdout.readline())
    middle.kill()
    middle.wait()
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(worker), "an orphaned worker must not wait forever"


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper has exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_10_a_damaged_store_gets_a_specific_message(fetched: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "store.duckdb"
    damaged.write_bytes(fetched.read_bytes()[: fetched.stat().st_size // 3])
    result = run_cli("status", str(BLEKINGE), "--store", str(damaged))
    assert result.code == 1
    assert result.err.startswith("error: the store is damaged and cannot be read (")
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err


def test_10_a_full_disk_gets_a_specific_message(fetched: Path) -> None:
    result = run_cli(
        "status", str(BLEKINGE), "--store", str(fetched), "--format", "csv", "-o", "/dev/full"
    )
    assert result.code == 1
    assert result.err.startswith("error: the disk is full")


def test_10_a_read_only_output_folder_gets_a_message_and_a_json_event(
    fetched: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests run as root, for whom no folder is read-only: the render fails as a read-only
    file system makes it fail, with EROFS."""
    target = tmp_path / "outputs" / "blekinge-unga-lyfter"

    def read_only(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(target))

    monkeypatch.setattr(reporting, "render", read_only)
    store = tmp_path / "store.duckdb"
    shutil.copy(fetched, store)
    result = run_cli(
        "update", str(BLEKINGE), "--offline", "--force", "--log-json", "--store", str(store),
        "--out", str(tmp_path / "outputs"),
    )  # fmt: skip
    assert result.code == 1
    assert result.err.startswith(f"error: {target} is on a read-only file system; choose another")
    events = [json.loads(line) for line in result.out.splitlines()]
    assert events[-1]["event"] == "not_writable" and events[-1]["level"] == "error"
