"""Leave (issue 14, point 4): days counted from the dates on the server (a typed value is ignored,
a weekend-only leave refused), the form showing the count and the balance live, balances over
approved, pending, rejected and withdrawn requests and across New Year, the request page's
summary and decision for the approver, and distinct labels for an approval opinion and a comment."""
import datetime as dt
import json
import re

import pytest
from flask_babel import gettext

from office.approvals import engine, leave
from office.models.approvals import ApprovalRequest, ApprovalTemplate, LeaveRecord
from tests.conftest import hx
from tests.factories import approval_org, make_user

NOW = dt.datetime(2026, 11, 20, 2, 0)


@pytest.fixture
def org(app):
    org = approval_org()
    return {**org, "colleague": make_user("wuqian", department=org["tmall"], display_name="吴倩")}


def _t(app, text, **kw):
    with app.test_request_context():
        return gettext(text, **kw)


def _template():
    return ApprovalTemplate.get(ApprovalTemplate.key == "leave")


def _leave(user, start, end, kind="年假", days="1", cc=()):
    raw = {"leave_type": kind, "dates_start": start, "dates_end": end, "days": days, "reason": "回老家"}
    return engine.submit(_template(), user, raw, cc=list(cc), now=NOW).request


def _balance(user, year=2026, kind="年假", **kw):
    return leave.balance(user.id, kind, year, **kw)


# --- counting -----------------------------------------------------------------------------------

def test_working_days_count_monday_to_friday_both_ends_included(app):
    d = dt.date
    assert leave.working_days(d(2026, 12, 7), d(2026, 12, 7)) == 1  # a Monday
    assert leave.working_days(d(2026, 12, 7), d(2026, 12, 11)) == 5  # Monday to Friday
    assert leave.working_days(d(2026, 12, 4), d(2026, 12, 7)) == 2  # Friday to Monday: the weekend is free
    assert leave.working_days(d(2026, 12, 5), d(2026, 12, 6)) == 0  # Saturday and Sunday
    assert leave.working_days(d(2026, 12, 1), d(2026, 12, 31)) == 23
    assert leave.working_days(d(2026, 12, 8), d(2026, 12, 7)) == 0


# The State Council's 2026 National Day: 10-01 to 10-07 off, Sunday 09-20 and Saturday 10-10 worked.
NATIONAL_DAY_2026 = """2026-09-25..2026-09-27 中秋节 放假
2026-10-01..2026-10-07 国庆节 放假
2026-09-20 国庆节 调休上班
2026-10-10 国庆节 调休上班"""


@pytest.fixture
def national_day(app):
    from office.calendar import calendars
    from office.models.calendar import CalendarDay

    CalendarDay.delete().execute()  # the same rows on both databases, whatever the migration seeded
    calendars.import_schedule(NATIONAL_DAY_2026)


def test_leave_counts_on_the_office_calendar_across_national_day(national_day):
    d = dt.date
    # Monday 09-28 to Saturday 10-10: 09-28, 09-29, 09-30, 10-08, 10-09 and the 调休 Saturday 10-10.
    assert leave.working_days(d(2026, 9, 28), d(2026, 10, 10)) == 6
    assert leave.working_days(d(2026, 10, 1), d(2026, 10, 7)) == 0  # the holiday alone takes no leave
    assert leave.working_days(d(2026, 9, 19), d(2026, 9, 20)) == 1  # Sunday 09-20 is worked
    assert leave.working_days(d(2026, 9, 25), d(2026, 9, 25)) == 0  # 中秋节 on a Friday
    assert leave.is_working_day(d(2026, 10, 10)) and not leave.is_working_day(d(2026, 10, 5))


def test_a_leave_filed_across_national_day_stores_the_calendar_count(client, auth, org, national_day):
    auth.login(org["staff"])
    response = client.post("/approvals/new/leave", data={"leave_type": "年假", "dates_start": "2026-09-28",
                                                         "dates_end": "2026-10-10", "days": "13", "reason": "回老家"})
    assert response.status_code == 303
    request = ApprovalRequest.select().order_by(ApprovalRequest.id.desc()).first()
    assert json.loads(request.data)["days"] == 6
    # A leave inside the holiday holds no working day and is refused at its dates.
    refused = client.post("/approvals/new/leave", data={"leave_type": "年假", "dates_start": "2026-10-02",
                                                        "dates_end": "2026-10-05", "reason": "x"})
    assert refused.status_code == 422 and ApprovalRequest.select().count() == 1


