"""A local stand-in for a PxWeb API v1 host that replays recorded v1 answers.

The bodies are read at test time from ../shared/data/pxweb-v1 (never copied); see its
README for each file's fidelity (SCB's SamForvInk1 metadata and json-stat2 answer are
re-serialised recordings; Folkhälsomyndigheten's files are ABRIDGED shape-only fixtures,
cut down from a real table, used for FoHM's traits: value texts "21 Gävleborgs län",
variable codes with spaces and å/ä/ö, rolling periods "2021-2022", an eliminated
ContentsCode). The server implements the v1 contract as the PxWeb server source states it
(statisticssweden/PxWeb @ 9a55e649: `PCAxis.Api/SSDHandler.cs` answers `?config` as a bare
query key, a table's metadata on GET and its data on POST; PxTools/PCAxis.Query
`QueryHelper.cs` gives the filters `item`, `all` with `*`, `top`, `vs:` with no values
eliminating the variable; `Settings.cs`/`Options.cs` the limits):

- `GET {prefix}?config` -> `{"maxValues", "maxCells", "maxCalls", "timeWindow", "CORS"}`;
  `GET {prefix}/config` -> 400 `{"error": "Parameter error"}` (a level that is neither a
  table nor a list), which is how a client tells v1 from v2;
- an unknown variable -> 400 "Parameter error"; an unknown value -> 400 "The request for
  variable 'X' has an error. Please check your query."; a variable left out is eliminated
  if it may be, else all its values are selected;
- more cells than maxCells -> 403 "Too many values selected"; more than maxCalls in
  timeWindow seconds -> 429 with `Retry-After: {timeWindow}`.

Each POST is answered with the sub-cube it asks for, cut from the recorded json-stat2 cube
(pxweb_replay.dice); what was not recorded (another region, a summed elimination) is
answered 400 as a value the replay does not have, never invented.
"""

from __future__ import annotations

import json
import math
import re
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pxweb_replay import dice
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

PREFIX = "/api/v1/sv/db"
# Folkhälsomyndigheten's ?config as reported by fuzzy-MCP and janbrus/pxwebapi-skills
# (probed live 2026-08-31); see ../shared/data/pxweb-v1/README.md.
FOHM_CONFIG: dict[str, Any] = {
    "maxValues": 10000,
    "maxCells": 100000,
    "maxCalls": 1000,
    "timeWindow": 10,
    "CORS": True,
}


def load(shared_data: Path, name: str) -> dict[str, Any]:
    return json.loads((shared_data / "pxweb-v1" / name).read_text(encoding="utf-8"))


