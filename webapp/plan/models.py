"""Reference data a commune configures: topics, campaigns, report periods, the year's plan and targets."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    __table_args__ = (sa.UniqueConstraint("commune_id", "code", "year", name="uq_campaign_commune_code_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    start_month: Mapped[Optional[int]] = mapped_column()
    start_day: Mapped[Optional[int]] = mapped_column()
    end_month: Mapped[Optional[int]] = mapped_column()
    end_day: Mapped[Optional[int]] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)
    # The plan year this campaign belongs to; None for one that recurs every year unchanged.
    year: Mapped[Optional[int]] = mapped_column()

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls in this campaign's yearly window (both ends included)."""
        if self.start_month is None or self.end_month is None:
            return False
        start = (self.start_month, self.start_day or 1)
        end = (self.end_month, self.end_day or 31)
        return start <= (day.month, day.day) <= end


class ReportPeriod(db.Model):
    """A kind of reporting window a commune (or province) uses, resolved for any year.

    ``type`` says how: ``range`` (a start and end day; ``start_year_offset`` -1 starts in the
    previous year, e.g. the annual report 15/12–14/12), ``campaign`` (the yearly window of the
    commune's ``Campaign`` with ``campaign_code``), ``quarters`` and ``months`` (calendar series).
    """

    __tablename__ = "report_period"
    __table_args__ = (sa.UniqueConstraint("unit_id", "code", name="uq_report_period_unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(200))
    type: Mapped[str] = mapped_column(sa.String(20), default="range")
    start_month: Mapped[Optional[int]] = mapped_column()
    start_day: Mapped[Optional[int]] = mapped_column()
    start_year_offset: Mapped[int] = mapped_column(default=0)
    end_month: Mapped[Optional[int]] = mapped_column()
    end_day: Mapped[Optional[int]] = mapped_column()
    campaign_code: Mapped[Optional[str]] = mapped_column(sa.String(64))
    # The annual report's period: plan targets "for the year" are measured over it.
    is_annual: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class PlanYear(db.Model):
    """The year's plan of a commune (or a province): its document and the targets below it."""

    __tablename__ = "plan_year"
    __table_args__ = (sa.UniqueConstraint("unit_id", "year", name="uq_plan_year_unit_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    year: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    # "Kế hoạch số 15/KH-UBND ngày 20/3/2023": the plan document as the report cites it.
    document: Mapped[str] = mapped_column(sa.String(300), default="")
    # The higher-level documents the plan is based on (căn cứ), one per line.
    basis: Mapped[str] = mapped_column(sa.Text, default="")

    targets: Mapped[list["PlanTarget"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanTarget.position, PlanTarget.id")


class PlanTarget(db.Model):
    """One target of the plan, measured from approved entries or from the yearly figures.

    ``metric``: ``entries``, ``participants``, ``women``, ``women_share`` (%), ``villages_reached``
    (% of the commune's villages), ``column`` (the kind's ``report_column``) or ``indicator`` (a yearly
    figure of the national strategy). ``kind`` and ``unit_id`` narrow it; ``unit_type`` makes it
    apply to each unit of that type ("≥ 2 sessions per village branch"). ``period_code`` names the
    ``ReportPeriod`` it is measured over (empty: the annual period).
    """

    __tablename__ = "plan_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_year.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(sa.String(300), default="")
    metric: Mapped[str] = mapped_column(sa.String(30))
    kind: Mapped[Optional[str]] = mapped_column(sa.String(40))
    unit_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("unit.id"))
    unit_type: Mapped[Optional[str]] = mapped_column(sa.String(20))
    report_column: Mapped[Optional[str]] = mapped_column(sa.String(64))
    indicator: Mapped[Optional[str]] = mapped_column(sa.String(64))
    comparison: Mapped[str] = mapped_column(sa.String(2), default=">=")
    value: Mapped[float] = mapped_column(sa.Float)
    period_code: Mapped[str] = mapped_column(sa.String(40), default="")

    plan: Mapped[PlanYear] = relationship(back_populates="targets")


class StrategyFigure(db.Model):
    """A commune-level yearly figure of the national strategy, entered by the officer as a number.

    Codes are declared in ``webapp/plan/indicators.py`` (births by sex, women among key leaders,
    residents reached, village rules, violence cases as counts — never anything about a person).
    """

    __tablename__ = "strategy_figure"
    __table_args__ = (sa.UniqueConstraint("unit_id", "year", "code", name="uq_strategy_figure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    year: Mapped[int] = mapped_column()
    code: Mapped[str] = mapped_column(sa.String(64))
    value: Mapped[float] = mapped_column(sa.Float)
