"""Swedish area codes: one canonical system (Kolada's), converters, and the registry of areas.

Kolada: "0000" riket, "00NN" region (county), "NNNN" municipality.
SCB:    "00" riket,   "NN" county,          "NNNN" municipality.
DDF dump of Kolada: "0" riket, "NN" county, "NNNN" municipality (leading zeros of the
two-digit codes may also be stripped, e.g. "1" for Stockholm).

The registry of all areas (names, kinds, which region a municipality belongs to) is the
package data file data/areas.csv, read once on first use.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal, cast

from collab_metrics.errors import CollabError

RIKET = "0000"


def from_scb(code: str | int) -> str:
    """Canonical Kolada code from an SCB region code ("00", "10", "1082", or 114 without zero)."""
    text = str(code).strip()
    if not text.isdigit() or len(text) > 4:
        raise ValueError(f"not an SCB area code: {code!r}")
    if len(text) <= 2:
        return "00" + text.zfill(2)
    return text.zfill(4)


def from_ddf(code: str | int) -> str:
    """Canonical Kolada code from a code in the Kolada DDF dump ("0", "10", "1082")."""
    text = str(code).strip()
    if not text.isdigit() or len(text) > 4:
        raise ValueError(f"not a DDF area code: {code!r}")
    if text.strip("0") == "":
        return RIKET
    if len(text) <= 2:
        return "00" + text.zfill(2)
    return text.zfill(4)


def to_scb(code: str) -> str:
    """SCB region code for a canonical Kolada code ("0000" -> "00", "0010" -> "10")."""
    return code[2:] if code.startswith("00") else code


def to_ddf(code: str) -> str:
    """DDF dump code for a canonical Kolada code ("0000" -> "0", "0010" -> "10")."""
    if code == RIKET:
        return "0"
    return code[2:] if code.startswith("00") else code


Kind = Literal["country", "region", "municipality"]
System = Literal["kolada", "scb", "ddf"]

# Official county (län) names, so that regions can be looked up by them as well.
_COUNTY_NAMES = {
    "0001": "Stockholms län",
    "0003": "Uppsala län",
    "0004": "Södermanlands län",
    "0005": "Östergötlands län",
    "0006": "Jönköpings län",
    "0007": "Kronobergs län",
    "0008": "Kalmar län",
    "0009": "Gotlands län",
    "0010": "Blekinge län",
    "0012": "Skåne län",
    "0013": "Hallands län",
    "0014": "Västra Götalands län",
    "0017": "Värmlands län",
    "0018": "Örebro län",
    "0019": "Västmanlands län",
    "0020": "Dalarnas län",
    "0021": "Gävleborgs län",
    "0022": "Västernorrlands län",
    "0023": "Jämtlands län",
    "0024": "Västerbottens län",
    "0025": "Norrbottens län",
}


@dataclass(frozen=True)
class Area:
    """One area: riket, a region (county) or a municipality, with its canonical Kolada code."""

    code: str
    name: str
    kind: Kind
    region: str | None  # parent: RIKET for regions, the "00NN" region for municipalities


class UnknownAreaError(CollabError, ValueError):
    """An area code or name that is not in the registry, with the closest known one if any."""

    def __init__(self, value: str, what: Literal["code", "name"], suggestion: Area | None) -> None:
        self.value = value
        self.suggestion = suggestion
        message = f"unknown area {what} {value!r}"
        if suggestion is not None:
            if what == "code":
                message += f"; did you mean {suggestion.code!r} ({suggestion.name})?"
            else:
                message += f"; did you mean {suggestion.name!r} ({suggestion.code})?"
        super().__init__(message)


@cache
def _registry() -> dict[str, Area]:
    """All areas by code, read once from the package data (sorted by code)."""
    text = files("collab_metrics.model").joinpath("data/areas.csv").read_text(encoding="utf-8")
    return {
        row["code"]: Area(row["code"], row["name"], cast(Kind, row["kind"]), row["region"] or None)
        for row in csv.DictReader(io.StringIO(text))
    }


@cache
def _name_index() -> dict[str, Area]:
    """Areas by lower-cased name; regions also by their county and short names."""
    index: dict[str, Area] = {}
    for area in _registry().values():
        if area.kind == "region":
            county = _COUNTY_NAMES[area.code]
            short = county.removesuffix(" län").removesuffix("s")  # "Västra Götaland"
            for alias in (area.name.removeprefix("Region "), county, short):
                index.setdefault(alias.casefold(), area)
    # Official names win over aliases: "Gotland" is the municipality, not the region.
    index.update((area.name.casefold(), area) for area in _registry().values())
    return index


def _closest_code(code: str) -> Area | None:
    """The known area whose code is most similar to `code` (numerically nearest on ties)."""
    matcher = difflib.SequenceMatcher(b=code)
    best: tuple[float, int, Area] | None = None
    for area in _registry().values():
        matcher.set_seq1(area.code)
        ratio = matcher.ratio()
        distance = abs(int(area.code) - int(code)) if code.isdigit() else 0
        if ratio >= 0.6 and (best is None or (ratio, -distance) > best[:2]):
            best = (ratio, -distance, area)
    return best[2] if best else None


def get(code: str) -> Area:
    """The area with this canonical Kolada code; raises UnknownAreaError."""
    try:
        return _registry()[code]
    except KeyError:
        raise UnknownAreaError(code, "code", _closest_code(str(code).strip())) from None


def is_known(code: str) -> bool:
    """Whether this canonical Kolada code is in the registry."""
    return code in _registry()


def all_areas() -> tuple[Area, ...]:
    """Every area (riket, regions, municipalities), sorted by code."""
    return tuple(_registry().values())


def regions() -> tuple[Area, ...]:
    """The 21 regions, sorted by code."""
    return tuple(area for area in _registry().values() if area.kind == "region")


def municipalities(region: str | None = None) -> tuple[Area, ...]:
    """All municipalities, or those of one region ("00NN"), sorted by code."""
    if region is not None and get(region).kind != "region":
        raise ValueError(f"not a region code: {region!r}")
    return tuple(
        area
        for area in _registry().values()
        if area.kind == "municipality" and region in (None, area.region)
    )


def region_of(code: str) -> str:
    """The region of a municipality; a region's own code; RIKET for riket."""
    area = get(code)
    return area.region if area.kind == "municipality" and area.region else area.code


