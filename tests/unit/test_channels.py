"""Delivery rules and tasks against real local servers: SMTP, robot webhooks, retries,
quiet hours, the daily digest."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from office.inbox import channels
from office.inbox.channels import in_quiet_hours, quiet_until, webhook_complaint, webhook_payload
from office.inbox.notify import mark_read, notify
from office.models.base import utcnow
from office.models.inbox import (
    CHANNEL_EMAIL,
    CHANNEL_WEBHOOK,
    DELIVERY_FAILED,
    DELIVERY_PENDING,
    DELIVERY_SENT,
    KIND_COMMENT,
    KIND_MENTION,
    ChannelSettings,
    Delivery,
    Notification,
)
from tasks.notify import deliver_notifications, send_delivery, send_digests
from tasks.queue import huey
from tests.factories import make_user
from tests.fakes import delivery_app, free_port, robot, smtp_server  # noqa: F401  (fixtures)

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.timezone.utc


def at(hour: int, minute: int = 0, day: int = 10) -> dt.datetime:
    """2026-03-<day> hour:minute in Shanghai, as aware UTC."""
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def minutes(hhmm: str) -> int:
    hour, minute = hhmm.split(":")
    return int(hour) * 60 + int(minute)


# --- quiet hours -----------------------------------------------------------------------

@pytest.mark.parametrize("start,end,now,quiet", [
    ("22:00", "08:00", "23:30", True),
    ("22:00", "08:00", "02:00", True),
    ("22:00", "08:00", "07:59", True),
    ("22:00", "08:00", "08:00", False),
    ("22:00", "08:00", "12:00", False),
    ("22:00", "08:00", "21:59", False),
    ("12:00", "14:00", "13:00", True),
    ("12:00", "14:00", "14:00", False),
    ("12:00", "12:00", "12:00", False),
])
def test_in_quiet_hours(start, end, now, quiet):
    assert in_quiet_hours(minutes(start), minutes(end), minutes(now)) is quiet


def test_no_quiet_hours_never_quiet():
    assert not in_quiet_hours(None, None, 0)
    assert quiet_until(None, None, at(23), SHANGHAI) is None


def test_quiet_hours_crossing_midnight_end_tomorrow_or_today():
    start, end = minutes("22:00"), minutes("08:00")
    # 23:30 on the 10th -> 08:00 on the 11th; 02:00 on the 11th -> 08:00 the same day.
    assert quiet_until(start, end, at(23, 30), SHANGHAI) == at(8, 0, day=11)
    assert quiet_until(start, end, at(2, 0, day=11), SHANGHAI) == at(8, 0, day=11)
    assert quiet_until(start, end, at(12, 0), SHANGHAI) is None
    assert quiet_until(minutes("12:00"), minutes("14:00"), at(13, 15), SHANGHAI) == at(14, 0)


# --- payloads and answers ----------------------------------------------------------------

def test_webhook_payload_shapes():
    assert webhook_payload("dingtalk", "你好") == {"msgtype": "text", "text": {"content": "你好"}}
    assert webhook_payload("wecom", "你好") == {"msgtype": "text", "text": {"content": "你好"}}
    assert webhook_payload("feishu", "你好") == {"msg_type": "text", "content": {"text": "你好"}}


@pytest.mark.parametrize("kind,answer,ok", [
    ("dingtalk", {"errcode": 0, "errmsg": "ok"}, True),
    ("dingtalk", {"errcode": 310000, "errmsg": "keywords not in content"}, False),
    ("wecom", {"errcode": 0, "errmsg": "ok"}, True),
    ("wecom", {"errcode": 93000, "errmsg": "invalid webhook url"}, False),
    ("feishu", {"code": 0, "msg": "success"}, True),
    ("feishu", {"StatusCode": 0, "StatusMessage": "success"}, True),
    ("feishu", {"code": 19021, "msg": "sign match fail"}, False),
    ("dingtalk", {}, False),
    ("feishu", ["not", "a", "dict"], False),
])
def test_webhook_answers(kind, answer, ok):
    assert (webhook_complaint(kind, answer) is None) is ok


def test_webhook_addresses_are_limited_to_robot_hosts(app):
    problem = channels.webhook_url_problem
    assert problem("https://oapi.dingtalk.com/robot/send?access_token=x") is None
    assert problem("https://open.feishu.cn/open-apis/bot/v2/hook/x") is None
    assert problem("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x") is None
    assert problem("http://127.0.0.1:8080/admin") is not None
    assert problem("ftp://oapi.dingtalk.com/") is not None
    assert problem("javascript:alert(1)") is not None
    assert problem("http://[::1") is not None
    app.config["WEBHOOK_HOSTS"] = []
    assert problem("http://127.0.0.1:8080/robot") is None


# --- planning ----------------------------------------------------------------------------

@pytest.fixture
def people(delivery_app):
    boss = make_user("zhoumin", display_name="周敏", email="zhoumin@example.com")
    agent = make_user("hejing", display_name="何静", email="hejing@example.com")
    return boss, agent


def settings(user, **values) -> ChannelSettings:
    values.setdefault("email_enabled", False)
    return ChannelSettings.create(user=user.id, **values)


def test_nothing_is_planned_without_settings(people):
    boss, agent = people
    ids = notify([agent.id], KIND_MENTION, "memo", 1, actor_id=boss.id, excerpt="开会")
    assert channels.plan_deliveries(ids) == []
    assert channels.plan_deliveries([]) == []


def test_plan_writes_one_row_per_channel_once(people, robot):
    boss, agent = people
    settings(agent, email_enabled=True, webhook_kind="dingtalk", webhook_url=robot.url())
    ids = notify([agent.id], KIND_MENTION, "memo", 1, actor_id=boss.id, excerpt="开会")
    planned = channels.plan_deliveries(ids)
    assert len(planned) == 2 and all(eta is None for _id, eta in planned)
    rows = list(Delivery.select().order_by(Delivery.channel))
    assert [r.channel for r in rows] == [CHANNEL_EMAIL, CHANNEL_WEBHOOK]
    assert all(r.status == DELIVERY_PENDING and r.attempts == 0 and "周敏" in r.subject for r in rows)
    assert channels.plan_deliveries(ids) == []  # running twice writes nothing new


def test_plan_skips_digest_people_read_notifications_and_missing_email(people, robot):
    boss, agent = people
    no_email = make_user("wuming", email="")
    settings(agent, email_enabled=True, digest=True)
    settings(no_email, email_enabled=True)
    ids = notify([agent.id, no_email.id], KIND_MENTION, "memo", 1, actor_id=boss.id)
    assert channels.plan_deliveries(ids) == []
    settings(boss, webhook_kind="wecom", webhook_url=robot.url())
    read = notify([boss.id], KIND_COMMENT, "memo", 1, actor_id=agent.id)
    mark_read(boss.id)
    assert channels.plan_deliveries(read) == []


# --- sending -----------------------------------------------------------------------------

def test_email_reaches_the_smtp_server_with_a_chinese_subject(people, smtp_server):
    boss, agent = people
    settings(agent, email_enabled=True)
    ids = notify([agent.id], KIND_MENTION, "memo", 7, actor_id=boss.id, excerpt="下午三点 <仓库> 盘点")
    deliver_notifications(ids)
    assert len(smtp_server.messages) == 1
    sent = smtp_server.messages[0]
    message = sent["message"]
    assert sent["to"] == ["hejing@example.com"] and sent["from"] == "office@example.com"
    assert "周敏" in message["Subject"]
    body = message.get_content()
    assert "下午三点 <仓库> 盘点" in body
    assert "https://office.example.com/memos/" in body
    assert "https://office.example.com/inbox/settings" in body
    delivery = Delivery.get()
    assert (delivery.status, delivery.attempts, delivery.sent_at is not None) == (DELIVERY_SENT, 1, True)


@pytest.mark.parametrize("kind,answer,text_of", [
    ("dingtalk", {"errcode": 0, "errmsg": "ok"}, lambda body: body["text"]["content"]),
    ("wecom", {"errcode": 0, "errmsg": "ok"}, lambda body: body["text"]["content"]),
    ("feishu", {"StatusCode": 0, "StatusMessage": "success", "code": 0, "msg": "success"},
     lambda body: body["content"]["text"]),
])
def test_each_robot_gets_its_own_format(people, robot, kind, answer, text_of):
    boss, agent = people
    robot.respond(200, answer)
    settings(agent, webhook_kind=kind, webhook_url=robot.url("/hook/abc"))
    ids = notify([agent.id], KIND_MENTION, "memo", 1, actor_id=boss.id, excerpt="请确认库存")
    deliver_notifications(ids)
    assert len(robot.requests) == 1
    request = robot.requests[0]
    assert request["path"] == "/hook/abc"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert set(request["json"]) == ({"msg_type", "content"} if kind == "feishu" else {"msgtype", "text"})
    text = text_of(request["json"])
    assert "周敏" in text and "请确认库存" in text and "https://office.example.com/memos/" in text
    assert Delivery.get().status == DELIVERY_SENT


@pytest.mark.parametrize("kind,status,answer,error", [
    ("dingtalk", 500, b"upstream exploded", "HTTP 500"),
    ("dingtalk", 200, {"errcode": 310000, "errmsg": "keywords not in content"}, "keywords not in content"),
    ("wecom", 200, {"errcode": 93000, "errmsg": "invalid webhook url"}, "invalid webhook url"),
    ("feishu", 200, {"code": 19021, "msg": "sign match fail"}, "sign match fail"),
    ("feishu", 200, b"<html>not json</html>", "not JSON"),
])
def test_robot_failures_are_retried_then_marked_failed(people, robot, kind, status, answer, error):
    boss, agent = people
    robot.respond(status, answer)
    settings(agent, webhook_kind=kind, webhook_url=robot.url())
    ids = notify([agent.id], KIND_MENTION, "memo", 1, actor_id=boss.id, excerpt="开会")
    deliver_notifications(ids)  # immediate mode: the retries run inline (DELIVERY_RETRIES=2, no delay)
    delivery = Delivery.get()
    assert (delivery.status, delivery.attempts) == (DELIVERY_FAILED, 3)
    assert error in delivery.last_error
    assert len(robot.requests) == 3
    # The in-app notification does not depend on delivery.
    assert Notification.get_by_id(ids[0]).read_at is None


def test_smtp_down_is_retried_then_failed(people, delivery_app):
    boss, agent = people
    delivery_app.config["SMTP_PORT"] = free_port()
    settings(agent, email_enabled=True)
    ids = notify([agent.id], KIND_MENTION, "memo", 1, actor_id=boss.id)
    deliver_notifications(ids)
    delivery = Delivery.get()
    assert (delivery.status, delivery.attempts) == (DELIVERY_FAILED, 3)
    assert "SMTP" in delivery.last_error and "Refused" in delivery.last_error
    assert Notification.select().count() == 1


def test_email_without_smtp_host_fails_at_once_with_a_clear_error(people, smtp_server, delivery_app):
    boss, agent = people
    delivery_app.config["SMTP_HOST"] = ""
    settings(agent, email_enabled=True)
    deliver_notifications(notify([agent.id], KIND_MENTION, "memo", 1, actor_id=boss.id))
    delivery = Delivery.get()
    assert (delivery.status, delivery.attempts) == (DELIVERY_FAILED, 1)  # retrying cannot help
    assert "OFFICE_SMTP_HOST" in delivery.last_error
    assert smtp_server.messages == []


def test_a_retry_that_succeeds_ends_sent(people, robot):
    boss, agent = people
    settings(agent, webhook_kind="dingtalk", webhook_url=robot.url())
    ids = notify([agent.id], KIND_MENTION, "memo", 1, actor_id=boss.id)
    delivery_id = channels.plan_deliveries(ids)[0][0]
    robot.respond(502, b"bad gateway")
    with pytest.raises(channels.DeliveryError):
        channels.send(delivery_id, final=False)
    row = Delivery.get_by_id(delivery_id)
    assert (row.status, row.attempts) == (DELIVERY_PENDING, 1) and "HTTP 502" in row.last_error
    robot.respond(200, {"errcode": 0})
    assert channels.send(delivery_id, final=False) == DELIVERY_SENT
    assert Delivery.get_by_id(delivery_id).attempts == 2


def test_sending_is_idempotent(people, robot):
    boss, agent = people
    settings(agent, webhook_kind="dingtalk", webhook_url=robot.url())
    deliver_notifications(notify([agent.id], KIND_MENTION, "memo", 1, actor_id=boss.id))
    delivery = Delivery.get()
    assert delivery.status == DELIVERY_SENT
    send_delivery.call_local(delivery.id)
    assert channels.send(delivery.id) == ""
    assert len(robot.requests) == 1 and Delivery.get().attempts == 1


def test_channel_turned_off_after_planning_fails_without_sending(people, robot):
    boss, agent = people
    row = settings(agent, webhook_kind="dingtalk", webhook_url=robot.url())
    delivery_id = channels.plan_deliveries(notify([agent.id], KIND_MENTION, "memo", 1, actor_id=boss.id))[0][0]
    ChannelSettings.update(webhook_kind="").where(ChannelSettings.id == row.id).execute()
    assert channels.send(delivery_id, final=False) == DELIVERY_FAILED
    assert robot.requests == []


# --- quiet hours through the task ------------------------------------------------------------

def test_quiet_hours_postpone_the_send_to_their_end(people, robot):
    boss, agent = people
    now = dt.datetime.now(SHANGHAI)
    minute = now.hour * 60 + now.minute
    # A range that crosses midnight and covers now: from 2 hours ahead round to 1 hour ahead.
    start, end = (minute + 120) % 1440, (minute + 60) % 1440
    settings(agent, webhook_kind="dingtalk", webhook_url=robot.url(), quiet_start=start, quiet_end=end)
    deliver_notifications(notify([agent.id], KIND_MENTION, "memo", 1, actor_id=boss.id))
    delivery = Delivery.get()
    assert (delivery.status, delivery.attempts) == (DELIVERY_PENDING, 0)
    assert robot.requests == []
    scheduled = huey.scheduled()
    assert len(scheduled) == 1 and scheduled[0].args == (delivery.id,)
    expected = (now.replace(second=0, microsecond=0) + dt.timedelta(minutes=(end - minute) % 1440))
    assert scheduled[0].eta == expected.astimezone(UTC).replace(tzinfo=None)  # huey keeps naive UTC
    # When the eta comes, the consumer runs it: the same task, now.
    send_delivery.call_local(delivery.id)
    assert Delivery.get().status == DELIVERY_SENT and len(robot.requests) == 1


def test_a_held_back_message_read_in_the_app_meanwhile_is_not_sent(people, robot):
    boss, agent = people
    settings(agent, webhook_kind="dingtalk", webhook_url=robot.url())
    ids = notify([agent.id], KIND_MENTION, "memo", 1, actor_id=boss.id)
    Delivery.create(recipient=agent, notification=ids[0], channel="webhook")
    mark_read(agent.id)
    send_delivery.call_local(Delivery.get().id)
    assert Delivery.get().status == "skipped" and robot.requests == []


# --- daily digest ----------------------------------------------------------------------------

@pytest.fixture
def digest_now():
    """Now, so the notifications written by the test fall inside the digest window."""
    return dt.datetime.now(UTC) + dt.timedelta(seconds=1)


def local_hour(moment: dt.datetime) -> int:
    return moment.astimezone(SHANGHAI).hour


def test_due_digests_select_by_hour_gap_and_channel(people, digest_now):
    boss, agent = people
    hour = local_hour(digest_now)
    due = settings(agent, email_enabled=True, digest=True, digest_hour=hour)
    settings(boss, email_enabled=True, digest=True, digest_hour=(hour + 1) % 24)
    recent = settings(make_user(email="a@example.com"), email_enabled=True, digest=True, digest_hour=hour,
                      last_digest_at=utcnow() - dt.timedelta(hours=2))
    old = settings(make_user(email="b@example.com"), email_enabled=True, digest=True, digest_hour=hour,
                   last_digest_at=utcnow() - dt.timedelta(hours=23))
    settings(make_user(email=""), email_enabled=True, digest=True, digest_hour=hour)  # no channel
    settings(make_user(email="c@example.com"), email_enabled=True, digest=False, digest_hour=hour)
    chosen = {row.id for row in channels.due_digests(digest_now)}
    assert chosen == {due.id, old.id}
    assert recent.id not in chosen


def test_digest_sends_one_message_with_the_unread_since_last_time(people, smtp_server, robot, digest_now):
    boss, agent = people
    row = settings(agent, email_enabled=True, webhook_kind="feishu", webhook_url=robot.url(), digest=True,
                   digest_hour=local_hour(digest_now))
    robot.respond(200, {"code": 0, "msg": "success"})
    first = notify([agent.id], KIND_MENTION, "memo", 1, actor_id=boss.id, excerpt="第一条")
    notify([agent.id], KIND_COMMENT, "memo", 2, actor_id=boss.id, excerpt="第二条")
    read = notify([agent.id], KIND_MENTION, "memo", 3, actor_id=boss.id, excerpt="已读的")
    mark_read(agent.id, read[0])
    # Notifications of a digest person are not sent one by one.
    deliver_notifications(first)
    assert smtp_server.messages == [] and robot.requests == []

    assert send_digests.call_local(digest_now) == 2
    digests = list(Delivery.select().where(Delivery.notification.is_null()))
    assert {d.channel for d in digests} == {CHANNEL_EMAIL, CHANNEL_WEBHOOK}
    assert all(d.status == DELIVERY_SENT and "2" in d.subject for d in digests)
    body = smtp_server.messages[0]["message"].get_content()
    assert "第一条" in body and "第二条" in body and "已读的" not in body
    text = robot.requests[0]["json"]["content"]["text"]
    assert "第一条" in text and "https://office.example.com/inbox/" in text
    assert ChannelSettings.get_by_id(row.id).last_digest_at == digest_now.replace(tzinfo=None)
    # The same hour again (a second run, or the next hour with the same setting): nothing.
    assert send_digests.call_local(digest_now) == 0
    assert send_digests.call_local(digest_now + dt.timedelta(hours=1)) == 0
    assert len(smtp_server.messages) == 1


def test_digest_skips_people_with_nothing_unread(people, smtp_server, digest_now):
    boss, agent = people
    row = settings(agent, email_enabled=True, digest=True, digest_hour=local_hour(digest_now))
    assert channels.make_digests(digest_now) == []
    assert ChannelSettings.get_by_id(row.id).last_digest_at is None
    assert smtp_server.messages == []


def test_digest_window_starts_at_the_previous_digest(people, smtp_server, digest_now):
    boss, agent = people
    row = settings(agent, email_enabled=True, digest=True, digest_hour=local_hour(digest_now))
    notify([agent.id], KIND_MENTION, "memo", 1, actor_id=boss.id, excerpt="昨天的")
    yesterday = digest_now - dt.timedelta(hours=24)
    # Yesterday's digest covered everything before it.
    Notification.update(created_at=yesterday.replace(tzinfo=None) - dt.timedelta(hours=1)).execute()
    ChannelSettings.update(last_digest_at=yesterday.replace(tzinfo=None)).where(ChannelSettings.id == row.id).execute()
    Delivery.create(recipient=agent.id, notification=None, channel=CHANNEL_EMAIL, subject="old",
                    status=DELIVERY_SENT, created_at=yesterday.replace(tzinfo=None))
    assert channels.make_digests(digest_now) == []  # only the old one is unread
    notify([agent.id], KIND_MENTION, "memo", 2, actor_id=boss.id, excerpt="今天的")
    planned = channels.make_digests(digest_now)
    assert len(planned) == 1
    subject, body = channels.message_for(Delivery.get_by_id(planned[0][0]))
    assert "今天的" in body and "昨天的" not in body
