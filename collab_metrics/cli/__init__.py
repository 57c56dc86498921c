"""The `collab` command: a thin layer over the library that maps errors to exit codes."""
