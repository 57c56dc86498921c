"""The charts layer: matplotlib figures in one shared style, each with alt text."""
