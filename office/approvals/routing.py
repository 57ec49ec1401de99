"""Approval routing, who decides (not URL routes): a form's route of ordered steps, each with
its approvers and all-of (会签) / any-of (或签), conditions on field values that keep or skip a
step, free steps whose approver is chosen when the request is filed, and out-of-office
delegation resolved at that moment.

``resolve`` turns a template's route into the people who will decide, for one initiator
and one set of field values; the submit form shows it first ("preview"), warning about any
step that would reach nobody. Imports models and office.approvals.fields; never views or
flask.request.
"""
from __future__ import annotations

import datetime as dt
import operator
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from office.approvals.fields import DATE, DATERANGE, LIST_TYPES, MONEY, NUMBER, FieldSpec, spec_named, value_of
from office.models.approvals import MODE_ALL, MODE_ANY, Delegation
from office.models.people import ROLE_DIRECTOR, ROLES, Department, User
from office.rules import RuleError

# Who approves a step.
USERS = "users"  # named people
ROLE = "role"  # everyone with a role (admin, director, head)
INITIATOR_HEAD = "initiator_head"  # the head of the initiator's department (the parent's, for a head)
DEPARTMENT_HEAD = "department_head"  # the head of a named department
DIRECTORS = "directors"
FREE = "free"  # chosen by the initiator when filing (free routing)
APPROVER_KINDS = (USERS, ROLE, INITIATOR_HEAD, DEPARTMENT_HEAD, DIRECTORS, FREE)

OPERATORS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq,
             "!=": operator.ne}


class RouteError(RuleError):
    default_field = "route"


@dataclass
class Condition:
    """Keep the step only when ``field op value`` holds (e.g. amount > 5000)."""

    field: str
    op: str
    value: str

    def holds(self, specs: list[FieldSpec], data: dict) -> bool:
        try:
            actual = value_of(specs, data, self.field)
        except KeyError:  # the field was removed from the form since the route was written
            return False
        if actual is None:
            return False
        if isinstance(actual, tuple):  # a date range: compare its first day
            actual = actual[0]
        expected: object = self.value
        if isinstance(actual, Decimal):
            try:
                expected = Decimal(str(self.value))
            except InvalidOperation:
                return False
        elif isinstance(actual, dt.date):
            expected = dt.date.fromisoformat(str(self.value))
        elif isinstance(actual, list):
            return (self.value in actual) == (self.op == "==")
        else:
            actual, expected = str(actual), str(self.value)
        return OPERATORS[self.op](actual, expected)


@dataclass
class StepSpec:
    name: str
    kind: str
    mode: str = MODE_ALL
    users: list[int] = field(default_factory=list)
    role: str = ""
    department: int | None = None
    condition: Condition | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> StepSpec:
        data = dict(data)
        if data.get("condition"):
            data["condition"] = Condition(**data["condition"])
        return cls(**data)


def check_route(steps: list[StepSpec], specs: list[FieldSpec]) -> None:
    """Refuse a route that cannot work: no steps, unknown kinds or modes, named people or a
    department or role missing, a condition on no field of ``specs`` or with a value its field's
    values cannot be compared with. Raises RouteError (field "route") for the first problem."""
    if not steps:
        raise RouteError(_l("A route needs at least one step."))
    names = {s.name for s in specs}
    for step in steps:
        if not step.name.strip():
            raise RouteError(_l("Every step needs a name."))
        if step.kind not in APPROVER_KINDS or step.mode not in (MODE_ALL, MODE_ANY):
            raise RouteError(_l("Step %(name)s: unknown approvers or mode.", name=step.name))
        if step.kind == USERS and not step.users:
            raise RouteError(_l("Step %(name)s: name at least one approver.", name=step.name))
        if step.kind == DEPARTMENT_HEAD and not step.department:
            raise RouteError(_l("Step %(name)s: choose the department.", name=step.name))
        if step.kind == ROLE and step.role not in ROLES:
            raise RouteError(_l("Step %(name)s: choose the role.", name=step.name))
        if step.condition and (step.condition.field not in names or step.condition.op not in OPERATORS):
            raise RouteError(_l("Step %(name)s: the condition names no field of this form.", name=step.name))
        if step.condition:
            _check_condition(step, spec_named(specs, step.condition.field))


