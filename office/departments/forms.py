"""Forms for the department tree."""
from flask_babel import lazy_gettext as _l
from office.forms import Form
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length


class DepartmentForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=60)])
    parent = SelectField(_l("Parent department"), coerce=int)


class DepartmentEditForm(DepartmentForm):
    head = SelectField(_l("Head"), coerce=int)
    handles_orders = BooleanField(_l("Works orders (with its sub-departments)"))
    sees_customer_data = BooleanField(_l("Sees customers' phones and addresses (each view audited)"))
