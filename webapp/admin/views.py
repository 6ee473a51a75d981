"""``/admin``: one page listing the administration screens a person may use (users, communes, ...).

A feature package adds its screen with ``add_admin_link`` (like ``add_nav_item`` for the menu);
the menu shows one "Administration" entry to administrators and commune officers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp.auth.permissions import role_required
from webapp.navigation import add_nav_item

ADMIN_ROLES = ("officer", "admin")
bp = Blueprint("admin", __name__, url_prefix="/admin")
add_nav_item("admin.index", _l("Administration"), roles=ADMIN_ROLES, position=85)


@dataclass(frozen=True)
class AdminLink:
    """A screen of the administration page, for people holding one of ``roles``."""

    endpoint: str
    label: Any
    description: Any
    roles: tuple[str, ...] = ADMIN_ROLES
    position: int = 50


_LINKS: dict[str, AdminLink] = {}


def add_admin_link(endpoint: str, label: Any, description: Any = "", roles: tuple[str, ...] = ADMIN_ROLES,
                   position: int = 50) -> None:
    """Put a screen on the administration page (called once by the package that owns it)."""
    _LINKS[endpoint] = AdminLink(endpoint, label, description, roles, position)


def admin_links() -> list[dict]:
    """The screens the signed-in person may open, in order."""
    links = sorted(_LINKS.values(), key=lambda link: (link.position, link.endpoint))
    return [{"url": url_for(link.endpoint), "label": link.label, "description": link.description}
            for link in links if current_user.has_role(*link.roles)]


@bp.get("/")
@login_required
@role_required(*ADMIN_ROLES)
def index():
    """The administration screens of this person (users, and the commune's own screens)."""
    return render_template("admin/index.html", links=admin_links())
