"""Parsers: one source payload in, one ParsedRecord out (pure functions, no I/O)."""
