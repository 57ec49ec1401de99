"""Forms for work orders: opening one, and the list's filter. The actions on an order are plain
POSTs of ``action`` with a comment or reason (views.act), each checked by the engine."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from office.forms import Form
from office.workorders.engine import BODY_MAX, TITLE_MAX

# What <input type="datetime-local"> sends (seconds only when the browser adds them).
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewWorkOrderForm(Form):
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)],
                        render_kw={"maxlength": TITLE_MAX})
    body = TextAreaField(_l("Content and requirements"), validators=[Optional(), Length(max=BODY_MAX)],
                         render_kw={"rows": 6})
    assignee = SelectField(_l("Assignee"), coerce=int, validators=[Optional()])
    queue = SelectField(_l("Or a department's queue"), coerce=int, validators=[Optional()])
    departments = MultiCheckboxField(_l("Related departments"), coerce=int, validators=[Optional()])
    priority = SelectField(_l("Priority level"), validators=[DataRequired()])
    deadline = DateTimeLocalField(_l("Deadline (task orders)"), format=LOCAL_FORMATS, validators=[Optional()])
    order_no = StringField(_l("Order number (optional)"), validators=[Optional(), Length(max=64)])
    # "转为任务单": the post or mainline node it is turned from (checked again on submit).
    source_post = HiddenField()
    source_node = HiddenField()


class FilterForm(Form):
    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    # "Past due only" is a plain checkbox in the template (a BooleanField would read "" as unset anyway).
