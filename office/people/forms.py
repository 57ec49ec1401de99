"""Forms for user administration and the directory filter."""
from flask_babel import lazy_gettext as _l
from office.forms import Form
from wtforms import FileField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from office.models.people import ROLES

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "director": _l("Director"),
    "head": _l("Department head"),
    "staff": _l("Staff"),
}

# Mainland mobile numbers, or a landline such as 0571-88886666.
PHONE_PATTERN = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def role_choices():
    return [(role, ROLE_LABELS[role]) for role in ROLES]


class UserForm(Form):
    """The fields an admin edits inline on the user list."""

    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=40)])
    title = StringField(_l("Job title"), validators=[Optional(), Length(max=40)])
    department = SelectField(_l("Department"), coerce=int)
    # Least privilege unless the admin picks otherwise.
    role = SelectField(_l("Role"), choices=role_choices, default="staff")
    phone = StringField(_l("Mobile"), validators=[
        Optional(), Regexp(PHONE_PATTERN, message=_l("Enter an 11-digit mobile number or a landline."))],
        render_kw={"inputmode": "tel", "autocomplete": "off"})
    email = StringField(_l("Email"), validators=[
        Optional(), Length(max=120), Regexp(EMAIL_PATTERN, message=_l("Enter a valid email address."))],
        render_kw={"inputmode": "email", "autocomplete": "off"})


class UserCreateForm(UserForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(min=2, max=40),
        Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, dot, dash or underscore."))],
        render_kw={"autocapitalize": "none", "autocomplete": "off"})
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=128)],
                             render_kw={"autocomplete": "new-password"})


class PasswordResetForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=128)],
                             render_kw={"autocomplete": "new-password"})


class DirectoryFilterForm(Form):
    """GET filter: no CSRF, the values come from the query string."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=40)])
    department = SelectField(_l("Department"), coerce=int, validators=[Optional()])


class PhotoForm(Form):
    """One's profile photo; what the file may be is checked by office/people/photos.py."""

    photo = FileField(_l("Photo"))
