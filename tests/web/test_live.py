"""Live updates by server-sent events: a `live` event whose id is the new cursor and whose
data are out-of-band fragments rendered for the viewer, only for posts they may see.

Tests run the stream with LIVE_STREAM_SECONDS = 0: it checks once and ends, so the test
client reads it whole; the e2e tests run it for real under gunicorn's gevent workers.
"""

import pytest
from playhouse.test_utils import assert_query_count

from office.feed.posts import add_comment, create_post, delete_post, set_like
from office.live.events import latest_id
from tests.factories import make_department, make_user


@pytest.fixture
def people(admin):
    ops = make_department("运营部")
    return {
        "ops": ops,
        "me": make_user("hejing", display_name="何静"),
        "writer": make_user("wanglei", department=ops, display_name="王磊"),
    }


class Events:
    """What the stream sent: the `live` events' data, and the last event id (cursor.top)."""

    def __init__(self, response):
        assert response.status_code == 200 and response.mimetype == "text/event-stream"
        self.ids, self.data, chunk = [], [], []
        for line in response.get_data(as_text=True).split("\n"):
            if line.startswith("id: "):
                self.ids.append(line[4:])
            elif line.startswith("data: "):
                chunk.append(line[6:])
            elif not line and chunk:
                self.data.append("\n".join(chunk))
                chunk = []

    def get_data(self, as_text=True):
        return "\n".join(self.data)

    @property
    def cursor(self) -> int:
        return int(self.ids[-1].split(".")[0])

    @property
    def top(self) -> int:
        return int(self.ids[-1].split(".")[1])


def poll(client, after, headers=None, **args):
    query = "&".join(f"{k}={v}" for k, v in {"after": after, **args}.items())
    return Events(client.get(f"/live/?{query}", headers=headers or {}, buffered=True))


def cursor_of(events: Events) -> int:
    return events.cursor


def test_nothing_new_sends_no_event(client, auth, people):
    auth.login(people["me"])
    response = client.get(f"/live/?after={latest_id()}&view=feed", buffered=True)
    assert response.headers["Cache-Control"] == "no-cache"
    assert Events(response).data == [] and "event: live" not in response.get_data(as_text=True)


def test_new_visible_post_arrives_with_the_new_cursor(client, auth, people):
    auth.login(people["me"])
    start = latest_id()
    post = create_post(people["writer"], "直播间今晚加场").post
    events = poll(client, start, view="feed")
    body = events.get_data()
    assert len(events.data) == 1 and "<html" not in body
    assert 'hx-swap-oob="afterbegin:#feed-posts"' in body and f'id="post-{post.id}"' in body
    assert events.cursor == latest_id()
    assert poll(client, events.cursor, view="feed").data == []


def test_post_outside_scope_never_arrives_but_the_cursor_moves(client, auth, people):
    auth.login(people["me"])
    start = latest_id()
    create_post(people["writer"], "运营部内部消息", scope="departments", departments=[people["ops"]])
    events = poll(client, start, view="feed")
    assert "运营部内部消息" not in events.get_data() and "afterbegin" not in events.get_data()
    assert events.cursor == latest_id()


def test_filters_apply_to_new_posts(client, auth, people):
    auth.login(people["me"])
    start = latest_id()
    create_post(people["writer"], "别人的动态")
    body = poll(client, start, view="feed", show="mine").get_data()
    assert "别人的动态" not in body


def test_comments_likes_and_deletes_update_the_cards(client, auth, people):
    post = create_post(people["writer"], "新品上架").post
    auth.login(people["me"])
    start = latest_id()
    add_comment(post, people["writer"], "补充：库存500件")
    set_like(post, people["writer"], True)
    body = poll(client, start, view="feed").get_data()
    assert f'id="post-{post.id}-stats" hx-swap-oob="true"' in body
    assert f'id="post-{post.id}-comment-list" hx-swap-oob="true"' in body and "库存500件" in body
    assert "afterbegin" not in body  # an old post is updated in place, not added again
    start = latest_id()
    delete_post(post, people["writer"])
    body = poll(client, start, view="feed").get_data()
    assert f'<div id="post-{post.id}" hx-swap-oob="delete">' in body


def test_post_page_gets_every_comment_of_its_post_only(client, auth, people):
    post = create_post(people["writer"], "一").post
    other = create_post(people["writer"], "二").post
    auth.login(people["me"])
    start = latest_id()
    for n in range(5):
        add_comment(post, people["writer"], f"评论{n}")
    add_comment(other, people["writer"], "别的帖子")
    body = poll(client, start, view="post", post=post.id).get_data()
    assert all(f"评论{n}" in body for n in range(5)) and "别的帖子" not in body


def test_pages_without_a_feed_only_move_the_cursor(client, auth, people):
    auth.login(people["me"])
    start = latest_id()
    create_post(people["writer"], "动态")
    events = poll(client, start)
    assert "动态" not in events.get_data() and events.cursor == latest_id()


def test_every_page_carries_the_stream(client, auth, people):
    auth.login(people["me"])
    for url in ("/", "/people/", "/feed/search"):
        page = client.get(url).get_data(as_text=True)
        assert 'id="live"' in page and 'hx-ext="sse"' in page and f'sse-connect="/live/?after={latest_id()}' in page, url


def test_a_reconnecting_browser_resumes_from_last_event_id(client, auth, people):
    auth.login(people["me"])
    start = latest_id()
    first = create_post(people["writer"], "第一条").post
    events = poll(client, start, view="feed")
    second = create_post(people["writer"], "第二条").post
    # The browser reconnects to the page's original URL and says where it stopped.
    again = poll(client, start, view="feed", headers={"Last-Event-ID": events.ids[-1]})
    assert f'id="post-{second.id}"' in again.get_data() and f'id="post-{first.id}"' not in again.get_data()


