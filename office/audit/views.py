"""Views for /audit: the filterable, read-only trail (admins only)."""
from __future__ import annotations

import datetime as dt

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from peewee import JOIN
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional

from office import htmx
from office.access import admin_required
from office.audit import bp
from office.models import audit
from office.models.audit import AuditEvent
from office.models.people import User
from office.pagination import paginate

ACTION_LABELS = {
    audit.LOGIN: _l("Signed in"),
    audit.LOGIN_FAILED: _l("Failed sign-in"),
    audit.LOGOUT: _l("Signed out"),
    audit.PASSWORD_CHANGED: _l("Changed own password"),
    audit.PASSWORD_RESET: _l("Password reset by admin"),
    audit.USER_CREATED: _l("Account created"),
    audit.USER_UPDATED: _l("Account edited"),
    audit.ROLE_CHANGED: _l("Role changed"),
    audit.USER_DEACTIVATED: _l("Account deactivated"),
    audit.USER_REACTIVATED: _l("Account reactivated"),
    audit.DEPARTMENT_CREATED: _l("Department created"),
    audit.DEPARTMENT_UPDATED: _l("Department changed"),
    audit.DEPARTMENT_DELETED: _l("Department deleted"),
}


@bp.app_context_processor
def audit_labels():
    # The trail and every profile render events with the same words.
    return {"audit_labels": ACTION_LABELS}


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    who = StringField(_l("Person or subject"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


def filtered_events(action: str = "", who: str = "", since=None, until=None):
    """Events newest first with the actor joined; ``who`` matches actor names or the subject."""
    Actor = User.alias()
    query = (AuditEvent.select(AuditEvent, Actor)
             .join(Actor, JOIN.LEFT_OUTER, on=(AuditEvent.actor == Actor.id), attr="actor"))
    if action:
        query = query.where(AuditEvent.action == action)
    if who:
        query = query.where(Actor.display_name.contains(who) | Actor.username.contains(who)
                            | AuditEvent.subject.contains(who))
    if since:
        query = query.where(AuditEvent.created_at >= dt.datetime.combine(since, dt.time.min) - _utc_offset())
    if until:
        query = query.where(AuditEvent.created_at < dt.datetime.combine(until, dt.time.min)
                            + dt.timedelta(days=1) - _utc_offset())
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def _utc_offset() -> dt.timedelta:
    # Dates in the filter are local (the app's display zone); rows are stored in UTC.
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return zone.utcoffset(dt.datetime.now())


@bp.route("/")
@admin_required
def index():
    """GET: the trail with filters; ``#audit-results`` alone for htmx."""
    form = AuditFilterForm(request.args)
    form.action.choices = [("", _l("All actions"))] + list(ACTION_LABELS.items())
    form.validate()
    query = filtered_events(form.action.data or "", (form.who.data or "").strip(),
                            form.since.data, form.until.data)
    page = paginate(query, current_app.config["PAGE_SIZE"])
    return htmx.render("audit/index.html", partial="audit/_results.html",
                       form=form, page=page, labels=ACTION_LABELS)
