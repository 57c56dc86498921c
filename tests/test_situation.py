"""The monthly situation picture (`collab report --kind lagesbild`) on the real SCB BAS
monthly unemployment workbook: Norrbotten (SCB county code 25) against riket.

The figures are checked against an independent reading of the workbook with pandas; the
picture is rendered end to end from a folder outside the repository (the real notebook
through papermill, HTML and a one-page PDF); a second picture after the file was extended
and one value changed says what changed; a framework without monthly data is refused.
"""

from __future__ import annotations

import html as html_module
import json
import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import run_cli
from pypdf import PdfReader

import collab_metrics as cm
from collab_metrics.analysis import monthly
from collab_metrics.model.framework import load_framework
from collab_metrics.report import history
from collab_metrics.report.situation import load_situation, situation_view
from collab_metrics.store import Store

WORKBOOK = "scb-bas__arbetsmarknadsstatus_tidsserie.xlsx"
NORRBOTTEN = "25"  # SCB's county code in the workbook's `regionkod` (Kolada "0025")

FRAMEWORK = """\
collaboration:
  id: norrbotten-lagesbild
  name: Arbete i Norrbotten
  language: {language}
  owner: Region Norrbotten
  cadence: yearly
  area: "0025"
sources:
  data_dir: {data_dir}
actors:
  - {{id: region-norrbotten, name: Region Norrbotten, kind: region, area: "0025"}}
indicators:
  - id: unemployment-monthly
    title: Arbetslöshet 20-64 år
    description: SCB BAS, arbetslösa 20-64 år, andel av arbetskraften, per månad.
    unit: "%"
    direction: decrease
    source: file
    reported_by: region-norrbotten
    natural_limit: 0
    population_base: population
    population_share: 0.46  # the labour force 20-64 is about 46 % of all residents
    query:
      path: actor-files/{workbook}
      columns: {{area: regionkod, period: Period, value: arbetslöshet}}
      area_codes: scb
  - id: population
    title: Invånare totalt
    unit: invånare
    direction: neutral
    source: kolada
    query: {{kpi: N01951}}
shared_goals:
  - id: lower-unemployment
    title: Lägre arbetslöshet i Norrbotten
    indicator: unemployment-monthly
    area: "0025"
    baseline: {{year: 2020}}
    target: {{year: 2025, value: 3.0}}
"""


def _read(path: Path) -> pd.DataFrame:
    """The workbook as pandas reads it, independently of the package's file reader."""
    frame = pd.read_excel(path, engine="openpyxl")
    return frame.assign(regionkod=frame["regionkod"].astype(str))


def _write(frame: pd.DataFrame, path: Path) -> None:
    """A changed copy of the workbook, its county codes written as SCB writes them ("00")."""
    codes = frame["regionkod"].astype(int).map("{:02d}".format)
    frame.assign(regionkod=codes).to_excel(path, index=False)


def _setup(folder: Path, shared_data: Path, language: str = "sv") -> tuple[Path, Path]:
    """A framework in `folder` reading a copy of the real workbook (copied into the test's
    own folder, never into the repository, so that a test may change it)."""
    data_dir = folder / "data"
    (data_dir / "actor-files").mkdir(parents=True)
    shutil.copyfile(shared_data / "actor-files" / WORKBOOK, data_dir / "actor-files" / WORKBOOK)
    params = folder / "norrbotten.yaml"
    params.write_text(
        FRAMEWORK.format(language=language, data_dir=data_dir, workbook=WORKBOOK),
        encoding="utf-8",
    )
    return params, data_dir / "actor-files" / WORKBOOK


def _fetch(params: Path, store: Path, ddf_dir: Path) -> None:
    result = run_cli(
        "fetch", str(params), "--offline", "--store", str(store), "--snapshot", str(ddf_dir)
    )
    assert result.code == 0, result.err


def _text(html: str) -> str:
    without = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", without)))


@pytest.fixture(scope="module")
def norrbotten(tmp_path_factory: pytest.TempPathFactory, shared_data: Path, ddf_dir: Path):
    folder = tmp_path_factory.mktemp("norrbotten")
    params, workbook = _setup(folder, shared_data)
    store = folder / "store.duckdb"
    _fetch(params, store, ddf_dir)
    return params, store, workbook


