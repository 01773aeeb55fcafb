"""Pure helpers that turn source values into the notice JSON vocabulary."""
