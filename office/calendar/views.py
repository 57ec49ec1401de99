"""Views for /calendar/: the month view every signed-in user may open, and the editor
(/calendar/edit and its four POSTs: admins only, 403 for others like every admin page).
Every change is a real form post answered with 303 (or HX-Redirect); a refused one re-renders
the editor with 422 and nothing saved. The rules are in office/calendar/calendars.py.
"""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from office import htmx
from office.access import admin_required, me
from office.calendar import calendars, pages
from office.calendar.calendars import CalendarError, ScheduleError
from office.models.calendar import HOLIDAY

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.route("/")
@login_required
def index():
    """A month of the office calendar (?month=2026-10)."""
    return htmx.render("calendar/index.html", **pages.month_page(pages.parse_month(request.args.get("month"))))


def _editor(status: int = 200, **context):
    year = pages.parse_year(request.values.get("year"))
    return htmx.render("calendar/edit.html", status=status, **pages.editor_page(year, **context))


def _back(year: int | None = None):
    year = year or pages.parse_year(request.values.get("year"))
    return htmx.redirect(url_for("calendar.edit", year=year))


@bp.route("/edit")
@admin_required
def edit():
    """The editor: working periods and weekdays, one year's holidays and make-up days, the import box."""
    return _editor()


@bp.route("/hours", methods=["POST"])
@admin_required
def save_hours():
    periods, workdays = request.form.get("periods", ""), request.form.getlist("workdays")
    try:
        calendars.save_hours(periods, workdays, by=me())
    except CalendarError as error:
        return _editor(422, periods=periods, workdays=workdays, errors={error.field: str(error)})
    flash(_("Working hours saved."), "success")
    return _back()


@bp.route("/days", methods=["POST"])
@admin_required
def add_day():
    new_day = {"day": request.form.get("day", "").strip(), "kind": request.form.get("kind", HOLIDAY),
               "name": request.form.get("name", "")}
    try:
        try:
            day = dt.date.fromisoformat(new_day["day"])
        except ValueError:
            raise CalendarError(_("Enter a date as YYYY-MM-DD."), "day") from None
        calendars.add_day(day, new_day["kind"], new_day["name"], by=me())
    except CalendarError as error:
        return _editor(422, new_day=new_day, errors={error.field: str(error)})
    flash(_("%(day)s added to the calendar.", day=day.isoformat()), "success")
    return _back(day.year)


@bp.route("/days/<int:day_id>/delete", methods=["POST"])
@admin_required
def remove_day(day_id: int):
    """Remove the date, or (with ``until``) the run of its holiday up to that date."""
    try:
        until = dt.date.fromisoformat(request.form.get("until", ""))
    except ValueError:
        until = None
    removed = calendars.remove_days(day_id, until, by=me())
    flash(_("%(count)d dates removed from the calendar.", count=removed), "success")
    return _back()


@bp.route("/import", methods=["POST"])
@admin_required
def import_days():
    text = request.form.get("schedule", "")
    try:
        lines = calendars.parse_schedule(text)
        report = calendars.import_schedule(text, by=me())
    except ScheduleError as error:
        return _editor(422, schedule=text, problems=error.problems)
    flash(_("Schedule imported: %(added)d dates added, %(changed)d changed, %(unchanged)d already there.",
            added=report.added, changed=report.changed, unchanged=report.unchanged), "success")
    return _back(lines[0].day.year)
