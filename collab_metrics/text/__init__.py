"""The text layer: every word a reader sees, in Swedish (default) and English."""
