"""Reference data a commune configures: topics and campaigns (recurring date ranges)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


class Topic(db.Model):
    """A subject an activity covers, e.g. the 2006 Gender Equality Law."""

    __tablename__ = "topic"
    __table_args__ = (sa.UniqueConstraint("commune_id", "code", name="uq_topic_commune_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)


class Campaign(db.Model):
    """A campaign an activity belongs to; action months recur every year between two days."""

    __tablename__ = "campaign"
    __table_args__ = (sa.UniqueConstraint("commune_id", "code", name="uq_campaign_commune_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    start_month: Mapped[Optional[int]] = mapped_column()
    start_day: Mapped[Optional[int]] = mapped_column()
    end_month: Mapped[Optional[int]] = mapped_column()
    end_day: Mapped[Optional[int]] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls in this campaign's yearly window (both ends included)."""
        if self.start_month is None or self.end_month is None:
            return False
        start = (self.start_month, self.start_day or 1)
        end = (self.end_month, self.end_day or 31)
        return start <= (day.month, day.day) <= end
