"""The main menu: feature packages add their pages here, each shown only to the roles it serves."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

ROLE_LABELS = {
    "field_staff": _l("Field staff"),
    "supervisor": _l("Supervisor"),
    "officer": _l("Commune officer"),
    "admin": _l("Administrator"),
}


@dataclass(frozen=True)
class NavItem:
    """A menu link to ``endpoint`` for people holding one of ``roles`` (any signed-in person if empty)."""

    endpoint: str
    label: Any
    roles: tuple[str, ...] = ()
    position: int = 50


_ITEMS: dict[str, NavItem] = {}


def add_nav_item(endpoint: str, label: Any, roles: tuple[str, ...] = (), position: int = 50) -> None:
    """Put a page in the main menu (called once by the feature package that owns it)."""
    _ITEMS[endpoint] = NavItem(endpoint, label, roles, position)


def nav_items() -> list[dict]:
    """The menu links the signed-in person may use."""
    if not current_user.is_authenticated:
        return []
    items = sorted(_ITEMS.values(), key=lambda item: (item.position, item.endpoint))
    return [{"url": url_for(item.endpoint), "label": item.label}
            for item in items if not item.roles or current_user.has_role(*item.roles)]


def init_app(app: Flask) -> None:
    """Expose the menu and the role labels to every template."""

    @app.context_processor
    def inject_navigation() -> dict:
        """Menu items and role labels."""
        return {"nav_items": nav_items(), "role_labels": ROLE_LABELS}
