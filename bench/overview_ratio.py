"""The mainline overview (作战图, GET /mainlines/) with --mainlines mainlines of --nodes nodes each,
read by the director who sees them all, vs a bare Flask "hello", both served by gunicorn the
same way (gevent workers) and loaded with wrk.

The demo company gets the extra mainlines bulk-inserted with peewee's insert_many: three
phases each, nodes with due dates around today (some overdue, about a third done with
actual hours), a chain of dependencies, members. Prints requests/s, p99, one request's time
and the ratio; the query count is pinned by tests/web/test_mainline_overview.py.

Usage: .venv/bin/python bench/overview_ratio.py [--mainlines 50] [--nodes 40] [--seconds 10]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import sys
import time
from pathlib import Path

from common import ROOT, alone, new_instance, serve, sign_in, stop, wrk

sys.path.insert(0, str(ROOT))

EFFORTS = ("双11大促", "双12年终大促", "年货节", "618大促", "新品上架", "抖音直播专场", "京东超级品牌日",
           "拼多多百亿补贴", "店铺迁移", "会员日", "开学季", "女神节")
WORK = ("选品会", "素材制作", "平台审核", "上架", "备货", "投放计划", "客服培训", "打包演练", "值守", "发货跟踪",
        "售后处理", "复盘会", "活动报名", "定价", "主图拍摄", "详情页", "直播脚本", "样品寄送", "达人对接", "库存盘点")


def seed(db_path: Path, n_mainlines: int, n_nodes: int, rng: random.Random) -> dict:
    from peewee import SqliteDatabase

    from office.db import db
    from office.models.mainlines import Mainline, Member, Node, NodeDependency, Phase
    from office.models.people import Department, User

    database = SqliteDatabase(str(db_path), pragmas={"journal_mode": "wal", "synchronous": "normal",
                                                     "foreign_keys": 1})
    db.initialize(database)
    started = time.perf_counter()
    with database.connection_context(), database.atomic():
        users = [u.id for u in User.select(User.id)]
        departments = [d.id for d in Department.select(Department.id)]
        director = User.get(User.username == "chenjh")
        today = dt.date.today()
        now = dt.datetime.utcnow()
        for m in range(n_mainlines):
            event = today + dt.timedelta(days=rng.randint(-5, 60))
            owner = rng.choice(users)
            mainline = Mainline.create(title=f"{rng.choice(EFFORTS)} #{m + 1}", goal="GMV 目标 500 万",
                                       event_date=event, owner=owner, last_activity=f"完成：{rng.choice(WORK)}",
                                       last_activity_at=now - dt.timedelta(minutes=rng.randint(1, 5000)))
            phases = [Phase.create(mainline=mainline, name=name, position=i)
                      for i, name in enumerate(("前期筹备", "中期执行", "后期监督"))]
            rows = []
            for n in range(n_nodes):
                due = event + dt.timedelta(days=rng.randint(-40, 10))
                done = due < today and rng.random() < 0.6
                started_at = now - dt.timedelta(days=rng.randint(5, 40)) if done or rng.random() < 0.3 else None
                planned = float(rng.choice((4, 8, 16, 24, 48)))
                rows.append({
                    "mainline": mainline.id, "phase": phases[min(n * 3 // n_nodes, 2)].id,
                    "title": rng.choice(WORK), "owner": rng.choice(users) if rng.random() < 0.8 else None,
                    "department": rng.choice(departments) if rng.random() < 0.2 else None,
                    "planned_hours": planned, "due_date": due, "status": "done" if done else (
                        "doing" if started_at else "todo"),
                    "started_at": started_at, "done_at": now if done else None,
                    "actual_hours": planned * rng.uniform(0.7, 1.5) if done else None, "position": n,
                })
            Node.insert_many(rows).execute()
            ids = [n.id for n in Node.select(Node.id).where(Node.mainline == mainline.id).order_by(Node.id)]
            links = [{"node": ids[i], "depends_on": ids[i - 1]} for i in range(1, len(ids), 3)]
            if links:
                NodeDependency.insert_many(links).execute()
            members = {owner, *rng.sample(users, 6)}
            Member.insert_many([{"mainline": mainline.id, "user": u, "role": "owner" if u == owner else "member"}
                                for u in members]).execute()
        counts = {"mainlines": Mainline.select().count(), "nodes": Node.select().count(),
                  "reader": director.username}
    db.initialize(None)
    counts["seconds"] = time.perf_counter() - started
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mainlines", type=int, default=50)
    parser.add_argument("--nodes", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    instance, env = new_instance()
    processes = []
    try:
        seeded = seed(instance / "office.db", args.mainlines, args.nodes, random.Random(1111))
        office, office_base = serve("app:create_app()", env, args.workers, ROOT)
        processes.append(office)
        hello, hello_base = serve("hello:create_app()", env, args.workers, ROOT / "bench")
        processes.append(hello)
        cookie, _token, _home = sign_in(office_base, "chenjh")
        single_ms, page = alone(office_base + "/mainlines/", cookie)
        cards = len(re.findall(r'class="mainline-card', page))
        results = {
            "hello": wrk(hello_base + "/", args.seconds, args.connections),
            "overview": wrk(office_base + "/mainlines/", args.seconds, args.connections, cookie),
        }
    finally:
        stop(processes, instance)

    print(f"# seeded {seeded['mainlines']} mainlines, {seeded['nodes']} nodes in {seeded['seconds']:.1f} s; "
          f"read by {seeded['reader']} (director, sees all)")
    print(f"# {args.workers} gevent workers each, wrk -t2 -c{args.connections} -d{args.seconds}s, "
          f"{os.cpu_count()} cores; page {len(page) // 1024} KiB; "
          f"wrk completed {results['overview'].requests} requests, {results['overview'].timeouts} timed out (10 s)")
    print(f"overview_cards: {cards}")
    print(f"overview_single_request_ms: {single_ms:.0f}")
    for name, load in results.items():
        print(f"{name}_rps: {load.rps:.1f}")
        print(f"{name}_p99_ms: {load.p99_ms:.1f}")
    print(f"overview_vs_hello_rps_ratio: {results['overview'].rps / results['hello'].rps:.4f}")


if __name__ == "__main__":
    sys.exit(main())
