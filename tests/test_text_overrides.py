"""A collaboration's own words (text/<domain>.yaml next to its framework) and templates."""

from __future__ import annotations

import doctest
import shutil
from pathlib import Path

import pytest
from helpers import run_cli

from collab_metrics.text import labels, overrides
from collab_metrics.text.catalog import message

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("store") / "store.duckdb"
    assert run_cli("fetch", str(BLEKINGE), "--offline", "--store", str(path)).code == 0
    return str(path)


def _collaboration(root: Path, files: dict[str, str] | None = None) -> Path:
    """A copy of the Blekinge framework in its own folder, with override files."""
    framework = root / "collab" / BLEKINGE.name
    framework.parent.mkdir(parents=True)
    shutil.copy(BLEKINGE, framework)
    for name, text in (files or {}).items():
        path = framework.parent / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return framework


def test_an_override_changes_one_sentence_of_the_status(tmp_path: Path, store: str) -> None:
    framework = _collaboration(
        tmp_path,
        {
            "text/reasons.yaml": "target_not_met:\n  sv: 'vi nådde inte målet {year}'\n",
            "text/status.yaml": "status_not_achieved:\n  sv: 'Inte nått'\n",
            "text/statustable.yaml": "header_note:\n  sv: 'Skäl till bedömningen'\n",
        },
    )
    result = run_cli("status", str(framework), "--as-of", "2017", "--store", store, "--wide")
    assert result.code == 0, result.err
    assert "vi nådde inte målet 2017" in result.out and "Inte nått" in result.out
    assert "Skäl till bedömningen" in result.out and "Anmärkning" not in result.out
    assert "målet nåddes inte 2017" not in result.out
    # The rest of the words are the package's, and the package's own framework is untouched.
    assert "Aktörernas egna mål räcker till det gemensamma målet" in result.out
    plain = run_cli("status", str(BLEKINGE), "--as-of", "2017", "--store", store, "--wide")
    assert "målet nåddes inte 2017" in plain.out and "vi nådde" not in plain.out


def test_overrides_hold_only_inside_their_block(tmp_path: Path) -> None:
    one = _collaboration(tmp_path / "one", {"text/status.yaml": "status_achieved:\n  en: Done!\n"})
    two = _collaboration(tmp_path / "two")
    with overrides.using(one):
        assert labels.STATUS["en"]["achieved"] == "Done!"
        assert labels.STATUS["sv"]["achieved"] == "Målet är nått"  # sv not overridden
        with overrides.using(two):
            assert labels.STATUS["en"]["achieved"] == "Target achieved"
        assert message("status.status_achieved", "en") == "Done!"
    assert labels.STATUS["en"]["achieved"] == "Target achieved"


@pytest.mark.parametrize(
    ("text", "line", "key", "why"),
    [
        (
            "target_met:\n  sv: x\ntarget_mett:\n  sv: y\n",
            3,
            "reasons.target_mett",
            "did you mean 'target_met'",
        ),
        ("target_met:\n  sv: 'nått {yaer}'\n", 2, "reasons.target_met", "placeholder {yaer}"),
        (
            "target_met:\n  de: 'erreicht {year}'\n",
            2,
            "reasons.target_met",
            "unknown language 'de'",
        ),
    ],
)
def test_a_bad_override_is_an_input_error(
    tmp_path: Path, store: str, text: str, line: int, key: str, why: str
) -> None:
    framework = _collaboration(tmp_path, {"text/reasons.yaml": text})
    result = run_cli("status", str(framework), "--as-of", "2017", "--store", store)
    assert result.code == 2
    file = framework.parent / "text" / "reasons.yaml"
    assert f"{file}:{line}: {key}: " in result.err and why in result.err
    assert "Traceback" not in result.err


def test_template_dirs(tmp_path: Path) -> None:
    plain = _collaboration(tmp_path / "plain")
    assert overrides.template_dirs(plain) == []
    own = _collaboration(tmp_path / "own", {"templates/page.html.j2": "{{ body }}"})
    assert overrides.template_dirs(own) == [own.parent.resolve() / "templates"]


def test_doctest() -> None:
    assert doctest.testmod(overrides).failed == 0


