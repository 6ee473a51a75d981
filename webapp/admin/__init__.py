"""``/admin``: the administration landing page linking every administration screen."""
