"""Views for /people: the directory and profiles (everyone), user administration (admins).

Inline editing: a row (``_user_row.html``) swaps itself for its form
(``_user_row_form.html``) and back; without JavaScript the same URLs serve
full pages and answer POSTs with 303.
"""
from __future__ import annotations

import zlib

from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from peewee import JOIN

from office import htmx
from office.access import admin_required, me
from office.departments.tree import all_departments, choices, descendant_ids
from office.errors import toast
from office.forms import EmptyForm
from office.models.people import Department, User
from office.pagination import paginate
from office.people.accounts import AccountError, create_user, set_active, set_password, update_user
from office.people import photos
from office.people.forms import DirectoryFilterForm, PasswordResetForm, PhotoForm, UserCreateForm, UserForm
from office.people.queries import directory, recent_activity
from office.rules import NotFound
from office.uploads import PHOTO_ACCEPT, UploadError, send_stored

bp = Blueprint("people", __name__, url_prefix="/people")

AVATAR_TONES = 8


@bp.app_template_global()
def avatar_tone(name: str) -> int:
    """A stable colour (one of AVATAR_TONES classes) for a person without a photo: the same name
    gets the same colour on every page and every server, which Python's hash() would not give."""
    return zlib.crc32((name or "").encode()) % AVATAR_TONES


@bp.app_template_global()
def avatar_initials(name: str) -> str:
    """What an avatar without a photo shows: a Chinese name's given name as colleagues call it
    (陈嘉辉 → 嘉辉, 郑丽 → 郑丽), else the first two letters (admin → AD)."""
    name = (name or "?").strip() or "?"
    if "\u4e00" <= name[0] <= "\u9fff":
        return name[-2:]
    return name[:2].upper()


def _department_field(form, departments=None):
    form.department.choices = choices(_("(none)"), departments)


def _department_or_none(department_id: int) -> Department | None:
    return Department.get_or_none(Department.id == department_id) if department_id else None


