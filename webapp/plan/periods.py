"""Report periods: configured rows (``ReportPeriod``) resolved into concrete date windows for a year.

Nothing about the calendar of reporting is fixed in code: the defaults below are only what a new
commune starts with (written to its rows on first use), and the officer can change every row.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa

from webapp.extensions import db
from webapp.page_memo import memoized
from webapp.plan.models import Campaign, ReportPeriod
from webapp.units.models import Unit

# (code, name, type, start month, start day, start year offset, end month, end day, campaign, annual)
DEFAULT_PERIODS = (
    ("year", "Cả năm", "range", 12, 15, -1, 12, 14, None, True),
    ("half-year", "Sáu tháng đầu năm", "range", 12, 15, -1, 6, 14, None, False),
    ("am-pcbldg", "Tháng hành động phòng, chống bạo lực gia đình", "campaign",
     None, None, 0, None, None, "thang-hd-pcbldg", False),
    ("am-bdg", "Tháng hành động vì bình đẳng giới", "campaign",
     None, None, 0, None, None, "thang-hd-bdg", False),
    ("quarter", "Quý", "quarters", None, None, 0, None, None, None, False),
    ("month", "Tháng", "months", None, None, 0, None, None, None, False),
)
PERIOD_TYPES = ("range", "campaign", "quarters", "months")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_KEY = re.compile(r"^(?P<code>[a-z0-9][a-z0-9-]*?)-(?P<year>\d{4})(?:-(?P<n>\d{1,2}))?$")


@dataclass(frozen=True)
class PeriodWindow:
    """A concrete period: ``start`` and ``end`` both included; ``key`` names it in URLs."""

    key: str
    code: str
    label: str
    start: dt.date
    end: dt.date
    year: int
    type: str
    campaign_code: str | None = None
    is_annual: bool = False

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` lies in the window (both ends included)."""
        return self.start <= day <= self.end

    def shifted(self, years: int) -> tuple[dt.date, dt.date]:
        """The same window ``years`` later (negative: earlier), for "same period last year"."""
        return _day(self.start.year + years, self.start.month, self.start.day), \
            _day(self.end.year + years, self.end.month, self.end.day)

    @property
    def dates_label(self) -> str:
        """``15/12/2022 – 14/12/2023``."""
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


def _day(year: int, month: int, day: int) -> dt.date:
    """A date, with the day clamped to the month's length (29/02 in a common year → 28/02)."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def default_rows(unit_id: int) -> list[ReportPeriod]:
    """The default period rows for a unit (not added to the session)."""
    rows = []
    for position, (code, name, ptype, sm, sd, offset, em, ed, campaign, annual) in enumerate(DEFAULT_PERIODS):
        rows.append(ReportPeriod(unit_id=unit_id, code=code, name=name, type=ptype, start_month=sm,
                                 start_day=sd, start_year_offset=offset, end_month=em, end_day=ed,
                                 campaign_code=campaign, is_annual=annual, position=position, active=True))
    return rows


def ensure_default_periods(unit_id: int) -> list[ReportPeriod]:
    """The unit's period rows, creating the defaults the first time (the caller commits)."""
    rows = list(db.session.scalars(sa.select(ReportPeriod).where(ReportPeriod.unit_id == unit_id)
                                   .order_by(ReportPeriod.position, ReportPeriod.id)))
    if not rows:
        rows = default_rows(unit_id)
        db.session.add_all(rows)
        db.session.flush()
    return rows


@memoized
def definitions(unit_id: int) -> list[ReportPeriod]:
    """The active period rows of a unit, or the defaults when it has none yet."""
    rows = list(db.session.scalars(sa.select(ReportPeriod).where(ReportPeriod.unit_id == unit_id)
                                   .order_by(ReportPeriod.position, ReportPeriod.id)))
    return [row for row in rows if row.active] if rows else default_rows(unit_id)


@memoized
def campaigns_for(unit_id: int, year: int | None = None) -> dict[str, Campaign]:
    """Campaigns by code of the communes at or below ``unit_id`` (a commune, or a province); with ``year``,
    a campaign kept for that year (copied and edited for it) wins over the rows of other years."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        return {}
    communes = sa.select(Unit.id).where(Unit.path.startswith(unit.path), Unit.type == "commune")
    found: dict[str, Campaign] = {}
    for campaign in db.session.scalars(sa.select(Campaign).where(
            sa.or_(Campaign.commune_id == unit.commune_id, Campaign.commune_id.in_(communes)))
            .order_by(Campaign.position, Campaign.id)):
        current = found.get(campaign.code)
        if current is None or (year is not None and campaign.year == year and current.year != year):
            found[campaign.code] = campaign
    return found


def _campaign_window(campaign: Campaign, year: int) -> tuple[dt.date, dt.date] | None:
    """The campaign's window in ``year``; a window across New Year starts in the previous year."""
    if campaign.start_month is None or campaign.end_month is None:
        return None
    start_md = (campaign.start_month, campaign.start_day or 1)
    end_md = (campaign.end_month, campaign.end_day or 31)
    start_year = year - 1 if start_md > end_md else year
    return _day(start_year, *start_md), _day(year, *end_md)


