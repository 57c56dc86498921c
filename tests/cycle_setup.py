"""A SYNTHETIC collaboration for follow-up cycle tests: one shared goal on real Kolada values
(served by the local replay server or read from the offline snapshot) and one measure an
actor reports in its own CSV file, written by the test (synthetic figures)."""

from __future__ import annotations

import re
import socket
from pathlib import Path

from helpers import CliResult, run_cli

AREAS = {"0000", "0010", "1060", "1080", "1081", "1082", "1083"}
FRAMEWORK = """\
collaboration: {id: cycle-test, name: Synthetic cycle test, owner: Test, area: "0010",
                cadence: yearly}
sources: {data_dir: .}
actors: [{id: karlshamn, name: Karlshamns kommun, kind: municipality, area: "1082"}]
indicators:
  - {id: youth, title: Arbetslöshet 16-24 år, unit: "%", direction: decrease, source: kolada,
     query: {kpi: N03921}, breakdowns: [sex], population_base: population,
     population_share: 0.10}
  - {id: population, title: Invånare, unit: invånare, direction: neutral, source: kolada,
     query: {kpi: N01951}, breakdowns: [sex]}
  - {id: navigator, title: Unga i navigatorcentrum, unit: personer, direction: increase,
     source: file, reported_by: karlshamn,
     query: {path: navigator.csv, area: "1082", columns: {period: År, value: Deltagare}}}
shared_goals:
  - {id: halve, title: Halvera ungdomsarbetslösheten, indicator: youth, area: "0010",
     baseline: {year: 2013}, target: {year: 2017, change_percent: -50}}
actor_goals:
  - {id: karlshamn-halve, title: Halvera i Karlshamn, actor: karlshamn, contributes_to: halve,
     indicator: youth, baseline: {year: 2013}, target: {year: 2017, change_percent: -50}}
  - {id: karlshamn-navigator, title: Fler unga i navigatorcentrum, actor: karlshamn,
     contributes_to: halve, indicator: navigator}
"""


def write_framework(directory: Path, figures: dict[int, float]) -> Path:
    """The framework file and the actor's CSV with `figures` (year -> participants)."""
    params = directory / "cycle-test.yaml"
    params.write_text(FRAMEWORK, encoding="utf-8")
    write_figures(directory, figures)
    return params


def write_figures(directory: Path, figures: dict[int, float]) -> None:
    """The actor's file as its own system would export it (SYNTHETIC figures)."""
    lines = ["År,Deltagare", *(f"{year},{value:g}" for year, value in sorted(figures.items()))]
    (directory / "navigator.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def closed_port_url() -> str:
    """A Kolada URL on 127.0.0.1 where nothing listens: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v3"


def collab(*args: str) -> CliResult:
    """Run the CLI in-process (conftest.py keeps the output for a failing test)."""
    return run_cli(*args)


def visible_text(html: str) -> str:
    """The text a reader sees in an HTML report: tags dropped, whitespace collapsed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("&nbsp;", " ").replace("\u202f", " ").replace("\u2009", " ")
    return re.sub(r"\s+", " ", text)


def section(html: str, anchor: str) -> str:
    """The visible text of the report section whose heading has id `anchor`."""
    start = html.index(f'id="{anchor}"')
    end = html.find("<h2", start + 1)
    return visible_text(html[start : end if end != -1 else len(html)])
