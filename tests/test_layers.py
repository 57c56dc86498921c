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


def test_no_module_uses_another_modules_private_names() -> None:
    """A name with a leading underscore belongs to its module: another module that needs it
    gets a public name (with a docstring) instead. Checked on the source, no import-linter:
    `from collab_metrics.x import _y` and `x._y` on an imported collab_metrics module."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[1] / "collab_metrics"
    found = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = set()  # local names bound to collab_metrics modules
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "collab_metrics"
            ):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path.name}:{node.lineno} imports {alias.name}")
                    modules.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                modules |= {a.asname or a.name for a in node.names if a.name.startswith("collab")}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                found.append(f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert not found, "private names used across modules:\n" + "\n".join(found)
