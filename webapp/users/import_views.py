"""``/users/import``: upload a CSV or XLSX, see every row's errors, then confirm; nothing is saved before.

The checked rows travel back with the confirmation as JSON in a hidden field and are checked again
(the preview is never trusted), so a tampered form can do no more than the person may do anyway.
"""
from __future__ import annotations

import json

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from webapp.extensions import db
from webapp.users import importer
from webapp.users.views import DEVICE, bp

MAX_UPLOAD = 2 * 1024 * 1024


def _rows_from_payload(raw: str) -> list[importer.Row]:
    """The rows sent back by the preview's confirm button."""
    try:
        items = json.loads(raw)
        rows = [importer.Row(int(item["number"]), {name: str(item["values"].get(name, ""))
                                                   for name in importer.COLUMNS}) for item in items]
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise importer.ImportFileError(_("The preview has expired. Upload the file again.")) from error
    if not rows or len(rows) > importer.MAX_ROWS:
        raise importer.ImportFileError(_("The preview has expired. Upload the file again."))
    return rows


def _preview(rows: list[importer.Row], filename: str):
    """The preview page: every row with its status and errors; confirm only when no row is bad."""
    payload = json.dumps([{"number": r.number, "values": r.values} for r in rows], ensure_ascii=False)
    bad = [row for row in rows if row.status == "error"]
    status = 400 if bad else 200
    return render_template("users/import_preview.html", rows=rows, bad=bad, payload=payload, filename=filename,
                           new=sum(1 for r in rows if r.status == "new"),
                           unchanged=sum(1 for r in rows if r.status == "unchanged")), status


@bp.route("/import", methods=["GET", "POST"])
def import_users():
    """The upload form; on POST, the preview (saves nothing)."""
    error = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            error = _("Choose a CSV or XLSX file.")
        else:
            content = upload.read(MAX_UPLOAD + 1)
            try:
                if len(content) > MAX_UPLOAD:
                    raise importer.ImportFileError(_("The file is larger than 2 MB."))
                rows = importer.check_rows(current_user._get_current_object(),
                                           importer.read_rows(upload.filename, content))
            except importer.ImportFileError as failure:
                error = str(failure)
            else:
                db.session.rollback()
                return _preview(rows, upload.filename)
    return render_template("users/import.html", error=error), 400 if error else 200


@bp.post("/import/confirm")
def confirm_import():
    """Check the rows again and add them all, or none; the temporary passwords are shown once."""
    actor = current_user._get_current_object()
    try:
        rows = importer.check_rows(actor, _rows_from_payload(request.form.get("payload", "")))
        if any(row.status == "error" for row in rows):
            db.session.rollback()
            return _preview(rows, request.form.get("filename", ""))
        created = importer.apply_rows(actor, rows, DEVICE)
    except importer.ImportFileError as failure:
        db.session.rollback()
        return render_template("users/import.html", error=str(failure)), 400
    db.session.commit()
    return render_template("users/import_done.html", created=created,
                           unchanged=sum(1 for r in rows if r.status == "unchanged"))
