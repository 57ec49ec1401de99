"""Delivery beyond the app: which Delivery rows to write and when, the message texts,
quiet-hours math, and the senders (SMTP, DingTalk / Feishu / WeCom robots).

Rules only: no request, no templates, no tasks (tasks/notify.py enqueues what
these plan). Imports models, office.db, office.inbox.links and .queries (the outcome column)
and the stdlib.
"""
from __future__ import annotations

import datetime as dt
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from peewee import JOIN, fn

from office import clock
from office.db import db
from office.inbox.links import absolute_target_url, absolute_url, kind_label
from office.inbox.queries import outcome
from office.models.base import utcnow
from office.models.inbox import (
    CHANNEL_EMAIL,
    CHANNEL_WEBHOOK,
    DELIVERY_FAILED,
    DELIVERY_PENDING,
    DELIVERY_SENT,
    DELIVERY_SKIPPED,
    WEBHOOK_FEISHU,
    WEBHOOK_KINDS,
    ChannelSettings,
    Delivery,
    Notification,
)
from office.models.people import User

WEBHOOK_TIMEOUT = 10
# Robots answer with a few hundred bytes; never read an unbounded body.
ANSWER_MAX_BYTES = 64 * 1024
ERROR_MAX_CHARS = 2000
DIGEST_MAX_ITEMS = 20
# "Once a day" with slack: a digest hour moved earlier must not send twice in a day.
DIGEST_MIN_GAP = dt.timedelta(hours=20)


class DeliveryError(Exception):
    """Sending failed in a way another try may fix (network, server, robot refusal)."""


class PermanentError(DeliveryError):
    """Sending cannot work until someone changes a setting; retrying is pointless."""


# --- time -----------------------------------------------------------------------------

