"""The workbook layer: the Excel round trip with actors (templates out, validated answers in).

`write_templates` makes one workbook per actor (`templates`); `import_workbooks` checks the
returned ones cell by cell and stores what they bring (`collect`, reading the sheets with
`reading`, the judgements and actions with `answers`, the figures with `measures`);
`imported` and `merge` give the answers back to the reports. Every word a workbook shows
comes from the message catalog (`text/messages/workbooks.yaml`).
"""

from collab_metrics.analysis.answers import imported, merge
from collab_metrics.workbooks.collect import ImportOutcome, import_workbook, import_workbooks
from collab_metrics.workbooks.layout import (
    TEMPLATE_VERSION,
    ActorImportError,
    CollectError,
    check_period,
)
from collab_metrics.workbooks.templates import write_templates

__all__ = [
    "TEMPLATE_VERSION",
    "ActorImportError",
    "CollectError",
    "ImportOutcome",
    "check_period",
    "import_workbook",
    "import_workbooks",
    "imported",
    "merge",
    "write_templates",
]
