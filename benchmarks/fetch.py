"""Benchmark `collab fetch` for both demo frameworks against a local Kolada replay server.

The server (tests/kolada_replay.py) serves the real snapshot values as Kolada v3 pages on
127.0.0.1. Each framework is fetched cold (empty store and HTTP cache) and then warm (the
same store and cache again), and the script prints HTTP requests, response bytes, wall
time and peak memory. Run with `.venv/bin/python benchmarks/fetch.py` after `make test`
(it needs the test extras for the local server).
"""

from __future__ import annotations

import logging
import math
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from kolada_replay import KoladaReplay, Point, load_kpi_metadata, load_snapshot  # noqa: E402
from pytest_httpserver import HTTPServer  # noqa: E402

from collab_metrics.model.framework import KoladaIndicator, load_framework  # noqa: E402
from collab_metrics.pipeline import fetch  # noqa: E402
from collab_metrics.sources.ddf import default_snapshot_dir  # noqa: E402
from collab_metrics.sources.http import make_session  # noqa: E402
from collab_metrics.sources.kolada import MAX_PER_PAGE  # noqa: E402

FRAMEWORKS = ("blekinge-unga-lyfter", "varmland-nya-perspektiv")


class CountingReplay(KoladaReplay):
    """The replay server, also counting the bytes and value rows it sends."""

    def __init__(self, server: HTTPServer, points: list[Point], kpis: dict) -> None:
        super().__init__(server, points, kpis=kpis)
        self.bytes_sent = 0
        self.rows_sent = 0
        self.kpi_asked = 0  # /kpi/{id}: asked only for a series that came back empty

    def handle_kpi(self, request):  # type: ignore[no-untyped-def]
        self.kpi_asked += 1
        return super().handle_kpi(request)

    def handle(self, request):  # type: ignore[no-untyped-def]
        response = super().handle(request)
        self.bytes_sent += len(response.get_data())
        if response.status_code == 200:
            self.rows_sent += len(response.get_json()["values"])
        return response


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    snapshot = default_snapshot_dir()
    frameworks = [load_framework(REPO / "params" / f"{name}.yaml") for name in FRAMEWORKS]
    kpis = sorted(
        {i.query.kpi for fw in frameworks for i in fw.indicators if isinstance(i, KoladaIndicator)}
    )
    points = [p for kpi in kpis for p in load_snapshot(snapshot, kpi)]
    server = HTTPServer(host="127.0.0.1")
    server.start()
    replay = CountingReplay(server, points, load_kpi_metadata(snapshot, kpis))
    print(f"replay server: {len(points)} real values of {len(kpis)} KPIs on {replay.base_url}")
    print(
        f"{'framework':<26}{'run':<6}{'requests':>9}{'cached':>8}{'minimum':>9}"
        f"{'bytes':>10}{'rows':>7}{'wall s':>8}{'peak MB':>9}"
    )
    try:
        with tempfile.TemporaryDirectory() as work:
            for fw in frameworks:
                fw.sources.kolada_url = replay.base_url
                store = Path(work) / fw.collaboration.id / "store.duckdb"
                for run in ("cold", "warm"):
                    _measure(fw, run, store, snapshot, replay)
    finally:
        server.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {rss:.0f} MB (includes the server, pandas and DuckDB)")


def _measure(fw, run: str, store: Path, snapshot: Path, replay: CountingReplay) -> None:  # type: ignore[no-untyped-def]
    replay.bytes_sent = replay.rows_sent = 0
    asked, kpi_asked = len(replay.requests), replay.kpi_asked
    session = make_session(store.parent / "http-cache")
    tracemalloc.start()
    started = time.perf_counter()
    outcome = fetch.collect(
        fw, mode="network", store_path=store, snapshot_dir=snapshot, session=session
    )
    wall = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert outcome.data_used == "live", outcome.messages
    stats = session.stats.as_dict()
    # The fewest requests paging allows: every row sent, in pages of the largest size.
    minimum = math.ceil(replay.rows_sent / MAX_PER_PAGE) if replay.rows_sent else 0
    served = len(replay.requests) - asked
    metadata = replay.kpi_asked - kpi_asked
    assert served + metadata == stats["network"]
    print(
        f"{fw.collaboration.id:<26}{run:<6}{stats['network']:>9}{stats['cached']:>8}"
        f"{minimum:>9}{replay.bytes_sent:>10}{replay.rows_sent:>7}{wall:>8.2f}"
        f"{peak / 1e6:>9.1f}"
    )
    print(f"{'':<32}store: {outcome.summary}; KPI metadata requests: {metadata}")


if __name__ == "__main__":
    main()
