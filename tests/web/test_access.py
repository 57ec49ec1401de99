"""Every admin URL, partials included: anonymous -> login (htmx: HX-Redirect), staff -> 403."""
import datetime as dt

import pytest

from tests.conftest import hx
from tests.web.test_api_workorders import WORK_ORDER_TOKEN_ENDPOINTS
from tests.web.test_mainline_privacy import MAINLINE_ENDPOINTS, MAINLINE_URLS, OTHER_ENDPOINTS
from tests.web.test_order_privacy import ORDER_ENDPOINTS, TOKEN_ENDPOINTS

# (method, url) for every admin-only endpoint; {user} and {department} are filled in.
ADMIN_URLS = [
    ("get", "/people/manage"),
    ("get", "/people/new"),
    ("post", "/people/new"),
    ("get", "/people/{user}/row"),
    ("get", "/people/{user}/edit"),
    ("post", "/people/{user}/edit"),
    ("post", "/people/{user}/deactivate"),
    ("post", "/people/{user}/activate"),
    ("post", "/people/{user}/password"),
    ("get", "/departments/"),
    ("post", "/departments/new"),
    ("get", "/departments/{department}/row"),
    ("get", "/departments/{department}/edit"),
    ("post", "/departments/{department}/edit"),
    ("post", "/departments/{department}/delete"),
    ("get", "/audit/"),
    ("get", "/inbox/failures"),
    ("post", "/inbox/failures/{delivery}/retry"),
    ("get", "/approvals/templates"),
    ("get", "/approvals/templates/new"),
    ("post", "/approvals/templates/new"),
    ("get", "/approvals/templates/{template}/edit"),
    ("post", "/approvals/templates/{template}/edit"),
    ("post", "/approvals/templates/{template}/activate"),
    ("post", "/approvals/templates/{template}/deactivate"),
    ("post", "/approvals/templates/{template}/move"),
    ("get", "/approvals/leave-allowances"),
    ("post", "/approvals/leave-allowances"),
    ("get", "/calendar/edit"),
    ("post", "/calendar/hours"),
    ("post", "/calendar/days"),
    ("post", "/calendar/days/{calendar_day}/delete"),
    ("post", "/calendar/import"),
]
ADMIN_ENDPOINTS = {
    "people.manage", "people.create", "people.row", "people.edit", "people.deactivate", "people.activate",
    "people.reset_password", "departments.index", "departments.create", "departments.row", "departments.edit",
    "departments.delete", "audit.index", "inbox.failures", "inbox.retry",
    "approvals.templates", "approvals.template_create", "approvals.template_edit", "approvals.template_activate",
    "approvals.template_deactivate", "approvals.template_move", "approvals.leave_allowances",
    "calendar.edit", "calendar.save_hours", "calendar.add_day", "calendar.remove_day", "calendar.import_days",
}
SIGNED_IN_URLS = [
    ("get", "/"), ("get", "/workbench"), ("get", "/me"), ("get", "/design"), ("get", "/people/{username}/photo"),
    ("post", "/people/{username}/photo"), ("post", "/people/{username}/photo/remove"), ("get", "/people/"), ("get", "/people/{username}"), ("get", "/account/password"),
    ("post", "/account/password"), ("post", "/logout"), ("get", "/logout/confirm"), ("post", "/account/sign-out-others"),
    ("post", "/feed/posts"), ("get", "/feed/{post}"), ("get", "/feed/{post}/card"), ("get", "/feed/{post}/edit"),
    ("post", "/feed/{post}/edit"), ("post", "/feed/{post}/delete"), ("post", "/feed/{post}/comments"),
    ("post", "/feed/{post}/like"), ("post", "/feed/{post}/confirm"), ("get", "/feed/files/{attachment}/a.png"),
    ("get", "/feed/search"), ("get", "/feed/mentions"), ("get", "/live/"),
    ("get", "/inbox/"), ("post", "/inbox/1/read"), ("post", "/inbox/read-all"), ("get", "/inbox/settings"),
    ("post", "/inbox/settings"),
    ("get", "/notices/"), ("get", "/notices/new"), ("post", "/notices/new"), ("get", "/notices/1"),
    ("post", "/notices/1/confirm"), ("post", "/notices/1/pin"), ("post", "/notices/1/expire"),
    ("get", "/memos/"), ("get", "/memos/new"), ("post", "/memos/new"), ("post", "/memos/1/delete"),
    ("get", "/replies/"), ("get", "/replies/new"), ("post", "/replies/new"), ("get", "/replies/1/edit"),
    ("post", "/replies/1/edit"), ("post", "/replies/1/deactivate"), ("post", "/replies/1/activate"),
    ("post", "/replies/1/use"), ("get", "/replies/pick"),
    ("get", "/mainlines/"), ("get", "/mainlines/new"), ("post", "/mainlines/new"), ("get", "/mainlines/templates"),
    ("get", "/mainlines/join/abc"), ("post", "/mainlines/join/abc"),
    ("get", "/approvals/"), ("get", "/approvals/new"), ("get", "/approvals/new/leave"),
    ("post", "/approvals/new/leave"), ("post", "/approvals/new/leave/preview"), ("get", "/approvals/1"),
    ("post", "/approvals/1/act"), ("get", "/approvals/1/resubmit"), ("post", "/approvals/1/resubmit"),
    ("get", "/approvals/1/files/1/a.png"), ("get", "/approvals/1/quick"), ("post", "/approvals/1/quick"),
    ("get", "/approvals/export.xlsx"), ("get", "/approvals/delegation"), ("post", "/approvals/delegation"),
    ("post", "/approvals/delegation/1/cancel"), ("get", "/calendar/"),
    ("get", "/work-orders/"), ("get", "/work-orders/new"), ("post", "/work-orders/new"), ("get", "/work-orders/1"),
    ("post", "/work-orders/1/act"), ("get", "/work-orders/1/files/1/a.png"),
] + [(method, url.replace("{m}", "1").replace("{phase}", "1").replace("{node}", "1").replace("{member}", "1")
      .replace("{request}", "1")) for method, url in MAINLINE_URLS if url.startswith("/mainlines/")]


