"""Fixtures of the operations tests: the API helpers, and a throwaway PostgreSQL cluster of their own
(started once per run, on both the SQLite and the PostgreSQL runs: the faults need a server to stop)."""
import secrets

import pytest

from tests.api.conftest import api, ids, make_app  # noqa: F401  (fixtures shared with the API tests)
from tests.ops.servers import PgCluster


@pytest.fixture(scope="session")
def fault_pg():
    """A running cluster the test may stop and start (it is started again if a test left it stopped)."""
    cluster = PgCluster()
    cluster.start()
    yield cluster
    cluster.destroy()


@pytest.fixture
def fault_db(fault_pg):
    """A fresh database on the throwaway cluster with the demo commune: ``(url, ids)``."""
    from tests.ops.servers import prepare

    url = fault_pg.new_database(f"fault_{secrets.token_hex(4)}")
    return url, prepare(url)
