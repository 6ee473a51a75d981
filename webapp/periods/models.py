"""``ClosedPeriod``: a date range of one commune that the officer closed (or reopened)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User, utcnow
from webapp.extensions import db


class ClosedPeriod(db.Model):
    """A period of a commune (e.g. the first half-year); while ``closed`` nothing dated in it changes."""

    __tablename__ = "closed_period"
    __table_args__ = (sa.Index("ix_closed_period_commune_dates", "commune_id", "start_date", "end_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    start_date: Mapped[dt.date] = mapped_column(sa.Date)
    end_date: Mapped[dt.date] = mapped_column(sa.Date)
    closed: Mapped[bool] = mapped_column(default=True)
    # The last close and the last reopen (the full history is in the audit trail).
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    closed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    reopen_reason: Mapped[str] = mapped_column(sa.Text, default="")
    reopened_at: Mapped[Optional[dt.datetime]] = mapped_column()
    reopened_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))

    closed_by: Mapped[Optional[User]] = relationship(foreign_keys=[closed_by_id])
    reopened_by: Mapped[Optional[User]] = relationship(foreign_keys=[reopened_by_id])

    def __repr__(self) -> str:
        """Debug representation."""
        return f"<ClosedPeriod {self.name} {self.start_date}..{self.end_date} closed={self.closed}>"

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` lies inside this period (both ends included)."""
        return self.start_date <= day <= self.end_date

    @classmethod
    def covering(cls, commune_id: int | None, day: dt.date) -> "ClosedPeriod | None":
        """The closed period of ``commune_id`` that holds ``day``, if any."""
        if commune_id is None or day is None:
            return None
        return db.session.scalar(sa.select(cls).where(
            cls.commune_id == commune_id, cls.closed.is_(True),
            cls.start_date <= day, cls.end_date >= day).order_by(cls.start_date).limit(1))

    @classmethod
    def closed_in(cls, commune_ids) -> list["ClosedPeriod"]:
        """Every closed period of these communes, earliest first."""
        ids = list(commune_ids)
        if not ids:
            return []
        return list(db.session.scalars(sa.select(cls).where(
            cls.commune_id.in_(ids), cls.closed.is_(True)).order_by(cls.start_date)))
