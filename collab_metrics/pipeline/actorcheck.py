"""`collab validate` reads every actor file the framework declares.

A missing file, a sheet that is not there or a column named differently in the workbook
would otherwise pass `validate` and only fail at `collect` or `fetch`, after the analyst has
moved on. The files are read exactly as a fetch reads them, so validate finds the same
problems, named by the framework's file, line and key.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from collab_metrics.model import safeyaml
from collab_metrics.model.framework import Problem, data_dir_for
from collab_metrics.sources.files import ActorFileError, FileQuery, read_actor_file


def actor_file_problems(path: Path) -> list[Problem]:
    """One problem per declared actor file that cannot be read as declared.

    Works on the raw YAML so that it runs even when other parts of the framework are
    wrong; a query that does not parse is left to the structural checks.
    """
    try:
        loaded = safeyaml.load(path)
    except safeyaml.YamlProblem:
        return []  # reported by the structural checks
    data = loaded.data if isinstance(loaded.data, dict) else {}
    sources = data.get("sources")
    configured = sources.get("data_dir") if isinstance(sources, dict) else None
    data_dir = data_dir_for(path, configured if isinstance(configured, str) else None)
    indicators = data.get("indicators")
    problems: list[Problem] = []
    for i, item in enumerate(indicators if isinstance(indicators, list) else []):
        if not isinstance(item, dict) or item.get("source") != "file":
            continue
        try:
            query = FileQuery.model_validate(item.get("query"))
        except ValidationError:
            continue
        indicator = str(item.get("id", ""))
        try:
            read_actor_file(query, data_dir=data_dir, indicator=indicator)
        except ActorFileError as exc:
            where = ("indicators", i, "query", "path")
            key = f"indicators[{i}] ({indicator}).query.path"
            problems.append(Problem(path, loaded.line_of(where), key, f"actor file {exc}"))
    return problems
