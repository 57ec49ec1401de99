"""The approval template editor (admins): creating a form with every field type and a
conditional route and filing it, the row buttons with and without JS, validation (422, nothing
saved), the rule that keeps filed requests readable, the list (order, offering, pinned query
count), access, escaping; and the approvals lists' live counts keeping their filters."""
import io
import json
import re

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from playhouse.test_utils import assert_query_count

from office.approvals import engine
from office.approvals.fields import FieldSpec
from office.approvals.routing import (
    DEPARTMENT_HEAD,
    DIRECTORS,
    INITIATOR_HEAD,
    ROLE,
    USERS,
    Condition,
    RouteError,
    StepSpec,
    check_route,
)
from office.live.events import latest_id
from office.models.approvals import ApprovalRequest, ApprovalStep, ApprovalTemplate
from office.models.audit import AuditEvent
from tests.conftest import hx
from tests.factories import approval_org, make_user
from tests.inert import page_problems

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'
NEW, LIST = "/approvals/templates/new", "/approvals/templates"


@pytest.fixture
def org(app):
    # The editor's admin reads English, so messages read plainly in the asserts below.
    return {**approval_org(), "admin": make_user("boss", role="admin", display_name="周敏", locale="en")}


def _t(app, text, **kw):
    """A UI string as the admin's pages show it."""
    with app.test_request_context(), force_locale("en"):
        return gettext(text, **kw)


def _field(label, name, type, required=False, options="", min="", max="", help="", was=""):
    return {"label": label, "name": name, "type": type, "required": required, "options": options, "min": min,
            "max": max, "help": help, "was": was}


def _step(name, kind=INITIATOR_HEAD, mode="all", users=(), role="director", department=0, cond=None):
    field, op, value = cond or ("", ">", "")
    return {"name": name, "kind": kind, "mode": mode, "users": list(users), "role": role, "department": department,
            "cond_field": field, "cond_op": op, "cond_value": value}


def _form(name="市场活动申请", key="campaign", fields=(), steps=(), free_routing="none", hours="12",
          description="活动预算", **extra):
    """The editor's POST body (what the browser sends: unticked boxes are left out)."""
    data = {"name": name, "description": description, "time_limit_hours": hours, "free_routing": free_routing}
    if key is not None:
        data["key"] = key
    for i, row in enumerate(fields):
        for k, v in row.items():
            if k == "required":
                if v:
                    data[f"field_rows-{i}-required"] = "y"
            else:
                data[f"field_rows-{i}-{k}"] = v
    for i, row in enumerate(steps):
        for k, v in row.items():
            data[f"step_rows-{i}-{k}"] = [str(u) for u in v] if k == "users" else str(v)
    data.update(extra)
    return data


def _every_type(org):
    return [
        _field("店铺", "shop", "text", True, max="60"),
        _field("活动说明", "plan", "textarea", help="写清楚目标"),
        _field("预期 ROI", "roi", "number", min="0", max="100"),
        _field("金额（元）", "amount", "money", True, min="0.01"),
        _field("付款日期", "pay_on", "date"),
        _field("活动时间", "period", "daterange", True),
        _field("渠道", "channel", "choice", True, options="直通车\n钻石展位\n"),
        _field("平台", "platforms", "choices", options="天猫\n京东"),
        _field("交接人", "handover", "person"),
        _field("协作部门", "partner", "department"),
        _field("附件", "files", "attachment"),
    ]


ROUTE = [_step("部门负责人审批"), _step("总经理审批", DIRECTORS, "any", cond=("amount", ">", "5000"))]


def _tpl(key):
    return ApprovalTemplate.get(ApprovalTemplate.key == key)


def _as(client, auth, user):
    auth.logout()
    auth.login(user)


def _rows(html, what="field"):
    """The field (or step) rows' names/step names in the order drawn."""
    part = "name"
    return re.findall(rf'name="{what}_rows-\d+-{part}"[^>]*value="([^"]*)"', html)


# --- creating a form and filing it -------------------------------------------------------------