class PxWebV1Replay:
    """Serves recorded v1 tables on `server` under PREFIX; records every request."""

    def __init__(self, server: HTTPServer, shared_data: Path, **config: Any) -> None:
        self.server = server
        self.shared_data = shared_data
        self.config = {**FOHM_CONFIG, **config}
        self.tables: dict[str, tuple[dict[str, Any], dict[str, Any], bytes]] = {}
        self.paths: list[str] = []
        self.posts: list[dict[str, Any]] = []
        self.clock: Callable[[], float] | None = None
        self.fault: Callable[[Request], Response | None] | None = None
        self._calls: deque[float] = deque()
        server.expect_request(re.compile(f"^{PREFIX}(/.*)?$")).respond_with_handler(self.handle)

    @property
    def base_url(self) -> str:
        return self.server.url_for(PREFIX)

    def add(self, path: str, metadata: str, data: str, *, abridge: bool = False) -> dict[str, Any]:
        """Serve a recorded metadata and json-stat2 data file as the table at `path`.

        `abridge` cuts the metadata's value lists down to the codes the data answer holds
        (the periods 2020-2022 of a table running 1999-2022), so a client asking for
        everything the table lists gets recorded values rather than a refusal.
        """
        body = (self.shared_data / "pxweb-v1" / data).read_bytes()
        dataset = json.loads(body)
        meta = load(self.shared_data, metadata)
        if abridge:
            for variable in meta["variables"]:
                if variable["code"] in dataset["id"]:
                    held = dataset["dimension"][variable["code"]]["category"]["index"]
                    pairs = zip(variable["values"], variable["valueTexts"], strict=True)
                    kept = [(code, text) for code, text in pairs if code in held]
                    variable["values"] = [code for code, _ in kept]
                    variable["valueTexts"] = [text for _, text in kept]
        self.tables[path.strip("/")] = (meta, dataset, body)
        return dataset

    def serve(self, path: str, metadata: dict[str, Any], dataset: dict[str, Any]) -> None:
        """Serve a table a test builds itself (SYNTHETIC values in a real host's shape)."""
        body = json.dumps(dataset, ensure_ascii=False).encode()
        self.tables[path.strip("/")] = (metadata, dataset, body)

    def handle(self, request: Request) -> Response:
        path = request.path.removeprefix(PREFIX).strip("/")
        self.paths.append(
            f"{request.method} /{path}" + ("?config" if "config" in request.args else "")
        )
        if self.fault is not None and (broken := self.fault(request)) is not None:
            return broken
        if self._too_many():
            window = str(self.config["timeWindow"])
            return _error(
                "429 - Too many requests in too short timeframe. Please try again later.",
                429,
                {"Retry-After": window},
            )
        if "config" in request.args:
            return _json(self.config)
        if path not in self.tables:
            return _error("Parameter error", 400)
        meta, dataset, body = self.tables[path]
        if request.method == "GET":
            return _json(meta)
        try:
            asked = json.loads(request.get_data())
            self.posts.append(asked)
            return self._data(meta, dataset, body, asked)
        except (ValueError, KeyError, TypeError):
            return _error("Parameter error", 400)

    def _too_many(self) -> bool:
        """Whether this call exceeds maxCalls in the sliding timeWindow (per client)."""
        if self.clock is None:
            return False
        now = self.clock()
        while self._calls and now - self._calls[0] >= self.config["timeWindow"]:
            self._calls.popleft()
        if len(self._calls) >= self.config["maxCalls"]:
            return True
        self._calls.append(now)
        return False

    def _data(
        self, meta: dict[str, Any], dataset: dict[str, Any], body: bytes, asked: dict[str, Any]
    ) -> Response:
        if asked.get("response", {}).get("format") != "json-stat2":
            return _error("Parameter error", 400)  # only json-stat2 answers were recorded
        variables = {v["code"]: v for v in meta["variables"]}
        picks: dict[str, list[str]] = {}
        for item in asked["query"]:
            code, selection = item["code"], item["selection"]
            if code not in variables:
                return _error("Parameter error", 400)
            values = _select(selection["filter"], selection["values"], variables[code])
            if values is None:
                return _error(
                    f"The request for variable '{code}' has an error. Please check your query.",
                    400,
                )
            if values:
                picks[code] = values
        for code, variable in variables.items():
            if code not in picks and not variable.get("elimination"):
                picks[code] = list(variable["values"])
        cells = math.prod(len(values) for values in picks.values())
        if cells > self.config.get("maxCells", self.config["maxValues"]):
            return _error("Too many values selected", 403)
        eliminated = set(variables) - set(picks)
        if eliminated & set(dataset["id"]) or set(picks) - set(dataset["id"]):
            # The host would sum, or pick from a variable the recording eliminated.
            return _error("Not recorded by the replay: another elimination than recorded", 400)
        recorded = {dim: [*picks.get(dim, ["*"])] for dim in dataset["id"]}
        part = dice(dataset, recorded)
        if part is None:
            return _error("Not recorded by the replay: values outside the recorded cube", 400)
        if part is dataset:
            return Response(body, content_type="application/json; charset=utf-8")
        return _json(part)


def _select(filter_: str, values: list[str], variable: dict[str, Any]) -> list[str] | None:
    """The codes a v1 selection picks; [] eliminates; None is an error (QueryHelper.cs)."""
    known = list(variable["values"])
    if filter_.startswith("vs:") and not values:
        return []
    if filter_ == "all":
        picked = []
        for pattern in values:
            if pattern == "*":
                return known
            if pattern.endswith("*"):
                picked += [c for c in known if c.startswith(pattern[:-1])]
            elif pattern.startswith("*"):
                picked += [c for c in known if c.endswith(pattern[1:])]
            else:
                return None
        return picked
    if filter_ == "top":
        if len(values) != 1 or not values[0].isdigit() or int(values[0]) < 1:
            return None
        n = int(values[0])
        return known[-n:] if variable.get("time") else known[:n]
    if any(code not in known for code in values):  # item, and anything else read as item
        return None
    return list(values)


def _json(body: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body), status=status, headers=headers, content_type="application/json"
    )


def _error(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    return _json({"error": message}, status, headers)
