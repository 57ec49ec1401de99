"""Forms for signing in and the user's own account."""
from flask_babel import lazy_gettext as _l
from office.forms import Form
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class PasswordChangeForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired()],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=128)],
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class LanguageForm(Form):
    language = SelectField(_l("Language"))
    next = HiddenField()
