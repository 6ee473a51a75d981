"""How the trail shows an administrator's or officer's change (no entry): action, subject, before → after.

Any package records such an event as ``AuditEvent(entry_id=None, changes={"commune_id": …,
"subject": "<what was changed>", "<field>": [before, after], …})`` and adds its action codes and
field names here with their labels; unknown codes and fields are shown as they are.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# Users (webapp/users): accounts, roles, passwords, sessions and tokens.
ADMIN_ACTION_LABELS = {
    "user_create": _l("User added"),
    "user_edit": _l("User edited"),
    "user_role_add": _l("Role given"),
    "user_role_remove": _l("Role removed"),
    "user_deactivate": _l("User deactivated"),
    "user_reactivate": _l("User reactivated"),
    "user_password_reset": _l("Password reset"),
    "user_password_change": _l("Password changed"),
    "user_session_end": _l("Browser signed out"),
    "user_token_revoke": _l("Device signed out"),
    # Communes (webapp/communes): the commune, its units, villages, topics, campaigns and yearly plan.
    "setup": _l("First run"),
    "commune_create": _l("Commune created"),
    "unit_add": _l("Unit added"),
    "unit_rename": _l("Unit renamed"),
    "unit_move": _l("Unit moved"),
    "unit_active": _l("Unit deactivated or reactivated"),
    "village_add": _l("Village added"),
    "village_rename": _l("Village renamed"),
    "village_active": _l("Village deactivated or reactivated"),
    "village_merge": _l("Villages merged"),
    "topic_add": _l("Topic added"),
    "topic_edit": _l("Topic renamed"),
    "campaign_add": _l("Campaign added"),
    "campaign_edit": _l("Campaign changed"),
    "plan_copy": _l("Last year's plan copied"),
}

CHANGE_LABELS = {
    "full_name": _l("Full name"),
    "phone": _l("Phone"),
    "role": _l("Role"),
    "active": _l("Active"),
    "must_change_password": _l("Temporary password"),
    "session": _l("Browser"),
    "token": _l("Device"),
    "name": _l("Name"),
    "code": _l("Code"),
    "unit": _l("Unit"),
    "parent": _l("Under"),
    "units": _l("Units"),
    "village": _l("Village"),
    "villages": _l("Villages"),
    "branch": _l("Women's-union branch"),
    "entries_moved": _l("Entries moved"),
    "topic": _l("Topic"),
    "campaign": _l("Campaign"),
    "year": _l("Year"),
    "targets": _l("Targets"),
    "campaigns": _l("Campaigns"),
    "admin": _l("Administrator"),
}
HIDDEN_KEYS = ("commune_id", "subject", "period", "period_id", "from", "to", "unit_id", "village_id")


def _value(value: Any, role_labels: dict) -> str:
    """One side of a change as a person reads it."""
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    text = str(value)
    role, sep, unit = text.partition(" @ ")
    if sep and role in role_labels:
        return f"{role_labels[role]} — {unit}"
    return text


def admin_changes(changes: dict, role_labels: dict) -> list[tuple[str, str, str | None]]:
    """``(label, before, after)`` per changed field; ``after`` None for a value that is not a pair."""
    rows = []
    for name, pair in (changes or {}).items():
        if name in HIDDEN_KEYS:
            continue
        label = str(CHANGE_LABELS.get(name, name))
        if isinstance(pair, list) and len(pair) == 2:
            rows.append((label, _value(pair[0], role_labels), _value(pair[1], role_labels)))
        else:
            rows.append((label, _value(pair, role_labels), None))
    return rows


# Where a change came from (``AuditEvent.device``): the app's own codes; a phone's or script's own
# name (given when it signed in) is shown as it is.
DEVICE_LABELS = {
    "web": _l("on the web"),
    "seed": _l("demo data"),
    "sync": _l("synced from a phone"),
    "cli": _l("command line"),
    "admin": _l("administration page"),
    "import": _l("imported from a file"),
}


def device_label(device: str | None) -> str:
    """``web`` → ``trên web``; ``import:tonghop`` → ``nhập từ tệp``; a device's own name unchanged."""
    if not device:
        return ""
    code = device.split(":", 1)[0]
    return str(DEVICE_LABELS[code]) if code in DEVICE_LABELS else device
