"""Dates read the same everywhere (issue 14: "2026/11/22 08:19" on some pages, "2026-11-22 08:19"
on others, and "11/22/26, 8:19 AM" in English) and never break across lines."""
import datetime as dt
import re
from pathlib import Path

import pytest

from office.memos.delivery import create_memo
from office.models.people import User
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]


def test_templates_show_times_with_the_when_filter_only():
    # Babel's locale formats ("short") differ by language and from `when`; the audit trail alone
    # shows seconds, in the same year-month-day order.
    allowed = {"audit/_results.html": 'datetimeformat("yyyy-MM-dd HH:mm:ss")'}
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = path.relative_to(ROOT / "templates").as_posix()
        for match in re.finditer(r"datetimeformat\([^)]*\)", path.read_text(encoding="utf-8")):
            if allowed.get(name) != match.group(0):
                offenders.append(f"{name}: {match.group(0)}")
    assert not offenders, offenders


def test_times_do_not_wrap():
    css = (ROOT / "static/css/office.css").read_text(encoding="utf-8")
    assert re.search(r"(^|\n)time\s*\{[^}]*white-space:\s*nowrap", css)


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_profile_and_memo_dates_share_one_format(client, auth, locale):
    person = make_user("hejing", display_name="何静", locale=locale)
    User.update(created_at=dt.datetime(2026, 11, 22, 0, 19)).where(User.id == person.id).execute()
    create_memo(person, "备货", dt.datetime(2026, 11, 23, 1, 5), now=dt.datetime(2026, 11, 1))
    auth.login(person)
    profile = client.get("/people/hejing").get_data(as_text=True)
    assert ">2026-11-22 08:19</time>" in profile
    memos = client.get("/memos/").get_data(as_text=True)
    assert ">2026-11-23 09:05</time>" in memos
    for page in (profile, memos):
        assert not re.search(r"\d{4}/\d{1,2}/\d{1,2}|\d{1,2}/\d{1,2}/\d{2}", page)
