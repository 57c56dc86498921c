"""The store layer: the DuckDB observation store with vintages, revisions, the raw archive
and imported answers. `Store.open()` gives the one object everything else uses."""

from collab_metrics.store.answers import ImportBatch
from collab_metrics.store.connection import StoreError, StoreLocked
from collab_metrics.store.database import Store, default_store_path
from collab_metrics.store.schema import SCHEMA_VERSION
from collab_metrics.store.vintages import Requested, WriteSummary

__all__ = [
    "SCHEMA_VERSION",
    "ImportBatch",
    "Requested",
    "Store",
    "StoreError",
    "StoreLocked",
    "WriteSummary",
    "default_store_path",
]
