"""Push tests talk to a push service on 127.0.0.1, so local endpoints are allowed here."""
from __future__ import annotations

import pytest

from tests.conftest import test_settings
from tests.push.local_push_service import LocalPushService


@pytest.fixture
def app_settings(database_url):
    """The test settings, with local push endpoints allowed and immediate retries."""
    return test_settings(database_url, PUSH_ALLOW_LOCAL_ENDPOINTS=True, PUSH_ALLOWED_HOSTS=[], PUSH_RETRY_BASE_SECONDS=0)


@pytest.fixture
def push_service():
    """A push service on 127.0.0.1 for the test's length."""
    service = LocalPushService()
    yield service
    service.stop()
