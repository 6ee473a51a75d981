"""Merging two villages (as many were in 2025): entries move to the surviving village, audited."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.auth.models import utcnow
from webapp.communes.services import CommuneError, audit
from webapp.communes.structure import village_of
from webapp.entries import services as entry_services
from webapp.entries.models import Entry
from webapp.extensions import db
from webapp.reports import rollup
from webapp.units.models import Unit, Village


def check_merge(commune: Unit, merged_id, survivor_id) -> tuple[Village, Village]:
    """The two villages of a merge, after the checks (not into itself, both of this commune, active)."""
    merged = village_of(commune, merged_id, "village_id")
    survivor = village_of(commune, survivor_id, "into_id")
    if merged.id == survivor.id:
        raise CommuneError({"into_id": _("A village cannot be merged into itself.")})
    if not merged.active:
        raise CommuneError({"village_id": _("This village is no longer active.")})
    if not survivor.active:
        raise CommuneError({"into_id": _("Choose an active village to merge into.")})
    return merged, survivor


def merge_villages(commune: Unit, merged_id, survivor_id, actor) -> int:
    """Move every entry of one village to another and retire the first; return how many entries moved.

    Each moved entry gets a new change number (phones read the change back) and an audit event; the
    merge itself is one more event. Commune totals of every year are untouched: only the village changes.
    """
    merged, survivor = check_merge(commune, merged_id, survivor_id)
    entry_services.lock_changes()
    merged, survivor = db.session.get(Village, merged.id), db.session.get(Village, survivor.id)
    entries = list(db.session.scalars(sa.select(Entry).where(Entry.village_id == merged.id).order_by(Entry.id)))
    moved = []
    for entry in entries:
        before = rollup.snapshot(entry)
        entry.village_id = survivor.id
        moved.append((before, rollup.snapshot(entry)))
        entry.updated_at = utcnow()
        entry.change_seq = entry_services.next_change_seq()
        entry.refresh_search_text(entry.unit.name, survivor.name)
        entry_services.record(entry, actor, "village_merge", {"village_id": [merged.id, survivor.id]},
                              device="admin", comment=f"{merged.name} → {survivor.name}")
    for branch in db.session.scalars(sa.select(Unit).where(Unit.village_id == merged.id)):
        branch.village_id = survivor.id
    merged.active = False
    merged.merged_into_id = survivor.id
    audit(actor, "village_merge", commune.id, village=[merged.name, survivor.name], entries_moved=len(entries))
    rollup.record(moved)
    db.session.flush()
    return len(entries)

