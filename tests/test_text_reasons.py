"""Reason codes: the analysis's codes, the catalog's words and the README's list agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from collab_metrics.analysis.reasons import CODES, POSSIBLE_BREAK, Reason
from collab_metrics.text.catalog import LANGUAGES, catalog, placeholders
from collab_metrics.text.reasons import phrase, sentence

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_code_has_words_with_exactly_its_parameters() -> None:
    words = catalog()
    for code, params in CODES.items():
        for language in LANGUAGES:
            assert placeholders(words[f"reasons.{code}"][language]) == set(params), code


def test_the_readme_lists_every_code_with_its_parameters() -> None:
    text = README.read_text(encoding="utf-8").split("**Reason codes.**")[1].split("\n\n")[1]
    rows = re.findall(r"^\| `(\w+)` \|([^|]*)\|", text, flags=re.MULTILINE)
    listed = {code: tuple(re.findall(r"`(\w+)`", params)) for code, params in rows}
    assert listed.pop(POSSIBLE_BREAK) == ()
    assert {code: listed.get(code) for code in CODES} == CODES


def test_a_reason_refuses_parameters_its_code_does_not_have() -> None:
    with pytest.raises(ValueError, match="target_met"):
        Reason("target_met", {"year": 2017, "first": 2019})
    with pytest.raises(ValueError, match="no_such_code"):
        Reason("no_such_code")


def test_parameters_are_worded_for_the_language() -> None:
    level = Reason(
        "possible_break_level",
        {"year": 2015, "start": 2014, "change": -2.25, "other": 0.5, "typical": 0.75},
    )
    assert "ändrades −2,2 enheter 2014–2015" in phrase(level, "sv")
    assert "changed by -2.2 units in 2014–2015" in phrase(level, "en")
    areas = Reason("areas_without_population", {"areas": ("1082", "1083")})
    assert phrase(areas, "sv") == "ingen befolkning för Karlshamn, Sölvesborg"
    baseline = Reason("no_shared_baseline", {"sex": "women", "area": "0010", "year": 2013})
    assert phrase(baseline, "sv") == "inget värde (kvinnor) för Region Blekinge basåret 2013"
    parts = (
        Reason("target_not_met", {"year": 2017}),
        Reason("first_met_later", {"year": 2017, "first": 2022}),
    )
    assert (
        sentence(parts, "en") == "target not met in 2017; target not met in 2017; first met in 2022"
    )
    assert Reason("target_met", {"year": 2017}).as_dict() == {"code": "target_met", "year": 2017}
