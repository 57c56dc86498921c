"""The offline Kolada snapshot (Gapminder DDF CSVs), read as if it were the Kolada API.

The snapshot lets the demo, the tests and users without internet work with real Kolada
numbers. It is a scrape of the Kolada API published as open-numbers/ddf--kolada--dump:
one CSV per KPI and breakdown, `ddf--datapoints--<kpi>--by--geo--year.csv` (Kolada gender
"T") and `ddf--datapoints--<kpi>--by--geo--gender--year.csv` (gender `k`/`m`), plus
`ddf--concepts.csv` with each KPI's title and description.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, TypedDict

import pandas as pd

import collab_metrics
from collab_metrics.errors import DataError
from collab_metrics.model import areas
from collab_metrics.model.tidy import SEXES, FetchResult, conform, empty_frame

# The dump was scraped from the Kolada API on this day. File modification times cannot
# stand in for it: copying, unpacking or checking out the files resets them.
SNAPSHOT_RETRIEVED_AT: Final = datetime(2024, 8, 30, tzinfo=UTC)

ENV_VAR: Final = "COLLAB_OFFLINE_DATA"
SOURCE: Final = "ddf"

_GENDERS: Final = {"k": "women", "m": "men"}
_DATAPOINTS = re.compile(r"ddf--datapoints--(?P<kpi>[a-z0-9]+)--by--geo(?:--gender)?--year\.csv")
# Kolada ends most descriptions with "Källa: <agency>."; some repeat it, a few omit the
# colon ("Källa Socialstyrelsens register ...") or double it ("Källa: Källa: ...").
_SOURCE_MARK = re.compile(r"\bKälla\b:?\s*")
# operating_area joins areas with "," but areas may themselves contain ", "
# ("Bakgrund,Landstinget, övergripande"), so only a comma without a space separates.
_AREA_SEPARATOR = re.compile(r",(?! )")


class SnapshotError(DataError, LookupError):
    """The snapshot lacks what was asked for (directory, KPI file, breakdown, concept)."""


@dataclass(frozen=True)
class SnapshotRequest:
    """One KPI to read from the snapshot for one framework indicator.

    `areas` are canonical Kolada codes ("0000", "0010", "1082") and `years` calendar
    years; None means every area or year the snapshot has. `sexes` None means every
    breakdown the snapshot has for the KPI; naming a sex the snapshot lacks is an error.
    """

    indicator: str
    kpi: str
    areas: Sequence[str] | None = None
    years: Sequence[int] | None = None
    sexes: Sequence[str] | None = None


class KpiMetadata(TypedDict):
    """What ddf--concepts.csv says about a KPI, for report texts and attribution."""

    kpi: str
    title: str
    description: str
    agency: str | None
    is_divided_by_gender: bool
    operating_area: list[str]


def default_snapshot_dir() -> Path:
    """Where the snapshot is when the user does not say: $COLLAB_OFFLINE_DATA, else shared/.

    The real data must never be copied into the repository; CI and every developer
    checkout have `shared/` beside the repository, so the default is found relative to the
    package's source checkout (`<repo>/../shared/data/kolada-ddf`). An installed package
    has no such neighbour, hence the environment variable.
    """
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured).expanduser()
    return Path(collab_metrics.__file__).resolve().parents[2] / "shared" / "data" / "kolada-ddf"


def available_kpis(root: Path) -> list[str]:
    """Kolada ids (upper case, as Kolada writes them) of the KPIs the snapshot has files for."""
    _require_dir(root)
    found = {m["kpi"] for p in root.iterdir() if (m := _DATAPOINTS.fullmatch(p.name))}
    return sorted(kpi.upper() for kpi in found)


def read_snapshot(
    requests: Iterable[SnapshotRequest],
    *,
    root: Path,
    retrieved_at: datetime = SNAPSHOT_RETRIEVED_AT,
) -> FetchResult:
    """Tidy observations for each request, as Kolada would have served them when scraped.

    The dump leaves out what Kolada did not publish. So that a report can say a value is
    absent rather than silently skip it, every requested (or, when not given, present)
    area and year of a KPI gets a row: NaN with status "missing" where the snapshot has
    no value. Pass `retrieved_at` when reading a snapshot scraped on another day.
    """
    frames = [_read_request(request, root, retrieved_at) for request in requests]
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return FetchResult(frame=empty_frame())
    return FetchResult(frame=conform(pd.concat(frames, ignore_index=True)))


def kpi_metadata(kpi: str, *, root: Path) -> KpiMetadata:
    """Title, description, producing agency, sex breakdown and operating area of a KPI."""
    concepts = _concepts(root.resolve())
    key = kpi.strip().lower()
    if key not in concepts.index:
        raise SnapshotError(f"KPI {kpi!r} is not in {root / 'ddf--concepts.csv'}")
    row = concepts.loc[key]
    description = row["description"]
    return {
        "kpi": key.upper(),
        "title": row["name"],
        "description": description,
        "agency": _agency(description),
        "is_divided_by_gender": row["is_divided_by_gender"] == "1",
        "operating_area": [a for a in _AREA_SEPARATOR.split(row["operating_area"]) if a],
    }


def _read_request(request: SnapshotRequest, root: Path, retrieved_at: datetime) -> pd.DataFrame:
    """The tidy rows for one request, with "missing" rows filling the area-year grid."""
    _require_dir(root)
    kpi = request.kpi.strip().lower()
    paths = {by_gender: _datapoints_path(root, kpi, by_gender) for by_gender in (False, True)}
    if not any(path.is_file() for path in paths.values()):
        raise SnapshotError(
            f"the snapshot in {root} has no data for KPI {request.kpi!r}; "
            f"it has: {', '.join(available_kpis(root))}"
        )
    sexes = _requested_sexes(request, paths)
    parts = []
    if "total" in sexes:
        parts.append(_read_datapoints(paths[False], kpi, by_gender=False))
    if {"women", "men"} & set(sexes):
        parts.append(_read_datapoints(paths[True], kpi, by_gender=True))
    data = pd.concat(parts, ignore_index=True)
    data = data[data["sex"].isin(sexes)]

    area_list = _canonical_areas(request.areas) if request.areas is not None else None
    if area_list is not None:
        data = data[data["area"].isin(area_list)]
    year_list = sorted({int(y) for y in request.years}) if request.years is not None else None
    if year_list is not None:
        data = data[data["year"].isin(year_list)]

    grid = pd.MultiIndex.from_product(
        [
            area_list if area_list is not None else sorted(data["area"].unique()),
            year_list if year_list is not None else sorted(data["year"].unique()),
            [s for s in SEXES if s in sexes],
        ],
        names=["area", "year", "sex"],
    )
    values = data.set_index(["area", "year", "sex"])["value"].reindex(grid).reset_index()
    if values.empty:
        return empty_frame()
    return pd.DataFrame(
        {
            "indicator": request.indicator,
            "area": values["area"],
            "period": values["year"].astype("string"),
            "sex": values["sex"],
            "value": values["value"],
            "status": values["value"].isna().map({True: "missing", False: ""}),
            "source": SOURCE,
            "retrieved_at": retrieved_at,
        }
    )


def _requested_sexes(request: SnapshotRequest, paths: dict[bool, Path]) -> tuple[str, ...]:
    """The sexes to read: as requested, or all the snapshot has for the KPI."""
    has = {"total": paths[False].is_file(), "women": paths[True].is_file()}
    has["men"] = has["women"]
    if request.sexes is None:
        return tuple(s for s in SEXES if has[s])
    unknown = sorted(set(request.sexes) - set(SEXES))
    if unknown:
        raise ValueError(f"unknown sex {unknown} for KPI {request.kpi!r}; use {list(SEXES)}")
    lacking = [s for s in request.sexes if not has[s]]
    if lacking:
        raise SnapshotError(
            f"the snapshot has no {'/'.join(lacking)} breakdown of KPI {request.kpi!r} "
            f"(no file {paths[lacking[0] != 'total'].name})"
        )
    return tuple(request.sexes)


def _datapoints_path(root: Path, kpi: str, by_gender: bool) -> Path:
    """The snapshot file of a KPI (lower-case id) for sex total or for women and men."""
    by = "geo--gender--year" if by_gender else "geo--year"
    return root / f"ddf--datapoints--{kpi}--by--{by}.csv"


def _read_datapoints(path: Path, kpi: str, *, by_gender: bool) -> pd.DataFrame:
    """One datapoints file as columns area, year, sex, value (values exactly as written)."""
    # geo must stay text: "01" and "1" both occur and "0" is riket, not a number.
    dtypes = {"geo": "string", "year": "int64", kpi: "float64"}
    if by_gender:
        dtypes["gender"] = "string"
    try:
        raw = pd.read_csv(path, dtype=dtypes, usecols=list(dtypes))
    except ValueError as err:
        raise SnapshotError(f"{path}: expected columns {', '.join(dtypes)}: {err}") from err
    codes = {code: areas.from_ddf(code) for code in raw["geo"].unique()}
    if by_gender:
        unknown = set(raw["gender"].unique()) - set(_GENDERS)
        if unknown:
            raise SnapshotError(f"{path}: unknown gender codes {sorted(unknown)}")
        sex = raw["gender"].map(_GENDERS)
    else:
        sex = "total"
    return pd.DataFrame(
        {"area": raw["geo"].map(codes), "year": raw["year"], "sex": sex, "value": raw[kpi]}
    )


def _canonical_areas(codes: Iterable[str]) -> list[str]:
    """Requested area codes, checked to be canonical Kolada codes, without duplicates."""
    result = []
    for code in codes:
        if not (isinstance(code, str) and len(code) == 4 and code.isdigit()):
            raise ValueError(
                f"area {code!r} is not a Kolada area code; write four digits "
                "(riket '0000', region '0010', municipality '1082')"
            )
        if code not in result:
            result.append(code)
    return result


@functools.cache
def _concepts(root: Path) -> pd.DataFrame:
    """ddf--concepts.csv indexed by concept id, read once per snapshot directory."""
    path = root / "ddf--concepts.csv"
    if not path.is_file():
        raise SnapshotError(f"no ddf--concepts.csv in {root}")
    columns = ["concept", "name", "description", "is_divided_by_gender", "operating_area"]
    concepts = pd.read_csv(path, dtype="string", usecols=columns, keep_default_na=False)
    # The scrape kept some JSON escapes as text: a literal backslash-n ends a few descriptions.
    concepts["description"] = concepts["description"].str.replace("\\n", "\n").str.strip()
    return concepts.set_index("concept")


def _agency(description: str) -> str | None:
    """The producing agency named after the last "Källa:" of a Kolada description."""
    parts = [p.strip().rstrip(".").strip() for p in _SOURCE_MARK.split(description)[1:]]
    parts = [p for p in parts if p]
    return parts[-1] if parts else None


def _require_dir(root: Path) -> None:
    """Fail with a hint when the snapshot directory is not there."""
    if not root.is_dir():
        raise SnapshotError(
            f"offline Kolada snapshot not found at {root}; pass its directory or set {ENV_VAR}"
        )
