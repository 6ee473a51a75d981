"""Units (the commune's tree of organisations) and villages (where activities happen)."""
