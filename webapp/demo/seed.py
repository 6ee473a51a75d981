"""Build the demo commune idempotently, with ~200 realistic entries spread over 2023."""
from __future__ import annotations

import datetime as dt
import random
import secrets
import uuid as uuidlib

import sqlalchemy as sa

from webapp.auth.models import User
from webapp.auth.services import create_user
from webapp.demo import data
from webapp.entries import services as entry_services
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.kinds import get_kind
from webapp.plan.models import Campaign, Topic
from webapp.reports import rollup
from webapp.units.models import Unit, Village

ENTRY_COUNT = 200
# How often the field logs each kind over a year (outreach first, as domain.md says).
KIND_WEIGHTS = {"outreach": 70, "training": 18, "inspection": 14, "contest": 8, "broadcast": 30,
                "print_media": 14, "online": 20, "commendation": 6, "model_club": 12, "support": 8}
# Plausible ranges of the kinds' own counts (a commune's year, not random numbers up to 40).
COUNT_RANGES = {"days": (1, 3), "teams": (4, 10), "contestants_male": (3, 12), "contestants_female": (8, 30),
                "items": (2, 12), "broadcasts": (4, 20), "minutes": (10, 45), "quantity": (2, 30), "posts": (1, 5),
                "reach": (150, 2500), "collectives": (1, 4), "individuals_male": (0, 3), "individuals_female": (1, 8),
                "members_male": (4, 15), "members_female": (15, 40), "meetings": (1, 3), "recipients_male": (0, 1),
                "recipients_female": (1, 4), "recipients_boys": (0, 2), "recipients_girls": (0, 2)}
# Most inspections find nothing to correct; a few find one or two shortcomings.
VIOLATIONS = (0, 0, 0, 0, 0, 1, 1, 2)
NAMESPACE = uuidlib.UUID("8d5e1c2a-2023-4b1d-9e0f-7468616e6878")


def branch_code(village_code: str) -> str:
    """The code of the women's-union branch of a village."""
    return f"chi-hoi-pn-{village_code}"


def seed_structure() -> Unit:
    """Create the commune, villages, units, topics, campaigns and demo users where missing."""
    commune = db.session.scalar(sa.select(Unit).where(Unit.code == data.COMMUNE["code"]))
    if commune is None:
        commune = Unit.create(data.COMMUNE["code"], data.COMMUNE["name"], "commune")
    units = {u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.commune_id == commune.id))}
    villages = {v.code: v for v in db.session.scalars(sa.select(Village).where(Village.commune_id == commune.id))}
    for code, name in data.VILLAGES:
        if code not in villages:
            villages[code] = Village(commune_id=commune.id, code=code, name=name)
            db.session.add(villages[code])
    db.session.flush()
    for code, name, unit_type in data.ORGANISATIONS:
        if code not in units:
            units[code] = Unit.create(code, name, unit_type, parent=commune)
    for code, name in data.VILLAGES:
        bcode = branch_code(code)
        if bcode not in units:
            branch_name = "Chi hội Phụ nữ " + name[0].lower() + name[1:]
            units[bcode] = Unit.create(bcode, branch_name, "branch", parent=units[data.BRANCH_PARENT],
                                       village=villages[code])
    existing = set(db.session.scalars(sa.select(Topic.code).where(Topic.commune_id == commune.id)))
    for position, (code, name) in enumerate(data.TOPICS):
        if code not in existing:
            db.session.add(Topic(commune_id=commune.id, code=code, name=name, position=position))
    existing = set(db.session.scalars(sa.select(Campaign.code).where(Campaign.commune_id == commune.id)))
    for position, (code, name, sm, sd, em, ed) in enumerate(data.CAMPAIGNS):
        if code not in existing:
            db.session.add(Campaign(commune_id=commune.id, code=code, name=name, start_month=sm,
                                    start_day=sd, end_month=em, end_day=ed, position=position))
    for username, full_name, role, unit_code in data.DEMO_USERS:
        if db.session.scalar(sa.select(User).where(User.username == username)) is None:
            create_user(username, data.DEMO_PASSWORD, role, units[unit_code], full_name=full_name)
    # Each other unit has a staff member of its own who logs its activities (no demo password).
    for code, unit in units.items():
        if unit.type in ("organisation", "agency", "branch"):
            username = f"cb-{code}"[:64]
            if db.session.scalar(sa.select(User).where(User.username == username)) is None:
                create_user(username, secrets.token_urlsafe(12), "field_staff", unit,
                            full_name=data.STAFF_NAMES.get(code, unit.name))
    db.session.flush()
    return commune


