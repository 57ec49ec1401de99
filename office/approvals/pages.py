"""Page contexts of approvals: the filing form (``form_context``: the template's fields, the
route it would take, the choice lists) and one request's section (``request_context``, which
the request's page, its actions and the live stream's redraw of #approval-<id> all use).
Reads models and the approval rules; never views, tasks or ``flask.request``.
"""
from __future__ import annotations

import json
from collections import defaultdict

from flask_babel import gettext as _
from peewee import JOIN

from office.approvals import engine, leave
from office.approvals.fields import ATTACHMENT, DEPARTMENT, PERSON, FieldErrors, FieldSpec, clean, display
from office.approvals.routing import FREE
from office.clock import office_date
from office.departments.tree import choices as department_choices
from office.mainlines.access import visible_mainlines
from office.models.approvals import (
    FREE_APPROVERS,
    PENDING,
    RETURNED,
    ApprovalAction,
    ApprovalAssignment,
    ApprovalCc,
    ApprovalFile,
    ApprovalRequest,
    ApprovalStep,
    ApprovalTemplate,
)
from office.models.mainlines import Mainline
from office.models.people import Department, User
from office.uploads import ACCEPT

# Form keys of the request itself; field names start with a letter (fields.NAME_RE), so these
# never collide with a template's fields.
TITLE, CC_NAMES, MAINLINE, APPROVER = "_title", "_cc", "_mainline", "_approver"
FORM_ERROR = "_form"  # a refusal that belongs to no one field (e.g. a step that reaches nobody)


def as_id(value) -> int:
    """An id as a form sends it or a field stores it; 0 when it is not a number."""
    try:
        return int(str(value or "").strip())
    except ValueError:
        return 0


# ---------------------------------------------------------------------------------------------
# The filing form: colleagues by department, departments, the route it would take.

def people_groups() -> list[tuple[str, list[tuple[int, str]]]]:
    """Active colleagues grouped by department (one query), for person selects; those without a
    department come last."""
    rows = (User.select(User.id, User.display_name, User.department, Department.name)
            .join(Department, JOIN.LEFT_OUTER, on=(User.department == Department.id))
            .where(User.is_active)
            .order_by(Department.position, Department.name, User.initials, User.display_name, User.id)
            .dicts())
    groups: dict[str, list[tuple[int, str]]] = {}
    loose: list[tuple[int, str]] = []
    for row in rows:
        if row["department"] is None:
            loose.append((row["id"], row["display_name"]))
        else:
            groups.setdefault(row["name"], []).append((row["id"], row["display_name"]))
    result = list(groups.items())
    if loose:
        result.append((_("No department"), loose))
    return result


def active_person(value) -> User | None:
    """The active colleague a form's value names, or None."""
    user_id = as_id(value)
    return User.get_or_none((User.id == user_id) & User.is_active) if user_id else None


def has_free_step(template: ApprovalTemplate) -> bool:
    """Whether the initiator chooses an approver when filing ``template``."""
    return any(step.kind == FREE for step in engine.template_route(template))


def values_that_clean(specs: list[FieldSpec], raw) -> dict:
    """The fields that are valid so far, one by one: a half-filled form still previews the steps
    its amount or days add (a whole-form clean would fail until every required field is in)."""
    data: dict = {}
    for spec in specs:
        if spec.type == ATTACHMENT:
            continue
        try:
            data.update(clean([spec], raw))
        except FieldErrors:
            pass
    return data


