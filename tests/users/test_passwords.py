"""The password policy (ASVS V2.1): one function, applied wherever a person chooses a password."""
import pytest
import sqlalchemy as sa

from tests.users.conftest import login, user_id
from webapp.auth.models import User
from webapp.auth.passwords import MAX_LENGTH, password_problem
from webapp.extensions import db

PERSON = {"username": "canbo7", "full_name": "Nguyễn Thị Hoa", "communes": ["Xã Thanh Xá"]}


@pytest.mark.parametrize("password, reason", [
    ("ngan-7", "ít nhất 8 ký tự"),
    ("x" * (MAX_LENGTH + 1), "tối đa 128 ký tự"),
    ("123456789", "phổ biến"),
    ("password123", "phổ biến"),
    ("Matkhau@123", "phổ biến"),
    ("canbo7canbo7", "tên đăng nhập"),
    ("nguyenthihoa", "tên đăng nhập, họ tên"),
    ("Hoa12345678", "tên đăng nhập, họ tên"),
    ("thanhxa-demo", "tên xã"),
    ("ThanhXa2024!", "tên xã"),
    ("aaaaaaaaaaaa", "quá dễ đoán"),
    ("qwertyuiop", "phổ biến"),
])
def test_weak_passwords_are_refused_with_a_vietnamese_reason(app, password, reason):
    """Too short or long, common or leaked, or built from the person or commune: refused, saying why."""
    with app.test_request_context():
        problem = password_problem(password, **PERSON)
    assert problem is not None and reason in problem, (password, problem)


@pytest.mark.parametrize("password", [
    "lúa chín vàng đồng quê",           # a Vietnamese passphrase (Unicode, spaces)
    "correct horse battery staple",
    "xk7-pq2-mw9r",
    "bích ngọc " * 12 + "trên đồi",     # long: 128 characters are allowed
])
def test_passphrases_pass(app, password):
    """Long passphrases of ordinary words pass, up to 128 characters; no character-class rules."""
    assert len(password) <= MAX_LENGTH
    with app.test_request_context():
        assert password_problem(password, **PERSON) is None


def test_nfc_and_nfd_spellings_are_one_password(app, commune):
    """"ộ" typed precomposed or decomposed signs in alike (the hash is of the NFC form)."""
    import unicodedata

    with app.app_context():
        person = db.session.scalar(sa.select(User).where(User.username == "canbo1"))
        person.set_password(unicodedata.normalize("NFC", "đồng lúa chín rộ"))
        db.session.commit()
        assert person.check_password(unicodedata.normalize("NFD", "đồng lúa chín rộ"))


def test_demo_password_still_signs_the_demo_users_in(app, commune):
    """The seed creates demo users below the policy on purpose: ``thanhxa-demo`` works for each."""
    for username in ("canbo1", "canbo2", "duyet", "tonghop", "quantri"):
        login(app, username)


def test_profile_change_applies_the_policy(app, client, auth, commune):
    """A weak new password on the profile page: 400, the Vietnamese reason, the old password kept."""
    auth.login()
    response = client.post("/profile", data={"current": "thanhxa-demo", "new": "canbo1-thanhxa",
                                             "confirm": "canbo1-thanhxa"})
    assert response.status_code == 400
    assert "không được tạo từ tên đăng nhập".encode() in response.data
    login(app, "canbo1")


def test_create_user_command_applies_the_policy(app, runner, commune):
    """``flask create-user`` refuses a weak password with the reason and adds nobody."""
    result = runner.invoke(args=["create-user", "canbo9", "--role", "field_staff", "--unit",
                                 "chi-hoi-pn-thon-ha-xa", "--password", "12345678"])
    assert result.exit_code != 0 and "password" in result.output.lower()
    assert user_id(app, "canbo9") is None
