"""The VAPID key pair: from the environment, or generated once and kept under ``instance/``."""
from __future__ import annotations

import base64
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from flask import Flask, current_app
from py_vapid import Vapid

KEY_FILE = "vapid_private.pem"
DEFAULT_SUBJECT = "mailto:admin@localhost"


def b64url(data: bytes) -> str:
    """Base64url without padding (how Web Push writes keys)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class VapidKeys:
    """The server's signing key, its public half (base64url, uncompressed P-256) and the subject."""

    signer: Vapid
    public_key: str
    subject: str

    def claims(self) -> dict:
        """A fresh claims dict for one ``webpush()`` call (pywebpush writes ``aud``/``exp`` into it)."""
        return {"sub": self.subject}


def _public_of(signer: Vapid) -> str:
    """The uncompressed public point of ``signer``, base64url."""
    raw = signer.public_key.public_bytes(serialization.Encoding.X962,
                                         serialization.PublicFormat.UncompressedPoint)
    return b64url(raw)


def _from_text(text: str) -> Vapid:
    """A key given as PEM, as base64url DER, or as the raw 32-byte scalar in base64url."""
    text = text.strip()
    if "-----BEGIN" in text:
        return Vapid.from_pem(text.encode())
    return Vapid.from_string(text)


def _instance_key(instance_path: str) -> Vapid:
    """Read ``instance/vapid_private.pem``, creating it atomically (owner-only) the first time."""
    path = Path(instance_path) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        signer = Vapid()
        signer.generate_keys()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(signer.private_pem())
            try:
                os.link(tmp, path)  # fails if another process made it first: theirs wins
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    return _from_text(path.read_text())


def load_keys(app: Flask) -> VapidKeys:
    """The app's VAPID keys (``VAPID_PRIVATE_KEY``/``VAPID_PUBLIC_KEY``/``VAPID_SUBJECT`` or instance/)."""
    configured = app.config.get("VAPID_PRIVATE_KEY")
    signer = _from_text(configured) if configured else _instance_key(app.instance_path)
    public = _public_of(signer)
    expected = (app.config.get("VAPID_PUBLIC_KEY") or "").strip().rstrip("=")
    if expected and expected != public:
        raise RuntimeError("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY")
    return VapidKeys(signer, public, app.config.get("VAPID_SUBJECT") or DEFAULT_SUBJECT)


def vapid_keys() -> VapidKeys:
    """The current app's keys, loaded once per app (first use generates them if needed)."""
    cached = current_app.extensions.get("binhdang_vapid")
    if cached is None:
        cached = current_app.extensions["binhdang_vapid"] = load_keys(current_app)
    return cached