def test_an_admin_creates_a_form_with_every_field_type_and_a_conditional_route(app, client, auth, org):
    auth.login(org["admin"])
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, data=_form(fields=_every_type(org), steps=ROUTE))
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(LIST)
    tpl = _tpl("campaign")
    assert (tpl.name, tpl.description, tpl.time_limit_hours, tpl.free_routing, tpl.is_active) == (
        "市场活动申请", "活动预算", 12, "none", True)
    assert tpl.position == ApprovalTemplate.select().count() - 1  # last in the order
    specs = engine.template_fields(tpl)
    assert [s.type for s in specs] == ["text", "textarea", "number", "money", "date", "daterange", "choice",
                                       "choices", "person", "department", "attachment"]
    assert specs[0] == FieldSpec("shop", "店铺", "text", True, max=60)
    assert specs[2].min == 0 and specs[2].max == 100 and specs[3].min == 0.01
    assert specs[6].options == ["直通车", "钻石展位"] and specs[7].options == ["天猫", "京东"]
    assert specs[4].min is None and specs[1].help == "写清楚目标"
    assert engine.template_route(tpl) == [
        StepSpec("部门负责人审批", INITIATOR_HEAD, "all"),
        StepSpec("总经理审批", DIRECTORS, "any", condition=Condition("amount", ">", "5000"))]
    event = AuditEvent.get(AuditEvent.action == "approval_template_changed")
    assert (event.actor_id, event.target_id, event.details["change"]) == (org["admin"].id, tpl.id, "created")
    listed = client.get(LIST).get_data(as_text=True)
    assert "市场活动申请" in listed and "<code>campaign</code>" in listed

    # Staff file it through the filing views; the route preview follows the amount.
    _as(client, auth, org["staff"])
    page = client.get("/approvals/new/campaign").get_data(as_text=True)
    for name in ("shop", "plan", "roi", "amount", "pay_on", "period-start", "channel", "handover", "partner", "files"):
        assert f'id="f-{name}"' in page, name
    preview = client.post("/approvals/new/campaign/preview", data={"amount": "8000"}).get_data(as_text=True)
    assert "李娜" in preview and "陈建华" in preview
    preview = client.post("/approvals/new/campaign/preview", data={"amount": "800"}).get_data(as_text=True)
    assert "李娜" in preview and "陈建华" not in preview
    filing = {"shop": "旗舰店", "plan": "双12", "roi": "3.5", "amount": "8,000", "pay_on": "2026-12-01",
              "period_start": "2026-12-10", "period_end": "2026-12-12", "channel": "钻石展位",
              "platforms": ["天猫", "京东"], "handover": str(org["head_ops"].id), "partner": str(org["ops"].id),
              "files": (io.BytesIO(PNG), "plan.png")}
    response = client.post("/approvals/new/campaign", data=filing, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    request = ApprovalRequest.get(ApprovalRequest.template == tpl.id)
    data = json.loads(request.data)
    assert data["amount"] == "8000.00" and data["platforms"] == ["天猫", "京东"] and len(data["files"]) == 1
    assert [s.name for s in ApprovalStep.select().where(ApprovalStep.request == request.id)
            .order_by(ApprovalStep.position)] == ["部门负责人审批", "总经理审批"]
    shown = client.get(f"/approvals/{request.id}").get_data(as_text=True)
    assert "¥8,000.00" in shown and "运营推广部" in shown and "王磊" in shown


def test_the_edit_page_shows_the_saved_form_with_a_preview(client, auth, org):
    auth.login(org["admin"])
    tpl = _tpl("ad_spend")
    html = client.get(f"/approvals/templates/{tpl.id}/edit").get_data(as_text=True)
    assert _rows(html) == ["channel", "shop", "amount", "period", "roi", "plan"]
    assert _rows(html, "step") == ["部门负责人审批", "总经理审批"]
    assert 'name="key"' not in html and "<code>ad_spend</code>" in html  # a key never changes
    assert re.search(r'<option selected value="amount">', html)  # the condition's field
    assert 'value="5000"' in html
    preview = html[html.index('id="tpl-preview-title"'):]
    assert 'id="f-amount"' in preview and 'id="f-period-start"' in preview and "<fieldset" in preview
    assert "disabled" in preview
    assert page_problems(html) == []


# --- row buttons -------------------------------------------------------------------------------

def test_row_buttons_change_the_form_without_saving_and_without_js(client, auth, org):
    auth.login(org["admin"])
    before = ApprovalTemplate.select().count()
    fields = [_field("甲", "a", "text"), _field("乙", "b", "number"), _field("丙", "c", "date")]
    steps = [_step("一审"), _step("二审", DIRECTORS)]

    response = client.post(NEW, data=_form(fields=fields, steps=steps, add_field="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert _rows(html) == ["a", "b", "c", ""]
    assert 'id="field_rows-3-label"' in html and re.search(r'autofocus[^>]*id="field_rows-3-label"', html)

    html = client.post(NEW, data=_form(fields=fields, steps=steps, **{"remove_field-1": "1"})).get_data(as_text=True)
    assert _rows(html) == ["a", "c"]
    html = client.post(NEW, data=_form(fields=fields, steps=steps, **{"up_field-2": "1"})).get_data(as_text=True)
    assert _rows(html) == ["a", "c", "b"]
    assert re.findall(r'name="field_rows-\d+-label"[^>]*value="([^"]*)"', html) == ["甲", "丙", "乙"]
    html = client.post(NEW, data=_form(fields=fields, steps=steps, **{"down_field-0": "1"})).get_data(as_text=True)
    assert _rows(html) == ["b", "a", "c"]
    html = client.post(NEW, data=_form(fields=fields, steps=steps, **{"up_field-0": "1"})).get_data(as_text=True)
    assert _rows(html) == ["a", "b", "c"]  # the first row stays first

    html = client.post(NEW, data=_form(fields=fields, steps=steps, **{"down_step-0": "1"})).get_data(as_text=True)
    assert _rows(html, "step") == ["二审", "一审"]
    assert re.findall(r'<option selected value="(\w+)">', html[html.index('id="step_rows-0"'):])[0] == "directors"
    html = client.post(NEW, data=_form(fields=fields, steps=steps, add_step="1")).get_data(as_text=True)
    assert _rows(html, "step") == ["一审", "二审", ""]
    html = client.post(NEW, data=_form(fields=fields, steps=steps, **{"remove_step-0": "1"})).get_data(as_text=True)
    assert _rows(html, "step") == ["二审"]
    # A blank row just added is not wrong yet: no errors, and the preview shows the valid fields.
    assert "tpl-row-error" not in html and 'id="f-a"' in html
    assert ApprovalTemplate.select().count() == before


def test_row_buttons_with_htmx_swap_the_editor_only(client, auth, org):
    auth.login(org["admin"])
    tpl = _tpl("leave")
    url = f"/approvals/templates/{tpl.id}/edit"
    saved = (tpl.fields, tpl.route)
    html = client.get(url).get_data(as_text=True)
    assert f'hx-post="{url}"' in html and 'hx-target="#template-editor"' in html
    data = _form(key=None, name="请假", fields=[_field("请假类型", "leave_type", "choice", True, "年假\n事假",
                                                       was="leave_type")],
                 steps=[_step("部门负责人审批")], add_field="1")
    response = hx(client, "post", url, target="template-editor", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<div id="template-editor"')
    assert "HX-Request" in response.headers["Vary"]
    assert _rows(body) == ["leave_type", ""]
    response = hx(client, "post", url, target="template-editor", data={**data, "add_field": None,
                                                                         "add_step": "1"})
    assert _rows(response.get_data(as_text=True), "step") == ["部门负责人审批", ""]
    tpl = _tpl("leave")
    assert (tpl.fields, tpl.route) == saved


# --- validation --------------------------------------------------------------------------------

def _refusals(org):
    """case -> (fields, steps, id of the element holding the error, (msgid, its arguments))."""
    money = _field("金额", "amount", "money")
    return {
        "duplicate names": ([money, _field("金额2", "amount", "number")], [_step("审批")], "field_rows-1",
                            ("Two fields are named %(name)s.", {"name": "amount"})),
        "condition on a missing field": ([money], [_step("审批", cond=("budget", ">", "5000"))], "step_rows-0",
                                         ("Step %(name)s: the condition names no field of this form.",
                                          {"name": "审批"})),
        "choice without options": ([_field("渠道", "channel", "choice", options="\n  \n")], [_step("审批")],
                                   "field_rows-0",
                                   ("%(label)s: give the options to choose from.", {"label": "渠道"})),
        "department step without a department": ([money], [_step("财务", DEPARTMENT_HEAD)], "step_rows-0",
                                                 ("Step %(name)s: choose the department.", {"name": "财务"})),
        "named people without anyone": ([money], [_step("指定", USERS)], "step_rows-0",
                                        ("Step %(name)s: name at least one approver.", {"name": "指定"})),
        "a condition value that is no number": ([money], [_step("审批", cond=("amount", ">", "五千"))],
                                                "step_rows-0",
                                                ("Step %(name)s: %(label)s is compared with a number, such as 5000.",
                                                 {"name": "审批", "label": "金额"})),
        "a bad field name": ([_field("金额", "Amount!", "money")], [_step("审批")], "field_rows-0",
                             ("Field names use lowercase letters, digits and underscores, starting with a letter "
                              "(at most %(n)d): %(name)s", {"n": 40, "name": "Amount!"})),
        "no steps": ([money], [], "tpl-route", ("A route needs at least one step.", {})),
    }


@pytest.mark.parametrize("case", ["duplicate names", "condition on a missing field", "choice without options",
                                  "department step without a department", "named people without anyone",
                                  "a condition value that is no number", "a bad field name", "no steps"])
@pytest.mark.parametrize("with_htmx", [False, True])
def test_refused_saves_are_422_with_the_error_on_its_row_and_save_nothing(app, client, auth, org, case, with_htmx):
    auth.login(org["admin"])
    fields, steps, row, (msgid, args) = _refusals(org)[case]
    before = ApprovalTemplate.select().count()
    data = _form(fields=fields, steps=steps, save="1")
    if with_htmx:
        response = hx(client, "post", NEW, target="template-editor", data=data)
    else:
        response = client.post(NEW, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("<html" in html) is not with_htmx
    error = re.search(rf'<p class="error[^"]*" id="{row}-error">([^<]*)</p>', html)
    assert error, html
    assert error.group(1) == str(escape(_t(app, msgid, **args)))
    assert 'id="template-errors"' in html
    assert ApprovalTemplate.select().count() == before and AuditEvent.select().where(
        AuditEvent.action == "approval_template_changed").count() == 0


def test_key_and_settings_are_checked(client, auth, org):
    auth.login(org["admin"])
    steps = [_step("审批")]
    for key in ("", "Leave", "1abc", "a b"):
        response = client.post(NEW, data=_form(key=key, steps=steps))
        assert response.status_code == 422 and 'id="tpl-key-error"' in response.get_data(as_text=True), key
    taken = client.post(NEW, data=_form(key="leave", steps=steps))
    assert taken.status_code == 422 and "Another form has the key leave." in taken.get_data(as_text=True)
    no_free_step = client.post(NEW, data=_form(free_routing="initiator", steps=steps))
    assert no_free_step.status_code == 422 and 'id="tpl-free-routing-error"' in no_free_step.get_data(as_text=True)
    for hours in ("0", "abc", "10000"):
        response = client.post(NEW, data=_form(hours=hours, steps=steps))
        assert response.status_code == 422 and 'id="tpl-time-limit-error"' in response.get_data(as_text=True)
    free = client.post(NEW, data=_form(free_routing="initiator", steps=[_step("自选", "free")]))
    assert free.status_code == 303 and _tpl("campaign").free_routing == "initiator"


def test_a_role_step_and_named_people_are_saved(client, auth, org):
    auth.login(org["admin"])
    steps = [_step("主管", ROLE, role="head"), _step("指定", USERS, users=[org["director"].id, org["head_ops"].id]),
             _step("运营部", DEPARTMENT_HEAD, department=org["ops"].id)]
    assert client.post(NEW, data=_form(steps=steps)).status_code == 303
    route = engine.template_route(_tpl("campaign"))
    assert (route[0].role, route[0].users, route[0].department) == ("head", [], None)
    assert sorted(route[1].users) == sorted([org["director"].id, org["head_ops"].id]) and route[1].role == ""
    assert route[2].department == org["ops"].id
    refused = client.post(NEW, data=_form(key="other", steps=[_step("指定", USERS, users=[999999])]))
    assert refused.status_code == 422  # not a colleague


@pytest.mark.parametrize("step,fragment", [
    (StepSpec("审批", DIRECTORS, condition=Condition("amount", ">", "")), "give the value"),
    (StepSpec("审批", DIRECTORS, condition=Condition("amount", ">", "NaN")), "compared with a number"),
    (StepSpec("审批", DIRECTORS, condition=Condition("on", ">", "2026-13-01")), "YYYY-MM-DD"),
    (StepSpec("审批", DIRECTORS, condition=Condition("tags", ">", "甲")), "can hold several values"),
    (StepSpec("审批", ROLE, role="boss"), "choose the role"),
])
def test_check_route_refuses_conditions_that_could_never_compare(app, step, fragment):
    specs = [FieldSpec("amount", "金额", "money"), FieldSpec("on", "日期", "date"),
             FieldSpec("tags", "标签", "choices", options=["甲", "乙"])]
    with app.test_request_context(), force_locale("en"):
        with pytest.raises(RouteError) as caught:
            check_route([step], specs)
        assert fragment in str(caught.value)
        check_route([StepSpec("审批", DIRECTORS, condition=Condition("tags", "==", "甲")),
                     StepSpec("审批", DIRECTORS, condition=Condition("on", "<", "2026-12-01")),
                     StepSpec("审批", ROLE, role="head")], specs)


# --- editing a form that requests were filed with ----------------------------------------------

def _ad_rows(tpl, **changes):
    """The saved 推广费用 form as the editor posts it, with ``changes`` by field name (None: removed)."""
    rows = []
    for spec in engine.template_fields(tpl):
        row = _field(spec.label, spec.name, spec.type, spec.required, "\n".join(spec.options),
                     "" if spec.min is None else str(spec.min), "" if spec.max is None else str(spec.max), spec.help,
                     was=spec.name)
        if spec.name in changes:
            if changes[spec.name] is None:
                continue
            row.update(changes[spec.name])
        rows.append(row)
    return rows


def _ad_steps(tpl):
    return [_step(s.name, s.kind, s.mode, cond=(s.condition.field, s.condition.op, s.condition.value)
                  if s.condition else None) for s in engine.template_route(tpl)]


def test_fields_that_filed_requests_hold_cannot_be_removed_renamed_or_retyped(app, client, auth, org):
    tpl = _tpl("ad_spend")
    filed = engine.submit(tpl, org["staff"], {"channel": "直通车", "shop": "旗舰店", "amount": "8000", "roi": "3",
                                              "period_start": "2026-11-25", "period_end": "2026-12-05"}).request
    auth.login(org["admin"])
    url = f"/approvals/templates/{tpl.id}/edit"
    html = client.get(url).get_data(as_text=True)
    shop = html[html.index('id="field_rows-1"'):html.index('id="field_rows-2"')]
    assert "Filed requests: 1" in shop and "readonly" in shop and 'name="remove_field-1"' not in shop
    saved = (tpl.fields, tpl.route)

    def save(**changes):
        return client.post(url, data=_form(key=None, name=tpl.name, description=tpl.description, hours="8",
                                           fields=_ad_rows(tpl, **changes), steps=_ad_steps(tpl), save="1"))

    removed = save(roi=None)
    assert removed.status_code == 422
    assert "1 filed requests hold 预期 ROI (roi): it cannot be removed or renamed." in removed.get_data(as_text=True)
    renamed = save(shop={"name": "store"})
    assert renamed.status_code == 422
    assert re.search(r'id="field_rows-1-error">1 filed requests hold 店铺 \(shop\)', renamed.get_data(as_text=True))
    retyped = save(amount={"type": "date"})  # the row offers only money and number
    assert retyped.status_code == 422 and 'id="field_rows-2-type-error"' in retyped.get_data(as_text=True)
    retyped = save(roi={"type": "date", "min": "", "max": "", "was": ""})  # whatever the row says, the rule decides
    assert retyped.status_code == 422
    assert ('id="field_rows-4-error">1 filed requests hold 预期 ROI (roi) as number: its type cannot change to '
            'date.') in retyped.get_data(as_text=True)
    # The remove button of a held field is refused too (the row stays, with the reason).
    button = client.post(url, data=_form(key=None, name=tpl.name, fields=_ad_rows(tpl), steps=_ad_steps(tpl),
                                         **{"remove_field-1": "1"}))
    assert button.status_code == 200 and _rows(button.get_data(as_text=True))[1] == "shop"
    assert 'id="field_rows-1-error"' in button.get_data(as_text=True)
    assert (_tpl("ad_spend").fields, _tpl("ad_spend").route) == saved

    # What reads the same is fine: a new label, text to long text, money to number, and removing a
    # field no filed request holds a value in (its plan was left empty).
    plan = html[html.index('id="field_rows-5"'):html.index('id="tpl-route-title"')]
    assert "Filed requests" not in plan and 'name="remove_field-5"' in plan
    ok = save(shop={"label": "店铺名称", "type": "textarea"}, amount={"type": "number"},
              plan=None)
    assert ok.status_code == 303, ok.get_data(as_text=True)
    tpl = _tpl("ad_spend")
    assert [s.name for s in engine.template_fields(tpl)] == ["channel", "shop", "amount", "period", "roi"]
    shown = client.get(f"/approvals/{filed.id}").get_data(as_text=True)
    assert "店铺名称" in shown and "旗舰店" in shown and "8000" in shown
    event = AuditEvent.select().where(AuditEvent.action == "approval_template_changed").get()
    assert event.details == {"change": "edited", "columns": ["fields"]}
    # A field added after the requests were filed may go again.
    rows = _ad_rows(tpl) + [_field("备注", "note", "text")]
    assert client.post(url, data=_form(key=None, name=tpl.name, description=tpl.description, hours="8",
                                       fields=rows, steps=_ad_steps(tpl))).status_code == 303
    assert client.post(url, data=_form(key=None, name=tpl.name, description=tpl.description, hours="8",
                                       fields=_ad_rows(_tpl("ad_spend"), note=None),
                                       steps=_ad_steps(tpl))).status_code == 303


# --- the list ----------------------------------------------------------------------------------

def test_the_list_moves_and_offers_forms(client, auth, org):
    auth.login(org["admin"])
    leave, ad = _tpl("leave"), _tpl("ad_spend")
    html = client.get(LIST).get_data(as_text=True)
    assert html.index("请假") < html.index("直通车/钻展推广费用")
    assert "总经理审批 (only when 天数 is more than 3)" in html
    response = client.post(f"/approvals/templates/{ad.id}/move", data={"direction": "up"})
    assert response.status_code == 303 and response.headers["Location"].endswith(LIST)
    order = [t.key for t in ApprovalTemplate.select().order_by(ApprovalTemplate.position, ApprovalTemplate.id)]
    assert order[:2] == ["ad_spend", "leave"]
    response = hx(client, "post", f"/approvals/templates/{ad.id}/move", target="approval-template-list",
                  data={"direction": "down"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<div id="approval-template-list">')
    assert body.index("请假") < body.index("直通车/钻展推广费用")
    assert client.post(f"/approvals/templates/{ad.id}/move", data={"direction": "sideways"}).status_code == 400

    assert client.post(f"/approvals/templates/{leave.id}/deactivate").status_code == 303
    assert not _tpl("leave").is_active
    _as(client, auth, org["staff"])
    assert client.get("/approvals/new/leave").status_code == 404
    assert "请假" not in client.get("/approvals/new").get_data(as_text=True)
    _as(client, auth, org["admin"])
    body = hx(client, "post", f"/approvals/templates/{leave.id}/activate", target="approval-template-list"
              ).get_data(as_text=True)
    assert _tpl("leave").is_active and f'/approvals/templates/{leave.id}/deactivate' in body
    changes = [e.details["change"] for e in AuditEvent.select().where(
        AuditEvent.action == "approval_template_changed").order_by(AuditEvent.id)]
    assert changes == ["moved", "moved", "deactivated", "activated"]


def test_list_query_count_is_pinned(client, auth, org):
    auth.login(org["admin"])
    for i in range(3):
        engine.submit(_tpl("purchase"), org["staff"], {"item": "箱子", "quantity": "1", "amount": "10",
                                                       "reason": "备货"})
    client.get(LIST)
    # Session user, every form with its requests counted (one query), and the page shell's two
    # (unread badge, live cursor).
    with assert_query_count(4):
        html = client.get(LIST).get_data(as_text=True)
    row = html[html.index(f'id="approval-template-{_tpl("purchase").id}"'):]
    assert re.search(r'data-label="Requests filed">3<', row)
    for i in range(5):
        client.post(NEW, data=_form(key=f"extra{i}", steps=[_step("审批")]))
    with assert_query_count(4):
        client.get(LIST)
    with assert_query_count(2):  # htmx: session user and the forms
        hx(client, "get", LIST, target="approval-template-list")


# --- access and escaping -----------------------------------------------------------------------

def _urls(tpl_id):
    return [("get", LIST), ("get", NEW), ("post", NEW), ("get", f"/approvals/templates/{tpl_id}/edit"),
            ("post", f"/approvals/templates/{tpl_id}/edit"), ("post", f"/approvals/templates/{tpl_id}/activate"),
            ("post", f"/approvals/templates/{tpl_id}/deactivate"), ("post", f"/approvals/templates/{tpl_id}/move")]


@pytest.mark.parametrize("role", ["staff", "head", "director"])
def test_only_admins_may_edit_forms(client, auth, org, role):
    tpl = _tpl("leave")
    auth.login(make_user(role=role))
    for method, url in _urls(tpl.id):
        data = {"direction": "up", **_form(steps=[_step("审批")])}
        assert client.open(url, method=method.upper(), data=data).status_code == 403, url
        response = hx(client, method, url, target="template-editor", data=data)
        assert response.status_code == 403 and response.headers["HX-Retarget"] == "#toasts", url
        assert "<html" not in response.get_data(as_text=True)
    assert ApprovalTemplate.select().count() == 6 and _tpl("leave").fields == tpl.fields and _tpl("leave").is_active
    auth.logout()
    for method, url in _urls(tpl.id):
        assert client.open(url, method=method.upper()).headers["Location"].startswith("/login")


def test_with_csrf_on_the_editor_and_its_row_buttons_need_the_token(app, client, auth, org):
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "boss", "password": "password123", "csrf_token": token})
    html = client.get(NEW).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = _form(steps=[_step("审批")])
    assert client.post(NEW, data={**data, "add_field": "1"}).status_code == 400
    assert client.post(NEW, data={**data, "add_field": "1", "csrf_token": token}).status_code == 200
    assert client.post(NEW, data=data).status_code == 400
    response = hx(client, "post", NEW, target="template-editor", data=data, headers={"X-CSRFToken": token})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == LIST
    assert _tpl("campaign").name == "市场活动申请"


def test_missing_forms_are_404(client, auth, org):
    auth.login(org["admin"])
    for method, url in _urls(9999)[3:]:
        assert client.open(url, method=method.upper(), data={"direction": "up"}).status_code == 404, url


def test_labels_names_and_options_are_escaped(client, auth, org):
    auth.login(org["admin"])
    fields = [_field(XSS, "amount", "money"), _field("渠道" + XSS, "channel", "choice", options=XSS + "\n乙"),
              _field("bad", XSS, "text")]
    steps = [_step(XSS, DIRECTORS, cond=("amount", ">", XSS))]
    refused = client.post(NEW, data=_form(name=XSS, description=XSS, fields=fields, steps=steps))
    assert refused.status_code == 422 and page_problems(refused.get_data(as_text=True)) == []
    assert "&lt;script&gt;" in refused.get_data(as_text=True)
    steps = [_step(XSS, DIRECTORS, cond=("amount", ">", "5000"))]
    saved = client.post(NEW, data=_form(name=XSS, description=XSS, fields=fields[:2], steps=steps))
    assert saved.status_code == 303
    tpl = _tpl("campaign")
    for url in (LIST, f"/approvals/templates/{tpl.id}/edit", "/approvals/new", "/approvals/new/campaign"):
        html = client.get(url).get_data(as_text=True)
        assert page_problems(html) == [], url
        assert "&lt;script&gt;" in html, url


# --- the lists' live counts keep their filters -------------------------------------------------

def test_live_counts_keep_the_list_filters(client, auth, org):
    approval = engine.submit(_tpl("ad_spend"), org["staff"], {
        "channel": "直通车", "shop": "旗舰店", "amount": "8000", "period_start": "2026-11-25",
        "period_end": "2026-12-05"}).request
    auth.login(org["director"])
    page = client.get("/approvals/?tab=done&template=ad_spend&since=2026-11-01").get_data(as_text=True)
    stream = re.search(r'sse-connect="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "view=approvals" in stream and "tab=done" in stream
    assert "template=ad_spend" in stream and "since=2026-11-01" in stream
    after = latest_id()
    engine.approve(approval.id, org["head_tmall"], "同意")  # now waiting for the director
    body = client.get(stream.replace("after=0", f"after={after}") if "after=0" in stream else
                      re.sub(r"after=\d+", f"after={after}", stream), buffered=True).get_data(as_text=True)
    counts = body[body.index('id="approval-counts"'):]
    assert 'hx-swap-oob="true"' in counts
    assert "/approvals/?template=ad_spend&amp;since=2026-11-01" in counts
    assert "/approvals/?tab=mine&amp;template=ad_spend&amp;since=2026-11-01" in counts
    assert 'aria-current="page"' in counts[counts.index("tab=done"):counts.index("tab=done") + 300]
    # Filters that are no filters are not carried.
    body = client.get(f"/live/?after={after}&view=approvals&tab=pending&template=%3Cb%3E&since=soon",
                      buffered=True).get_data(as_text=True)
    assert "since=soon" not in body and "%3Cb%3E" not in body and "<b>" not in body
