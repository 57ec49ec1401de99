"""Forms for the inbox: delivery channel settings."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TimeField
from wtforms.validators import Length, Optional

from office.forms import Form
from office.models.inbox import WEBHOOK_DINGTALK, WEBHOOK_FEISHU, WEBHOOK_WECOM

WEBHOOK_LABELS = {
    WEBHOOK_DINGTALK: _l("DingTalk group robot"),
    WEBHOOK_FEISHU: _l("Feishu group robot"),
    WEBHOOK_WECOM: _l("WeCom group robot"),
}


def webhook_choices():
    return [("", _l("None"))] + list(WEBHOOK_LABELS.items())


def hour_choices():
    return [(hour, f"{hour:02d}:00") for hour in range(24)]


def to_minutes(value: dt.time | None) -> int | None:
    return None if value is None else value.hour * 60 + value.minute


def from_minutes(value: int | None) -> dt.time | None:
    return None if value is None else dt.time(value // 60, value % 60)


class ChannelSettingsForm(Form):
    """Where notifications go besides the inbox, and when not to disturb."""

    email_enabled = BooleanField(_l("Send notifications by e-mail"))
    webhook_kind = SelectField(_l("Group robot"), choices=webhook_choices, default="")
    webhook_url = StringField(_l("Robot webhook address"), validators=[Optional(), Length(max=500)],
                              render_kw={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"})
    quiet_start = TimeField(_l("Quiet from"), validators=[Optional()])
    quiet_end = TimeField(_l("Quiet until"), validators=[Optional()])
    digest = BooleanField(_l("One daily digest instead of a message each time"))
    digest_hour = SelectField(_l("Digest time"), coerce=int, choices=hour_choices, default=18)

    def validate(self, extra_validators=None):
        # Cross-field checks live here: Optional() stops a field's own chain when it is empty.
        valid = super().validate(extra_validators)
        url = (self.webhook_url.data or "").strip()
        if self.webhook_kind.data and not url and not self.webhook_url.errors:
            self.webhook_url.errors.append(_l("Paste the robot's webhook address."))
        elif url and not url.lower().startswith(("http://", "https://")):
            self.webhook_url.errors.append(_l("Enter an address starting with http:// or https://."))
        start, end = self.quiet_start.data, self.quiet_end.data
        if not (self.quiet_start.errors or self.quiet_end.errors):
            if (start is None) != (end is None):
                self.quiet_end.errors.append(_l("Give both a start and an end, or neither."))
            elif start is not None and start == end:
                self.quiet_end.errors.append(_l("The end must differ from the start."))
        if self.digest.data and not (self.email_enabled.data or self.webhook_kind.data):
            self.digest.errors.append(_l("Turn on e-mail or a group robot to receive the digest."))
        return valid and not any(field.errors for field in self)

    def fill(self, settings) -> None:
        """Show a saved (or default) settings row on a GET."""
        self.email_enabled.data = settings.email_enabled
        self.webhook_kind.data = settings.webhook_kind or ""
        self.webhook_url.data = settings.webhook_url
        self.quiet_start.data = from_minutes(settings.quiet_start)
        self.quiet_end.data = from_minutes(settings.quiet_end)
        self.digest.data = settings.digest
        self.digest_hour.data = settings.digest_hour

    def values(self) -> dict:
        """The keyword arguments of preferences.save_settings."""
        return {
            "email_enabled": self.email_enabled.data, "webhook_kind": self.webhook_kind.data or "",
            "webhook_url": self.webhook_url.data or "", "quiet_start": to_minutes(self.quiet_start.data),
            "quiet_end": to_minutes(self.quiet_end.data), "digest": self.digest.data,
            "digest_hour": self.digest_hour.data,
        }
