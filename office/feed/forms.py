"""Feed forms: the composer, editing, comments, and the feed filter."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from office.forms import Form
from office.models.feed import SCOPE_DEPARTMENTS, SCOPE_EVERYONE


class PostForm(Form):
    body = TextAreaField(_l("What's happening?"), validators=[Length(max=5000)])
    scope = SelectField(_l("Who can see it"), default=SCOPE_EVERYONE, choices=lambda: [
        (SCOPE_EVERYONE, _l("Everyone")), (SCOPE_DEPARTMENTS, _l("Chosen departments"))])
    departments = SelectMultipleField(_l("Departments"), coerce=int, validators=[Optional()])
    remind = StringField(_l("Remind (must read)"), validators=[Optional(), Length(max=500)])
    needs_confirmation = BooleanField(_l("Ask them to confirm reading"))
    files = MultipleFileField(_l("Images and files"))


class EditForm(Form):
    body = TextAreaField(_l("Text"), validators=[Length(max=5000)])


class CommentForm(Form):
    body = TextAreaField(_l("Comment"), validators=[Length(max=1000)])


class FeedFilterForm(Form):
    class Meta:
        csrf = False

    show = SelectField(_l("Show"), default="all", validators=[Optional()], choices=lambda: [
        ("all", _l("All")), ("mine", _l("Mine")), ("mentions", _l("Mentioning me")),
        ("department", _l("A department"))])
    department = SelectField(_l("Department"), coerce=int, default=0, validators=[Optional()])
    before = IntegerField(validators=[Optional()])


class SearchForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Search posts and comments"), validators=[Optional(), Length(max=100)])
    before = IntegerField(validators=[Optional()])
