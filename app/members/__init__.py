"""Members: profiles, their import from files, export and deletion."""
