"""Cotender application: API, matching, consortia, response drafting and CLI."""
