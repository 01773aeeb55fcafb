"""Notice ingestion: source connectors, parsers, normalisation and the pipeline."""
