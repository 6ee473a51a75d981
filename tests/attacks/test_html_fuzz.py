"""Issue 9 §6: every HTML page of the URL map, fed generated query strings, never answers 500.

The routes come from ``app.url_map`` (every GET rule outside the API and static files); the query
parameter names are every name the code reads from a query string or form (found in its source),
plus names no page knows. Values mix hypothesis text and numbers with the known troublemakers:
dates at year 1 and 9999, ids of 20+ digits, non-ASCII digits, week dates, empty and repeated values.
Each demo role (and an anonymous visitor and a province officer) is tried.
"""
from __future__ import annotations

import collections
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tests.conftest import DEMO_PASSWORD
from webapp.auth.services import create_user
from webapp.demo.seed import seed_entries
from webapp.extensions import db
from webapp.units.models import Unit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_PER_ROLE = int(os.environ.get("HTML_FUZZ_EXAMPLES", "200"))
NAME_PATTERN = re.compile(r"""(?:args|form)(?:\.get(?:list)?\(|, )\s*["']([a-z_]{1,30})["']""")
TROUBLE = ["", " ", "0", "-1", "1", "00001", "9" * 25, "12345678901234567890", "١٢", "²", "１２", "0001-01-01",
           "9999-12-31", "0001-01", "9999-12", "2026-W09-7", "20260301", "2023-02-30", "2023-13", "nan", "inf",
           "1e400", "%00", "\x00", "<script>", "' OR 1=1 --", "approved,submitted", "all", "xlsx", "kind.field",
           "training.days", "month", "village", "ư" * 300]


def parameter_names() -> list[str]:
    """Every query or form field name the code reads, plus a few no page knows."""
    names = set()
    for path in (ROOT / "webapp").rglob("*.py"):
        names.update(NAME_PATTERN.findall(path.read_text(encoding="utf-8")))
    return sorted(names | {"page", "unknown", "id", "year"})


def routes(app) -> list:
    """The GET rules of the HTML pages."""
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and not rule.rule.startswith(("/api/", "/static"))),
                  key=lambda rule: rule.rule)


values = st.one_of(st.sampled_from(TROUBLE), st.text(max_size=30), st.integers(-10**25, 10**25).map(str),
                   st.dates().map(lambda day: day.isoformat()), st.dates().map(lambda day: day.isoformat()[:7]))


@pytest.fixture
def app_settings(app_settings):
    """Exceptions become 500 answers (as in production) so they can be counted."""
    return {**app_settings, "PROPAGATE_EXCEPTIONS": False}


def test_every_html_route_with_generated_query_parameters_never_answers_500(app, commune):
    """0 server errors over every route × generated parameters × role."""
    with app.app_context():
        entry = seed_entries(factories.unit("xa-thanh-xa"), count=30) and \
            db.session.scalar(db.select(db.text("uuid")).select_from(db.text("entry")).limit(1))
        province = Unit.create("tinh-thu", "Tỉnh Thử", "province")
        create_user("sotinh", DEMO_PASSWORD, "province_officer", province)
        db.session.commit()
    rules = routes(app)
    names = parameter_names()
    path_values = {"entry_uuid": [entry, "x", "9" * 25], "kind_code": ["outreach", "training", "x"],
                   "target_id": ["1", "9" * 25], "fmt": ["csv", "xlsx", "docx", "pdf"],
                   "job_id": ["1", "9" * 25, "x"], "filename": ["x"]}
    answered = collections.Counter()
    errors = []
    for username in (None, "canbo1", "duyet", "tonghop", "quantri", "sotinh"):
        client = app.test_client()
        if username:
            client.post("/login", data={"username": username, "password": DEMO_PASSWORD})

        @settings(max_examples=EXAMPLES_PER_ROLE, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(rule=st.sampled_from(rules), data=st.data())
        def visit(rule, data):
            """One page with generated path values and query parameters."""
            path = rule.rule
            for argument in rule.arguments:
                value = data.draw(st.sampled_from(path_values.get(argument, ["1"])))
                path = re.sub(r"<(?:[a-z]+:)?%s>" % argument, value, path)
            query = data.draw(st.lists(st.tuples(st.sampled_from(names), values), max_size=6))
            response = client.get(path, query_string=query, headers={"Accept-Encoding": "identity"})
            answered[response.status_code // 100] += 1
            # /readyz's 503 (no worker runs here) is its readiness verdict, not a server error
            if response.status_code >= 500 and not (path == "/readyz" and response.status_code == 503):
                errors.append(f"{username}: GET {path} {query!r:.300} → {response.status_code}")

        visit()
    assert not errors, "\n".join(errors[:20])
    assert sum(answered.values()) >= 6 * EXAMPLES_PER_ROLE and answered[2] > EXAMPLES_PER_ROLE, answered
