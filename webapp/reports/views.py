"""Report pages: the dashboard, the contract's export URLs, and background export jobs."""
from __future__ import annotations

import io

from flask import (Blueprint, Response, abort, current_app, redirect, render_template, request, send_file,
                   stream_with_context, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp.auth.api_auth import bearer_secret
from webapp.errors import json_error
from webapp.extensions import db
from webapp import page_memo
from webapp.navigation import ROLE_LABELS, add_nav_item
from webapp.reports.dashboard import service as dashboard_service
from webapp.reports.exports import requests as exports
from webapp.reports.exports import jobs
from webapp.reports.totals import params
from webapp.reports.exports.csv_export import stream_csv
from webapp.reports.models import ExportJob
from webapp.reports.province import create_province_command
from webapp.reports.totals.scope import REPORT_ROLES, NotAllowed, may_configure, report_scope

bp = Blueprint("reports", __name__)
ROLE_LABELS.setdefault("province_officer", _l("Province officer"))
add_nav_item("reports.dashboard", _l("Reports"), roles=REPORT_ROLES, position=60)
bp.cli.add_command(create_province_command)


@bp.record_once
def _register_more(state) -> None:
    """The totals API, settings pages and defaults of this package."""
    from webapp.reports.api import api_bp
    from webapp.reports.settings_views import settings_bp

    state.app.register_blueprint(api_bp)
    state.app.register_blueprint(settings_bp)
    from webapp.reports.rollup.commands import rollup_rebuild_command

    state.app.cli.add_command(rollup_rebuild_command)
    state.app.config.setdefault("REPORT_SUPPRESSION_THRESHOLD", 5)
    state.app.config.setdefault("REPORT_AMBER_FROM", 0.7)


def scope_or_abort():
    """The signed-in person's report scope (403 for field staff, 400 for a commune not theirs)."""
    try:
        return report_scope(current_user, params.parse_int(request.args, "commune"))
    except NotAllowed:
        abort(403, description=_("Only supervisors, officers and administrators see reports."))
    except params.ParamError as exc:
        abort(400, description=exc.message)


@bp.get("/reports/")
@login_required
def dashboard():
    """Totals of the chosen period from approved entries, targets, charts and pending entries."""
    scope = scope_or_abort()
    with page_memo.remembering(current_app.config.get("REPORT_FRAME", True)):  # a read-only page: its
        # periods, units and figures read once each
        selection = dashboard_service.read_selection(scope, request.args)
        context = {"scope": scope, "selection": selection, "export_args": selection.query_args(scope),
                   "configurable": may_configure(current_user, scope.owner),
                   **dashboard_service.build(scope, selection)}
        if request.htmx and not request.htmx.boosted:
            return render_template("reports/_dashboard.html", **context)
        return render_template("reports/dashboard.html", **context)


def _export_user():
    """The person asking for an export: the session, or a bearer token (scripts, the province)."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    secret = bearer_secret()
    if secret is not None:
        from webapp.auth.services import user_for_token

        user = user_for_token(secret)
        if user is not None:
            db.session.commit()
            return user
        _abort_json(401, "unauthorized", _("Please sign in."))
    abort(redirect(url_for("auth.login", next=request.full_path)))


def _abort_json(status: int, code: str, message: str) -> None:
    """Stop with the API's JSON error."""
    response, _status = json_error(status, code, message)
    response.status_code = status
    abort(response)


def _wants_json() -> bool:
    """Scripts (bearer token or JSON Accept) get JSON errors; people get the error page."""
    return bearer_secret() is not None or request.accept_mimetypes.best == "application/json"


def _fail(status: int, code: str, message: str):
    """Abort with a JSON error for scripts or the HTML error page for people."""
    if _wants_json():
        _abort_json(status, code, message)
    abort(status, description=message)


@bp.get("/reports/export.<fmt>")
def export(fmt: str):
    """``GET /reports/export.docx|.xlsx|.csv?from&to``: the report (or every entry) of a period."""
    if fmt not in exports.MIMETYPES:
        abort(404)
    user = _export_user()
    try:
        checked = exports.read_params(request.args)
        if fmt == "csv":
            ctx, name = exports.csv_context(user, checked)
            rows = stream_csv(ctx, exports.statuses_of(checked), codes=checked["codes"])
            response = Response(stream_with_context(rows), mimetype=exports.MIMETYPES["csv"])
            response.headers["Content-Disposition"] = exports.disposition(name)
            return response
        data, name = exports.build_file(user, fmt, checked)
    except NotAllowed:
        _fail(403, "forbidden", _("Only supervisors, officers and administrators may export reports."))
    except params.ParamError as exc:
        _fail(400, "bad_request", exc.message)
    response = Response(data, mimetype=exports.MIMETYPES[fmt])
    response.headers["Content-Disposition"] = exports.disposition(name)
    return response


@bp.post("/reports/exports")
@login_required
def start_export():
    """Build a DOCX or XLSX in the background and show its progress."""
    fmt = request.form.get("format", "")
    if fmt not in jobs.FORMATS:
        abort(400, description=_("Choose DOCX or XLSX."))
    try:
        checked = exports.read_params(request.form)
        exports.resolve(current_user, checked)
    except NotAllowed:
        abort(403, description=_("Only supervisors, officers and administrators may export reports."))
    except params.ParamError as exc:
        abort(400, description=exc.message)
    job = jobs.start(current_user, fmt, checked)
    return redirect(url_for("reports.export_job", job_id=job.id))


def _own_job_or_404(job_id: str) -> ExportJob:
    """A job of the signed-in person (others' jobs do not exist for them)."""
    job = db.session.get(ExportJob, job_id[:36])
    if job is None or job.user_id != current_user.id:
        abort(404)
    return job


@bp.get("/reports/exports/<job_id>")
@login_required
def export_job(job_id: str):
    """The progress of an export, refreshed until its file is ready."""
    job = _own_job_or_404(job_id)
    context = {"job": job, "state": jobs.visible_state(job)}
    if request.htmx and not request.htmx.boosted:
        return render_template("reports/_job_status.html", **context)
    return render_template("reports/export_job.html", **context)


@bp.get("/reports/exports/<job_id>/download")
@login_required
def download(job_id: str):
    """The finished file of an export (kept in the database: any app server hands it out)."""
    job = _own_job_or_404(job_id)
    if job.status != "done" or job.content is None:
        abort(404, description=_("This export is not ready, or has expired. Start it again."))
    return send_file(io.BytesIO(job.content), mimetype=exports.MIMETYPES[job.format], as_attachment=True,
                     download_name=job.filename or f"{job.id}.{job.format}", max_age=0)


@bp.post("/reports/exports/<job_id>/retry")
@login_required
def retry_export(job_id: str):
    """Start a failed export again, with the same format and parameters."""
    job = _own_job_or_404(job_id)
    if jobs.visible_state(job) != "failed":
        return redirect(url_for("reports.export_job", job_id=job.id))
    return redirect(url_for("reports.export_job", job_id=jobs.again(job).id))


@bp.app_context_processor
def _report_helpers() -> dict:
    """Template helpers of the report pages."""
    from webapp.reports.totals.tables import format_cell, percent_text

    return {"format_cell": format_cell, "percent_text": percent_text,
            "report_threshold": current_app.config.get("REPORT_SUPPRESSION_THRESHOLD", 5)}
