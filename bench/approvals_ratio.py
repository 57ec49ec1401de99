"""待我审批 (GET /approvals/, the pending tab) with --requests approval requests in the database,
read by a department head (王磊) with ~--pending of them waiting for him, vs a bare Flask
"hello", both served by gunicorn the same way (gevent workers) and loaded with wrk.

The demo company (whose seed installs the built-in forms) gets the requests bulk-inserted with
peewee's insert_many: every built-in form, one or two steps (head, then the director for
larger amounts), approver rows, history rows, some cc's; most decided (approved, rejected,
withdrawn), the rest waiting for the reader or for other heads. Prints requests/s, p99, one
request's time and the ratio; the query count is pinned by tests/web/test_approval_lists.py.

Usage: .venv/bin/python bench/approvals_ratio.py [--requests 10000] [--pending 300] [--seconds 10]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import sys
import time
from pathlib import Path

from common import ROOT, alone, new_instance, serve, sign_in, stop, wrk

sys.path.insert(0, str(ROOT))

SHOPS = ("知行旗舰店", "知行京东自营", "知行拼多多店", "知行抖音小店")
ITEMS = ("快递纸箱 5 号", "气泡膜", "直播补光灯", "样品：冬季加绒卫衣", "打包胶带", "热敏面单", "摄影棚背景布")
REASONS = ("双11预热加投", "新品测款", "大促备货", "日常补货", "618复盘后追加", "竞品降价应对", "年货节报名")
BATCH = 2000  # rows per insert: at most 12 columns, under SQLite's 32766 bound variables


def _period(rng: random.Random, day: dt.date) -> list[str]:
    start = day + dt.timedelta(days=rng.randint(1, 20))
    return [start.isoformat(), (start + dt.timedelta(days=rng.randint(0, 14))).isoformat()]


def _money(rng: random.Random, low: int, high: int) -> str:
    return f"{rng.randint(low, high)}.00"


def fields_for(key: str, rng: random.Random, day: dt.date) -> dict:
    """Plausible cleaned values for each built-in form, as engine.submit would store them."""
    if key == "leave":
        dates = _period(rng, day)
        days = (dt.date.fromisoformat(dates[1]) - dt.date.fromisoformat(dates[0])).days + 1
        return {"leave_type": rng.choice(("年假", "事假", "病假", "调休")), "dates": dates, "days": days,
                "reason": "家中有事", "handover": None}
    if key == "ad_spend":
        return {"channel": rng.choice(("直通车", "钻石展位", "引力魔方", "万相台")), "shop": rng.choice(SHOPS),
                "amount": _money(rng, 500, 30000), "period": _period(rng, day), "roi": rng.randint(2, 8),
                "plan": rng.choice(REASONS)}
    if key == "special_price":
        normal = rng.randint(59, 599)
        return {"sku": f"ZX-{rng.randint(1000, 9999)}", "normal_price": f"{normal}.00",
                "special_price": f"{int(normal * 0.7)}.00", "dates": _period(rng, day),
                "platform": rng.choice(("天猫", "京东", "拼多多", "抖音")), "reason": rng.choice(REASONS)}
    if key == "purchase":
        return {"item": rng.choice(ITEMS), "quantity": rng.randint(1, 500), "amount": _money(rng, 200, 40000),
                "supplier": "义乌包装厂", "needed_by": (day + dt.timedelta(days=7)).isoformat(),
                "reason": rng.choice(REASONS)}
    if key == "expense":
        return {"category": rng.choice(("差旅", "快递物流", "样品", "办公用品")), "amount": _money(rng, 20, 5000),
                "spent_on": day.isoformat(), "receipts": [], "note": ""}
    return {"subject": rng.choice(REASONS), "detail": "详见附件说明", "amount": _money(rng, 0, 9000)}


def seed(db_path: Path, n_requests: int, n_pending: int, reader_name: str, rng: random.Random) -> dict:
    from peewee import SqliteDatabase, fn

    from office.db import db
    from office.models.approvals import (
        ApprovalAction,
        ApprovalAssignment,
        ApprovalCc,
        ApprovalRequest,
        ApprovalStep,
        ApprovalTemplate,
    )
    from office.models.people import User

    database = SqliteDatabase(str(db_path), pragmas={"journal_mode": "wal", "synchronous": "normal",
                                                     "foreign_keys": 1})
    db.initialize(database)
    started = time.perf_counter()
    with database.connection_context(), database.atomic():
        templates = list(ApprovalTemplate.select(ApprovalTemplate.id, ApprovalTemplate.key, ApprovalTemplate.name))
        users = {u.username: u for u in User.select(User.id, User.username, User.display_name, User.role)}
        reader = users[reader_name]
        director = users["chenjh"]
        heads = [u for u in users.values() if u.role == "head" and u.id != reader.id]
        initiators = [u for u in users.values() if u.role in ("staff", "head") and u.id != reader.id]
        now = dt.datetime.utcnow().replace(microsecond=0)
        first = now - dt.timedelta(days=180)
        gap = dt.timedelta(days=180) / n_requests
        # The reader's waiting requests lean recent, as an inbox's do: spread over the newest third.
        waiting_for_reader = set(rng.sample(range(n_requests * 2 // 3, n_requests), n_pending))
        next_request = (ApprovalRequest.select(fn.MAX(ApprovalRequest.id)).scalar() or 0) + 1
        next_step = (ApprovalStep.select(fn.MAX(ApprovalStep.id)).scalar() or 0) + 1
        requests, steps, assignments, actions, ccs = [], [], [], [], []
        for i in range(n_requests):
            request_id = next_request + i
            template = rng.choice(templates)
            submitted = first + gap * i
            initiator = rng.choice(initiators)
            data = fields_for(template.key, rng, submitted.date())
            two_steps = template.key == "special_price" or float(data.get("amount") or 0) > 5000
            if i in waiting_for_reader:
                outcome = "waiting"
            elif i > n_requests - 800 and rng.random() < 0.5:  # recent ones still waiting for others
                outcome = "waiting_director" if two_steps and rng.random() < 0.5 else "waiting"
            else:
                outcome = rng.choices(("approved", "rejected", "withdrawn"), (85, 12, 3))[0]
            # The reader is the head of about a third of the rest (his 已处理), never of one waiting elsewhere.
            if i in waiting_for_reader or (outcome != "waiting" and rng.random() < 0.35):
                head = reader
            else:
                head = rng.choice([h for h in heads if h.id != initiator.id])
            head_done = submitted + dt.timedelta(minutes=rng.randint(5, 2880))
            director_done = head_done + dt.timedelta(minutes=rng.randint(5, 1440))
            status, current, decided_at = {
                "waiting": ("pending", 0, None), "waiting_director": ("pending", 1, None),
                "approved": ("approved", None, director_done if two_steps else head_done),
                "rejected": ("rejected", None, head_done), "withdrawn": ("withdrawn", None, head_done),
            }[outcome]
            requests.append((request_id, template.id, initiator.id, f"{initiator.display_name}的{template.name}",
                             json.dumps(data, ensure_ascii=False), status, current, submitted, submitted, decided_at))
            actions.append((request_id, initiator.id, "submit", None, "", submitted))
            route = [("部门负责人审批", head)] + ([("总经理审批", director)] if two_steps else [])
            for position, (name, approver) in enumerate(route):
                step_id = next_step
                next_step += 1
                done_at = head_done if position == 0 else director_done
                if outcome == "waiting":
                    state = (("active", submitted, None, None, True) if position == 0
                             else ("waiting", None, None, None, False))
                elif outcome == "waiting_director":
                    state = (("done", submitted, head_done, "approve", False) if position == 0
                             else ("active", head_done, None, None, True))
                elif outcome == "approved":
                    state = ("done", submitted if position == 0 else head_done, done_at, "approve", False)
                elif outcome == "rejected":
                    state = (("rejected", submitted, head_done, "reject", False) if position == 0
                             else ("waiting", None, None, None, False))
                else:  # withdrawn while the head had it
                    state = ("cancelled", submitted if position == 0 else None, head_done, None, False)
                step_status, started_at, finished_at, decision, is_open = state
                steps.append((step_id, request_id, position, name, "all" if position == 0 else "any", step_status,
                              started_at, finished_at))
                assignments.append((step_id, request_id, approver.id, decision, finished_at if decision else None,
                                    is_open, submitted))
                if decision:
                    actions.append((request_id, approver.id, decision, position,
                                    "同意" if decision == "approve" else "预算超了，下月再议", finished_at))
            if outcome == "withdrawn":
                actions.append((request_id, initiator.id, "withdraw", 0, "", head_done))
            if rng.random() < 0.03:
                ccs.append((request_id, reader.id if reader.id != initiator.id else director.id, submitted))

        def insert(model, fields, rows):
            for start in range(0, len(rows), BATCH):
                model.insert_many(rows[start:start + BATCH], fields=fields).execute()

        R, S, A, H, C = ApprovalRequest, ApprovalStep, ApprovalAssignment, ApprovalAction, ApprovalCc
        insert(R, [R.id, R.template, R.initiator, R.title, R.data, R.status, R.current_step, R.created_at,
                   R.submitted_at, R.decided_at], requests)
        insert(S, [S.id, S.request, S.position, S.name, S.mode, S.status, S.started_at, S.finished_at], steps)
        insert(A, [A.step, A.request, A.user, A.decision, A.decided_at, A.is_open, A.created_at], assignments)
        insert(H, [H.request, H.actor, H.action, H.step_position, H.comment, H.created_at], actions)
        insert(C, [C.request, C.user, C.created_at], ccs)
        result = {
            "requests": ApprovalRequest.select().count(),
            "steps": ApprovalStep.select().count(),
            "actions": ApprovalAction.select().count(),
            "pending_for_reader": ApprovalAssignment.select().where(
                (ApprovalAssignment.user == reader.id) & ApprovalAssignment.is_open).count(),
            "reader": reader.username,
        }
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    db.initialize(None)
    result["seconds"] = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--pending", type=int, default=300)
    parser.add_argument("--reader", default="wanglei", help="a department head")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    instance, env = new_instance()
    processes = []
    try:
        seeded = seed(instance / "office.db", args.requests, args.pending, args.reader, random.Random(2026))
        office, office_base = serve("app:create_app()", env, args.workers, ROOT)
        processes.append(office)
        hello, hello_base = serve("hello:create_app()", env, args.workers, ROOT / "bench")
        processes.append(hello)
        cookie, _token, _home = sign_in(office_base, args.reader)
        single_ms, page = alone(office_base + "/approvals/", cookie)
        cards = len(re.findall(r'<li id="approval-row-\d+"', page))
        results = {
            "hello": wrk(hello_base + "/", args.seconds, args.connections),
            "approvals": wrk(office_base + "/approvals/", args.seconds, args.connections, cookie),
        }
    finally:
        stop(processes, instance)

    print(f"# seeded {seeded['requests']} requests, {seeded['steps']} steps, {seeded['actions']} history rows in "
          f"{seeded['seconds']:.1f} s; {seeded['pending_for_reader']} waiting for {seeded['reader']} (department head)")
    print(f"# {args.workers} gevent workers each, wrk -t2 -c{args.connections} -d{args.seconds}s, "
          f"{os.cpu_count()} cores; page {len(page) // 1024} KiB; "
          f"wrk completed {results['approvals'].requests} requests, {results['approvals'].timeouts} timed out (10 s)")
    print(f"approvals_cards: {cards}")
    print(f"approvals_single_request_ms: {single_ms:.0f}")
    for name, load in results.items():
        print(f"{name}_rps: {load.rps:.1f}")
        print(f"{name}_p99_ms: {load.p99_ms:.1f}")
    print(f"approvals_vs_hello_rps_ratio: {results['approvals'].rps / results['hello'].rps:.4f}")


if __name__ == "__main__":
    sys.exit(main())
