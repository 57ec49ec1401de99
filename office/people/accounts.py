"""Account rules: create, edit, password, (de)activation. No request, no templates.

Views, the CLI and the demo seeder all call these, so every change is audited
the same way. Raises AccountError with a user-facing message on refusal.
"""
from __future__ import annotations

import secrets

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from office.audit.trail import record
from office.db import atomic_for_update, db, locked
from office.models import audit
from office.models.people import ROLE_ADMIN, ROLES, Department, User
from office.people import passwords
from office.rules import RuleError

# Fields an admin may edit; role is audited separately because it grants rights.
EDITABLE = ("display_name", "title", "phone", "email", "department", "role")


class AccountError(RuleError):
    """A refused account change; shown next to ``field``."""


def hash_password(password: str) -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
    return generate_password_hash(password, method=method)


def new_session_token() -> str:
    return secrets.token_hex(16)


def check_password_rules(password: str, username: str = "", *, allow_common: bool = False) -> None:
    """Refuse a password that is too short, contains the username, or is common (list and
    patterns in passwords.py). ``allow_common`` skips the last check only: for test factories,
    whose shared password "password123" is on the list."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"] if has_app_context() else 8
    if len(password) < minimum:
        raise AccountError(_l("The password needs at least %(n)d characters.", n=minimum), "password")
    if passwords.contains_username(password, username):
        raise AccountError(_l("The password must not contain the username."), "password")
    if not allow_common and passwords.is_common(password):
        raise AccountError(_l("This password is one of the most common ones and easy to guess. "
                              "Choose another."), "password")


def normalise_username(username: str) -> str:
    return username.strip().lower()


def find_by_username(username: str) -> User | None:
    return User.get_or_none(User.username == normalise_username(username))


def create_user(
    username: str,
    password: str,
    display_name: str = "",
    role: str = "staff",
    department: Department | None = None,
    by: User | None = None,
    allow_common_password: bool = False,
    **fields,
) -> User:
    """Create an active account. Raises AccountError for a taken name or bad values.

    ``allow_common_password`` is for test factories only (see check_password_rules).
    """
    username = normalise_username(username)
    if role not in ROLES:
        raise AccountError(_l("Unknown role: %(role)s", role=role), "role")
    check_password_rules(password, username, allow_common=allow_common_password)
    try:
        with db.atomic():
            user = User.create(
                username=username,
                display_name=display_name.strip() or username,
                role=role,
                department=department,
                password_hash=hash_password(password),
                session_token=new_session_token(),
                **fields,
            )
            record(audit.USER_CREATED, by, subject=username, target=user, role=role)
    except IntegrityError as error:
        raise AccountError(_l("The username %(name)s is taken.", name=username), "username") from error
    return user


def _guard_last_admin(user: User) -> None:
    # Without an active admin nobody could manage accounts any more. The admin
    # rows are locked so two admins demoting each other at once cannot both pass.
    if user.role != ROLE_ADMIN or not user.is_active:
        return
    admins = list(locked(User.select(User.id).where((User.role == ROLE_ADMIN) & User.is_active)))
    if len(admins) <= 1:
        raise AccountError(_l("%(name)s is the last active administrator.", name=user.display_name), "role")


def update_user(user: User, by: User | None, **changes) -> User:
    """Apply admin edits (fields in EDITABLE). Role changes get their own audit row."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise AccountError(f"not editable: {', '.join(sorted(unknown))}")
    if "role" in changes and changes["role"] not in ROLES:
        raise AccountError(_l("Unknown role: %(role)s", role=changes["role"]), "role")
    with atomic_for_update():
        # Re-read under the transaction so the last-admin check sees committed state.
        user = User.get_by_id(user.id)
        old = {name: getattr(user, name) for name in changes}
        if changes.get("role", user.role) != user.role:
            _guard_last_admin(user)
        for name, value in changes.items():
            setattr(user, name, value)
        changed = {
            name: [_plain(old[name]), _plain(value)]
            for name, value in changes.items()
            if _plain(old[name]) != _plain(value)
        }
        if not changed:
            return user
        user.save()
        if "role" in changed:
            record(audit.ROLE_CHANGED, by, subject=user.username, target=user,
                   old=changed["role"][0], new=changed["role"][1])
        other = {k: v for k, v in changed.items() if k != "role"}
        if other:
            record(audit.USER_UPDATED, by, subject=user.username, target=user, changed=other)
    return user


def _plain(value):
    if isinstance(value, Department):
        return value.name
    return value


def set_password(user: User, password: str, by: User | None = None) -> None:
    """Set a new password and sign out every session of ``user``.

    The rules of check_password_rules apply, and the new password must differ from the
    current one (whoever sets it: a reset to the same password would change nothing).
    """
    check_password_rules(password, user.username)
    if check_password_hash(user.password_hash, password):
        raise AccountError(_l("The new password must be different from the current one."), "password")
    with db.atomic():
        User.update(password_hash=hash_password(password), session_token=new_session_token()).where(
            User.id == user.id
        ).execute()
        action = audit.PASSWORD_CHANGED if by is None or by.id == user.id else audit.PASSWORD_RESET
        record(action, by or user, subject=user.username, target=user)
    user.password_hash = User.get_by_id(user.id).password_hash
    user.session_token = User.get_by_id(user.id).session_token


def end_sessions(user: User, action: str) -> None:
    """Sign ``user`` out everywhere: a new session token makes every session cookie and
    remember-me cookie issued so far stop working at its next request (access.load_user).

    ``action`` is the audit row written with it (LOGOUT, SIGNED_OUT_EVERYWHERE). There is one
    token per account, so signing out in one browser ends the account's other sessions too.
    """
    token = new_session_token()
    with db.atomic():
        User.update(session_token=token).where(User.id == user.id).execute()
        record(action, user, subject=user.username)
    user.session_token = token


def change_own_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise AccountError(_l("The current password is wrong."), "current")
    set_password(user, new, by=user)


def set_active(user: User, active: bool, by: User | None) -> User:
    """Deactivate (history stays, sessions end) or reactivate an account."""
    with atomic_for_update():
        user = User.get_by_id(user.id)
        if user.is_active == active:
            return user
        if not active:
            if by is not None and by.id == user.id:
                raise AccountError(_l("You cannot deactivate your own account."))
            _guard_last_admin(user)
        user.is_active = active
        user.session_token = new_session_token()
        user.save()
        record(audit.USER_REACTIVATED if active else audit.USER_DEACTIVATED, by,
               subject=user.username, target=user)
    return user


def verify_password(user: User | None, password: str) -> bool:
    if user is None:
        # Spend the same time as a real check so timing does not reveal usernames.
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(user.password_hash, password)


_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_hex(8), method=method)
    return _dummy_hashes[method]
