"""The national case of `benchmarks/report.py`: riket's youth-unemployment goal with all 290
municipalities as actors, written at run time from the offline snapshot's entity list
(never committed). The tests use it too (`tests/helpers.py`), at 30 or 60 municipalities."""

from __future__ import annotations

import csv
from typing import Any, Final

from collab_metrics.sources import ddf

GOAL: Final = "halve-youth-unemployment"


def national_framework(count: int | None = None) -> dict[str, Any]:
    """Riket's youth-unemployment goal with every municipality (or the first `count` by
    code) as an actor with a goal of its own, from the snapshot's list of the 290
    municipalities. SYNTHETIC: the targets are illustrative."""
    entities = ddf.default_snapshot_dir() / "ddf--entities--geo--kommun.csv"
    with entities.open(encoding="utf-8", newline="") as handle:
        municipalities = sorted((row["kommun"], row["name"]) for row in csv.DictReader(handle))
    municipalities = municipalities[:count]
    target = {"year": 2022, "change_percent": -50}
    return {
        "collaboration": {
            "id": "national-youth",
            "name": "Unga i arbete i hela landet",
            "language": "sv",
            "owner": "benchmark",
            "cadence": "yearly",
            "area": "0000",
        },
        "actors": [
            {"id": f"k{code}", "name": name, "kind": "municipality", "area": code}
            for code, name in municipalities
        ],
        "indicators": [
            {
                "id": "youth-unemployment",
                "title": "Arbetslöshet 16-24 år, andel av befolkningen 16-24 år",
                "unit": "%",
                "direction": "decrease",
                "source": "kolada",
                "query": {"kpi": "N03921"},
                "breakdowns": ["sex"],
                "natural_limit": 0,
                "population_base": "population",
                "population_share": 0.10,
            },
            {
                "id": "population",
                "title": "Invånare totalt (31 december)",
                "unit": "invånare",
                "direction": "neutral",
                "source": "kolada",
                "query": {"kpi": "N01951"},
                "breakdowns": ["sex"],
            },
        ],
        "shared_goals": [
            {
                "id": GOAL,
                "title": "Halvera ungdomsarbetslösheten i landet",
                "indicator": "youth-unemployment",
                "area": "0000",
                "baseline": {"year": 2013},
                "target": target,
            }
        ],
        "actor_goals": [
            {
                "id": f"k{code}-youth-unemployment",
                "title": f"Halvera ungdomsarbetslösheten i {name}",
                "actor": f"k{code}",
                "contributes_to": GOAL,
                "indicator": "youth-unemployment",
                "baseline": {"year": 2013},
                "target": target,
            }
            for code, name in municipalities
        ],
        "assessments": [],
        "actions": [],
    }
