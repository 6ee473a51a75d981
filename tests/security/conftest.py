"""The demo commune with some entries, its 2023 plan and a province officer, for the security tests."""
import pytest

from tests.security.pages import add_province_officer
from webapp.extensions import db


@pytest.fixture
def demo(app, commune):
    """Seed 40 demo entries and the 2023 plan; add the province officer ``tinh``."""
    from webapp.demo.seed import seed_entries
    from webapp.plan.seed import seed_plan_2023
    from webapp.units.models import Unit

    with app.app_context():
        unit = db.session.get(Unit, commune)
        seed_entries(unit, count=40)
        seed_plan_2023(unit)
        db.session.commit()
        add_province_officer(commune)
    return commune
