"""A local stand-in for Kolada API v3 that serves real values from the DDF snapshot.

The snapshot (../shared/data/kolada-ddf) is a scrape of the Kolada API, so turning its rows
back into v3 responses gives the adapter real numbers to read, over a real HTTP server
(pytest-httpserver), with paging, filters and the 25-values-per-filter limit enforced the
way the live API does. Faults are injected per request with `KoladaReplay.fault`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collab_metrics import areas
from collab_metrics.sources.kolada import MAX_FILTER_VALUES

PREFIX = "/v3"
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
    """Serves `points` as Kolada v3 `/data` on `server`, recording every request."""

    def __init__(self, server: HTTPServer, points: Iterable[Point]) -> None:
        self.server = server
        self.entries: dict[tuple[str, str, int], list[dict[str, object]]] = {}
        for p in points:
            self.entries.setdefault((p.kpi, p.area, p.period), []).append(
                {
                    "gender": p.gender,
                    "count": 1,
                    "status": p.status,
                    "value": p.value,
                    "isdeleted": p.isdeleted,
                }
            )
        self.requests: list[dict[str, str]] = []
        # Entries changed after the replay started: all that a `from_date` query returns,
        # as Kolada's change feed would.
        self.changed: set[tuple[str, str, int]] = set()
        self.fault: Callable[[Request], Response | None] | None = None
        server.expect_request(f"{PREFIX}/data").respond_with_handler(self.handle)

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

    def handle(self, request: Request) -> Response:
        """Answer one `/data` request like Kolada v3 (or with the injected fault)."""
        args = {k: request.args[k] for k in request.args}
        self.requests.append(args)
        if self.fault is not None and (broken := self.fault(request)) is not None:
            return broken
        filters = {
            name: args[name].split(",")
            for name in ("kpi_id", "municipality_id", "year")
            if args.get(name)
        }
        if len(filters) < 2 or any(len(v) > MAX_FILTER_VALUES for v in filters.values()):
            return _json({"error": "need two filters of at most 25 values each"}, 400)
        selected = [
            {"kpi": kpi, "municipality": area, "period": period, "values": values}
            for (kpi, area, period), values in sorted(self.entries.items())
            if kpi in filters.get("kpi_id", [kpi])
            and area in filters.get("municipality_id", [area])
            and str(period) in filters.get("year", [str(period)])
            and ("from_date" not in args or (kpi, area, period) in self.changed)
        ]
        page, per_page = int(args.get("page", "1")), int(args.get("per_page", "5000"))
        chunk = selected[(page - 1) * per_page : page * per_page]
        more = page * per_page < len(selected)
        next_url = (
            self.server.url_for(f"{PREFIX}/data") + "?" + urlencode({**args, "page": page + 1})
            if more
            else None
        )
        return _json({"count": len(chunk), "values": chunk, "next_url": next_url})


def _json(body: object, status: int = 200) -> Response:
    # json.dumps writes floats with repr(), which round-trips exactly: what the snapshot
    # holds is what the adapter must read back.
    return Response(json.dumps(body), status=status, content_type="application/json")
