"""Contest (Hội thi): teams compete on gender-equality knowledge."""
from flask_babel import lazy_gettext as _l

from webapp.kinds.base import Kind, People
from webapp.kinds.fields import Field

KIND = Kind(
    code="contest",
    label=_l("Contest"),
    description=_l("A knowledge or talent contest about gender equality."),
    participants=(_l("Audience: men"), _l("Audience: women")),
    people=(People("contestants", "contestants_male", "contestants_female"),),
    position=40,
    fields=(
        Field("contest_name", _l("Contest name"), "text", required=True, max_length=300),
        Field("teams", _l("Teams"), "int", required=True, maximum=1000, report=True),
        Field("contestants_male", _l("Contestants: men"), "int", maximum=10_000, report=True),
        Field("contestants_female", _l("Contestants: women"), "int", maximum=10_000, report=True),
        Field("audience", _l("Audience"), "int", maximum=100_000, legacy=True,
              api_note="Older clients' single audience count: kept as sent, not summed; the audience by sex "
                       "is participants_male / participants_female, which feed the headline."),
        Field("prizes", _l("Prizes"), "text", max_length=500),
    ),
)