def test_periods_a_year_back_and_the_window() -> None:
    assert monthly.shift("2024-01", 12) == "2023-01"
    assert monthly.shift("2024-03", 3) == "2023-12"
    assert monthly.shift("2024K1", 12) == "2023K1"
    assert monthly.window_periods("2024-01") == [f"2023-{m:02d}" for m in range(1, 13)] + [
        "2024-01"
    ]
    assert monthly.window_periods("2024K2") == ["2023K2", "2023K3", "2023K4", "2024K1", "2024K2"]
    assert monthly.frequency("2024") is None and monthly.frequency("2024K4") == "quarterly"


def test_figures_match_an_independent_reading(norrbotten) -> None:
    params, store, workbook = norrbotten
    raw = _read(workbook)
    own = raw[raw["regionkod"] == NORRBOTTEN].set_index("Period")["arbetslöshet"].sort_index()
    riket = raw[raw["regionkod"] == "0"].set_index("Period")["arbetslöshet"].sort_index()
    latest = own.index[-1]
    year_ago = f"{int(latest[:4]) - 1}{latest[4:]}"
    assert latest == "2024-01" and year_ago == "2023-01"

    fu = cm.load(params, store=store)
    rows = fu.situation()
    assert len(rows) == 1  # the workbook has the total only
    row = rows.iloc[0]
    assert (row.indicator, row.area, row.area_name, row.sex) == (
        "unemployment-monthly",
        "0025",
        "Region Norrbotten",
        "total",
    )
    assert row.latest_period == latest and row.latest_value == pytest.approx(own[latest])
    assert row.year_ago_period == year_ago
    assert row.year_ago_value == pytest.approx(own[year_ago])
    assert row.change == pytest.approx(own[latest] - own[year_ago])
    assert row.riket_value == pytest.approx(riket[latest])
    assert row.riket_change == pytest.approx(riket[latest] - riket[year_ago])
    assert row.gap_to_riket == pytest.approx(own[latest] - riket[latest])

    # The 13-month window is the workbook's last 13 months, for the county and riket.
    fw = load_framework(params)
    with Store.open(store, read_only=True) as opened:
        obs = opened.current()
    window = monthly.window(fw, obs, "unemployment-monthly", "0025", "total", latest)
    assert window["period"].tolist() == own.index[-13:].tolist()
    assert window["value"].tolist() == pytest.approx(own.iloc[-13:].tolist())
    assert window["riket"].tolist() == pytest.approx(riket.iloc[-13:].tolist())
    assert row.window_start == own.index[-13] and row.window_periods == 13


def test_the_noise_call_is_the_binomial_one(norrbotten, ddf_dir: Path) -> None:
    params, store, _ = norrbotten
    row = cm.load(params, store=store).situation().iloc[0]
    population = pd.read_csv(ddf_dir / "ddf--datapoints--n01951--by--geo--year.csv")
    residents = population[population["geo"].astype(str) == NORRBOTTEN].sort_values("year")
    n = float(residents.iloc[-1]["n01951"]) * 0.46  # the newest year, carried forward
    p1, p0 = row.latest_value / 100, row.year_ago_value / 100
    se = math.sqrt(p1 * (1 - p1) / n + p0 * (1 - p0) / n) * 100
    assert row.change_se == pytest.approx(se)
    assert row.noise == ("beyond_noise" if abs(row.change) > 1.959964 * se else "within_noise")

    # Without a population to judge by (days per resident, or no share declared), it
    # cannot tell: the analysis never calls a difference real without a noise estimate.
    fw = load_framework(params)
    indicator = fw.indicator("unemployment-monthly").model_copy(update={"population_share": None})
    plain = fw.model_copy(
        update={"indicators": [indicator, *[i for i in fw.indicators if i.id != indicator.id]]}
    )
    with Store.open(store, read_only=True) as opened:
        obs = opened.current()
    assert monthly.situation(plain, obs).iloc[0]["noise"] == "no_estimate"
    # A neutral indicator (a weighting base) is not something the picture follows.
    neutral = indicator.model_copy(update={"direction": "neutral"})
    base = fw.model_copy(update={"indicators": [neutral, fw.indicator("population")]})
    assert monthly.situation(base, obs).empty


