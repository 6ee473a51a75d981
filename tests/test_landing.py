"""Issue 11 §3/§5/§7: each role lands on its page after sign-in and at ``/`` (a ``next`` wins), every
destination of the menu is on the page, and ``HOST`` decides where ``make run`` listens."""
import os
import runpy
import subprocess
from pathlib import Path

import pytest

from tests import factories

ROOT = Path(__file__).resolve().parents[1]
LANDING = {"canbo1": "/entries/", "duyet": "/review/", "tonghop": "/reports/", "quantri": "/admin/"}


@pytest.mark.parametrize("username,path", sorted(LANDING.items()))
def test_sign_in_lands_on_the_roles_page(client, auth, commune, username, path):
    """Field staff their entries, the supervisor the review queue, the officer the dashboard, the admin
    administration; ``/`` and ``/login`` of a signed-in person go to the same page, which opens."""
    response = auth.login(username)
    assert response.status_code == 302 and response.headers["Location"] == path
    assert client.get("/").headers["Location"] == path
    assert client.get("/login").headers["Location"] == path
    assert client.get(path).status_code == 200


def test_province_officer_lands_on_the_dashboard(app, client, auth, commune):
    """A province officer starts on the dashboard too."""
    from tests.security.pages import add_province_officer

    with app.app_context():
        add_province_officer(commune)
    assert auth.login("tinh").headers["Location"] == "/reports/"


def test_next_parameter_wins_over_the_landing_page(client, commune):
    """A supervisor sent to sign in from an entry page goes back there, not to the queue; a foreign
    ``next`` still falls back to the role's page."""
    data = {"username": "duyet", "password": "thanhxa-demo"}
    assert client.post("/login?next=/entries/?status=returned", data=data).headers["Location"] == \
        "/entries/?status=returned"
    client.post("/logout")
    assert client.post("/login?next=https://evil.example/", data=data).headers["Location"] == "/review/"
    client.post("/logout")
    assert client.post("/login?next=/\\evil.example", data=data).headers["Location"] == "/review/"


def test_unauthenticated_root_asks_to_sign_in_then_lands(client, commune):
    """``/`` without a session goes to the form; after it, the person's own start page."""
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    login = client.post(response.headers["Location"], data={"username": "tonghop", "password": "thanhxa-demo"})
    assert client.get(login.headers["Location"]).headers["Location"] == "/reports/"


@pytest.mark.parametrize("username", sorted(LANDING))
def test_phone_bar_and_menu_hold_every_destination(client, auth, commune, username):
    """The bottom bar plus its Menu link every page of the top menu, once each."""
    import re

    auth.login(username)
    page = client.get("/profile").get_data(as_text=True)
    top = re.search(r'<nav class="mainnav".*?</nav>', page, re.S).group(0)
    bar = re.search(r'<nav class="tabbar".*?</nav>', page, re.S).group(0)
    top_links = re.findall(r'href="([^"]+)"', top)
    bar_links = re.findall(r'href="([^"]+)"', bar)
    assert len(top_links) >= 4 and sorted(top_links) == sorted(bar_links)
    assert "/settings" in bar_links and "/profile" in bar_links and "<details" in bar


def test_field_staff_bar_starts_with_entries_and_new(client, auth, commune):
    """Field staff: Hoạt động and + Thêm mới in the bar, not hidden under the menu."""
    import re

    auth.login("canbo1")
    page = client.get("/entries/").get_data(as_text=True)
    bar = re.search(r'<nav class="tabbar".*?<details', page, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', bar)[:2] == ["/entries/", "/entries/new"]
    assert "chưa gửi" in page  # the unsent count is explained in words


def test_user_without_roles_lands_on_entries(app, client, auth, commune):
    """Someone with no role yet still gets a page."""
    from webapp.extensions import db
    from webapp.units.models import Unit

    with app.app_context():
        user = factories.make_user("khongvaitro", "field_staff", db.session.get(Unit, commune).code,
                                   password="thanhxa-demo")
        user.roles.clear()
        db.session.commit()
    assert auth.login("khongvaitro").headers["Location"] == "/entries/"


@pytest.mark.parametrize("host,expected", [(None, "127.0.0.1:5000"), ("0.0.0.0", "0.0.0.0:5000"),
                                           ("::", "[::]:5000"), ("", "127.0.0.1:5000")])
def test_gunicorn_listens_on_host(monkeypatch, host, expected):
    """gunicorn.conf.py binds ``HOST:PORT``; 127.0.0.1 unless HOST says otherwise."""
    monkeypatch.delenv("PORT", raising=False)
    if host is None:
        monkeypatch.delenv("HOST", raising=False)
    else:
        monkeypatch.setenv("HOST", host)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", os.environ.get("PROMETHEUS_MULTIPROC_DIR", "/tmp"))
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["bind"] == expected


def test_make_run_passes_host_to_gunicorn():
    """``HOST=0.0.0.0 make run`` hands HOST to gunicorn and says where it serves (dry run)."""
    env = {**os.environ, "HOST": "0.0.0.0", "PORT": "5123"}
    out = subprocess.run(["make", "-n", "run"], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    assert "HOST=0.0.0.0 PORT=5123" in out and "http://0.0.0.0:5123" in out
    env.pop("HOST")
    out = subprocess.run(["make", "-n", "run"], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    assert "HOST=127.0.0.1 PORT=5123" in out
