"""Mainline forms: the mainline itself (blank or from a template), phases, nodes, members,
join requests, follow levels, saving as a template. Choices that depend on the
database are set by the views (as callables)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, FloatField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from office.forms import Form
from office.models.mainlines import FOLLOW_ALL, FOLLOW_KEY, FOLLOW_NONE, ROLE_MEMBER, ROLE_OWNER, ROLE_VIEWER


class MainlineForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=80)], render_kw={"maxlength": 80})
    event_date = DateField(_l("Event date"), validators=[DataRequired()])
    goal = TextAreaField(_l("Goal"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    # "" = blank with the default phases; otherwise a template key (double11, launch, saved-3).
    template = SelectField(_l("Start from"), default="", validators=[Optional()])


class EditMainlineForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=80)], render_kw={"maxlength": 80})
    event_date = DateField(_l("Event date"), validators=[DataRequired()])
    goal = TextAreaField(_l("Goal"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    status = SelectField(_l("Status"), choices=lambda: [
        ("active", _l("Active")), ("done", _l("Done")), ("cancelled", _l("Cancelled"))])


class PhaseForm(Form):
    name = StringField(_l("Phase name"), validators=[DataRequired(), Length(max=40)], render_kw={"maxlength": 40})


class TemplateForm(Form):
    name = StringField(_l("Template name"), validators=[DataRequired(), Length(max=80)], render_kw={"maxlength": 80})
    description = StringField(_l("Description"), validators=[Optional(), Length(max=200)])


class NodeForm(Form):
    title = StringField(_l("Node"), validators=[DataRequired(), Length(max=80)], render_kw={"maxlength": 80})
    phase = SelectField(_l("Phase"), coerce=int)
    # "u<id>" a person, "d<id>" a department (its head assigns), "" nobody yet.
    owner = SelectField(_l("Owner"), default="", validators=[Optional()])
    planned_hours = FloatField(_l("Planned hours"), default=0,
                               validators=[Optional(), NumberRange(min=0, max=10000)])
    due_date = DateField(_l("Due date"), validators=[Optional()])
    depends_on = SelectMultipleField(_l("Waits for"), coerce=int, validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})


class AssignForm(Form):
    owner = SelectField(_l("Give it to"), coerce=int)


class InviteForm(Form):
    # Usernames or display names, separated by spaces, commas or 、 (like the feed's remind field).
    people = StringField(_l("Colleagues"), validators=[DataRequired(), Length(max=500)])
    role = SelectField(_l("Role"), default=ROLE_MEMBER, choices=lambda: [
        (ROLE_MEMBER, _l("member")), (ROLE_VIEWER, _l("viewer"))])


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=lambda: [
        (ROLE_OWNER, _l("owner")), (ROLE_MEMBER, _l("member")), (ROLE_VIEWER, _l("viewer"))])


class FollowForm(Form):
    follow = SelectField(_l("Notify me of"), default=FOLLOW_KEY, choices=lambda: [
        (FOLLOW_ALL, _l("Everything")), (FOLLOW_KEY, _l("Mentions and decisions")), (FOLLOW_NONE, _l("Nothing"))])


class JoinForm(Form):
    message = StringField(_l("Message to the owner"), validators=[Optional(), Length(max=200)])
