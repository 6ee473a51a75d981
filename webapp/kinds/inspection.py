"""Inspection visit (Kiểm tra) of how a unit carries out gender-equality law."""
from flask_babel import lazy_gettext as _l

from webapp.kinds.base import Kind
from webapp.kinds.fields import Field

CONTENTS = (
    ("policy", _l("Policy and law implementation")),
    ("women_cadres", _l("Women cadres: planning, training, appointment")),
    ("violence", _l("Violence against women and girls")),
    ("gender_mainstreaming", _l("Gender mainstreaming in plans")),
)

KIND = Kind(
    code="inspection",
    label=_l("Inspection visit"),
    description=_l("A visit checking how a unit applies gender-equality policy."),
    position=30,
    fields=(
        Field("unit_inspected", _l("Unit inspected"), "text", required=True, max_length=300),
        Field("content", _l("Content inspected"), "multi", required=True, choices=CONTENTS),
        Field("findings", _l("Findings"), "textarea", max_length=3000),
        Field("violations_found", _l("Violations found"), "int", required=True, maximum=10_000, report=True),
        Field("recommendations", _l("Recommendations"), "textarea", max_length=3000),
        Field("follow_up", _l("Follow-up"), "textarea", max_length=2000),
    ),
)
