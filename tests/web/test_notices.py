"""Notices: publishing (who, to whom), the list, one notice, read confirmation and its
statistics, pinning and expiring. Assertions look at data and ids, not at translated words."""
import datetime as dt
import re

import pytest
from flask import render_template
from playhouse.test_utils import assert_query_count

from office.models.audit import AuditEvent
from office.models.base import utcnow
from office.models.inbox import KIND_NOTICE, KIND_REMIND, Notification
from office.models.notices import Notice, NoticeConfirmation, NoticeDepartment
from office.notices.publishing import NOTICE_PUBLISHED, publish
from office.notices.queries import confirmation_stats, notice_departments, pinned_notices
from office.people.accounts import set_active
from tests.conftest import hx
from tests.factories import make_department, make_user

XSS_TITLE = '<script>alert("t")</script>标题'
XSS_BODY = '<img src=x onerror=alert(1)> **粗体** [点我](javascript:alert(2)) <a href="javascript:alert(3)">x</a>'


@pytest.fixture
def org(admin):
    service = make_department("客服部")
    presale = make_department("售前组", parent=service)
    warehouse = make_department("物流仓储部")
    return {
        "service": service, "presale": presale, "warehouse": warehouse,
        "head": make_user("zhengli", role="head", department=service, display_name="郑丽"),
        "agent": make_user("hejing", department=presale, display_name="何静"),
        "picker": make_user("hanxue", department=warehouse, display_name="韩雪"),
        "director": make_user("laowang", role="director", display_name="王总"),
        "admin": admin,
    }


def _switch(auth, user):
    """Sign in as ``user``; signing out first, because /login keeps a signed-in session as it is."""
    auth.logout()
    auth.login(user)


def _form(**over):
    data = {"title": "双11值班安排", "body": "请各位**按时**到岗。", "audience": "everyone"}
    data.update(over)
    return data


