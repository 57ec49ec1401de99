"""Filing approval requests and the request page: every built-in form, field errors (422, nothing
written), the route preview (with its warning for a step that reaches nobody), every action through
approvals.act, resubmitting after a return, attachments, 404 for outsiders, escaping, and the page's
pinned query count."""
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from flask_babel import gettext
from playhouse.test_utils import assert_query_count

from office.approvals import engine
from office.models.approvals import (
    ApprovalAction,
    ApprovalAssignment,
    ApprovalCc,
    ApprovalFile,
    ApprovalRequest,
    ApprovalStep,
    ApprovalTemplate,
    Delegation,
)
from office.models.base import utcnow
from office.models.inbox import Notification
from tests.conftest import hx
from tests.factories import approval_org, make_department, make_user
from tests.inert import page_problems

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


@pytest.fixture
def org(app):
    org = approval_org()
    return {
        **org,
        "deputy": make_user("deputy", role="head", department=org["ops"], display_name="副总"),
        "outsider": make_user("waiguo", department=org["ops"], display_name="外人"),
    }


def _t(app, text, **kw):
    """A UI string as the pages show it (English until the catalog is compiled)."""
    with app.test_request_context():
        return gettext(text, **kw)


def _template(key):
    return ApprovalTemplate.get(ApprovalTemplate.key == key)


AD = {"channel": "直通车", "shop": "知行旗舰店", "amount": "8000", "period_start": "2026-11-25",
      "period_end": "2026-12-05", "roi": "3.5"}
VALID = {
    "leave": {"leave_type": "年假", "dates_start": "2026-12-01", "dates_end": "2026-12-02", "days": "2",
              "reason": "回老家"},
    "ad_spend": AD,
    "special_price": {"sku": "SKU-001", "normal_price": "199", "special_price": "149", "dates_start": "2026-12-10",
                      "dates_end": "2026-12-12", "platform": "天猫"},
    "purchase": {"item": "打包箱", "quantity": "500", "amount": "1200", "reason": "双12备货"},
}


def _file(client, key, data, **kwargs):
    return client.post(f"/approvals/new/{key}", data=data, **kwargs)


def _filed(client, key, data, **kwargs) -> ApprovalRequest:
    response = _file(client, key, data, **kwargs)
    assert response.status_code == 303, response.get_data(as_text=True)
    request = ApprovalRequest.select().order_by(ApprovalRequest.id.desc()).first()
    assert response.headers["Location"].endswith(f"/approvals/{request.id}")
    return request


def _act(client, request_id, action, **data):
    return client.post(f"/approvals/{request_id}/act", data={"action": action, **data})


def _as(client, auth, user):
    auth.logout()
    auth.login(user)


def _open_user_ids(request_id):
    return [a.user_id for a in ApprovalAssignment.select().where((ApprovalAssignment.request == request_id)
                                                                 & ApprovalAssignment.is_open)]


def _actions(request_id):
    return [a.action for a in ApprovalAction.select().where(ApprovalAction.request == request_id)
            .order_by(ApprovalAction.id)]


