"""Issue 9 §6: schemathesis drives every operation of ``/api/v1/openapi.json`` with generated requests.

Valid and invalid requests (positive and negative generation) go through the real app on the test
database, signed in as the demo officer and as field staff: no answer is a server error, and every
answer conforms to the published schema (status, content type, body).
"""
from __future__ import annotations

import collections
import itertools
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_headers_conformance,
                                 response_schema_conformance, status_code_conformance)

from tests import factories
from webapp.auth.models import ApiToken
from webapp.demo.seed import seed_entries
from webapp.extensions import db

REQUESTS_PER_OPERATION = int(os.environ.get("API_FUZZ_EXAMPLES", "160"))
MINIMUM_REQUESTS = 5000
# What "conforms" means here: the answer is no server error, and its status, headers, content type and
# body are those the schema declares. (A schema-valid request may still be refused for its meaning,
# e.g. a "from" after "to": that is a 400 the schema lists, not a failure.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture
def app_settings(app_settings):
    """Local push endpoints for the subscription operation; no rate limit (it would answer 429)."""
    return {**app_settings, "PUSH_ALLOW_LOCAL_ENDPOINTS": True, "PUSH_ALLOWED_HOSTS": [],
            "SIGNIN_THROTTLE_ENABLED": False}


def _token(app, username: str) -> str:
    """A fresh bearer token of ``username``."""
    with app.app_context():
        _row, secret = ApiToken.issue(factories.user(username), "fuzz")
        db.session.commit()
        return secret


def test_generated_requests_get_no_server_error_and_conform_to_the_schema(app, commune):
    """≥ 5,000 requests over every operation, as two roles, both generation modes: 0 server errors."""
    with app.app_context():
        seed_entries(factories.unit("xa-thanh-xa"), count=60)
        db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tokens = {name: _token(app, name) for name in ("tonghop", "canbo1")}
    statuses = collections.Counter()
    failures = []
    rounds = 0
    while sum(statuses.values()) < MINIMUM_REQUESTS and rounds < 20:
        rounds += 1
        for operation in schema.get_all_operations():
            operation = operation.ok()
            for mode, username in itertools.product((GenerationMode.POSITIVE, GenerationMode.NEGATIVE), tokens):
                _fuzz(app, operation, mode, username, tokens, rounds, statuses, failures)
    assert not failures, "\n\n".join(failures[:10])
    assert sum(statuses.values()) >= MINIMUM_REQUESTS and statuses[5] == 0, statuses
    assert statuses[2] > 300 and statuses[4] > 3000, statuses  # valid and invalid requests both went through


def _fuzz(app, operation, mode, username, tokens, round_number, statuses, failures) -> None:
    """Send ``REQUESTS_PER_OPERATION / 4`` generated requests of one operation; record answers and failures."""
    @seed(round_number)
    @settings(max_examples=REQUESTS_PER_OPERATION // 4, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        """Send one generated request and check its answer."""
        if operation.path == "/api/v1/tokens/current":
            tokens[username] = _token(app, username)  # this call revokes the token it is sent with
        headers = {"Authorization": f"Bearer {tokens[username]}", "Accept-Encoding": "identity"}
        response = case.call(headers={**headers, **(case.headers or {})})
        statuses[response.status_code // 100] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except BaseException as error:  # schemathesis raises groups: collect, report together
            failures.append(f"{operation.method.upper()} {operation.path} [{mode.value}, {username}]: "
                            f"{type(error).__name__}: {str(error)[:600]}")
            raise

    try:
        run()
    except BaseException as error:  # noqa: B036 (the failure is in ``failures``)
        if isinstance(error, KeyboardInterrupt):
            raise
