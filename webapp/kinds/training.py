"""Training course (Tập huấn / bồi dưỡng)."""
from flask_babel import lazy_gettext as _l

from webapp.kinds.base import Kind
from webapp.kinds.fields import Field

TRAINEE_GROUPS = (
    ("women_leaders", _l("Women leaders and managers")),
    ("pipeline_cadres", _l("Women cadres in the leadership pipeline")),
    ("gender_staff", _l("Gender-equality staff")),
    ("union_officers", _l("Union and branch officers")),
    ("village_staff", _l("Village staff")),
    ("residents", _l("Residents")),
)

KIND = Kind(
    code="training",
    label=_l("Training"),
    description=_l("A training or refresher course."),
    participants=(_l("Trainees: men"), _l("Trainees: women")),
    position=20,
    fields=(
        Field("course_name", _l("Course name"), "text", required=True, max_length=300),
        Field("days", _l("Days"), "int", required=True, minimum=1, maximum=365, report=True),
        Field("trainer", _l("Trainer"), "text", max_length=200),
        Field("trainee_group", _l("Trainee group"), "choice", required=True, choices=TRAINEE_GROUPS),
    ),
)
