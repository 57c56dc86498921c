"""`collab validate` finds every mistake in one run: the five mistakes of the Norrbotten
trial (issue 16) one by one and all together. The framework here is SYNTHETIC; the actor
file it declares is the real Försäkringskassan workbook in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli

# Synthetic framework; the line numbers in the cases below rely on it.
BASE = """\
collaboration:
  id: trial
  name: Trial
  owner: Synthetic owner
  area: "0017"
actors:
  - id: region-varmland
    name: Region Värmland
    kind: region
    area: "0017"
indicators:
  - id: youth
    title: Youth unemployment
    unit: "%"
    direction: decrease
    source: kolada
    query: {kpi: N03921}
  - id: ohalsotal
    title: Ohälsotal
    unit: dagar
    direction: decrease
    source: file
    reported_by: region-varmland
    query:
      path: actor-files/forsakringskassan-mucf__ohalsotal_2024_11_06.xlsx
      sheet: tabell
      columns: {area: Län, year: År, month: Månad, sex: Kön, value: Ohälsotalet}
      area_codes: code_prefix
      sex_labels: {total: Kvinnor och män, women: Kvinnor, men: Män}
      filters: {Ålder: Samtliga 16-64 år}
shared_goals:
  - id: halve
    title: Halve youth unemployment
    indicator: youth
    area: "0017"
    baseline: {year: 2013}
    target: {year: 2017, change_percent: -50}
  - id: lower-ohalsotal
    title: Lower ohälsotal
    indicator: ohalsotal
    area: "0017"
    baseline: {year: 2017}
    target: {year: 2025, change_percent: -15}
"""

# (mistake, text replaced, replacement, line, words every run must show)
MISTAKES = [
    (
        "baseline not a mapping",
        "    baseline: {year: 2013}\n",
        "    baseline: 2015\n",
        36,
        "shared_goals[0] (halve).baseline: expected a block of keys, got '2015'",
    ),
    (
        "colon in an unquoted title",
        "    title: Halve youth unemployment\n",
        "    title: Mål 2: fler i arbete\n",
        33,
        'put the title in quotes: title: "Mål 2: fler i arbete"',
    ),
    (
        "SCB county code",
        '    indicator: youth\n    area: "0017"',
        '    indicator: youth\n    area: "25"',
        35,
        'did you mean "0025" (Region Norrbotten)?',
    ),
    (
        "missing actor file",
        "ohalsotal_2024_11_06.xlsx",
        "ohalsotal_2024_11_07.xlsx",
        25,
        "actor file actor-files/forsakringskassan-mucf__ohalsotal_2024_11_07.xlsx: file not found",
    ),
    (
        "change pointing the wrong way",
        "change_percent: -15}",
        "change_percent: 50}",
        43,
        "change_percent 50 points the wrong way",
    ),
]


@pytest.fixture(autouse=True)
def _data_dir(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLLAB_DATA_DIR", str(shared_data))


def _validate(tmp_path: Path, text: str) -> tuple[Path, str]:
    path = tmp_path / "framework.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("validate", str(path))
    assert result.code == 2, result
    assert "Traceback" not in result.err
    return path, result.err


def test_the_synthetic_base_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "framework.yaml"
    path.write_text(BASE, encoding="utf-8")
    result = run_cli("validate", str(path))
    assert result.code == 0, result.err


@pytest.mark.parametrize(("mistake", "old", "new", "line", "words"), MISTAKES)
def test_each_trial_mistake_is_explained(
    tmp_path: Path, mistake: str, old: str, new: str, line: int, words: str
) -> None:
    assert BASE.count(old) == 1, f"{mistake}: the base no longer matches"
    path, err = _validate(tmp_path, BASE.replace(old, new))
    assert f"{path}:{line}: " in err and words in err, err
    assert "1 problem found" in err


def test_all_five_mistakes_in_one_run_sorted_by_line(tmp_path: Path) -> None:
    text = BASE
    for _, old, new, _, _ in MISTAKES:
        text = text.replace(old, new)
    path, err = _validate(tmp_path, text)
    lines = [line for line in err.splitlines() if line.startswith(f"{path}:")]
    for _, _, _, line, words in MISTAKES:
        assert any(x.startswith(f"{path}:{line}: ") and words in x for x in lines), (words, err)
    numbers = [int(x.split(":")[1]) for x in lines]
    assert numbers == sorted(numbers)
    assert "5 problems found" in err


def test_the_raw_colon_message_is_not_shown(tmp_path: Path) -> None:
    _, err = _validate(tmp_path, BASE.replace("name: Trial", "name: Mål 2: fler i arbete"))
    assert "mapping values are not allowed here" not in err


def test_other_syntax_errors_are_explained_in_plain_words(tmp_path: Path) -> None:
    _, err = _validate(tmp_path, BASE.replace("  owner: Synthetic owner", "\towner: x"))
    assert "indent with spaces, never tabs" in err


def test_a_full_county_or_municipality_code_stays(tmp_path: Path) -> None:
    path = tmp_path / "framework.yaml"
    path.write_text(BASE.replace('area: "0017"', 'area: "2580"', 1), encoding="utf-8")
    result = run_cli("validate", str(path))
    assert "2580" not in result.err, result.err  # Luleå is a valid code as written


def test_a_misnamed_sheet_and_column_are_found_at_validate(tmp_path: Path) -> None:
    text = BASE.replace("sheet: tabell", "sheet: tabel")
    _, err = _validate(tmp_path, text)
    assert "indicators[1] (ohalsotal).query.path: actor file" in err
    assert "there is no sheet 'tabel'" in err
    _, err = _validate(tmp_path, BASE.replace("value: Ohälsotalet", "value: Ohälsotal"))
    assert "Ohälsotal" in err and "1 problem found" in err


def test_a_structural_error_does_not_hide_a_wrong_way_target_in_the_same_goal(
    tmp_path: Path,
) -> None:
    text = BASE.replace("baseline: {year: 2013}", "baseline: 2015").replace(
        "change_percent: -50}", "change_percent: 50}"
    )
    path, err = _validate(tmp_path, text)
    assert f"{path}:36: shared_goals[0] (halve).baseline: expected a block of keys" in err
    assert f"{path}:37: shared_goals[0] (halve).target.change_percent: change_percent 50" in err


@pytest.mark.parametrize("value", ["true", "3", "'text'", "{a: 1}"])
def test_a_goal_section_that_is_not_a_list_is_a_message_not_a_crash(
    tmp_path: Path, value: str
) -> None:
    # Found by test_validate_properties: `actor_goals: true` crashed the meaning checks.
    path, err = _validate(tmp_path, BASE + f"actor_goals: {value}\n")
    assert f"{path}:44: actor_goals: expected a list" in err, err


def test_a_comment_after_a_colon_title_stays_a_comment(tmp_path: Path) -> None:
    text = BASE.replace(
        "    title: Halve youth unemployment\n", "    title: Mål 2: fler i arbete  # ny\n"
    )
    path, err = _validate(tmp_path, text)
    assert f"{path}:33: YAML syntax error: the value of 'title'" in err
    assert 'title: "Mål 2: fler i arbete"\n' in err and "1 problem found" in err
