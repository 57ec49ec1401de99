"""Forms for notices: publishing, and the pin button."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from office.forms import Form
from office.notices.publishing import BODY_MAX, TITLE_MAX

AUDIENCE_EVERYONE = "everyone"
AUDIENCE_DEPARTMENTS = "departments"
# What <input type="datetime-local"> sends (seconds only when the browser adds them).
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (easier on a phone than a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NoticeForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)],
                        render_kw={"maxlength": TITLE_MAX})
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=BODY_MAX)], render_kw={"rows": 8})
    # A callable: WTForms 3.3 deprecates literal tuple choices.
    audience = RadioField(_l("Send to"), default=AUDIENCE_EVERYONE, choices=lambda: [
        (AUDIENCE_EVERYONE, _l("Everyone")), (AUDIENCE_DEPARTMENTS, _l("Chosen departments"))])
    # No Optional(): it would stop the chain before validate_departments runs.
    departments = MultiCheckboxField(_l("Departments"), coerce=int)
    is_pinned = BooleanField(_l("Pin to the top of the list"))
    needs_confirmation = BooleanField(_l("Ask readers to confirm they have read it"))
    # Local time of the office (BABEL_DEFAULT_TIMEZONE); the view converts it to UTC.
    expires_at = DateTimeLocalField(_l("Expires at (optional)"), format=LOCAL_FORMATS, validators=[Optional()])

    def validate_departments(self, field):
        if self.audience.data == AUDIENCE_DEPARTMENTS and not field.data:
            raise ValidationError(_l("Choose at least one department."))

    def chosen_departments(self) -> list[int]:
        """The departments to send to; none means everyone."""
        return list(self.departments.data or []) if self.audience.data == AUDIENCE_DEPARTMENTS else []


class PinForm(Form):
    """The pin/unpin button: it says which state it wants, so a double click is harmless."""

    pinned = StringField(validators=[Optional()])
