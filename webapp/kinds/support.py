"""Support (Hỗ trợ): counts only — nothing that identifies who was helped (domain.md, Privacy)."""
from flask_babel import lazy_gettext as _l

from webapp.kinds.base import Kind
from webapp.kinds.fields import Field

KIND = Kind(
    code="support",
    label=_l("Support"),
    description=_l("Support given, as counts only: never names or addresses."),
    position=100,
    fields=(
        Field("recipients_male", _l("Recipients: men"), "int", maximum=100_000, report=True, sensitive=True),
        Field("recipients_female", _l("Recipients: women"), "int", maximum=100_000, report=True, sensitive=True),
        Field("recipients_children", _l("Recipients: children"), "int", maximum=100_000, report=True,
              sensitive=True),
        Field("value_vnd", _l("Value (VND)"), "money", report=True),
    ),
)
