"""What identifies a person in free text: phone and ID numbers always, and a name, an age or an address
written next to a word for a victim of violence (domain.md, Privacy: nothing identifying a victim is stored).

The rules are regular expressions written so that Python and the browser (``static/js/identity-check.js``,
which warns while the person types) read them alike; the server refuses, the phone only warns.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

UPPER = "A-ZÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
WORD_START = r'(?<![^\s(“"‘:,;.\-])'  # at the start of the text or after a space or punctuation
NAME_WORD = rf'[{UPPER}][^\s0-9.,;:!?()"“”]*'
SURNAMES = ("Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đinh|Lương|Trịnh|Đoàn|"
            "Mai|Cao|Lâm|Tô|Trương|Lưu|Tạ|Thái|Chu|Quách|Kiều|Triệu|Đào|Vương|Hứa|Châu|Tăng|Lò|Nông|Hầu|"
            "Giàng|Sùng|Vi|Hà|La|Lại|Khúc|Mạc|Thân|Doãn|Phùng|Tống|Lục|Văn")
HONORIFICS = "[Cc]hị|[Aa]nh|[Bb]à|[Ôô]ng|[Cc]háu|[Ee]m|[Cc]ô|[Cc]hú|[Bb]ác|[Bb]é"
# A name right after one of these is a place ("thôn Lê Xá"), not a person.
PLACE_BEFORE = r"(?:thôn|xóm|xã|huyện|tỉnh|phường|ấp|bản|làng|phố|đường|quận|trấn|trường|tại|ở|hội|hóa|hoá)[ ]*$"
# A name followed by one of these is someone's office ("ông Nguyễn Văn Nam, trưởng thôn"), not a victim.
OFFICE_AFTER = (r"^[ ,(\-–]*(?:trưởng|phó|chủ tịch|bí thư|cán bộ|công an|giảng viên|báo cáo viên|chủ nhiệm|"
                r"hội trưởng|chi hội trưởng|tổ trưởng|y tá|bác sĩ|đại diện|chuyên viên|giáo viên|hiệu trưởng|"
                r"tuyên truyền viên|trưởng ban|đồng chí)")
VICTIM = (r"nạn nhân|người bị hại|bị (?:bạo lực|bạo hành|chồng|vợ|đánh|hại|xâm hại|hành hạ|ngược đãi|cưỡng|"
          r"hiếp|lạm dụng|quấy rối|mua bán|buôn bán|đuổi|đe dọa|đe doạ)")
VICTIM_WINDOW = 150  # characters on either side in which a victim word makes a name, age or address identifying
# An amount written with thousand-dots ("125.000.000"), with or without "đồng", is not an ID number
# (an ID in groups of three starts with 0: "001.203.004.567" is still refused).
AMOUNT = r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+(?![.,]?[0-9])"
MONEY_AFTER = r"^[ ]*(?:đ|đồng|vnđ|vnd|triệu|nghìn|ngàn|tỷ)(?![a-zà-ỹ])"


@dataclass(frozen=True)
class Rule:
    """One shape of personal data; ``near_victim``: only refused within the window of a victim word."""

    code: str
    pattern: str
    message: Any
    ignore_case: bool = False
    near_victim: bool = False
    not_before: str | None = None  # refused unless the text before the match ends like this
    not_after: str | None = None  # refused unless the text after the match starts like this

    def compiled(self) -> re.Pattern:
        """The Python pattern."""
        return re.compile(self.pattern, re.IGNORECASE if self.ignore_case else 0)


RULES = (
    Rule("phone", r"(?<![0-9A-Za-z+])(?:\(\+?84\)|\+84|84|0)[ .\-]?[1-9](?:[ .\-]?[0-9]){8,9}(?![0-9])",
         _l("Remove the phone number “%(found)s”: no phone or ID number may be stored.")),
    Rule("id", rf"(?<![0-9A-Za-z.,])(?!{AMOUNT})[0-9](?:[ .\-]?[0-9]){{8}}(?:(?:[ .\-]?[0-9]){{3}})?(?![0-9]|[.,][0-9])",
         _l("Remove the ID card number “%(found)s”: no phone or ID number may be stored."),
         not_after=MONEY_AFTER),
    Rule("name", rf"{WORD_START}(?:{HONORIFICS})[ ]+{NAME_WORD}(?:[ ]+{NAME_WORD}){{0,3}}",
         _l("Remove the name “%(found)s”: nothing that identifies a victim of violence may be stored "
            "(write “a woman”, “a child”)."), near_victim=True, not_after=OFFICE_AFTER),
    Rule("name", rf"{WORD_START}(?:{SURNAMES})(?:[ ]+{NAME_WORD}){{1,3}}",
         _l("Remove the name “%(found)s”: nothing that identifies a victim of violence may be stored "
            "(write “a woman”, “a child”)."), near_victim=True, not_before=PLACE_BEFORE, not_after=OFFICE_AFTER),
    Rule("age", r"(?<![0-9])[0-9]{1,3}[ ]*tuổi|sinh năm[ ]*[0-9]{4}",
         _l("Remove the age “%(found)s”: nothing that identifies a victim of violence may be stored."),
         ignore_case=True, near_victim=True),
    Rule("address", r"(?:nhà số|số nhà)[ ]*[0-9]+[0-9/A-Za-z]*|(?:số|ngõ|ngách|hẻm|kiệt)[ ]*[0-9]+[0-9/A-Za-z]*"
                    r"[ ,]*(?:đường|phố|ngõ|ngách|hẻm)",
         _l("Remove the address “%(found)s”: nothing that identifies a victim of violence may be stored."),
         ignore_case=True, near_victim=True),
)
_COMPILED = [(rule, rule.compiled()) for rule in RULES]
_VICTIM = re.compile(VICTIM, re.IGNORECASE)
_BEFORE = {rule.not_before: re.compile(rule.not_before, re.IGNORECASE) for rule in RULES if rule.not_before}
_AFTER = {rule.not_after: re.compile(rule.not_after, re.IGNORECASE) for rule in RULES if rule.not_after}


def _near_victim(text: str, start: int, end: int) -> bool:
    """Whether a victim word lies within the window around ``text[start:end]``."""
    return _VICTIM.search(text[max(0, start - VICTIM_WINDOW):end + VICTIM_WINDOW]) is not None


def find_all(text: str) -> list[tuple[Rule, str]]:
    """Each kind of personal data ``text`` holds (the first part of each kind to remove), in rule order."""
    text = unicodedata.normalize("NFC", text or "")
    found: dict[str, tuple[Rule, str]] = {}
    for rule, pattern in _COMPILED:
        if rule.code in found:
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if rule.not_before and _BEFORE[rule.not_before].search(text[max(0, start - 30):start]):
                continue
            if rule.not_after and _AFTER[rule.not_after].search(text[end:end + 40]):
                continue
            if rule.near_victim and not _near_victim(text, start, end):
                continue
            found[rule.code] = (rule, match.group(0).strip())
            break
    return list(found.values())


def problem(text: str) -> str | None:
    """The message saying what to remove from ``text`` (each kind found), or None when it identifies nobody."""
    return " ".join(str(rule.message) % {"found": part[:60]} for rule, part in find_all(text)) or None


def client_rules() -> dict:
    """The rules for the entry form's script (the same patterns; messages in the page's language)."""
    return {
        "victim": VICTIM, "window": VICTIM_WINDOW,
        "rules": [{"code": rule.code, "pattern": rule.pattern, "flags": "iu" if rule.ignore_case else "u",
                   "near_victim": rule.near_victim, "not_before": rule.not_before, "not_after": rule.not_after,
                   "message": str(rule.message)} for rule in RULES],
        "title": _("This text seems to identify a person; it will be refused when saved:"),
    }
