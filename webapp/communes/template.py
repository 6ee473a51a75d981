"""What a new commune starts with: its units, topics, action months and report settings.

The admin sees this as a preview (``build``) and may leave out units or change the villages before
anything is saved. Names are made from the commune's own name; nothing is copied from the demo.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from webapp.text import fold

# (key, name pattern, unit type); "{commune}" is the commune's name ("xã Thanh Trì").
UNITS = (
    ("ubnd", "Ủy ban nhân dân {commune}", "agency"),
    ("hlhpn", "Hội Liên hiệp Phụ nữ {commune}", "organisation"),
    ("mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam {commune}", "organisation"),
    ("doan-tn", "Đoàn Thanh niên Cộng sản Hồ Chí Minh {commune}", "organisation"),
    ("hoi-nd", "Hội Nông dân {commune}", "organisation"),
    ("hoi-ccb", "Hội Cựu chiến binh {commune}", "organisation"),
    ("cong-an", "Công an {commune}", "agency"),
    ("tram-y-te", "Trạm Y tế {commune}", "agency"),
    ("truong-hoc", "Các trường học {commune}", "agency"),
    ("truyen-thanh", "Đài Truyền thanh {commune}", "agency"),
)
# The unit under which each village gets its women's-union branch.
BRANCH_PARENT = "hlhpn"
BRANCH_NAME = "Chi hội Phụ nữ {village}"

TOPICS = (
    ("luat-bdg-2006", "Luật Bình đẳng giới 2006"),
    ("luat-pcbldg-2022", "Luật Phòng, chống bạo lực gia đình 2022"),
    ("luat-hngd", "Luật Hôn nhân và gia đình"),
    ("luat-tre-em", "Luật Trẻ em"),
    ("mua-ban-nguoi", "Phòng, chống mua bán người"),
    ("xam-hai-tinh-duc", "Phòng, chống xâm hại tình dục"),
    ("mcbgt-khi-sinh", "Mất cân bằng giới tính khi sinh"),
    ("tao-hon", "Tảo hôn, hôn nhân cận huyết thống"),
    ("an-toan-mang", "An toàn trên không gian mạng"),
    ("chien-luoc-bdg", "Chiến lược quốc gia về bình đẳng giới 2021 - 2030"),
)
# (code, name, start month, start day, end month, end day): the two action months of every year.
CAMPAIGNS = (
    ("thang-hd-pcbldg", "Tháng hành động phòng, chống bạo lực gia đình (tháng 6)", 6, 1, 6, 30),
    ("thang-hd-bdg", "Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới "
                     "(15/11 - 15/12)", 11, 15, 12, 15),
)
_NOT_CODE = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """``Thôn Đông Hà`` → ``thon-dong-ha`` (for unit and village codes)."""
    return _NOT_CODE.sub("-", fold(text)).strip("-")[:40] or "x"


def lower_first(name: str) -> str:
    """``Xã Thanh Trì`` → ``xã Thanh Trì`` (inside a unit's name)."""
    return name[:1].lower() + name[1:]


def village_names(text: str) -> list[str]:
    """The villages typed one per line (blank lines and repeats dropped, order kept)."""
    names: list[str] = []
    for line in (text or "").replace("\r", "").split("\n"):
        name = " ".join(line.split())[:200]
        if name and fold(name) not in {fold(n) for n in names}:
            names.append(name)
    return names


@dataclass
class PlannedUnit:
    """A unit the new commune will have."""

    key: str
    code: str
    name: str
    type: str
    parent_key: str | None = None
    village: str | None = None


@dataclass
class CommunePlan:
    """Everything creating the commune will add, for the admin to review."""

    code: str
    name: str
    official_code: str | None
    province_name: str
    units: list[PlannedUnit] = field(default_factory=list)
    villages: list[tuple[str, str]] = field(default_factory=list)
    topics: tuple = TOPICS
    campaigns: tuple = CAMPAIGNS

    def village_code(self, name: str) -> str:
        """The code of a village of this commune."""
        return dict((n, c) for c, n in self.villages)[name]


def branch_code(commune_code: str, village_code: str) -> str:
    """The unit code of the women's-union branch of a village."""
    return f"{commune_code}-pn-{village_code[len(commune_code) + 1:]}"


def build(code: str, name: str, official_code: str | None, province_name: str, villages: list[str],
          leave_out: set[str] = frozenset()) -> CommunePlan:
    """The commune's default structure: its units (less ``leave_out``), one branch per village."""
    plan = CommunePlan(code=code, name=name, official_code=official_code, province_name=province_name)
    inner = lower_first(name)
    for key, pattern, unit_type in UNITS:
        if key in leave_out and key != BRANCH_PARENT:
            continue
        plan.units.append(PlannedUnit(key, f"{code}-{key}", pattern.format(commune=inner), unit_type))
    used: set[str] = set()
    for village in villages:
        vcode = f"{code}-{slug(village)}"
        while vcode in used:
            vcode += "-2"
        used.add(vcode)
        plan.villages.append((vcode, village))
        plan.units.append(PlannedUnit(f"branch:{vcode}", branch_code(code, vcode),
                                      BRANCH_NAME.format(village=lower_first(village)), "branch",
                                      parent_key=BRANCH_PARENT, village=vcode))
    return plan


def report_settings(name: str, short_name: str) -> dict:
    """The report's header and signature block for a new commune (every line editable later)."""
    return {"parent_body": "", "issuing_body": f"ỦY BAN NHÂN DÂN\n{name.upper()}", "place_name": short_name,
            "report_number": "", "number_suffix": "BC-UBND", "signer_authority": "TM. ỦY BAN NHÂN DÂN",
            "signer_deputy": "KT. CHỦ TỊCH", "signer_title": "PHÓ CHỦ TỊCH", "signer_name": "",
            "recipients": "- Thường trực Đảng ủy, HĐND xã;\n- Các ngành, đoàn thể liên quan;\n- Lưu: VT.",
            "font_size": 14}
