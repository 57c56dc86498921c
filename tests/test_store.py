"""The DuckDB observation store: vintages, revisions, deletions, raw archive, safety.

Most tests use SYNTHETIC frames built here (indicator ids start with "synthetic"); one
loads real Kolada values from the offline snapshot and checks they come back exactly.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from collab_metrics.model import areas
from collab_metrics.model.tidy import FetchResult, RawResponse, conform, empty_frame
from collab_metrics.store import (
    SCHEMA_VERSION,
    Requested,
    Store,
    StoreError,
    StoreLocked,
    default_store_path,
)

JAN = datetime(2024, 1, 10, 8, 0, tzinfo=UTC)
FEB = datetime(2024, 2, 10, 8, 0, tzinfo=UTC)
MAR = datetime(2024, 3, 10, 8, 0, tzinfo=UTC)
KEY = ["indicator", "area", "period", "sex"]

Row = tuple[str, str, str, str, float, str]


def synthetic(rows: list[Row], at: datetime = JAN, source: str = "synthetic") -> pd.DataFrame:
    """A SYNTHETIC tidy frame from (indicator, area, period, sex, value, status) rows."""
    frame = pd.DataFrame(rows, columns=["indicator", "area", "period", "sex", "value", "status"])
    return conform(frame.assign(source=source, retrieved_at=at))


def synthetic_bulk(n: int, at: datetime = JAN) -> pd.DataFrame:
    """n SYNTHETIC observations with distinct keys, built without Python loops."""
    i = np.arange(n)
    frame = pd.DataFrame(
        {
            "indicator": pd.Series(i // 30_000).map("synthetic{}".format),
            "area": pd.Series(i % 300).map("{:04d}".format),
            "period": pd.Series(1990 + (i // 300) % 100).astype(str),
            "sex": "total",
            "value": i / 7,
            "status": "",
            "source": "synthetic",
            "retrieved_at": at,
        }
    )
    return conform(frame)


BASE: list[Row] = [
    ("synthetic_a", "0010", "2016", "total", 12.5, ""),
    ("synthetic_a", "0010", "2017", "total", 11.0, ""),
    ("synthetic_a", "0010", "2017", "women", 9.75, ""),
    ("synthetic_a", "1082", "2017", "total", float("nan"), "suppressed"),
    ("synthetic_b", "0010", "2017-12", "total", 3.0, ""),
    ("synthetic_b", "0010", "2018-01", "total", 4.0, ""),
]


def sorted_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(KEY).reset_index(drop=True)


def file_state(path: Path) -> tuple[bytes, bool]:
    """The store file's bytes and whether a write-ahead log lies beside it."""
    return path.read_bytes(), path.with_name(path.name + ".wal").exists()


