"""The application wiring: the process-wide context and the background indexer.

It sits above every domain package (core, search, matching, members, groups…)
and below the edges (API, CLI, web), so that no domain package needs to know
how the others are assembled (see docs/architecture.md).
"""
