"""Security headers on every response and ``Secure`` cookies whenever the request came over HTTPS.

A WSGI middleware rather than an ``after_request`` hook, so that it also covers what Flask's hooks do
not see: the session cookie (saved after the hooks), Flask-Login's remember cookie, error pages and
any static-file middleware installed inside it. ``wsgi.url_scheme`` is read when the response
starts, after ``ProxyFix`` (installed outside) has set it from ``X-Forwarded-Proto``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

# No inline script, no eval, no framing; images may be photo previews (blob:) and icons (data:).
DEFAULT_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
DEFAULT_HSTS_SECONDS = 365 * 24 * 3600


def base_headers(config: Mapping) -> list[tuple[str, str]]:
    """The headers every response carries, whatever its scheme."""
    return [
        ("Content-Security-Policy", config.get("CONTENT_SECURITY_POLICY", DEFAULT_CSP)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", config.get("REFERRER_POLICY", "same-origin")),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()"),
    ]


def secure_cookie(value: str) -> str:
    """A ``Set-Cookie`` value with the ``Secure`` attribute (added once)."""
    attributes = [part.strip().lower() for part in value.split(";")[1:]]
    return value if "secure" in attributes else f"{value}; Secure"


class SecurityHeaders:
    """WSGI middleware: add the security headers, and HSTS plus ``Secure`` cookies over HTTPS."""

    def __init__(self, wsgi_app: Callable, config: Mapping):
        """Wrap ``wsgi_app``; the headers are computed once from ``config``."""
        self.wsgi_app = wsgi_app
        self.headers = base_headers(config)
        seconds = int(config.get("HSTS_SECONDS", DEFAULT_HSTS_SECONDS))
        self.hsts = f"max-age={seconds}; includeSubDomains"

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Serve the request through the app, adding headers when the response starts."""

        def start(status: str, headers: list[tuple[str, str]], exc_info=None):
            """Complete ``headers`` (a view's own value of a header wins) and start the response."""
            https = environ.get("wsgi.url_scheme") == "https"
            present = {name.lower() for name, _value in headers}
            result = []
            for name, value in headers:
                if https and name.lower() == "set-cookie":
                    value = secure_cookie(value)
                result.append((name, value))
            result.extend((name, value) for name, value in self.headers if name.lower() not in present)
            if https and "strict-transport-security" not in present:
                result.append(("Strict-Transport-Security", self.hsts))
            return start_response(status, result, exc_info) if exc_info else start_response(status, result)

        return self.wsgi_app(environ, start)