def aware_utc(moment: dt.datetime | None = None) -> dt.datetime:
    """``moment`` as an aware UTC datetime: naive values are UTC (as stored); None is now."""
    if moment is None:
        return dt.datetime.now(dt.timezone.utc)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def in_quiet_hours(start: int | None, end: int | None, minute: int) -> bool:
    """Whether ``minute`` (after local midnight) falls in [start, end); ranges may cross midnight."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def quiet_until(start: int | None, end: int | None, now: dt.datetime | None = None,
                zone: ZoneInfo | None = None) -> dt.datetime | None:
    """When the quiet hours covering ``now`` end (aware UTC), or None when ``now`` is not quiet.

    ``start``/``end`` are minutes after midnight in ``zone`` (default: the office's zone).
    22:00-08:00 at 23:30 ends tomorrow 08:00; at 02:00 it ends today 08:00.
    """
    zone = zone or clock.zone()
    local = aware_utc(now).astimezone(zone)
    minute = local.hour * 60 + local.minute
    if not in_quiet_hours(start, end, minute):
        return None
    day = local.date() if minute < end else local.date() + dt.timedelta(days=1)
    ends = dt.datetime.combine(day, dt.time(end // 60, end % 60), tzinfo=zone)
    return ends.astimezone(dt.timezone.utc)


# --- who gets what ----------------------------------------------------------------------

def _channel_on():
    """SQL: the settings row has at least one usable channel (User must be joined)."""
    return (((ChannelSettings.email_enabled == True) & (User.email != ""))  # noqa: E712
            | (ChannelSettings.webhook_kind.in_(WEBHOOK_KINDS) & (ChannelSettings.webhook_url != "")))


def channels_of(settings: ChannelSettings, email: str) -> list[str]:
    """The channels a settings row turns on, given the person's e-mail address."""
    channels = []
    if settings.email_enabled and email:
        channels.append(CHANNEL_EMAIL)
    if settings.webhook_kind in WEBHOOK_KINDS and settings.webhook_url:
        channels.append(CHANNEL_WEBHOOK)
    return channels


def _locale_of(user: User) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def plan_deliveries(notification_ids, now: dt.datetime | None = None) -> list[tuple[int, dt.datetime | None]]:
    """Write one pending Delivery per notification and channel its recipient turned on.

    Skipped: recipients without settings, with the daily digest on (the digest
    covers them) or deactivated; notifications already read; (notification,
    channel) pairs planned before, so running twice is harmless. The rows are
    written in one transaction. Returns (delivery id, eta) pairs; eta is the
    end of the recipient's quiet hours (aware UTC) or None for "now".
    One query when nobody has a channel on.
    """
    ids = [int(i) for i in (notification_ids or ())]
    if not ids:
        return []
    Actor = User.alias()
    rows = list(
        Notification.select(Notification, ChannelSettings, User.id, User.email, User.locale,
                            Actor.id, Actor.display_name, outcome())
        .join(ChannelSettings, on=(ChannelSettings.user == Notification.recipient), attr="settings")
        .switch(Notification)
        .join(User, on=(User.id == Notification.recipient), attr="recipient")
        .switch(Notification)
        .join(Actor, JOIN.LEFT_OUTER, on=(Notification.actor == Actor.id), attr="actor")
        .where(Notification.id.in_(ids) & Notification.read_at.is_null()
               & (ChannelSettings.digest == False) & (User.is_active == True)  # noqa: E712
               & _channel_on())
    )
    if not rows:
        return []
    planned_before = set(Delivery.select(Delivery.notification, Delivery.channel)
                         .where(Delivery.notification.in_([row.id for row in rows])).tuples())
    now = aware_utc(now)
    stored_now = now.replace(tzinfo=None)
    zone = clock.zone()
    planned = []
    with db.atomic():
        for notification in rows:
            settings = notification.settings
            eta = quiet_until(settings.quiet_start, settings.quiet_end, now, zone)
            with force_locale(_locale_of(notification.recipient)):
                subject = notification_message(notification)[0]
            for channel in channels_of(settings, notification.recipient.email):
                if (notification.id, channel) in planned_before:
                    continue
                delivery_id = Delivery.insert(
                    recipient=notification.recipient.id, notification=notification.id, channel=channel,
                    subject=subject[:200], status=DELIVERY_PENDING, created_at=stored_now,
                ).execute()
                planned.append((delivery_id, eta))
    return planned


# --- message texts ----------------------------------------------------------------------

def _subject(text: str) -> str:
    return _("[%(site)s] %(text)s", site=_("ShopOffice"), text=text)


def _headline(notification: Notification) -> str:
    """"周敏 提到了你"; notifications without an actor (reminders) show the label alone."""
    label = kind_label(notification.kind, getattr(notification, "outcome", None))
    if notification.actor_id and notification.actor:
        return _("%(actor)s %(label)s", actor=notification.actor.display_name, label=label)
    return label


def _footer() -> str:
    return _("Change how you are notified: %(url)s", url=absolute_url("inbox.settings"))


def notification_message(notification: Notification) -> tuple[str, str]:
    """(subject, body) for one notification; ``notification.actor`` must be joined or loadable."""
    headline = _headline(notification)
    link = absolute_target_url(notification.target_type, notification.target_id)
    lines = [headline + _(":")]
    if notification.excerpt:
        lines.append(notification.excerpt)
    lines += ["", _("Open: %(url)s", url=link), "", _footer()]
    return _subject(headline), "\n".join(lines)


def digest_message(items: list[Notification], total: int) -> tuple[str, str]:
    """(subject, body) listing ``items`` (newest first) out of ``total`` unread."""
    subject = _subject(_("Daily digest: %(num)d unread", num=total))
    lines = [_("Unread since the last digest:"), ""]
    for item in items:
        line = "· " + format_datetime(item.created_at, "MM-dd HH:mm") + " " + _headline(item)
        if item.excerpt:
            line += _(":") + item.excerpt
        lines += [line, "  " + absolute_target_url(item.target_type, item.target_id)]
    if total > len(items):
        lines.append(_("… and %(num)d more.", num=total - len(items)))
    lines += ["", _("Your inbox: %(url)s", url=absolute_url("inbox.index")), "", _footer()]
    return subject, "\n".join(lines)


# --- daily digest -----------------------------------------------------------------------

def due_digests(now: dt.datetime | None = None) -> list[ChannelSettings]:
    """Settings rows whose digest is due at ``now``: digest on, digest_hour is the current
    local hour, no digest in the last 20 hours, a channel on, the person active."""
    now = aware_utc(now)
    hour = now.astimezone(clock.zone()).hour
    cutoff = now.replace(tzinfo=None) - DIGEST_MIN_GAP
    return list(
        ChannelSettings.select(ChannelSettings, User.id, User.email, User.locale)
        .join(User, on=(ChannelSettings.user == User.id), attr="user")
        .where((ChannelSettings.digest == True) & (ChannelSettings.digest_hour == hour)  # noqa: E712
               & (ChannelSettings.last_digest_at.is_null() | (ChannelSettings.last_digest_at < cutoff))
               & (User.is_active == True) & _channel_on())  # noqa: E712
    )


def digest_items(user_id: int, since: dt.datetime | None, until: dt.datetime):
    """Notifications of ``user_id`` created in (since, until] and unread at ``until``, newest first."""
    Actor = User.alias()
    query = (Notification.select(Notification, Actor.id, Actor.display_name, outcome())
             .join(Actor, JOIN.LEFT_OUTER, on=(Notification.actor == Actor.id), attr="actor")
             .where((Notification.recipient == user_id) & (Notification.created_at <= until)
                    & (Notification.read_at.is_null() | (Notification.read_at > until))))
    if since is not None:
        query = query.where(Notification.created_at > since)
    return query.order_by(Notification.id.desc())


def make_digests(now: dt.datetime | None = None) -> list[tuple[int, dt.datetime | None]]:
    """Write one digest Delivery (notification=None, subject set) per channel for each due person
    with something unread since their last digest, and move their last_digest_at to ``now``.

    Each person is one transaction; the conditional update of last_digest_at makes an
    overlapping second run skip them. Returns (delivery id, eta) pairs like plan_deliveries.
    """
    now = aware_utc(now)
    stored_now = now.replace(tzinfo=None)
    zone = clock.zone()
    planned = []
    for settings in due_digests(now):
        user = settings.user
        since = settings.last_digest_at
        total = digest_items(user.id, since, stored_now).count()
        if not total:
            continue
        with force_locale(_locale_of(user)):
            subject = _subject(_("Daily digest: %(num)d unread", num=total))
        eta = quiet_until(settings.quiet_start, settings.quiet_end, now, zone)
        with db.atomic():
            unchanged = (ChannelSettings.last_digest_at.is_null() if since is None
                         else ChannelSettings.last_digest_at == since)
            claimed = (ChannelSettings.update(last_digest_at=stored_now)
                       .where((ChannelSettings.id == settings.id) & unchanged).execute())
            if not claimed:
                continue
            for channel in channels_of(settings, user.email):
                delivery_id = Delivery.insert(
                    recipient=user.id, notification=None, channel=channel, subject=subject[:200],
                    status=DELIVERY_PENDING, created_at=stored_now,
                ).execute()
                planned.append((delivery_id, eta))
    return planned


def _digest_for(delivery: Delivery) -> tuple[str, str]:
    # The window starts where the person's previous digest ended (digest deliveries
    # and last_digest_at share one timestamp), so a retry rebuilds the same list.
    since = (Delivery.select(fn.MAX(Delivery.created_at))
             .where((Delivery.recipient == delivery.recipient_id) & Delivery.notification.is_null()
                    & (Delivery.created_at < delivery.created_at)).scalar())
    query = digest_items(delivery.recipient_id, since, delivery.created_at)
    items = list(query.limit(DIGEST_MAX_ITEMS))
    total = len(items) if len(items) < DIGEST_MAX_ITEMS else query.count()
    return digest_message(items, total)


# --- sending ----------------------------------------------------------------------------

def webhook_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a robot address (not http(s), or a host outside WEBHOOK_HOSTS), or None."""
    try:
        parts = urlsplit((url or "").strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme not in ("http", "https") or not host:
        return _("Enter an address starting with http:// or https://.")
    allowed = [h.lower() for h in current_app.config["WEBHOOK_HOSTS"]]
    if allowed and host not in allowed:
        return _("Robot addresses must be on one of: %(hosts)s.", hosts=", ".join(allowed))
    return None


def webhook_payload(kind: str, text: str) -> dict:
    """The JSON body of a plain-text robot message (DingTalk and WeCom share one shape)."""
    if kind == WEBHOOK_FEISHU:
        return {"msg_type": "text", "content": {"text": text}}
    return {"msgtype": "text", "text": {"content": text}}


def webhook_complaint(kind: str, answer) -> str | None:
    """None when the robot's JSON answer means "accepted", else what it said."""
    if not isinstance(answer, dict):
        return f"unexpected answer: {str(answer)[:200]}"
    if kind == WEBHOOK_FEISHU:
        code = answer["code"] if "code" in answer else answer.get("StatusCode")
        message = answer.get("msg") or answer.get("StatusMessage") or ""
    else:
        code, message = answer.get("errcode"), answer.get("errmsg") or ""
    if code == 0:
        return None
    return f"code {code}: {message}".strip()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would lead the POST past the WEBHOOK_HOSTS check; treat it as an error."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def send_webhook(kind: str, url: str, text: str, timeout: float = WEBHOOK_TIMEOUT) -> None:
    """POST ``text`` to a robot. Raises PermanentError for a refused address, DeliveryError otherwise."""
    problem = webhook_url_problem(url)
    if problem:
        raise PermanentError(problem)
    data = json.dumps(webhook_payload(kind, text), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url.strip(), data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "ShopOffice"})
    try:
        with _opener.open(request, timeout=timeout) as response:
            raw = response.read(ANSWER_MAX_BYTES)
    except urllib.error.HTTPError as error:
        try:
            detail = error.read(300).decode("utf-8", "replace") if error.fp else ""
        finally:
            error.close()
        raise DeliveryError(f"HTTP {error.code}: {detail}".strip()) from None
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryError(f"{type(error).__name__}: {getattr(error, 'reason', error)}") from None
    try:
        answer = json.loads(raw.decode("utf-8", "replace"))
    except ValueError:
        raise DeliveryError("not JSON: " + raw[:200].decode("utf-8", "replace")) from None
    complaint = webhook_complaint(kind, answer)
    if complaint:
        raise DeliveryError(complaint)


