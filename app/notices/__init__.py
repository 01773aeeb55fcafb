"""Reading notices for the API and CLI."""