def _ids_in_order(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="notice-item-(\d+)"', html)]


def _stats_rows(html: str) -> dict[str, tuple[int, int, list[str]]]:
    """Department name -> (members, confirmed, not yet confirmed) from the statistics table."""
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        name = re.sub(r"<[^>]+>", "", cells[0]).strip()
        # Each name follows its avatar (initials or photo), which is not part of the name.
        pending = [re.sub(r"<[^>]+>", "", re.sub(r'<span class="avatar[^>]*>.*?</span>|<img class="avatar[^>]*>', "", item)).strip()
                   for item in re.findall(r"<li[^>]*>(.*?)</li>", cells[3], re.S)]
        rows[name] = (int(cells[1]), int(cells[2]), pending)
    return rows


# --- who may publish -------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_cannot_publish(client, auth, org, method):
    auth.login(org["agent"])
    response = client.open("/notices/new", method=method.upper(), data=_form())
    assert response.status_code == 403
    assert Notice.select().count() == 0


@pytest.mark.parametrize("who", ["admin", "director", "head"])
def test_publishers_get_the_form(client, auth, org, who):
    auth.login(org[who])
    body = client.get("/notices/new").get_data(as_text=True)
    assert 'id="notice-form"' in body and 'name="departments"' in body and 'type="datetime-local"' in body
    assert f'value="{org["presale"].id}"' in body  # every department is offered, sub-departments too


def test_the_list_offers_publishing_only_to_publishers(client, auth, org):
    auth.login(org["agent"])
    assert "/notices/new" not in client.get("/notices/").get_data(as_text=True)
    _switch(auth, org["head"])
    assert "/notices/new" in client.get("/notices/").get_data(as_text=True)


# --- publishing ------------------------------------------------------------------------------

def test_publish_to_a_department_without_javascript(client, auth, org):
    auth.login(org["head"])
    response = client.post("/notices/new", data=_form(
        audience="departments", departments=[org["service"].id], needs_confirmation="y", is_pinned="y"))
    notice = Notice.get()
    assert response.status_code == 303 and response.headers["Location"] == f"/notices/{notice.id}"
    assert notice.author_id == org["head"].id and notice.is_pinned and notice.needs_confirmation
    assert not notice.to_everyone and notice.expires_at is None
    assert "<strong>按时</strong>" in notice.body_html
    assert [d.department_id for d in NoticeDepartment.select()] == [org["service"].id]
    # The sub-department is included; the author, other departments and the department-less are not.
    recipients = {n.recipient_id for n in Notification.select().where(Notification.kind == KIND_NOTICE)}
    assert recipients == {org["agent"].id}
    notification = Notification.get()
    assert (notification.target_type, notification.target_id, notification.excerpt) == ("notice", notice.id, "双11值班安排")
    event = AuditEvent.get(AuditEvent.action == NOTICE_PUBLISHED)
    assert event.actor_id == org["head"].id and event.target_id == notice.id
    assert event.details["recipients"] == 1 and event.details["departments"] == [org["service"].id]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "双11值班安排" in page and "客服部" in page


def test_publish_to_everyone_notifies_every_active_user_but_the_author(client, auth, org, staff):
    set_active(org["picker"], False, by=org["admin"])
    auth.login(org["director"])
    response = hx(client, "post", "/notices/new", data=_form(), target="notice-form")
    notice = Notice.get()
    assert response.headers["HX-Redirect"] == f"/notices/{notice.id}" and notice.to_everyone
    recipients = {n.recipient_id for n in Notification.select()}
    assert recipients == {org["admin"].id, org["head"].id, org["agent"].id, staff.id}


def test_expiry_is_read_as_office_time_and_stored_in_utc(client, auth, org):
    auth.login(org["admin"])
    client.post("/notices/new", data=_form(expires_at="2099-03-01T09:30"))
    assert Notice.get().expires_at == dt.datetime(2099, 3, 1, 1, 30)  # Asia/Shanghai is UTC+8


@pytest.mark.parametrize("change,field", [
    ({"title": ""}, "title"),
    ({"body": ""}, "body"),
    ({"title": "长" * 121}, "title"),
    ({"audience": "departments"}, "departments"),  # departments without any chosen
    ({"expires_at": "2000-01-01T08:00"}, "expires_at"),  # in the past
    ({"expires_at": "not a time"}, "expires_at"),
])
def test_invalid_notice_is_refused_with_the_form(client, auth, org, change, field):
    auth.login(org["admin"])
    response = hx(client, "post", "/notices/new", data=_form(**change), target="notice-form")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in body and 'id="notice-form"' in body
    assert 'class="error"' in body
    if field == "departments":
        assert 'id="notice-departments-error"' in body
    else:
        assert f'id="{field}-error"' in body
    assert Notice.select().count() == 0 and Notification.select().count() == 0
    # Without JavaScript the same errors come as the whole page.
    page = client.post("/notices/new", data=_form(**change))
    assert page.status_code == 422 and "<html" in page.get_data(as_text=True)


def test_a_vanished_department_is_refused(client, auth, org):
    auth.login(org["admin"])
    response = client.post("/notices/new", data=_form(audience="departments", departments=["99999"]))
    assert response.status_code == 422 and Notice.select().count() == 0


# --- who sees what ---------------------------------------------------------------------------

@pytest.fixture
def notices(org):
    """One notice to 客服部 (by the head), one to everyone (by the admin), one to the warehouse."""
    now = utcnow()
    return {
        "service": publish(org["head"], "客服部通知", "正文", [org["service"].id], needs_confirmation=True,
                           now=now - dt.timedelta(minutes=3)).notice,
        "everyone": publish(org["admin"], "全员通知", "正文", now=now - dt.timedelta(minutes=2)).notice,
        "warehouse": publish(org["director"], "仓库通知", "正文", [org["warehouse"].id],
                             now=now - dt.timedelta(minutes=1)).notice,
    }


@pytest.mark.parametrize("who,visible", [
    ("head", {"service", "everyone"}),
    ("agent", {"service", "everyone"}),  # 售前组 is under 客服部
    ("picker", {"everyone", "warehouse"}),
    ("admin", {"service", "everyone", "warehouse"}),
    ("director", {"service", "everyone", "warehouse"}),
])
def test_the_list_shows_what_the_reader_may_see(client, auth, org, notices, who, visible):
    auth.login(org[who])
    shown = set(_ids_in_order(client.get("/notices/").get_data(as_text=True)))
    assert shown == {notices[name].id for name in visible}
    for name, notice in notices.items():
        expected = 200 if name in visible else 404
        assert client.get(f"/notices/{notice.id}").status_code == expected


def test_a_reader_without_department_sees_everyone_notices_only(client, auth, notices, staff):
    auth.login(staff)
    assert _ids_in_order(client.get("/notices/").get_data(as_text=True)) == [notices["everyone"].id]


@pytest.mark.parametrize("url", ["/notices/{id}", "/notices/{id}/confirm", "/notices/{id}/pin", "/notices/{id}/expire"])
def test_every_url_of_an_invisible_notice_is_404(client, auth, org, notices, url):
    auth.login(org["picker"])
    url = url.format(id=notices["service"].id)
    method = "get" if url.count("/") == 2 else "post"
    assert client.open(url, method=method.upper()).status_code == 404
    response = hx(client, method, url, target="main")
    assert response.status_code == 404 and "<html" not in response.get_data(as_text=True)
    assert NoticeConfirmation.select().count() == 0 and not Notice.get_by_id(notices["service"].id).is_pinned


def test_unknown_notice_is_404(client, auth, org):
    auth.login(org["admin"])
    assert client.get("/notices/424242").status_code == 404


def test_list_pinned_first_then_newest(client, auth, org):
    now = utcnow()
    old = publish(org["admin"], "旧的", "x", now=now - dt.timedelta(hours=3)).notice
    pinned = publish(org["admin"], "置顶", "x", pinned=True, now=now - dt.timedelta(hours=2)).notice
    new = publish(org["admin"], "新的", "x", now=now - dt.timedelta(hours=1)).notice
    auth.login(org["agent"])
    assert _ids_in_order(client.get("/notices/").get_data(as_text=True)) == [pinned.id, new.id, old.id]


def test_expired_notices_are_hidden_unless_asked_for(client, auth, org):
    live = publish(org["admin"], "有效", "x", expires_at=utcnow() + dt.timedelta(days=1)).notice
    gone = publish(org["admin"], "过期", "x", expires_at=utcnow() + dt.timedelta(seconds=30)).notice
    Notice.update(expires_at=utcnow() - dt.timedelta(minutes=1)).where(Notice.id == gone.id).execute()
    auth.login(org["agent"])
    assert _ids_in_order(client.get("/notices/").get_data(as_text=True)) == [live.id]
    assert _ids_in_order(client.get("/notices/?expired=1").get_data(as_text=True)) == [gone.id, live.id]
    assert client.get(f"/notices/{gone.id}").status_code == 200  # a link in the inbox still opens


def test_list_htmx_returns_only_the_list(client, auth, org, notices):
    auth.login(org["agent"])
    response = hx(client, "get", "/notices/?expired=1", target="notice-list")
    body = response.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith("<section id=\"notice-list\"")
    assert "HX-Request" in response.headers["Vary"]
    full = client.get("/notices/")
    assert "<html" in full.get_data(as_text=True) and "HX-Request" in full.headers["Vary"]


def test_list_query_count_does_not_grow(client, auth, org):
    auth.login(org["agent"])
    publish(org["head"], "第一条", "x", [org["service"].id], needs_confirmation=True)
    client.get("/notices/")  # warm up
    # Session user, the department chain, one page of notices (author and my confirmation
    # joined), and the page shell's two (unread badge, live cursor).
    # + the navigation's check of who works orders (office/orders/access.py).
    with assert_query_count(6):
        client.get("/notices/")
    for n in range(15):
        notice = publish(org["head"], f"通知{n}", "x", [org["presale"].id] if n % 2 else [],
                         needs_confirmation=True, pinned=n % 3 == 0).notice
        if n % 4 == 0:
            NoticeConfirmation.create(notice=notice, user=org["agent"])
    with assert_query_count(6):
        body = client.get("/notices/").get_data(as_text=True)
    assert len(_ids_in_order(body)) == 16


def test_list_shows_whether_i_confirmed(client, auth, org, notices):
    other = publish(org["admin"], "也要确认", "x", needs_confirmation=True).notice
    NoticeConfirmation.create(notice=notices["service"], user=org["agent"])
    auth.login(org["agent"])
    body = client.get("/notices/").get_data(as_text=True)
    items = dict(re.findall(r'id="notice-item-(\d+)"(.*?)</li>', body, re.S))
    assert "tag-confirmed" in items[str(notices["service"].id)]
    assert "tag-to-confirm" in items[str(other.id)]
    assert "tag-confirmed" not in items[str(notices["everyone"].id)]  # no confirmation asked
    assert "tag-to-confirm" not in items[str(notices["everyone"].id)]
    # The author is not asked to confirm their own notice.
    _switch(auth, org["head"])
    items = dict(re.findall(r'id="notice-item-(\d+)"(.*?)</li>', client.get("/notices/").get_data(as_text=True), re.S))
    assert "tag-to-confirm" not in items[str(notices["service"].id)]


# --- escaping --------------------------------------------------------------------------------

def _render_pinned(app, user) -> str:
    """The home page's pinned box as ``user`` would get it."""
    from flask_login import login_user

    with app.test_request_context("/"):
        login_user(user)
        return render_template("notices/_pinned.html", pinned=list(pinned_notices(user)))


def test_script_in_title_and_body_is_inert(app, client, auth, org):
    auth.login(org["admin"])
    client.post("/notices/new", data=_form(title=XSS_TITLE, body=XSS_BODY, is_pinned="y"))
    notice = Notice.get()
    _switch(auth, org["agent"])
    pages = [client.get(f"/notices/{notice.id}").get_data(as_text=True), client.get("/notices/").get_data(as_text=True),
             _render_pinned(app, org["agent"])]
    for page in pages:
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page
        assert not re.search(r"<img|<a[^>]*javascript|onerror=alert\(1\)>", page)
    assert "<strong>粗体</strong>" in pages[0]


# --- one notice, confirmation ----------------------------------------------------------------

def test_confirm_without_javascript_is_idempotent(client, auth, org, notices):
    auth.login(org["agent"])
    notice = notices["service"]
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert f'action="/notices/{notice.id}/confirm"' in page and f'id="notice-{notice.id}-stats"' not in page
    for _ in range(2):
        response = client.post(f"/notices/{notice.id}/confirm")
        assert response.status_code == 303 and response.headers["Location"] == f"/notices/{notice.id}"
    assert NoticeConfirmation.select().where(NoticeConfirmation.notice == notice.id).count() == 1
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert f'action="/notices/{notice.id}/confirm"' not in page and 'class="confirmed"' in page


def test_confirming_clears_the_notice_from_my_inbox_and_moves_the_badge(client, auth, org, notices):
    from office.live.events import latest_id
    from office.models.inbox import INBOX_CHANGED
    from office.models.live import LiveEvent

    notice = notices["service"]

    def unread(target_id):
        return Notification.select().where((Notification.recipient == org["agent"].id)
                                           & Notification.read_at.is_null() & (Notification.target_type == "notice")
                                           & (Notification.target_id == target_id)).count()

    assert unread(notice.id) == 1 and unread(notices["everyone"].id) == 1
    start = latest_id()
    auth.login(org["agent"])
    assert hx(client, "post", f"/notices/{notice.id}/confirm", target=f"notice-{notice.id}-confirm").status_code == 200
    assert unread(notice.id) == 0 and unread(notices["everyone"].id) == 1
    assert LiveEvent.select().where((LiveEvent.id > start) & (LiveEvent.kind == INBOX_CHANGED)
                                    & (LiveEvent.user_id == org["agent"].id)).exists()


def test_confirm_with_htmx_returns_the_partial(client, auth, org, notices):
    auth.login(org["agent"])
    notice = notices["service"]
    response = hx(client, "post", f"/notices/{notice.id}/confirm", target=f"notice-{notice.id}-confirm")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "HX-Request" in response.headers["Vary"]
    assert f'id="notice-{notice.id}-confirm"' in body and 'class="confirmed"' in body and "<form" not in body
    assert "hx-swap-oob" not in body  # a plain recipient does not see the statistics


def test_a_recipient_who_also_sees_statistics_gets_them_out_of_band(client, auth, org):
    notice = publish(org["director"], "全员确认", "x", needs_confirmation=True).notice
    auth.login(org["admin"])  # a recipient (to everyone) who also sees the statistics
    response = hx(client, "post", f"/notices/{notice.id}/confirm", target=f"notice-{notice.id}-confirm")
    body = response.get_data(as_text=True)
    assert f'id="notice-{notice.id}-stats"' in body and 'hx-swap-oob="true"' in body


@pytest.mark.parametrize("who,notice_name", [
    ("head", "service"),  # the author
    ("admin", "service"),  # sees it, but it was not sent to them
    ("agent", "everyone"),  # no confirmation asked
])
def test_confirm_refused_for_non_recipients(client, auth, org, notices, who, notice_name):
    auth.login(org[who])
    notice = notices[notice_name]
    assert client.post(f"/notices/{notice.id}/confirm").status_code == 403
    response = hx(client, "post", f"/notices/{notice.id}/confirm", target=f"notice-{notice.id}-confirm")
    assert response.status_code == 403 and response.headers["HX-Retarget"] == "#toasts"
    assert NoticeConfirmation.select().count() == 0


# --- reminding the unread --------------------------------------------------------------------

def _reminded(notice_id) -> list[int]:
    return sorted(n.recipient_id for n in Notification.select().where(
        (Notification.kind == KIND_REMIND) & (Notification.target_type == "notice")
        & (Notification.target_id == notice_id)))


def test_the_author_reminds_those_who_have_not_confirmed_once_an_hour(client, auth, org, notices):
    from office.notices.publishing import remind_unread

    notice = notices["service"]
    confirmed = make_user("lijie", department=org["presale"], display_name="李杰")
    NoticeConfirmation.create(notice=notice.id, user=confirmed.id)
    auth.login(org["head"])
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert f'action="/notices/{notice.id}/remind"' in page
    response = client.post(f"/notices/{notice.id}/remind")
    assert response.status_code == 303 and response.headers["Location"] == f"/notices/{notice.id}"
    assert _reminded(notice.id) == [org["agent"].id]  # not the one who confirmed, not the author
    assert "已提醒 1 位" in client.get(f"/notices/{notice.id}").get_data(as_text=True)
    # Again within the hour: refused with how long to wait, nobody notified twice.
    again = hx(client, "post", f"/notices/{notice.id}/remind", target=f"notice-{notice.id}-stats")
    assert again.status_code == 422 and again.headers["HX-Retarget"] == "#toasts"
    assert "刚提醒过" in again.get_data(as_text=True) and "60 分钟" in again.get_data(as_text=True)
    plain = client.post(f"/notices/{notice.id}/remind")
    assert plain.status_code == 303 and "刚提醒过" in client.get(plain.headers["Location"]).get_data(as_text=True)
    assert _reminded(notice.id) == [org["agent"].id]
    # An hour later it works again.
    later = utcnow() + dt.timedelta(minutes=61)
    assert len(remind_unread(notice.id, org["head"], now=later)) == 1
    assert _reminded(notice.id) == [org["agent"].id, org["agent"].id]


def test_remind_with_htmx_returns_the_statistics_saying_so(client, auth, org, notices):
    notice = notices["service"]
    auth.login(org["head"])
    response = hx(client, "post", f"/notices/{notice.id}/remind", target=f"notice-{notice.id}-stats")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert f'id="notice-{notice.id}-stats"' in body and "已提醒 1 位" in body


@pytest.mark.parametrize("who", ["agent", "director"])
def test_only_the_author_and_admins_remind(client, auth, org, notices, who):
    notice = notices["service"]
    auth.login(org[who])
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert f'action="/notices/{notice.id}/remind"' not in page
    response = hx(client, "post", f"/notices/{notice.id}/remind", target=f"notice-{notice.id}-stats")
    assert response.status_code == 422 and response.headers["HX-Retarget"] == "#toasts"
    assert _reminded(notice.id) == []


def test_nothing_to_remind_when_everyone_confirmed(client, auth, org, notices):
    notice = notices["service"]
    NoticeConfirmation.create(notice=notice.id, user=org["agent"].id)
    auth.login(org["head"])
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert f'action="/notices/{notice.id}/remind"' not in page
    response = hx(client, "post", f"/notices/{notice.id}/remind", target=f"notice-{notice.id}-stats")
    assert response.status_code == 422 and "无需提醒" in response.get_data(as_text=True)
    assert _reminded(notice.id) == []


# --- statistics ------------------------------------------------------------------------------

def test_statistics_per_audience_department(client, auth, org):
    extra = make_user("xunuo", department=org["service"], display_name="许诺")
    notice = publish(org["admin"], "两个部门", "x", [org["service"].id, org["warehouse"].id],
                     needs_confirmation=True).notice
    NoticeConfirmation.create(notice=notice, user=org["agent"])
    NoticeConfirmation.create(notice=notice, user=org["picker"])
    auth.login(org["admin"])
    rows = _stats_rows(client.get(f"/notices/{notice.id}").get_data(as_text=True))
    # 客服部 counts its sub-department 售前组 (何静) too.
    assert rows["客服部"] == (3, 1, ["许诺", "郑丽"])
    assert rows["物流仓储部"] == (1, 1, [])
    assert set(rows) == {"客服部", "物流仓储部"}
    stats = confirmation_stats(notice, notice_departments(notice.id))
    assert (stats.members, stats.confirmed) == (4, 2)
    assert extra.id in {p.id for p in stats.rows[0].pending}


def test_statistics_for_everyone_list_every_department_and_the_department_less(client, auth, org, staff):
    notice = publish(org["head"], "全员", "x", needs_confirmation=True).notice
    NoticeConfirmation.create(notice=notice, user=staff)
    auth.login(org["director"])
    rows = _stats_rows(client.get(f"/notices/{notice.id}").get_data(as_text=True))
    assert rows["售前组"] == (1, 0, ["何静"]) and rows["物流仓储部"] == (1, 0, ["韩雪"])
    assert "客服部" not in rows  # its only member is the author
    department_less = [value for name, value in rows.items() if name not in ("售前组", "物流仓储部")]
    assert department_less == [(3, 1, ["周敏", "王总"])]


@pytest.mark.parametrize("who,sees", [("head", True), ("admin", True), ("director", True), ("agent", False)])
def test_who_sees_the_statistics(client, auth, org, notices, who, sees):
    auth.login(org[who])
    notice = notices["service"]
    assert (f'id="notice-{notice.id}-stats"' in client.get(f"/notices/{notice.id}").get_data(as_text=True)) is sees


def test_statistics_query_count_does_not_grow(client, auth, org):
    notice = publish(org["head"], "统计", "x", [org["service"].id, org["warehouse"].id], needs_confirmation=True).notice
    auth.login(org["head"])
    client.get(f"/notices/{notice.id}")  # warm up
    # Session user, department chain, the notice, its departments; for the statistics:
    # departments, members, confirmations; the page shell's unread badge and live cursor.
    # + the navigation's check of who works orders (office/orders/access.py).
    with assert_query_count(10):
        client.get(f"/notices/{notice.id}")
    for n in range(20):
        user = make_user(department=org["presale"] if n % 2 else org["warehouse"])
        if n % 3 == 0:
            NoticeConfirmation.create(notice=notice, user=user)
    with assert_query_count(10):
        body = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert _stats_rows(body)["客服部"][0] == 11 and _stats_rows(body)["物流仓储部"][0] == 11


def test_show_htmx_returns_the_notice_alone(client, auth, org, notices):
    auth.login(org["agent"])
    notice = notices["service"]
    response = hx(client, "get", f"/notices/{notice.id}", target=f"notice-{notice.id}")
    body = response.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith(f'<div id="notice-{notice.id}"')
    assert "HX-Request" in response.headers["Vary"]


# --- pin and expire --------------------------------------------------------------------------

@pytest.mark.parametrize("who,status", [("head", 303), ("admin", 303), ("director", 403), ("agent", 403),
                                        ("picker", 404)])
def test_pin_and_expire_are_for_the_author_and_admins(client, auth, org, notices, who, status):
    auth.login(org[who])
    notice = notices["service"]
    assert client.post(f"/notices/{notice.id}/pin").status_code == status
    assert client.post(f"/notices/{notice.id}/expire").status_code == status
    notice = Notice.get_by_id(notice.id)
    assert notice.is_pinned is (status == 303)
    assert (notice.expires_at is not None) is (status == 303)


def test_manage_buttons_only_for_the_author_and_admins(client, auth, org, notices):
    notice = notices["service"]
    for who, shown in (("head", True), ("admin", True), ("director", False), ("agent", False)):
        _switch(auth, org[who])
        page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
        assert (f'action="/notices/{notice.id}/pin"' in page) is shown


def test_pin_with_htmx_is_explicit_and_returns_the_status(client, auth, org, notices):
    auth.login(org["head"])
    notice = notices["service"]
    url = f"/notices/{notice.id}/pin"
    for _ in range(2):  # a double click pins once, it does not pin and unpin
        response = hx(client, "post", url, data={"pinned": "1"}, target=f"notice-{notice.id}-status")
        assert Notice.get_by_id(notice.id).is_pinned
    body = response.get_data(as_text=True)
    assert "<html" not in body and f'id="notice-{notice.id}-status"' in body and 'value="0"' in body
    hx(client, "post", url, data={"pinned": "0"}, target=f"notice-{notice.id}-status")
    assert not Notice.get_by_id(notice.id).is_pinned
    client.post(url)  # no value: toggles
    assert Notice.get_by_id(notice.id).is_pinned


def test_expire_now_hides_the_notice(client, auth, org, notices):
    notice = notices["everyone"]
    auth.login(org["admin"])
    response = hx(client, "post", f"/notices/{notice.id}/expire", target=f"notice-{notice.id}-status")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "tag-inactive" in body and "/expire" not in body
    expired_at = Notice.get_by_id(notice.id).expires_at
    assert expired_at <= utcnow()
    client.post(f"/notices/{notice.id}/expire")  # again: keeps the first time
    assert Notice.get_by_id(notice.id).expires_at == expired_at
    _switch(auth, org["agent"])
    assert notice.id not in _ids_in_order(client.get("/notices/").get_data(as_text=True))


# --- pinned notices on the home page ---------------------------------------------------------

def test_pinned_notices_are_unexpired_visible_and_limited(org):
    now = utcnow()
    ids = [publish(org["admin"], f"置顶{n}", "x", pinned=True, now=now - dt.timedelta(minutes=10 - n)).notice.id
           for n in range(4)]
    publish(org["admin"], "不置顶", "x", now=now)
    hidden = publish(org["admin"], "仓库置顶", "x", [org["warehouse"].id], pinned=True, now=now).notice
    expired = publish(org["admin"], "过期置顶", "x", pinned=True, expires_at=now + dt.timedelta(seconds=5), now=now).notice
    Notice.update(expires_at=now - dt.timedelta(seconds=1)).where(Notice.id == expired.id).execute()
    assert [n.id for n in pinned_notices(org["agent"], now=now)] == [ids[3], ids[2], ids[1]]
    assert hidden.id in [n.id for n in pinned_notices(org["picker"], limit=5, now=now)]
    assert expired.id not in [n.id for n in pinned_notices(org["admin"], limit=10, now=now)]


def test_pinned_partial_links_each_title(app, org):
    notice = publish(org["admin"], "请确认", "x", pinned=True, needs_confirmation=True).notice
    html = _render_pinned(app, org["agent"])
    assert f'href="/notices/{notice.id}"' in html and "tag-to-confirm" in html and 'id="pinned-notices"' in html
    assert _render_pinned(app, org["picker"]).count("tag-to-confirm") == 1
    Notice.update(is_pinned=False).execute()
    assert _render_pinned(app, org["agent"]).strip() == ""
