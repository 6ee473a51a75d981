"""``GET /api/v1/reports/totals`` (the contract) and the progress of an export job, as JSON."""
from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.errors import json_error
from webapp.extensions import db
from webapp.reports.exports import jobs
from webapp.reports.totals import labels, params, privacy
from webapp.reports import openapi  # noqa: F401  (describes these endpoints in /api/v1/openapi.json)
from webapp.reports import totals as totals_service
from webapp.reports.models import ExportJob
from webapp.reports.totals.scope import NotAllowed, report_scope

api_bp = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports")


def _labels(rows: list[dict], group_by: tuple[str, ...], commune_ids: list[int]) -> dict[str, dict[str, str]]:
    """Names of the group values that appear, by group key and value."""
    found: dict[str, dict[str, str]] = {}
    for key in group_by:
        values = {row[key] for row in rows if row[key] is not None}
        names = labels.group_labels(key, values, commune_ids)
        found[key] = {str(value): str(names.get(value, value)) for value in sorted(values, key=str)}
    return found


@api_bp.get("/totals")
def totals():
    """Totals of entries (approved by default) between ``from`` and ``to``, grouped as asked."""
    if not current_user.is_authenticated:
        return json_error(401, "unauthorized", _("Please sign in."))
    try:
        query = params.parse_totals(request.args)
        scope = report_scope(current_user, query.commune_id)
    except NotAllowed:
        return json_error(403, "forbidden", _("Only supervisors, officers and administrators see totals."))
    except params.ParamError as exc:
        return json_error(400, "bad_request", exc.message, param=exc.param)
    result = totals_service.run(scope.unit_ids, query)
    privacy.suppress_rows(result.rows, result.totals, params.sensitive_requested(query))
    commune_ids = [commune.id for commune in scope.selected_communes]
    return {"rows": result.rows, "totals": result.totals,
            "labels": _labels(result.rows, query.group_by, commune_ids)}


@api_bp.get("/exports/<job_id>")
def export_progress(job_id: str):
    """How far a background export is, and where to download it when done."""
    if not current_user.is_authenticated:
        return json_error(401, "unauthorized", _("Please sign in."))
    job = db.session.get(ExportJob, job_id[:36])
    if job is None or job.user_id != current_user.id:
        return json_error(404, "not_found", _("Not found."))
    state = jobs.visible_state(job)
    body = {"id": job.id, "format": job.format, "status": state, "progress": job.progress,
            "message": job.message}
    if state == "done":
        body["download_url"] = url_for("reports.download", job_id=job.id)
    return body