def test_the_report_parts_use_the_collaborations_words_and_templates(
    tmp_path: Path, store: str
) -> None:
    from collab_metrics.report import sections

    framework = _collaboration(
        tmp_path,
        {
            "text/report.yaml": "status_label:\n  sv: 'Läge: '\n",
            "text/reasons.yaml": "target_not_met:\n  sv: 'vi nådde inte målet {year}'\n",
            "templates/parts/title_page.html.j2": "<section>Vår egen titelsida</section>\n",
        },
    )
    ctx = sections.load_context(framework, store, as_of=2017)
    goal = str(sections.goal_section(ctx, ctx.fw.shared_goals[0].id))
    assert "Läge: " in goal and "Status: " not in goal
    assert "vi nådde inte målet 2017" in " ".join(ctx.result["reason"].dropna())
    assert str(sections.title_page(ctx)) == "<section>Vår egen titelsida</section>"
    # The package's own framework keeps the package's words and templates.
    plain = sections.load_context(BLEKINGE, store, as_of=2017)
    assert "Status: " in str(sections.goal_section(plain, plain.fw.shared_goals[0].id))
    assert "titelsida" not in str(sections.title_page(plain))


def test_every_part_and_prose_file_can_be_overridden(tmp_path: Path, store: str) -> None:
    """Parts that once had an environment of their own (what changed, actor extract, method
    appendix) and the long prose read the collaboration's templates too."""
    from collab_metrics.report import sections

    framework = _collaboration(
        tmp_path,
        {
            "templates/parts/what_changed.html.j2": "<section>Egna ändringar {{ view.title }}"
            "</section>\n",
            "templates/parts/actor_extract.html.j2": "<article>Eget utdrag: {{ view.title }}"
            "</article>\n",
            "templates/prose/sv/method_appendix.md.j2": "### Vår metod\n\nVi räknar så här "
            "({{ z95 }}).\n",
        },
    )
    ctx = sections.load_context(framework, store, as_of=2017)
    assert str(sections.what_changed(ctx)).startswith("<section>Egna ändringar ")
    extract = str(sections.actor_extract(ctx, "karlshamn"))
    assert extract.startswith("<article>Eget utdrag: ") and "Karlshamn" in extract
    appendix = str(sections.method_appendix(ctx))
    assert "<h3>Vår metod</h3>" in appendix and "Vi räknar så här (1,96)." in appendix
    # The package's own framework keeps the package's templates and prose.
    plain = sections.load_context(BLEKINGE, store, as_of=2017)
    assert "Egna ändringar" not in str(sections.what_changed(plain))
    assert "Eget utdrag" not in str(sections.actor_extract(plain, "karlshamn"))
    assert "Vår metod" not in str(sections.method_appendix(plain))


def test_the_page_frame_and_style_sheet_can_be_overridden(tmp_path: Path) -> None:
    """The page around the parts (nbconvert's `collab/` template) is overridable too: a
    collaboration's `templates/collab/report.css` and `index.html.j2` win (synthetic)."""
    import nbformat
    from nbformat.v4 import new_notebook, new_output

    from collab_metrics.report import export as reporting

    own = tmp_path / "templates" / "collab"
    own.mkdir(parents=True)
    (own / "report.css").write_text("body { color: #123456; }\n", encoding="utf-8")
    notebook = tmp_path / "synthetic.ipynb"
    cell = nbformat.v4.new_code_cell(
        outputs=[new_output("display_data", data={"text/html": "<p>Syntetisk del</p>"})]
    )
    meta = {"kernelspec": {"name": "collab-metrics", "display_name": "collab-metrics"}}
    nbformat.write(new_notebook(cells=[cell], metadata=meta), notebook)
    [page] = reporting.export(
        notebook, tmp_path / "own", "Syntetisk", "sv", ("html",), [own.parent]
    )
    shown = page.read_text(encoding="utf-8")
    assert "#123456" in shown and "<p>Syntetisk del</p>" in shown
    (own / "index.html.j2").write_text(
        "{%- extends 'base/display_priority.j2' -%}\n"
        '{%- block header -%}<main class="egen">{%- endblock header -%}\n'
        "{%- block footer -%}</main>{%- endblock footer -%}\n",
        encoding="utf-8",
    )
    [page] = reporting.export(
        notebook, tmp_path / "own", "Syntetisk", "sv", ("html",), [own.parent]
    )
    assert page.read_text(encoding="utf-8").startswith('<main class="egen">')
    [plain] = reporting.export(notebook, tmp_path / "plain", "Syntetisk", "sv", ("html",))
    assert "#123456" not in plain.read_text(encoding="utf-8")
