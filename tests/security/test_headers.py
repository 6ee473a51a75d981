"""Issue 9 item 8: security headers on every response, HSTS and Secure cookies over HTTPS (proxy too)."""
import pytest

from tests import conftest
from tests.conftest import DEMO_PASSWORD
from tests.security.pages import ROLES, inline_code, page_urls
from webapp import create_app
from webapp.extensions import db
from webapp.security.headers import DEFAULT_CSP

REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def assert_policy(response, url: str) -> None:
    """The response carries a strict CSP and the other headers."""
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip())
    assert "'self'" in directives.get("script-src", ""), (url, csp)
    for directive in ("script-src", "style-src", "default-src"):
        assert "unsafe-inline" not in directives.get(directive, ""), (url, csp)
        assert "unsafe-eval" not in directives.get(directive, ""), (url, csp)
    assert directives.get("frame-ancestors") == "'none'", (url, csp)
    assert directives.get("object-src") == "'none'", (url, csp)
    for name, value in REQUIRED.items():
        assert response.headers.get(name) == value, (url, name)


def test_every_page_of_every_role_has_the_headers_and_no_inline_code(app, client, auth, demo):
    """Each role opens every GET route of the URL map: headers on every answer, and no HTML page has
    an inline script, an on*= handler, hx-on, a javascript: link or a style attribute."""
    with app.app_context():
        urls = page_urls(app)
    assert len(urls) >= 25
    checked_html = 0
    for username in ROLES:
        assert auth.login(username, DEMO_PASSWORD).status_code == 302
        for url in urls:
            response = client.get(url)
            response.close()
            # /readyz answers 503 while no worker runs (none does in this test): a readiness verdict, not an error
            assert response.status_code < 500 or (url == "/readyz" and response.status_code == 503), (username, url)
            assert_policy(response, url)
            assert "Strict-Transport-Security" not in response.headers  # plain HTTP: no HSTS
            if response.mimetype == "text/html":
                assert inline_code(response.get_data(as_text=True)) == [], (username, url)
                checked_html += 1
        auth.logout()
    anonymous = client.get("/login")
    assert_policy(anonymous, "/login")
    assert inline_code(anonymous.get_data(as_text=True)) == []
    assert checked_html >= 5 * 20


def test_errors_static_files_and_api_answers_have_the_headers(client, commune):
    """A 404, a static file, a JSON 401 and a redirect carry the same headers."""
    for url, status in (("/nowhere", 404), ("/static/css/app.css", 200), ("/api/v1/me", 401),
                        ("/entries/", 302), ("/sw.js", 200)):
        response = client.get(url)
        response.close()
        assert response.status_code == status, url
        assert_policy(response, url)


def test_htmx_is_configured_for_the_policy(client, commune):
    """htmx may not eval and may not inject its indicator <style> (its rules are in app.css)."""
    page = client.get("/login").get_data(as_text=True)
    assert '"allowEval": false' in page and '"includeIndicatorStyles": false' in page
    with client.get("/static/css/app.css") as css:
        assert ".htmx-indicator" in css.get_data(as_text=True)


def login_cookies(client, base_url: str, **headers) -> list[str]:
    """Sign in as tonghop at ``base_url``; the Set-Cookie headers of the answer."""
    response = client.post("/login", data={"username": "tonghop", "password": DEMO_PASSWORD},
                           base_url=base_url, headers=headers)
    assert response.status_code == 302
    return response.headers.getlist("Set-Cookie")


def test_over_https_cookies_are_secure_and_hsts_is_sent(client, commune):
    """Directly over HTTPS: the session cookie is Secure, HSTS on every answer (HTML and static)."""
    cookies = login_cookies(client, "https://localhost")
    assert cookies and all("; Secure" in cookie for cookie in cookies), cookies
    for url in ("/entries/", "/static/css/app.css", "/nowhere"):
        response = client.get(url, base_url="https://localhost")
        response.close()
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000"), url


def test_over_plain_http_cookies_are_not_marked_secure(client, commune):
    """On plain HTTP (a phone on the commune's LAN without TLS) the cookie must still work."""
    cookies = login_cookies(client, "http://localhost")
    assert cookies and not any("Secure" in cookie for cookie in cookies)


@pytest.fixture
def proxied_app(database_url):
    """The app behind one trusted reverse proxy (PROXY_COUNT=1); its connections closed afterwards."""
    application = create_app(conftest.test_settings(database_url, PROXY_COUNT=1))
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_behind_a_trusted_proxy_https_is_recognised(proxied_app, commune):
    """X-Forwarded-Proto: https from the one trusted proxy → Secure cookie and HSTS."""
    client = proxied_app.test_client()
    cookies = login_cookies(client, "http://localhost", **{"X-Forwarded-Proto": "https",
                                                           "X-Forwarded-For": "203.0.113.9"})
    assert cookies and all("; Secure" in cookie for cookie in cookies), cookies
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(client, commune):
    """A client cannot claim HTTPS by sending X-Forwarded-Proto when no proxy is configured."""
    cookies = login_cookies(client, "http://localhost", **{"X-Forwarded-Proto": "https"})
    assert not any("Secure" in cookie for cookie in cookies)
    assert "Strict-Transport-Security" not in client.get("/login", headers={"X-Forwarded-Proto": "https"}).headers


def test_the_default_policy_is_strict():
    """The shipped policy itself: no inline, no eval, no framing, no plugins."""
    assert "unsafe" not in DEFAULT_CSP
    assert "frame-ancestors 'none'" in DEFAULT_CSP and "object-src 'none'" in DEFAULT_CSP