def send_email(to: str, subject: str, body: str) -> None:
    """Send a plain-text UTF-8 e-mail through the configured SMTP server.

    Raises PermanentError when SMTP_HOST is empty, DeliveryError when the server fails.
    """
    config = current_app.config
    host, port = config["SMTP_HOST"], int(config["SMTP_PORT"])
    if not host:
        raise PermanentError(_("E-mail is not set up on this server (OFFICE_SMTP_HOST is empty)."))
    sender = config["SMTP_SENDER"]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(usegmt=True)
    # An explicit domain: make_msgid() would otherwise look up this machine's FQDN.
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or "localhost")
    message.set_content(body, charset="utf-8", cte="base64")
    try:
        if config["SMTP_SSL"]:
            smtp = smtplib.SMTP_SSL(host, port, timeout=config["SMTP_TIMEOUT"],
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=config["SMTP_TIMEOUT"])
        with smtp:
            if config["SMTP_STARTTLS"] and not config["SMTP_SSL"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"SMTP {host}:{port}: {type(error).__name__}: {error}") from None


def message_for(delivery: Delivery) -> tuple[str, str]:
    """(subject, body) of a delivery: its notification, or a digest when it has none."""
    if delivery.notification_id is None:
        subject, body = _digest_for(delivery)
    else:
        Actor = User.alias()
        notification = (Notification.select(Notification, Actor.id, Actor.display_name, outcome())
                        .join(Actor, JOIN.LEFT_OUTER, on=(Notification.actor == Actor.id), attr="actor")
                        .where(Notification.id == delivery.notification_id).get())
        subject, body = notification_message(notification)
    return delivery.subject or subject, body


