"""``WorkerHeartbeat``: each ``flask worker`` process notes here that it is alive (``/readyz``, metrics)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.auth.models import utcnow
from webapp.extensions import db


class WorkerHeartbeat(db.Model):
    """One worker process (``host:pid``): when it started and when it last finished a pass."""

    __tablename__ = "worker_heartbeat"

    name: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    beat_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    passes: Mapped[int] = mapped_column(default=0)
    # running, or stopped (a graceful exit)
    state: Mapped[str] = mapped_column(sa.String(10), default="running")
