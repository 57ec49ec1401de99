"""The feed page (GET /, signed in, one keyset page of posts) over a big database vs a bare
Flask "hello", both served by gunicorn the same way (gevent workers), loaded with wrk.

The demo company is grown to --users people and --posts posts, with comments, likes,
attachments, reminders and department-scoped posts, bulk-inserted with peewee's insert_many
straight into the instance's SQLite file (the FTS triggers on posts and comments fire as
they would for the app). The reader is a staff member of a sub-department, so every branch
of the visibility rule runs. Prints the seeding time, then requests/s, p99 and the ratio.

Usage: .venv/bin/python bench/feed_ratio.py [--posts 200000] [--seconds 10] [--connections 20]
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import random
import re
import secrets
import sys
import time
from pathlib import Path

from common import ROOT, alone, new_instance, serve, sign_in, stop, wrk

sys.path.insert(0, str(ROOT))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红玉兰春梅海燕鹏飞婷雪琳慧嘉欣宇轩浩然子涵思怡佳琪"
TITLES = ("运营专员", "客服专员", "美工", "仓管员", "打单员", "采购专员", "文案", "主播", "推广专员", "售后专员")
PHRASES = (
    "今天双十一预售的数据出来了", "天猫店的转化率比上周高了两个点", "京东那边的活动报名截止到周五",
    "直播间晚上八点开播，请大家帮忙转发", "仓库新到一批包装箱，规格见附件", "售后退款率本月有所下降",
    "新品主图已经改好，麻烦看一下", "拼多多的百亿补贴我们报上了", "请各组在周三前提交下月预算",
    "客服话术更新了，重点是物流延迟的解释", "抖音小店的评分回到了4.8", "明天上午十点开周会，地点三楼会议室",
    "快递涨价通知：中通从下月起每单加两毛", "618复盘文档已经放到共享盘", "大家辛苦了，这个月的目标完成了",
    "采购部提醒：供应商的发票请按月汇总", "人事通知：下周一起调整为夏季作息时间", "财务报销请走新的流程",
    "直通车的点击单价又涨了，需要调整关键词", "设计部需要新一季的模特拍摄排期", "退货地址变更，请客服更新自动回复",
)


def words(rng: random.Random, low: int, high: int) -> str:
    return "，".join(rng.choice(PHRASES) for _ in range(rng.randint(low, high))) + "。"


def seed(db_path: Path, n_users: int, n_posts: int, n_comments: int, n_likes: int, n_attachments: int,
         reader_name: str, rng: random.Random) -> dict:
    """Grow the demo database in place; returns counts and timings."""
    from peewee import SqliteDatabase

    from office.db import db
    from office.models.feed import Attachment, Comment, Post, PostDepartment, PostLike, PostRecipient
    from office.models.people import Department, User, romanize

    database = SqliteDatabase(str(db_path), pragmas={"journal_mode": "wal", "synchronous": "normal",
                                                     "foreign_keys": 1, "cache_size": -64000})
    db.initialize(database)
    timings = {}
    started = time.perf_counter()
    with database.connection_context():
        departments = [d.id for d in Department.select(Department.id)]
        template = User.select().where(User.username == "admin").get()
        existing = User.select().count()
        now = dt.datetime.utcnow()
        rows = []
        for n in range(existing, n_users):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
            pinyin, initials = romanize(name)
            rows.append((f"user{n:03d}", name, rng.choice(TITLES), rng.choice(departments), "staff", True,
                         template.password_hash, secrets.token_hex(16), now, pinyin, initials))
        with database.atomic():
            User.insert_many(rows, fields=[User.username, User.display_name, User.title, User.department,
                                           User.role, User.is_active, User.password_hash, User.session_token,
                                           User.created_at, User.pinyin, User.initials]).execute()
        users = [u.id for u in User.select(User.id)]
        reader = User.get(User.username == reader_name)
        timings["users"] = time.perf_counter() - started

        # Posts, oldest first, over the last two years; ~8% scoped to one or two departments.
        t0 = time.perf_counter()
        first = now - dt.timedelta(days=730)
        step = dt.timedelta(days=730) / n_posts
        fields = [Post.author, Post.body, Post.body_html, Post.scope, Post.comment_count, Post.like_count,
                  Post.created_at]
        batch = 4000  # 7 columns: under SQLite's 32766 bound variables
        dept_posts = []
        next_id = (Post.select(Post.id).order_by(Post.id.desc()).scalar() or 0) + 1
        with database.atomic():
            for start in range(0, n_posts, batch):
                chunk = []
                for i in range(start, min(start + batch, n_posts)):
                    body = words(rng, 1, 6)
                    scope = "departments" if rng.random() < 0.08 else "everyone"
                    if scope == "departments":
                        dept_posts.append(next_id + i)
                    chunk.append((rng.choice(users), body, f"<p>{html.escape(body)}</p>", scope, 0, 0,
                                  first + step * i))
                Post.insert_many(chunk, fields=fields).execute()
        post_ids = range(next_id, next_id + n_posts)
        timings["posts"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        with database.atomic():
            rows = []
            for post_id in dept_posts:
                for department in rng.sample(departments, rng.choice((1, 1, 2))):
                    rows.append((post_id, department))
            for start in range(0, len(rows), 10000):
                PostDepartment.insert_many(rows[start:start + 10000],
                                           fields=[PostDepartment.post, PostDepartment.department]).execute()
            # The reader was asked to read ~200 posts, some outside their scope.
            rows = [(post_id, reader.id) for post_id in rng.sample(post_ids, 200)]
            rows += [(post_id, rng.choice(users)) for post_id in rng.sample(post_ids[-3000:], 300)]
            rows = list(dict.fromkeys(rows))
            PostRecipient.insert_many(rows, fields=[PostRecipient.post, PostRecipient.user]).execute()
        timings["scopes"] = time.perf_counter() - t0

        # Comments: half on the newest 2,000 posts (what the first pages show), half anywhere.
        t0 = time.perf_counter()
        recent = post_ids[-2000:]
        counts: dict[int, int] = {}
        fields = [Comment.post, Comment.author, Comment.body, Comment.body_html, Comment.created_at]
        with database.atomic():
            for start in range(0, n_comments, 5000):
                chunk = []
                for i in range(start, min(start + 5000, n_comments)):
                    post_id = rng.choice(recent) if i % 2 else rng.choice(post_ids)
                    counts[post_id] = counts.get(post_id, 0) + 1
                    body = words(rng, 1, 2)
                    chunk.append((post_id, rng.choice(users), body, f"<p>{html.escape(body)}</p>", now))
                Comment.insert_many(chunk, fields=fields).execute()
        timings["comments"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        likes = set()
        while len(likes) < n_likes:
            post_id = rng.choice(recent) if rng.random() < 0.5 else rng.choice(post_ids)
            likes.add((post_id, rng.choice(users)))
        # The reader liked some of the newest posts, so the "liked" lookup finds rows.
        likes.update((post_id, reader.id) for post_id in rng.sample(recent[-200:], 40))
        like_counts: dict[int, int] = {}
        for post_id, _user in likes:
            like_counts[post_id] = like_counts.get(post_id, 0) + 1
        likes = [(p, u, now) for p, u in likes]
        with database.atomic():
            for start in range(0, len(likes), 10000):
                PostLike.insert_many(likes[start:start + 10000],
                                     fields=[PostLike.post, PostLike.user, PostLike.created_at]).execute()
            rows = []
            for i in range(n_attachments):
                post_id = rng.choice(recent) if i % 2 else rng.choice(post_ids)
                image = rng.random() < 0.6
                ext = "jpg" if image else rng.choice(("pdf", "xlsx", "docx"))
                rows.append((post_id, rng.choice(users), f"附件{i}.{ext}", f"{secrets.token_hex(16)}.{ext}",
                             "image/jpeg" if image else "application/octet-stream", rng.randint(10_000, 3_000_000),
                             image, now))
            Attachment.insert_many(rows, fields=[Attachment.post, Attachment.uploaded_by, Attachment.file_name,
                                                 Attachment.stored_name, Attachment.content_type, Attachment.size,
                                                 Attachment.is_image, Attachment.created_at]).execute()
            # Counters as the rules keep them, one executemany per column.
            cursor = database.cursor()
            cursor.executemany("UPDATE posts SET comment_count = ? WHERE id = ?", [(c, p) for p, c in counts.items()])
            cursor.executemany("UPDATE posts SET like_count = ? WHERE id = ?", [(c, p) for p, c in like_counts.items()])
        timings["likes_attachments_counters"] = time.perf_counter() - t0
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        result = {
            "users": User.select().count(),
            "posts": Post.select().count(),
            "department_posts": len(dept_posts),
            "comments": Comment.select().count(),
            "likes": PostLike.select().count(),
            "attachments": Attachment.select().count(),
        }
    timings["total"] = time.perf_counter() - started
    result["timings"] = timings
    db.initialize(None)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--likes", type=int, default=100_000)
    parser.add_argument("--attachments", type=int, default=3_000)
    parser.add_argument("--reader", default="zhaopeng", help="a staff member of a sub-department")
    args = parser.parse_args()

    instance, env = new_instance()
    processes = []
    try:
        db_path = instance / "office.db"
        seeded = seed(db_path, args.users, args.posts, args.comments, args.likes, args.attachments,
                      args.reader, random.Random(1234))
        db_bytes = sum(p.stat().st_size for p in instance.glob("office.db*"))
        office, office_base = serve("app:create_app()", env, args.workers, ROOT)
        processes.append(office)
        hello, hello_base = serve("hello:create_app()", env, args.workers, ROOT / "bench")
        processes.append(hello)
        cookie, _token, _home = sign_in(office_base, args.reader)
        single_ms, page = alone(office_base + "/", cookie)
        page_posts = len(re.findall(r'<article class="post card" id="post-\d+"', page))
        results = {
            "hello": wrk(hello_base + "/", args.seconds, args.connections),
            "feed": wrk(office_base + "/", args.seconds, args.connections, cookie),
        }
    finally:
        stop(processes, instance)

    timings = seeded.pop("timings")
    print("# seeded " + ", ".join(f"{k}={v}" for k, v in seeded.items()))
    print("# seeding seconds: " + ", ".join(f"{k}={v:.1f}" for k, v in timings.items()))
    print(f"# {args.workers} gevent workers each, wrk -t2 -c{args.connections} -d{args.seconds}s, "
          f"{os.cpu_count()} cores; feed read by {args.reader} (staff), page {len(page) // 1024} KiB; "
          f"wrk completed {results['feed'].requests} feed requests, {results['feed'].timeouts} timed out (10 s)")
    print(f"seed_seconds: {timings['total']:.1f}")
    print(f"db_size_mb: {db_bytes / 1024 / 1024:.0f}")
    print(f"feed_page_posts: {page_posts}")
    print(f"feed_single_request_ms: {single_ms:.0f}")
    for name, load in results.items():
        print(f"{name}_rps: {load.rps:.1f}")
        print(f"{name}_p99_ms: {load.p99_ms:.1f}")
    print(f"feed_vs_hello_rps_ratio: {results['feed'].rps / results['hello'].rps:.4f}")


if __name__ == "__main__":
    sys.exit(main())