def _uploads(app):
    folder = Path(app.config["UPLOAD_PATH"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- the start page and the forms -------------------------------------------------------------

def test_new_shows_the_active_forms_in_order(client, auth, org):
    ApprovalTemplate.update(is_active=False).where(ApprovalTemplate.key == "purchase").execute()
    auth.login(org["staff"])
    html = client.get("/approvals/new").get_data(as_text=True)
    names = ["请假", "直通车/钻展推广费用", "特价促销", "费用报销", "通用审批"]
    assert [html.index(n) for n in names] == sorted(html.index(n) for n in names)
    assert "采购申请" not in html
    assert 'href="/approvals/new/leave"' in html
    assert client.get("/approvals/new/purchase").status_code == 404
    assert client.get("/approvals/new/nope").status_code == 404


def test_every_form_renders_its_fields_by_type_with_the_route(client, auth, org):
    auth.login(org["staff"])
    leave = client.get("/approvals/new/leave").get_data(as_text=True)
    assert 'name="dates_start"' in leave and 'name="dates_end"' in leave and 'type="date"' in leave
    assert '<select id="f-leave_type" name="leave_type" required' in leave
    assert 'id="f-handover"' in leave and "<optgroup" in leave  # a person: colleagues by department
    # Days are counted from the dates, not typed (issue 14): no box for them, the count instead.
    assert 'name="days"' not in leave and 'id="leave-summary"' in leave
    assert 'id="route-preview"' in leave and "李娜" in leave  # the head, previewed on GET
    assert 'hx-post="/approvals/new/leave/preview"' in leave and 'hx-target="#route-preview"' in leave
    ad = client.get("/approvals/new/ad_spend").get_data(as_text=True)
    assert "¥" in ad and 'id="f-amount"' in ad and 'inputmode="decimal"' in ad
    assert "陈建华" not in ad  # the director's step needs an amount over 5000
    expense = client.get("/approvals/new/expense").get_data(as_text=True)
    assert 'type="file" id="f-receipts" name="receipts" multiple' in expense
    # The design system's file input (names of the chosen files beside its button), as everywhere.
    assert 'data-file-input' in expense and 'for="f-receipts" class="button file-input-button"' in expense
    assert 'enctype="multipart/form-data"' in expense
    general = client.get("/approvals/new/general").get_data(as_text=True)
    assert 'name="_approver"' in general
    for key in ("special_price", "purchase"):
        assert client.get(f"/approvals/new/{key}").status_code == 200
    assert page_problems(leave) == []


# --- filing -----------------------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(VALID))
def test_filing_each_built_in_form(client, auth, org, key):
    auth.login(org["staff"])
    request = _filed(client, key, VALID[key])
    assert request.initiator_id == org["staff"].id and request.status == "pending"
    assert request.template.key == key
    assert _open_user_ids(request.id) == [org["head_tmall"].id]
    page = client.get(f"/approvals/{request.id}")
    assert page.status_code == 200 and f'id="approval-{request.id}"' in page.get_data(as_text=True)


def test_filing_a_leave_keeps_the_values_title_and_cc(client, auth, org):
    auth.login(org["staff"])
    # Tuesday 12-01 to Monday 12-07: five working days, whatever the form says (issue 14).
    request = _filed(client, "leave", {**VALID["leave"], "dates_end": "2026-12-07", "days": "1",
                                       "handover": str(org["deputy"].id), "_title": "年底回家", "_cc": "王磊"})
    data = json.loads(request.data)
    assert data["dates"] == ["2026-12-01", "2026-12-07"] and data["days"] == 5
    assert data["handover"] == org["deputy"].id
    assert request.title == "年底回家"
    assert [c.user_id for c in ApprovalCc.select().where(ApprovalCc.request == request.id)] == [org["head_ops"].id]
    # More than 3 days: a director step follows the head's.
    assert [s.name for s in ApprovalStep.select().where(ApprovalStep.request == request.id)
            .order_by(ApprovalStep.position)] == ["部门负责人审批", "总经理审批"]
    html = client.get(f"/approvals/{request.id}").get_data(as_text=True)
    assert "副总" in html and "2026-12-01" in html  # the person field shows the name, not an id


def test_filing_the_general_form_goes_to_the_chosen_approver(client, auth, org):
    auth.login(org["staff"])
    form = {"subject": "借用样品", "detail": "拍摄用"}
    response = _file(client, "general", form)
    assert response.status_code == 422 and ApprovalRequest.select().count() == 0
    assert 'id="f-approver-error"' in response.get_data(as_text=True)
    request = _filed(client, "general", {**form, "_approver": str(org["director"].id)})
    assert _open_user_ids(request.id) == [org["director"].id]


def test_filing_can_link_one_of_my_mainlines(client, auth, org):
    from office.mainlines import plans

    mine = plans.create_mainline(org["head_tmall"], "双12", dt.date(2026, 12, 12))
    auth.login(org["staff"])
    assert _file(client, "ad_spend", {**AD, "_mainline": str(mine.id)}).status_code == 422  # not a member
    _as(client, auth, org["head_tmall"])
    assert "双12" in client.get("/approvals/new/ad_spend").get_data(as_text=True)
    request = _filed(client, "ad_spend", {**AD, "_mainline": str(mine.id)})
    assert request.mainline_id == mine.id


def test_field_errors_are_422_next_to_their_fields_and_nothing_is_written(app, client, auth, org):
    auth.login(org["staff"])
    response = _file(client, "ad_spend", {**AD, "amount": "-5", "shop": "", "_cc": "不存在的人"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for name in ("amount", "shop", "cc"):
        assert f'id="f-{name}-error"' in html
    assert 'aria-invalid="true"' in html and 'id="form-errors"' in html
    assert 'value="知行旗舰店"' not in html and 'value="2026-11-25"' in html  # the typed values stay
    assert 'id="route-preview"' in html
    assert ApprovalRequest.select().count() == 0 and ApprovalAction.select().count() == 0
    assert Notification.select().count() == 0 and _uploads(app) == []


def test_daterange_and_choice_errors(client, auth, org):
    auth.login(org["staff"])
    response = _file(client, "leave", {**VALID["leave"], "dates_end": "2026-11-01", "leave_type": "旅游假"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="f-dates-error"' in html and 'id="f-leave_type-error"' in html
    assert ApprovalRequest.select().count() == 0


# --- the route preview ------------------------------------------------------------------------

def test_the_preview_follows_the_amount(client, auth, org):
    auth.login(org["staff"])
    # Only the amount is filled: the fields that clean still decide the route.
    over = hx(client, "post", "/approvals/new/ad_spend/preview", target="route-preview", data={"amount": "8000"})
    html = over.get_data(as_text=True)
    assert over.status_code == 200 and "<html" not in html and 'id="route-preview"' in html
    assert "李娜" in html and "陈建华" in html
    under = hx(client, "post", "/approvals/new/ad_spend/preview", data={"amount": "100"}).get_data(as_text=True)
    assert "李娜" in under and "陈建华" not in under
    junk = hx(client, "post", "/approvals/new/ad_spend/preview", data={"amount": "abc"}).get_data(as_text=True)
    assert "陈建华" not in junk
    # Anyone signed in may preview: it names no request.
    _as(client, auth, org["outsider"])
    assert hx(client, "post", "/approvals/new/ad_spend/preview", data={"amount": "1"}).status_code == 200


def test_the_preview_warns_about_a_step_that_reaches_nobody(app, client, auth, org):
    lonely = make_user("kefu", department=make_department("客服部"), display_name="客服小王")
    auth.login(lonely)
    page = client.get("/approvals/new/ad_spend").get_data(as_text=True)
    assert 'class="route-warning"' in page and "没有负责人" in page
    fragment = hx(client, "post", "/approvals/new/ad_spend/preview", data={"amount": "100"}).get_data(as_text=True)
    assert 'class="route-warning"' in fragment and "没有负责人" in fragment
    refused = _file(client, "ad_spend", AD)
    assert refused.status_code == 422 and "部门负责人审批" in refused.get_data(as_text=True)
    assert ApprovalRequest.select().count() == 0


def test_the_preview_shows_a_deputy_standing_in(app, client, auth, org):
    Delegation.create(user=org["head_tmall"], deputy=org["deputy"], starts_at=utcnow() - dt.timedelta(days=1),
                      ends_at=utcnow() + dt.timedelta(days=1))
    auth.login(org["staff"])
    html = hx(client, "post", "/approvals/new/ad_spend/preview", data={"amount": "1"}).get_data(as_text=True)
    assert _t(app, "%(deputy)s for %(person)s", deputy="副总", person="李娜") in html
    request = _filed(client, "ad_spend", AD)
    page = client.get(f"/approvals/{request.id}").get_data(as_text=True)
    assert _t(app, "%(deputy)s for %(person)s", deputy="副总", person="李娜") in page


def test_general_preview_asks_for_an_approver_then_shows_them(client, auth, org):
    auth.login(org["staff"])
    empty = hx(client, "post", "/approvals/new/general/preview", data={}).get_data(as_text=True)
    assert 'class="route-warning"' in empty
    chosen = hx(client, "post", "/approvals/new/general/preview",
                data={"_approver": str(org["director"].id)}).get_data(as_text=True)
    assert "陈建华" in chosen and 'class="route-warning"' not in chosen


# --- deciding through the URLs ----------------------------------------------------------------

def test_ad_spend_8000_head_then_director_approve(app, client, auth, org):
    auth.login(org["staff"])
    request = _filed(client, "ad_spend", AD)
    # The initiator cannot approve it.
    assert _act(client, request.id, "approve").status_code == 422
    _as(client, auth, org["head_tmall"])
    page = client.get(f"/approvals/{request.id}").get_data(as_text=True)
    assert 'value="approve"' in page and 'value="return"' in page and 'value="add_before"' in page
    response = _act(client, request.id, "approve", comment="预算合理")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/approvals/{request.id}")
    assert _open_user_ids(request.id) == [org["director"].id]
    # The director decides with htmx: the section comes back, nothing else.
    _as(client, auth, org["director"])
    done = hx(client, "post", f"/approvals/{request.id}/act", target=f"approval-{request.id}",
              data={"action": "approve"})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "<html" not in html and f'id="approval-{request.id}"' in html
    assert "HX-Request" in done.headers["Vary"]
    assert json.loads(done.headers["HX-Trigger"]) == {"approval-changed": {"id": request.id}}
    assert 'approval-status-approved' in html and 'value="approve"' not in html
    assert ApprovalRequest.get_by_id(request.id).status == "approved"
    assert _actions(request.id) == ["submit", "approve", "approve"]
    assert "预算合理" in client.get(f"/approvals/{request.id}").get_data(as_text=True)


def test_reject(client, auth, org):
    request = engine.submit(_template("ad_spend"), org["staff"], AD).request
    auth.login(org["head_tmall"])
    assert _act(client, request.id, "reject", comment="预算超了").status_code == 303
    assert ApprovalRequest.get_by_id(request.id).status == "rejected"
    # Decided: acting again is refused with the engine's message.
    again = _act(client, request.id, "reject")
    assert again.status_code == 422 and "这个审批已经有结果了" in again.get_data(as_text=True)


def test_return_then_resubmit(client, auth, org):
    request = engine.submit(_template("ad_spend"), org["staff"], AD).request
    auth.login(org["head_tmall"])
    # Returning needs a comment: plain → the page with the message; htmx → a toast.
    plain = _act(client, request.id, "return")
    assert plain.status_code == 422 and 'id="action-error"' in plain.get_data(as_text=True)
    assert "请说明需要修改什么" in plain.get_data(as_text=True)
    toast = hx(client, "post", f"/approvals/{request.id}/act", data={"action": "return"})
    assert toast.status_code == 422 and toast.headers["HX-Retarget"] == "#toasts"
    assert _act(client, request.id, "return", comment="金额降到 5000 以下").status_code == 303
    assert ApprovalRequest.get_by_id(request.id).status == "returned"
    assert client.get(f"/approvals/{request.id}/resubmit").status_code == 403  # not the initiator
    _as(client, auth, org["staff"])
    page = client.get(f"/approvals/{request.id}").get_data(as_text=True)
    assert f'href="/approvals/{request.id}/resubmit"' in page
    form = client.get(f"/approvals/{request.id}/resubmit").get_data(as_text=True)
    assert 'value="8000.00"' in form and 'value="2026-11-25"' in form and "陈建华" in form  # prefilled
    bad = client.post(f"/approvals/{request.id}/resubmit", data={**AD, "amount": ""})
    assert bad.status_code == 422 and 'id="f-amount-error"' in bad.get_data(as_text=True)
    assert ApprovalRequest.get_by_id(request.id).status == "returned"
    done = client.post(f"/approvals/{request.id}/resubmit", data={**AD, "amount": "4000"})
    assert done.status_code == 303
    again = ApprovalRequest.get_by_id(request.id)
    assert again.status == "pending" and json.loads(again.data)["amount"] == "4000.00"
    assert _actions(request.id) == ["submit", "return", "resubmit"]
    assert _open_user_ids(request.id) == [org["head_tmall"].id]
    # Not returned any more: the form sends the initiator back to the request.
    assert client.get(f"/approvals/{request.id}/resubmit").status_code == 303


def test_withdraw(client, auth, org):
    request = engine.submit(_template("ad_spend"), org["staff"], AD).request
    auth.login(org["head_tmall"])
    assert _act(client, request.id, "withdraw").status_code == 422  # only the initiator
    _as(client, auth, org["staff"])
    assert _act(client, request.id, "withdraw", comment="不投了").status_code == 303
    assert ApprovalRequest.get_by_id(request.id).status == "withdrawn"
    assert _open_user_ids(request.id) == []


def _unread(user, request_id):
    return Notification.select().where((Notification.recipient == user.id) & Notification.read_at.is_null()
                                       & (Notification.target_type == "approval")
                                       & (Notification.target_id == request_id)).count()


@pytest.mark.parametrize("action,data", [
    ("approve", {}),
    ("reject", {"comment": "预算超了"}),
    ("return", {"comment": "金额降到 5000 以下"}),
    ("transfer", {"comment": "我出差"}),
])
def test_acting_on_a_request_clears_its_inbox_items_and_moves_the_badge(client, auth, org, action, data):
    from office.live.events import latest_id
    from office.models.inbox import INBOX_CHANGED
    from office.models.live import LiveEvent

    request = engine.submit(_template("ad_spend"), org["staff"], AD).request
    engine.urge(request.id, org["staff"])  # a second item about the same request
    other = engine.submit(_template("ad_spend"), org["staff"], AD).request  # untouched
    assert _unread(org["head_tmall"], request.id) == 2
    if action == "transfer":
        data = {**data, "person": str(org["deputy"].id)}
    start = latest_id()
    auth.login(org["head_tmall"])
    assert _act(client, request.id, action, **data).status_code == 303
    assert _unread(org["head_tmall"], request.id) == 0
    assert _unread(org["head_tmall"], other.id) == 1
    assert LiveEvent.select().where((LiveEvent.id > start) & (LiveEvent.kind == INBOX_CHANGED)
                                    & (LiveEvent.user_id == org["head_tmall"].id)).exists()
    page = client.get("/inbox/").get_data(as_text=True)
    assert page.count('class="inbox-item unread"') == 1


def test_initiator_handling_a_returned_request_clears_it_too(client, auth, org):
    request = engine.submit(_template("ad_spend"), org["staff"], AD).request
    engine.return_to_initiator(request.id, org["head_tmall"], "金额降到 5000 以下")
    assert _unread(org["staff"], request.id) == 1
    auth.login(org["staff"])
    assert client.post(f"/approvals/{request.id}/resubmit", data={**AD, "amount": "4000"}).status_code == 303
    assert _unread(org["staff"], request.id) == 0


def test_the_inbox_says_how_a_request_ended(app, client, auth, org):
    approved = engine.submit(_template("ad_spend"), org["staff"], {**AD, "amount": "100"}).request
    engine.approve(approved.id, org["head_tmall"])
    rejected = engine.submit(_template("ad_spend"), org["staff"], AD).request
    engine.reject(rejected.id, org["head_tmall"], "预算超了")
    withdrawn = engine.submit(_template("ad_spend"), org["staff"], AD).request
    engine.withdraw(withdrawn.id, org["staff"])
    auth.login(org["staff"])
    page = client.get("/inbox/").get_data(as_text=True)
    assert _t(app, "decided an approval") not in page
    assert _t(app, "approved your request") in page and _t(app, "rejected your request") in page
    _as(client, auth, org["head_tmall"])
    page = client.get("/inbox/").get_data(as_text=True)
    assert _t(app, "withdrew a request") in page and _t(app, "decided an approval") not in page


def test_urge_is_rate_limited(client, auth, org):
    request = engine.submit(_template("ad_spend"), org["staff"], AD).request
    auth.login(org["staff"])
    before = Notification.select().where(Notification.kind == "approval_urged").count()
    assert _act(client, request.id, "urge").status_code == 303
    again = hx(client, "post", f"/approvals/{request.id}/act", data={"action": "urge"})
    assert again.status_code == 422 and "刚催办过" in again.get_data(as_text=True)
    assert Notification.select().where(Notification.kind == "approval_urged").count() == before + 1
    assert _actions(request.id).count("urge") == 1


def test_transfer(client, auth, org):
    request = engine.submit(_template("ad_spend"), org["staff"], AD).request
    auth.login(org["head_tmall"])
    assert _act(client, request.id, "transfer").status_code == 422  # nobody chosen
    assert _act(client, request.id, "transfer", person=str(org["deputy"].id), comment="我出差").status_code == 303
    assert _open_user_ids(request.id) == [org["deputy"].id]
    _as(client, auth, org["deputy"])
    assert _act(client, request.id, "approve").status_code == 303
    assert _open_user_ids(request.id) == [org["director"].id]
    page = client.get(f"/approvals/{request.id}").get_data(as_text=True)
    assert "我出差" in page and 'history-transfer' in page


def test_add_before_and_after(client, auth, org):
    request = engine.submit(_template("ad_spend"), org["staff"], {**AD, "amount": "100"}).request
    auth.login(org["head_tmall"])
    assert _act(client, request.id, "add_before", person=str(org["head_ops"].id)).status_code == 303
    assert _open_user_ids(request.id) == [org["head_ops"].id]
    _as(client, auth, org["head_ops"])
    assert _act(client, request.id, "approve").status_code == 303
    assert _open_user_ids(request.id) == [org["head_tmall"].id]  # back to the one who added
    _as(client, auth, org["head_tmall"])
    assert _act(client, request.id, "add_after", person=str(org["director"].id)).status_code == 303
    assert _open_user_ids(request.id) == [org["head_tmall"].id]
    assert _act(client, request.id, "approve").status_code == 303
    assert _open_user_ids(request.id) == [org["director"].id]
    assert _actions(request.id) == ["submit", "add_before", "approve", "add_after", "approve"]


def test_approve_and_choose_the_next_approver_under_free_routing(client, auth, org):
    request = engine.submit(_template("general"), org["staff"], {"subject": "借车", "detail": "去仓库"},
                            chosen=org["head_tmall"]).request
    auth.login(org["head_tmall"])
    page = client.get(f"/approvals/{request.id}").get_data(as_text=True)
    assert 'name="next_approver"' in page
    assert _act(client, request.id, "approve", next_approver=str(org["director"].id)).status_code == 303
    assert _open_user_ids(request.id) == [org["director"].id]
    assert "pass_on" in _actions(request.id)
    # A form without free routing has no such choice.
    other = engine.submit(_template("ad_spend"), org["staff"], AD).request
    assert 'name="next_approver"' not in client.get(f"/approvals/{other.id}").get_data(as_text=True)


def test_comment_and_cc(client, auth, org):
    request = engine.submit(_template("ad_spend"), org["staff"], AD).request
    auth.login(org["staff"])
    assert _act(client, request.id, "cc", people="不存在").status_code == 422
    assert _act(client, request.id, "cc", people="").status_code == 422
    assert _act(client, request.id, "cc", people="王磊, outsider").status_code == 422
    assert _act(client, request.id, "cc", people="王磊 waiguo").status_code == 303
    assert {c.user_id for c in ApprovalCc.select()} == {org["head_ops"].id, org["outsider"].id}
    # Someone cc'd may read and comment, but not copy others in.
    _as(client, auth, org["outsider"])
    assert client.get(f"/approvals/{request.id}").status_code == 200
    assert _act(client, request.id, "comment").status_code == 422  # empty
    response = hx(client, "post", f"/approvals/{request.id}/act", target=f"approval-{request.id}",
                  data={"action": "comment", "comment": "我也看看"})
    assert response.status_code == 200 and "我也看看" in response.get_data(as_text=True)
    assert _act(client, request.id, "cc", people="陈建华").status_code == 422
    assert _actions(request.id) == ["submit", "cc", "cc", "comment"]


def test_an_unknown_action_is_a_bad_request(client, auth, org):
    request = engine.submit(_template("ad_spend"), org["staff"], AD).request
    auth.login(org["staff"])
    assert _act(client, request.id, "explode").status_code == 400


# --- attachments ------------------------------------------------------------------------------

EXPENSE = {"category": "快递物流", "amount": "88", "spent_on": "2026-11-20"}


def test_expense_with_receipts_served_to_participants_only(app, client, auth, org):
    auth.login(org["staff"])
    missing = _file(client, "expense", EXPENSE)
    assert missing.status_code == 422 and 'id="f-receipts-error"' in missing.get_data(as_text=True)
    request = _filed(client, "expense", {**EXPENSE, "receipts": [(io.BytesIO(PNG), "发票.png"),
                                                                (io.BytesIO(b"%PDF-1.4 x"), "单据.pdf")]},
                     content_type="multipart/form-data")
    files = list(ApprovalFile.select().order_by(ApprovalFile.id))
    assert [(f.file_name, f.request_id, f.field_name) for f in files] == [
        ("发票.png", request.id, "receipts"), ("单据.pdf", request.id, "receipts")]
    assert json.loads(request.data)["receipts"] == [str(f.id) for f in files]
    assert len(_uploads(app)) == 2
    image_url = f"/approvals/{request.id}/files/{files[0].id}/发票.png"
    _as(client, auth, org["head_tmall"])
    page = client.get(f"/approvals/{request.id}").get_data(as_text=True)
    assert f'href="/approvals/{request.id}/files/{files[0].id}/' in page and "单据.pdf" in page
    with client.get(image_url) as served:
        assert served.status_code == 200 and served.data == PNG
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in served.headers["Content-Security-Policy"]
        assert "attachment" not in served.headers.get("Content-Disposition", "")  # an image shows inline
    with client.get(f"/approvals/{request.id}/files/{files[1].id}/单据.pdf") as pdf:
        assert pdf.status_code == 200 and "attachment" in pdf.headers["Content-Disposition"]
    assert client.get(f"/approvals/{request.id}/files/{files[0].id}/别的名字.png").status_code == 404
    _as(client, auth, org["outsider"])
    assert client.get(image_url).status_code == 404
    other = engine.submit(_template("ad_spend"), org["outsider"], AD).request
    # A file id under another request the viewer may see is still not served.
    assert client.get(f"/approvals/{other.id}/files/{files[0].id}/发票.png").status_code == 404


def test_a_disguised_file_is_refused_and_nothing_is_kept(app, client, auth, org):
    auth.login(org["staff"])
    response = _file(client, "expense", {**EXPENSE, "receipts": [(io.BytesIO(PNG), "真的.png"),
                                                                 (io.BytesIO(b"MZ\x90\x00evil"), "发票.png")]},
                     content_type="multipart/form-data")
    assert response.status_code == 422 and 'id="f-receipts-error"' in response.get_data(as_text=True)
    assert ApprovalRequest.select().count() == 0 and ApprovalFile.select().count() == 0
    assert _uploads(app) == []


def test_files_are_removed_when_the_filing_is_refused(app, client, auth, org):
    lonely = make_user("kefu", department=make_department("客服部"), display_name="客服小王")
    auth.login(lonely)
    response = _file(client, "expense", {**EXPENSE, "receipts": [(io.BytesIO(PNG), "发票.png")]},
                     content_type="multipart/form-data")
    assert response.status_code == 422  # the head step reaches nobody
    assert ApprovalFile.select().count() == 0 and _uploads(app) == []


def test_resubmit_keeps_or_replaces_files(app, client, auth, org):
    auth.login(org["staff"])
    request = _filed(client, "expense", {**EXPENSE, "receipts": [(io.BytesIO(PNG), "旧.png")]},
                     content_type="multipart/form-data")
    old = ApprovalFile.get()
    engine.return_to_initiator(request.id, org["head_tmall"], "再补一张")
    form = client.get(f"/approvals/{request.id}/resubmit").get_data(as_text=True)
    assert f'name="receipts" value="{old.id}" checked' in form
    # Someone else's file: its id posted with the form is ignored, never attached here.
    theirs = _filed_by_engine_with_file(org, org["outsider"])
    foreign = ApprovalFile.get(ApprovalFile.request == theirs.id)
    response = client.post(f"/approvals/{request.id}/resubmit",
                           data={**EXPENSE, "receipts": [str(old.id), str(foreign.id), (io.BytesIO(PNG), "新.png")]},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    new = ApprovalFile.get(ApprovalFile.file_name == "新.png")
    assert new.request_id == request.id
    assert json.loads(ApprovalRequest.get_by_id(request.id).data)["receipts"] == [str(old.id), str(new.id)]
    # Dropping every file of a required attachment field is refused.
    engine.return_to_initiator(request.id, org["head_tmall"], "还是不对")
    refused = client.post(f"/approvals/{request.id}/resubmit", data=EXPENSE)
    assert refused.status_code == 422 and 'id="f-receipts-error"' in refused.get_data(as_text=True)


def test_comment_with_a_file(client, auth, org):
    request = engine.submit(_template("ad_spend"), org["staff"], AD).request
    auth.login(org["head_tmall"])
    response = client.post(f"/approvals/{request.id}/act", data={
        "action": "comment", "comment": "见附件", "files": [(io.BytesIO(PNG), "截图.png")]},
        content_type="multipart/form-data")
    assert response.status_code == 303
    item = ApprovalFile.get()
    comment = ApprovalAction.get(ApprovalAction.action == "comment")
    assert (item.request_id, item.action_id) == (request.id, comment.id)
    page = client.get(f"/approvals/{request.id}").get_data(as_text=True)
    assert f"/approvals/{request.id}/files/{item.id}/" in page
    bad = client.post(f"/approvals/{request.id}/act", data={
        "action": "comment", "comment": "再来", "files": [(io.BytesIO(b"MZ"), "x.png")]},
        content_type="multipart/form-data")
    assert bad.status_code == 422 and ApprovalAction.select().where(ApprovalAction.action == "comment").count() == 1


# --- who may see ------------------------------------------------------------------------------

@pytest.mark.parametrize("htmx_request", [False, True])
def test_outsiders_get_404_everywhere(client, auth, org, htmx_request):
    request = _filed_by_engine_with_file(org)
    item = ApprovalFile.get(ApprovalFile.request == request.id)
    auth.login(org["outsider"])
    urls = [("get", f"/approvals/{request.id}", {}),
            ("post", f"/approvals/{request.id}/act", {"action": "comment", "comment": "偷看"}),
            ("post", f"/approvals/{request.id}/act", {"action": "approve"}),
            ("get", f"/approvals/{request.id}/resubmit", {}),
            ("post", f"/approvals/{request.id}/resubmit", EXPENSE),
            ("get", f"/approvals/{request.id}/files/{item.id}/{item.file_name}", {}),
            ("get", "/approvals/999999", {})]
    for method, url, data in urls:
        if htmx_request:
            response = hx(client, method, url, target=f"approval-{request.id}", data=data)
        else:
            response = client.open(url, method=method.upper(), data=data)
        assert response.status_code == 404, url
    assert _actions(request.id) == ["submit"]
    # An administrator may see everything.
    _as(client, auth, make_user("boss", role="admin", display_name="周敏"))
    assert client.get(f"/approvals/{request.id}").status_code == 200


def _filed_by_engine_with_file(org, initiator=None):
    initiator = initiator or org["staff"]
    item = ApprovalFile.create(uploaded_by=initiator.id, field_name="receipts", file_name="发票.png",
                               stored_name="deadbeef.png", content_type="image/png", size=10, is_image=True)
    request = engine.submit(_template("expense"), initiator, {**EXPENSE, "receipts": [str(item.id)]}).request
    ApprovalFile.update(request=request.id).where(ApprovalFile.id == item.id).execute()
    return request


def test_login_is_required(client, org):
    request = engine.submit(_template("ad_spend"), org["staff"], AD).request
    for url in ("/approvals/new", "/approvals/new/leave", f"/approvals/{request.id}"):
        assert client.get(url).status_code == 302


# --- escaping and the query count -------------------------------------------------------------

def test_field_values_and_comments_are_escaped(client, auth, org):
    auth.login(org["staff"])
    request = _filed(client, "general", {"subject": XSS, "detail": XSS, "_approver": str(org["head_tmall"].id),
                                         "_title": XSS})
    engine.comment(request.id, org["staff"], XSS)
    html = client.get(f"/approvals/{request.id}").get_data(as_text=True)
    assert page_problems(html) == [] and "&lt;script&gt;" in html
    refused = _file(client, "general", {"subject": XSS, "detail": "", "_cc": XSS})
    assert refused.status_code == 422 and page_problems(refused.get_data(as_text=True)) == []
    _as(client, auth, org["head_tmall"])
    section = hx(client, "post", f"/approvals/{request.id}/act", target=f"approval-{request.id}",
                 data={"action": "comment", "comment": XSS}).get_data(as_text=True)
    assert page_problems(section) == [] and "&lt;script&gt;" in section


@pytest.mark.parametrize("viewer", ["staff", "head_tmall"])
def test_the_request_page_has_a_fixed_number_of_queries(client, auth, org, viewer):
    def make(comments):
        request = engine.submit(_template("leave"), org["staff"], {**VALID["leave"],
                                                                 "handover": org["deputy"].id},
                                cc=[org["head_ops"]]).request
        for n in range(comments):
            engine.comment(request.id, org["staff"], f"补充 {n}")
        return request

    few, many = make(0), make(8)  # submit + cc: 2 history rows; + 8 comments: 10
    assert ApprovalAction.select().where(ApprovalAction.request == many.id).count() == 10
    auth.login(org[viewer])
    client.get(f"/approvals/{few.id}")
    # session user, live cursor, the request with its form and initiator, files, the handover's name,
    # steps, approvers, history, cc, the inbox badge; an approver: can_see, + colleagues for the choices
    # + the navigation's check of who works orders (office/orders/access.py); a 请假 shows the
    # initiator's balance to them and its approvers: allowance, approved leave, pending requests.
    expected = {"staff": 14, "head_tmall": 16}[viewer]
    with assert_query_count(expected):
        assert client.get(f"/approvals/{few.id}").status_code == 200
    with assert_query_count(expected):
        html = client.get(f"/approvals/{many.id}").get_data(as_text=True)
    assert html.count('class="history-item') == 10


def test_resubmitting_a_free_route_form_prefills_the_chosen_approver(client, auth, org):
    request = engine.submit(_template("general"), org["staff"], {"subject": "借车", "detail": "去仓库"},
                            chosen=org["director"]).request
    engine.return_to_initiator(request.id, org["director"], "写清楚几点")
    auth.login(org["staff"])
    form = client.get(f"/approvals/{request.id}/resubmit").get_data(as_text=True)
    assert f'<option value="{org["director"].id}" selected>' in form
    response = client.post(f"/approvals/{request.id}/resubmit", data={
        "subject": "借车", "detail": "下午两点去仓库", "_approver": str(org["head_tmall"].id)})
    assert response.status_code == 303
    assert _open_user_ids(request.id) == [org["head_tmall"].id]


def test_the_section_renders_out_of_band_for_the_live_stream(app, org):
    from flask import render_template

    from office.approvals.pages import request_context

    request = engine.submit(_template("ad_spend"), org["staff"], AD).request
    with app.test_request_context():
        html = render_template("approvals/_request.html", oob=True,
                               **request_context(org["head_tmall"], ApprovalRequest.get_by_id(request.id)))
    assert f'<section id="approval-{request.id}" class="approval" hx-swap-oob="true"' in html
    assert 'value="approve"' in html  # the head's own actions


def test_the_initiator_s_open_page_and_the_lists_update_live(client, auth, org):
    """The request page's stream brings the whole section back when an approver acts, and an
    open list gets fresh counts; an outsider's streams get neither."""
    from office.approvals import engine
    from office.live.events import latest_id
    from office.models.approvals import ApprovalTemplate

    template = ApprovalTemplate.get(ApprovalTemplate.key == "ad_spend")
    data = {"channel": "直通车", "shop": "旗舰店", "amount": "8000", "period_start": "2026-11-25",
            "period_end": "2026-12-05"}
    approval = engine.submit(template, org["staff"], data).request
    after = latest_id()
    engine.approve(approval.id, org["head_tmall"], "同意")
    auth.login(org["staff"])
    body = client.get(f"/live/?after={after}&view=approval&approval={approval.id}", buffered=True).get_data(
        as_text=True)
    assert f'id="approval-{approval.id}"' in body and "hx-swap-oob" in body
    auth.logout()
    auth.login(org["director"])
    body = client.get(f"/live/?after={after}&view=approvals&tab=pending", buffered=True).get_data(as_text=True)
    assert 'id="approval-counts"' in body
    auth.logout()
    from tests.factories import make_user

    auth.login(make_user("nosy"))
    for url in (f"/live/?after={after}&view=approval&approval={approval.id}",
                f"/live/?after={after}&view=approvals&tab=pending"):
        body = client.get(url, buffered=True).get_data(as_text=True)
        assert "approval-" not in body, url
