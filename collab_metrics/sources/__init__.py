"""Source adapters: each fetches one kind of source and returns the tidy frame (tidy.py)."""
