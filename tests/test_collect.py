"""`collab collect`: per-actor workbooks out, validated answers in, shown in the reports.

The workbooks are filled in with openpyxl the way an actor would in Excel (choosing words
from the dropdowns, typing dates and text), and imported through the CLI into a store
fetched from the real offline data.
"""

from __future__ import annotations

import hashlib
import html
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from helpers import offline_store, run_cli
from openpyxl import Workbook, load_workbook

from collab_metrics import workbooks
from collab_metrics.model.framework import load_framework
from collab_metrics.report import sections
from collab_metrics.store import Store
from collab_metrics.text.labels import ACTION_STATUS, JUDGEMENT

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"
VARMLAND = REPO / "params" / "varmland-nya-perspektiv.yaml"
HALVING = "halve-youth-unemployment"
KARLSHAMN_GOAL = "karlshamn-youth-unemployment"
# SYNTHETIC: what an actor might write; the markup must come out escaped in the report.
JUSTIFICATION = 'Färre unga utan jobb, men <b>"långt kvar"</b> & fler insatser behövs'


@pytest.fixture(scope="module")
def fetched(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return offline_store(tmp_path_factory.mktemp("fetched"), BLEKINGE)


@pytest.fixture
def store(fetched: Path, tmp_path: Path) -> Path:
    """A store of its own for each test: imports change it."""
    path = tmp_path / "store.duckdb"
    shutil.copy(fetched, path)
    return path


@pytest.fixture(scope="module")
def templates(fetched: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("templates")
    result = run_cli(
        "collect",
        "template",
        str(BLEKINGE),
        "--period",
        "2017",
        "--out",
        str(out),
        "--store",
        str(fetched),
    )
    assert result.code == 0, result.err
    return out


def karlshamn(templates: Path) -> Path:
    return templates / "blekinge-unga-lyfter-karlshamn-2017.xlsx"


def filled(template: Path, out: Path, fill: Callable[[Workbook], Any]) -> Path:
    """A copy of `template` after `fill` edited it, as an actor saves it."""
    book = load_workbook(template)
    fill(book)
    book.save(out)
    return out


def answer(book: Workbook) -> None:
    """Karlshamn's answer: a judgement with reasons, and one new action with a due date."""
    goals, plan = book["Mål"], book["Handlingsplan"]
    goals["I3"] = JUDGEMENT["sv"]["partly"]
    goals["J3"] = JUSTIFICATION
    goals["K3"] = "Anna Andersson, arbetsmarknadschef"
    plan["B3"] = KARLSHAMN_GOAL
    plan["C3"] = "Öppna ett navigatorcentrum för unga"
    plan["D3"] = "Arbetsmarknadsenheten"
    plan["E3"] = date(2018, 6, 30)
    plan["F3"] = ACTION_STATUS["sv"]["started"]


def table(store: Path, name: str) -> list[dict[str, Any]]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        cursor = con.execute(f"SELECT * FROM {name} ORDER BY ALL")
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def import_(store: Path, *files: Path, params: Path = BLEKINGE, options: tuple[str, ...] = ()):
    return run_cli(
        "collect", "import", str(params), *map(str, files), "--store", str(store), *options
    )


# --- the workbook --------------------------------------------------------------------


def test_one_workbook_per_actor_with_validation_protection_and_identification(
    templates: Path,
) -> None:
    fw = load_framework(BLEKINGE)
    # Länsstyrelsen has neither goals nor actions: nothing to ask it.
    expected = [a.id for a in fw.actors if a.id != "lansstyrelsen-blekinge"]
    names = sorted(p.name for p in templates.iterdir())
    assert names == sorted(f"blekinge-unga-lyfter-{actor}-2017.xlsx" for actor in expected)
    book = load_workbook(karlshamn(templates))
    assert book.sheetnames == ["Mål", "Handlingsplan", "collab"]
    assert book.security.lockStructure
    meta = book["collab"]
    assert meta.sheet_state == "veryHidden"
    identification = {row[0]: row[1] for row in meta.iter_rows(max_col=2, values_only=True)}
    assert identification["framework_id"] == "blekinge-unga-lyfter"
    assert identification["framework_sha256"] == fw.sha256
    assert (identification["actor"], identification["period"]) == ("karlshamn", "2017")
    assert identification["template_version"] == workbooks.TEMPLATE_VERSION

    goals = book["Mål"]
    assert "Karlshamns kommun" in goals["A1"].value and "Region Blekinge" in goals["A1"].value
    assert [c.value for c in goals[2]][:3] == ["Mål-id", "Mål", "Område"]
    assert goals["A2"].font.bold
    # Karlshamn's own goal, then the shared goal it contributes to, with the statistics.
    assert [goals["A3"].value, goals["A4"].value] == [KARLSHAMN_GOAL, HALVING]
    assert (goals["D3"].value, goals["E3"].value, goals["G3"].value) == ("8,4 %", "2017", "2017")
    assert goals["H3"].value.startswith("Målet nåddes inte")
    assert goals.protection.sheet
    assert goals["A3"].protection.locked and not goals["I3"].protection.locked
    assert goals.column_dimensions["J"].width == 60
    (judgement,) = goals.data_validations.dataValidation
    assert (judgement.type, str(judgement.sqref)) == ("list", "I3:I4")
    column = judgement.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    words = [row[0].value for row in meta[f"{column}1:{column}4"]]
    assert words == list(JUDGEMENT["sv"].values())

    plan = book["Handlingsplan"]
    assert plan.protection.sheet and not plan["C22"].protection.locked
    rules = {v.type: v for v in plan.data_validations.dataValidation}
    assert set(rules) == {"list", "date"} and str(rules["date"].sqref) == "E3:E22"
    status_lists = [v for v in plan.data_validations.dataValidation if "F3" in v.sqref]
    assert len(status_lists) == 1 and status_lists[0].type == "list"


def test_english_framework_gets_english_workbooks(tmp_path: Path) -> None:
    english = tmp_path / "english.yaml"
    english.write_text(
        BLEKINGE.read_text(encoding="utf-8").replace("language: sv", "language: en"),
        encoding="utf-8",
    )
    (path, *_) = workbooks.write_templates(
        load_framework(english), "2017", tmp_path, tmp_path / "store.duckdb"
    )
    book = load_workbook(path)
    assert book.sheetnames == ["Goals", "Action plan", "collab"]
    goals = book["Goals"]
    assert goals["A1"].value.startswith("Region Blekinge: your judgement of the goals for 2017")
    assert goals["D3"].value == "–"  # no store: no statistics
    assert "Expects to reach the target" in [c.value for c in book["collab"]["D"]]


# --- round trip ------------------------------------------------------------------------


def test_answers_land_in_the_store_and_the_report(
    templates: Path, store: Path, tmp_path: Path
) -> None:
    returned = filled(karlshamn(templates), tmp_path / "karlshamn.xlsx", answer)
    result = import_(store, returned)
    assert result.code == 0, result.err
    assert result.out.strip() == (
        f"{returned}: importerad (Karlshamns kommun, 2017): 1 bedömning, 1 åtgärd"
    )

    (assessment,) = table(store, "imported_assessments")
    assert assessment["judgement"] == "partly" and assessment["justification"] == JUSTIFICATION
    assert assessment["owner"] == "Anna Andersson, arbetsmarknadschef"
    assert assessment["replaced_at"] is None
    (action,) = table(store, "imported_actions")
    assert (action["action_id"], action["due"], action["status"]) == (
        "karlshamn-2017-1",
        date(2018, 6, 30),
        "started",
    )
    (record,) = table(store, "imports")
    assert record["file_sha256"] == hashlib.sha256(returned.read_bytes()).hexdigest()
    assert (record["actor"], record["period"], record["file_name"]) == (
        "karlshamn",
        "2017",
        "karlshamn.xlsx",
    )

    ctx = sections.load_context(BLEKINGE, store, as_of=2017)
    section = str(sections.goal_section(ctx, HALVING))
    assert html.escape(JUSTIFICATION) in section and "<b>" not in section
    assert JUDGEMENT["sv"]["partly"] in section
    assert "Öppna ett navigatorcentrum för unga" in section
    assert "Ingen bedömning lämnad för 2017" in section  # the others have not answered
    assert "Öppna ett navigatorcentrum för unga" in str(sections.action_plan(ctx))

    # The next workbook for Karlshamn shows its answer and the action it added.
    again = tmp_path / "again"
    workbooks.write_templates(load_framework(BLEKINGE), "2017", again, store)
    book = load_workbook(again / "blekinge-unga-lyfter-karlshamn-2017.xlsx")
    assert book["Mål"]["J3"].value == JUSTIFICATION
    assert book["Handlingsplan"]["A3"].value == "karlshamn-2017-1"
    assert book["Handlingsplan"]["E3"].value.date() == date(2018, 6, 30)


def test_same_file_twice_is_unchanged_and_a_new_answer_needs_replace(
    templates: Path, store: Path, tmp_path: Path
) -> None:
    first = filled(karlshamn(templates), tmp_path / "first.xlsx", answer)
    assert import_(store, first).code == 0
    before = {t: table(store, t) for t in ("imports", "imported_assessments", "fetches")}
    again = import_(store, first)
    assert again.code == 0
    assert "oförändrad (Karlshamns kommun, 2017)" in again.out
    assert {t: table(store, t) for t in before} == before

    def revise(book: Workbook) -> None:
        answer(book)
        book["Mål"]["I3"] = JUDGEMENT["sv"]["not_on_track"]
        book["Mål"]["J3"] = "Arbetsmarknaden försämrades under hösten"

    second = filled(karlshamn(templates), tmp_path / "second.xlsx", revise)
    refused = import_(store, second)
    assert refused.code == 2
    assert (
        f"{second}: avvisad: blad 'Mål', rad 3, kolumn I (Er bedömning): målet "
        f"'{KARLSHAMN_GOAL}' har redan ett annat svar för 2017, importerat från first.xlsx"
    ) in refused.err
    assert "--replace" in refused.err
    assert table(store, "imported_assessments") == before["imported_assessments"]

    replaced = import_(store, second, options=("--replace",))
    assert replaced.code == 0, replaced.err
    assert "1 bedömning, 0 åtgärder; ersatte 1 tidigare svar, sparat som historik" in replaced.out
    old, new = sorted(table(store, "imported_assessments"), key=lambda r: r["import_id"])
    assert old["justification"] == JUSTIFICATION and old["replaced_by"] == new["import_id"]
    assert old["replaced_at"] is not None and new["replaced_at"] is None
    (current,), _ = workbooks.imported(store, load_framework(BLEKINGE))
    assert current.judgement == "not_on_track"


# --- refused workbooks -----------------------------------------------------------------


def _cell(sheet: str, cell: str, value: Any) -> Callable[[Workbook], None]:
    def edit(book: Workbook) -> None:
        answer(book)
        book[sheet][cell] = value

    return edit


def _new_action(column: str, value: Any) -> Callable[[Workbook], None]:
    def edit(book: Workbook) -> None:
        answer(book)
        book["Handlingsplan"]["C4"] = "Sommarjobb för unga"
        book["Handlingsplan"][f"{column}4"] = value

    return edit


def _delete_first_goal_row(book: Workbook) -> None:
    answer(book)
    book["Mål"].delete_rows(3)


@pytest.mark.parametrize(
    ("fill", "options", "expected"),
    [
        pytest.param(
            _cell("Mål", "I3", "Kanske"),
            (),
            "blad 'Mål', rad 3, kolumn I (Er bedömning): 'Kanske' är inte ett av "
            "alternativen: 'Målet bedöms nås', 'Målet bedöms delvis nås'",
            id="wrong-dropdown-value",
        ),
        pytest.param(
            _new_action("E", "nästa vår"),
            (),
            "blad 'Handlingsplan', rad 4, kolumn E (Klart senast): 'nästa vår' är inget datum; "
            "skriv det som 2025-12-31",
            id="text-in-date-cell",
        ),
        pytest.param(
            _new_action("F", "Klar"),
            (),
            "blad 'Handlingsplan', rad 4, kolumn F (Status): 'Klar' är inte ett av "
            "alternativen: 'Genomförd', 'Påbörjad', 'Ej påbörjad', 'Försenad', 'Utgår'",
            id="unknown-action-status",
        ),
        pytest.param(
            _delete_first_goal_row,
            (),
            f"blad 'Mål', rad 3, kolumn A (Mål-id): väntade mål-id '{KARLSHAMN_GOAL}' här, "
            f"fann '{HALVING}': en skyddad rad har tagits bort",
            id="deleted-protected-row",
        ),
        pytest.param(
            _cell("Mål", "A4", "ronneby-youth-unemployment"),
            (),
            f"blad 'Mål', rad 4, kolumn A (Mål-id): väntade mål-id '{HALVING}' här, fann "
            "'ronneby-youth-unemployment'",
            id="changed-reference-cell",
        ),
        pytest.param(
            _cell("collab", "B3", "ronneby"),
            (),
            "identifieringen i det dolda bladet 'collab' stämmer inte med dess signatur: "
            "bladet har ändrats",
            id="another-actor",
        ),
        pytest.param(
            _cell("collab", "B1", "varmland-nya-perspektiv"),
            (),
            "arbetsboken gäller samverkan 'varmland-nya-perspektiv', inte 'blekinge-unga-lyfter'",
            id="another-framework",
        ),
        pytest.param(
            answer,
            ("--period", "2018"),
            "arbetsboken gäller perioden 2017, inte 2018",
            id="another-period",
        ),
    ],
)
def test_invalid_workbooks_are_refused_whole(
    templates: Path,
    store: Path,
    tmp_path: Path,
    fill: Callable[[Workbook], None],
    options: tuple[str, ...],
    expected: str,
) -> None:
    returned = filled(karlshamn(templates), tmp_path / "karlshamn.xlsx", fill)
    result = import_(store, returned, options=options)
    assert result.code == 2
    assert f"{returned}: avvisad: " in result.err
    assert expected in result.err, result.err
    assert "Traceback" not in result.err
    for name in ("imports", "imported_assessments", "imported_actions"):
        assert table(store, name) == []


def test_a_refused_file_does_not_stop_the_others(
    templates: Path, store: Path, tmp_path: Path
) -> None:
    bad = filled(karlshamn(templates), tmp_path / "bad.xlsx", _cell("Mål", "I3", "Kanske"))

    def ronneby(book: Workbook) -> None:
        book["Mål"]["I3"] = JUDGEMENT["sv"]["on_track"]

    good = filled(
        templates / "blekinge-unga-lyfter-ronneby-2017.xlsx", tmp_path / "good.xlsx", ronneby
    )
    result = import_(store, bad, good, tmp_path / "missing.xlsx")
    assert result.code == 2
    assert f"{good}: importerad (Ronneby kommun, 2017): 1 bedömning, 0 åtgärder" in result.out
    assert f"{bad}: avvisad" in result.err
    assert f"{tmp_path / 'missing.xlsx'}: avvisad: filen går inte att läsa" in result.err
    assert "2 of 3 workbooks refused" in result.err
    assert [r["actor"] for r in table(store, "imported_assessments")] == ["ronneby"]


def test_a_workbook_from_an_earlier_framework_version(
    templates: Path, store: Path, tmp_path: Path
) -> None:
    returned = filled(karlshamn(templates), tmp_path / "karlshamn.xlsx", answer)
    text = BLEKINGE.read_text(encoding="utf-8")
    edited = tmp_path / "blekinge-unga-lyfter.yaml"
    edited.write_text(text + "# a later edit\n", encoding="utf-8")
    accepted = import_(store, returned, params=edited)
    assert accepted.code == 0, accepted.err
    assert "varning: gjord från en tidigare version av blekinge-unga-lyfter.yaml" in accepted.out

    start = text.index("  - id: karlshamn-youth-unemployment")
    end = text.index("  - id: solvesborg-youth-unemployment")
    edited.write_text(text[:start] + text[end:], encoding="utf-8")
    refused = import_(store, returned, params=edited)
    assert refused.code == 2
    assert (
        f"kolumn A (Mål-id): målet '{KARLSHAMN_GOAL}' finns inte längre i "
        "blekinge-unga-lyfter.yaml" in refused.err
    )


# --- the actors' own figures -----------------------------------------------------------


def test_reported_figures_become_observations(tmp_path: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "store.duckdb"
    made = run_cli(
        "collect",
        "template",
        str(VARMLAND),
        "--period",
        "2024",
        "--out",
        str(out),
        "--store",
        str(store),
    )
    assert made.code == 0 and "no data in" in made.err
    template = out / "varmland-nya-perspektiv-region-varmland-2024.xlsx"
    assert load_workbook(template).sheetnames == ["Mål", "Handlingsplan", "Egna mått", "collab"]
    arvika = load_workbook(out / "varmland-nya-perspektiv-arvika-2024.xlsx")
    assert arvika.sheetnames == ["Mål", "Handlingsplan", "collab"]  # no figures of its own

    def figures(book: Workbook) -> None:
        sheet = book["Egna mått"]
        rows = [
            ("ohalsotal-monthly", "0017 Region Värmland", "2024-09", "Kvinnor", 30.5),
            ("ohalsotal-monthly", "0017", "2024-09", "Män", "25,25"),
            ("ohalsotal-monthly", 17, "2024-10", None, 28),
        ]
        for row, values in enumerate(rows, start=3):
            for column, value in zip("ABCDE", values, strict=True):
                sheet[f"{column}{row}"] = value

    returned = filled(template, tmp_path / "region.xlsx", figures)
    assert store.exists()  # made with the templates: it keeps the key that signs them
    result = import_(store, returned, params=VARMLAND)
    assert result.code == 0, result.err
    assert "måttvärden: 3 nya, 0 reviderade, 0 oförändrade" in result.out
    with Store.open(store, read_only=True) as opened:
        stored = opened.current(indicators="file:varmland-nya-perspektiv:ohalsotal-monthly")
    rows = sorted(stored[["area", "period", "sex", "value", "source"]].itertuples(index=False))
    assert [tuple(r) for r in rows] == [
        ("0017", "2024-09", "men", 25.25, "collect"),
        ("0017", "2024-09", "women", 30.5, "collect"),
        ("0017", "2024-10", "total", 28.0, "collect"),
    ]
    assert "oförändrad" in import_(store, returned, params=VARMLAND).out

    bad = filled(template, tmp_path / "bad.xlsx", lambda book: _measure(book, "abc"))
    refused = import_(store, bad, params=VARMLAND)
    assert refused.code == 2
    assert "blad 'Egna mått', rad 3, kolumn E (Värde): 'abc' är inget tal" in refused.err


def _measure(book: Workbook, value: Any) -> None:
    sheet = book["Egna mått"]
    for column, cell in zip("ABCD", ("ohalsotal-monthly", "0017", "2024-11", None), strict=True):
        sheet[f"{column}3"] = cell
    sheet["E3"] = value


# --- what the templates show (issue 16) -------------------------------------------------


def test_the_goal_dropdown_shows_titles_and_a_chosen_title_imports_as_the_id(
    templates: Path, store: Path, tmp_path: Path
) -> None:
    fw = load_framework(BLEKINGE)
    book = load_workbook(karlshamn(templates))
    plan = book["Handlingsplan"]
    assert plan["B2"].value == "Mål"
    (goal_list,) = [v for v in plan.data_validations.dataValidation if "B3" in str(v.sqref)]
    column = goal_list.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    shown = [c.value for c in book["collab"][column] if c.value]
    assert shown == [fw.goal(KARLSHAMN_GOAL).title, fw.goal(HALVING).title]

    def by_title(book: Workbook) -> None:
        answer(book)
        book["Handlingsplan"]["B3"] = fw.goal(KARLSHAMN_GOAL).title

    result = import_(store, filled(karlshamn(templates), tmp_path / "k.xlsx", by_title))
    assert result.code == 0, result.err
    (action,) = table(store, "imported_actions")
    assert action["goal"] == KARLSHAMN_GOAL


def test_the_example_area_code_comes_from_the_framework(tmp_path: Path) -> None:
    variant = tmp_path / "varmland.yaml"
    variant.write_text(
        VARMLAND.read_text(encoding="utf-8").replace(
            "reported_by: region-varmland", "reported_by: karlstad"
        ),
        encoding="utf-8",
    )
    (path,) = [
        p
        for p in workbooks.write_templates(
            load_framework(variant), "2024", tmp_path, tmp_path / "store.duckdb"
        )
        if "karlstad" in p.name
    ]
    sheet = load_workbook(path)["Egna mått"]
    assert "t.ex. 1780" in sheet["A1"].value and "0017" not in sheet["A1"].value
    prompts = [v.prompt for v in sheet.data_validations.dataValidation if v.prompt]
    assert any("t.ex. 1780" in p for p in prompts)


def test_a_template_sent_before_the_goal_column_was_renamed_still_imports(
    templates: Path, store: Path, tmp_path: Path
) -> None:
    def earlier(book: Workbook) -> None:
        answer(book)
        book["Handlingsplan"]["B2"] = "Mål-id"  # the header of templates made before

    result = import_(store, filled(karlshamn(templates), tmp_path / "k.xlsx", earlier))
    assert result.code == 0, result.err


def test_the_import_line_speaks_the_frameworks_language() -> None:
    """Synthetic outcomes: the same facts (file, actor, period, counts) in sv and en."""
    from collab_metrics.workbooks.collect import ImportOutcome

    done = {"actor": "Karlshamns kommun", "period": "2017", "assessments": 2, "actions": 1}
    assert str(ImportOutcome("x.xlsx", "imported", **done, language="en")) == (
        "x.xlsx: imported (Karlshamns kommun, 2017): 2 assessments, 1 action"
    )
    assert str(ImportOutcome("x.xlsx", "imported", **done, language="sv")) == (
        "x.xlsx: importerad (Karlshamns kommun, 2017): 2 bedömningar, 1 åtgärd"
    )
    problem = "sheet 'Goals', row 3, column I (Your judgement): 'Maybe' is not one of the choices"
    refused = ImportOutcome("x.xlsx", "refused", problems=(problem,), language="en")
    assert str(refused) == f"x.xlsx: refused: {problem}"