def windows(row: ReportPeriod, year: int, campaigns: dict[str, Campaign]) -> list[PeriodWindow]:
    """The concrete windows one period row gives in ``year`` (four quarters, twelve months, or one)."""
    common = {"code": row.code, "year": year, "type": row.type, "is_annual": bool(row.is_annual)}
    if row.type == "quarters":
        return [PeriodWindow(key=f"{row.code}-{year}-{q}", label=f"{row.name} {ROMAN[q]}/{year}",
                             start=dt.date(year, 3 * q - 2, 1), end=_day(year, 3 * q, 31), **common)
                for q in range(1, 5)]
    if row.type == "months":
        return [PeriodWindow(key=f"{row.code}-{year}-{m}", label=f"{row.name} {m:02d}/{year}",
                             start=dt.date(year, m, 1), end=_day(year, m, 31), **common)
                for m in range(1, 13)]
    if row.type == "campaign":
        campaign = campaigns.get(row.campaign_code or "")
        bounds = _campaign_window(campaign, year) if campaign is not None else None
        if bounds is None:
            return []
        return [PeriodWindow(key=f"{row.code}-{year}", label=f"{row.name} {year}", start=bounds[0],
                             end=bounds[1], campaign_code=campaign.code, **common)]
    if None in (row.start_month, row.start_day, row.end_month, row.end_day):
        return []
    start = _day(year + (row.start_year_offset or 0), row.start_month, row.start_day)
    end = _day(year, row.end_month, row.end_day)
    if end < start:
        return []
    return [PeriodWindow(key=f"{row.code}-{year}", label=f"{row.name} {year}", start=start, end=end, **common)]


def windows_for_year(unit_id: int, year: int) -> list[PeriodWindow]:
    """Every period window of ``year`` for a commune or province, in the configured order."""
    campaigns = campaigns_for(unit_id, year)
    found: list[PeriodWindow] = []
    for row in definitions(unit_id):
        found.extend(windows(row, year, campaigns))
    return found


def resolve(unit_id: int, key: str) -> PeriodWindow | None:
    """The window named by ``key`` (``year-2023``, ``quarter-2023-2``, ``am-bdg-2023``), or None."""
    match = _KEY.match(key or "")
    if match is None:
        return None
    year = int(match["year"])
    for window in windows_for_year(unit_id, year):
        if window.key == key:
            return window
    return None


def by_code(unit_id: int, code: str, year: int) -> PeriodWindow | None:
    """The window of the period row ``code`` in ``year`` (the first one for a series)."""
    campaigns = campaigns_for(unit_id, year)
    for row in definitions(unit_id):
        if row.code == code:
            found = windows(row, year, campaigns)
            return found[0] if found else None
    return None


def annual_window(unit_id: int, year: int) -> PeriodWindow:
    """The annual report's window of ``year`` (the calendar year if no row is marked annual)."""
    campaigns = campaigns_for(unit_id, year)
    for row in definitions(unit_id):
        if row.is_annual:
            found = windows(row, year, campaigns)
            if found:
                return found[0]
    return PeriodWindow(key=f"calendar-{year}", code="calendar", label=str(year), start=dt.date(year, 1, 1),
                        end=dt.date(year, 12, 31), year=year, type="range", is_annual=True)


def report_year_of(unit_id: int, day: dt.date) -> int:
    """The year whose annual report holds ``day`` (16/12/2023 belongs to the 2024 report)."""
    for year in (day.year, day.year + 1):
        if annual_window(unit_id, year).contains(day):
            return year
    return day.year


def match_window(unit_id: int | None, start: dt.date, end: dt.date) -> PeriodWindow:
    """The configured period with exactly these dates (so titles and targets fit), else a custom one."""
    if unit_id is not None:
        for year in sorted({start.year, end.year, end.year + 1}):
            for window in windows_for_year(unit_id, year):
                if window.start == start and window.end == end:
                    return window
    return custom_window(start, end)


def custom_window(start: dt.date, end: dt.date) -> PeriodWindow:
    """A window typed in by hand (from–to)."""
    return PeriodWindow(key="", code="custom", label=f"{start:%d/%m/%Y} – {end:%d/%m/%Y}", start=start,
                        end=end, year=end.year, type="custom")
