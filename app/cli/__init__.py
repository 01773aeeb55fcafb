"""The ``cotender`` command line (Typer)."""