def _kind_data(kind_code: str, rng: random.Random) -> dict:
    """Plausible values for a kind's own fields, drawn from its declared choices."""
    kind = get_kind(kind_code)
    values: dict = {}
    texts = {
        "course_name": "Bồi dưỡng kiến thức về bình đẳng giới và lồng ghép giới",
        "trainer": "Báo cáo viên Hội LHPN tỉnh",
        "unit_inspected": rng.choice(["Trường THCS Thanh Xá", "Trạm Y tế xã", "Hội Nông dân xã",
                                      "Chi hội Phụ nữ thôn Bình Lao"]),
        "findings": "Đơn vị đã xây dựng kế hoạch bình đẳng giới năm 2023, bố trí cán bộ phụ trách.",
        "recommendations": "Tăng cường tuyên truyền, quy hoạch cán bộ nữ.",
        "follow_up": "Kiểm tra lại vào quý IV.",
        "contest_name": "Hội thi \"Tìm hiểu pháp luật về bình đẳng giới\"",
        "prizes": "01 giải nhất, 02 giải nhì, 03 giải ba",
        "location": "Nhà văn hóa thôn",
        "slogan": "Bình đẳng giới vì sự phát triển bền vững",
        "decision_number": f"{rng.randint(10, 99)}/QĐ-UBND",
        "club_name": rng.choice(["CLB Gia đình hạnh phúc", "Mô hình Địa chỉ tin cậy ở cộng đồng",
                                 "CLB Phụ nữ với pháp luật"]),
    }
    for field in kind.fields:
        if field.legacy:  # older clients' single counts: computed from the split ones
            continue
        if field.name == "violations_found":
            values[field.name] = rng.choice(VIOLATIONS)
        elif field.name in COUNT_RANGES:
            values[field.name] = rng.randint(*COUNT_RANGES[field.name])
        elif field.type == "choice":
            values[field.name] = rng.choice(field.choices)[0]
        elif field.type == "multi":
            values[field.name] = sorted({rng.choice(field.choices)[0] for _ in range(2)})
        elif field.type in ("int", "money"):
            low = max(field.minimum or 0, 1)
            high = {"money": 5_000_000, "int": 40}[field.type]
            values[field.name] = rng.randint(low, min(high, field.maximum or high))
            if field.type == "money":
                values[field.name] = round(values[field.name], -4)
        else:
            values[field.name] = texts.get(field.name, "")
    return values


def _of_whom(kind_code: str, men: int, women: int, rng: random.Random) -> dict:
    """Of whom under 16 (outreach in schools and villages) and ethnic minority (a few), by sex, with totals."""
    values = {name: None for name in ("ethnic_minority", "ethnic_minority_male", "ethnic_minority_female",
                                      "under_16", "under_16_male", "under_16_female")}
    if kind_code == "outreach" and rng.random() < 0.5:
        values.update(under_16_male=rng.randint(0, min(men, 4)), under_16_female=rng.randint(0, min(women, 6)))
        values["under_16"] = values["under_16_male"] + values["under_16_female"]
    if kind_code in ("outreach", "training") and rng.random() < 0.15:
        values.update(ethnic_minority_male=rng.randint(0, min(men, 2)),
                      ethnic_minority_female=rng.randint(0, min(women, 3)))
        values["ethnic_minority"] = values["ethnic_minority_male"] + values["ethnic_minority_female"]
    return values


def _campaign_for(day: dt.date, campaigns: list[Campaign]) -> str | None:
    """The campaign whose window holds ``day``, if any."""
    for campaign in campaigns:
        if campaign.covers(day):
            return campaign.code
    return None


