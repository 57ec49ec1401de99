"""Views for the approval lists: 待我审批 / 我发起的 / 抄送我的 / 已处理 with their counts and
filters, deciding from the list in two taps (同意 / 驳回, then 确认), and the Excel export.

The lists hold only requests the user is involved in (office/approvals/queries.py); a quick
decision on a request the user may not see is a 404, pages and partials alike.
"""
from __future__ import annotations

import datetime as dt
import io

from flask import abort, flash, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from office import access, htmx
from office.approvals import engine, queries
from office.approvals.blueprint import STATUS_LABELS, TAB_LABELS, bp
from office.approvals.engine import ApprovalError
from office.approvals.fields import ATTACHMENT, display
from office.errors import toast
from office.forms import Form
from office.models.approvals import ApprovalRequest, ApprovalTemplate
from office.models.base import utcnow
from tasks import notify as notify_tasks

APPROVE, REJECT = DECISIONS = ("approve", "reject")
# The list table's columns (templates/macros/table.html), in the order approvals/_row_summary.html and
# _row.html write their cells.
COLUMNS = {
    "title": _l("Title"),
    "form": _l("Form"),
    "initiator": _l("Initiator"),
    "submitted": _l("Submitted at"),
    "status": _l("Status"),
    "step": _l("Current step"),
    "key": _l("Key field"),
    "actions": _l("Actions"),
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ListFilterForm(Form):
    class Meta:
        csrf = False

    template = SelectField(_l("Form"), validators=[Optional()])
    since = DateField(_l("Submitted from"), validators=[Optional()])
    until = DateField(_l("Submitted until"), validators=[Optional()])


class QuickDecisionForm(Form):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=engine.COMMENT_MAX)])


def _deliver(ids) -> None:
    # After the engine's transaction has committed: a channel failure cannot undo the decision.
    if ids:
        notify_tasks.deliver_notifications(ids)


def _tab(values) -> str:
    tab = values.get("tab")
    return tab if tab in queries.TABS else queries.PENDING_TAB


def _filters(values) -> tuple[ListFilterForm, dict, dict]:
    """The filter form read from ``values`` (bad dates and unknown forms are ignored); the
    arguments that keep the filter in links (tabs, paging, export, quick decisions); and every
    form's field specs by template id, for the rows' key field (one query serves both)."""
    templates = list(ApprovalTemplate.select(ApprovalTemplate.id, ApprovalTemplate.key, ApprovalTemplate.name,
                                             ApprovalTemplate.fields)
                     .order_by(ApprovalTemplate.position, ApprovalTemplate.id))
    form = ListFilterForm(values)
    form.template.choices = [("", _l("All forms"))] + [(t.key, t.name) for t in templates]
    form.validate()
    args = {}
    if form.template.data and not form.template.errors:
        args["template"] = form.template.data
    for name in ("since", "until"):
        value = getattr(form, name).data
        if value and not getattr(form, name).errors:
            args[name] = value.isoformat()
    return form, args, {t.id: queries.parse_specs(t.fields) for t in templates}


def _criteria(args: dict) -> dict:
    return {"template": args.get("template"),
            "since": dt.date.fromisoformat(args["since"]) if "since" in args else None,
            "until": dt.date.fromisoformat(args["until"]) if "until" in args else None}


def _list_context(with_counts: bool) -> dict:
    me = access.me()
    tab = _tab(request.args)
    form, args, specs = _filters(request.args)
    before = request.args.get("before", type=int)
    found = list(queries.tab_list(tab, me, before=before, limit=queries.PAGE_SIZE + 1, **_criteria(args)))
    shown = found[:queries.PAGE_SIZE]
    return {
        "tab": tab, "filter_form": form, "filter_args": args, "before": before,
        "rows": queries.rows(shown, specs),
        "next_before": shown[-1].id if len(found) > queries.PAGE_SIZE else None,
        "counts": queries.counts(me) if with_counts else None,
        # The stream keeps the filter, so the tabs it redraws (live.fragments) keep it too.
        "live_args": {"view": "approvals", "tab": tab, **args},
        # Translated once for the page's 30 rows (lazy strings translate at every use).
        "approval_status_labels": {key: str(label) for key, label in STATUS_LABELS.items()},
        "approval_columns": {key: str(label) for key, label in COLUMNS.items()},
    }


@bp.route("/")
@login_required
def index():
    """GET ?tab=pending|mine|cc|done&template=&since=&until=&before=: one of the four lists,
    30 a page, newest first, with the tabs' counts (``#approval-counts``).

    htmx aimed at ``#approval-list`` (filters, paging) gets the list alone; any other htmx
    request (the tabs) gets ``#approvals-body``: tabs with counts, filters and list. The
    query count does not grow with rows: the session user, the forms for the filter, the
    counts (one query), one page with template, initiator and current step joined, and the
    page shell's two (unread badge, live cursor).
    """
    list_only = htmx.is_partial() and htmx.target() == "approval-list"
    context = _list_context(with_counts=not list_only)
    return htmx.render("approvals/index.html",
                       partial="approvals/_list.html" if list_only else "approvals/_list_body.html", **context)


def _request_or_404(request_id: int) -> ApprovalRequest:
    found = queries.requests_with_names().where(ApprovalRequest.id == request_id).first()
    # 404, not 403: a request one may not see does not exist for them.
    if found is None or not engine.can_see(access.me(), found):
        abort(404)
    return found


