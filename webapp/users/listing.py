"""The users list: search without diacritics and filters by role, unit and state."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from webapp.inputs import int_id
from webapp.auth.models import ROLES, RoleAssignment, User
from webapp.text import fold


@dataclass
class UserFilters:
    """What the list is narrowed by; malformed values are ignored."""

    q: str = ""
    role: str = ""
    unit_id: int | None = None
    active: str = ""  # "", "1" (active) or "0" (deactivated)

    @classmethod
    def from_args(cls, args) -> "UserFilters":
        """Read the query string leniently."""
        role = str(args.get("role", ""))
        unit = str(args.get("unit_id", ""))
        active = str(args.get("active", ""))
        return cls(str(args.get("q", ""))[:100].strip(), role if role in ROLES else "",
                   int_id(unit) if len(unit) < 10 else None,
                   active if active in ("0", "1") else "")

    def apply(self, query: sa.Select) -> sa.Select:
        """Narrow a query on ``User`` by these filters, ordered by name."""
        words = fold(self.q).split()
        for word in words[:6]:
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(User.search_text.like(f"%{escaped}%", escape="\\"))
        if self.role or self.unit_id:
            match = sa.select(RoleAssignment.id).where(RoleAssignment.user_id == User.id)
            if self.role:
                match = match.where(RoleAssignment.role == self.role)
            if self.unit_id:
                match = match.where(RoleAssignment.unit_id == self.unit_id)
            query = query.where(sa.exists(match))
        if self.active:
            query = query.where(User.active.is_(self.active == "1"))
        return query.order_by(User.full_name, User.username)