def seed_entries(commune: Unit, count: int = ENTRY_COUNT) -> int:
    """Add ``count`` entries over 2023 (denser in the two action months); skip ones already there."""
    rng = random.Random(2023)
    units = list(db.session.scalars(sa.select(Unit).where(Unit.commune_id == commune.id, Unit.type != "commune")))
    villages = list(db.session.scalars(sa.select(Village).where(Village.commune_id == commune.id)))
    topics = list(db.session.scalars(sa.select(Topic.code).where(Topic.commune_id == commune.id)))
    campaigns = list(db.session.scalars(sa.select(Campaign).where(Campaign.commune_id == commune.id)))
    reviewer = db.session.scalar(sa.select(User).where(User.username == "duyet"))
    authors = {}
    for user in db.session.scalars(sa.select(User)):
        for assignment in user.roles:
            if assignment.role == "field_staff":
                authors.setdefault(assignment.unit_id, user)
    kinds, weights = zip(*KIND_WEIGHTS.items())
    added = 0
    for number in range(count):
        entry_uuid = str(uuidlib.uuid5(NAMESPACE, f"demo-{number}"))
        kind_code = rng.choices(kinds, weights)[0]
        month = rng.choices(range(1, 13), [6, 5, 8, 6, 6, 16, 6, 6, 6, 8, 14, 13])[0]
        day = dt.date(2023, month, rng.randint(1, 28))
        unit = rng.choice(units)
        village = unit.village or rng.choice(villages)
        kind = get_kind(kind_code)
        women = rng.randint(15, 90) if kind_code in ("outreach", "training", "contest", "model_club") else rng.randint(0, 20)
        men = rng.randint(0, women // 2 + 5)
        if not kind.counts_participants:  # a broadcast, a banner, a post, a commendation: nobody was counted
            women = men = 0
        raw = {
            "unit_id": unit.id, "village_id": village.id, "date": day,
            "end_date": day + dt.timedelta(days=1) if kind_code == "training" and rng.random() < 0.3 else None,
            "topics": sorted(set(rng.sample(topics, rng.randint(1, 3)))),
            "campaign": _campaign_for(day, campaigns),
            "target_group": rng.choice(["residents", "women", "couples", "youth", "cadres"]),
            "participants_male": men, "participants_female": women,
            **_of_whom(kind_code, men, women, rng),
            "materials": rng.choice([None, 50, 100, 200]),
            "cost_vnd": rng.choice([0, 0, 500_000, 1_200_000, 2_500_000, 3_000_000]),
            "funding_source": None, "notes": "", "latitude": None, "longitude": None,
        }
        raw["funding_source"] = "none" if raw["cost_vnd"] == 0 else rng.choice(
            ["commune_budget", "national_programme", "union_funds", "social_contribution"])
        raw.update(_kind_data(kind_code, rng))
        if kind_code == "support":
            raw["recipients_children"] = raw["recipients_boys"] + raw["recipients_girls"]
        if db.session.scalar(sa.select(Entry.id).where(Entry.uuid == entry_uuid)) is not None:
            continue
        author = authors[unit.id]
        entry = entry_services.create_entry(author, entry_uuid, get_kind(kind_code), raw, device="seed")
        before = rollup.snapshot(entry)
        roll = rng.random()
        if roll < 0.7 and reviewer is not None:
            entry_services.record(entry, reviewer, "approve", {"status": ["submitted", "approved"]}, device="seed")
            entry.status = "approved"
        elif roll < 0.8:
            entry.status = "returned"
            entry.review_comment = "Đề nghị bổ sung số người tham gia là nữ và nội dung tuyên truyền."
            entry_services.record(entry, reviewer, "return", {"status": ["submitted", "returned"]},
                                  device="seed", comment=entry.review_comment)
        rollup.record([(before, rollup.snapshot(entry))])
        added += 1
    return added


def seed_demo() -> dict:
    """Seed everything; safe to run again (adds only what is missing)."""
    commune = seed_structure()
    added = seed_entries(commune)
    from webapp.plan.seed import seed_plan_2023

    seed_plan_2023(commune)
    db.session.commit()
    return {"commune": commune.name, "entries_added": added}
