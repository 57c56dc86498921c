"""Shared test fixtures: where the real data lives, and the `live` marker gate."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import helpers
import pytest
from hypothesis import settings

# CI runs the same examples every time, so a submission's result is reproducible; local
# runs keep exploring new random examples (and store failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("COLLAB_SHARED_DATA", REPO.parent / "shared" / "data"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked `live` unless COLLAB_LIVE=1: CI has no internet."""
    if os.environ.get("COLLAB_LIVE") == "1":
        return
    skip = pytest.mark.skip(reason="needs the live APIs; set COLLAB_LIVE=1")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data in ../shared/data (never copied into this repository)."""
    if not (SHARED_DATA / "kolada-ddf").is_dir():
        pytest.fail(f"real test data not found at {SHARED_DATA}; set COLLAB_SHARED_DATA")
    return SHARED_DATA


@pytest.fixture(scope="session")
def ddf_dir(shared_data: Path) -> Path:
    """The offline Kolada snapshot (Gapminder DDF CSVs)."""
    return shared_data / "kolada-ddf"


def _log_path(tmp_path: Path) -> Path:
    """Beside the test's tmp_path, not in it: tests check that a command wrote nothing."""
    return tmp_path.with_name(f"{tmp_path.name}.collab-cli.log")


@pytest.fixture(autouse=True)
def _cli_log(request: pytest.FixtureRequest) -> Iterator[None]:
    """Keep the output of every `collab` run of a test that has a tmp_path, for failures."""
    if "tmp_path" not in request.fixturenames:
        yield
        return
    helpers.LOG = _log_path(request.getfixturevalue("tmp_path"))
    try:
        yield
    finally:
        helpers.LOG = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    """A failing test shows every CLI run's output, also of runs it did not assert on
    (an intermittent failure must leave its evidence, not just "assert 1 == 0")."""
    report = yield
    tmp_path = getattr(item, "funcargs", {}).get("tmp_path")
    if report.failed and tmp_path is not None:
        log = _log_path(Path(tmp_path))
        if log.is_file():
            report.sections.append(("collab CLI runs", log.read_text(encoding="utf-8")))
    return report
