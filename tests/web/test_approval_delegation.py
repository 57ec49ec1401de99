"""Out of office (代批): setting a deputy in office time, every refusal, cancelling (the owner
only), "正在代 X 审批" for a deputy, routing through the deputy inside the window and not
after, htmx fragments, query counts and escaping."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playhouse.test_utils import assert_query_count

from office.approvals import builtin, engine
from office.approvals.delegation import DelegationError, add_delegation, cancel_delegation
from office.departments.tree import update_department
from office.models.approvals import ApprovalAssignment, ApprovalTemplate, Delegation
from office.models.base import utcnow
from office.models.people import User
from tests.conftest import hx
from tests.factories import make_department, make_user
from tests.inert import page_problems

URL = "/approvals/delegation"
NOW = dt.datetime(2026, 11, 20, 2, 0)  # naive UTC
XSS = '<script>alert("d")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def org(app):
    builtin.install()
    tmall = make_department("天猫运营组")
    head = make_user("lina", role="head", department=tmall, display_name="李娜")
    update_department(tmall, head=head)
    return {
        "head": head,
        "staff": make_user("zhaopeng", department=tmall, display_name="赵鹏"),
        "deputy": make_user("sunyue", department=tmall, display_name="孙悦"),
        "other": make_user("hejing", display_name="何静"),
    }


def _deactivate(user):
    User.update(is_active=False).where(User.id == user.id).execute()
    user.is_active = False


def _soon(days=1, hours=0):
    return utcnow().replace(microsecond=0) + dt.timedelta(days=days, hours=hours)


def _delegate(user, deputy, start=None, end=None):
    start = start or _soon(-1)
    return add_delegation(user, deputy, start, end or start + dt.timedelta(days=3))


def _form(deputy, start="2099-06-01T09:00", end="2099-06-05T18:00"):
    return {"deputy": str(deputy.id) if deputy else "", "starts_at": start, "ends_at": end}


def _listed(html):
    return [int(n) for n in re.findall(r'<li id="delegation-(\d+)"', html)]


# --- adding -------------------------------------------------------------------------------------

def test_page_offers_active_colleagues_but_not_me(client, auth, org):
    gone = make_user("left", display_name="离职的人")
    _deactivate(gone)
    auth.login(org["head"])
    response = client.get(URL)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in body and "HX-Request" in response.headers["Vary"]
    options = dict(re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', body))
    assert options[str(org["deputy"].id)] == "孙悦（天猫运营组）" and options[str(org["other"].id)] == "何静"
    assert str(org["head"].id) not in options and str(gone.id) not in options
    assert 'id="delegation-form"' in body and 'id="delegation-list"' in body
    assert not page_problems(body)


def test_add_in_office_time_without_javascript(client, auth, org):
    auth.login(org["head"])
    response = client.post(URL, data=_form(org["deputy"]))
    assert response.status_code == 303 and response.headers["Location"] == URL
    row = Delegation.get()
    assert (row.user_id, row.deputy_id) == (org["head"].id, org["deputy"].id)
    # Asia/Shanghai 09:00 = 01:00 UTC.
    assert (row.starts_at, row.ends_at) == (dt.datetime(2099, 6, 1, 1, 0), dt.datetime(2099, 6, 5, 10, 0))
    page = client.get(URL).get_data(as_text=True)
    assert _listed(page) == [row.id] and "孙悦" in page and "2099-06-01 09:00" in page


def test_add_with_htmx_gives_a_fresh_form_and_the_list_out_of_band(client, auth, org):
    auth.login(org["head"])
    response = hx(client, "post", URL, data=_form(org["deputy"]), target="delegation-form")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<form id="delegation-form"')
    assert 'id="delegation-list" class="card" aria-labelledby="delegation-list-title" hx-swap-oob="true"' in body
    assert _listed(body) == [Delegation.get().id]
    assert 'value="2099-06-01T09:00"' not in body  # the fresh form is empty


@pytest.mark.parametrize("data, field", [
    ({"starts_at": "2099-06-05T09:00", "ends_at": "2099-06-05T09:00"}, "ends-at"),  # end == start
    ({"starts_at": "2099-06-05T09:00", "ends_at": "2099-06-01T09:00"}, "ends-at"),  # end before start
    ({"starts_at": "2020-01-01T09:00", "ends_at": "2020-01-02T09:00"}, "ends-at"),  # already over
    ({"starts_at": "", "ends_at": "2099-06-01T09:00"}, "starts-at"),
    ({"starts_at": "2099-06-01T09:00", "ends_at": "not a time"}, "ends-at"),
    ({"deputy": ""}, "deputy"),
])
def test_refused_with_422_and_the_form(client, auth, org, data, field):
    auth.login(org["head"])
    form = {**_form(org["deputy"]), **data}
    for send in (lambda: client.post(URL, data=form),
                 lambda: hx(client, "post", URL, data=form, target="delegation-form")):
        response = send()
        body = response.get_data(as_text=True)
        assert response.status_code == 422
        assert f'id="delegation-{field}-error"' in body
    assert "<html" not in body and body.lstrip().startswith('<form id="delegation-form"')
    assert Delegation.select().count() == 0


@pytest.mark.parametrize("who", ["me", "inactive", "unknown"])
def test_a_deputy_outside_the_choices_is_refused(client, auth, org, who):
    gone = make_user("left", display_name="离职的人")
    _deactivate(gone)
    deputy_id = {"me": org["head"].id, "inactive": gone.id, "unknown": 987654}[who]
    auth.login(org["head"])
    response = client.post(URL, data={**_form(org["deputy"]), "deputy": str(deputy_id)})
    assert response.status_code == 422 and 'id="delegation-deputy-error"' in response.get_data(as_text=True)
    assert Delegation.select().count() == 0


def test_an_overlapping_window_is_refused(client, auth, org):
    auth.login(org["head"])
    client.post(URL, data=_form(org["deputy"]))
    response = client.post(URL, data=_form(org["other"], "2099-06-04T09:00", "2099-06-10T18:00"))
    assert response.status_code == 422 and 'id="delegation-starts-at-error"' in response.get_data(as_text=True)
    # Back to back is fine: the first ends when the second starts.
    assert client.post(URL, data=_form(org["other"], "2099-06-05T18:00", "2099-06-10T18:00")).status_code == 303
    # Someone else's window never clashes with mine.
    auth.logout()
    auth.login(org["staff"])
    assert client.post(URL, data=_form(org["deputy"])).status_code == 303
    assert Delegation.select().count() == 3


def test_the_rule_refuses_each_case(org):
    head, deputy = org["head"], org["deputy"]
    start = NOW + dt.timedelta(days=1)
    end = start + dt.timedelta(days=2)

    def refused(*args, field):
        with pytest.raises(DelegationError) as error:
            add_delegation(*args, now=NOW)
        assert error.value.field == field

    refused(head, head, start, end, field="deputy")
    refused(head, None, start, end, field="deputy")
    _deactivate(org["other"])
    refused(head, org["other"], start, end, field="deputy")
    refused(head, deputy, start, start, field="ends_at")
    refused(head, deputy, end, start, field="ends_at")
    refused(head, deputy, NOW - dt.timedelta(days=2), NOW, field="ends_at")  # already over
    add_delegation(head, deputy, start, end, now=NOW)
    refused(head, org["staff"], start - dt.timedelta(days=1), start + dt.timedelta(hours=1), field="starts_at")
    refused(head, org["staff"], end - dt.timedelta(hours=1), end + dt.timedelta(days=1), field="starts_at")
    refused(head, org["staff"], start + dt.timedelta(hours=1), end - dt.timedelta(hours=1), field="starts_at")
    # Started already but not over: fine (away from now on).
    add_delegation(org["staff"], deputy, NOW - dt.timedelta(days=1), NOW + dt.timedelta(hours=1), now=NOW)
    assert Delegation.select().count() == 2
    with pytest.raises(DelegationError):
        cancel_delegation(Delegation.get(Delegation.user == head.id), org["staff"])
    assert Delegation.select().count() == 2


# --- cancelling ---------------------------------------------------------------------------------

def test_cancel_without_javascript_and_with_htmx(client, auth, org):
    first = _delegate(org["head"], org["deputy"], _soon(1))
    second = _delegate(org["head"], org["other"], _soon(10))
    auth.login(org["head"])
    response = client.post(f"{URL}/{first.id}/cancel")
    assert response.status_code == 303 and response.headers["Location"] == URL
    assert [d.id for d in Delegation.select()] == [second.id]
    response = hx(client, "post", f"{URL}/{second.id}/cancel", target="delegation-list")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "HX-Request" in response.headers["Vary"]
    assert body.lstrip().startswith('<section id="delegation-list"') and _listed(body) == []
    assert Delegation.select().count() == 0


@pytest.mark.parametrize("htmx_request", [False, True])
def test_someone_else_cannot_cancel(client, auth, org, htmx_request):
    row = _delegate(org["head"], org["deputy"])
    for person in (org["deputy"], org["other"]):  # not even the deputy
        auth.logout()
        auth.login(person)
        for url in (f"{URL}/{row.id}/cancel", f"{URL}/987654/cancel"):
            response = hx(client, "post", url) if htmx_request else client.post(url)
            assert response.status_code == 404
    assert Delegation.select().count() == 1


def test_signed_out_people_are_sent_to_log_in(client, org):
    row = _delegate(org["head"], org["deputy"])
    for response in (client.get(URL), client.post(URL, data=_form(org["deputy"])),
                     client.post(f"{URL}/{row.id}/cancel")):
        assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
    assert hx(client, "get", URL).status_code == 401
    assert Delegation.select().count() == 1


# --- what people see ----------------------------------------------------------------------------

def test_my_list_shows_current_and_coming_windows_only(client, auth, org):
    now = utcnow()
    past = Delegation.create(user=org["head"], deputy=org["deputy"], starts_at=now - dt.timedelta(days=5),
                             ends_at=now - dt.timedelta(days=4))
    current = _delegate(org["head"], org["deputy"], _soon(-1))
    coming = _delegate(org["head"], org["other"], _soon(5))
    theirs = _delegate(org["staff"], org["deputy"])
    auth.login(org["head"])
    body = client.get(URL).get_data(as_text=True)
    assert _listed(body) == [current.id, coming.id]
    assert past.id not in _listed(body) and theirs.id not in _listed(body)
    assert re.search(rf'<li id="delegation-{current.id}" class="delegation is-active">', body)
    partial = hx(client, "get", URL, target="delegation-list").get_data(as_text=True)
    assert "<html" not in partial and partial.lstrip().startswith('<section id="delegation-list"')
    assert _listed(partial) == [current.id, coming.id]


def test_a_deputy_sees_whom_they_stand_in_for_now(client, auth, org):
    now_row = _delegate(org["head"], org["deputy"], _soon(-1))
    later_row = _delegate(org["staff"], org["deputy"], _soon(3))
    auth.login(org["deputy"])
    body = client.get(URL).get_data(as_text=True)
    assert f'id="standing-in-{now_row.id}"' in body and f'id="standing-in-{later_row.id}"' not in body
    section = body[body.index('id="standing-in-title"'):body.index('id="delegation-new-title"')]
    assert "李娜" in section and "赵鹏" not in section
    assert _listed(body) == []  # none of them are the deputy's own
    auth.logout()
    auth.login(org["other"])
    assert 'id="standing-in-title"' not in client.get(URL).get_data(as_text=True)


def test_page_query_count_does_not_grow(client, auth, org):
    auth.login(org["head"])
    _delegate(org["head"], org["deputy"], _soon(1))
    _delegate(org["staff"], org["head"])  # the head stands in for 赵鹏
    client.get(URL)
    # Session user, my windows, whom I stand in for, the colleagues to choose from, and the page
    # shell's unread badge and live cursor.
    # + the navigation's check of who works orders (office/orders/access.py).
    with assert_query_count(7):
        client.get(URL)
    for n in range(8):
        _delegate(org["head"], make_user(department=make_department()), _soon(10 + 5 * n))
        _delegate(make_user(), org["head"])
    with assert_query_count(7):
        body = client.get(URL).get_data(as_text=True)
    assert len(_listed(body)) == 9 and body.count('id="standing-in-') == 9 + 1  # +1: the section title
    with assert_query_count(3):  # the list alone: session user, my windows, standing in
        hx(client, "get", URL, target="delegation-list")


def test_names_are_escaped(client, auth, org):
    shady = make_user("shady", display_name=XSS[:40])
    _delegate(org["head"], shady)
    _delegate(shady, org["head"])
    auth.login(org["head"])
    body = client.get(URL).get_data(as_text=True)
    assert "<script>alert" not in body and "&lt;script&gt;" in body
    assert not page_problems(body)


# --- routing ------------------------------------------------------------------------------------

def _ad():
    return {"channel": "直通车", "shop": "知行旗舰店", "amount": "100.00", "period_start": "2026-11-25",
            "period_end": "2026-12-05"}


def test_routing_uses_the_deputy_inside_the_window_and_not_after(org):
    template = ApprovalTemplate.get(ApprovalTemplate.key == "ad_spend")
    add_delegation(org["head"], org["deputy"], NOW - dt.timedelta(hours=1), NOW + dt.timedelta(days=2), now=NOW)
    inside = engine.submit(template, org["staff"], _ad(), now=NOW + dt.timedelta(days=1)).request
    assignment = ApprovalAssignment.get(ApprovalAssignment.request == inside.id)
    assert (assignment.user_id, assignment.on_behalf_of_id, assignment.is_open) == (
        org["deputy"].id, org["head"].id, True)
    after = engine.submit(template, org["staff"], _ad(), now=NOW + dt.timedelta(days=2)).request  # ends_at: out
    assignment = ApprovalAssignment.get(ApprovalAssignment.request == after.id)
    assert (assignment.user_id, assignment.on_behalf_of_id) == (org["head"].id, None)


def test_after_cancelling_approvals_reach_me_again(client, auth, org):
    template = ApprovalTemplate.get(ApprovalTemplate.key == "ad_spend")
    row = _delegate(org["head"], org["deputy"])
    waiting = engine.submit(template, org["staff"], _ad()).request
    auth.login(org["head"])
    assert client.post(f"{URL}/{row.id}/cancel").status_code == 303
    fresh = engine.submit(template, org["staff"], _ad()).request
    assert ApprovalAssignment.get(ApprovalAssignment.request == fresh.id).user_id == org["head"].id
    # What was routed while the deputy stood in stays with the deputy.
    assert ApprovalAssignment.get(ApprovalAssignment.request == waiting.id).user_id == org["deputy"].id