@pytest.fixture
def targets(admin):
    from office.approvals import builtin
    from office.feed.posts import create_post
    from office.models.approvals import ApprovalTemplate
    from office.models.calendar import CalendarDay
    from office.models.feed import Attachment
    from office.models.inbox import Delivery
    from tests.factories import make_department

    department = make_department("测试部")
    post = create_post(admin, "测试").post
    attachment = Attachment.create(post=post, uploaded_by=admin, file_name="a.png", stored_name="x.png",
                                   content_type="image/png", size=1, is_image=True)
    delivery = Delivery.create(recipient=admin, channel="email", status="failed")
    calendar_day = CalendarDay.create(day=dt.date(2031, 5, 1), kind="holiday", name="劳动节")
    builtin.install()
    template = ApprovalTemplate.select().first()
    return {"template": template.id, "user": admin.id, "department": department.id, "username": admin.username, "post": post.id,
            "attachment": attachment.id, "delivery": delivery.id, "calendar_day": calendar_day.id}


def _call(client, method, url, targets, htmx=False):
    url = url.format(**targets)
    if htmx:
        return hx(client, method, url, target="main")
    return client.open(url, method=method.upper())


def test_the_list_covers_every_admin_endpoint(app):
    """A new admin URL must be added to ADMIN_URLS, or this fails."""

    guarded = {rule.endpoint for rule in app.url_map.iter_rules()
               if rule.endpoint.split(".")[0] in ("departments", "audit")
               or (rule.endpoint.split(".")[0] == "calendar" and rule.endpoint != "calendar.index")
               or rule.endpoint in ADMIN_ENDPOINTS}
    assert guarded == ADMIN_ENDPOINTS
    known = {rule.endpoint for rule in app.url_map.iter_rules()}
    # The installable app's pieces are public: the offline page holds no user data (test_navigation).
    public = {"static", "auth.login", "auth.language", "home.healthz", "home.favicon", "home.manifest",
              "home.service_worker", "home.offline"}
    signed_in = {"home.index", "home.workbench", "home.me_page", "home.design",
                 "people.photo", "people.upload_photo", "people.remove_photo", "people.index", "people.profile", "auth.password", "auth.logout", "auth.logout_confirm",
                 "auth.sign_out_others",
                 "feed.create", "feed.show", "feed.card", "feed.edit", "feed.delete", "feed.comment", "feed.like",
                 "feed.confirm", "feed.attachment", "feed.search", "feed.suggest", "live.stream",
                 "inbox.index", "inbox.read", "inbox.read_all", "inbox.settings",
                 "notices.index", "notices.create", "notices.show", "notices.confirm", "notices.remind", "notices.pin",
                 "notices.expire", "memos.index", "memos.create", "memos.delete"} | MAINLINE_ENDPOINTS | OTHER_ENDPOINTS
    # Canned replies: each reply's own reach (404 outside it, 403 read-only) is tested in test_replies.
    signed_in |= {"replies.index", "replies.create", "replies.edit", "replies.deactivate", "replies.activate",
                  "replies.use", "replies.pick"}
    signed_in |= {"approvals.index", "approvals.new", "approvals.create", "approvals.preview", "approvals.show",
                  "approvals.act", "approvals.resubmit", "approvals.file", "approvals.quick", "approvals.export",
                  "approvals.delegation", "approvals.delegation_cancel", "calendar.index"}
    # Work orders: signed in; an order the user may not see is 404 (tests/web/test_workorders.py).
    signed_in |= {"workorders.index", "workorders.new", "workorders.show", "workorders.act", "workorders.file",
                  "workorders.export_list"}
    # Order URLs are 404 for those who may not work orders: test_order_privacy covers them.
    # The work-order API answers by token only (401 without), 404 for an order the token's owner
    # may not see (tests/web/test_api_workorders.py).
    assert known == (ADMIN_ENDPOINTS | public | signed_in | ORDER_ENDPOINTS | TOKEN_ENDPOINTS
                     | WORK_ORDER_TOKEN_ENDPOINTS)


