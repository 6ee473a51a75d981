"""Broadcast (Phát thanh) on the commune radio or village loudspeakers."""
from flask_babel import lazy_gettext as _l

from webapp.kinds.base import Kind
from webapp.kinds.fields import Field

STATIONS = (
    ("commune_radio", _l("Commune radio")),
    ("village_loudspeakers", _l("Village loudspeakers")),
)

KIND = Kind(
    code="broadcast",
    label=_l("Broadcast"),
    description=_l("News items read on the commune radio or village loudspeakers."),
    participants=None,  # no counted audience: nothing for the headline
    position=50,
    fields=(
        Field("station", _l("Station"), "choice", required=True, choices=STATIONS),
        Field("items", _l("Items"), "int", required=True, minimum=1, maximum=10_000, report=True),
        Field("broadcasts", _l("Broadcasts"), "int", required=True, minimum=1, maximum=10_000, report=True),
        Field("minutes", _l("Minutes"), "int", maximum=100_000, report=True),
    ),
)