def form_context(template: ApprovalTemplate, values, errors: dict, user, *, approval=None,
                 kept_files=None) -> dict:
    """Everything approvals/new_form.html (and resubmit.html, filing ``approval`` again) needs:
    the template's fields with ``values`` and ``errors``, the route the valid values take so far, and the
    choice lists the fields use."""
    specs = engine.template_fields(template)
    has_free = has_free_step(template)
    needs_people = has_free or any(spec.type == PERSON for spec in specs)
    chosen = active_person(values.get(APPROVER)) if has_free else None
    counted = leave.with_days(template.key, specs, values)
    route = engine.preview(template, user, values_that_clean(specs, counted), chosen)
    return {
        "form_template": template,  # not "template": htmx.render's first parameter
        "specs": specs,
        "values": values,
        "errors": errors,
        "people": people_groups() if needs_people else [],
        "departments": department_choices() if any(s.type == DEPARTMENT for s in specs) else [],
        "has_free": has_free,
        "route": route,
        "accept": ACCEPT,
        "approval": approval,
        "kept_files": kept_files or {},
        "TITLE": TITLE, "CC_NAMES": CC_NAMES, "MAINLINE": MAINLINE, "APPROVER": APPROVER,
        "FORM_ERROR": FORM_ERROR,
        "leave": leave_form(template, specs, values, errors, user),
    }


def leave_form(template: ApprovalTemplate, specs: list[FieldSpec], values, errors: dict, user) -> dict | None:
    """For the 请假 form (approvals/_leave_summary.html, in place of a days box): the days its
    dates take, counted by the server, and the filer's balance of the chosen type in the year
    the leave starts (this year while no date is chosen). None for every other form."""
    if not leave.applies(template.key, specs):
        return None
    dates = leave.dates_of(specs, values)
    days = leave.working_days(*dates) if dates else None
    leave_type = str(values.get(leave.TYPE_FIELD) or "")
    year = dates[0].year if dates else office_date().year
    return {
        "dates": dates,
        "days": days,
        "leave_type": leave_type,
        "balance": leave.balance(user.id, leave_type, year) if leave_type else None,
        "error": errors.get(leave.DAYS_FIELD),
    }


def leave_request(approval: ApprovalRequest, specs: list[FieldSpec], data: dict, user, assignments) -> dict | None:
    """For a 请假 request's summary: its type, dates and days, and (to its initiator and its
    approvers only: a colleague cc'd reads the request, not the person's leave) the balance of
    that type in the year it starts, with this request's days apart from other pending ones."""
    if not leave.applies(approval.template.key, specs):
        return None
    taken = leave.leave_of(data)
    if taken is None:
        return None
    leave_type, first, last, days = taken
    may_see = user.id == approval.initiator_id or any(a.user_id == user.id for a in assignments)
    excluding = approval.id if approval.status == PENDING else None
    return {
        "leave_type": leave_type,
        "first": first,
        "last": last,
        "days": days,
        "calendar_days": (last - first).days + 1,
        "balance": leave.balance(approval.initiator_id, leave_type, first.year, excluding=excluding)
        if may_see and leave_type else None,
        "is_pending": approval.status == PENDING,
    }


# ---------------------------------------------------------------------------------------------
# One request.

class Viewer:
    """What the viewer may do on the request's page (the engine checks again on every action)."""

    def __init__(self, user, approval, template, assignments, positions: dict[int, int]):
        self.user = user
        self.is_initiator = approval.initiator_id == user.id
        self.my_open = None
        if approval.status == PENDING:
            self.my_open = next((a for a in assignments if a.user_id == user.id and a.is_open
                                 and positions.get(a.step_id) == approval.current_step), None)
        self.can_pass_on = self.my_open is not None and template.free_routing == FREE_APPROVERS
        self.can_withdraw = self.is_initiator and approval.status in (PENDING, RETURNED)
        self.can_urge = self.is_initiator and approval.status == PENDING
        self.can_resubmit = self.is_initiator and approval.status == RETURNED
        self.can_cc = self.is_initiator or any(a.user_id == user.id for a in assignments)


