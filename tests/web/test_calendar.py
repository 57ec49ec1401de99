"""The office calendar's pages (issue 15, point 2): the month view for every signed-in user,
the editor for admins (periods, weekdays, adding and removing dates, importing a year's
schedule), a refused change answered 422 with nothing saved, and the month view's fixed
number of queries."""
from __future__ import annotations

import datetime as dt

import pytest
from playhouse.test_utils import assert_query_count

from office.calendar import calendars
from office.models.audit import AuditEvent
from office.models.calendar import HOLIDAY, MAKEUP, CalendarDay, CalendarSettings
from tests.conftest import hx

OCTOBER = "2026-10-01..2026-10-07 国庆节 放假\n2026-09-20 国庆节 调休上班\n2026-10-10 国庆节 调休上班"


@pytest.fixture
def october(app):
    CalendarDay.delete().execute()  # the same rows on both databases
    calendars.import_schedule(OCTOBER)


def _rows():
    return [(r.day.isoformat(), r.kind, r.name) for r in CalendarDay.select().order_by(CalendarDay.day)]


def test_staff_see_the_month_with_its_holidays_and_makeup_days(client, auth, staff, october):
    auth.login(staff)
    html = client.get("/calendar/?month=2026-10").get_data(as_text=True)
    assert "2026年10月" in html
    assert '<td class="cal-day cal-holiday">' in html and '<td class="cal-day cal-makeup">' in html
    assert "国庆节放假" in html and "国庆节调休上班" in html  # what each day is, for screen readers
    assert "2026-10-01 – 2026-10-07" in html  # the holiday listed as one span
    # 22 weekdays in October 2026, minus 5 holiday weekdays, plus Saturday 10-10.
    assert "本月共 18 个工作日" in html
    assert 'href="/calendar/edit' not in html  # staff may not edit
    assert 'href="/calendar/?month=2026-09"' in html and 'href="/calendar/?month=2026-11"' in html


def test_a_bad_month_shows_this_month(client, auth, staff):
    auth.login(staff)
    assert client.get("/calendar/?month=2026-13").status_code == 200
    assert client.get("/calendar/?month=abc").status_code == 200


def test_admins_see_the_edit_link_and_the_workbench_tiles(client, auth, admin):
    auth.login(admin)
    assert 'href="/calendar/edit?year=2026"' in client.get("/calendar/?month=2026-10").get_data(as_text=True)
    page = client.get("/workbench").get_data(as_text=True)
    assert 'class="workbench-tile" href="/calendar/edit"' in page and 'class="workbench-tile" href="/calendar/"' in page


def test_staff_see_the_calendar_tile_only(client, auth, staff):
    auth.login(staff)
    page = client.get("/workbench").get_data(as_text=True)
    assert 'href="/calendar/edit"' not in page and 'class="workbench-tile" href="/calendar/"' in page


def test_the_month_view_has_a_fixed_number_of_queries(client, auth, staff, october):
    auth.login(staff)
    client.get("/calendar/?month=2026-10")
    # session user, the calendar's settings and dates, the inbox badge, the navigation's order check, live cursor
    with assert_query_count(6):
        assert client.get("/calendar/?month=2026-10").status_code == 200
    calendars.import_schedule("\n".join(f"2026-{m:02d}-15 测试 放假" for m in range(1, 13)))
    with assert_query_count(6):
        assert client.get("/calendar/?month=2026-02").status_code == 200


def test_staff_may_not_edit(client, auth, staff, october):
    auth.login(staff)
    day = CalendarDay.get(CalendarDay.day == dt.date(2026, 10, 1))
    assert client.get("/calendar/edit").status_code == 403
    assert client.post("/calendar/import", data={"schedule": "2026-12-31 放假"}).status_code == 403
    assert client.post("/calendar/days", data={"day": "2026-12-31", "kind": HOLIDAY}).status_code == 403
    assert client.post(f"/calendar/days/{day.id}/delete").status_code == 403
    assert client.post("/calendar/hours", data={"periods": "00:00-23:00", "workdays": "1"}).status_code == 403
    assert len(_rows()) == 9 and CalendarDay.get_or_none(CalendarDay.day == dt.date(2026, 12, 31)) is None


def test_the_editor_lists_the_years_dates(client, auth, admin, october):
    auth.login(admin)
    html = client.get("/calendar/edit?year=2026").get_data(as_text=True)
    assert html.count('id="cal-day-') == 3 and "删除 2026-10-10" in html
    assert "删除 2026-10-01 – 2026-10-07" in html  # a holiday's days are one row, removed together
    assert 'value="09:00-12:00, 13:30-18:00"' in html
    assert "2027 年还没有节假日" in client.get("/calendar/edit?year=2027").get_data(as_text=True)


