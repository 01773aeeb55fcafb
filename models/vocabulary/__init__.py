"""The shared vocabulary of every layer: CPV codes, places, text folding, the Paris time zone.

The lowest layer of Cotender: ``ingest/`` and ``app/`` both import it, it imports
neither (``docs/architecture.md``).
"""