def test_words_in_both_languages(norrbotten) -> None:
    params, store, _ = norrbotten
    sv = situation_view(load_situation(params, store, language="sv"))
    en = situation_view(load_situation(params, store, language="en"))
    assert sv.kicker == "Lägesbild" and en.kicker == "Situation picture"
    assert "januari 2024" in sv.period and "January 2024" in en.period
    assert sv.table.rows[0].cells[0] == "3,4\u00a0% (januari 2024)"
    assert en.table.rows[0].cells[0] == "3.4% (January 2024)"
    assert sv.table.rows[0].cells[4] == "5,5\u00a0%" and en.table.rows[0].cells[4] == "5.5%"
    assert "inom slumpvariationen" in " ".join(sv.indicators[0].sentences)
    assert "within random variation" in " ".join(en.indicators[0].sentences)
    assert "första lägesbild" in sv.changed_lead and "first situation picture" in en.changed_lead


def test_lagesbild_end_to_end_then_what_changed(
    tmp_path: Path, shared_data: Path, ddf_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a coordinator's own folder, not the repository
    params, workbook = _setup(tmp_path, shared_data)
    full = _read(workbook)
    # The first picture: the workbook as it was two months earlier.
    _write(full[full["Period"] <= "2023-11"], workbook)
    store = tmp_path / "store.duckdb"
    _fetch(params, store, ddf_dir)
    first = run_cli("report", str(params), "--kind", "lagesbild", "--store", str(store))
    assert first.code == 0, first.err
    home = tmp_path / "outputs" / "norrbotten-lagesbild"
    folder = home / "lagesbild-2023-11"
    assert "compared with: no earlier situation picture" in first.out
    assert {p.name for p in folder.iterdir()} >= {
        "lagesbild.html",
        "lagesbild.pdf",
        "manifest.json",
        "situation.json",
        "notebooks",
    }
    assert len(PdfReader(folder / "lagesbild.pdf").pages) == 1
    html = (folder / "lagesbild.html").read_text(encoding="utf-8")
    text = _text(html)
    assert "Lägesbild" in text and "november 2023" in text
    alts = re.findall(r'<img[^>]*\balt="([^"]*)"', html)
    assert len(alts) == 1
    alt = html_module.unescape(alts[0]).replace("\u00a0", " ")
    own = full[full["regionkod"] == NORRBOTTEN].set_index("Period")["arbetslöshet"]
    riket = full[full["regionkod"] == "0"].set_index("Period")["arbetslöshet"]

    def sv(value: float) -> str:
        return f"{value:.1f} %".replace(".", ",")

    assert "nov 2022–nov 2023" in alt
    assert f"Senaste värdet {sv(own['2023-11'])} (nov 2023)" in alt
    assert f"ett år tidigare {sv(own['2022-11'])} (nov 2022" in alt
    assert f"Riket: {sv(riket['2023-11'])} (nov 2023)" in alt
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "lagesbild" and manifest["period"]["label"] == "2023-11"
    # A situation picture never moves the full report's `latest`; it has its own pointer.
    assert not (home / "latest").exists()
    assert (home / "latest-lagesbild").read_text(encoding="utf-8").strip() == folder.name
    assert history.latest(home) is None and history.reports(home) == []

    # The second picture: two more months, and one earlier value revised by the source.
    revised = full.copy()
    june = (revised["regionkod"] == NORRBOTTEN) & (revised["Period"] == "2023-06")
    before = float(revised.loc[june, "arbetslöshet"].iloc[0])
    revised.loc[june, "arbetslöshet"] = before + 0.3
    _write(revised, workbook)
    _fetch(params, store, ddf_dir)
    second = run_cli("report", str(params), "--kind", "lagesbild", "--store", str(store))
    assert second.code == 0, second.err
    assert "compared with: lagesbild-2023-11" in second.out
    newer = home / "lagesbild-2024-01"
    text = _text((newer / "lagesbild.html").read_text(encoding="utf-8"))
    assert "Jämfört med lägesbilden" in text
    assert "2 nya perioder, december 2023–januari 2024" in text  # Norrbotten and riket
    assert f"juni 2023: ändrat från {before:.1f} % till {before + 0.3:.1f} %".replace(
        ".", ","
    ) in text.replace("\u00a0", " ")
    assert len(PdfReader(newer / "lagesbild.pdf").pages) == 1
    assert (home / "latest-lagesbild").read_text(encoding="utf-8").strip() == newer.name
    manifest = json.loads((newer / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["previous_report"]["folder"] == "lagesbild-2023-11"


def test_english_picture_renders(
    tmp_path: Path, shared_data: Path, ddf_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    params, _ = _setup(tmp_path, shared_data, language="en")
    store = tmp_path / "store.duckdb"
    _fetch(params, store, ddf_dir)
    result = run_cli(
        "report", str(params), "--kind", "lagesbild", "--store", str(store), "--format", "html"
    )
    assert result.code == 0, result.err
    folder = tmp_path / "outputs" / "norrbotten-lagesbild" / "lagesbild-2024-01"
    text = _text((folder / "lagesbild.html").read_text(encoding="utf-8"))
    assert "Situation picture" in text and "January 2024" in text and "5.5%" in text
    assert not (folder / "lagesbild.pdf").exists()


def test_no_monthly_data_is_refused(
    tmp_path: Path, shared_data: Path, ddf_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    params = tmp_path / "yearly.yaml"
    text = FRAMEWORK.format(language="sv", data_dir=shared_data, workbook=WORKBOOK)
    text = text.replace(WORKBOOK, "scb-bas__arbetsmarknadsstatus_lan.xlsx").replace(
        "{area: regionkod, period: Period, value: arbetslöshet}",
        "{area: regionkod, year: år, sex: kön, value: arbetslöshet}",
    )
    text = text.replace(
        "      area_codes: scb\n", "      area_codes: scb\n      sex_labels: {total: totalt}\n"
    )
    params.write_text(text, encoding="utf-8")
    store = tmp_path / "store.duckdb"
    _fetch(params, store, ddf_dir)
    result = run_cli("report", str(params), "--kind", "lagesbild", "--store", str(store))
    assert result.code == 2
    assert f"no indicator with monthly data in {params}; a situation picture needs" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "outputs").exists(), "nothing written"


def test_reports_and_situation_pictures_keep_apart(tmp_path: Path) -> None:
    """Synthetic manifests of a monthly collaboration: a report and a later situation
    picture of the same month. Each kind finds only its own predecessor and latest."""
    from collab_metrics.report import lagesbild

    def made(folder: str, created: str, kind: str | None) -> None:
        (tmp_path / folder).mkdir()
        manifest = {
            "collaboration": "c",
            "created_at": created,
            "as_of": None,
            "period": {"kind": "monthly", "label": "2024-01"},
        }
        if kind is not None:
            manifest["kind"] = kind
        (tmp_path / folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    made("2024-02-01", "2024-02-01T10:00:00+00:00", None)  # written before kinds existed
    made("lagesbild-2024-01", "2024-02-02T10:00:00+00:00", "lagesbild")
    report = history.predecessor(tmp_path, "c", "monthly", "2024-02")
    assert report is not None and report.directory.name == "2024-02-01"
    latest = history.latest(tmp_path)
    assert latest is not None and latest.directory.name == "2024-02-01"
    picture = history.latest(tmp_path, history.LAGESBILD)
    assert picture is not None and picture.directory.name == "lagesbild-2024-01"
    before = lagesbild.predecessor(tmp_path, "c", "2024-02")
    assert before is not None and before.directory.name == "lagesbild-2024-01"
    assert lagesbild.predecessor(tmp_path, "c", "2023-12") is None  # a later picture is none
    assert lagesbild.folder_label("2024K1") == "lagesbild-2024-q1"
