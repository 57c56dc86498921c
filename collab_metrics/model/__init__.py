"""The model layer: a collaboration's framework, areas, periods, limits and the tidy frame.

Knows no I/O beyond reading the framework's own files; every other layer builds on it.
"""
