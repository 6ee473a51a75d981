"""Thanh Xá commune as the 2023 plan describes it: units, villages, topics, campaigns, demo users."""
from webapp.communes.template import TOPICS as NATIONAL_TOPICS

COMMUNE = {"code": "xa-thanh-xa", "name": "Xã Thanh Xá"}

VILLAGES = [
    ("thon-thanh-xa", "Thôn Thanh Xá"),
    ("thon-le-xa", "Thôn Lê Xá"),
    ("thon-binh-lao", "Thôn Bình Lao"),
    ("thon-phu-tinh", "Thôn Phù Tinh"),
    ("thon-ha-xa", "Thôn Hà Xá"),
    ("thon-dong-linh", "Thôn Đông Lĩnh"),
]

# (code, name, type, parent code or None for the commune)
ORGANISATIONS = [
    ("hlhpn-thanh-xa", "Hội Liên hiệp Phụ nữ xã Thanh Xá", "organisation"),
    ("mttq-thanh-xa", "Ủy ban MTTQ Việt Nam xã Thanh Xá", "organisation"),
    ("doan-tn-thanh-xa", "Đoàn Thanh niên xã Thanh Xá", "organisation"),
    ("hoi-nd-thanh-xa", "Hội Nông dân xã Thanh Xá", "organisation"),
    ("hoi-ccb-thanh-xa", "Hội Cựu chiến binh xã Thanh Xá", "organisation"),
    ("cong-an-thanh-xa", "Công an xã Thanh Xá", "agency"),
    ("tram-y-te-thanh-xa", "Trạm Y tế xã Thanh Xá", "agency"),
    ("thcs-thanh-xa", "Trường THCS Thanh Xá", "agency"),
    ("dai-truyen-thanh-thanh-xa", "Đài Truyền thanh xã Thanh Xá", "agency"),
]
# One women's-union branch per village, under the commune Women's Union.
BRANCH_PARENT = "hlhpn-thanh-xa"

# The national laws and programmes every commune's template has (webapp/communes/template.py), plus
# the Thanh Xá plan's own topic.
TOPICS = [*NATIONAL_TOPICS, ("cong-tac-phu-nu", "Nghị quyết 11-NQ/TW, Chỉ thị 21-CT/TW về công tác phụ nữ")]

# (code, name, start month, start day, end month, end day)
CAMPAIGNS = [
    ("thang-hd-pcbldg", "Tháng hành động phòng, chống bạo lực gia đình (tháng 6)", 6, 1, 6, 30),
    ("thang-hd-bdg", "Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực "
                     "trên cơ sở giới (15/11 - 15/12)", 11, 15, 12, 15),
    ("ngay-8-3", "Kỷ niệm Ngày Quốc tế Phụ nữ 8/3", 3, 1, 3, 8),
    ("ngay-20-10", "Kỷ niệm Ngày thành lập Hội LHPN Việt Nam 20/10", 10, 1, 10, 20),
]

DEMO_PASSWORD = "thanhxa-demo"
# (username, full name, role, unit code)
DEMO_USERS = [
    ("canbo1", "Nguyễn Thị Hoa", "field_staff", "chi-hoi-pn-thon-thanh-xa"),
    ("canbo2", "Trần Thị Lan", "field_staff", "chi-hoi-pn-thon-le-xa"),
    ("duyet", "Phạm Thị Thu", "supervisor", "hlhpn-thanh-xa"),
    ("tonghop", "Vũ Văn Nam", "officer", "xa-thanh-xa"),
    ("quantri", "Quản trị hệ thống", "admin", "xa-thanh-xa"),
]

# Who logs each unit's activities in the demo: invented people (the branch heads are women), so a list
# reads "Vũ Thị Hằng · Chi hội Phụ nữ thôn Bình Lao", never the unit's name twice.
STAFF_NAMES = {
    "hlhpn-thanh-xa": "Đỗ Thị Mai",
    "mttq-thanh-xa": "Nguyễn Văn Hùng",
    "doan-tn-thanh-xa": "Lê Minh Tuấn",
    "hoi-nd-thanh-xa": "Trần Văn Bình",
    "hoi-ccb-thanh-xa": "Phạm Văn Sơn",
    "cong-an-thanh-xa": "Hoàng Đức Thắng",
    "tram-y-te-thanh-xa": "Đinh Thị Hạnh",
    "thcs-thanh-xa": "Bùi Thị Ngọc Anh",
    "dai-truyen-thanh-thanh-xa": "Ngô Văn Quang",
    "chi-hoi-pn-thon-thanh-xa": "Lại Thị Xuân",
    "chi-hoi-pn-thon-le-xa": "Cao Thị Yến",
    "chi-hoi-pn-thon-binh-lao": "Vũ Thị Hằng",
    "chi-hoi-pn-thon-phu-tinh": "Đặng Thị Thủy",
    "chi-hoi-pn-thon-ha-xa": "Lương Thị Nga",
    "chi-hoi-pn-thon-dong-linh": "Trịnh Thị Huyền",
}
