"""The pipeline layer: what a framework needs, fetching it, and the scheduled update."""
