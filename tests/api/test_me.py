"""``GET /api/v1/me``: exactly the contract's fields, the units the user may log for, the villages."""
from webapp.kinds import all_kinds


def test_me_for_field_staff(api, ids):
    """canbo1 logs for her village branch only; she sees the commune's villages and every kind."""
    response = api.client.get("/api/v1/me", headers=api.auth(api.token("canbo1")))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"username", "roles", "units", "villages", "kinds"}
    assert body["username"] == "canbo1"
    assert body["roles"] == [{"role": "field_staff", "unit_id": ids["chi-hoi-pn-thon-thanh-xa"]}]
    assert body["units"] == [{"id": ids["chi-hoi-pn-thon-thanh-xa"], "name": "Chi hội Phụ nữ thôn Thanh Xá"}]
    assert {v["id"] for v in body["villages"]} == {ids[code] for code in (
        "thon-thanh-xa", "thon-le-xa", "thon-binh-lao", "thon-phu-tinh", "thon-ha-xa", "thon-dong-linh")}
    assert all(set(v) == {"id", "name"} for v in body["villages"])
    assert body["kinds"] == [kind.code for kind in all_kinds()]
    assert {"outreach", "training", "inspection"} <= set(body["kinds"])


def test_me_for_a_supervisor_lists_the_subtree(api, ids):
    """duyet may log for the commune Women's Union and every branch below it, nothing else."""
    body = api.client.get("/api/v1/me", headers=api.auth(api.token("duyet"))).get_json()
    unit_ids = {u["id"] for u in body["units"]}
    assert ids["hlhpn-thanh-xa"] in unit_ids and ids["chi-hoi-pn-thon-le-xa"] in unit_ids
    assert ids["mttq-thanh-xa"] not in unit_ids and ids["xa-thanh-xa"] not in unit_ids
    assert body["roles"] == [{"role": "supervisor", "unit_id": ids["hlhpn-thanh-xa"]}]


def test_me_needs_sign_in(api):
    """No token: 401 JSON."""
    response = api.client.get("/api/v1/me")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_me_works_with_the_browser_session(api, auth):
    """The browser app reads it with its cookie (a GET needs no extra header)."""
    auth.login("canbo2")
    assert api.client.get("/api/v1/me").get_json()["username"] == "canbo2"
