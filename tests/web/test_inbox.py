"""The inbox pages: my notifications, marking read, the badge, delivery settings, failures."""
from __future__ import annotations

import html
import re

import pytest
from flask import render_template_string
from flask_babel import force_locale, gettext
from playhouse.test_utils import assert_query_count

from office.inbox.notify import notify
from office.models.inbox import (
    CHANNEL_EMAIL,
    CHANNEL_WEBHOOK,
    DELIVERY_FAILED,
    DELIVERY_SENT,
    KIND_COMMENT,
    KIND_MEMO,
    KIND_MENTION,
    KIND_NOTICE,
    KIND_REMIND,
    ChannelSettings,
    Delivery,
    Notification,
)
from tests.conftest import hx
from tests.factories import make_user
from tests.fakes import delivery_app, robot, smtp_server  # noqa: F401  (fixtures)


def zh(app, text: str, **values) -> str:
    """``text`` as the Chinese pages show it (whatever the catalog holds today)."""
    with app.test_request_context(), force_locale("zh_CN"):
        return gettext(text, **values)


def badge_count(body: str, badge_id: str = "inbox-badge") -> str:
    match = re.search(rf'<span id="{badge_id}"[^>]*>([^<]*)</span>', body)
    assert match, f"no #{badge_id} in the response"
    return match.group(1)


@pytest.fixture
def boss(app):
    return make_user("zhoumin", display_name="周敏", email="zhoumin@example.com")


@pytest.fixture
def mine(staff, boss):
    """Two notifications for staff (oldest first; the second points at a type with no page), one for boss."""
    first = notify([staff.id], KIND_MENTION, "memo", 1, actor_id=boss.id, excerpt="<script>alert(1)</script>")[0]
    second = notify([staff.id], KIND_NOTICE, "parcel", 2, actor_id=boss.id, excerpt="国庆放假")[0]
    others = notify([boss.id], KIND_COMMENT, "memo", 3, actor_id=staff.id, excerpt="别人的")[0]
    return {"first": first, "second": second, "others": others}


# --- the list ------------------------------------------------------------------------------

def test_inbox_lists_my_notifications_newest_first(app, client, auth, staff, mine):
    auth.login(staff)
    response = client.get("/inbox/")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.index(f'id="notification-{mine["second"]}"') < body.index(f'id="notification-{mine["first"]}"')
    assert f'id="notification-{mine["others"]}"' not in body and "别人的" not in body
    assert "周敏" in body
    assert zh(app, "mentioned you") in body and zh(app, "published a notice") in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    assert body.count('class="inbox-item unread"') == 2
    assert badge_count(body) == "2"
    assert 'aria-label="' + zh(app, "%(num)d unread", num=2) + '"' in body


def test_each_kind_has_its_label(app, client, auth, staff, boss):
    for kind in (KIND_MENTION, KIND_REMIND, KIND_COMMENT, KIND_NOTICE, KIND_MEMO):
        notify([staff.id], kind, "memo", 1, actor_id=boss.id)
    auth.login(staff)
    body = client.get("/inbox/").get_data(as_text=True)
    for label in ("mentioned you", "asks you to read this", "commented on your post", "published a notice",
                  "memo reminder"):
        assert zh(app, label) in body


def test_unread_filter_and_htmx_tabs(client, auth, staff, mine):
    notify([staff.id], KIND_MENTION, "memo", 4, excerpt="已读的那条")
    Notification.update(read_at=Notification.created_at).where(Notification.excerpt == "已读的那条").execute()
    auth.login(staff)
    assert "已读的那条" in client.get("/inbox/").get_data(as_text=True)
    body = client.get("/inbox/?show=unread").get_data(as_text=True)
    assert "已读的那条" not in body and "国庆放假" in body
    response = hx(client, "get", "/inbox/?show=unread", target="inbox-list")
    partial = response.get_data(as_text=True)
    assert "<html" not in partial and partial.lstrip().startswith("{#") is False
    assert 'id="inbox-list"' in partial and "已读的那条" not in partial
    assert "HX-Request" in response.headers["Vary"]


