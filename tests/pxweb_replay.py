"""A local stand-in for a PxWeb 2.0 host (SCB) that replays SCB's recorded answers.

The bodies are SCB's own, recorded from the live API (../shared/data/pxweb-v2/scb, read at
test time, never copied). Each data request is answered with the sub-cube it asks for, cut
from the recorded cube by json-stat2 index arithmetic, so every value served is one SCB
published; a request for exactly the recorded cube gets the recorded bytes.

Refusals follow PxWebApi 2 (PxTools/PxWebApi, its OpenAPI spec and user guide): a request
for more cells than `maxDataCells` is a 400 Bad Request with a problem-details body (not
403, which was this replay's earlier guess), an unknown table or value 404/400, and a GET
URL over about 2100 characters is not served.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

PREFIX = "/api/v2"
URL_LIMIT = 2100  # what the PxWebApi guide says a GET URL may be


def load(shared_data: Path, name: str) -> dict[str, Any]:
    return json.loads((shared_data / "pxweb-v2" / "scb" / name).read_text(encoding="utf-8"))


def cube_index(dataset: dict[str, Any], cell: dict[str, str]) -> int:
    """The json-stat2 position of one cell: row-major over `id`, each code by its index."""
    position = 0
    for dim, size in zip(dataset["id"], dataset["size"], strict=True):
        position = position * size + dataset["dimension"][dim]["category"]["index"][cell[dim]]
    return position


def dice(dataset: dict[str, Any], asked: dict[str, list[str]]) -> dict[str, Any] | None:
    """The sub-cube with the asked codes (`*`: all), or None if it was not recorded.

    A dimension left out must have one recorded code: the replay cannot sum like the host.
    Asking for exactly the recorded cube returns `dataset` itself.
    """
    recorded, picks = [], []
    for dim in dataset["id"]:
        index = dataset["dimension"][dim]["category"]["index"]
        codes = sorted(index, key=index.__getitem__)
        want = asked.get(dim, ["*"] if len(codes) == 1 else [])
        want = codes if want == ["*"] else want
        if not want or any(code not in index for code in want):
            return None
        recorded.append(codes)
        picks.append(want)
    if picks == recorded:
        return dataset
    out = copy.deepcopy(dataset)
    out["size"] = [len(pick) for pick in picks]
    for dim, pick in zip(dataset["id"], picks, strict=True):
        category = out["dimension"][dim]["category"]
        category["index"] = {code: i for i, code in enumerate(pick)}
        category["label"] = {code: category["label"][code] for code in pick}
    cells = itertools.product(*picks)
    flat = [cube_index(dataset, dict(zip(dataset["id"], cell, strict=True))) for cell in cells]
    out["value"] = [dataset["value"][i] for i in flat]
    status = dataset.get("status") or {}
    out["status"] = {str(n): status[str(i)] for n, i in enumerate(flat) if str(i) in status}
    return out


class PxWebReplay:
    """Serves recorded SCB answers as a PxWeb 2.0 host on `server`, recording every request.

    Enforces the host's rules the way SCB does: too many cells or too long a URL is refused.
    `clock`, when set, stamps each request (for rate-limit checks); `fault` may answer any
    request instead.
    """

    def __init__(self, server: HTTPServer, shared_data: Path, **config: Any) -> None:
        self.server = server
        self.shared_data = shared_data
        self.config = {**load(shared_data, "config.json"), **config}
        self.config_headers: dict[str, str] = {}
        self.tables: dict[str, tuple[dict[str, Any], dict[str, Any], bytes]] = {}
        self.paths: list[str] = []  # every path asked for, in order
        self.requests: list[dict[str, str]] = []  # query arguments of every data request
        self.stamps: list[float] = []
        self.clock: Callable[[], float] | None = None
        self.fault: Callable[[Request], Response | None] | None = None
        server.expect_request(re.compile(f"^{PREFIX}/")).respond_with_handler(self.handle)

    @property
    def base_url(self) -> str:
        return self.server.url_for(PREFIX)

    def add(
        self, table: str, data: str | dict[str, Any], metadata: str | None = None
    ) -> dict[str, Any]:
        """Serve a recorded data file (or a dataset) as `table`; returns the dataset."""
        if isinstance(data, str):
            body = (self.shared_data / "pxweb-v2" / "scb" / data).read_bytes()
            dataset = json.loads(body)
        else:
            dataset, body = data, json.dumps(data).encode()
        meta = load(self.shared_data, metadata) if metadata else {**dataset, "value": []}
        meta.pop("status", None)
        self.tables[table] = (meta, dataset, body)
        return dataset

    def listed(self) -> dict[str, dict[str, Any]]:
        """Every table SCB's recorded /tables and search answers describe, by id."""
        found: dict[str, dict[str, Any]] = {}
        for name in ("tables.json", "search.json"):
            for entry in load(self.shared_data, name)["tables"]:
                found.setdefault(entry["id"], entry)
        return found

    def handle(self, request: Request) -> Response:
        path = request.path.removeprefix(PREFIX)
        self.paths.append(path)
        if self.clock is not None:
            self.stamps.append(self.clock())
        if self.fault is not None and (broken := self.fault(request)) is not None:
            return broken
        if len(request.url) > URL_LIMIT:
            return json_response({"title": "Not found (URL too long)"}, 404)
        if path == "/config":
            return json_response(self.config, headers=self.config_headers)
        listed = re.fullmatch(r"/tables/(\w+)", path)
        if listed:  # GET /tables/{id}: the table's entry as SCB's recorded listings give it
            entry = self.listed().get(listed[1])
            return json_response(entry) if entry else json_response({"title": "Not found"}, 404)
        match = re.fullmatch(r"/tables/(\w+)/(metadata|data)", path)
        if not match or match[1] not in self.tables:
            return json_response({"title": "Non-existent table"}, 404)
        meta, dataset, body = self.tables[match[1]]
        if match[2] == "metadata":
            return json_response(meta)
        args = {key: request.args[key] for key in request.args}
        self.requests.append(args)
        asked = {
            key.removeprefix("valueCodes[").removesuffix("]"): value.split(",")
            for key, value in args.items()
            if key.startswith("valueCodes[")
        }
        sizes = dict(zip(meta["id"], meta["size"], strict=True))
        cells = math.prod(
            sizes.get(dim, 1) if codes == ["*"] else len(codes) for dim, codes in asked.items()
        )
        if cells > self.config["maxDataCells"]:
            return json_response({"title": "Too many cells selected", "status": 400}, 400)
        if args.get("outputFormat") != "json-stat2":
            return json_response({"title": "Unsupported output format", "status": 400}, 400)
        part = dice(dataset, asked)
        if part is None:
            return json_response({"title": "Non-existent value"}, 400)
        if part is dataset:
            return Response(body, content_type="application/json; charset=UTF-8")
        return json_response(part)


def json_response(
    body: object, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        json.dumps(body), status=status, headers=headers, content_type="application/json"
    )
