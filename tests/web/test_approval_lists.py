"""The approval lists: 待我审批 / 我发起的 / 抄送我的 / 已处理 with counts, filters and paging;
approving and rejecting from the list in two steps; the Excel export with step cycle times;
404 for outsiders; pinned query counts."""
import datetime as dt
import io
import re

import pytest
from flask_babel import gettext
from openpyxl import load_workbook
from playhouse.test_utils import assert_query_count

from office.approvals import engine
from office.approvals.views import lists as list_views
from office.models.approvals import ApprovalRequest, ApprovalTemplate
from tests.conftest import hx
from tests.factories import approval_org, make_department, make_user
from tests.inert import page_problems

NOW = dt.datetime(2026, 11, 20, 2, 0)  # naive UTC, 10:00 office time
ROW = re.compile(r'id="approval-row-(\d+)"')


@pytest.fixture
def org(app):
    org = approval_org()
    return {
        **org,
        "reader": make_user("reader", department=org["ops"], display_name="读者"),
        "outsider": make_user("outsider", department=make_department("客服部"), display_name="路人"),
    }


def _template(key):
    return ApprovalTemplate.get(ApprovalTemplate.key == key)


def _ad(org, amount="8000", title="", cc=(), now=NOW, who="staff"):
    data = {"channel": "直通车", "shop": "知行旗舰店", "amount": amount, "period_start": "2026-11-25",
            "period_end": "2026-12-05", "roi": "3.5"}
    return engine.submit(_template("ad_spend"), org[who], data, title=title, cc=list(cc), now=now).request


def _leave(org, now=NOW):
    data = {"leave_type": "年假", "dates_start": "2026-12-01", "dates_end": "2026-12-02", "days": "2",
            "reason": "-回老家", "handover": str(org["reader"].id)}
    return engine.submit(_template("leave"), org["staff"], data, now=now).request


def _ids(response) -> list[int]:
    return [int(i) for i in ROW.findall(response.get_data(as_text=True))]


def _count(body: str, tab: str) -> int:
    return int(re.search(rf'id="approval-count-{tab}">(\d+)<', body).group(1))


def test_each_tab_holds_its_own_requests_and_an_outsider_sees_none(client, auth, org):
    waiting = _ad(org, title="等李娜")
    copied = _ad(org, "100", title="抄送读者", cc=[org["reader"]])
    handled = _ad(org, "100", title="李娜已批")
    engine.approve(handled.id, org["head_tmall"], now=NOW)
    leave = _leave(org)

    auth.login(org["head_tmall"])
    assert _ids(client.get("/approvals/")) == [leave.id, copied.id, waiting.id]
    assert _ids(client.get("/approvals/?tab=done")) == [handled.id]
    assert _ids(client.get("/approvals/?tab=mine")) == []
    assert _ids(client.get("/approvals/?tab=cc")) == []
    auth.logout()

    auth.login(org["staff"])
    assert _ids(client.get("/approvals/?tab=mine")) == [leave.id, handled.id, copied.id, waiting.id]
    assert _ids(client.get("/approvals/")) == []
    auth.logout()

    auth.login(org["reader"])
    assert _ids(client.get("/approvals/?tab=cc")) == [copied.id]
    auth.logout()

    # The director is on step 2 of the 8000 request but it is not their turn yet.
    auth.login(org["director"])
    assert _ids(client.get("/approvals/")) == []
    auth.logout()

    auth.login(org["outsider"])
    for tab in ("pending", "mine", "cc", "done"):
        assert _ids(client.get(f"/approvals/?tab={tab}")) == []
    assert _ids(client.get("/approvals/?tab=nonsense")) == []


