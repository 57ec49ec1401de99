"""The Excel export of a work-order list: the rows of a tab with its filters (the same query
and visibility rule as the page, office/workorders/queries.py, capped at EXPORT_CAP) with each
order's clocks in working hours, and the workbook built from them. Plain functions of a user
and the list's arguments, so a background job could write the file as well as a view.
Imports models, office.clock, office.workhours and the work-order queries and clocks (no web
module: the labels are passed in).
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from office import clock, workhours
from office.models.base import utcnow
from office.models.people import User
from office.models.workorders import STATUS_PAUSED, WorkOrder
from office.workorders import queries, sla

EXPORT_CAP = 10_000
# A text starting with one of these (or a tab / CR) would run as a formula in Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """A text Excel would read as a formula, prefixed with ' so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def local(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored (naive UTC) time as naive office time, for the spreadsheet."""
    if moment is None:
        return None
    return clock.local(moment).replace(tzinfo=None)


@dataclass
class ExportRow:
    order: WorkOrder
    response_hours: float | None
    resolve_hours: float | None
    paused_hours: float
    response_breached: bool
    resolve_breached: bool


def _hours(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def measure(order: WorkOrder, now: dt.datetime) -> ExportRow:
    """One order's clocks: working hours to first response and to resolution (time paused left
    out of the resolution), working hours paused (a pause still running counted to now), and
    whether each clock was or is past due."""
    calendar, zone = sla.calendar_for(order.kind), clock.zone()
    paused = order.paused_seconds + (sla.paused_working_seconds(order, now) if order.status == STATUS_PAUSED else 0)
    response = None
    if order.first_response_at is not None:
        response = workhours.working_seconds(order.created_at, order.first_response_at, calendar, zone)
    ended = order.resolved_at or order.closed_at
    resolve = None
    if ended is not None:
        resolve = max(workhours.working_seconds(order.created_at, ended, calendar, zone) - order.paused_seconds, 0)
    # A running order is judged now; a paused one when it was paused and an ended one when it
    # ended (their clocks do not run).
    at = order.paused_at or ended or now
    response_breached = order.response_due_at is not None and (order.first_response_at or at) > order.response_due_at
    resolve_breached = order.resolve_due_at is not None and (ended or at) > order.resolve_due_at
    return ExportRow(order, _hours(response), _hours(resolve), _hours(paused) or 0.0,
                     response_breached, resolve_breached)


def rows(tab: str, user: User, kind: str | None = None, status: str | None = None, breached: bool = False,
         now: dt.datetime | None = None) -> list[ExportRow]:
    """The tab's orders for ``user`` as filtered (ValueError for a tab the user may not open),
    up to EXPORT_CAP: one query (the calendar is read once a request)."""
    now = now or utcnow()
    found = queries.tab_list(tab, user, kind, status, breached, now=now).limit(EXPORT_CAP)
    return [measure(order, now) for order in found]


def headers() -> list[str]:
    return [_("Work order number"), _("Kind"), _("Title"), _("Status"), _("Priority level"), _("Requester"), _("Assignee"),
            _("Queue department"), _("Created at"), _("First response due"), _("First responded at"),
            _("First response time (working hours)"), _("Resolution due"), _("Resolved at"),
            _("Resolution time (working hours)"), _("Time paused (working hours)"),
            _("First response breached"), _("Resolution breached"), _("Closed reason")]


def workbook(sheet_name: str, found: list[ExportRow], kind_labels: dict, status_labels: dict,
             priority_labels: dict) -> io.BytesIO:
    """The rows as an .xlsx (write-only: memory stays flat for thousands of rows). The labels
    come from the caller (office/workorders/pages.py is a web module this one may not import)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    bold = Font(bold=True)
    header_cells = []
    for text in headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    # Translated once, not per row.
    kinds = {k: str(v) for k, v in kind_labels.items()}
    statuses = {k: str(v) for k, v in status_labels.items()}
    priorities = {k: str(v) for k, v in priority_labels.items()}
    yes, no = _("Yes"), _("No")
    for row in found:
        o = row.order
        assignee = o.assignee.display_name if o.assignee_id and o.assignee and o.assignee.id else ""
        queue = o.queue.name if o.queue_id and o.queue and o.queue.id else ""
        sheet.append([
            safe(o.number), kinds.get(o.kind, o.kind), safe(o.title), statuses.get(o.status, o.status),
            priorities.get(o.priority, o.priority), safe(o.requester.display_name), safe(assignee), safe(queue),
            local(o.created_at), local(o.response_due_at), local(o.first_response_at), row.response_hours,
            local(o.resolve_due_at), local(o.resolved_at or o.closed_at), row.resolve_hours, row.paused_hours,
            yes if row.response_breached else no, yes if row.resolve_breached else no, safe(o.close_reason)])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out
