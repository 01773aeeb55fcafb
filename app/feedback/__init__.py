"""Member feedback on proposed notices, and the re-ranking that learns from it."""
