"""Domain events other packages react to inside the same transaction (e.g. push notifications).

Receivers add rows to ``db.session``; they must not commit. Each signal is sent with the acting
user as sender and ``entry=`` (and, for status changes, ``old=``/``new=``/``comment=``).
"""
from blinker import Namespace

_signals = Namespace()

# A new entry was saved (status "submitted"): it now waits for review.
entry_created = _signals.signal("entry-created")
# New entries were written set-based (a sync batch): ``rows`` are their column values, each with ``id``.
entries_created = _signals.signal("entries-created")
# An entry's content changed (``resubmitted=True`` when a returned entry went back to review).
entry_updated = _signals.signal("entry-updated")
# An entry's status changed by review: ``old``, ``new``, ``comment``.
entry_status_changed = _signals.signal("entry-status-changed")
