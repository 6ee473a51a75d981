"""Importing users from a CSV or XLSX file: read, check every row (the preview), then add all or nothing.

Columns: ``username, full_name, unit_code, role`` and optionally ``phone`` and ``password`` (a
temporary password is generated when it is empty, to be changed at the first sign-in). A row whose
user already exists with the same name and this role in this unit is "unchanged", so the same file
imported twice changes nothing.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.auth.models import User
from webapp.extensions import db
from webapp.units.models import Unit
from webapp.users import services

REQUIRED = ("username", "full_name", "unit_code", "role")
COLUMNS = REQUIRED + ("phone", "password")
MAX_ROWS = 2000


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, no header, missing columns, too many rows)."""


@dataclass
class Row:
    """One data row (``number`` counts from 1 after the header) and what importing it would do."""

    number: int
    values: dict[str, str]
    status: str = "new"  # new, unchanged or error
    errors: list[str] = field(default_factory=list)


def _cell(value) -> str:
    """A cell as trimmed text (numbers from a spreadsheet without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _records(filename: str, content: bytes) -> list[list[str]]:
    """The file's rows as lists of text, header first."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as error:  # openpyxl raises many types for a damaged or foreign file
            raise ImportFileError(_("This is not a readable XLSX file.")) from error
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(_("The CSV file must be saved in UTF-8.")) from error
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to Vietnamese save CSV with semicolons.
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    try:
        return [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as error:
        raise ImportFileError(_("This is not a readable CSV file.")) from error


def read_rows(filename: str, content: bytes) -> list[Row]:
    """Parse the file into rows keyed by column name; blank lines are skipped."""
    records = _records(filename, content)
    if not records:
        raise ImportFileError(_("The file is empty."))
    header = [name.strip().lower() for name in records[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportFileError(_("The header lacks the columns: %(names)s.", names=", ".join(missing)))
    rows = []
    for number, record in enumerate((r for r in records[1:] if any(r)), start=1):
        values = {name: (record[i] if i < len(record) else "") for i, name in enumerate(header) if name in COLUMNS}
        rows.append(Row(number, {name: values.get(name, "") for name in COLUMNS}))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("At most %(num)d rows can be imported at once.", num=MAX_ROWS))
    if not rows:
        raise ImportFileError(_("The file has no data row."))
    return rows


def check_rows(actor: User | None, rows: list[Row]) -> list[Row]:
    """Fill each row's status and errors: the preview. Changes nothing."""
    units = {u.code: u for u in db.session.scalars(
        sa.select(Unit).where(Unit.code.in_({r.values["unit_code"] for r in rows})))}
    names = {r.values["username"].lower() for r in rows}
    existing = {u.username.lower(): u for u in db.session.scalars(
        sa.select(User).where(sa.func.lower(User.username).in_(names)))}
    first_seen: dict[str, int] = {}
    for row in rows:
        v = row.values
        profile = services.clean_profile(v["username"], v["full_name"], v["phone"])
        errors = dict(profile.errors)
        unit = units.get(v["unit_code"])
        services.check_role(actor, v["role"], unit, errors)
        key = profile.username.lower()
        if key and key in first_seen:
            errors["username"] = _("The username repeats row %(num)d.", num=first_seen[key])
        first_seen.setdefault(key, row.number)
        user = existing.get(key)
        if user is not None and "username" not in errors:
            same = unit is not None and user.full_name == profile.full_name and any(
                a.role == v["role"] and a.unit_id == unit.id for a in user.roles)
            if same:
                row.status = "unchanged"
                continue
            errors["username"] = _("This username is taken.")
        if v["password"] and "password" not in errors:
            problem = services.password_problem(v["password"], profile.username, profile.full_name,
                                                services.commune_names(unit))
            if problem:
                errors["password"] = problem
        if errors:
            row.status = "error"
            row.errors = [str(message) for message in errors.values()]
    return rows


def apply_rows(actor: User | None, rows: list[Row], device: str) -> list[tuple[User, str | None]]:
    """Add the new rows' users (the caller commits); every row must be free of errors."""
    if any(row.status == "error" for row in rows):
        raise ImportFileError(_("Correct the rows with errors first; nothing was imported."))
    units = {u.code: u for u in db.session.scalars(
        sa.select(Unit).where(Unit.code.in_({r.values["unit_code"] for r in rows})))}
    created = []
    for row in rows:
        if row.status != "new":
            continue
        v = row.values
        profile = services.clean_profile(v["username"], v["full_name"], v["phone"])
        created.append(services.create_account(actor, profile, v["role"], units.get(v["unit_code"]),
                                               v["password"] or None, device))
    return created
