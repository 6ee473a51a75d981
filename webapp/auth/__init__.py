"""People, their roles in units, sessions, tokens and the permission helpers."""
