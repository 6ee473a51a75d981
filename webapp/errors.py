"""Error pages for people, JSON errors for the API; never a bare 500."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def json_error(status: int, code: str, message: str, **extra):
    """``{"error": {"code", "message"}}`` with ``status`` (the contract's error shape)."""
    body = {"error": {"code": code, "message": message, **extra}}
    return jsonify(body), status


def _default_message(status: int) -> str:
    """A Vietnamese-first sentence for a status with no specific description."""
    messages = {
        400: _("The request is not valid."),
        401: _("Please sign in."),
        403: _("You are not allowed to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("This was changed by someone else."),
        413: _("The request is too large."),
        429: _("Too many attempts. Wait a minute and try again."),
    }
    return messages.get(status, _("Something went wrong on the server. Nothing was lost; try again."))


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        """Render any HTTP error as JSON for the API and as a page for people."""
        status = error.code or 500
        custom = error.description if error.description != type(error).description else None
        message = custom or _default_message(status)
        if request.path.startswith("/api/"):
            code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                    409: "conflict", 413: "too_large", 429: "rate_limited"}.get(status, "bad_request")
            return json_error(status, code, message)
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(CSRFError)
    def handle_csrf(error: CSRFError):
        """A form older than the session: ask to reload, keep nothing half-saved."""
        message = _("The form has expired. Reload the page and send it again.")
        if request.path.startswith("/api/"):
            return json_error(400, "csrf", message)
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(500)
    def handle_500(error):
        """Roll back and show a calm message; the error is logged by Flask."""
        from webapp.extensions import db
        from webapp.ops.faults import DATABASE_FAILURES, unavailable_response

        original = getattr(error, "original_exception", None)
        if isinstance(original, DATABASE_FAILURES):
            return unavailable_response(original)  # failed in a hook, past the error handlers
        db.session.rollback()
        message = _default_message(500)
        if request.path.startswith("/api/"):
            return json_error(500, "server_error", message)
        return render_template("error.html", status=500, message=message), 500
