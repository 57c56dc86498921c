"""The store layer: the DuckDB observation store with vintages, revisions and imported answers."""

from collab_metrics.store.database import Store, StoreError, default_store_path

__all__ = ["Store", "StoreError", "default_store_path"]
