"""``ApiError``: a whole-request refusal that the API answers as ``{"error": {"code", "message"}}``."""
from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A refusal with an HTTP status, a stable machine code and a message a person may read."""

    def __init__(self, status: int, code: str, message: Any, headers: dict[str, str] | None = None, **extra: Any):
        """Keep what the response needs; ``message`` may be a lazy translation; ``headers`` (e.g. Retry-After)."""
        super().__init__(str(message))
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra

    def response(self):
        """The contract's error response."""
        from webapp.errors import json_error

        body, status = json_error(self.status, self.code, str(self.message), **self.extra)
        return body, status, self.headers
