"""The canned reply form (title, wording, kind, department, keywords) and the list's filter."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from office.forms import Form
from office.replies.library import BODY_MAX, KIND_LABELS, TAGS_MAX, TITLE_MAX
from office.replies.queries import MAX_QUERY


def kind_choices(blank_label=None) -> list[tuple[str, str]]:
    choices = [(kind, label) for kind, label in KIND_LABELS.items()]
    return ([("all", blank_label)] if blank_label is not None else []) + choices


class ReplyForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)],
                        render_kw={"maxlength": TITLE_MAX, "autocomplete": "off"})
    body = TextAreaField(_l("Reply"), validators=[DataRequired(), Length(max=BODY_MAX)],
                         render_kw={"rows": 7, "maxlength": BODY_MAX})
    # Choices are checked by the rule and the view, with messages clearer than WTForms' own.
    kind = SelectField(_l("Used for"), choices=kind_choices, default="", validate_choice=False)
    # Filled per editor by the view: the departments they may file under (0: the whole company).
    department = SelectField(_l("Who may use it"), coerce=int, validate_choice=False)
    tags = StringField(_l("Keywords"), validators=[Optional(), Length(max=TAGS_MAX)],
                       render_kw={"maxlength": TAGS_MAX, "autocomplete": "off"})


class ReplyFilterForm(Form):
    """GET filter: no CSRF, the values come from the query string."""

    class Meta:
        csrf = False

    q = StringField(_l("Search replies"), validators=[Optional(), Length(max=MAX_QUERY)])
    kind = SelectField(_l("Used for"), default="all", validate_choice=False,
                       choices=lambda: kind_choices(_l("Every kind")))
    department = SelectField(_l("Department"), default="", validate_choice=False)
