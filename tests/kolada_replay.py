"""A local stand-in for Kolada API v3 that serves real values from the DDF snapshot.

The snapshot (../shared/data/kolada-ddf) is a scrape of the Kolada API, so turning its rows
back into v3 responses gives the adapter real numbers to read, over a real HTTP server
(pytest-httpserver). The server implements the contract of the real API, not the
adapter's assumptions, from these sources: Kolada's API documentation (Hypergene/kolada
README: the path form `/data/kpi/{ids}/municipality/{ids}/year/{years}` with comma lists,
at least two of the three filters, `count` = the length of `values`), the Swagger UI at
api.kolada.se/v3/docs, and the v3 clients tested live in 2026 (rKolada, koladapy):

- path form: comma lists inside a segment, at most 25 values each, at least two filters,
  else 400; `page` and `per_page` (at most 5000) as query parameters;
- query form `/data?kpi_id=..`: FastAPI list parameters, so repeated keys are a list and
  a comma-joined value is **one** id that matches nothing: 200 with an empty page;
- `count` is the number of items on the page; `next_url` is absolute, null at the end;
- an ordinary value has `status: ""`; deleted values are flagged `isdeleted`;
- `GET /kpi/{id}`: `{"count", "values": [{id, title, municipality_type,
  is_divided_by_gender, ...}]}`, served from the snapshot's real ddf--concepts.csv.

`page_size` makes the server cut pages smaller than asked (the "Done when" test uses 50),
and faults are injected per request with `KoladaReplay.fault`.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collab_metrics.model import areas

PREFIX = "/v3"
MAX_VALUES = 25  # per filter, as Kolada documents it (not imported from the adapter)
MAX_PER_PAGE = 5000
_FILTERS = {"kpi": "kpi_id", "municipality": "municipality_id", "year": "year"}
_DDF_GENDERS = {"k": "K", "m": "M"}
_TIDY_SEXES = {"T": "total", "K": "women", "M": "men"}


@dataclass(frozen=True)
class Point:
    """One Kolada value: a KPI for an area, year and gender, as the API would send it."""

    kpi: str
    area: str
    period: int
    gender: str
    value: float | None
    status: str | None = None
    isdeleted: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        """(area, period, tidy sex): how the tidy frame identifies this value."""
        return (self.area, str(self.period), _TIDY_SEXES[self.gender])


def load_snapshot(ddf_dir: Path, kpi: str, only: Iterable[str] | None = None) -> list[Point]:
    """Every value of `kpi` in the snapshot (total and by sex), optionally for some areas."""
    wanted = set(only) if only is not None else None
    column = kpi.lower()
    points = []
    for suffix in ("geo--year", "geo--gender--year"):
        path = ddf_dir / f"ddf--datapoints--{column}--by--{suffix}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                area = areas.from_ddf(row["geo"])
                if (wanted is not None and area not in wanted) or not row[column]:
                    continue
                gender = _DDF_GENDERS[row["gender"]] if "gender" in row else "T"
                points.append(Point(kpi, area, int(row["year"]), gender, float(row[column])))
    return points


def load_kpi_metadata(ddf_dir: Path, kpis: Iterable[str]) -> dict[str, dict[str, object]]:
    """Kolada's /kpi description of each KPI, from the snapshot's ddf--concepts.csv."""
    wanted = {kpi.lower(): kpi for kpi in kpis}
    found: dict[str, dict[str, object]] = {}
    with (ddf_dir / "ddf--concepts.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["concept"] in wanted:
                kpi = wanted[row["concept"]]
                found[kpi] = {
                    "id": kpi,
                    "title": row["name"],
                    "description": row["description"],
                    "municipality_type": row["municipality_type"],
                    "is_divided_by_gender": row["is_divided_by_gender"] == "1",
                    "operating_area": row["operating_area"],
                    "publication_date": row["publication_date"],
                }
    return found


def municipalities(ddf_dir: Path) -> list[str]:
    """The 290 municipality codes of the snapshot, canonical."""
    with (ddf_dir / "ddf--entities--geo--kommun.csv").open(encoding="utf-8") as handle:
        return [areas.from_ddf(row["kommun"]) for row in csv.DictReader(handle)]


def alter(points: list[Point], key: tuple[str, int, str], **changes: object) -> list[Point]:
    """`points` with the one at (area, period, gender) changed, e.g. made missing."""
    hits = [p for p in points if (p.area, p.period, p.gender) == key]
    assert len(hits) == 1, f"expected one point at {key}, found {len(hits)}"
    return [replace(p, **changes) if p is hits[0] else p for p in points]  # type: ignore[arg-type]


class KoladaReplay:
    """Serves `points` as Kolada v3 `/data` (and `kpis` as `/kpi/{id}`) on `server`.

    Every data request is recorded in `requests` as its filters (`kpi`, `municipality`,
    `year`: lists), its `form` ("path" or "query") and its other query arguments.
    """

    def __init__(
        self,
        server: HTTPServer,
        points: Iterable[Point],
        *,
        kpis: dict[str, dict[str, object]] | None = None,
        page_size: int = MAX_PER_PAGE,
    ) -> None:
        self.server = server
        self.page_size = page_size
        self.kpis = kpis or {}
        self.entries: dict[tuple[str, str, int], list[dict[str, object]]] = {}
        for p in points:
            self.entries.setdefault((p.kpi, p.area, p.period), []).append(
                {
                    "gender": p.gender,
                    "count": 1,
                    "status": "" if p.status is None else p.status,
                    "value": p.value,
                    "isdeleted": p.isdeleted,
                }
            )
        self.requests: list[dict[str, object]] = []
        # Entries changed after the replay started: all that a `from_date` query returns,
        # as Kolada's change feed would.
        self.changed: set[tuple[str, str, int]] = set()
        self.fault: Callable[[Request], Response | None] | None = None
        self.empty = False  # answer every data request with an empty page
        server.expect_request(re.compile(f"^{PREFIX}/data(/.*)?$")).respond_with_handler(
            self.handle
        )
        server.expect_request(re.compile(f"^{PREFIX}/kpi/[^/]+$")).respond_with_handler(
            self.handle_kpi
        )

    def revise(self, kpi: str, area: str, period: int, gender: str, value: float) -> None:
        """Publish a new value for one point, as a revision Kolada would make."""
        for entry in self.entries[(kpi, area, period)]:
            if entry["gender"] == gender:
                entry["value"] = value
        self.changed.add((kpi, area, period))

    @property
    def base_url(self) -> str:
        """What the adapter is given as `base_url`."""
        return self.server.url_for(PREFIX)

    def handle_kpi(self, request: Request) -> Response:
        """`GET /kpi/{id}`: the KPI's description, or an empty list for an unknown id."""
        kpi = request.path.rsplit("/", 1)[1]
        found = [self.kpis[kpi]] if kpi in self.kpis else []
        return _json({"count": len(found), "values": found})

    def handle(self, request: Request) -> Response:
        """Answer one `/data` request like Kolada v3 (or with the injected fault)."""
        path = request.path.removeprefix(f"{PREFIX}/data").strip("/")
        args = {k: request.args[k] for k in request.args}
        if path:
            form, filters = "path", _path_filters(path)
        else:
            form = "query"
            # FastAPI list parameters: each repeated key is one value, commas included.
            filters = {
                name: request.args.getlist(key)
                for name, key in _FILTERS.items()
                if request.args.getlist(key)
            }
        self.requests.append({"form": form, **(filters or {}), **args})
        if self.fault is not None and (broken := self.fault(request)) is not None:
            return broken
        if filters is None:
            return _json({"detail": "Not Found"}, 404)
        if len(filters) < 2 or any(len(v) > MAX_VALUES for v in filters.values()):
            return _json({"detail": "at least two filters of at most 25 values each"}, 400)
        try:
            page, per_page = int(args.get("page", "1")), int(args.get("per_page", "5000"))
        except ValueError:
            return _json({"detail": "page and per_page must be integers"}, 422)
        if not (page >= 1 and 1 <= per_page <= MAX_PER_PAGE):
            return _json({"detail": "per_page must be between 1 and 5000"}, 422)
        per_page = min(per_page, self.page_size)
        selected = [
            {"kpi": kpi, "municipality": area, "period": period, "values": values}
            for (kpi, area, period), values in sorted(self.entries.items())
            if not self.empty
            and kpi in filters.get("kpi", [kpi])
            and area in filters.get("municipality", [area])
            and str(period) in filters.get("year", [str(period)])
            and ("from_date" not in args or (kpi, area, period) in self.changed)
        ]
        chunk = selected[(page - 1) * per_page : page * per_page]
        more = page * per_page < len(selected)
        next_url = (
            self.server.url_for(request.path)
            + "?"
            + urlencode({**args, "page": page + 1, "per_page": per_page})
            if more
            else None
        )
        return _json({"count": len(chunk), "values": chunk, "next_url": next_url})


def _path_filters(path: str) -> dict[str, list[str]] | None:
    """`kpi/A,B/municipality/X/year/2020` as {kpi: [A, B], ...}; None if not that shape."""
    parts = path.split("/")
    if len(parts) % 2:
        return None
    filters: dict[str, list[str]] = {}
    for name, values in zip(parts[::2], parts[1::2], strict=True):
        if name not in _FILTERS or name in filters or not values:
            return None
        filters[name] = values.split(",")
    return filters


def _json(body: object, status: int = 200) -> Response:
    # json.dumps writes floats with repr(), which round-trips exactly: what the snapshot
    # holds is what the adapter must read back.
    return Response(json.dumps(body), status=status, content_type="application/json")
