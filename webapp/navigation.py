"""The main menu: feature packages add their pages here, each shown only to the roles it serves.

On a phone the few destinations a role uses most sit in a bar at the bottom of the screen and the
rest in a "Menu" (a ``<details>``, so it opens without JavaScript); a wide screen shows them all in
one top menu. Each role also has its landing page: where signing in (and ``/``) takes it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

ROLE_LABELS = {
    "field_staff": _l("Field staff"),
    "supervisor": _l("Supervisor"),
    "officer": _l("Commune officer"),
    "admin": _l("Administrator"),
}

# Where each role starts (the first role a person holds in this order wins).
LANDING = (
    ("supervisor", "review.queue"),
    ("officer", "reports.dashboard"),
    ("field_staff", "entries.index"),
    ("province_officer", "reports.dashboard"),
    ("admin", "admin.index"),
)
# The bottom bar of each role on a phone (the rest goes under "Menu"), in the same order of roles.
TAB_BAR = {
    "supervisor": ("review.queue", "entries.index", "push.notifications"),
    "officer": ("reports.dashboard", "review.queue", "entries.index"),
    "field_staff": ("entries.index", "entries.choose_kind", "push.notifications"),
    "province_officer": ("reports.dashboard", "push.notifications"),
    "admin": ("admin.index", "entries.index", "reports.dashboard"),
}
DEFAULT_LANDING = "entries.index"


@dataclass(frozen=True)
class NavItem:
    """A menu link to ``endpoint`` for people holding one of ``roles`` (any signed-in person if empty)."""

    endpoint: str
    label: Any
    roles: tuple[str, ...] = ()
    position: int = 50
    primary: bool = False


_ITEMS: dict[str, NavItem] = {}


def add_nav_item(endpoint: str, label: Any, roles: tuple[str, ...] = (), position: int = 50,
                 primary: bool = False) -> None:
    """Put a page in the main menu (called once by the feature package that owns it)."""
    _ITEMS[endpoint] = NavItem(endpoint, label, roles, position, primary)


# Pages every signed-in person has (their packages do not register themselves).
add_nav_item("entries.index", _l("Entries"), position=10)
add_nav_item("entries.choose_kind", _l("New"), position=12, primary=True)
add_nav_item("push.notifications", _l("Notifications"), position=40)
add_nav_item("auth.profile", _l("Profile"), position=95)


def main_role(user) -> str | None:
    """The role that decides the person's landing page and bottom bar."""
    for role, _endpoint in LANDING:
        if user.has_role(role):
            return role
    return None


def landing_url(user) -> str:
    """Where this person starts: field staff their entries, supervisors the review queue, the
    commune officer the dashboard (province officers the dashboard, administrators administration)."""
    role = main_role(user)
    endpoint = dict(LANDING).get(role, DEFAULT_LANDING) if role else DEFAULT_LANDING
    if endpoint not in current_app.view_functions:
        endpoint = DEFAULT_LANDING
    return url_for(endpoint)


def _link(item: NavItem) -> dict:
    """One menu link as templates use it."""
    return {"url": url_for(item.endpoint), "label": item.label, "endpoint": item.endpoint,
            "primary": item.primary, "current": request.endpoint == item.endpoint}


def nav_items() -> list[dict]:
    """The menu links the signed-in person may use, in menu order."""
    if not current_user.is_authenticated:
        return []
    items = sorted(_ITEMS.values(), key=lambda item: (item.position, item.endpoint))
    return [_link(item) for item in items
            if item.endpoint in current_app.view_functions
            and (not item.roles or current_user.has_role(*item.roles))]


def tab_bar(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """Split the person's links into the phone's bottom bar and the "Menu" behind it."""
    role = main_role(current_user) if current_user.is_authenticated else None
    wanted = TAB_BAR.get(role, ("entries.index", "entries.choose_kind", "push.notifications"))
    by_endpoint = {item["endpoint"]: item for item in items}
    bar = [by_endpoint[endpoint] for endpoint in wanted if endpoint in by_endpoint]
    rest = [item for item in items if item not in bar]
    return bar, rest


def init_app(app: Flask) -> None:
    """Expose the menu, the bottom bar and the role labels to every template."""

    @app.context_processor
    def inject_navigation() -> dict:
        """Menu items, the bottom bar and its menu, and the role labels."""
        items = nav_items()
        bar, more = tab_bar(items)
        return {"nav_items": items, "tab_items": bar, "more_items": more, "role_labels": ROLE_LABELS}
