"""The password rules: the vendored common list, the patterns it leaves out, the username, and
the demo password still passing them."""
import pytest

from office.demo import DEMO_PASSWORD, STAFF
from office.people import passwords
from office.people.accounts import AccountError, check_password_rules, create_user


def test_the_list_holds_the_10000_most_common_in_lower_case():
    common = passwords.common_passwords()
    assert len(common) == 10_000
    assert {"123456", "password", "12345678", "qwerty", "1qaz2wsx", "password1"} <= common
    assert all(word == word.lower() for word in common)


@pytest.mark.parametrize("password", [
    "12345678", "PASSWORD1", "Qwerty123", "iloveyou",  # on the list, any case
    "aaaaaaaa", "88888888", "12121212", "passpass", "abcabcabc",  # a short block repeated
    "abcdefgh", "87654321", "ZYXWVUTS",  # straight runs
])
def test_common_passwords_and_patterns(password):
    assert passwords.is_common(password)


@pytest.mark.parametrize("password", [
    "quiet-river-42", "welcome-2026", "demo1234", "correcthorsecorrecthorse", "13579bdf",
])
def test_other_passwords_pass(password):
    assert not passwords.is_common(password)


def test_username_inside_the_password_case_insensitive():
    assert passwords.contains_username("My-XiaoLi-1", "xiaoli")
    assert not passwords.contains_username("reliable-42", "li")  # too short a name to look for


def test_rules_messages_are_chinese(app):
    with app.test_request_context():
        with pytest.raises(AccountError, match="这个密码太常见"):
            check_password_rules("aaaaaaaa", "xiaoli")
        with pytest.raises(AccountError, match="密码不能包含用户名"):
            check_password_rules("xiaoli-2026", "xiaoli")


def test_create_user_refuses_a_common_password_unless_a_test_asks(app):
    with pytest.raises(AccountError) as refused:
        create_user("xunuo", "password123")
    assert refused.value.field == "password"
    assert create_user("xunuo", "password123", allow_common_password=True).username == "xunuo"


def test_the_demo_password_passes_the_rules_for_every_demo_account(app):
    # office/demo.py seeds without any bypass; this keeps the demo password acceptable.
    for person in STAFF:
        check_password_rules(DEMO_PASSWORD, person[0])
