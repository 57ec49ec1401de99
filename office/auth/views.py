"""Views: /login, /logout (and its confirmation), /account/sign-out-others, /account/password, /account/language."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from office import htmx
from office.access import me
from office.audit.trail import client_ip, record
from office.auth.forms import LanguageForm, LoginForm, PasswordChangeForm
from office.auth.throttle import minutes_locked
from office.db import db
from office.forms import EmptyForm
from office.i18n import LANG_COOKIE
from office.models import audit
from office.models.base import utcnow
from office.models.people import User
from office.people.accounts import (AccountError, change_own_password, end_sessions, find_by_username,
                                    normalise_username, verify_password)

bp = Blueprint("auth", __name__)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths, so ?next= cannot send people to another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return default


@bp.route("/login", methods=["GET", "POST"])
def login():
    """GET: the sign-in page. POST: check, throttle, sign in and 303 to ``next``.

    Failed or throttled attempts re-render the page with 422 / 429.
    """
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        username = normalise_username(form.username.data)
        locked = minutes_locked(username, client_ip())
        if locked:
            form.password.errors.append(
                _("Too many failed attempts. Try again in %(n)d minutes.", n=locked))
            status = 429
        else:
            user = find_by_username(username)
            if verify_password(user, form.password.data) and user.is_active:
                with db.atomic():
                    User.update(last_login_at=utcnow()).where(User.id == user.id).execute()
                    record(audit.LOGIN, user, subject=username)
                login_user(user, remember=form.remember.data)
                return redirect(safe_next(form.next.data, url_for("home.index")), code=303)
            reason = "inactive" if user is not None and not user.is_active else "bad_credentials"
            record(audit.LOGIN_FAILED, None, subject=username, reason=reason)
            form.password.errors.append(_("Wrong username or password."))
            status = 422
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout/confirm")
@login_required
def logout_confirm():
    """GET ?next=: "Sign out?" with the button that posts to /logout, and a way back to ``next``.
    我的 (/me) links here, so a stray tap on 退出 signs no one out (and works without JS)."""
    back = safe_next(request.args.get("next"), url_for("home.index"))
    return render_template("auth/logout.html", form=EmptyForm(), back=back)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """POST only (CSRF-checked): sign out, 303 / HX-Redirect to the login page.

    The account's session token changes, so a copied session cookie or remember-me cookie
    stops working too (and, one token per account, so do the account's other sessions).
    """
    form = EmptyForm()
    if form.validate_on_submit():
        end_sessions(me(), audit.LOGOUT)
        logout_user()
    return htmx.redirect(url_for("auth.login"))


@bp.route("/account/sign-out-others", methods=["POST"])
@login_required
def sign_out_others():
    """POST (CSRF-checked): end every other session of the account; this browser stays signed in.

    Signing out already ends every session, this one included; this is for "I am here, end the
    rest" (a lost phone, a shared computer), as a password change does. 303 / HX-Redirect to
    the profile.
    """
    form = EmptyForm()
    user = me()
    if form.validate_on_submit():
        end_sessions(user, audit.SIGNED_OUT_ELSEWHERE)
        # Renew this session (and its remember-me cookie, if it had one) with the new token.
        remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
        login_user(user, remember=remember)
        flash(_("You have been signed out on all other devices."), "success")
    return htmx.redirect(url_for("people.profile", username=user.username))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """GET: the change-password page. POST: change it (ends the user's other sessions)."""
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        user = me()
        try:
            change_own_password(user, form.current.data, form.new.data)
        except AccountError as error:
            field = form.current if error.field == "current" else form.new
            field.errors.append(str(error))
            status = 422
        else:
            # The token changed: renew this session so only the others end.
            login_user(user)
            flash(_("Your password has been changed."), "success")
            return htmx.redirect(url_for("people.profile", username=user.username))
    elif request.method == "POST":
        status = 422
    return htmx.render("auth/password.html", partial="auth/_password_form.html", status=status, form=form)


@bp.route("/account/language", methods=["POST"])
def language():
    """POST: remember the chosen language (on the account, and in a cookie), then go back."""
    form = LanguageForm()
    form.language.choices = list(current_app.config["LANGUAGES"].items())
    back = safe_next(form.next.data or request.referrer and urlsplit(request.referrer).path,
                     url_for("home.index"))
    if not form.validate_on_submit():
        flash(_("Unknown language."), "error")
        return htmx.redirect(back)
    if current_user.is_authenticated:
        User.update(locale=form.language.data).where(User.id == current_user.id).execute()
    response = htmx.redirect(back)
    response.set_cookie(LANG_COOKIE, form.language.data, max_age=365 * 24 * 3600,
                        samesite="Lax", httponly=True)
    return response
