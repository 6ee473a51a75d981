"""Push API (key, subscriptions) and the in-app notifications page with the bell."""
from __future__ import annotations

import os

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.api import tokens
from webapp.auth.api_auth import bearer_secret
from webapp.errors import json_error
from webapp.extensions import db
from webapp.inputs import int_id, storable
from webapp.push import cli, guard, notify, outbox, services  # noqa: F401  (outbox connects the event receivers)
from webapp.push import openapi as _openapi  # noqa: F401  (describes the endpoints)
from webapp.push.vapid import vapid_keys

bp = Blueprint("push", __name__, url_prefix="/notifications")
api_bp = Blueprint("push_api", __name__, url_prefix="/api/v1/push")
PAGE_SIZE = 30

DEFAULTS = {
    "PUSH_WORKER_INTERVAL_SECONDS": 5,
    "PUSH_TTL_SECONDS": 86400,
    "PUSH_TIMEOUT_SECONDS": 10,
    "PUSH_MAX_ATTEMPTS": 8,
    "PUSH_RETRY_BASE_SECONDS": 30,
    "PUSH_WAITING_INTERVAL_MINUTES": 60,
    "PUSH_RETURNED_GROUP_MINUTES": 10,
    "PUSH_DIGEST_HOUR": 17,
    "PUSH_REMINDER_DAYS_BEFORE": 7,
    "PUSH_SUBSCRIPTION_IDLE_DAYS": 60,
    "PUSH_ALLOW_LOCAL_ENDPOINTS": False,
    "PUSH_ALLOWED_HOSTS": list(guard.DEFAULT_ALLOWED_HOSTS),
    "PUSH_SERVICE_WORKER_URL": "/sw.js",
}


@bp.record_once
def _setup(state) -> None:
    """Settings defaults (environment for VAPID), the API blueprint, commands and the bell's helpers."""
    app = state.app
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    for key in ("VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY", "VAPID_SUBJECT"):
        app.config.setdefault(key, os.environ.get(key))
    if os.environ.get("PUSH_ALLOWED_HOSTS"):  # comma-separated host names; their subdomains are allowed too
        app.config["PUSH_ALLOWED_HOSTS"] = [h.strip() for h in os.environ["PUSH_ALLOWED_HOSTS"].split(",") if h.strip()]
    app.register_blueprint(api_bp)
    app.cli.add_command(cli.push_worker_command)
    app.cli.add_command(cli.push_reminders_command)

    @app.context_processor
    def push_helpers() -> dict:
        """``push_unread_count()`` for the bell, ``push_device_count()`` for the profile."""
        return {"push_unread_count": _unread_count, "push_device_count": _device_count}


def _unread_count() -> int:
    """Unread notifications of the signed-in person (queried only where the bell is drawn)."""
    return services.unread_count(current_user) if current_user.is_authenticated else 0


def _device_count() -> int:
    """Devices on which the signed-in person receives pushes."""
    return services.device_count(current_user) if current_user.is_authenticated else 0


def _device_name() -> str:
    """The device a subscription comes from: the API token's device name, else the browser."""
    if bearer_secret() is not None:
        return tokens.current_device()
    return (request.user_agent.string or "web")[:120]


@bp.get("/")
@login_required
def notifications():
    """My notifications, newest first: the same messages as the pushes, for phones without push."""
    page = db.paginate(services.notifications_of(current_user), per_page=PAGE_SIZE, error_out=False)
    notify.fresh(page.items)  # a pending "waiting" message says how many wait now
    return render_template("push/notifications.html", page=page, counts=services.current_counts(current_user),
                           service_worker_url=current_app.config["PUSH_SERVICE_WORKER_URL"])


@bp.post("/read")
@login_required
def mark_read():
    """Mark one notification (``id``) or all of them read."""
    raw = request.form.get("id", "")
    services.mark_read(current_user, int_id(raw))
    db.session.commit()
    return redirect(url_for("push.notifications"))


@api_bp.get("/key")
def public_key():
    """The VAPID public key (base64url, uncompressed P-256) for ``PushManager.subscribe``."""
    return jsonify({"public_key": vapid_keys().public_key})


@api_bp.post("/subscriptions")
@login_required
def add_subscription():
    """Store a browser's subscription for me on this device → 201."""
    clean, errors = services.parse_subscription(request.get_json(silent=True))
    if errors:
        return json_error(400, "invalid", _("The push subscription is not valid."), fields=errors)
    subscription, created = services.subscribe(current_user, clean, _device_name())
    db.session.commit()
    return jsonify({"endpoint": subscription.endpoint, "created": created}), 201


@api_bp.delete("/subscriptions")
@login_required
def remove_subscription():
    """Forget my subscription with this endpoint → 204 (also when it was already gone)."""
    payload = request.get_json(silent=True)
    endpoint = payload.get("endpoint") if isinstance(payload, dict) else None
    if not isinstance(endpoint, str) or not endpoint.strip() or not storable(endpoint):
        return json_error(400, "invalid", _("Send the endpoint to remove."), fields={"endpoint": _("Required.")})
    services.unsubscribe(current_user, endpoint.strip())
    db.session.commit()
    return "", 204
