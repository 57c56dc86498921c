"""The analysis layer: status, direction, noise, forecast, context and contributions.

Numbers and codes only; the words a reader sees come from the text layer.
"""
