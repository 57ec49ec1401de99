"""A person's delivery preferences (ChannelSettings): read with defaults, save with the
checks that depend on the person or on server settings. Raises SettingsError.

Imports models, office.db and office.inbox.channels (for the webhook address check).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from office.inbox.channels import webhook_url_problem
from office.models.inbox import WEBHOOK_KINDS, ChannelSettings
from office.models.people import User


class SettingsError(ValueError):
    """A refused preference; str(error) is shown next to ``field``."""

    def __init__(self, message, field: str):
        super().__init__(str(message))
        self.field = field


def settings_for(user_id: int) -> ChannelSettings:
    """The person's row, or an unsaved one with the defaults (no row means "in the app only")."""
    return ChannelSettings.get_or_none(ChannelSettings.user == user_id) or ChannelSettings(user=user_id)


def save_settings(user: User, *, email_enabled: bool, webhook_kind: str, webhook_url: str,
                  quiet_start: int | None, quiet_end: int | None, digest: bool, digest_hour: int) -> ChannelSettings:
    """Create or update ``user``'s row in one statement (an upsert, so two first saves cannot collide).

    Raises SettingsError when e-mail is turned on without an address on the
    account, or the robot address is not allowed (see WEBHOOK_HOSTS).
    """
    webhook_url = (webhook_url or "").strip() if webhook_kind else ""
    if email_enabled and not user.email:
        raise SettingsError(_l("Your account has no e-mail address; ask an administrator to add one first."),
                            "email_enabled")
    if webhook_kind and webhook_kind not in WEBHOOK_KINDS:
        raise SettingsError(_l("Choose a robot type from the list."), "webhook_kind")
    if webhook_kind:
        problem = webhook_url_problem(webhook_url)
        if problem:
            raise SettingsError(problem, "webhook_url")
    if (quiet_start is None) != (quiet_end is None):
        raise SettingsError(_l("Give both a start and an end, or neither."), "quiet_end")
    if not 0 <= digest_hour <= 23:
        raise SettingsError(_l("Choose an hour between 0 and 23."), "digest_hour")
    values = {
        "email_enabled": bool(email_enabled), "webhook_kind": webhook_kind or "", "webhook_url": webhook_url,
        "quiet_start": quiet_start, "quiet_end": quiet_end, "digest": bool(digest), "digest_hour": digest_hour,
    }
    (ChannelSettings.insert(user=user.id, **values)
     .on_conflict(conflict_target=[ChannelSettings.user],
                  update={getattr(ChannelSettings, name): value for name, value in values.items()})
     .execute())
    return ChannelSettings.get(ChannelSettings.user == user.id)