def test_keyset_paging(app, client, auth, staff, boss):
    app.config["PAGE_SIZE"] = 3
    ids = [notify([staff.id], KIND_MENTION, "memo", n, actor_id=boss.id, excerpt=f"第{n}条")[0] for n in range(7)]
    auth.login(staff)
    body = client.get("/inbox/").get_data(as_text=True)
    assert "第6条" in body and "第4条" in body and "第3条" not in body
    older = re.search(r'href="(/inbox/\?before=\d+)"', body).group(1)
    assert older == f"/inbox/?before={ids[4]}"
    body = client.get(older).get_data(as_text=True)
    assert "第3条" in body and "第1条" in body and "第4条" not in body and "第0条" not in body
    last = client.get(f"/inbox/?before={ids[1]}").get_data(as_text=True)
    assert "第0条" in last and "before=" not in last.split('id="inbox-list"')[1].split("</section>")[0]


def test_list_query_count_does_not_grow(client, auth, staff, boss):
    notify([staff.id], KIND_MENTION, "memo", 1, actor_id=boss.id)
    auth.login(staff)
    client.get("/inbox/")
    # session user, unread count (list head and both badges: once), one page with actors joined,
    # the live stream's cursor (base.html)
    # + the navigation's check of who works orders (office/orders/access.py).
    with assert_query_count(5):
        client.get("/inbox/")
    for n in range(25):
        actor = make_user()
        notify([staff.id], KIND_COMMENT, "memo", n, actor_id=actor.id, excerpt=f"评论{n}")
    with assert_query_count(5):
        client.get("/inbox/")
    with assert_query_count(5):
        client.get("/inbox/?show=unread")


def test_inbox_needs_sign_in(client):
    assert client.get("/inbox/").headers["Location"].startswith("/login")


# --- marking read --------------------------------------------------------------------------

def test_open_marks_read_and_redirects_to_the_target(client, auth, staff, mine):
    auth.login(staff)
    response = client.post(f"/inbox/{mine['first']}/read")
    assert response.status_code == 303 and response.headers["Location"] == "/memos/"
    assert Notification.get_by_id(mine["first"]).read_at is not None
    assert Notification.get_by_id(mine["second"]).read_at is None


def test_unknown_targets_fall_back_to_the_inbox(client, auth, staff, mine):
    auth.login(staff)
    response = client.post(f"/inbox/{mine['second']}/read")
    assert response.headers["Location"] == "/inbox/"


def test_htmx_open_uses_hx_redirect(client, auth, staff, mine):
    auth.login(staff)
    response = hx(client, "post", f"/inbox/{mine['first']}/read")
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/memos/"


def test_someone_elses_notification_is_404(client, auth, staff, mine):
    auth.login(staff)
    assert client.post(f"/inbox/{mine['others']}/read").status_code == 404
    assert client.post("/inbox/99999/read").status_code == 404
    assert Notification.get_by_id(mine["others"]).read_at is None