def test_filed_days_are_counted_on_the_server_whatever_the_form_says(client, auth, org):
    auth.login(org["staff"])
    # Friday 12-04 to Tuesday 12-08: three working days; the form claims half a day.
    response = client.post("/approvals/new/leave", data={"leave_type": "事假", "dates_start": "2026-12-04",
                                                         "dates_end": "2026-12-08", "days": "0.5", "reason": "搬家"})
    assert response.status_code == 303
    request = ApprovalRequest.select().order_by(ApprovalRequest.id.desc()).first()
    assert json.loads(request.data)["days"] == 3
    html = client.get(f"/approvals/{request.id}").get_data(as_text=True)
    assert _t(client.application, "%(days)s day", days="3").replace("3", "") in html
    assert _t(client.application, "working days (on the office calendar) of %(n)d calendar days", n=5) in html


def test_a_leave_without_days_field_sent_is_filed_too(client, auth, org):
    auth.login(org["staff"])
    response = client.post("/approvals/new/leave", data={"leave_type": "年假", "dates_start": "2026-12-07",
                                                         "dates_end": "2026-12-07", "reason": "体检"})
    assert response.status_code == 303
    assert json.loads(ApprovalRequest.select().order_by(ApprovalRequest.id.desc()).first().data)["days"] == 1


def test_more_than_three_counted_days_adds_the_director_whatever_is_typed(client, auth, org):
    auth.login(org["staff"])
    request = _leave(org["staff"], "2026-12-07", "2026-12-11", days="1")  # 5 working days
    assert [s.approvers[0].user.display_name for s in engine.preview(_template(), org["staff"],
                                                                      json.loads(request.data))] == ["李娜", "陈建华"]