@pytest.mark.parametrize("method,url", ADMIN_URLS + SIGNED_IN_URLS)
def test_anonymous_goes_to_login(client, targets, method, url):
    response = _call(client, method, url, targets)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("method,url", ADMIN_URLS + SIGNED_IN_URLS)
def test_anonymous_htmx_gets_hx_redirect(client, targets, method, url):
    response = _call(client, method, url, targets, htmx=True)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login"
    assert b"<html" not in response.data


@pytest.mark.parametrize("method,url", ADMIN_URLS)
def test_staff_are_forbidden(client, auth, staff, targets, method, url):
    auth.login(staff)
    response = _call(client, method, url, targets)
    assert response.status_code == 403
    assert "你没有权限打开此页面" in response.get_data(as_text=True)


@pytest.mark.parametrize("method,url", ADMIN_URLS)
def test_staff_htmx_gets_a_toast_not_a_page(client, auth, staff, targets, method, url):
    auth.login(staff)
    response = _call(client, method, url, targets, htmx=True)
    assert response.status_code == 403
    assert b"<html" not in response.data
    assert response.headers["HX-Retarget"] == "#toasts"


@pytest.mark.parametrize("role", ["director", "head"])
def test_other_roles_are_forbidden_too(client, auth, targets, role):
    from tests.factories import make_user

    auth.login(make_user(role=role))
    assert client.get("/people/manage").status_code == 403


@pytest.mark.parametrize("method,url", [u for u in ADMIN_URLS if u[0] == "get"])
def test_admin_can_open(client, auth, admin, targets, method, url):
    auth.login(admin)
    assert _call(client, method, url, targets).status_code == 200


def test_staff_cannot_publish_notices(client, auth, staff):
    auth.login(staff)
    assert client.get("/notices/new").status_code == 403
    assert hx(client, "post", "/notices/new", data={"title": "x", "body": "y"}).status_code == 403


def test_missing_objects_are_404(client, auth, admin):
    auth.login(admin)
    assert client.get("/people/9999/edit").status_code == 404
    assert client.get("/departments/9999/edit").status_code == 404
    assert client.get("/people/nobody-here").status_code == 404
    for url in ("/feed/9999", "/feed/9999/card", "/notices/9999", "/feed/files/9999/a.png"):
        assert client.get(url).status_code == 404, url
