"""The CSV export of a mainline's nodes (/mainlines/<id>/export.csv), for members and directors
like every mainline URL (access.mainline_or_404).
"""
from __future__ import annotations

import csv
import io

from flask import Response
from flask_babel import gettext as _
from flask_login import login_required

from office.access import me
from office.mainlines import access, pages, queries
from office.mainlines.blueprint import bp


@bp.route("/<int:mainline_id>/export.csv")
@login_required
def export(mainline_id: int):
    """GET: every node as CSV (UTF-8 with BOM, so Excel opens Chinese correctly): phase, node, owner,
    department, due, status, started, done, planned and actual hours, over plan."""
    mainline = access.mainline_or_404(me(), mainline_id)
    board = pages.board(mainline)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Phase"), _("Node"), _("Owner"), _("Department"), _("Due date"), _("Status"),
                     _("Started"), _("Done"), _("Planned hours"), _("Actual hours"), _("Over plan (h)"),
                     _("Overdue")])
    labels = {"todo": _("To do"), "doing": _("In progress"), "done": _("Done")}
    for column in board.columns:
        for node in column.nodes:
            over = round(node.actual_hours - node.planned_hours, 1) if node.actual_hours is not None else ""
            writer.writerow([
                _cell(column.phase.name), _cell(node.title),
                _cell(node.owner.display_name) if node.owner_id else "",
                _cell(node.department.name) if node.department_id else "",
                node.due_date.isoformat() if node.due_date else "", labels.get(node.status, node.status),
                _local(node.started_at), _local(node.done_at), f"{node.planned_hours:g}",
                "" if node.actual_hours is None else f"{node.actual_hours:g}", over,
                _("yes") if queries.is_overdue(node, board.today) else "",
            ])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=mainline-{mainline.id}.csv"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _cell(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in Excel.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _local(moment) -> str:
    from office.i18n import short_datetime

    return short_datetime(moment) if moment else ""
