"""Trust ``X-Forwarded-*`` only from the configured number of proxies in front of the app (ProxyFix).

``PROXY_COUNT`` (environment or config) is how many reverse proxies append to those headers; 0, the
default, trusts none of them, so a client cannot claim another address or HTTPS by sending them.
This is the app's one ProxyFix: sign-in throttling and the HTTPS checks both read its result.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(app: Flask) -> None:
    """Wrap the app in ProxyFix for ``PROXY_COUNT`` proxies (outermost, so everything sees its result)."""
    count = int(app.config.get("PROXY_COUNT", 0) or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count,
                                x_prefix=count)
