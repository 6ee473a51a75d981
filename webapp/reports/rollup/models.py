"""The rollup tables: sums of entries by day × unit × village × kind × campaign × status (and the
funding source and the kind's main option, which the report's tables group by).

``ReportRollup`` holds the measures every entry has (a wide row); ``ReportRollupColumn`` holds each
kind's own report columns one row per column (narrow), so a new kind or a new report field needs no
migration. Empty text (``""``) stands for "none" in key columns, so the unique keys work on both
databases (NULLs never conflict).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db

KEY_COLUMNS = ("day", "unit_id", "village_id", "kind", "campaign", "status", "funding_source", "grp")
MEASURE_COLUMNS = ("entries", "participants_male", "participants_female", "cost_vnd")


# "Of whom" counts of the participants, summed like a kind's report column under the name ``*.<field>``
# (over the kinds whose participants feed the headline): the report's table of participants by sex.
PEOPLE_COLUMNS = ("ethnic_minority", "ethnic_minority_male", "ethnic_minority_female",
                  "under_16", "under_16_male", "under_16_female")


def headline_people(kind_column, count):
    """SQL: ``count`` (participants) for kinds whose participants feed the headline, else 0.

    Kinds without a counted audience (``Kind.participants is None``) keep what an older client sent, but
    it never reaches a total; the rollup and the direct queries both sum this expression.
    """
    return sa.case((headline_kind_filter(kind_column), count), else_=0)


def headline_kind_filter(kind_column):
    """SQL: the entry's kind counts its participants in the headline."""
    from webapp.kinds import headline_kind_codes

    return kind_column.in_(headline_kind_codes())


class ReportRollup(db.Model):
    """Entries and their common measures, summed per key (kept in the writing transaction)."""

    __tablename__ = "report_rollup"
    __table_args__ = (
        sa.UniqueConstraint(*KEY_COLUMNS, name="uq_report_rollup_key"),
        sa.Index("ix_report_rollup_unit_day", "unit_id", "day"),
        sa.Index("ix_report_rollup_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(sa.Date)
    unit_id: Mapped[int] = mapped_column()
    village_id: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(sa.String(40))
    campaign: Mapped[str] = mapped_column(sa.String(64), default="")
    status: Mapped[str] = mapped_column(sa.String(20))
    funding_source: Mapped[str] = mapped_column(sa.String(64), default="")
    # The value of the kind's main option (the field its report table is grouped by), "" if none.
    grp: Mapped[str] = mapped_column(sa.String(120), default="")
    entries: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    participants_male: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    participants_female: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    cost_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class ReportRollupColumn(db.Model):
    """One kind report column (``kind.field``) summed per key: one row per key and column."""

    __tablename__ = "report_rollup_column"
    __table_args__ = (
        sa.UniqueConstraint(*KEY_COLUMNS, "name", name="uq_report_rollup_column_key"),
        sa.Index("ix_report_rollup_column_unit_day", "unit_id", "day"),
        sa.Index("ix_report_rollup_column_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(sa.Date)
    unit_id: Mapped[int] = mapped_column()
    village_id: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(sa.String(40))
    campaign: Mapped[str] = mapped_column(sa.String(64), default="")
    status: Mapped[str] = mapped_column(sa.String(20))
    funding_source: Mapped[str] = mapped_column(sa.String(64), default="")
    grp: Mapped[str] = mapped_column(sa.String(120), default="")
    name: Mapped[str] = mapped_column(sa.String(120))
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)
