"""Fixtures of the operations tests: the API helpers, plus real servers and databases (``servers.py``)."""
from tests.api.conftest import api, ids, make_app  # noqa: F401  (fixtures shared with the API tests)
