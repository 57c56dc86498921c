"""The public API (`import collab_metrics as cm`) on the Blekinge demo from the offline
snapshot: framework ids not store ids, one as_of for everything, clear lookups, and the
docstring examples of collab_metrics.api run as doctests."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import collab_metrics as cm
from collab_metrics import api, errors
from collab_metrics.analysis.assess import assess
from collab_metrics.model.framework import load_framework
from collab_metrics.store import Store

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, ddf_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("api") / "store.duckdb"
    outcome = cm.fetch(BLEKINGE, store=path, offline=True, snapshot_dir=ddf_dir)
    assert outcome.data_used == "snapshot"
    return path


@pytest.fixture(scope="module")
def fu_2017(store: Path) -> cm.FollowUp:
    return cm.load(BLEKINGE, store=store, as_of=2017)


def test_public_names() -> None:
    assert set(cm.__all__) == {"load", "FollowUp", "fetch", "render", "CollabError", "__version__"}
    assert cm.load is api.load and cm.CollabError is errors.CollabError
    assert cm.fetch is api.fetch and cm.render is api.render
    with pytest.raises(AttributeError):
        cm.nothing  # noqa: B018


def test_import_stays_light() -> None:
    """`import collab_metrics` must not load pandas or the report machinery (the CLI)."""
    code = "import sys, collab_metrics; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_observations_are_keyed_by_framework_ids(fu_2017: cm.FollowUp, store: Path) -> None:
    obs = fu_2017.observations()
    fw = load_framework(BLEKINGE)
    assert set(obs["indicator"]) == {i.id for i in fw.indicators}
    assert obs["period"].dtype == "Int64" and obs["period"].max() == 2017
    youth = obs.query("indicator == 'youth-unemployment' and area == '0010' and sex == 'total'")
    assert youth["area_name"].unique().tolist() == ["Region Blekinge"]
    # independent check: the same numbers as the store holds under its own series id
    with Store.open(store, read_only=True) as opened:
        raw = opened.current(indicators=["kolada:N03921"])
    raw = raw.query("area == '0010' and sex == 'total'").set_index("period")["value"]
    for row in youth.itertuples():
        assert row.value == raw[str(row.period)]
    assert len(youth) == sum(int(p) <= 2017 for p in raw.index)


def test_one_as_of_for_status_and_chart(fu_2017: cm.FollowUp, store: Path) -> None:
    """The trap of the separate modules: a 2017 chart beside a status of the latest data."""
    assert (fu_2017.period, fu_2017.as_of) == ("2017", 2017)
    status = fu_2017.status().query("goal == 'halve-youth-unemployment' and sex == 'total'")
    assert status["status"].tolist() == ["not_achieved"]
    with Store.open(store, read_only=True) as opened:
        observations = opened.current()
    expected = assess(load_framework(BLEKINGE), observations, 2017)
    expected = expected.query("goal == 'halve-youth-unemployment' and sex == 'total'")
    assert expected["status"].tolist() == status["status"].tolist()
    assert expected["latest_value"].tolist() == status["latest_value"].tolist()
    chart = fu_2017.chart("halve-youth-unemployment")
    assert "2017" in chart.alt and "2018" not in chart.alt
    assert chart._repr_png_().startswith(b"\x89PNG") and "<figure" in chart._repr_html_()


def test_tables(fu_2017: cm.FollowUp) -> None:
    checks = fu_2017.consistency()
    assert checks["verdict"].tolist() == ["sufficient"]
    # How the check was weighed: codes for a machine, words in the framework's language.
    assert {"notes", "note"} <= set(checks.columns)
    assert all(isinstance(n, list) for n in checks["notes"])
    assert all(isinstance(n, str) for n in checks["note"])
    context = fu_2017.context()
    assert set(context["comparison_area"]) >= {"0000"}
    assert list(fu_2017.judgements().columns)[:4] == ["goal", "actor", "period", "judgement"]
    assert isinstance(fu_2017.actions(), pd.DataFrame)
    assert "blekinge-unga-lyfter" in repr(fu_2017)


def test_lookups_name_the_closest_id(fu_2017: cm.FollowUp) -> None:
    with pytest.raises(cm.CollabError, match="did you mean 'halve-youth-unemployment'"):
        fu_2017.chart("halve-youth")
    with pytest.raises(LookupError, match="no goal 'halve-youth'"):
        fu_2017.framework.goal("halve-youth")
    with pytest.raises(errors.UnknownId, match="no indicator 'zzz'; known: "):
        fu_2017.framework.indicator("zzz")


def test_bad_period_and_missing_store(store: Path, tmp_path: Path) -> None:
    with pytest.raises(cm.CollabError, match="not a yearly follow-up period"):
        cm.load(BLEKINGE, store=store, period="2017-q1")
    with pytest.raises(cm.CollabError, match="no store at"):
        cm.load(BLEKINGE, store=tmp_path / "none.duckdb")
    assert not (tmp_path / "none.duckdb").exists()


def test_docstring_examples(store: Path, ddf_dir: Path, tmp_path: Path) -> None:
    """The numpydoc examples of the API run against the offline snapshot."""
    store_copy = tmp_path / "store.duckdb"
    store_copy.write_bytes(store.read_bytes())
    for module in (api, errors):
        result = doctest.testmod(
            module,
            extraglobs={
                "cm": cm,
                "PARAMS": str(BLEKINGE),
                "STORE": str(store_copy),  # the fetch example writes into it
                "SNAPSHOT": str(ddf_dir),
            },
            optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
            report=True,
        )
        assert result.failed == 0 and result.attempted > 0, module.__name__
