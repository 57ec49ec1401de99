"""Outcomes: an approved 请假 becomes leave days for its initiator, once; a rejected or
withdrawn one records nothing; other templates never write leave."""
from __future__ import annotations

import datetime as dt

import pytest

from office.approvals import builtin, engine, outcomes
from office.departments.tree import update_department
from office.models.approvals import ApprovalRequest, ApprovalTemplate, LeaveRecord
from tests.factories import make_department, make_user

NOW = dt.datetime(2026, 11, 20, 2, 0)


@pytest.fixture
def org(app):
    builtin.install()
    tmall = make_department("天猫运营组")
    head = make_user("lina", role="head", department=tmall, display_name="李娜")
    update_department(tmall, head=head)
    return {"head": head, "staff": make_user("zhaopeng", department=tmall, display_name="赵鹏"),
            "director": make_user("chenjh", role="director", display_name="陈建华")}


def _leave(org, days="9", start="2026-11-25", end="2026-11-27", kind="年假"):
    raw = {"leave_type": kind, "dates_start": start, "dates_end": end, "days": days, "reason": "回老家"}
    return engine.submit(ApprovalTemplate.get(ApprovalTemplate.key == "leave"), org["staff"], raw, now=NOW).request


def test_an_approved_leave_becomes_leave_days_once(org):
    request = _leave(org)
    assert LeaveRecord.select().count() == 0  # not while it waits
    engine.approve(request.id, org["head"], now=NOW)
    record = LeaveRecord.get()
    assert (record.user_id, record.request_id, record.leave_type) == (org["staff"].id, request.id, "年假")
    # Wednesday to Friday: the 3 working days counted on filing, not the 9 the form sent.
    assert (record.starts_on, record.ends_on, record.days) == (dt.date(2026, 11, 25), dt.date(2026, 11, 27), 3)
    outcomes.run(ApprovalRequest.get_by_id(request.id), "approved")  # a second run changes nothing
    assert LeaveRecord.select().count() == 1


def test_a_long_leave_is_recorded_after_the_director_too(org):
    request = _leave(org, days="1", start="2026-12-01", end="2026-12-07", kind="病假")  # Tue to Mon: 5 days
    engine.approve(request.id, org["head"], now=NOW)
    assert LeaveRecord.select().count() == 0  # the director has not decided yet
    engine.approve(request.id, org["director"], now=NOW)
    assert [(r.days, r.leave_type, r.ends_on) for r in LeaveRecord.select()] == [(5.0, "病假", dt.date(2026, 12, 7))]


def test_rejected_and_withdrawn_leave_and_other_forms_record_nothing(org):
    engine.reject(_leave(org).id, org["head"], "旺季不批", now=NOW)
    engine.withdraw(_leave(org).id, org["staff"], now=NOW)
    raw = {"item": "打包胶带", "quantity": "10", "amount": "80", "reason": "仓库用"}
    purchase = engine.submit(ApprovalTemplate.get(ApprovalTemplate.key == "purchase"), org["staff"], raw,
                             now=NOW).request
    assert engine.approve(purchase.id, org["head"], now=NOW).request.status == "approved"
    assert LeaveRecord.select().count() == 0
