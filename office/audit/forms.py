"""The audit trail's filter form (GET, no CSRF)."""
from flask_babel import lazy_gettext as _l
from office.forms import Form
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    who = StringField(_l("Person or subject"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
