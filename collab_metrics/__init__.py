"""collab-metrics: follow up shared goals of Swedish public-sector collaborations."""

__version__ = "0.1.0"
