"""The memo form: what to be reminded of, and when (a quick choice or an office-time date)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.fields import DateTimeLocalField
from wtforms.validators import DataRequired, Length, Optional

from office.forms import Form
from office.memos.delivery import TEXT_MAX, WHEN_CUSTOM, WHEN_HOUR, WHEN_TOMORROW

# What <input type="datetime-local"> sends (seconds only when the browser adds them).
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class MemoForm(Form):
    text = TextAreaField(_l("Remind me of"), validators=[DataRequired(), Length(max=TEXT_MAX)],
                         render_kw={"maxlength": TEXT_MAX, "rows": 2})
    when = SelectField(_l("When"), default=WHEN_HOUR, choices=lambda: [
        (WHEN_HOUR, _l("In 1 hour")), (WHEN_TOMORROW, _l("Tomorrow at 09:00")),
        (WHEN_CUSTOM, _l("At a time I choose"))])
    # Office time (BABEL_DEFAULT_TIMEZONE); used when "when" is custom.
    remind_at = DateTimeLocalField(_l("Date and time"), format=LOCAL_FORMATS, validators=[Optional()])
    post_id = HiddenField(validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here, not in validate_remind_at: Optional() stops that chain on an empty field.
        if self.when.data == WHEN_CUSTOM and self.remind_at.data is None and not self.remind_at.errors:
            self.remind_at.errors.append(_l("Choose a date and time."))
            valid = False
        return valid

    def post(self) -> int | None:
        value = (self.post_id.data or "").strip()
        return int(value) if value.isdigit() else None
