"""Intentions: members' declared stances on notices and lots, with their audit trail."""