def _get_user(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        abort(404)
    return user


def _filtered(include_inactive: bool):
    form = DirectoryFilterForm(request.args)
    departments = all_departments()
    form.department.choices = choices(_("All departments"), departments)
    form.validate()
    # The filter covers the chosen department and everything under it.
    department_ids = descendant_ids(form.department.data, departments) if form.department.data else None
    query = directory(form.q.data or "", department_ids, include_inactive=include_inactive)
    return form, paginate(query, current_app.config["PAGE_SIZE"]), departments


@bp.route("/")
@login_required
def index():
    """GET: the staff directory; ``#people-results`` alone for htmx (active search)."""
    form, page, _departments = _filtered(include_inactive=False)
    return htmx.render("people/index.html", partial="people/_directory_results.html", form=form, page=page)


@bp.route("/<username>")
@login_required
def profile(username: str):
    """GET: one person's profile; their account activity is shown to themselves and admins."""
    user = (User.select(User, Department).join(Department, attr="department", join_type=JOIN.LEFT_OUTER)
            .where(User.username == username).first())
    if user is None:
        abort(404)
    activity = None
    if current_user.id == user.id or current_user.is_admin:
        activity = list(recent_activity(user))
    return render_template("people/profile.html", person=user, activity=activity,
                           photo_form=PhotoForm(), photo_accept=PHOTO_ACCEPT)


def _photo_owner(username: str) -> User:
    """The person whose photo is being changed: oneself, or anyone for an admin (403 otherwise,
    checked before anything is read from the upload)."""
    user = User.get_or_none(User.username == username)
    if user is None:
        abort(404)
    if user.id != current_user.id and not current_user.is_admin:
        abort(403)
    return user


def _photo_done(user: User):
    # The admin's photo form sits on the user's edit page and returns there.
    if request.form.get("back") == "edit" and current_user.is_admin:
        return htmx.redirect(url_for("people.edit", user_id=user.id))
    return htmx.redirect(url_for("people.profile", username=user.username))


@bp.route("/<username>/photo")
@login_required
def photo(username: str):
    """GET: the person's profile photo (any signed-in colleague may see it; 404 without one).
    The avatar macro adds ``v=<stored name>``, so a new photo is a new URL and the old one may be
    cached."""
    user = User.get_or_none(User.username == username)
    if user is None or not user.photo:
        abort(404)
    try:
        return send_stored(user.photo, content_type=photos.content_type(user.photo),
                           download_name=f"{user.username}.{user.photo.rpartition('.')[2]}", is_image=True)
    except NotFound:
        abort(404)


@bp.route("/<username>/photo", methods=["POST"])
@login_required
def upload_photo(username: str):
    """POST (multipart): set one's own photo (an admin: anyone's). 303 back to the profile (or the
    edit page), with the reason flashed when the file is refused."""
    user = _photo_owner(username)
    form = PhotoForm()
    if form.validate_on_submit():
        try:
            photos.set_photo(user, form.photo.data)
        except UploadError as error:
            flash(str(error), "error")
        else:
            flash(_("Photo saved."), "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors) or _("Choose a picture first."), "error")
    return _photo_done(user)


@bp.route("/<username>/photo/remove", methods=["POST"])
@login_required
def remove_photo(username: str):
    """POST: back to initials; 303 to the profile (or the edit page)."""
    user = _photo_owner(username)
    if EmptyForm().validate_on_submit():
        photos.remove_photo(user)
        flash(_("Photo removed."), "success")
    return _photo_done(user)


@bp.route("/manage")
@admin_required
def manage():
    """GET: the user table with inline editing; ``#user-table`` alone for htmx filtering."""
    form, page, _departments = _filtered(include_inactive=True)
    return htmx.render("people/manage.html", partial="people/_user_table.html",
                       form=form, page=page)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def create():
    """GET: the new-user form. POST: create; 303 / HX-Redirect to the table, or 422 with errors."""
    form = UserCreateForm()
    _department_field(form)
    status = 200
    if form.validate_on_submit():
        try:
            user = create_user(
                form.username.data, form.password.data, display_name=form.display_name.data,
                role=form.role.data, department=_department_or_none(form.department.data),
                by=me(), title=form.title.data or "",
                phone=form.phone.data or "", email=form.email.data or "",
            )
        except AccountError as error:
            getattr(form, error.field or "username", form.username).errors.append(str(error))
            status = 422
        else:
            flash(_("Account %(name)s created.", name=user.username), "success")
            return htmx.redirect(url_for("people.manage"))
    elif request.method == "POST":
        status = 422
    return htmx.render("people/new.html", partial="people/_user_create_form.html", status=status, form=form)


@bp.route("/<int:user_id>/row")
@admin_required
def row(user_id: int):
    """GET: one table row (``#user-<id>``), used by the inline form's Cancel."""
    return render_template("people/_user_row.html", user=_get_user(user_id))


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(user_id: int):
    """GET: the inline form row (htmx) or the edit page. POST: save.

    A valid htmx POST returns the updated row and triggers ``user-updated``;
    an invalid one returns the form row with 422.
    """
    user = _get_user(user_id)
    form = UserForm(obj=user)
    _department_field(form)
    if request.method == "GET":
        form.department.data = user.department_id or 0
    status = 200
    if form.validate_on_submit():
        try:
            user = update_user(
                user, me(), display_name=form.display_name.data,
                title=form.title.data or "", phone=form.phone.data or "", email=form.email.data or "",
                department=_department_or_none(form.department.data), role=form.role.data,
            )
        except AccountError as error:
            getattr(form, error.field or "role", form.role).errors.append(str(error))
            status = 422
        else:
            if not htmx.is_partial():
                flash(_("Saved."), "success")
                return htmx.redirect(url_for("people.manage"))
            response = htmx.render("people/_user_row.html", user=User.get_by_id(user.id))
            return htmx.trigger(response, "user-updated", {"id": user.id})
    elif request.method == "POST":
        status = 422
    return htmx.render("people/edit.html", partial="people/_user_row_form.html", status=status,
                       form=form, user=user, password_form=PasswordResetForm(),
                       photo_form=PhotoForm(), photo_accept=PHOTO_ACCEPT)


def _set_active(user_id: int, active: bool):
    user = _get_user(user_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            user = set_active(user, active, by=me())
        except AccountError as error:
            if htmx.is_partial():
                return toast(str(error), 409)
            flash(str(error), "error")
    if htmx.is_partial():
        return render_template("people/_user_row.html", user=user)
    return htmx.redirect(url_for("people.manage"))


@bp.route("/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def deactivate(user_id: int):
    """POST: deactivate (history stays, sessions end). htmx gets the row, or a toast on refusal."""
    return _set_active(user_id, False)


@bp.route("/<int:user_id>/activate", methods=["POST"])
@admin_required
def activate(user_id: int):
    """POST: reactivate an account. htmx gets the row."""
    return _set_active(user_id, True)


@bp.route("/<int:user_id>/password", methods=["POST"])
@admin_required
def reset_password(user_id: int):
    """POST: an admin sets a new password (the user's sessions end); 303 back to the edit page."""
    user = _get_user(user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            set_password(user, form.password.data, by=me())
        except AccountError as error:
            flash(str(error), "error")
        else:
            flash(_("The password of %(name)s has been reset.", name=user.display_name), "success")
    else:
        flash(_("Enter the new password."), "error")
    return htmx.redirect(url_for("people.edit", user_id=user.id))
