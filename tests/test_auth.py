"""Sign-in, sign-out, persistent sessions and the refusal of a cookie saved before logout."""
import re

import sqlalchemy as sa

from webapp.auth.models import LoginSession
from webapp.extensions import db


def test_login_page_has_the_contract_inputs(client):
    """/login is a form with inputs named username and password."""
    page = client.get("/login")
    assert page.status_code == 200
    assert b'name="username"' in page.data and b'name="password"' in page.data


def test_pages_require_login(client, commune):
    """Every page but /login sends a stranger to the login form."""
    for path in ("/entries/", "/entries/new/outreach", "/profile"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_login_succeeds_and_is_persistent(client, auth, commune):
    """A correct login redirects to the entries and sets a cookie that outlives the browser."""
    response = auth.login()
    assert response.status_code == 302 and response.headers["Location"] == "/entries/"
    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie and "HttpOnly" in cookie
    assert client.get("/entries/").status_code == 200


def test_wrong_password_and_unknown_user_get_one_generic_message(client, auth, commune):
    """Wrong password or unknown user: the same message, no hint which part was wrong."""
    wrong_password = auth.login("canbo1", "nope")
    unknown_user = auth.login("nobody", "thanhxa-demo")
    assert wrong_password.status_code == unknown_user.status_code == 400
    assert "Sai tên đăng nhập hoặc mật khẩu".encode() in wrong_password.data
    assert wrong_password.data.count(b"error-box") == unknown_user.data.count(b"error-box") == 1


def test_session_id_changes_at_login(app, client, auth, commune):
    """Each login creates a new server-side session."""
    auth.login()
    auth.logout()
    auth.login()
    with app.app_context():
        sessions = db.session.scalars(sa.select(LoginSession)).all()
        assert len(sessions) == 2
        assert sessions[0].key_digest != sessions[1].key_digest
        assert sessions[0].revoked_at is not None and sessions[1].revoked_at is None


def test_cookie_saved_before_logout_is_refused_after(app, client, auth, commune):
    """Logout really ends the session: replaying the old cookie does not sign anyone in."""
    auth.login()
    saved = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", saved)
    response = thief.get("/entries/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_password_change_ends_other_sessions(app, client, auth, commune):
    """Changing the password signs out every other browser."""
    other = app.test_client()
    other.post("/login", data={"username": "canbo1", "password": "thanhxa-demo"})
    assert other.get("/entries/").status_code == 200
    auth.login()
    response = client.post("/profile", data={"current": "thanhxa-demo", "new": "gio-bac-ven-song-1",
                                             "confirm": "gio-bac-ven-song-1"})
    assert response.status_code == 302
    assert client.get("/entries/").status_code == 200
    assert other.get("/entries/").status_code == 302


def test_forms_require_a_csrf_token(app_settings, commune):
    """With CSRF on (as in production) a login post without the token is refused, nothing signed in."""
    from webapp import create_app

    app_settings["WTF_CSRF_ENABLED"] = True
    application = create_app(app_settings)
    client = application.test_client()
    response = client.post("/login", data={"username": "canbo1", "password": "thanhxa-demo"})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn".encode() in response.data
    assert client.get("/entries/").status_code == 302



def test_pages_loaded_at_once_after_sign_in_share_one_form_secret(app_settings, commune):
    """The landing page and the service worker's precache load at the same moment after sign-in: a form
    from one of them still posts after another answer wrote the session cookie last."""
    from webapp import create_app

    app_settings["WTF_CSRF_ENABLED"] = True
    application = create_app(app_settings)
    client = application.test_client()
    try:
        _post_after_a_concurrent_answer(client)
    finally:
        with application.app_context():
            db.engine.dispose()


def _post_after_a_concurrent_answer(client) -> None:
    """Sign in, load a form page, let another answer (sent with the same cookie) write the cookie last,
    then post the first page's form."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "canbo1", "password": "thanhxa-demo", "csrf_token": token})
    after_sign_in = client.get_cookie("session").value
    page = client.get("/entries/new/outreach").get_data(as_text=True)  # the page the person fills
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.set_cookie("session", after_sign_in)  # another request, sent with the same cookie, answers last
    client.get("/entries/new/training")
    response = client.post("/logout", data={"csrf_token": form_token})
    assert response.status_code == 302 and "Biểu mẫu đã hết hạn" not in response.get_data(as_text=True)


def test_next_parameter_cannot_leave_the_site(client, auth, commune):
    """An open redirect through ?next= is refused."""
    response = client.post("/login?next=//evil.example/x", data={"username": "canbo1", "password": "thanhxa-demo"})
    assert response.headers["Location"] == "/entries/"
