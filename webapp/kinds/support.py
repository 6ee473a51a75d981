"""Support (Hỗ trợ): counts only — nothing that identifies who was helped (domain.md, Privacy)."""
from flask_babel import lazy_gettext as _l

from webapp.kinds.base import Kind, People
from webapp.kinds.rules import total_of
from webapp.kinds.fields import Field

KIND = Kind(
    code="support",
    label=_l("Support"),
    description=_l("Support given, as counts only: never names or addresses."),
    people=(People("recipients", "recipients_male", "recipients_female"),
            People("child_recipients", "recipients_boys", "recipients_girls")),
    rules=(total_of("recipients_children", ["recipients_boys", "recipients_girls"]),),
    position=100,
    fields=(
        Field("recipients_male", _l("Recipients: men"), "int", maximum=100_000, report=True, sensitive=True),
        Field("recipients_female", _l("Recipients: women"), "int", maximum=100_000, report=True, sensitive=True),
        Field("recipients_boys", _l("Recipients: boys"), "int", maximum=100_000, report=True, sensitive=True),
        Field("recipients_girls", _l("Recipients: girls"), "int", maximum=100_000, report=True, sensitive=True),
        Field("recipients_children", _l("Recipients: children"), "int", maximum=200_000, report=True,
              sensitive=True, legacy=True,
              api_note="Older clients' single count of children: kept as sent and counted in the children total; "
                       "computed as recipients_boys + recipients_girls when those are sent."),
        Field("value_vnd", _l("Value (VND)"), "money", report=True),
    ),
)
