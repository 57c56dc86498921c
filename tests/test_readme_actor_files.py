"""Every worked example of the README's "Actor files" section reads its real file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from collab_metrics.sources.files import FileQuery, read_actor_file

README = Path(__file__).resolve().parent.parent / "README.md"


def _examples() -> list[dict]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Actor files", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, flags=re.DOTALL)
    return [yaml.safe_load(block)["query"] for block in blocks]


EXAMPLES = _examples()


def test_every_real_shape_has_an_example(shared_data: Path) -> None:
    shown = {Path(q["path"]).name for q in EXAMPLES}
    named = README.read_text(encoding="utf-8")
    for file in sorted((shared_data / "actor-files").iterdir()):
        assert file.name in shown or file.name.split("__", 1)[1] in named, file.name


@pytest.mark.parametrize("query", EXAMPLES, ids=[Path(q["path"]).stem for q in EXAMPLES])
def test_the_example_reads_its_file(query: dict, shared_data: Path) -> None:
    result = read_actor_file(FileQuery.model_validate(query), data_dir=shared_data, indicator="x")
    frame = result.frame
    assert len(frame) > 0 and frame["value"].notna().any()
    assert frame.duplicated(["area", "period", "sex"]).sum() == 0
