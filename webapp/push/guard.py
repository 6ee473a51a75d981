"""Where the push worker may post: a real push service on the internet, never this machine or its network.

Checked when a browser subscribes and again at SEND time (a name can change what it resolves to): the
host must be on ``PUSH_ALLOWED_HOSTS`` (the push services of Google, Mozilla, Apple and Microsoft by
default; an empty list turns the allow-list off) and every address it resolves to must be global.
Any notation of an address counts (``127.1``, ``0x7f.1``, ``2130706433``, ``localhost.``): the resolver
reads them as the connection would. Redirects are never followed (see ``no_redirect_session``), and
the connection goes to the very address that was checked (``pinned_session``: no second look-up that
a rebinding name could answer differently), with the name kept for TLS (SNI, certificate) and ``Host``.
``PUSH_ALLOW_LOCAL_ENDPOINTS`` (tests and local development only) allows http and local addresses.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from flask import current_app
from flask_babel import gettext as _

DEFAULT_ALLOWED_HOSTS = (
    "fcm.googleapis.com", "android.googleapis.com",  # Chrome, Edge on Android, Samsung (FCM)
    "updates.push.services.mozilla.com", "push.services.mozilla.com",  # Firefox
    "web.push.apple.com",  # Safari
    "notify.windows.com",  # Edge on Windows (WNS: *.notify.windows.com)
)


class EndpointRefused(ValueError):
    """An endpoint the worker must not post to; the message says why."""


def _allowed_host(host: str) -> bool:
    """Whether ``host`` is on the allow-list (or the list is empty)."""
    allowed = current_app.config.get("PUSH_ALLOWED_HOSTS", DEFAULT_ALLOWED_HOSTS)
    if not allowed:
        return True
    return any(host == entry or host.endswith("." + entry) for entry in allowed)


def _addresses(host: str, port: int) -> set[str]:
    """Every address ``host`` resolves to (as the connection would resolve it)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise EndpointRefused(_("The push service's name cannot be resolved.")) from None
    return {info[4][0].split("%")[0] for info in infos}


def check(endpoint: str, resolve: bool = True) -> str | None:
    """Raise ``EndpointRefused`` unless the worker may post to ``endpoint``; ``resolve`` looks the name up.

    Returns the checked address to connect to (None when nothing was resolved or local endpoints are allowed).
    """
    local_allowed = current_app.config.get("PUSH_ALLOW_LOCAL_ENDPOINTS", False)
    try:
        parts = urlsplit(endpoint)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise EndpointRefused(_("A push service address must name a host.")) from None
    if parts.scheme != "https" and not (local_allowed and parts.scheme == "http"):
        raise EndpointRefused(_("A push service address must start with https://."))
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise EndpointRefused(_("A push service address must name a host."))
    if not _allowed_host(host):
        raise EndpointRefused(_("%(host)s is not a known push service.", host=host[:100]))
    if local_allowed:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        raise EndpointRefused(_("A push service address cannot point inside this network."))
    addresses = _addresses(host, port) if resolve else _literal(host)
    if any(not ipaddress.ip_address(address).is_global for address in addresses):
        raise EndpointRefused(_("A push service address cannot point inside this network."))
    return min(addresses) if resolve and addresses else None


def _literal(host: str) -> set[str]:
    """The address a host written as an address stands for, in any notation (none for a name)."""
    try:
        return {str(ipaddress.ip_address(host))}
    except ValueError:
        pass
    try:
        return {socket.inet_ntoa(socket.inet_aton(host))}  # 127.1, 0x7f.1, 2130706433, 0177.0.0.1
    except OSError:
        return set()


class _NoRedirects(requests.Session):
    """A session that returns a redirect as it is instead of following it."""

    def request(self, *args, **kwargs):
        """Every request with ``allow_redirects=False``."""
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def no_redirect_session() -> requests.Session:
    """The session pywebpush posts with: a 3xx answer is an answer, never followed."""
    return _NoRedirects()


class PinnedAdapter(HTTPAdapter):
    """Connects requests for ``host`` to ``address`` while TLS (SNI, certificate check) and ``Host`` keep the name."""

    def __init__(self, host: str, address: str):
        """Pin ``host`` (lower case, no trailing dot) to ``address`` (an IP)."""
        self.host, self.address = host, address
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        """Pools whose TLS names the host, whatever address they connect to."""
        kwargs["server_hostname"] = self.host
        kwargs["assert_hostname"] = self.host
        super().init_poolmanager(*args, **kwargs)

    def send(self, request, **kwargs):
        """Send to the pinned address; any other host is refused (nothing is looked up again)."""
        parts = urlsplit(request.url)
        if (parts.hostname or "").rstrip(".").lower() != self.host:
            raise requests.ConnectionError(f"not the checked host: {parts.hostname}")
        address = f"[{self.address}]" if ":" in self.address else self.address
        request.headers["Host"] = parts.netloc.rsplit("@", 1)[-1]
        request.url = urlunsplit(parts._replace(netloc=address + (f":{parts.port}" if parts.port else "")))
        return super().send(request, **kwargs)


def pinned_session(host: str, address: str | None) -> requests.Session:
    """A no-redirect session whose every connection goes to ``address`` (the checked one) for ``host``."""
    session = _NoRedirects()
    if address is not None:
        adapter = PinnedAdapter(host.rstrip(".").lower(), address)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
    return session
