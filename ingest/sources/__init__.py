"""Source connectors: one thin module per source, each fetching raw records over HTTP."""
