"""``Entry`` (one activity, identified by the UUID its device made) and ``AuditEvent``."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User, utcnow
from webapp.extensions import db
from webapp.kinds import COMMON_FIELDS
from webapp.text import fold
from webapp.units.models import Unit, Village

STATUSES = ("submitted", "approved", "returned")
# Common fields kept in their own columns (they are filtered and summed); the rest go to ``details``.
COLUMN_FIELDS = tuple(f.name for f in COMMON_FIELDS)


class Entry(db.Model):
    """One activity of the plan, as logged by field staff."""

    __tablename__ = "entry"
    __table_args__ = (
        sa.Index("ix_entry_unit_date", "unit_id", "date"),
        sa.Index("ix_entry_status_date", "status", "date"),
        # A phone's read-back (unit IN …, change_seq > cursor): without it SQLite walks every entry of the unit.
        sa.Index("ix_entry_unit_change_seq", "unit_id", "change_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    revision: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="submitted")

    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"))
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    date: Mapped[dt.date] = mapped_column(sa.Date)
    end_date: Mapped[Optional[dt.date]] = mapped_column(sa.Date)
    topics: Mapped[list] = mapped_column(sa.JSON, default=list)
    campaign: Mapped[Optional[str]] = mapped_column(sa.String(64))
    target_group: Mapped[Optional[str]] = mapped_column(sa.String(64))
    participants_male: Mapped[int] = mapped_column(default=0)
    participants_female: Mapped[int] = mapped_column(default=0)
    ethnic_minority: Mapped[Optional[int]] = mapped_column()
    ethnic_minority_male: Mapped[Optional[int]] = mapped_column()
    ethnic_minority_female: Mapped[Optional[int]] = mapped_column()
    under_16: Mapped[Optional[int]] = mapped_column()
    under_16_male: Mapped[Optional[int]] = mapped_column()
    under_16_female: Mapped[Optional[int]] = mapped_column()
    materials: Mapped[Optional[int]] = mapped_column()
    cost_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    funding_source: Mapped[Optional[str]] = mapped_column(sa.String(64))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    latitude: Mapped[Optional[float]] = mapped_column(sa.Float)
    longitude: Mapped[Optional[float]] = mapped_column(sa.Float)
    # The kind's own fields, as declared in ``webapp/kinds/<kind>.py``.
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    # Grows with every change, in commit order: the read-back cursor of the sync API.
    change_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0, index=True)
    # Diacritic-free text for search ("thanh xa" finds "Thanh Xá").
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    unit: Mapped[Unit] = relationship(lazy="joined")
    village: Mapped[Village] = relationship(lazy="joined")
    author: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        """Debug representation."""
        return f"<Entry {self.uuid} {self.kind} r{self.revision}>"

    @hybrid_property
    def participants_total(self) -> int:
        """Men plus women: computed, never typed."""
        return self.participants_male + self.participants_female

    @property
    def is_locked(self) -> bool:
        """Approved entries cannot change."""
        return self.status == "approved"

    def to_data(self) -> dict[str, Any]:
        """The entry's ``data`` as the API sends and receives it (JSON types)."""
        data: dict[str, Any] = {}
        for name in COLUMN_FIELDS:
            value = getattr(self, name)
            data[name] = value.isoformat() if isinstance(value, dt.date) else value
        data.update(self.details or {})
        return data

    def apply(self, clean: dict[str, Any]) -> dict[str, list]:
        """Set fields from validated data; return ``{field: [before, after]}`` of what changed."""
        before = self.to_data() if self.id else {}
        details = {}
        for name, value in clean.items():
            if name in COLUMN_FIELDS:
                setattr(self, name, value)
            else:
                details[name] = value.isoformat() if isinstance(value, dt.date) else value
        self.details = details
        after = self.to_data()
        return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}

    def refresh_search_text(self, unit_name: str, village_name: str) -> None:
        """Recompute the folded text that search looks in."""
        parts = [unit_name, village_name, self.notes or ""]
        parts += [str(v) for v in (self.details or {}).values() if isinstance(v, str)]
        self.search_text = fold(" ".join(parts))

    def to_dict(self) -> dict[str, Any]:
        """The entry as ``GET /api/v1/entries`` shows it."""
        return {
            "uuid": self.uuid,
            "kind": self.kind,
            "status": self.status,
            "revision": self.revision,
            "data": self.to_data(),
            "review_comment": self.review_comment or "",
        }


class ChangeCounter(db.Model):
    """Counters: row 1's value is the last ``change_seq`` handed out; row 2's is the version of the
    settings a write checks against (``webapp.entries.settings_cache``).

    Incrementing row 1 inside the writing transaction locks it until commit, so sequence numbers
    become visible in the order they were given: a reader's cursor never skips a change. Writers take
    it as late as they can (after every read and check), so the lock lasts only for the writes.
    """

    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class AuditEvent(db.Model):
    """One create, edit or status change: who, when, from which device, what changed. Never edited."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("entry.id"), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    device: Mapped[str] = mapped_column(sa.String(120), default="")
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    user: Mapped[Optional[User]] = relationship(lazy="joined")
    entry: Mapped[Optional[Entry]] = relationship()
