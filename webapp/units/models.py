"""``Unit`` (a tree rooted at a commune) and ``Village``."""
from __future__ import annotations

from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db


class Unit(db.Model):
    """An organisation in a commune: the commune itself, a mass organisation, a branch, an agency."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # commune, organisation, branch, agency
    type: Mapped[str] = mapped_column(sa.String(20))
    parent_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    # The root of the tree this unit lives in (itself for a commune).
    commune_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    # Materialised path "/1/4/9/": a subtree is a prefix match on both databases.
    path: Mapped[str] = mapped_column(sa.String(400), index=True, default="")
    village_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("village.id", use_alter=True))
    # The commune's code in the national list of administrative units (after 1/7/2025), e.g. "00640".
    official_code: Mapped[Optional[str]] = mapped_column(sa.String(10), unique=True)
    # A deactivated unit logs nothing new; its entries stay in every report (never deleted).
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    parent: Mapped[Optional["Unit"]] = relationship(remote_side=[id], foreign_keys=[parent_id])
    village: Mapped[Optional["Village"]] = relationship(foreign_keys=[village_id])

    def __repr__(self) -> str:
        """Debug representation."""
        return f"<Unit {self.code}>"

    def is_within(self, other: "Unit") -> bool:
        """Whether this unit is ``other`` or lies below it in the tree."""
        return self.path.startswith(other.path)

    def to_dict(self) -> dict:
        """The unit as the API shows it."""
        return {"id": self.id, "name": self.name}

    @classmethod
    def create(cls, code: str, name: str, type: str, parent: "Unit | None" = None,
               village: "Village | None" = None) -> "Unit":
        """Add a unit below ``parent`` (or a new commune), setting its path and commune."""
        unit = cls(code=code, name=name, type=type, parent=parent, village=village)
        db.session.add(unit)
        db.session.flush()
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        unit.commune_id = parent.commune_id if parent else unit.id
        return unit


class Village(db.Model):
    """A village (thôn) of a commune: where an activity took place."""

    __tablename__ = "village"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # A deactivated (or merged) village is no longer offered; its history stays.
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # The village this one was merged into (its entries moved there).
    merged_into_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("village.id"))

    def __repr__(self) -> str:
        """Debug representation."""
        return f"<Village {self.code}>"

    def to_dict(self) -> dict:
        """The village as the API shows it."""
        return {"id": self.id, "name": self.name}
