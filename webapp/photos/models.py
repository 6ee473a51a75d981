"""``Photo``: evidence attached to an entry, addressed by the SHA-256 of its bytes."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from webapp.auth.models import User, utcnow
from webapp.entries.models import Entry
from webapp.extensions import db


class Photo(db.Model):
    """One photo of an entry; the same bytes sent twice to the same entry are one photo."""

    __tablename__ = "photo"
    __table_args__ = (sa.UniqueConstraint("entry_id", "sha256", name="uq_photo_entry_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    size: Mapped[int] = mapped_column()
    width: Mapped[Optional[int]] = mapped_column()
    height: Mapped[Optional[int]] = mapped_column()
    # Kept in the database: it is backed up with the entries and commits in the same transaction.
    data: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    entry: Mapped[Entry] = relationship()
    uploaded_by: Mapped[Optional[User]] = relationship()

    def __repr__(self) -> str:
        """Debug representation."""
        return f"<Photo {self.sha256[:12]} of entry {self.entry_id}>"

    def to_dict(self) -> dict:
        """The photo as the API describes it."""
        return {
            "sha256": self.sha256,
            "content_type": self.content_type,
            "size": self.size,
            "width": self.width,
            "height": self.height,
        }
