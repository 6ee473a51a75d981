"""Online outreach (Mạng xã hội): Zalo groups, Facebook pages, the commune portal."""
from flask_babel import lazy_gettext as _l

from webapp.kinds.base import Kind
from webapp.kinds.fields import Field

CHANNELS = (
    ("zalo", _l("Zalo")),
    ("facebook", _l("Facebook")),
    ("portal", _l("Commune portal")),
    ("other", _l("Other")),
)

KIND = Kind(
    code="online",
    label=_l("Online"),
    description=_l("Posts on social networks or the commune portal."),
    participants=None,  # no counted audience: nothing for the headline
    position=70,
    fields=(
        Field("channel", _l("Channel"), "choice", required=True, choices=CHANNELS),
        Field("posts", _l("Posts"), "int", required=True, minimum=1, maximum=100_000, report=True),
        Field("reach", _l("Reach (views)"), "int", maximum=100_000_000, report=True),
    ),
)
