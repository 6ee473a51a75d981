"""Commendation (Khen thưởng) of collectives and individuals."""
from flask_babel import lazy_gettext as _l

from webapp.kinds.base import Kind, People
from webapp.kinds.fields import Field

FORMS = (
    ("certificate", _l("Certificate of merit")),
    ("letter", _l("Letter of praise")),
    ("prize", _l("Prize")),
)
LEVELS = (
    ("commune", _l("Commune")),
    ("province", _l("Province")),
    ("national", _l("National")),
    ("union", _l("Union")),
)

KIND = Kind(
    code="commendation",
    label=_l("Commendation"),
    description=_l("Collectives and individuals commended for gender-equality work."),
    participants=None,  # no counted audience
    people=(People("individuals", "individuals_male", "individuals_female"),),
    position=80,
    fields=(
        Field("commendation_form", _l("Form"), "choice", required=True, choices=FORMS),
        Field("level", _l("Level"), "choice", required=True, choices=LEVELS),
        Field("decision_number", _l("Decision number"), "text", max_length=100),
        Field("collectives", _l("Collectives"), "int", maximum=10_000, report=True),
        Field("individuals_male", _l("Individuals: men"), "int", maximum=10_000, report=True),
        Field("individuals_female", _l("Individuals: women"), "int", maximum=10_000, report=True),
    ),
)