@bp.route("/<int:request_id>/quick", methods=["GET", "POST"])
@login_required
def quick(request_id: int):
    """GET ?decision=approve|reject: the confirm form, in the row (``#approval-row-<id>``) for
    htmx, a small page otherwise; without a decision, htmx gets the row back (cancel).

    POST decision, comment (required to reject): engine.approve / engine.reject. htmx: an
    empty body that removes the row, the counts (``#approval-counts``) and a toast out of
    band, and the ``approval-decided`` event; otherwise 303 to 待我审批. Invalid: the form
    with 422. Refused by the engine (no longer one's turn, already decided): 422, a toast
    for htmx, the page with the message otherwise.
    """
    found = _request_or_404(request_id)
    _form, args, specs = _filters(request.values)
    decision = request.values.get("decision")
    if decision not in DECISIONS:
        if request.method == "POST":
            abort(400)
        if htmx.is_partial():
            return htmx.render("approvals/_row.html", row=queries.rows([found], specs)[0], tab=queries.PENDING_TAB,
                               filter_args=args, approval_columns=COLUMNS)
        return htmx.redirect(url_for("approvals.index", **args))
    form = QuickDecisionForm() if request.method == "POST" else QuickDecisionForm(formdata=None)
    form.comment.label.text = _("Comment (optional)") if decision == APPROVE else _("Reason for rejecting (required)")
    status, problem = 200, None
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            comment = (form.comment.data or "").strip()
            if decision == REJECT and not comment:
                form.comment.errors.append(_("Say why you reject it."))
            else:
                try:
                    decide = engine.approve if decision == APPROVE else engine.reject
                    outcome = decide(found.id, access.me(), comment)
                except ApprovalError as error:
                    if error.field == "comment":
                        form.comment.errors.append(str(error))
                    elif htmx.is_htmx():
                        return toast(str(error), 422)
                    else:
                        problem = str(error)
                else:
                    _deliver(outcome.notification_ids)
                    message = (_("Approved: %(title)s", title=found.title) if decision == APPROVE
                               else _("Rejected: %(title)s", title=found.title))
                    if htmx.is_partial():
                        response = htmx.render("approvals/_row_decided.html", message=message,
                                               counts=queries.counts(access.me()), tab=queries.PENDING_TAB,
                                               filter_args=args)
                        return htmx.trigger(response, "approval-decided", {"id": found.id})
                    flash(message, "success")
                    return htmx.redirect(url_for("approvals.index", **args))
    return htmx.render("approvals/quick.html", partial="approvals/_row_confirm.html", status=status,
                       row=queries.rows([found], specs)[0], decision=decision, form=form, problem=problem,
                       filter_args=args, approval_columns=COLUMNS)


def _cell(value):
    # A text starting with = + - @ (or a tab / CR) would run as a formula in Excel.
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@bp.route("/export.xlsx")
@login_required
def export():
    """GET ?tab=&template=&since=&until=: the filtered list, every page up to 10,000 requests, as
    an Excel workbook: one row per request with its steps and each step's cycle time in hours
    (finished − started, or until now for the step waiting for decisions), and the key field;
    filtered to one form, every field of that form too. Texts that Excel would run as a formula
    are prefixed with '."""
    me = access.me()
    tab = _tab(request.args)
    _form, args, _specs = _filters(request.args)
    now = utcnow()
    found, template_specs = queries.export_rows(tab, me, **_criteria(args))
    width = max((len(row.steps) for row in found), default=0)
    # Filtered to one form: every field of it gets a column too (a mixed list has only the key field).
    specs = [s for s in template_specs.get(found[0].request.template_id, []) if s.type != ATTACHMENT] if (
        found and args.get("template")) else []
    names = queries.field_names(specs, [row.data for row in found]) if specs else {}

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(TAB_LABELS[tab]))
    bold = Font(bold=True)
    headers = [_("ID"), _("Form"), _("Title"), _("Initiator"), _("Status"), _("Submitted at"), _("Decided at"),
               _("Total cycle time (hours)"), _("Key field"), _("Key value")] + [_cell(spec.label) for spec in specs]
    for n in range(1, width + 1):
        headers += [_("Step %(n)d", n=n), _("Step %(n)d time (hours)", n=n)]
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)

    statuses = {key: str(label) for key, label in STATUS_LABELS.items()}  # translated once, not per row
    # Plain values: openpyxl gives datetimes a date format itself, and styled cells cost more per row.
    for row in found:
        r = row.request
        label, value = row.key or ("", "")
        cells = [r.id, _cell(r.template.name), _cell(r.title), _cell(r.initiator.display_name),
                 statuses.get(r.status, r.status), queries.local(r.submitted_at), queries.local(r.decided_at),
                 queries.hours(r.submitted_at, r.decided_at or now), _cell(label), _cell(value)]
        cells += [_cell(display(spec, row.data.get(spec.name), names.get(spec.type))) for spec in specs]
        for step in row.steps:
            cells += [_cell(step.name), queries.step_hours(step, now)]
        sheet.append(cells)

    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    name = f"approvals-{tab}-{queries.local(now):%Y%m%d}.xlsx"
    response = send_file(out, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
