"""Entries: one logged activity each, their audit trail, services and screens."""