def _push(delivery: Delivery, recipient: User) -> None:
    settings = ChannelSettings.get_or_none(ChannelSettings.user == recipient.id)
    with force_locale(_locale_of(recipient)):
        subject, body = message_for(delivery)
    if delivery.channel == CHANNEL_EMAIL:
        if settings is None or not settings.email_enabled:
            raise PermanentError(_("The recipient has turned e-mail off."))
        if not recipient.email:
            raise PermanentError(_("The recipient has no e-mail address."))
        send_email(recipient.email, subject, body)
    elif delivery.channel == CHANNEL_WEBHOOK:
        if settings is None or settings.webhook_kind not in WEBHOOK_KINDS or not settings.webhook_url:
            raise PermanentError(_("The recipient has no robot webhook set."))
        send_webhook(settings.webhook_kind, settings.webhook_url, subject + "\n\n" + body)
    else:
        raise PermanentError(f"unknown channel {delivery.channel!r}")


def send(delivery_id: int, final: bool = True) -> str:
    """Push one pending delivery out; return its status afterwards ("" if there was nothing to do).

    Each call counts an attempt. On success: status sent, sent_at set. On failure
    the error is kept in last_error, and then: a PermanentError, or any failure
    on the ``final`` attempt, marks it failed and returns "failed"; any other
    failure leaves it pending and raises DeliveryError so huey retries.
    A delivery that is not pending (sent, failed, gone) is left alone, so a
    repeated call never sends twice.
    """
    # Claim and count in one statement: only a pending row is ever sent.
    claimed = (Delivery.update(attempts=Delivery.attempts + 1)
               .where((Delivery.id == delivery_id) & (Delivery.status == DELIVERY_PENDING)).execute())
    if not claimed:
        return ""
    delivery = Delivery.get_by_id(delivery_id)
    if delivery.notification_id is not None and Notification.select().where(
            (Notification.id == delivery.notification_id) & Notification.read_at.is_null(False)).exists():
        # Held back by quiet hours and read in the app meanwhile: nothing left to tell.
        Delivery.update(status=DELIVERY_SKIPPED).where(Delivery.id == delivery_id).execute()
        return DELIVERY_SKIPPED
    recipient = User.get_by_id(delivery.recipient_id)
    try:
        _push(delivery, recipient)
    except Exception as error:  # a bug in a sender must not leave the row pending forever
        give_up = final or isinstance(error, PermanentError)
        message = str(error) if isinstance(error, DeliveryError) else f"{type(error).__name__}: {error}"
        (Delivery.update(last_error=message[:ERROR_MAX_CHARS],
                         status=DELIVERY_FAILED if give_up else DELIVERY_PENDING)
         .where(Delivery.id == delivery_id).execute())
        if give_up:
            return DELIVERY_FAILED
        raise DeliveryError(message) from error
    Delivery.update(status=DELIVERY_SENT, sent_at=utcnow()).where(Delivery.id == delivery_id).execute()
    return DELIVERY_SENT


def reset_for_retry(delivery_id: int) -> bool:
    """Put a failed delivery back to pending with a fresh attempt count; False if it was not failed."""
    return bool(Delivery.update(status=DELIVERY_PENDING, attempts=0)
                .where((Delivery.id == delivery_id) & (Delivery.status == DELIVERY_FAILED)).execute())
