"""The officer's audit page: every audit event of the commune, filterable, read-only."""
