"""The style guide's sample form (/design): one field of every kind the app uses, never posted."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FileField,
    MultipleFileField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import DateTimeLocalField

from office.forms import Form


class SampleForm(Form):
    class Meta:
        csrf = False

    title = StringField(_l("Title"))
    department = SelectField(_l("Department"), choices=[SelectChoice("1", "运营推广部"), SelectChoice("2", "客服部")])
    due = DateField(_l("Due date"))
    remind_at = DateTimeLocalField(_l("Date and time"), format="%Y-%m-%dT%H:%M")
    note = TextAreaField(_l("Note"))
    photo = FileField(_l("Photo"))
    files = MultipleFileField(_l("Images and files"))
    urgent = BooleanField(_l("Urgent"))
    shop = StringField(_l("Shop"))
