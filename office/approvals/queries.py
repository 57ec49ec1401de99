"""Approval lists: 待我审批, 我发起的, 抄送我的, 已处理 (one keyset page each, newest request first),
their counts in one query, the key field a row shows, and the rows of the Excel export with
each step's cycle time.

Every list holds only requests the user is involved in, so what it shows they may see.
Imports models and fields.py; never views, templates or tasks.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from peewee import JOIN, Select, fn

from office import clock
from office.approvals.fields import DATERANGE, DEPARTMENT, MONEY, PERSON, FieldSpec, display
from office.db import db
from office.models.approvals import (
    ADD_AFTER,
    ADD_BEFORE,
    APPROVE,
    REJECT,
    RETURN,
    TRANSFER,
    ApprovalAction,
    ApprovalAssignment,
    ApprovalCc,
    ApprovalRequest,
    ApprovalStep,
    ApprovalTemplate,
)
from office.models.people import Department, User

PAGE_SIZE = 30
EXPORT_CAP = 10_000
PENDING_TAB, MINE_TAB, CC_TAB, DONE_TAB = TABS = ("pending", "mine", "cc", "done")
# What counts as having handled a request (已处理); urging, commenting or cc'ing does not.
HANDLED = (APPROVE, REJECT, RETURN, TRANSFER, ADD_BEFORE, ADD_AFTER)


def local(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored (naive UTC) time as naive office time, for the spreadsheet."""
    if moment is None:
        return None
    return clock.local(moment).replace(tzinfo=None)


def requests_with_names():
    """Requests with their template (name, key), initiator and current step (name) joined: one
    row per request. A request with no current step has ``current`` None or an empty step.
    The templates' field specs are not repeated on every row: ``rows`` loads them once."""
    current = ApprovalStep.alias("current_step_row")
    return (ApprovalRequest
            .select(ApprovalRequest, ApprovalTemplate.id, ApprovalTemplate.key, ApprovalTemplate.name,
                    User.id, User.username, User.display_name, current.id, current.name, current.position)
            .join(ApprovalTemplate, on=(ApprovalRequest.template == ApprovalTemplate.id), attr="template")
            .switch(ApprovalRequest)
            .join(User, on=(ApprovalRequest.initiator == User.id), attr="initiator")
            .switch(ApprovalRequest)
            .join(current, JOIN.LEFT_OUTER, attr="current",
                  on=((current.request == ApprovalRequest.id) & (current.position == ApprovalRequest.current_step))))


def _ids(tab: str, user: User):
    """The ids of the requests on ``tab`` for ``user`` (a subquery of one column, ``request``),
    or None for 我发起的."""
    if tab == PENDING_TAB:
        # Served by the (user, is_open, request) index alone.
        return ApprovalAssignment.select(ApprovalAssignment.request).where(
            (ApprovalAssignment.user == user.id) & (ApprovalAssignment.is_open == True))  # noqa: E712
    if tab == CC_TAB:
        return ApprovalCc.select(ApprovalCc.request).where(ApprovalCc.user == user.id)
    if tab == DONE_TAB:
        return ApprovalAction.select(ApprovalAction.request).where(
            (ApprovalAction.actor == user.id) & ApprovalAction.action.in_(HANDLED))
    return None


def tab_list(tab: str, user: User, template: str | None = None, since: dt.date | None = None,
             until: dt.date | None = None, before: int | None = None, limit: int | None = PAGE_SIZE):
    """One page of ``tab``'s requests, newest first, narrowed by template key and submitted date
    (office calendar days, both included) and a keyset cursor (ids below ``before``).
    Unevaluated; raises ValueError for an unknown tab."""
    if tab not in TABS:
        raise ValueError(tab)
    query = requests_with_names()
    ids = _ids(tab, user)
    if ids is None:
        query = query.where(ApprovalRequest.initiator == user.id)
    else:
        if limit and not (template or since or until):
            # Unfiltered, the page is decided by the ids alone: take the newest ``limit`` of them
            # straight from the index (300 waiting requests would otherwise all be joined and sorted).
            column = ids.selected_columns[0]
            if before:
                ids = ids.where(column < before)
            ids = ids.distinct().order_by(column.desc()).limit(limit)
        query = query.where(ApprovalRequest.id.in_(ids))
    if template:
        query = query.where(ApprovalTemplate.key == template)
    if since:
        query = query.where(ApprovalRequest.submitted_at >= clock.day_start(since))
    if until:
        query = query.where(ApprovalRequest.submitted_at < clock.day_start(until + dt.timedelta(days=1)))
    if before:
        query = query.where(ApprovalRequest.id < before)
    query = query.order_by(ApprovalRequest.id.desc())
    return query.limit(limit) if limit else query


def pending_for(user, template=None, since=None, until=None, before=None, limit=PAGE_SIZE):
    """待我审批: requests where ``user`` has an open assignment (their turn now)."""
    return tab_list(PENDING_TAB, user, template, since, until, before, limit)


def mine(user, template=None, since=None, until=None, before=None, limit=PAGE_SIZE):
    """我发起的: requests ``user`` filed."""
    return tab_list(MINE_TAB, user, template, since, until, before, limit)


def cc(user, template=None, since=None, until=None, before=None, limit=PAGE_SIZE):
    """抄送我的: requests ``user`` was copied in on."""
    return tab_list(CC_TAB, user, template, since, until, before, limit)


def done(user, template=None, since=None, until=None, before=None, limit=PAGE_SIZE):
    """已处理: requests ``user`` approved, rejected, returned, transferred or added an approver to."""
    return tab_list(DONE_TAB, user, template, since, until, before, limit)