def test_a_weekend_only_leave_is_refused_at_its_dates(app, client, auth, org):
    auth.login(org["staff"])
    response = client.post("/approvals/new/leave", data={"leave_type": "年假", "dates_start": "2026-12-05",
                                                         "dates_end": "2026-12-06", "days": "2", "reason": "x"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="f-dates-error"' in html
    assert _t(app, "These dates hold no working day (weekends and holidays do not count).") in html
    assert ApprovalRequest.select().count() == 0


# --- the form -------------------------------------------------------------------------------------

def test_the_form_shows_how_days_are_counted_and_no_box_to_type_them(app, client, auth, org):
    auth.login(org["staff"])
    html = client.get("/approvals/new/leave").get_data(as_text=True)
    assert 'name="days"' not in html
    assert 'id="leave-summary"' in html and 'id="leave-days"' in html
    assert _t(app, "Choose the dates") in html
    assert _t(app, "Counted for you in working days on the office calendar, the first and last day included: "
                   "weekends and holidays are not counted, 调休 make-up working days are.") in html


def test_the_preview_returns_the_counted_days_and_balance_out_of_band(app, client, auth, org):
    _leave(org["staff"], "2026-11-23", "2026-11-24")  # 2 days 年假 pending
    auth.login(org["staff"])
    response = hx(client, "post", "/approvals/new/leave/preview", target="route-preview",
                  data={"leave_type": "年假", "dates_start": "2026-12-07", "dates_end": "2026-12-09", "days": "99"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="route-preview"' in html
    summary = html[html.index('id="leave-summary"'):]
    assert 'hx-swap-oob="true"' in html[html.index('<div id="leave-summary"'):][:200]
    assert re.search(r'id="leave-days"[^>]*>\s*3\b', summary)
    assert _t(app, "%(allowance)s days a year, %(used)s used, %(left)s left", allowance="5", used="0", left="5") in summary
    assert _t(app, "; %(pending)s more waiting for approval", pending="2") in summary
    # A type without a yearly balance says so.
    html = hx(client, "post", "/approvals/new/leave/preview", target="route-preview",
              data={"leave_type": "病假", "dates_start": "2026-12-07", "dates_end": "2026-12-07"}).get_data(as_text=True)
    assert _t(app, "%(type)s has no yearly balance.", type="病假") in html


def test_the_form_without_javascript_shows_the_count_after_a_refusal(app, client, auth, org):
    auth.login(org["staff"])
    response = client.post("/approvals/new/leave", data={"leave_type": "年假", "dates_start": "2026-12-07",
                                                         "dates_end": "2026-12-08", "reason": ""})
    assert response.status_code == 422  # the reason is missing
    html = response.get_data(as_text=True)
    assert re.search(r'id="leave-days"[^>]*>\s*2\b', html)
    assert _t(app, "%(allowance)s days a year, %(used)s used, %(left)s left", allowance="5", used="0", left="5") in html


def test_a_returned_leave_filed_again_is_counted_again(client, auth, org):
    request = _leave(org["staff"], "2026-12-07", "2026-12-08")
    engine.return_to_initiator(request.id, org["head_tmall"], "日期改一下", now=NOW)
    auth.login(org["staff"])
    html = client.get(f"/approvals/{request.id}/resubmit").get_data(as_text=True)
    assert 'name="days"' not in html and re.search(r'id="leave-days"[^>]*>\s*2\b', html)
    response = client.post(f"/approvals/{request.id}/resubmit", data={
        "leave_type": "年假", "dates_start": "2026-12-07", "dates_end": "2026-12-11", "days": "2", "reason": "改期"})
    assert response.status_code == 303
    assert json.loads(ApprovalRequest.get_by_id(request.id).data)["days"] == 5


# --- balances -------------------------------------------------------------------------------------

def test_balance_counts_approved_apart_from_pending_and_ignores_rejected_and_withdrawn(app, org):
    staff, head = org["staff"], org["head_tmall"]
    assert _balance(staff) == leave.Balance("年假", 2026, 5.0, 0.0, 0.0)
    approved = _leave(staff, "2026-11-23", "2026-11-24")  # 2 days
    engine.approve(approved.id, head, now=NOW)
    pending = _leave(staff, "2026-11-26", "2026-11-26")  # 1 day
    engine.reject(_leave(staff, "2026-12-14", "2026-12-14").id, head, "旺季", now=NOW)
    engine.withdraw(_leave(staff, "2026-12-15", "2026-12-15").id, staff, now=NOW)
    _leave(staff, "2026-12-16", "2026-12-16", kind="事假")  # another type
    _leave(org["colleague"], "2026-12-16", "2026-12-18")  # someone else
    balance = _balance(staff)
    assert (balance.allowance, balance.used, balance.pending, balance.left, balance.left_after_pending) == (
        5.0, 2.0, 1.0, 3.0, 2.0)
    # The request on the page is shown apart from the other pending ones.
    assert _balance(staff, excluding=pending.id).pending == 0.0
    assert LeaveRecord.select().count() == 1


def test_a_person_s_own_allowance_and_the_company_default(app, org):
    staff = org["staff"]
    leave.set_allowance(staff.id, "年假", 10)
    assert _balance(staff).allowance == 10.0
    leave.set_allowance(staff.id, "年假", 12)  # set again: updated, not duplicated
    assert _balance(staff).allowance == 12.0
    leave.set_allowance(staff.id, "年假", None)
    assert _balance(staff).allowance == 5.0
    assert _balance(staff, kind="病假") is None  # no balance for a type not configured
    app.config["LEAVE_ALLOWANCES"] = {"年假": 5, "调休": 3}
    assert _balance(staff, kind="调休").allowance == 3.0


def test_leave_across_new_year_counts_in_each_year(app, org):
    staff, head = org["staff"], org["head_tmall"]
    # Wednesday 2026-12-30 to Tuesday 2027-01-05: 2 working days in 2026, 3 in 2027.
    request = _leave(staff, "2026-12-30", "2027-01-05")
    assert json.loads(request.data)["days"] == 5
    assert (_balance(staff, 2026).pending, _balance(staff, 2027).pending) == (2.0, 3.0)
    engine.approve(request.id, head, now=NOW)
    engine.approve(request.id, org["director"], now=NOW)  # more than 3 days: the director too
    assert (_balance(staff, 2026).used, _balance(staff, 2027).used) == (2.0, 3.0)
    assert (_balance(staff, 2026).pending, _balance(staff, 2027).pending) == (0.0, 0.0)
    assert _balance(staff, 2025).used == 0.0 and _balance(staff, 2028).used == 0.0


# --- the request page -----------------------------------------------------------------------------

def _section(html, request_id):
    return html[html.index(f'id="approval-{request_id}"'):]


def test_the_approver_sees_summary_then_decision_before_the_details(app, client, auth, org):
    engine.approve(_leave(org["staff"], "2026-11-23", "2026-11-24").id, org["head_tmall"], now=NOW)
    request = _leave(org["staff"], "2026-12-07", "2026-12-09", cc=[org["colleague"]])
    auth.login(org["head_tmall"])
    html = _section(client.get(f"/approvals/{request.id}").get_data(as_text=True), request.id)
    summary, decide = html.index("approval-summary"), html.index('class="card decide-form')
    details = html.index("approval-fields")
    assert summary < decide < details
    top = html[summary:decide]
    assert "年假" in top and "2026-12-07" in top and "2026-12-09" in top
    balance = top[top.index(f'id="approval-{request.id}-balance"'):]
    # 2 days used; this request's 3 days are not "pending" beside themselves.
    assert _t(app, "%(allowance)s days a year, %(used)s used, %(left)s left", allowance="5", used="2", left="3") in balance
    assert _t(app, "; %(pending)s more waiting for approval", pending="3") not in balance
    assert 'name="action" value="approve"' in html[decide:details]


def test_a_request_over_the_balance_is_flagged_to_the_approver(app, client, auth, org):
    leave.set_allowance(org["staff"].id, "年假", 1)
    request = _leave(org["staff"], "2026-12-07", "2026-12-08")
    auth.login(org["head_tmall"])
    html = client.get(f"/approvals/{request.id}").get_data(as_text=True)
    assert _t(app, "This request is more than what is left.") in html


def test_only_the_initiator_and_approvers_see_the_balance(app, client, auth, org):
    request = _leave(org["staff"], "2026-12-07", "2026-12-08", cc=[org["colleague"]])
    for user, sees in ((org["staff"], True), (org["head_tmall"], True), (org["colleague"], False)):
        auth.logout()
        auth.login(user)
        html = client.get(f"/approvals/{request.id}").get_data(as_text=True)
        assert (f'id="approval-{request.id}-balance"' in html) is sees, user.username
        assert "2026-12-07" in html  # the dates and days are part of the request itself


def _labels(html):
    """The visible text of each <label for=...> of a textarea on the page."""
    ids = re.findall(r'<textarea[^>]*\bid="([^"]+)"', html)
    labels = {}
    for fid in ids:
        match = re.search(r'<label[^>]*\bfor="%s"[^>]*>(.*?)</label>' % re.escape(fid), html, re.S)
        assert match, fid
        labels[fid] = re.sub(r"<[^>]+>", "", match.group(1)).strip()
    return labels


def test_the_opinion_and_the_comment_boxes_have_distinct_labels(app, client, auth, org):
    request = _leave(org["staff"], "2026-12-07", "2026-12-08")
    auth.login(org["head_tmall"])
    html = client.get(f"/approvals/{request.id}").get_data(as_text=True)
    labels = _labels(html)
    assert labels[f"decide-comment-{request.id}"] == _t(app, "Approval opinion")
    assert labels[f"comment-body-{request.id}"] == _t(app, "Comment")
    assert len(set(labels.values())) == len(labels), labels
    assert _t(app, "Post comment") in html


# --- allowances (admins) --------------------------------------------------------------------------

def test_admins_set_a_person_s_allowance_and_blank_returns_to_the_default(app, client, auth, org, admin):
    staff = org["staff"]
    auth.login(admin)
    html = client.get("/approvals/leave-allowances").get_data(as_text=True)
    key = f"days-{staff.id}-0"
    assert f'id="{key}"' in html and _t(app, "Default: %(days)s", days="5") in html
    response = client.post("/approvals/leave-allowances", data={key: "7.5"})
    assert response.status_code == 303
    assert _balance(staff).allowance == 7.5
    assert f'value="7.5"' in client.get("/approvals/leave-allowances").get_data(as_text=True)
    # A refused cell saves nothing, not even the valid ones beside it.
    other = f"days-{org['colleague'].id}-0"
    response = client.post("/approvals/leave-allowances", data={key: "8", other: "abc"})
    assert response.status_code == 422 and f'id="{other}-error"' in response.get_data(as_text=True)
    assert _balance(staff).allowance == 7.5
    assert client.post("/approvals/leave-allowances", data={key: "0.3"}).status_code == 422
    assert client.post("/approvals/leave-allowances", data={key: ""}).status_code == 303
    assert _balance(staff).allowance == 5.0


def test_only_admins_reach_the_allowances(client, auth, org):
    auth.login(org["head_tmall"])
    assert client.get("/approvals/leave-allowances").status_code == 403
    assert client.post("/approvals/leave-allowances", data={}).status_code == 403