def test_admin_saves_working_hours(client, auth, admin):
    auth.login(admin)
    response = client.post("/calendar/hours?year=2026", data={"periods": "08:30-12:00，13:00-17:30",
                                                              "workdays": ["1", "2", "3", "4", "5", "6"]})
    assert response.status_code == 303 and response.headers["Location"] == "/calendar/edit?year=2026"
    row = CalendarSettings.get()
    assert (row.periods, row.workdays) == ("08:30-12:00,13:00-17:30", "123456")
    assert "工作时间已保存" in client.get("/calendar/edit?year=2026").get_data(as_text=True)


@pytest.mark.parametrize("periods,workdays,message", [
    ("13:30-18:00, 09:00-12:00", ["1"], "重叠或顺序颠倒"),
    ("09:00-12:00, 11:30-18:00", ["1"], "09:00-12:00 与 11:30-18:00 重叠"),
    ("九点到六点", ["1"], "不是 09:00-12:00 这样的时段"),
    ("09:00-18:00", [], "请至少选择一个工作日"),
])
def test_bad_hours_are_refused_with_nothing_saved(client, auth, admin, periods, workdays, message):
    auth.login(admin)
    before = [(r.periods, r.workdays) for r in CalendarSettings.select()]
    response = client.post("/calendar/hours", data={"periods": periods, "workdays": workdays})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert f'value="{periods}"' in html  # what was typed stays in the box
    assert [(r.periods, r.workdays) for r in CalendarSettings.select()] == before


def test_admin_imports_a_schedule(client, auth, admin):
    auth.login(admin)
    CalendarDay.delete().execute()
    response = client.post("/calendar/import", data={"schedule": OCTOBER})
    assert response.status_code == 303 and response.headers["Location"] == "/calendar/edit?year=2026"
    assert len(_rows()) == 9 and _rows()[0] == ("2026-09-20", MAKEUP, "国庆节")
    assert "新增 9 天" in client.get("/calendar/edit").get_data(as_text=True)
    event = AuditEvent.get(AuditEvent.action == calendars.CALENDAR_CHANGED)
    assert (event.actor_id, event.subject) == (admin.id, "2026-09-20..2026-10-10")
    assert "办公日历已修改" in client.get("/audit/").get_data(as_text=True)


def test_a_bad_line_refuses_the_whole_import(client, auth, admin, october):
    auth.login(admin)
    before, events = _rows(), AuditEvent.select().count()
    text = "2027-01-01..2027-01-03 元旦 放假\n2027-02-30 春节 调休上班\n2027-10-01 国庆节 休假吧"
    response = client.post("/calendar/import", data={"schedule": text})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 2 行：“2027-02-30 春节 调休上班”中的日期不存在" in html
    assert "第 3 行：“2027-10-01 国庆节 休假吧”结尾不是“放假”或“调休上班”" in html
    assert "第 1 行" not in html
    assert "2027-01-01..2027-01-03 元旦 放假" in html  # the paste is kept to fix
    assert _rows() == before
    assert AuditEvent.select().count() == events


def test_htmx_gets_the_same_refusal(client, auth, admin):
    auth.login(admin)
    response = hx(client, "post", "/calendar/import", target="main", data={"schedule": "明年 放假"})
    assert response.status_code == 422 and "第 1 行" in response.get_data(as_text=True)


def test_admin_adds_and_removes_a_date(client, auth, admin, october):
    auth.login(admin)
    response = client.post("/calendar/days", data={"day": "2026-12-31", "kind": HOLIDAY, "name": "公司年会"})
    assert response.status_code == 303 and response.headers["Location"] == "/calendar/edit?year=2026"
    added = CalendarDay.get(CalendarDay.day == dt.date(2026, 12, 31))
    assert (added.kind, added.name) == (HOLIDAY, "公司年会")
    duplicate = client.post("/calendar/days", data={"day": "2026-12-31", "kind": MAKEUP, "name": ""})
    assert duplicate.status_code == 422 and "已在日历中（公司年会）" in duplicate.get_data(as_text=True)
    bad = client.post("/calendar/days", data={"day": "2026-12-32", "kind": HOLIDAY})
    assert bad.status_code == 422 and len(_rows()) == 10
    assert client.post(f"/calendar/days/{added.id}/delete", data={"year": "2026"}).status_code == 303
    assert CalendarDay.get_or_none(CalendarDay.id == added.id) is None
    assert client.post(f"/calendar/days/{added.id}/delete").status_code == 404
    first = CalendarDay.get(CalendarDay.day == dt.date(2026, 10, 1))
    response = client.post(f"/calendar/days/{first.id}/delete", data={"until": "2026-10-07"})
    assert response.status_code == 303 and _rows() == [("2026-09-20", MAKEUP, "国庆节"), ("2026-10-10", MAKEUP, "国庆节")]
