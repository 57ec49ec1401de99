"""Personal API tokens: making one (shown once), revoking it, and finding whose a presented
token is. Only a SHA-256 hash is stored, so a copy of the database lets nobody in.
Imports models and the audit trail; never views.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from peewee import JOIN

from office.audit.trail import record
from office.db import db
from office.models.base import utcnow
from office.models.people import ApiToken, User
from office.rules import RuleError

# Audit actions (office.audit.trail.record) written here.
API_TOKEN_CREATED = "api_token_created"
API_TOKEN_REVOKED = "api_token_revoked"

# "so_" tells a leaked ShopOffice token apart in logs and secret scanners.
TOKEN_PREFIX = "so_"
SHOWN_CHARS = 10  # "so_" and seven more: enough to tell one's tokens apart, useless to guess
# Writing last_used_at on every call would turn each API request into two writes.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


class TokenError(RuleError):
    default_field = "name"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns the row and the token itself, which is never
    stored and cannot be shown again.

    Raises:
        TokenError: the name is empty or longer than 60 characters.
    """
    name = (name or "").strip()
    if not name:
        raise TokenError(_l("Name the token after what will use it, such as 聚水潭 ERP."))
    if len(name) > 60:
        raise TokenError(_l("Keep the name under 60 characters."))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.atomic():
        row = ApiToken.create(user=user, name=name, token_hash=hash_token(token), prefix=token[:SHOWN_CHARS])
        record(API_TOKEN_CREATED, user, subject=name, target=row, prefix=row.prefix)
    return row, token


def own_tokens(user: User):
    """The user's tokens still in force, newest first."""
    return (ApiToken.select()
            .where((ApiToken.user == user) & ApiToken.revoked_at.is_null())
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))


def revoke_token(user: User, token_id: int, now: dt.datetime | None = None) -> ApiToken | None:
    """Revoke one of ``user``'s own tokens; None when it is not theirs or already revoked.
    Calls made with it fail from the next request on."""
    now = now or utcnow()
    with db.atomic():
        # Conditional, so two clicks revoke (and audit) once.
        changed = (ApiToken.update(revoked_at=now)
                   .where((ApiToken.id == token_id) & (ApiToken.user == user) & ApiToken.revoked_at.is_null())
                   .execute())
        if not changed:
            return None
        token = ApiToken.get_by_id(token_id)
        record(API_TOKEN_REVOKED, user, subject=token.name, target=token, prefix=token.prefix)
    return token


def authenticate(presented: str, now: dt.datetime | None = None) -> ApiToken | None:
    """The token row (with its user loaded) for a presented token that is still in force;
    None for an unknown or revoked one. Notes when it was last used (to the minute)."""
    presented = (presented or "").strip()
    if not presented.startswith(TOKEN_PREFIX) or len(presented) > 100:
        return None
    token = (ApiToken.select(ApiToken, User).join(User, JOIN.INNER)
             .where((ApiToken.token_hash == hash_token(presented)) & ApiToken.revoked_at.is_null())
             .first())
    if token is None:
        return None
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.update(last_used_at=now).where(ApiToken.id == token.id).execute()
        token.last_used_at = now
    return token
