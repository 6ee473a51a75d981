"""Topics and campaigns (action months) of a commune, and "copy last year's plan" (preview, then once)."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.communes import template as tpl
from webapp.communes.services import CommuneError, audit
from webapp.extensions import db
from webapp.plan.models import Campaign, PlanTarget, PlanYear, ReportPeriod, Topic
from webapp.units.models import Unit

TARGET_KEY = ("label", "metric", "kind", "unit_id", "unit_type", "report_column", "indicator", "comparison",
              "value", "period_code")


def topics(commune: Unit) -> list[Topic]:
    """The commune's topics, in their order."""
    return list(db.session.scalars(sa.select(Topic).where(Topic.commune_id == commune.id)
                                   .order_by(Topic.position, Topic.id)))


def save_topic(commune: Unit, topic: Topic | None, name, actor) -> Topic:
    """Add a topic (``topic`` None) or rename one; names are unique in the commune."""
    name = " ".join(str(name or "").split())[:200]
    if not name:
        raise CommuneError({"name": _("Give the name.")})
    if any(t.name.lower() == name.lower() and t is not topic for t in topics(commune)):
        raise CommuneError({"name": _("The commune already has this topic.")})
    if topic is None:
        codes = {t.code for t in topics(commune)}
        code, n = tpl.slug(name), 1
        while code in codes:
            n += 1
            code = f"{tpl.slug(name)}-{n}"
        topic = Topic(commune_id=commune.id, code=code, name=name, position=len(codes))
        db.session.add(topic)
        audit(actor, "topic_add", commune.id, topic=[None, name])
    elif topic.name != name:
        audit(actor, "topic_edit", commune.id, topic=[topic.name, name])
        topic.name = name
    return topic


def campaigns(commune: Unit, year: int) -> list[Campaign]:
    """The campaigns that apply in ``year``: those of every year and those of that year."""
    return list(db.session.scalars(sa.select(Campaign).where(
        Campaign.commune_id == commune.id, sa.or_(Campaign.year.is_(None), Campaign.year == year))
        .order_by(Campaign.position, Campaign.id)))


def _day_month(form, prefix: str, errors: dict) -> tuple[int, int] | None:
    """A day and month typed as ``dd/mm`` (e.g. 15/11); a specific error when it is not one."""
    raw = str(form.get(prefix) or "").strip().replace("-", "/").replace(".", "/")
    parts = raw.split("/")
    if len(parts) == 2 and all(p.isascii() and p.isdigit() and len(p) <= 2 for p in parts):
        day, month = int(parts[0]), int(parts[1])
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2024, month)[1]:
            return day, month
    errors[prefix] = _("Give a day and month as dd/mm, e.g. 15/11.")
    return None


def save_campaign(commune: Unit, campaign: Campaign | None, form, year: int, actor) -> Campaign:
    """Add or change a campaign: a name, its first and last day (dd/mm), this year only or every year."""
    errors: dict[str, str] = {}
    name = " ".join(str(form.get("name") or "").split())[:200]
    if not name:
        errors["name"] = _("Give the name.")
    start, end = _day_month(form, "start", errors), _day_month(form, "end", errors)
    if errors:
        raise CommuneError(errors)
    every_year = form.get("every_year") == "1"
    before = None
    if campaign is None:
        code = tpl.slug(name)
        taken = {c.code for c in db.session.scalars(sa.select(Campaign).where(Campaign.commune_id == commune.id))}
        base, n = code, 1
        while code in taken:
            n += 1
            code = f"{base}-{n}"
        campaign = Campaign(commune_id=commune.id, code=code, position=len(taken))
        db.session.add(campaign)
    else:
        before = campaign_text(campaign)
    campaign.name = name
    campaign.start_day, campaign.start_month = start
    campaign.end_day, campaign.end_month = end
    campaign.year = None if every_year else year
    audit(actor, "campaign_add" if before is None else "campaign_edit", commune.id,
          campaign=[before, campaign_text(campaign)])
    return campaign


def campaign_text(campaign: Campaign) -> str:
    """``Name (15/11 – 15/12, 2024)`` for the audit trail and the preview."""
    when = f"{campaign.start_day or 1:02d}/{campaign.start_month:02d} – {campaign.end_day or 31:02d}/" \
           f"{campaign.end_month:02d}" if campaign.start_month and campaign.end_month else ""
    return f"{campaign.name} ({when}{', ' + str(campaign.year) if campaign.year else ''})"


@dataclass
class CopyPlan:
    """What "copy last year's plan" would add to ``year`` (and what is there already)."""

    year: int
    source: PlanYear | None
    targets: list[PlanTarget] = field(default_factory=list)
    targets_present: list[PlanTarget] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    campaigns_present: list[Campaign] = field(default_factory=list)
    title: str = ""
    periods: list[ReportPeriod] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing left to copy."""
        return not (self.targets or self.campaigns or self.title)


def _target_key(target: PlanTarget) -> tuple:
    """What makes two targets the same target."""
    return tuple(getattr(target, name) for name in TARGET_KEY)


def copy_preview(commune: Unit, year: int) -> CopyPlan:
    """The targets, campaigns and plan title of ``year - 1`` that ``year`` lacks (nothing saved)."""
    source = db.session.scalar(sa.select(PlanYear).where(PlanYear.unit_id == commune.id,
                                                         PlanYear.year == year - 1))
    target = db.session.scalar(sa.select(PlanYear).where(PlanYear.unit_id == commune.id, PlanYear.year == year))
    plan = CopyPlan(year=year, source=source)
    have = {_target_key(t) for t in (target.targets if target else [])}
    for row in (source.targets if source else []):
        (plan.targets_present if _target_key(row) in have else plan.targets).append(row)
    present = {c.code for c in db.session.scalars(sa.select(Campaign).where(
        Campaign.commune_id == commune.id, Campaign.year == year))}
    for row in db.session.scalars(sa.select(Campaign).where(Campaign.commune_id == commune.id,
                                                            Campaign.year == year - 1).order_by(Campaign.position)):
        (plan.campaigns_present if row.code in present else plan.campaigns).append(row)
    if source is not None and source.title and not (target and target.title):
        plan.title = source.title.replace(str(year - 1), str(year))
    plan.periods = list(db.session.scalars(sa.select(ReportPeriod).where(ReportPeriod.unit_id == commune.id)
                                           .order_by(ReportPeriod.position)))
    return plan


def copy_last_year(commune: Unit, year: int, actor) -> CopyPlan:
    """Copy what the preview shows; running it again adds nothing (the caller commits)."""
    from webapp.plan.targets import plan_for

    plan = copy_preview(commune, year)
    if plan.empty:
        return plan
    target_plan = plan_for(commune.id, year, create=True)
    if plan.title:
        target_plan.title = plan.title
        target_plan.basis = target_plan.basis or (plan.source.basis if plan.source else "")
    position = max([t.position for t in target_plan.targets] + [0])
    for row in plan.targets:
        position += 1
        db.session.add(PlanTarget(plan=target_plan, position=position,
                                  **{name: getattr(row, name) for name in TARGET_KEY}))
    for row in plan.campaigns:
        db.session.add(Campaign(commune_id=commune.id, code=row.code, name=row.name.replace(str(year - 1), str(year)),
                                start_month=row.start_month, start_day=row.start_day, end_month=row.end_month,
                                end_day=row.end_day, position=row.position, year=year))
    audit(actor, "plan_copy", commune.id, year=[year - 1, year], targets=[0, len(plan.targets)],
          campaigns=[0, len(plan.campaigns)])
    db.session.flush()
    return plan
