"""Outreach session (Tuyên truyền): the activity the field logs most."""
from flask_babel import lazy_gettext as _l

from webapp.kinds.base import Kind
from webapp.kinds.fields import Field

FORMATS = (
    ("direct_talk", _l("Direct talk")),
    ("village_meeting", _l("Integrated in a village meeting")),
    ("conference", _l("Conference")),
    ("staged_performance", _l("Staged performance")),
    ("dialogue", _l("Dialogue")),
    ("rally", _l("Rally")),
)

KIND = Kind(
    code="outreach",
    label=_l("Outreach session"),
    description=_l("A talk, meeting, conference, staged performance, dialogue or rally."),
    position=10,
    fields=(
        Field("format", _l("Format"), "choice", required=True, choices=FORMATS),
    ),
)
