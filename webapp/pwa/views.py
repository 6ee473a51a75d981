"""The manifest, the service worker, the offline page, settings, and the officer's outbox import."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp.auth.permissions import role_required
from webapp import static_files
from webapp.navigation import add_nav_item
from webapp.pwa import importer, services
from webapp.pwa import compression
from webapp.pwa.strings import client_config

bp = Blueprint("pwa", __name__)
add_nav_item("pwa.settings", _l("Settings"), position=90)
bp.record_once(lambda state: compression.init_app(state.app))
bp.record_once(lambda state: static_files.init_app(state.app))


@bp.app_context_processor
def inject_client_config() -> dict:
    """``pwa_config()`` for ``templates/pwa/_scripts.html``."""
    return {"pwa_config": client_config}


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest (public: browsers fetch it without cookies)."""
    response = jsonify(services.web_manifest())
    response.mimetype = "application/manifest+json"
    response.cache_control.max_age = 3600
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, scope ``/``, never cached by HTTP so a deploy is seen at the next visit."""
    response = Response(services.service_worker_source(), mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache, max-age=0, must-revalidate"
    return response


@bp.get("/offline")
def offline():
    """Shown by the service worker for a page that was never saved on the phone."""
    return render_template("pwa/offline.html")


@bp.get("/settings")
@login_required
def settings():
    """This device: storage, last sync, the outbox and its export (filled in by the page script)."""
    return render_template("pwa/settings.html",
                           sync_timeout=current_app.config.get("PWA_SYNC_TIMEOUT_MS", 20_000))


@bp.route("/outbox/import", methods=["GET", "POST"])
@login_required
@role_required("officer", "admin")
def import_outbox():
    """The commune officer imports a phone's exported outbox through the idempotent sync path."""
    report, error = None, None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            error = _("Choose the exported file.")
        else:
            try:
                payload = importer.read_export(upload.read())
                report = importer.import_outbox(current_user._get_current_object(), payload)
            except importer.ImportRefused as refused:
                error = refused.message
    status = 400 if error else 200
    return render_template("pwa/import.html", report=report, error=error), status