def stored_versions(path: Path) -> int:
    """How many observation versions the file holds (read straight from DuckDB)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM observations").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "store.duckdb"


@pytest.fixture
def base_store(store_path: Path) -> Path:
    """A store holding BASE as fetch 1 (retrieved in January)."""
    with Store.open(store_path) as store:
        store.write([FetchResult(synthetic(BASE))], label="synthetic first")
    return store_path


def test_default_path_env_and_explicit_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLLAB_STORE", raising=False)
    assert default_store_path() == Path("data/store.duckdb")
    monkeypatch.setenv("COLLAB_STORE", str(tmp_path / "env.duckdb"))
    assert default_store_path() == tmp_path / "env.duckdb"
    with Store.open() as store:
        assert store.path == tmp_path / "env.duckdb"
    with Store.open(tmp_path / "explicit.duckdb") as store:
        assert store.path == tmp_path / "explicit.duckdb"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COLLAB_STORE")
    with Store.open() as store:
        assert store.path == tmp_path / "data" / "store.duckdb"


def test_first_write_returns_the_same_tidy_frame(store_path: Path) -> None:
    frame = synthetic(BASE)
    raw = RawResponse("synthetic", "https://example.invalid/a", b'{"values": []}', JAN)
    with Store.open(store_path) as store:
        summary = store.write([FetchResult(frame, raw=[raw])], label="synthetic first")
        assert (summary.fetch_id, summary.new, summary.revised) == (1, 6, 0)
        assert (summary.unchanged, summary.deleted, summary.raw_archived) == (0, 0, 1)
        assert summary.started_at == JAN
        assert "6 new" in str(summary)
        current = store.current()
        fetches = store.fetches()
    assert current.dtypes.equals(empty_frame().dtypes)
    pd.testing.assert_frame_equal(sorted_frame(current), sorted_frame(frame), check_exact=True)
    assert fetches[["fetch_id", "label", "new", "raw_archived"]].values.tolist() == [
        [1, "synthetic first", 6, 1]
    ]
    assert str(fetches["finished_at"].dtype) == "datetime64[us, UTC]"


def test_unchanged_rewrite_adds_no_rows(base_store: Path) -> None:
    with Store.open(base_store) as store:
        summary = store.write([FetchResult(synthetic(BASE, at=FEB))], label="synthetic again")
        assert (summary.new, summary.revised, summary.unchanged, summary.deleted) == (0, 0, 6, 0)
        assert store.revisions().empty
        # The values were first published in January; re-reading them changes nothing.
        assert (store.current()["retrieved_at"] == JAN).all()
        assert store.vintage()["sources"]["synthetic"]["last_fetch_id"] == 2
    assert stored_versions(base_store) == len(BASE)


def test_changed_value_and_status_are_revisions_with_both_vintages(base_store: Path) -> None:
    changed = [list(row) for row in BASE]
    changed[1][4] = 11.5  # revised value
    changed[3][4:] = [7.0, ""]  # suppressed value now published
    with Store.open(base_store) as store:
        summary = store.write(
            [FetchResult(synthetic([tuple(r) for r in changed], at=FEB))], label="synthetic rev"
        )
        assert (summary.new, summary.revised, summary.unchanged) == (0, 2, 4)
        revisions = store.revisions()
        only_b = store.revisions("synthetic_b")
        by_fetch = store.revisions(fetch_id=1)
        current = store.current().set_index(KEY)["value"]
        before = store.as_of_vintage(1)
        as_of_feb = store.as_of(FEB)
        as_of_later = store.as_of(MAR)
    assert only_b.empty and by_fetch.empty
    assert revisions[["area", "period", "change"]].values.tolist() == [
        ["0010", "2017", "revised"],
        ["1082", "2017", "revised"],
    ]
    first, second = revisions.to_dict("records")
    assert (first["old_value"], first["new_value"]) == (11.0, 11.5)
    assert (first["old_fetch_id"], first["new_fetch_id"]) == (1, 2)
    assert (first["old_retrieved_at"], first["new_retrieved_at"]) == (JAN, FEB)
    assert np.isnan(second["old_value"]) and second["old_status"] == "suppressed"
    assert (second["new_value"], second["new_status"]) == (7.0, "")
    assert current[("synthetic_a", "0010", "2017", "total")] == 11.5
    original = sorted_frame(synthetic(BASE))
    pd.testing.assert_frame_equal(sorted_frame(before), original, check_exact=True)
    pd.testing.assert_frame_equal(sorted_frame(as_of_feb), original, check_exact=True)
    assert as_of_later.set_index(KEY)["value"].equals(current)
    assert stored_versions(base_store) == len(BASE) + 2


def test_deletion_is_a_new_version_and_nothing_is_removed(base_store: Path) -> None:
    gone = synthetic([BASE[0], ("synthetic_a", "9999", "2017", "total", 1.0, "")], at=FEB)
    with Store.open(base_store) as store:
        summary = store.write(
            [FetchResult(synthetic(BASE[1:], at=FEB), deletions=gone)], label="synthetic del"
        )
        # The unknown key 9999 had nothing to withdraw.
        assert (summary.deleted, summary.unchanged) == (1, 5)
        again = store.write([FetchResult(empty_frame(), deletions=gone)], label="synthetic del")
        assert again.deleted == 0
        assert "2016" not in set(store.current()["period"])
        deletion = store.revisions().iloc[0]
        assert (deletion["change"], deletion["new_status"], deletion["old_value"]) == (
            "deleted",
            "deleted",
            12.5,
        )
        assert np.isnan(deletion["new_value"])
        assert len(store.as_of_vintage(1)) == len(BASE)
        back = store.write([FetchResult(synthetic(BASE[:1], at=MAR))], label="synthetic back")
        assert (back.new, back.revised) == (0, 1)
        assert len(store.current()) == len(BASE)
    assert stored_versions(base_store) == len(BASE) + 2


def test_current_filters(base_store: Path) -> None:
    with Store.open(base_store, read_only=True) as store:
        assert len(store.current(indicators="synthetic_b")) == 2
        assert len(store.current(indicators=["synthetic_a", "synthetic_b"], areas=["1082"])) == 1
        assert store.current(sexes=["women"])["value"].tolist() == [9.75]
        assert store.current(indicators=[]).empty
        periods = store.current(up_to_period="2017")["period"].tolist()
        assert sorted(periods) == ["2016", "2017", "2017", "2017", "2017-12"]
        assert store.current(up_to_period=2016)["period"].tolist() == ["2016"]
        as_of = store.as_of_vintage(1, indicators="synthetic_b", up_to_period="2017")
        assert as_of["period"].tolist() == ["2017-12"]
        with pytest.raises(ValueError, match="four-digit year"):
            store.current(up_to_period="2017-12")
        with pytest.raises(StoreError, match="no fetch 7"):
            store.as_of_vintage(7)


def test_duplicate_rows_collapse_and_contradictions_are_refused(store_path: Path) -> None:
    frame = synthetic(BASE)
    with Store.open(store_path) as store:
        summary = store.write([FetchResult(frame), FetchResult(frame)], label="synthetic dup")
        assert summary.new == len(BASE)
    before = file_state(store_path)
    clash = synthetic([(*BASE[0][:4], 99.0, "")], at=FEB)
    incomplete = frame.copy()
    incomplete.loc[0, "area"] = pd.NA
    with Store.open(store_path) as store:
        with pytest.raises(ValueError, match="different values for synthetic_a/0010/2016/total"):
            store.write([FetchResult(synthetic(BASE, at=FEB)), FetchResult(clash)], label="x")
        with pytest.raises(ValueError, match="both delivers and withdraws"):
            store.write([FetchResult(frame, deletions=frame.iloc[:1])], label="x")
        with pytest.raises(ValueError, match="lack an indicator, area"):
            store.write([FetchResult(incomplete)], label="x")
        assert len(store.fetches()) == 1
    assert file_state(store_path) == before


def test_raw_bodies_are_deduplicated_and_round_trip(store_path: Path) -> None:
    body = ('{"values": [' + ", ".join(str(i) for i in range(2000)) + "]}").encode()
    other = b"kpi;area;year\nsynthetic;0010;2017\n"
    first = [
        RawResponse("synthetic", "https://example.invalid/data?page=1", body, JAN),
        RawResponse("synthetic", "https://example.invalid/data?page=1&again", body, JAN),
        RawResponse("synthetic-file", "file:///synthetic.csv", other, JAN),
    ]
    with Store.open(store_path) as store:
        one = store.write([FetchResult(empty_frame(), raw=first)], label="synthetic raw")
        assert (one.raw_archived, one.raw_stored) == (3, 2)
        two = store.write(
            [FetchResult(empty_frame(), raw=[RawResponse("synthetic", "u", body, FEB, 200)])],
            label="synthetic raw",
        )
        assert (two.raw_archived, two.raw_stored) == (1, 0)
        listing = store.raw_bodies()
        assert len(listing) == 4 and listing["sha256"].nunique() == 2
        assert len(store.raw_bodies(source="synthetic-file")) == 1
        assert len(store.raw_bodies(fetch_id=2)) == 1
        row = listing.set_index("url").loc["https://example.invalid/data?page=1"]
        assert row["size"] == len(body) and row["stored_size"] < len(body)
        assert store.raw_body(row["sha256"]) == body
        assert store.raw_body(listing.set_index("source").loc["synthetic-file", "sha256"]) == other
        with pytest.raises(StoreError, match="no raw body"):
            store.raw_body("0" * 64)
        blobs = store._con.execute("SELECT count(*) FROM raw_blobs").fetchone()[0]
    assert blobs == 2


def test_vintage_summarises_sources(base_store: Path) -> None:
    files = synthetic([("synthetic_c", "1082", "2023", "total", 5.0, "")], FEB, "file")
    with Store.open(base_store) as store:
        store.write([FetchResult(files)], label="synthetic files")
        vintage = store.vintage()
        only_c = store.vintage(indicators=["synthetic_c"])
    assert vintage["last_fetch_id"] == 2 and vintage["schema_version"] == SCHEMA_VERSION
    assert vintage["sources"] == {
        "file": {
            "observations": 1,
            "fetch_ids": [2],
            "last_fetch_id": 2,
            "last_fetch_at": FEB.isoformat(),
        },
        "synthetic": {
            "observations": 6,  # the suppressed value is an observation too
            "fetch_ids": [1],
            "last_fetch_id": 1,
            "last_fetch_at": JAN.isoformat(),
        },
    }
    assert list(only_c["sources"]) == ["file"]


def test_failure_midway_rolls_back_byte_for_byte(store_path: Path) -> None:
    # More rows than a DuckDB row group (122,880): without disabling optimistic writes,
    # DuckDB would already have written them into the file when the failure comes.
    big = synthetic_bulk(150_000)
    with Store.open(store_path) as store:
        store.write([FetchResult(synthetic(BASE))], label="synthetic first")
    before = file_state(store_path)

    def interrupted() -> Iterator[FetchResult]:
        yield FetchResult(big)
        raise KeyboardInterrupt

    with Store.open(store_path) as store, pytest.raises(KeyboardInterrupt):
        store.write(interrupted(), label="synthetic interrupted")
    assert file_state(store_path) == before

    def fail(*args: object) -> int:
        raise KeyboardInterrupt

    with Store.open(store_path) as store:
        # Fails after the observations are merged, while archiving raw bodies.
        store._archive = fail  # type: ignore[method-assign]
        with pytest.raises(KeyboardInterrupt):
            store.write([FetchResult(big, deletions=synthetic(BASE[:1]))], label="synthetic")
        assert len(store.current()) == len(BASE)
        assert len(store.fetches()) == 1
    assert file_state(store_path) == before
    with Store.open(store_path) as store:
        assert store.write([FetchResult(big)], label="synthetic retry").new == len(big)


def test_opening_without_writing_leaves_the_file_byte_for_byte(base_store: Path) -> None:
    with Store.open(base_store) as store:
        store.write([FetchResult(synthetic(BASE, at=FEB))], label="synthetic again")
    before = file_state(base_store)
    with Store.open(base_store, read_only=True) as store:
        store.current()
        store.as_of(FEB)
        store.as_of_vintage(1)
        store.revisions()
        store.fetches()
        store.raw_bodies()
        store.vintage()
        with pytest.raises(StoreError, match="read-only"):
            store.write([FetchResult(synthetic(BASE, at=MAR))], label="synthetic")
    assert file_state(base_store) == before
    # A read-write open that writes nothing does not touch the file either.
    with Store.open(base_store) as store:
        store.current()
    assert file_state(base_store) == before


CHILD = """
import sys
from datetime import UTC, datetime
import pandas as pd
from collab_metrics.store import Store
from collab_metrics.model.tidy import FetchResult, conform