def request_context(user, approval: ApprovalRequest) -> dict:
    """Everything approvals/_request.html needs for ``user``: the fields as shown (files as
    links), the steps with their approvers, the history oldest first, the people cc'd and the
    actions ``user`` may take. A fixed number of queries, however long the history."""
    template = approval.template
    specs = engine.template_fields(template)
    data = json.loads(approval.data or "{}")

    files = list(ApprovalFile.select().where(ApprovalFile.request == approval.id).order_by(ApprovalFile.id))
    files_by_id = {f.id: f for f in files}
    files_by_action: dict[int, list[ApprovalFile]] = defaultdict(list)
    for f in files:
        if f.action_id:
            files_by_action[f.action_id].append(f)

    names: dict[int, str] = {}
    person_ids = {as_id(data.get(s.name)) for s in specs if s.type == PERSON and data.get(s.name)}
    if person_ids:
        names.update(User.select(User.id, User.display_name).where(User.id.in_(list(person_ids))).tuples())
    department_ids = {as_id(data.get(s.name)) for s in specs if s.type == DEPARTMENT and data.get(s.name)}
    department_names: dict[int, str] = {}
    if department_ids:
        department_names.update(Department.select(Department.id, Department.name)
                                .where(Department.id.in_(list(department_ids))).tuples())
    field_rows = []
    for spec in specs:
        value = data.get(spec.name)
        if spec.type == ATTACHMENT:
            shown = [files_by_id[i] for i in (as_id(v) for v in value or []) if i in files_by_id]
            field_rows.append({"spec": spec, "text": "", "files": shown})
        else:
            lookup = department_names if spec.type == DEPARTMENT else names
            field_rows.append({"spec": spec, "text": display(spec, value, lookup), "files": []})

    steps = list(ApprovalStep.select().where(ApprovalStep.request == approval.id).order_by(ApprovalStep.position))
    Approver, Behalf = User.alias(), User.alias()
    assignments = list(
        ApprovalAssignment.select(ApprovalAssignment, Approver.id, Approver.display_name, Behalf.id,
                                  Behalf.display_name)
        .join(Approver, on=(ApprovalAssignment.user == Approver.id), attr="user")
        .switch(ApprovalAssignment)
        .join(Behalf, JOIN.LEFT_OUTER, on=(ApprovalAssignment.on_behalf_of == Behalf.id), attr="on_behalf_of")
        .where(ApprovalAssignment.request == approval.id)
        .order_by(ApprovalAssignment.id))
    by_step: dict[int, list[ApprovalAssignment]] = defaultdict(list)
    for assignment in assignments:
        by_step[assignment.step_id].append(assignment)

    Actor, Target, Stand = User.alias(), User.alias(), User.alias()
    history = list(
        ApprovalAction.select(ApprovalAction, Actor.id, Actor.display_name, Target.id, Target.display_name,
                              Stand.id, Stand.display_name)
        .join(Actor, JOIN.LEFT_OUTER, on=(ApprovalAction.actor == Actor.id), attr="actor")
        .switch(ApprovalAction)
        .join(Target, JOIN.LEFT_OUTER, on=(ApprovalAction.target == Target.id), attr="target")
        .switch(ApprovalAction)
        .join(Stand, JOIN.LEFT_OUTER, on=(ApprovalAction.on_behalf_of == Stand.id), attr="on_behalf_of")
        .where(ApprovalAction.request == approval.id)
        .order_by(ApprovalAction.id))
    for action in history:
        action.attached = files_by_action.get(action.id, [])

    ccs = list(User.select(User.id, User.display_name).join(ApprovalCc, on=(ApprovalCc.user == User.id))
               .where(ApprovalCc.request == approval.id).order_by(ApprovalCc.id))
    mainline = None
    if approval.mainline_id:
        mainline = visible_mainlines(user, Mainline.select(Mainline.id, Mainline.title)).where(
            Mainline.id == approval.mainline_id).first()
    viewer = Viewer(user, approval, template, assignments, {step.id: step.position for step in steps})
    return {
        "leave": leave_request(approval, specs, data, user, assignments),
        "approval": approval,
        "approval_template": template,  # not "template": htmx.render's first parameter
        "field_rows": field_rows,
        "steps": [(step, by_step.get(step.id, [])) for step in steps],
        "history": history,
        "ccs": ccs,
        "mainline": mainline,
        "viewer": viewer,
        "people": people_groups() if viewer.my_open else [],
        "accept": ACCEPT,
    }