def contains(outer: str, inner: str) -> bool:
    """Whether area `outer` contains `inner` (every area contains itself)."""
    outer_area, inner_area = get(outer), get(inner)
    return (
        outer_area.kind == "country"
        or outer_area == inner_area
        or (outer_area.kind == "region" and inner_area.region == outer_area.code)
    )


def find_by_name(name: str) -> Area:
    """The area with this name, case-insensitive; regions also as "Blekinge län" or "Blekinge".

    A municipality's name takes precedence over a region's short name: "Gotland" is the
    municipality 0980, "Region Gotland" or "Gotlands län" the region 0009.
    """
    index = _name_index()
    key = " ".join(name.split()).casefold()
    if key in index:
        return index[key]
    close = difflib.get_close_matches(key, index, n=1)
    raise UnknownAreaError(name, "name", index[close[0]] if close else None)


def _from_kolada(code: str | int) -> str:
    """Canonical Kolada code, restoring leading zeros lost in spreadsheets (114 -> "0114")."""
    text = str(code).strip()
    if not text.isdigit() or len(text) > 4:
        raise ValueError(f"not a Kolada area code: {code!r}")
    return text.zfill(4)


_CONVERTERS: dict[str, Callable[[str | int], str]] = {
    "kolada": _from_kolada,
    "scb": from_scb,
    "ddf": from_ddf,
}


def normalize(code: str | int, system: System = "kolada") -> str:
    """The canonical Kolada code of a known area given in `system`; raises UnknownAreaError."""
    if system not in _CONVERTERS:
        raise ValueError(f"unknown code system {system!r}; expected one of {sorted(_CONVERTERS)}")
    try:
        canonical = _CONVERTERS[system](code)
    except ValueError:
        text = str(code).strip()
        raise UnknownAreaError(text, "code", _closest_code(text)) from None
    return get(canonical).code


def code_list(codes: Iterable[str], owner: str) -> tuple[str, ...]:
    """Four-digit Kolada codes, sorted and unique (so equal requests compare equal).

    Raises ValueError naming `owner` (e.g. "indicator 'youth'") for an empty list or a
    code that is not four digits; whether the code exists is the framework's check.
    """
    unique = sorted(set(codes))
    bad = [code for code in unique if not (len(code) == 4 and code.isdigit())]
    if bad or not unique:
        raise ValueError(
            f"{owner}: area codes must be four-digit Kolada codes (e.g. '0010', '1082'); "
            f"got {bad or 'none'}"
        )
    return tuple(unique)