def test_mark_read_in_place_returns_the_row_and_the_badges(client, auth, staff, mine):
    auth.login(staff)
    response = hx(client, "post", f"/inbox/{mine['first']}/read", target=f"notification-{mine['first']}",
                  data={"stay": "1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert f'<li id="notification-{mine["first"]}" class="inbox-item">' in body
    assert body.count('hx-swap-oob="true"') == 2
    assert badge_count(body) == "1" and badge_count(body, "inbox-badge-tab") == "1"


def test_mark_read_without_js_stays_in_the_inbox(client, auth, staff, mine):
    auth.login(staff)
    response = client.post(f"/inbox/{mine['first']}/read", data={"stay": "1", "show": "unread"})
    assert response.status_code == 303 and response.headers["Location"] == "/inbox/?show=unread"


def test_read_all_with_htmx_returns_the_list_and_hidden_badges(client, auth, staff, boss, mine):
    auth.login(staff)
    response = hx(client, "post", "/inbox/read-all", target="inbox-list", data={"show": "unread"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="inbox-list"' in body and "<html" not in body
    assert "国庆放假" not in body  # the unread tab is empty now
    assert badge_count(body) == "" and re.search(r'<span id="inbox-badge"[^>]* hidden', body)
    assert 'id="inbox-badge-tab"' in body
    assert Notification.select().where(Notification.read_at.is_null()).count() == 1  # boss's stays unread


def test_read_all_without_js_redirects(client, auth, staff, mine):
    auth.login(staff)
    response = client.post("/inbox/read-all")
    assert response.status_code == 303 and response.headers["Location"] == "/inbox/"
    assert badge_count(client.get("/inbox/").get_data(as_text=True)) == ""


def test_badge_is_zero_for_visitors(app):
    with app.test_request_context():
        assert render_template_string("{{ inbox_unread() }}") == "0"


# --- delivery settings ---------------------------------------------------------------------

SETTINGS = {"webhook_kind": "", "webhook_url": "", "quiet_start": "", "quiet_end": "", "digest_hour": "18"}


def test_settings_page_shows_defaults_without_a_row(client, auth, staff):
    auth.login(staff)
    response = client.get("/inbox/settings")
    assert response.status_code == 200 and 'id="inbox-settings-form"' in response.get_data(as_text=True)
    assert ChannelSettings.select().count() == 0


def test_settings_are_saved_with_303(app, client, auth, boss):
    app.config["WEBHOOK_HOSTS"] = ["oapi.dingtalk.com"]
    auth.login(boss)
    url = "https://oapi.dingtalk.com/robot/send?access_token=abc"
    response = client.post("/inbox/settings", data={
        **SETTINGS, "email_enabled": "y", "webhook_kind": "dingtalk", "webhook_url": url,
        "quiet_start": "22:00", "quiet_end": "08:00"})
    assert response.status_code == 303 and response.headers["Location"] == "/inbox/settings"
    row = ChannelSettings.get(ChannelSettings.user == boss.id)
    assert (row.email_enabled, row.webhook_kind, row.webhook_url) == (True, "dingtalk", url)
    assert (row.quiet_start, row.quiet_end, row.digest) == (22 * 60, 8 * 60, False)
    page = client.get("/inbox/settings").get_data(as_text=True)
    assert 'value="22:00"' in page and 'value="08:00"' in page
    # A second save updates the same row.
    client.post("/inbox/settings", data={**SETTINGS, "email_enabled": "y", "digest": "y", "digest_hour": "9"})
    row = ChannelSettings.get(ChannelSettings.user == boss.id)
    assert ChannelSettings.select().count() == 1
    assert (row.webhook_kind, row.webhook_url, row.quiet_start, row.digest, row.digest_hour) == ("", "", None, True, 9)


def test_settings_htmx_save_returns_the_form(app, client, auth, boss):
    auth.login(boss)
    response = hx(client, "post", "/inbox/settings", target="inbox-settings-form",
                  data={**SETTINGS, "email_enabled": "y"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'id="inbox-settings-form"' in body and zh(app, "Saved.") in body


@pytest.mark.parametrize("data,field,message", [
    ({"email_enabled": "y"}, "email_enabled",
     "Your account has no e-mail address; ask an administrator to add one first."),
    ({"webhook_kind": "dingtalk"}, "webhook_url", "Paste the robot's webhook address."),
    ({"webhook_kind": "feishu", "webhook_url": "ftp://open.feishu.cn/x"}, "webhook_url",
     "Enter an address starting with http:// or https://."),
    ({"webhook_kind": "feishu", "webhook_url": "javascript:alert(1)"}, "webhook_url",
     "Enter an address starting with http:// or https://."),
    ({"webhook_kind": "wecom", "webhook_url": "http://192.168.1.10/admin"}, "webhook_url", None),
    ({"webhook_kind": "telegram", "webhook_url": "https://qyapi.weixin.qq.com/x"}, "webhook_kind", None),
    ({"quiet_start": "22:00"}, "quiet_end", "Give both a start and an end, or neither."),
    ({"quiet_start": "22:00", "quiet_end": "22:00"}, "quiet_end", "The end must differ from the start."),
    ({"quiet_start": "25:99", "quiet_end": "08:00"}, "quiet_start", None),
    ({"digest": "y"}, "digest", "Turn on e-mail or a group robot to receive the digest."),
    ({"digest_hour": "24"}, "digest_hour", None),
])
def test_invalid_settings_are_422_with_the_error(app, client, auth, staff, data, field, message):
    auth.login(staff)  # staff has no e-mail address
    for send in (lambda: client.post("/inbox/settings", data={**SETTINGS, **data}),
                 lambda: hx(client, "post", "/inbox/settings", target="inbox-settings-form",
                            data={**SETTINGS, **data})):
        response = send()
        body = response.get_data(as_text=True)
        assert response.status_code == 422
        assert f'id="{field}-error"' in body
        if message:
            assert zh(app, message) in html.unescape(body)
    assert ChannelSettings.select().count() == 0


# --- failed deliveries (admins) ------------------------------------------------------------

@pytest.fixture
def failed(staff, boss):
    notification = notify([staff.id], KIND_MENTION, "memo", 1, actor_id=boss.id, excerpt="开会")[0]
    rows = [Delivery.create(recipient=staff.id, notification=notification, channel=CHANNEL_WEBHOOK,
                            subject="【店务协同】周敏 提到了你", status=DELIVERY_FAILED, attempts=6,
                            last_error="HTTP 500: <b>boom</b>")]
    rows.append(Delivery.create(recipient=boss.id, notification=None, channel=CHANNEL_EMAIL,
                                subject="每日摘要", status=DELIVERY_SENT, attempts=1))
    return rows


def test_failures_page_lists_failed_deliveries_escaped(client, auth, admin, failed, staff):
    auth.login(admin)
    body = client.get("/inbox/failures").get_data(as_text=True)
    assert f'id="delivery-{failed[0].id}"' in body and f'id="delivery-{failed[1].id}"' not in body
    assert staff.display_name in body and "6" in body
    assert "HTTP 500: &lt;b&gt;boom&lt;/b&gt;" in body and "<b>boom</b>" not in body


def test_failures_page_is_for_admins_only(client, auth, staff, failed):
    auth.login(staff)
    assert client.get("/inbox/failures").status_code == 403
    assert client.post(f"/inbox/failures/{failed[0].id}/retry").status_code == 403
    assert Delivery.get_by_id(failed[0].id).status == DELIVERY_FAILED


def test_failures_query_count_does_not_grow(client, auth, admin, staff, failed):
    auth.login(admin)
    client.get("/inbox/failures")
    # session user, one page with people and notifications joined, the unread badge and
    # the live stream's cursor (base.html)
    with assert_query_count(4):
        client.get("/inbox/failures")
    for n in range(25):
        Delivery.create(recipient=make_user().id, channel=CHANNEL_EMAIL, status=DELIVERY_FAILED,
                        attempts=6, last_error=f"SMTP error {n}")
    with assert_query_count(4):
        client.get("/inbox/failures")


def test_retry_requeues_and_sends(delivery_app, client, auth, admin, staff, failed, robot):
    ChannelSettings.create(user=staff.id, webhook_kind="dingtalk", webhook_url=robot.url())
    auth.login(admin)
    response = hx(client, "post", f"/inbox/failures/{failed[0].id}/retry", target=f"delivery-{failed[0].id}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and f'id="delivery-{failed[0].id}"' in body and "<html" not in body
    delivery = Delivery.get_by_id(failed[0].id)
    assert (delivery.status, delivery.attempts) == (DELIVERY_SENT, 1)  # immediate mode: sent inline
    assert len(robot.requests) == 1 and "周敏" in robot.requests[0]["json"]["text"]["content"]
    # Not failed any more: a second retry does nothing.
    response = client.post(f"/inbox/failures/{failed[0].id}/retry")
    assert response.status_code == 303 and response.headers["Location"] == "/inbox/failures"
    assert len(robot.requests) == 1
    assert client.post("/inbox/failures/99999/retry").status_code == 404


def test_retry_that_fails_again_shows_failed(delivery_app, client, auth, admin, staff, failed, robot):
    ChannelSettings.create(user=staff.id, webhook_kind="dingtalk", webhook_url=robot.url())
    robot.respond(500, b"still down")
    auth.login(admin)
    client.post(f"/inbox/failures/{failed[0].id}/retry")
    delivery = Delivery.get_by_id(failed[0].id)
    assert (delivery.status, delivery.attempts) == (DELIVERY_FAILED, 3)
    assert "still down" in delivery.last_error


# --- end to end ----------------------------------------------------------------------------

def test_a_notification_reaches_email_and_robot_and_stays_in_the_inbox(delivery_app, client, auth, boss, staff,
                                                                         smtp_server, robot):
    from tasks.notify import deliver_notifications

    auth.login(boss)
    client.post("/inbox/settings", data={**SETTINGS, "email_enabled": "y", "webhook_kind": "wecom",
                                         "webhook_url": robot.url()})
    ids = notify([boss.id], KIND_COMMENT, "memo", 5, actor_id=staff.id, excerpt="已补货")
    deliver_notifications(ids)
    assert len(smtp_server.messages) == 1 and len(robot.requests) == 1
    assert "李小丽" in smtp_server.messages[0]["message"]["Subject"]
    assert "已补货" in client.get("/inbox/").get_data(as_text=True)
