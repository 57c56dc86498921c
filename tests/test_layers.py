"""The layer rule holds where a test can see it: the model loads no source, store or HTTP."""

from __future__ import annotations

import subprocess
import sys

# What the adapters and the store bring in; reading a framework file must need none of it.
HEAVY = ("requests", "requests_cache", "tenacity", "pxweb", "python_calamine", "duckdb", "openpyxl")


def test_model_import_stays_light() -> None:
    """Loading and checking a framework imports no HTTP client, spreadsheet reader or store."""
    code = (
        "import sys\n"
        "import collab_metrics.model.framework, collab_metrics.model.queries\n"
        "import collab_metrics.model.schema\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_sources_use_the_models_query_classes() -> None:
    """The adapters take the model's query classes, not copies of their own."""
    from collab_metrics.model import queries
    from collab_metrics.sources import files, kolada, pxweb

    assert kolada.KoladaQuery is queries.KoladaQuery
    assert pxweb.PxWebQuery is queries.PxWebQuery
    assert files.FileQuery is queries.FileQuery
    assert pxweb.SCB_URL == queries.SCB_URL


def test_every_part_of_the_package_has_a_layer() -> None:
    """A new subpackage or top-level module must be placed in the layers contract."""
    import configparser
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    config = configparser.ConfigParser()
    config.read(root / ".importlinter")
    layers = config["importlinter:contract:layers"]["layers"]
    named = {
        name.strip() for line in layers.splitlines() for name in line.replace("|", ":").split(":")
    }
    package = root / "collab_metrics"
    parts = {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    parts |= {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    assert {f"collab_metrics.{part}" for part in parts} == named - {""}
