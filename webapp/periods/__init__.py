"""Periods a commune officer closes (nothing dated inside changes) and reopens, both audited."""
