import re

from playhouse.test_utils import count_queries

from office.feed.posts import add_comment, create_post, delete_post
from office.live.events import latest_id, publish
from office.models.feed import Post
from office.models.inbox import Notification
from office.models.live import POST_ADDED, LiveEvent
from tests.conftest import hx
from tests.factories import make_department, make_user


def test_post_id_reused_after_delete_retargets_notification_and_live_drops_new_post(client, auth, admin, staff):
    writer = make_user("wanglei", display_name="王磊")
    old = create_post(writer, "@xiaoli 机密价格表 看一下").post
    n = Notification.get((Notification.recipient == staff.id) & (Notification.target_id == old.id))
    auth.login(staff)
    cursor = latest_id()
    delete_post(Post.get_by_id(old.id), admin)
    new = create_post(admin, "完全无关的新帖子").post
    print("old id", old.id, "new id", new.id)
    assert new.id == old.id  # SQLite reuses the max rowid
    # the stale notification now opens a different post
    r = client.post(f"/inbox/{n.id}/read")
    print(r.status_code, r.headers.get("Location"))
    assert r.headers["Location"].endswith(f"/feed/{new.id}")
    # live poll with delete+add of the same id in one batch: new post never arrives
    body = hx(client, "get", f"/live/?after={cursor}&view=feed", target="live").get_data(as_text=True)
    print(body[:600])
    assert "完全无关的新帖子" not in body


def test_live_event_ids_restart_after_prune_of_all(client, auth, staff):
    publish(POST_ADDED, post_id=1)
    publish(POST_ADDED, post_id=2)
    high = latest_id()
    LiveEvent.delete().execute()  # what prune does after a quiet day
    post = create_post(staff, "周一早上的新帖").post
    print("cursor before", high, "new latest", latest_id())
    assert latest_id() <= high
    auth.login(make_user("other"))
    r = hx(client, "get", f"/live/?after={high}&view=feed", target="live")
    assert r.status_code == 204  # an open page never learns of the new post


def test_fts_after_cascade(client, auth, staff, admin):
    p = create_post(staff, "普通帖子").post
    add_comment(p, admin, "独一无二的评论内容")
    delete_post(Post.get_by_id(p.id), staff)
    from office.db import db
    rows = db.execute_sql("SELECT rowid FROM comment_search WHERE body LIKE '%独一无二%'").fetchall()
    print("stale fts rows", rows)


def test_home_query_count(client, auth, staff, admin):
    auth.login(staff)
    for i in range(2):
        p = create_post(admin, f"帖子 {i}").post
        add_comment(p, staff, "评论")
    with count_queries() as c1:
        client.get("/")
    for i in range(12):
        p = create_post(make_user(), f"帖子 x{i}").post
        add_comment(p, make_user(), "评论")
    with count_queries() as c2:
        client.get("/")
    print("queries", c1.count, c2.count)
    with count_queries() as c3:
        hx(client, "get", "/live/?after=0&view=feed", target="live")
    print("live", c3.count)
