"""Officer pages: the report's settings (issuer, number, signer, recipients) and its narrative text."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.extensions import db
from webapp.kinds import identities
from webapp.plan import periods
from webapp.reports import services
from webapp.reports.exports.report import build_report
from webapp.reports.totals.scope import may_configure
from webapp.reports.views import scope_or_abort

settings_bp = Blueprint("report_settings", __name__, url_prefix="/reports")
EDIT_ROLES = ("officer", "admin", "province_officer")
SECTION_PARTS = {"direction": "I", "assessment": "III", "next": "IV", "recommendations": "V"}


def owner_or_403():
    """The scope and the commune (or province) whose report the person may configure: a commune's
    by its officer (or an admin), the province's own by the province officer, who only reads communes."""
    scope = scope_or_abort()
    owner = scope.owner
    if owner is None:
        abort(400, description=_("Choose a commune first."))
    if not may_configure(current_user, owner):
        abort(403, description=_("Only the commune officer configures the report."))
    return scope, owner


@settings_bp.route("/settings", methods=["GET", "POST"])
@login_required
def edit_settings():
    """Issuing body, place, number, signer and recipients ("Nơi nhận") of the report."""
    scope, owner = owner_or_403()
    settings = services.settings_for(owner)
    values = {name: getattr(settings, name) for name in services.SETTINGS_FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in services.SETTINGS_FIELDS}
        clean, errors = services.validate_settings(request.form)
        if not errors:
            services.save_settings(owner, clean)
            db.session.commit()
            flash(_("Report settings saved."), "success")
            return redirect(url_for("report_settings.edit_settings", **_commune_arg(scope)))
    return render_template("reports/settings.html", scope=scope, owner=owner, values=values, errors=errors,
                           commune_arg=_commune_arg(scope)), 400 if errors else 200


def _commune_arg(scope) -> dict:
    """``commune=<id>`` when the person has several communes."""
    return {"commune": scope.commune.id} if scope.commune is not None and len(scope.communes) > 1 else {}


@settings_bp.route("/text", methods=["GET", "POST"])
@login_required
def edit_text():
    """The narrative sections (I, III, IV, V) of one period's report: the draft, or the officer's text."""
    scope, owner = owner_or_403()
    window = periods.resolve(scope.period_owner_id, request.args.get("period", ""))
    if window is None:
        abort(400, description=_("Unknown period “%(key)s”.", key=request.args.get("period", "")[:40]))
    drafts = _drafts(scope, window)
    errors: dict[str, str] = {}
    saved = services.texts_for(owner.id, window.key)
    if request.method == "POST":
        texts = {} if request.form.get("action") == "reset" else {
            section: request.form.get(section, "") for section in services.NARRATIVE_SECTIONS
            if _normal(request.form.get(section, "")) != _normal(drafts[section][1])}
        # The officer's texts go into the DOCX: the same victim-identity rules as entry notes.
        errors = {section: message for section, text in texts.items() if (message := identities.problem(text))}
        if not errors:
            services.save_texts(owner.id, window.key, texts)
            db.session.commit()
            flash(_("Report text saved; the DOCX now uses it."), "success")
            return redirect(url_for("report_settings.edit_text", period=window.key, **_commune_arg(scope)))
        saved = {**saved, **texts}
    sections = [{"name": section, "title": title, "text": saved.get(section, drafted), "own": section in saved,
                 "error": errors.get(section)} for section, (title, drafted) in drafts.items()]
    return render_template("reports/text.html", scope=scope, window=window, sections=sections,
                           commune_arg=_commune_arg(scope)), 400 if errors else 200


def _normal(text: str) -> str:
    """Text compared without differences of line endings and spacing."""
    return " ".join(text.split())


def _drafts(scope, window) -> dict[str, tuple[str, str]]:
    """Each narrative section's title and drafted text (paragraphs separated by blank lines)."""
    report = build_report(scope, window, own_texts=False)
    parts = {part.number: part for part in report.parts}
    drafts = {}
    for section, number in SECTION_PARTS.items():
        texts = [block.text for block in parts[number].blocks if block.type in ("paragraph", "heading")]
        drafts[section] = (f"{number}. {parts[number].title}", "\n\n".join(texts))
    return drafts
