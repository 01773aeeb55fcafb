"""Groups: members who respond together, their leads and their agreed procedure."""