def test_rows_show_form_title_initiator_status_step_and_key_field(client, auth, org):
    ad = _ad(org, title="双11直通车加投")
    leave = _leave(org)
    auth.login(org["head_tmall"])
    body = client.get("/approvals/").get_data(as_text=True)
    row = body[body.index(f'id="approval-row-{ad.id}"'):body.index(f'id="approval-row-{ad.id}"') + 3000]
    for text in ("直通车/钻展推广费用", "双11直通车加投", "赵鹏", "¥8,000.00", "部门负责人审批", "2026-11-20 10:00",
                 f'href="/approvals/{ad.id}"', f"/approvals/{ad.id}/quick?decision=approve",
                 f"/approvals/{ad.id}/quick?decision=reject"):
        assert text in row
    assert "2026-12-01" in body and "2026-12-02" in body  # the leave dates
    assert f'href="/approvals/{leave.id}"' in body


def test_filter_by_form_and_dates(client, auth, org):
    early = _ad(org, now=NOW - dt.timedelta(days=10))
    late = _ad(org, now=NOW)
    leave = _leave(org, now=NOW - dt.timedelta(days=3))
    auth.login(org["head_tmall"])
    assert _ids(client.get("/approvals/?template=leave")) == [leave.id]
    assert _ids(client.get("/approvals/?template=ad_spend")) == [late.id, early.id]
    assert _ids(client.get("/approvals/?since=2026-11-15")) == [leave.id, late.id]
    assert _ids(client.get("/approvals/?until=2026-11-17")) == [leave.id, early.id]
    assert _ids(client.get("/approvals/?since=2026-11-17&until=2026-11-17")) == [leave.id]
    assert _ids(client.get("/approvals/?template=ad_spend&since=2026-11-15")) == [late.id]
    # Office days: 2026-11-19 23:30 UTC is the 20th in Shanghai.
    night = _ad(org, now=dt.datetime(2026, 11, 19, 23, 30))
    assert night.id in _ids(client.get("/approvals/?since=2026-11-20&until=2026-11-20"))
    # Bad values are ignored, not fatal.
    response = client.get("/approvals/?since=soon&template=<b>&before=x")
    assert response.status_code == 200 and len(_ids(response)) == 4
    # htmx (the filter form) gets the tabs, filter and list without the page; tabs keep the filter.
    response = hx(client, "get", "/approvals/?template=leave", target="approvals-body")
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert 'id="approvals-body"' in body and "HX-Request" in response.headers["Vary"]
    assert "/approvals/?tab=done&amp;template=leave" in body
    assert _ids(response) == [leave.id]


def test_keyset_paging_30_a_page(client, auth, org):
    made = [_ad(org, "100", now=NOW + dt.timedelta(minutes=n)).id for n in range(35)]
    auth.login(org["head_tmall"])
    first = client.get("/approvals/")
    assert _ids(first) == made[::-1][:30]
    older = f"/approvals/?before={made[5]}"
    assert f'href="{older}"' in first.get_data(as_text=True)
    second = hx(client, "get", older, target="approval-list")
    body = second.get_data(as_text=True)
    assert "<html" not in body and body.count('id="approval-list"') == 1 and 'id="approval-counts"' not in body
    assert _ids(second) == made[:5][::-1]
    assert "before=" not in body  # no page after the last


def test_paging_with_a_filter_and_each_request_once(client, auth, org):
    ads = [_ad(org, "100", now=NOW + dt.timedelta(minutes=n)).id for n in range(32)]
    leaves = [_leave(org, now=NOW + dt.timedelta(minutes=40 + n)).id for n in range(3)]
    auth.login(org["head_tmall"])
    assert _ids(client.get("/approvals/")) == (ads + leaves)[::-1][:30]
    first = client.get("/approvals/?template=ad_spend")
    assert _ids(first) == ads[::-1][:30]
    assert f'href="/approvals/?before={ads[2]}&amp;template=ad_spend"' in first.get_data(as_text=True)
    assert _ids(client.get(f"/approvals/?template=ad_spend&before={ads[2]}")) == [ads[1], ads[0]]
    # Two handling actions on one request (加签 after oneself, then 同意): listed once in 已处理.
    engine.add_approver(ads[0], org["head_tmall"], org["head_ops"], before=False, now=NOW)
    engine.approve(ads[0], org["head_tmall"], now=NOW)
    assert _ids(client.get("/approvals/?tab=done")) == [ads[0]]
    assert _ids(client.get("/approvals/?tab=done&since=2026-11-20")) == [ads[0]]