row = {"indicator": "synthetic_child", "area": "0010", "period": "2020", "sex": "total",
       "value": 1.5, "status": "", "source": "synthetic",
       "retrieved_at": datetime(2024, 1, 1, tzinfo=UTC)}
with Store.open(sys.argv[1], timeout=10) as store:
    store.write([FetchResult(conform(pd.DataFrame([row])))], label="synthetic child")
    print("writing", flush=True)
    sys.stdin.readline()
"""


def test_second_writer_times_out_then_gets_in(store_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline() == "writing\n"
        with pytest.raises(StoreLocked) as locked:
            Store.open(store_path, timeout=0.3)
        assert str(store_path) in str(locked.value)
        assert "Another collab run is writing" in str(locked.value)
        with pytest.raises(StoreLocked):
            Store.open(store_path, read_only=True, timeout=0.3)
        # A patient writer gets in once the other run has finished.
        threading.Timer(0.3, child.stdin.close).start()
        with Store.open(store_path, timeout=20) as store:
            store.write([FetchResult(synthetic(BASE))], label="synthetic parent")
            assert store.fetches()["label"].tolist() == ["synthetic child", "synthetic parent"]
            assert len(store.current()) == len(BASE) + 1
        assert child.wait(timeout=10) == 0
    finally:
        child.kill()
        child.wait(timeout=10)


def test_bad_paths_raise_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(tmp_path)
    with pytest.raises(StoreError, match="no store at"):
        Store.open(tmp_path / "missing.duckdb", read_only=True)
    text = tmp_path / "notes.duckdb"
    text.write_text("synthetic: not a database\n" * 50)
    for read_only in (True, False):
        with pytest.raises(StoreError, match="not a DuckDB database"):
            Store.open(text, read_only=read_only)
    assert text.read_text() == "synthetic: not a database\n" * 50

    foreign = tmp_path / "foreign.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("CREATE TABLE synthetic (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a collab-metrics store"):
        Store.open(foreign)

    newer = tmp_path / "newer.duckdb"
    Store.open(newer).close()
    con = duckdb.connect(str(newer))
    con.execute("INSERT INTO schema_version VALUES (?, now())", [SCHEMA_VERSION + 1])
    con.close()
    for read_only in (True, False):
        with pytest.raises(StoreError, match="newer collab-metrics"):
            Store.open(newer, read_only=read_only)


def test_real_snapshot_values_come_back_exactly(ddf_dir: Path, store_path: Path) -> None:
    path = ddf_dir / "ddf--datapoints--n03921--by--geo--year.csv"
    text = pd.read_csv(path, dtype=str)
    frame = conform(
        pd.DataFrame(
            {
                "indicator": "n03921",
                "area": text["geo"].map(areas.from_ddf),
                "period": text["year"],
                "sex": "total",
                "value": text["n03921"].map(float),  # Python's exact decimal parsing
                "status": "",
                "source": "ddf",
                "retrieved_at": datetime(2024, 8, 30, tzinfo=UTC),
            }
        )
    )
    with Store.open(store_path) as store:
        assert store.write([FetchResult(frame)], label="ddf n03921").new == len(text)
    with Store.open(store_path, read_only=True) as store:
        back = store.current(indicators=["n03921"])
        riket = store.current(areas=["0000"], up_to_period="2010")
    pd.testing.assert_frame_equal(sorted_frame(back), sorted_frame(frame), check_exact=True)
    assert riket["value"].tolist() == [8.559536]  # geo 0, 2010: the file's first row
    assert {"0000", "0010", "1082"} <= set(back["area"])


def test_last_requested_knows_what_was_asked_for(tmp_path: Path) -> None:
    """SYNTHETIC: a fetch that asked for two areas covers either, not a third."""
    path = tmp_path / "store.duckdb"
    asked = Requested("kolada", "kolada:N03921", frozenset({"0010", "1082"}))
    with Store.open(path) as store:
        assert store.last_requested("kolada", "kolada:N03921", {"0010"}) is None
        summary = store.write([], label="synthetic", requested=[asked])
        when = store.last_requested("kolada", "kolada:N03921", {"1082"})
        assert when == summary.started_at
        assert store.last_requested("kolada", "kolada:N03921", {"0010", "1083"}) is None
        assert store.last_requested("pxweb", "kolada:N03921", {"0010"}) is None


def test_a_reader_upgrades_a_store_from_an_earlier_version_once(tmp_path: Path) -> None:
    """SYNTHETIC: turn a fresh store back into schema version 1, then read it."""
    path = tmp_path / "store.duckdb"
    Store.open(path).close()
    con = duckdb.connect(str(path))
    for table in (
        "imports",
        "imported_assessments",
        "imported_actions",
        "imported_contributions",
        "imported_priorities",
    ):
        con.execute(f"DROP TABLE {table}")
    con.execute("DELETE FROM schema_version WHERE version > 1")
    con.close()
    with Store.open(path, read_only=True) as store:
        assert store.vintage()["schema_version"] == SCHEMA_VERSION