def counts(user: User) -> dict[str, int | None]:
    """How many requests 待我审批, 我发起的 and 抄送我的 hold: one SELECT of three COUNT subqueries,
    each served by an index alone. 已处理 is not counted (None): it only grows, and counting it
    means reading every history row of the user (3,000 for a busy head: most of the page's time)."""
    pending = (ApprovalAssignment.select(fn.COUNT(ApprovalAssignment.request.distinct()))
               .where((ApprovalAssignment.user == user.id) & (ApprovalAssignment.is_open == True)))  # noqa: E712
    started = ApprovalRequest.select(fn.COUNT(ApprovalRequest.id)).where(ApprovalRequest.initiator == user.id)
    copied = ApprovalCc.select(fn.COUNT(ApprovalCc.id)).where(ApprovalCc.user == user.id)
    row = Select(columns=[pending, started, copied]).bind(db).tuples().get()
    return {**dict(zip(TABS, (int(n or 0) for n in row))), DONE_TAB: None}


def parse_specs(text: str | None) -> list[FieldSpec]:
    return [FieldSpec.from_dict(f) for f in json.loads(text or "[]")]


def template_specs(requests) -> dict[int, list[FieldSpec]]:
    """The field specs of the templates of ``requests``, by template id: one query."""
    ids = {r.template_id for r in requests}
    if not ids:
        return {}
    found = ApprovalTemplate.select(ApprovalTemplate.id, ApprovalTemplate.fields).where(ApprovalTemplate.id.in_(ids))
    return {t.id: parse_specs(t.fields) for t in found}


def key_field(specs: list[FieldSpec], data: dict) -> tuple[str, str] | None:
    """(label, text) of what a list shows of a request: the first money field with a value
    ("¥8,000.00"), otherwise the first date range (leave dates); None when it has neither."""
    for kind in (MONEY, DATERANGE):
        for spec in specs:
            if spec.type == kind and data.get(spec.name):
                return spec.label, display(spec, data[spec.name])
    return None


@dataclass
class Row:
    """One request as a list row."""

    request: ApprovalRequest
    key: tuple[str, str] | None = None

    @property
    def step_name(self) -> str:
        current = getattr(self.request, "current", None)
        return current.name if current is not None and current.id is not None else ""


def field_names(specs: list[FieldSpec], datas) -> dict[str, dict[int, str]]:
    """Names of the people and departments that person/department fields name in ``datas``
    (cleaned values), for ``display``: {PERSON: {id: name}, DEPARTMENT: {id: name}}; one query
    per kind present."""
    wanted: dict[str, set[int]] = {PERSON: set(), DEPARTMENT: set()}
    for data in datas:
        for spec in specs:
            if spec.type in wanted and isinstance(data.get(spec.name), int):
                wanted[spec.type].add(data[spec.name])
    names: dict[str, dict[int, str]] = {}
    if wanted[PERSON]:
        names[PERSON] = dict(User.select(User.id, User.display_name).where(User.id.in_(wanted[PERSON])).tuples())
    if wanted[DEPARTMENT]:
        names[DEPARTMENT] = dict(Department.select(Department.id, Department.name)
                                 .where(Department.id.in_(wanted[DEPARTMENT])).tuples())
    return names


def rows(requests, specs: dict[int, list[FieldSpec]] | None = None) -> list[Row]:
    """List rows of ``requests`` (from ``requests_with_names``), given the field specs by
    template id or loading them (one query)."""
    specs = template_specs(requests) if specs is None else specs
    return [Row(r, key_field(specs.get(r.template_id, []), json.loads(r.data or "{}"))) for r in requests]


# The export.


@dataclass
class ExportStep:
    name: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


@dataclass
class ExportRow:
    request: ApprovalRequest
    data: dict
    key: tuple[str, str] | None
    steps: list[ExportStep] = field(default_factory=list)


def hours(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 2)


def step_hours(step: ExportStep, now: dt.datetime) -> float | None:
    """A step's cycle time: started to finished, or to ``now`` while it waits for decisions."""
    if step.started_at is None:
        return None
    return hours(step.started_at, step.finished_at or now)


def export_rows(tab: str, user: User, template: str | None = None, since: dt.date | None = None,
                until: dt.date | None = None) -> tuple[list[ExportRow], dict[int, list[FieldSpec]]]:
    """Every request of the filtered list (up to EXPORT_CAP), each with its steps in order, and
    the field specs of their templates: three queries whatever the number of requests."""
    requests = list(tab_list(tab, user, template, since, until, limit=EXPORT_CAP))
    specs = template_specs(requests)
    result = []
    for r in requests:
        data = json.loads(r.data or "{}")
        result.append(ExportRow(r, data, key_field(specs.get(r.template_id, []), data)))
    if not result:
        return result, specs
    by_id = {row.request.id: row for row in result}
    # The same filtered list as a subquery: 10,000 ids would not fit in an IN (...) of parameters.
    ids = tab_list(tab, user, template, since, until, limit=EXPORT_CAP).select(ApprovalRequest.id)
    steps = (ApprovalStep.select(ApprovalStep.request, ApprovalStep.name, ApprovalStep.started_at,
                                 ApprovalStep.finished_at)
             .where(ApprovalStep.request.in_(ids)).order_by(ApprovalStep.request, ApprovalStep.position).tuples())
    for request_id, name, started_at, finished_at in steps:
        by_id[request_id].steps.append(ExportStep(name, started_at, finished_at))
    return result, specs
