"""Entry screens: list with filters, new (per kind), detail with history, edit."""
from __future__ import annotations

import uuid as uuidlib

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.photos import services as photos
from webapp.auth import permissions
from webapp.entries import display, services
from webapp.entries.forms import form_data, form_layout, initial_values
from webapp.entries.models import AuditEvent, Entry
from webapp.extensions import db
from webapp.kinds import all_kinds, get_kind, identities

bp = Blueprint("entries", __name__)
PAGE_SIZE = 50


@bp.app_context_processor
def inject_identity_rules() -> dict:
    """``identity_rules()`` for the entry form's warning script (the server's own rules),
    ``entry_form_layout()``: the form's main part and its folded "more details", and ``form_rules()``."""
    return {"identity_rules": identities.client_rules, "entry_form_layout": form_layout, "form_rules": form_rules}


def form_rules(kind) -> dict:
    """The kind's rules for ``static/js/form-rules.js``: the server's checks and messages, and the commune's
    time zone (for "not in the future")."""
    return {"kind": kind.code, "time_zone": str(get_timezone()), "rules": kind.client_rules()}


def get_kind_or_404(code: str):
    """The declared kind with this code, or a 404 that says the kind is unknown."""
    kind = get_kind(code)
    if kind is None:
        abort(404, description=_("Unknown kind of activity: %(kind)s", kind=code[:40]))
    return kind


@bp.get("/")
@login_required
def home():
    """The start page of the person's role: entries, the review queue or the dashboard."""
    from webapp.navigation import landing_url

    return redirect(landing_url(current_user))


@bp.get("/entries/")
@login_required
def index():
    """Entries of my units, newest first, filtered by kind, status, village, month and search text."""
    filters = services.EntryFilters.from_args(request.args)
    query = filters.apply(services.visible_entries(current_user)).order_by(
        Entry.date.desc(), Entry.id.desc())
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    context = {
        "page": page,
        "filters": filters,
        "kinds": all_kinds(),
        "villages": permissions.villages_for(current_user),
        "get_kind": get_kind,
    }
    if request.htmx and not request.htmx.boosted:
        return render_template("entries/_list.html", **context)
    return render_template("entries/index.html", returned=services.returned_to(current_user), **context)


@bp.get("/entries/new")
@login_required
def choose_kind():
    """Pick the kind of activity to log."""
    return render_template("entries/choose_kind.html", kinds=all_kinds())


@bp.route("/entries/new/<kind_code>", methods=["GET", "POST"])
@login_required
def new(kind_code: str):
    """The form for a new entry of one kind; without JS it posts here, with JS it goes to the outbox."""
    kind = get_kind_or_404(kind_code)
    ctx = services.validation_context(current_user)
    if not ctx.unit_ids:
        abort(403, description=_("You have no unit to log activities for."))
    values, errors = initial_values(kind, ctx, permissions.loggable_units(current_user)), {}
    entry_uuid = str(uuidlib.uuid4())
    if request.method == "POST":
        services.lock_changes()
        entry_uuid = services.parse_uuid(request.form.get("uuid")) or entry_uuid
        existing = db.session.scalar(sa.select(Entry).where(Entry.uuid == entry_uuid))
        if existing is not None and existing.author_id == current_user.id:
            # The same form sent twice (a double tap, a retried request): one entry.
            return redirect(url_for("entries.detail", entry_uuid=existing.uuid))
        if existing is not None:
            entry_uuid = str(uuidlib.uuid4())
        values = form_data(kind, request.form)
        clean, errors = kind.validate(values, ctx)
        uploads, photo_error = photos.read_uploads(request.files.getlist("photos"))
        if photo_error:
            errors["photos"] = photo_error
        if not errors:
            entry = services.create_entry(current_user, entry_uuid, kind, clean, device="web")
            photos.attach_uploads(entry, uploads, current_user, device="web")
            db.session.commit()
            flash(_("Saved: %(kind)s on %(date)s.", kind=kind.label, date=entry.date.strftime("%d/%m/%Y")),
                  "success")
            return redirect(url_for("entries.index"))
    status = 400 if errors else 200
    return render_template("entries/new.html", kind=kind, ctx=ctx, values=values, errors=errors,
                           entry_uuid=entry_uuid), status


@bp.get("/entries/<entry_uuid>")
@login_required
def detail(entry_uuid: str):
    """One entry with every field and its history."""
    entry = services.get_entry_or_404(current_user, entry_uuid)
    history = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entry_id == entry.id).order_by(AuditEvent.at, AuditEvent.id))
    kind = get_kind(entry.kind)
    return render_template("entries/detail.html", entry=entry, kind=kind, history=list(history),
                           facts=display.describe(entry, kind), field_labels=display.field_labels(kind),
                           can_edit=services.can_edit(current_user, entry))


@bp.route("/entries/<entry_uuid>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_uuid: str):
    """Edit an entry that is not approved; a stale form (someone saved meanwhile) is refused."""
    if request.method == "POST":
        services.lock_changes()  # read and write under the writers' lock: no lost update
    entry = services.get_entry_or_404(current_user, entry_uuid, for_edit=True)
    kind = get_kind(entry.kind)
    ctx = services.validation_context(current_user)
    values, errors = entry.to_data(), {}
    if request.method == "POST":
        values = form_data(kind, request.form)
        if request.form.get("revision") != str(entry.revision):
            errors["_form"] = _("Someone changed this entry after you opened it. "
                                "Reload to see the current version.")
            return render_template("entries/edit.html", kind=kind, ctx=ctx, entry=entry, values=values,
                                   errors=errors), 409
        clean, errors = kind.validate(values, ctx)
        uploads, photo_error = photos.read_uploads(request.files.getlist("photos"), entry)
        if photo_error:
            errors["photos"] = photo_error
        if not errors:
            changed = services.update_entry(current_user, entry, clean, device="web")
            changed = photos.attach_uploads(entry, uploads, current_user, device="web") > 0 or changed
            db.session.commit()
            flash(_("Changes saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("entries.detail", entry_uuid=entry.uuid))
    status = 400 if errors else 200
    return render_template("entries/edit.html", kind=kind, ctx=ctx, entry=entry, values=values,
                           errors=errors), status
