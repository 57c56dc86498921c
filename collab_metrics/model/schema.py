"""JSON Schema of framework files, for editors (yaml-language-server) and checks."""

from __future__ import annotations

from typing import Any

from collab_metrics.model.framework import INCLUDABLE_MAPPINGS, INCLUDABLE_SECTIONS, Framework

SCHEMA_ID = "https://collab-metrics.invalid/schema/framework.schema.json"


def framework_schema() -> dict[str, Any]:
    """The JSON Schema of a framework file as users write it.

    The model stores included sections as lists, but in the file `assessments` and
    `actions` (and `priorities`) may also name a file or a list of files, `resources` a
    file; the schema allows both.
    """
    schema = Framework.model_json_schema(mode="validation")
    for section in INCLUDABLE_SECTIONS:
        inline = schema["properties"][section]
        description = inline.pop("description", None)
        schema["properties"][section] = {
            "anyOf": [
                inline,
                {"type": "string", "description": "A YAML file holding the list."},
                {"type": "array", "items": {"type": "string"}, "description": "YAML files."},
            ],
            "description": description,
        }
    for section in INCLUDABLE_MAPPINGS:
        inline = schema["properties"][section]
        description = inline.pop("description", None)
        schema["properties"][section] = {
            "anyOf": [inline, {"type": "string", "description": "A YAML file holding the block."}],
            "description": description,
        }
    schema["title"] = "collab-metrics framework"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
