"""``/audit/``: the commune's audit trail for officers; it only reads, never edits or deletes."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp.audit import services
from webapp.audit.admin_events import ADMIN_ACTION_LABELS, admin_changes, device_label
from webapp.auth.permissions import role_required
from webapp.entries.display import field_labels
from webapp.extensions import db
from webapp.kinds import all_kinds, get_kind
from webapp.navigation import add_nav_item

bp = Blueprint("audit", __name__, url_prefix="/audit")
add_nav_item("audit.index", _l("Audit trail"), roles=services.AUDIT_ROLES, position=80)
PAGE_SIZE = 50
bp.add_app_template_global(device_label, "device_label")


def _day_vn(iso: str | None) -> str:
    """An ISO date kept in an audit event, as dd/mm/yyyy."""
    try:
        return dt.date.fromisoformat(str(iso)).strftime("%d/%m/%Y")
    except ValueError:
        return str(iso or "")


def _labels(kind_code: str | None) -> dict[str, str]:
    """Field labels of an entry's kind (for the names of changed fields)."""
    kind = get_kind(kind_code) if kind_code else None
    return field_labels(kind) if kind else {}


@bp.get("/")
@login_required
@role_required(*services.AUDIT_ROLES)
def index():
    """Every audit event of my communes, filtered by person, action, dates and kind; 50 a page."""
    communes = services.audit_communes(current_user)
    filters = services.AuditFilters.from_args(request.args)
    page = db.paginate(services.events_query(communes, filters), per_page=PAGE_SIZE, error_out=False)
    context = {"page": page, "filters": filters, "people": services.people_of(communes),
               "actions": services.ACTIONS, "kinds": all_kinds(), "get_kind": get_kind, "labels": _labels,
               "day_vn": _day_vn, "admin_labels": ADMIN_ACTION_LABELS, "admin_changes": admin_changes}
    if request.htmx and not request.htmx.boosted:
        return render_template("audit/_events.html", **context)
    return render_template("audit/index.html", **context)
