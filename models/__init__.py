"""Domain models (pydantic) and the relational schema (SQLAlchemy) of Cotender."""
