"""Access control: bearer tokens, the caller's principal and the access policy."""
