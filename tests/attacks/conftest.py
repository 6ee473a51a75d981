"""The API test helpers (``api``, ``ids``) for the attack tests too."""
from tests.api.conftest import api, ids  # noqa: F401
