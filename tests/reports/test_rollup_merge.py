"""A village merge (the communes package) keeps the report rollup right: totals move with the entries."""
from tests import factories
from tests.reports.helpers import YEAR_2023, add_entry, bearer
from webapp.communes.merge import merge_villages
from webapp.extensions import db


def test_village_merge_moves_the_villages_totals(app, client, commune):
    """After Lê Xá merges into Thanh Xá, the totals by village show its entries under Thanh Xá only."""
    with app.app_context():
        add_entry(village_code="thon-thanh-xa", male=1, female=2)
        add_entry(village_code="thon-le-xa", male=10, female=20, cost=500_000)
        add_entry(village_code="thon-le-xa", male=100, female=200, status="submitted")
        survivor, merged = factories.village("thon-thanh-xa").id, factories.village("thon-le-xa").id
        headers = bearer("tonghop")
        before = client.get("/api/v1/reports/totals", query_string={**YEAR_2023, "group_by": "village"},
                            headers=headers).get_json()
        assert {row["village"]: row["entries"] for row in before["rows"]} == {survivor: 1, merged: 1}
        merge_villages(factories.unit("xa-thanh-xa"), merged, survivor, factories.user("quantri"))
        db.session.commit()
    after = client.get("/api/v1/reports/totals", query_string={**YEAR_2023, "group_by": "village"},
                       headers=headers).get_json()
    assert [(row["village"], row["entries"], row["participants_male"], row["cost_vnd"]) for row in after["rows"]] == \
        [(survivor, 2, 11, 500_000)]
    assert after["totals"]["entries"] == before["totals"]["entries"] == 2
    waiting = client.get("/api/v1/reports/totals", query_string={**YEAR_2023, "group_by": "village",
                                                                   "status": "submitted"}, headers=headers).get_json()
    assert [(row["village"], row["participants_male"]) for row in waiting["rows"]] == [(survivor, 100)]