def test_streams_need_a_session(client, people):
    response = client.get("/live/?after=0")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_stream_query_count_is_fixed(client, auth, people):
    auth.login(people["me"])
    start = latest_id()
    posts = [create_post(people["writer"], f"第{n}条").post for n in range(3)]
    add_comment(posts[0], people["writer"], "评论")
    poll(client, start, view="feed")
    # user, events, new posts, then likes, attachments, comments, reminders, and the work orders turned
    # from these posts (已转任务单: one query for the whole page, office/workorders/sources.py)
    with assert_query_count(8):
        poll(client, start, view="feed")
    for n in range(10):
        post = create_post(people["writer"], f"更多{n}").post
        add_comment(post, people["writer"], "评论")
        set_like(post, people["writer"], True)
    with assert_query_count(8):
        poll(client, start, view="feed")
    middle = latest_id()
    for post in posts:
        add_comment(post, people["writer"], "再评论")
    create_post(people["writer"], "最新")
    # as above, plus a second post query and card queries for the changed posts (their 已转任务单 query too)
    with assert_query_count(14):
        poll(client, middle, view="feed")


def test_a_mention_moves_my_badge_and_only_mine(client, auth, people):
    other = make_user("zhengli", display_name="郑丽")
    auth.login(people["me"])
    start = latest_id()
    create_post(people["writer"], "@郑丽 请看")
    assert "inbox-badge" not in poll(client, start).get_data()
    start = latest_id()
    create_post(people["writer"], "@何静 请看")
    body = poll(client, start).get_data()
    assert 'id="inbox-badge" class="badge"' in body and 'id="inbox-badge-tab"' in body
    assert 'hx-swap-oob="true">1</span>' in body
    assert other.id


def test_a_post_already_on_the_page_is_not_added_again(client, auth, people):
    auth.login(people["me"])
    start = latest_id()
    post = create_post(people["writer"], "刚发的").post
    # The page was rendered after this post committed (top = its id) but read its cursor before.
    body = poll(client, start, view="feed", top=post.id).get_data()
    assert "afterbegin" not in body
    newer = create_post(people["writer"], "更新的").post
    body = poll(client, start, view="feed", top=post.id).get_data()
    assert f'id="post-{newer.id}"' in body and f'id="post-{post.id}"' not in body
    assert poll(client, start, view="feed", top=post.id).top == newer.id


def test_the_home_page_carries_its_newest_post_for_the_stream(client, auth, people):
    post = create_post(people["writer"], "最新的一条").post
    auth.login(people["me"])
    page = client.get("/").get_data(as_text=True).replace("&amp;", "&")
    assert f"top={post.id}" in page and "view=feed" in page


def test_ids_are_never_reused(app, people):
    """A deleted newest post's id, or a pruned event's, never comes back (links and cursors rely on it)."""
    from office.models.live import LiveEvent

    post = create_post(people["writer"], "会被删除").post
    delete_post(post, people["writer"])
    assert create_post(people["writer"], "新的").post.id > post.id
    last = latest_id()
    LiveEvent.delete().execute()
    create_post(people["writer"], "再来")
    assert latest_id() > last


def test_the_author_s_notice_page_counts_confirmations_live(client, auth, people):
    from office.models.notices import NoticeConfirmation
    from office.notices.publishing import confirm, publish

    author = make_user("zhengli", role="head", department=people["ops"], display_name="郑丽")
    notice = publish(author, "双11值班", "正文", [people["ops"].id], needs_confirmation=True).notice
    auth.login(author)
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert f"view=notice&amp;notice={notice.id}" in page or f"view=notice&notice={notice.id}" in page
    start = latest_id()
    assert confirm(notice, people["writer"], [people["ops"].id])
    body = poll(client, start, view="notice", notice=notice.id).get_data()
    assert f'id="notice-{notice.id}-stats"' in body and 'hx-swap-oob="true"' in body
    assert NoticeConfirmation.select().count() == 1
    assert "1 位接收人中已有 1 位确认" in body  # 已读 1/1 (the author is not a recipient)
    assert "王磊" not in body.split("<tbody>")[1]  # confirmed: no longer among those pending
    # Another notice's page, or a reader who may not see the statistics, gets nothing.
    assert f'id="notice-{notice.id}-stats"' not in poll(client, start, view="notice", notice=notice.id + 1).get_data()
    auth.logout()
    auth.login(people["writer"])
    assert "notice-" not in poll(client, start, view="notice", notice=notice.id).get_data()


def test_a_stream_ends_by_naming_the_next_one(app, client, auth, people, monkeypatch):
    # issue 14: a stream that just ended made the browser log an error at each reconnect. It now
    # says goodbye with the URL to reconnect to (static/js/office.js opens it), cursor included.
    from office.live import views as live_views

    watcher = live_views.Watcher()
    monkeypatch.setattr(watcher, "start", lambda app: None)
    monkeypatch.setattr(live_views, "watcher", watcher)
    app.config["LIVE_STREAM_SECONDS"] = 0.3
    auth.login(people["me"])
    start = latest_id()
    post = create_post(people["writer"], "再见之前").post
    cursor = watcher.latest = latest_id()  # what the watcher thread would have seen
    body = client.get(f"/live/?after={start}&view=feed", buffered=True).get_data(as_text=True)
    assert f'id="post-{post.id}"' in body
    live, bye = body.index("event: live"), body.index("event: bye")
    assert live < bye and body.endswith("\n\n")
    next_url = body[bye:].split("data: ", 1)[1].strip()
    assert next_url.startswith("/live/?") and f"after={cursor}&" in next_url + "&" and "view=feed" in next_url
