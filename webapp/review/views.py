"""Review screens (queue, decisions, bulk approve) and ``POST /api/v1/entries/<uuid>/review``."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from webapp.api import tokens
from webapp.auth import permissions
from webapp.entries import display
from webapp.entries import services as entry_services
from webapp.entries.models import Entry
from webapp.errors import json_error
from webapp.inputs import int_id
from webapp.extensions import db
from webapp.kinds import all_kinds, get_kind
from webapp.navigation import add_nav_item
from webapp.review import openapi as _openapi  # noqa: F401  (describes the endpoint)
from webapp.review import services

bp = Blueprint("review", __name__, url_prefix="/review")
api_bp = Blueprint("review_api", __name__, url_prefix="/api/v1")
add_nav_item("review.queue", _l("Review"), roles=permissions.REVIEW_ROLES, position=20)
PAGE_SIZE = 50
BULK_LIMIT = 200
# Comments a reviewer taps to fill the return box (static/js/review.js); plain suggestions without JS.
QUICK_COMMENTS = (_l("Add photos"), _l("Wrong number of participants"), _l("Wrong date"),
                  _l("Wrong village"), _l("Describe the content in the notes"), _l("Wrong cost or funding source"))


@bp.record_once
def _register_api(state) -> None:
    """Register the API blueprint and the template helpers with the app."""
    state.app.register_blueprint(api_bp)

    @state.app.context_processor
    def review_helpers() -> dict:
        """``may_review(user, entry)`` and ``review_locked_reason(entry)`` for the entry page."""
        return {"may_review": services.may_review, "review_locked_reason": entry_services.locked_reason,
                "changed_by": services.changed_by}


def _safe_next(target: str | None) -> str:
    """A same-site path to go back to after a decision (the queue by default)."""
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("review.queue")


def _queue_context(filters: services.QueueFilters) -> dict:
    """Everything the queue page and its list partial show."""
    base = services.queue(current_user, filters)
    page = db.paginate(base, per_page=PAGE_SIZE, error_out=False)
    return {"page": page, "filters": filters, "locked_ids": services.in_closed_periods(page.items),
            "total": page.total, "quick_comments": QUICK_COMMENTS,
            "approvable": services.count(services.approvable(base)), "units": services.reviewable_units(current_user),
            "villages": permissions.villages_for(current_user), "kinds": all_kinds(), "get_kind": get_kind,
            "waiting": services.waiting_count(current_user)}


@bp.get("/")
@login_required
@permissions.role_required(*permissions.REVIEW_ROLES)
def queue():
    """Entries waiting for my review, newest first, filtered by unit, village, kind and month."""
    context = _queue_context(services.QueueFilters.from_args(request.args))
    if request.htmx and not request.htmx.boosted:
        return render_template("review/_queue.html", **context)
    return render_template("review/queue.html", **context)


@bp.post("/<entry_uuid>")
@login_required
def decide(entry_uuid: str):
    """Approve or return one entry; htmx gets the updated queue row, a plain form a redirect."""
    entry_services.lock_changes()  # read and write under the writers' lock: no lost update
    entry = entry_services.get_entry_or_404(current_user, entry_uuid)
    fragment = request.htmx and not request.htmx.boosted
    action = request.form.get("action")
    try:
        services.review(current_user, entry, action, request.form.get("comment"),
                        request.form.get("revision"), device="web")
    except services.ReviewRefused as refused:
        db.session.rollback()
        if fragment:
            return render_template("review/_row.html", entry=entry, get_kind=get_kind, error=refused,
                                   comment=request.form.get("comment", ""), quick_comments=QUICK_COMMENTS,
                                   next_url=_safe_next(request.form.get("next")),
                                   locked=entry_services.locked_reason(entry) is not None)
        return render_template("review/decide.html", entry=entry, kind=get_kind(entry.kind), error=refused,
                               comment=request.form.get("comment", ""),
                               next=_safe_next(request.form.get("next"))), refused.status
    db.session.commit()
    kind = get_kind(entry.kind)
    done = (_("Approved: %(kind)s on %(date)s.", kind=kind.label, date=entry.date.strftime("%d/%m/%Y"))
            if entry.status == "approved" else
            _("Returned to its author: %(kind)s on %(date)s.", kind=kind.label, date=entry.date.strftime("%d/%m/%Y")))
    if fragment:
        filters = _filters_of(request.form.get("next"))
        base = services.queue(current_user, filters)
        return render_template("review/_row.html", entry=entry, get_kind=get_kind, done=done,
                               waiting=services.waiting_count(current_user), filters=filters,
                               total=services.count(base), approvable=services.count(services.approvable(base)))
    flash(done, "success")
    return redirect(_safe_next(request.form.get("next")))


def _filters_of(next_url: str | None) -> services.QueueFilters:
    """The queue filters in the page the decision came from (its ``next``), for the counts to show."""
    query = urlsplit(_safe_next(next_url)).query
    return services.QueueFilters.from_args(MultiDict(parse_qsl(query)))


@bp.get("/<entry_uuid>/more")
@login_required
@permissions.role_required(*permissions.REVIEW_ROLES)
def more(entry_uuid: str):
    """A queue row unfolded: the entry's details, notes and photos (htmx fragment; a page without it)."""
    entry = entry_services.get_entry_or_404(current_user, entry_uuid)
    kind = get_kind(entry.kind)
    facts = display.describe(entry, kind) if kind else []
    if request.htmx and not request.htmx.boosted:
        return render_template("review/_more.html", entry=entry, facts=facts)
    return redirect(url_for("entries.detail", entry_uuid=entry.uuid))