def test_counts_of_the_tabs(client, auth, org):
    _ad(org, title="a")
    b = _ad(org, "100", title="b", cc=[org["head_ops"]])
    engine.approve(b.id, org["head_tmall"], now=NOW)
    auth.login(org["head_tmall"])
    body = client.get("/approvals/").get_data(as_text=True)
    assert [_count(body, t) for t in ("pending", "mine", "cc")] == [1, 0, 0]
    assert 'id="approval-count-done"' not in body  # 已处理 only grows: no count
    auth.logout()
    auth.login(org["head_ops"])
    body = client.get("/approvals/").get_data(as_text=True)
    assert [_count(body, t) for t in ("pending", "mine", "cc")] == [0, 0, 1]
    auth.logout()
    auth.login(org["staff"])
    body = client.get("/approvals/?tab=mine").get_data(as_text=True)
    assert [_count(body, t) for t in ("pending", "mine", "cc")] == [0, 2, 0]


def test_quick_approve_in_two_steps_without_js(client, auth, org):
    request = _ad(org, title="加投")
    auth.login(org["head_tmall"])
    confirm = client.get(f"/approvals/{request.id}/quick?decision=approve")
    body = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "<html" in body
    assert f'action="/approvals/{request.id}/quick"' in body and 'name="decision" value="approve"' in body
    assert ApprovalRequest.get_by_id(request.id).current_step == 0  # a GET decides nothing
    done = client.post(f"/approvals/{request.id}/quick", data={"decision": "approve", "comment": "同意加投"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/approvals/")
    assert ApprovalRequest.get_by_id(request.id).current_step == 1  # on to the director
    assert request.id not in _ids(client.get("/approvals/"))
    assert _ids(client.get("/approvals/?tab=done")) == [request.id]


def test_quick_decision_keeps_the_filter(client, auth, org):
    request = _ad(org, "100")
    auth.login(org["head_tmall"])
    page = client.get(f"/approvals/{request.id}/quick?decision=approve&template=ad_spend").get_data(as_text=True)
    assert 'name="template" value="ad_spend"' in page
    done = client.post(f"/approvals/{request.id}/quick", data={"decision": "approve", "template": "ad_spend"})
    assert done.headers["Location"].endswith("/approvals/?template=ad_spend")
    assert ApprovalRequest.get_by_id(request.id).status == "approved"


def test_quick_reject_needs_a_comment(client, auth, org):
    request = _ad(org)
    auth.login(org["head_tmall"])
    page = client.get(f"/approvals/{request.id}/quick?decision=reject").get_data(as_text=True)
    assert 'name="decision" value="reject"' in page and "required" in page
    refused = client.post(f"/approvals/{request.id}/quick", data={"decision": "reject", "comment": "  "})
    assert refused.status_code == 422 and 'class="error"' in refused.get_data(as_text=True)
    assert ApprovalRequest.get_by_id(request.id).status == "pending"
    refused = hx(client, "post", f"/approvals/{request.id}/quick", target=f"approval-row-{request.id}",
                 data={"decision": "reject"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "<html" not in body and f'id="approval-row-{request.id}"' in body
    done = client.post(f"/approvals/{request.id}/quick", data={"decision": "reject", "comment": "预算用完了"})
    assert done.status_code == 303
    assert ApprovalRequest.get_by_id(request.id).status == "rejected"
    assert _ids(client.get("/approvals/")) == []


def test_quick_decision_with_htmx_removes_the_row_and_updates_the_counts(client, auth, org):
    first, second = _ad(org, "100"), _ad(org, "200")
    auth.login(org["head_tmall"])
    confirm = hx(client, "get", f"/approvals/{first.id}/quick?decision=approve", target=f"approval-row-{first.id}")
    body = confirm.get_data(as_text=True)
    assert "<html" not in body and body.count(f'id="approval-row-{first.id}"') == 1 and "<form" in body
    assert client.get(f"/approvals/{first.id}/quick").headers["Location"].endswith("/approvals/")
    cancel = hx(client, "get", f"/approvals/{first.id}/quick", target=f"approval-row-{first.id}")
    assert f'id="approval-row-{first.id}"' in cancel.get_data(as_text=True) and "<form" not in cancel.get_data(
        as_text=True)
    done = hx(client, "post", f"/approvals/{first.id}/quick", target=f"approval-row-{first.id}",
              data={"decision": "approve"})
    body = done.get_data(as_text=True)
    assert done.status_code == 200 and "<html" not in body
    assert f'approval-row-{first.id}' not in body
    assert 'id="approval-counts"' in body and 'hx-swap-oob="true"' in body and _count(body, "pending") == 1
    assert 'hx-swap-oob="beforeend:#toasts"' in body
    assert f'"approval-decided": {{"id": {first.id}}}' in done.headers["HX-Trigger"]
    assert ApprovalRequest.get_by_id(first.id).status == "approved"
    assert _ids(client.get("/approvals/")) == [second.id]


def test_not_ones_turn_is_422_with_a_toast(client, auth, org):
    request = _ad(org)  # step 1 is 李娜's; the director decides step 2
    auth.login(org["director"])
    refused = hx(client, "post", f"/approvals/{request.id}/quick", target=f"approval-row-{request.id}",
                 data={"decision": "approve"})
    assert refused.status_code == 422 and refused.headers["HX-Retarget"] == "#toasts"
    plain = client.post(f"/approvals/{request.id}/quick", data={"decision": "approve"})
    assert plain.status_code == 422 and 'role="alert"' in plain.get_data(as_text=True)
    assert ApprovalRequest.get_by_id(request.id).current_step == 0


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("htmx_request", [False, True])
def test_quick_is_404_for_a_request_one_cannot_see(client, auth, org, method, htmx_request):
    request = _ad(org)
    auth.login(org["outsider"])
    url = f"/approvals/{request.id}/quick?decision=approve"
    send = (lambda: hx(client, method, url, data={"decision": "approve"})) if htmx_request else (
        lambda: client.open(url, method=method.upper(), data={"decision": "approve"}))
    assert send().status_code == 404
    assert client.get("/approvals/999999/quick?decision=approve").status_code == 404
    assert ApprovalRequest.get_by_id(request.id).current_step == 0


def test_pages_need_sign_in(client, org):
    request = _ad(org)
    for url in ("/approvals/", f"/approvals/{request.id}/quick?decision=approve", "/approvals/export.xlsx"):
        assert client.get(url).status_code == 302


def test_titles_are_escaped(client, auth, org):
    _ad(org, title='<script>alert(1)</script><img src=x onerror=alert(2)>')
    auth.login(org["head_tmall"])
    body = client.get("/approvals/").get_data(as_text=True)
    assert page_problems(body) == [] and "&lt;script&gt;" in body


def _sheet(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def test_export_has_steps_with_cycle_times(app, client, auth, org, monkeypatch):
    monkeypatch.setattr(list_views, "utcnow", lambda: NOW + dt.timedelta(hours=30))
    decided = _ad(org, "9000", title="=HYPERLINK(\"http://evil\")")
    engine.approve(decided.id, org["head_tmall"], now=NOW + dt.timedelta(hours=2))
    engine.approve(decided.id, org["director"], now=NOW + dt.timedelta(hours=5, minutes=30))
    waiting = _ad(org, "9000", title="@SUM(1)", now=NOW + dt.timedelta(hours=1))
    engine.approve(waiting.id, org["head_tmall"], now=NOW + dt.timedelta(hours=4))
    _ad(org, "100", title="别人的", who="reader")  # goes to 王磊: not in 李娜's lists
    auth.login(org["head_tmall"])
    rows = _sheet(client.get("/approvals/export.xlsx?tab=done"))
    with app.test_request_context():  # the catalog the pages use (English until a msgid is translated)
        assert rows[0] == [gettext(s) for s in ("ID", "Form", "Title", "Initiator", "Status", "Submitted at",
                                                "Decided at", "Total cycle time (hours)", "Key field", "Key value")] + [
            gettext("Step %(n)d", n=1), gettext("Step %(n)d time (hours)", n=1),
            gettext("Step %(n)d", n=2), gettext("Step %(n)d time (hours)", n=2)]
        approved, in_progress = gettext("Approved"), gettext("Pending approval")
    assert [r[0] for r in rows[1:]] == [waiting.id, decided.id]
    second, first = rows[1], rows[2]
    assert first[1:5] == ["直通车/钻展推广费用", "'=HYPERLINK(\"http://evil\")", "赵鹏", approved]
    assert first[5] == dt.datetime(2026, 11, 20, 10, 0) and first[6] == dt.datetime(2026, 11, 20, 15, 30)
    assert first[7] == 5.5 and first[8:10] == ["金额（元）", "¥9,000.00"]
    assert first[10:] == ["部门负责人审批", 2.0, "总经理审批", 3.5]
    # Still waiting: the director's step counts until now (the frozen clock), as does the total.
    assert second[2] == "'@SUM(1)" and second[4] == in_progress and second[6] is None
    assert second[7] == 29.0 and second[10:] == ["部门负责人审批", 3.0, "总经理审批", 26.0]


def test_export_follows_the_filter_and_only_the_users_lists(client, auth, org):
    ad, leave = _ad(org), _leave(org)
    auth.login(org["head_tmall"])
    assert [r[0] for r in _sheet(client.get("/approvals/export.xlsx"))[1:]] == [leave.id, ad.id]
    header, row = _sheet(client.get("/approvals/export.xlsx?template=leave"))
    # One form: its fields get columns too (people by name; texts that Excel would run are escaped).
    assert header[10:15] == ["请假类型", "请假日期", "天数", "事由", "工作交接人"] and len(header) == 17
    assert row[0] == leave.id and row[8] == "请假日期" and "2026-12-01" in row[9]
    assert row[10] == "年假" and "2026-12-02" in row[11] and row[12:15] == ["2", "'-回老家", "读者"]
    assert _sheet(client.get("/approvals/export.xlsx?since=2026-11-21"))[1:] == []
    auth.logout()
    auth.login(org["outsider"])
    for tab in ("pending", "mine", "cc", "done"):
        rows = _sheet(client.get(f"/approvals/export.xlsx?tab={tab}"))
        assert len(rows) == 1


@pytest.mark.parametrize("tab", ["pending", "mine", "cc", "done"])
def test_list_query_count_does_not_grow(client, auth, org, tab):
    def fill(n):
        for i in range(n):
            request = _ad(org, "100" if i % 2 else "9000", cc=[org["reader"]])
            if i % 3 == 0:
                engine.approve(request.id, org["head_tmall"], now=NOW)

    fill(3)
    reader = {"pending": org["head_tmall"], "mine": org["staff"], "cc": org["reader"], "done": org["head_tmall"]}[tab]
    auth.login(reader)
    client.get(f"/approvals/?tab={tab}")  # warm up
    # Session user, the forms for the filter, the four counts (one query), one page with form,
    # initiator and current step joined, and the page shell's two (unread badge, live cursor).
    # + the navigation's check of who works orders (office/orders/access.py).
    with assert_query_count(7):
        first = client.get(f"/approvals/?tab={tab}")
    fill(37)
    with assert_query_count(7):
        second = client.get(f"/approvals/?tab={tab}")
    assert 0 < len(_ids(first)) < len(_ids(second)) <= 30
    with assert_query_count(3):  # paging: session user, the forms, one page
        hx(client, "get", f"/approvals/?tab={tab}&before=999999", target="approval-list")


def test_the_page_links_to_out_of_office_and_for_admins_to_the_forms(client, auth, org):
    from tests.factories import make_user

    auth.login(org["staff"])
    body = client.get("/approvals/").get_data(as_text=True)
    assert 'href="/approvals/delegation"' in body and 'href="/approvals/templates"' not in body
    auth.logout()
    auth.login(make_user("boss", role="admin", display_name="周敏"))
    assert 'href="/approvals/templates"' in client.get("/approvals/").get_data(as_text=True)
