"""Banners, panels and leaflets (Băng rôn, pano, tờ rơi)."""
from flask_babel import lazy_gettext as _l

from webapp.kinds.base import Kind
from webapp.kinds.fields import Field

MEDIA = (
    ("banner", _l("Banner")),
    ("panel", _l("Panel / billboard")),
    ("poster", _l("Poster")),
    ("leaflet", _l("Leaflet")),
)

KIND = Kind(
    code="print_media",
    label=_l("Banners and print"),
    description=_l("Banners, panels, posters and leaflets put up or handed out."),
    participants=None,  # no counted audience: nothing for the headline
    position=60,
    fields=(
        Field("medium", _l("Kind of material"), "choice", required=True, choices=MEDIA),
        Field("quantity", _l("Quantity"), "int", required=True, minimum=1, maximum=1_000_000, report=True),
        Field("location", _l("Location"), "text", max_length=300),
        Field("slogan", _l("Slogan"), "text", max_length=500),
    ),
)
