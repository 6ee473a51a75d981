"""Report settings of a commune (or province), the officer's own report text, and export jobs."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.auth.models import utcnow
from webapp.extensions import db
from webapp.reports.rollup.models import ReportRollup, ReportRollupColumn  # noqa: F401  (tables of the rollup)


class ReportSettings(db.Model):
    """Who issues the report and who signs it; the level above changed in 2025, so all of it is data."""

    __tablename__ = "report_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), unique=True)
    # The body above the issuer, in capitals, regular weight (often empty for a People's Committee).
    parent_body: Mapped[str] = mapped_column(sa.Text, default="")
    # The issuing body in capitals, one line each, bold: "ỦY BAN NHÂN DÂN\nXÃ THANH XÁ".
    issuing_body: Mapped[str] = mapped_column(sa.Text, default="")
    place_name: Mapped[str] = mapped_column(sa.String(120), default="")
    # The number given at issue; empty leaves "Số:      /BC-UBND" for the clerk.
    report_number: Mapped[str] = mapped_column(sa.String(40), default="")
    number_suffix: Mapped[str] = mapped_column(sa.String(40), default="BC-UBND")
    signer_authority: Mapped[str] = mapped_column(sa.String(120), default="")
    signer_deputy: Mapped[str] = mapped_column(sa.String(120), default="")
    signer_title: Mapped[str] = mapped_column(sa.String(120), default="")
    signer_name: Mapped[str] = mapped_column(sa.String(120), default="")
    # "Nơi nhận", one recipient per line.
    recipients: Mapped[str] = mapped_column(sa.Text, default="")
    font_size: Mapped[int] = mapped_column(default=14)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def issuing_lines(self) -> list[str]:
        """The issuing body's lines, in capitals."""
        return [line.strip().upper() for line in (self.issuing_body or "").splitlines() if line.strip()]

    def parent_lines(self) -> list[str]:
        """The parent body's lines, in capitals."""
        return [line.strip().upper() for line in (self.parent_body or "").splitlines() if line.strip()]

    def recipient_lines(self) -> list[str]:
        """The recipients, one per line."""
        return [line.strip() for line in (self.recipients or "").splitlines() if line.strip()]


class ReportText(db.Model):
    """The officer's own text of one narrative section of one period's report (replaces the draft)."""

    __tablename__ = "report_text"
    __table_args__ = (sa.UniqueConstraint("unit_id", "period_key", "section", name="uq_report_text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    period_key: Mapped[str] = mapped_column(sa.String(60))
    section: Mapped[str] = mapped_column(sa.String(30))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ExportJob(db.Model):
    """A DOCX or XLSX built by ``flask worker``; the file is kept here, so every app server serves it."""

    __tablename__ = "export_job"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    format: Mapped[str] = mapped_column(sa.String(8))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # queued, running, done, failed
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    filename: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[Optional[dt.datetime]] = mapped_column()
    # The request that asked for it (in the worker's log lines), and the worker's claim: who, until when.
    request_id: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    worker: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    lease_until: Mapped[Optional[dt.datetime]] = mapped_column()
    # The finished file (loaded only for the download).
    content: Mapped[Optional[bytes]] = mapped_column(sa.LargeBinary, deferred=True)