def _check_condition(step: StepSpec, spec: FieldSpec) -> None:
    """Refuse a value ``Condition.holds`` could not compare with the field's values: it would
    skip the step on every request (or, for a date, fail when the request is filed)."""
    value = str(step.condition.value or "").strip()
    if not value:
        raise RouteError(_l("Step %(name)s: give the value the condition compares with.", name=step.name))
    if spec.type in LIST_TYPES and step.condition.op not in ("==", "!="):
        raise RouteError(_l("Step %(name)s: %(label)s can hold several values; compare it with “is” or "
                            "“is not”.", name=step.name, label=spec.label))
    if spec.type in (NUMBER, MONEY):
        try:
            finite = Decimal(value).is_finite()  # NaN would raise when compared
        except InvalidOperation:
            finite = False
        if not finite:
            raise RouteError(_l("Step %(name)s: %(label)s is compared with a number, such as 5000.",
                                name=step.name, label=spec.label))
    if spec.type in (DATE, DATERANGE):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise RouteError(_l("Step %(name)s: %(label)s is compared with a date as YYYY-MM-DD.",
                                name=step.name, label=spec.label)) from None


@dataclass
class Approver:
    user: User  # who decides
    on_behalf_of: User | None = None  # whom they stand in for, when delegated


@dataclass
class ResolvedStep:
    name: str
    mode: str
    approvers: list[Approver]
    # Why nobody would decide, shown before submitting ("客服部 has no head").
    problem: str = ""


def deputies(user_ids, now: dt.datetime) -> dict[int, User]:
    """Deputies of those of ``user_ids`` who are out of office at ``now`` (one level: a deputy's
    own delegation is not followed, so two people covering for each other cannot loop)."""
    rows = (Delegation.select(Delegation, User).join(User, on=(Delegation.deputy == User.id), attr="deputy_user")
            .where(Delegation.user.in_(list(user_ids)) & (Delegation.starts_at <= now) & (Delegation.ends_at > now)
                   & User.is_active)
            .order_by(Delegation.id))
    return {row.user_id: row.deputy_user for row in rows}


def _people(step: StepSpec, initiator: User, chosen: User | None) -> tuple[list[User], str]:
    active = User.select().where(User.is_active)
    if step.kind == USERS:
        found = list(active.where(User.id.in_(step.users)).order_by(User.id))
        return found, "" if found else str(_l("The named approvers are no longer active."))
    if step.kind == ROLE:
        found = list(active.where(User.role == step.role).order_by(User.id))
        return found, "" if found else str(_l("Nobody has the role this step needs."))
    if step.kind == DIRECTORS:
        found = list(active.where(User.role == ROLE_DIRECTOR).order_by(User.id))
        return found, "" if found else str(_l("There is no director."))
    if step.kind == FREE:
        if chosen is None or not chosen.is_active:
            return [], str(_l("Choose who approves this step."))
        return [chosen], ""
    if step.kind == INITIATOR_HEAD:
        return _head_above(initiator)
    department = Department.get_or_none(Department.id == step.department)
    if department is None:
        return [], str(_l("The department of this step no longer exists."))
    head = User.get_or_none((User.id == department.head_id) & User.is_active) if department.head_id else None
    return ([head], "") if head else ([], str(_l("%(department)s has no head.", department=department.name)))


def _head_above(initiator: User) -> tuple[list[User], str]:
    """The initiator's department head; for a head, the head of the department above."""
    if not initiator.department_id:
        return [], str(_l("You are not in a department, so it has no head to approve."))
    current = Department.get_or_none(Department.id == initiator.department_id)
    while current is not None:
        if current.head_id and current.head_id != initiator.id:
            head = User.get_or_none((User.id == current.head_id) & User.is_active)
            if head:
                return [head], ""
        current = Department.get_or_none(Department.id == current.parent_id) if current.parent_id else None
    return [], str(_l("Your department has no head."))


def resolve(steps: list[StepSpec], specs: list[FieldSpec], initiator: User, data: dict,
            now: dt.datetime, chosen: User | None = None) -> list[ResolvedStep]:
    """The steps that apply to this request (conditions kept or skipped) with their approvers,
    deputies standing in for whoever is out of office at ``now``. The initiator never approves
    their own request: a step that would reach only them is reported as reaching nobody."""
    resolved = []
    for step in steps:
        if step.condition and not step.condition.holds(specs, data):
            continue
        people, problem = _people(step, initiator, chosen)
        standing_in = deputies([p.id for p in people], now)
        approvers, seen = [], set()
        for person in people:
            deputy = standing_in.get(person.id)
            actor, behalf = (deputy, person) if deputy else (person, None)
            if actor.id in seen or actor.id == initiator.id:
                continue
            seen.add(actor.id)
            approvers.append(Approver(actor, behalf))
        if people and not approvers:
            problem = str(_l("Only you would approve this step."))
        resolved.append(ResolvedStep(step.name, step.mode, approvers, problem))
    return resolved