def _picked(values: list[str]) -> list[tuple[str, int]]:
    """``uuid:revision`` pairs of the bulk form (malformed ones dropped, at most ``BULK_LIMIT``)."""
    picked = []
    for value in values[:BULK_LIMIT]:
        uuid_text, _sep, revision = value.partition(":")
        canonical = entry_services.parse_uuid(uuid_text)
        if canonical and int_id(revision) is not None:
            picked.append((canonical, int_id(revision)))
    return picked


@bp.route("/bulk", methods=["GET", "POST"])
@login_required
@permissions.role_required(*permissions.REVIEW_ROLES)
def bulk():
    """Approve the filtered selection: a confirmation page with the count, then the approvals."""
    filters = services.QueueFilters.from_args(request.values)
    if request.method == "GET":
        query = services.approvable(services.queue(current_user, filters))
        total = services.count(query)
        entries = list(db.session.scalars(query.limit(BULK_LIMIT)))
        return render_template("review/bulk.html", entries=entries, total=total, filters=filters,
                               limit=BULK_LIMIT, get_kind=get_kind)
    entry_services.lock_changes()
    approved, skipped = 0, 0
    for entry_uuid, revision in _picked(request.form.getlist("pick")):
        entry = db.session.scalar(entry_services.visible_entries(current_user).where(Entry.uuid == entry_uuid))
        try:
            if entry is None:
                raise services.ReviewRefused(404, "not_found", "")
            services.review(current_user, entry, "approve", "", revision, device="web")
            approved += 1
        except services.ReviewRefused:
            skipped += 1
    db.session.commit()
    flash(ngettext("%(num)d entry approved.", "%(num)d entries approved.", approved), "success")
    if skipped:
        flash(ngettext("%(num)d entry was not approved: it changed or is no longer waiting.",
                       "%(num)d entries were not approved: they changed or are no longer waiting.", skipped),
              "error")
    return redirect(url_for("review.queue", **filters.as_args()))


@api_bp.post("/entries/<entry_uuid>/review")
@login_required
def api_review(entry_uuid: str):
    """``{"action": "approve"|"return", "comment", "revision"}`` → ``200 {"status", "revision"}``."""
    entry_services.lock_changes()
    entry = entry_services.get_entry_or_404(current_user, entry_uuid)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return json_error(400, "bad_request", _("Send a JSON object with action, comment and revision."))
    try:
        services.review(current_user, entry, payload.get("action"), payload.get("comment"),
                        payload.get("revision"), device=tokens.current_device())
    except services.ReviewRefused as refused:
        db.session.rollback()
        extra = {"fields": refused.fields} if refused.fields else {}
        if refused.status == 409:
            extra["current"] = entry.to_dict()
        return json_error(refused.status, refused.code, refused.message, **extra)
    db.session.commit()
    return jsonify({"status": entry.status, "revision": entry.revision})
