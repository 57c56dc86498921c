"""The area-code registry: converters, agreement with the Kolada DDF dump, and look-ups."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from collab_metrics.model import areas
from collab_metrics.model.areas import RIKET, UnknownAreaError

BLEKINGE = {
    "1060": "Olofström",
    "1080": "Karlskrona",
    "1081": "Ronneby",
    "1082": "Karlshamn",
    "1083": "Sölvesborg",
}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- converters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kolada", "scb", "ddf"),
    [("0000", "00", "0"), ("0001", "01", "01"), ("0010", "10", "10"), ("0114", "0114", "0114")],
)
def test_converters_round_trip(kolada: str, scb: str, ddf: str) -> None:
    assert areas.to_scb(kolada) == scb
    assert areas.to_ddf(kolada) == ddf
    assert areas.from_scb(scb) == kolada
    assert areas.from_ddf(ddf) == kolada


def test_converters_round_trip_every_known_area() -> None:
    for area in areas.all_areas():
        assert areas.from_scb(areas.to_scb(area.code)) == area.code
        assert areas.from_ddf(areas.to_ddf(area.code)) == area.code


def test_converters_accept_stripped_zeros() -> None:
    assert areas.from_scb(114) == "0114"
    assert areas.from_ddf("1") == "0001"
    assert areas.from_ddf(0) == RIKET


@pytest.mark.parametrize("bad", ["", "abc", "12345", "-1"])
def test_converters_reject_malformed_codes(bad: str) -> None:
    with pytest.raises(ValueError):
        areas.from_scb(bad)
    with pytest.raises(ValueError):
        areas.from_ddf(bad)


# --- agreement with the real Kolada DDF dump ----------------------------------------------


def test_registry_agrees_with_ddf_entities(ddf_dir: Path) -> None:
    expected = {}
    for row in _read(ddf_dir / "ddf--entities--geo--rike.csv"):
        expected[areas.from_ddf(row["rike"])] = (row["name"], "country", None)
    for row in _read(ddf_dir / "ddf--entities--geo--region.csv"):
        expected[areas.from_ddf(row["region"])] = (row["name"], "region", RIKET)
    for row in _read(ddf_dir / "ddf--entities--geo--kommun.csv"):
        parent = areas.from_ddf(row["region"])
        expected[areas.from_ddf(row["kommun"])] = (row["name"], "municipality", parent)

    actual = {area.code: (area.name, area.kind, area.region) for area in areas.all_areas()}
    assert actual == expected


def test_counts() -> None:
    assert len(areas.municipalities()) == 290
    assert len(areas.regions()) == 21
    assert [a.code for a in areas.all_areas() if a.kind == "country"] == [RIKET]
    assert len(areas.all_areas()) == 312


def test_areas_are_sorted_by_code() -> None:
    codes = [area.code for area in areas.all_areas()]
    assert codes == sorted(codes)
    assert codes[0] == RIKET


# --- look-ups -----------------------------------------------------------------------------


def test_get() -> None:
    assert areas.get("1082") == areas.Area("1082", "Karlshamn", "municipality", "0010")
    assert areas.get("0010") == areas.Area("0010", "Region Blekinge", "region", RIKET)
    assert areas.get(RIKET) == areas.Area(RIKET, "Riket", "country", None)


def test_gotland_is_both_a_region_and_a_municipality() -> None:
    assert areas.get("0009").kind == "region"
    assert areas.get("0980") == areas.Area("0980", "Gotland", "municipality", "0009")
    assert [a.code for a in areas.municipalities("0009")] == ["0980"]


def test_is_known() -> None:
    assert areas.is_known("0114")
    assert areas.is_known("0017")
    assert areas.is_known(RIKET)
    assert not areas.is_known("114")
    assert not areas.is_known("0002")
    assert not areas.is_known("1084")


def test_blekinge_municipalities() -> None:
    blekinge = areas.municipalities("0010")
    assert {a.code: a.name for a in blekinge} == BLEKINGE
    assert all(a.region == "0010" for a in blekinge)


def test_varmland_has_16_municipalities() -> None:
    assert len(areas.municipalities("0017")) == 16


def test_municipalities_of_every_region_partition_the_country() -> None:
    by_region = [m for region in areas.regions() for m in areas.municipalities(region.code)]
    assert sorted(by_region, key=lambda a: a.code) == list(areas.municipalities())


def test_municipalities_needs_a_region() -> None:
    with pytest.raises(ValueError, match="not a region"):
        areas.municipalities("1082")
    with pytest.raises(UnknownAreaError):
        areas.municipalities("0011")


def test_region_of() -> None:
    assert areas.region_of("1082") == "0010"
    assert areas.region_of("0980") == "0009"
    assert areas.region_of("0010") == "0010"
    assert areas.region_of(RIKET) == RIKET


def test_contains() -> None:
    assert areas.contains(RIKET, RIKET)
    assert areas.contains(RIKET, "0010")
    assert areas.contains(RIKET, "1082")
    assert areas.contains("0010", "0010")
    assert areas.contains("0010", "1082")
    assert areas.contains("0009", "0980")
    assert areas.contains("1082", "1082")
    assert not areas.contains("0010", "1780")
    assert not areas.contains("0010", "0017")
    assert not areas.contains("0010", RIKET)
    assert not areas.contains("1082", "1083")
    assert not areas.contains("1082", "0010")
    assert not areas.contains("0980", "0009")


def test_contains_rejects_unknown_codes() -> None:
    with pytest.raises(UnknownAreaError):
        areas.contains("0010", "1084")


# --- unknown codes and names --------------------------------------------------------------


def test_unknown_code_suggests_the_closest() -> None:
    with pytest.raises(UnknownAreaError) as info:
        areas.get("1084")
    assert str(info.value) == "unknown area code '1084'; did you mean '1083' (Sölvesborg)?"
    assert info.value.suggestion == areas.get("1083")
    assert isinstance(info.value, ValueError)


def test_unknown_code_in_scb_form_suggests_the_kolada_code() -> None:
    with pytest.raises(UnknownAreaError, match=r"did you mean '0010' \(Region Blekinge\)"):
        areas.get("10")


def test_unknown_code_without_suggestion() -> None:
    with pytest.raises(UnknownAreaError) as info:
        areas.get("abc")
    assert str(info.value) == "unknown area code 'abc'"
    assert info.value.suggestion is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Karlshamn", "1082"),
        ("karlshamn", "1082"),
        ("UPPLANDS VÄSBY", "0114"),
        ("Upplands-Bro", "0139"),
        ("Region Blekinge", "0010"),
        ("region blekinge", "0010"),
        ("Blekinge län", "0010"),
        ("Blekinge", "0010"),
        ("Region Jönköpings län", "0006"),
        ("Jönköpings län", "0006"),
        ("Jönköping", "0680"),
        ("Västra Götalandsregionen", "0014"),
        ("Västra Götalands län", "0014"),
        ("Västra Götaland", "0014"),
        ("Sörmland", "0004"),
        ("Södermanlands län", "0004"),
        ("Region Jämtland Härjedalen", "0023"),
        ("Jämtlands län", "0023"),
        ("Stockholm", "0180"),
        ("Stockholms län", "0001"),
        ("Gotland", "0980"),
        ("Region Gotland", "0009"),
        ("Gotlands län", "0009"),
        ("Riket", RIKET),
        ("  Region  Värmland ", "0017"),
    ],
)
def test_find_by_name(name: str, code: str) -> None:
    assert areas.find_by_name(name).code == code


def test_find_by_name_suggests_the_closest() -> None:
    with pytest.raises(UnknownAreaError) as info:
        areas.find_by_name("Karlshamm")
    assert str(info.value) == "unknown area name 'Karlshamm'; did you mean 'Karlshamn' (1082)?"
    with pytest.raises(UnknownAreaError, match="did you mean 'Region Blekinge'"):
        areas.find_by_name("Blekinge lan")


def test_find_by_name_without_suggestion() -> None:
    with pytest.raises(UnknownAreaError) as info:
        areas.find_by_name("Atlantis")
    assert info.value.suggestion is None


# --- normalize ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "system", "expected"),
    [
        ("1082", "kolada", "1082"),
        (114, "kolada", "0114"),
        ("0010", "kolada", "0010"),
        (0, "kolada", RIKET),
        ("00", "scb", RIKET),
        ("10", "scb", "0010"),
        (114, "scb", "0114"),
        ("0", "ddf", RIKET),
        ("1", "ddf", "0001"),
        ("17", "ddf", "0017"),
        ("0980", "ddf", "0980"),
    ],
)
def test_normalize(code: str | int, system: areas.System, expected: str) -> None:
    assert areas.normalize(code, system) == expected


@pytest.mark.parametrize(
    ("code", "system"),
    [("1084", "kolada"), ("02", "scb"), ("11", "ddf"), ("12345", "kolada"), ("x", "scb")],
)
def test_normalize_rejects_unknown_codes(code: str, system: areas.System) -> None:
    with pytest.raises(UnknownAreaError):
        areas.normalize(code, system)


def test_normalize_rejects_unknown_system() -> None:
    with pytest.raises(ValueError, match="unknown code system"):
        areas.normalize("1082", "pxweb")  # type: ignore[arg-type]
