"""Model or club (Mô hình, câu lạc bộ), e.g. a "happy family" club."""
from flask_babel import lazy_gettext as _l

from webapp.kinds.base import Kind, People
from webapp.kinds.fields import Field

KIND = Kind(
    code="model_club",
    label=_l("Model / club"),
    description=_l("A model or club meeting, such as a club of happy families."),
    participants=(_l("Attending: men"), _l("Attending: women")),
    people=(People("members", "members_male", "members_female"),),
    position=90,
    fields=(
        Field("club_name", _l("Model or club name"), "text", required=True, max_length=300),
        Field("members_male", _l("Members: men"), "int", maximum=10_000, report=True),
        Field("members_female", _l("Members: women"), "int", maximum=10_000, report=True),
        Field("meetings", _l("Meetings held"), "int", required=True, minimum=1, maximum=1000, report=True),
    ),
)
