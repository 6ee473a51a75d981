"""Report settings and the officer's report text: read with sensible defaults, saved after checks."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.extensions import db
from webapp.reports.models import ReportSettings, ReportText
from webapp.units.models import Unit

NARRATIVE_SECTIONS = ("direction", "assessment", "next", "recommendations")
SETTINGS_FIELDS = ("parent_body", "issuing_body", "place_name", "report_number", "number_suffix",
                   "signer_authority", "signer_deputy", "signer_title", "signer_name", "recipients", "font_size")
# What a commune starts with (the Decree 30/2020 forms of a People's Committee); every line is editable.
DEFAULT_SIGNATURE = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


def place_of(unit: Unit) -> str:
    """``Xã Thanh Xá`` → ``Thanh Xá``: the place name of the date line."""
    words = unit.name.split(" ", 1)
    return words[1] if len(words) == 2 and words[0].lower() in ("xã", "phường", "thị", "tỉnh", "thành") else unit.name


def default_settings(unit: Unit | None) -> ReportSettings:
    """Settings for a unit that has saved none (not added to the session)."""
    name = unit.name if unit is not None else ""
    authority, deputy, title = DEFAULT_SIGNATURE
    return ReportSettings(unit_id=unit.id if unit else None, parent_body="",
                          issuing_body=f"ỦY BAN NHÂN DÂN\n{name.upper()}" if name else "ỦY BAN NHÂN DÂN",
                          place_name=place_of(unit) if unit is not None else "", report_number="",
                          number_suffix="BC-UBND", signer_authority=authority, signer_deputy=deputy,
                          signer_title=title, signer_name="", recipients="- Lưu: VT.", font_size=14)


def settings_for(unit: Unit | None) -> ReportSettings:
    """The unit's saved report settings, else the defaults."""
    if unit is None:
        return default_settings(None)
    saved = db.session.scalar(sa.select(ReportSettings).where(ReportSettings.unit_id == unit.id))
    return saved if saved is not None else default_settings(unit)


def validate_settings(form) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the settings form; return ``(clean, errors)``."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    limits = {"place_name": 120, "report_number": 40, "number_suffix": 40, "signer_authority": 120,
              "signer_deputy": 120, "signer_title": 120, "signer_name": 120}
    for name in SETTINGS_FIELDS:
        if name == "font_size":
            continue
        value = (form.get(name) or "").replace("\r\n", "\n").strip()
        if len(value) > limits.get(name, 4000):
            errors[name] = _("At most %(n)s characters.", n=limits.get(name, 4000))
        clean[name] = value
    if not clean.get("issuing_body"):
        errors["issuing_body"] = _("Give the issuing body, e.g. ỦY BAN NHÂN DÂN and the commune's name.")
    if not clean.get("place_name"):
        errors["place_name"] = _("Give the place name of the date line.")
    if not clean.get("number_suffix"):
        errors["number_suffix"] = _("Give the document code, e.g. BC-UBND.")
    size = (form.get("font_size") or "").strip()
    if size not in ("13", "14"):
        errors["font_size"] = _("The decree allows size 13 or 14.")
    else:
        clean["font_size"] = int(size)
    return clean, errors


def save_settings(unit: Unit, clean: dict[str, Any]) -> ReportSettings:
    """Store the settings of ``unit`` (the caller commits)."""
    row = db.session.scalar(sa.select(ReportSettings).where(ReportSettings.unit_id == unit.id))
    if row is None:
        row = ReportSettings(unit_id=unit.id)
        db.session.add(row)
    for name, value in clean.items():
        setattr(row, name, value)
    return row


def texts_for(unit_id: int | None, period_key: str) -> dict[str, str]:
    """The officer's own texts of a period's report, by section."""
    if unit_id is None or not period_key:
        return {}
    rows = db.session.execute(sa.select(ReportText.section, ReportText.text).where(
        ReportText.unit_id == unit_id, ReportText.period_key == period_key))
    return {section: text for section, text in rows if text.strip()}


def save_texts(unit_id: int, period_key: str, texts: dict[str, str]) -> None:
    """Store (or clear, when empty) the officer's texts of a period's report; the caller commits."""
    existing = {row.section: row for row in db.session.scalars(sa.select(ReportText).where(
        ReportText.unit_id == unit_id, ReportText.period_key == period_key))}
    for section in NARRATIVE_SECTIONS:
        text = (texts.get(section) or "").replace("\r\n", "\n").strip()
        row = existing.get(section)
        if not text:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(ReportText(unit_id=unit_id, period_key=period_key, section=section, text=text[:20000]))
        else:
            row.text = text[:20000]
