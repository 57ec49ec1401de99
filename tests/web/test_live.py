"""Live updates by polling: 204 when nothing changed, otherwise the new cursor and
out-of-band fragments rendered for the viewer and only for posts they may see."""
import re

import pytest
from playhouse.test_utils import assert_query_count

from office.feed.posts import add_comment, create_post, delete_post, set_like
from office.live.events import latest_id
from tests.conftest import hx
from tests.factories import make_department, make_user


@pytest.fixture
def people(admin):
    ops = make_department("运营部")
    return {
        "ops": ops,
        "me": make_user("hejing", display_name="何静"),
        "writer": make_user("wanglei", department=ops, display_name="王磊"),
    }


def poll(client, after, **args):
    query = "&".join(f"{k}={v}" for k, v in {"after": after, **args}.items())
    return hx(client, "get", f"/live/?{query}", target="live")


def cursor_of(body: str) -> int:
    return int(re.search(r'id="live"[^>]*after=(\d+)', body.replace("&amp;", "&")).group(1))


def test_nothing_new_is_204(client, auth, people):
    auth.login(people["me"])
    response = poll(client, latest_id(), view="feed")
    assert response.status_code == 204 and response.data == b""


def test_new_visible_post_arrives_with_the_new_cursor(client, auth, people):
    auth.login(people["me"])
    start = latest_id()
    post = create_post(people["writer"], "直播间今晚加场").post
    response = poll(client, start, view="feed")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'hx-swap-oob="afterbegin:#feed-posts"' in body and f'id="post-{post.id}"' in body
    assert cursor_of(body) == latest_id()
    assert poll(client, cursor_of(body), view="feed").status_code == 204


def test_post_outside_scope_never_arrives_but_the_cursor_moves(client, auth, people):
    auth.login(people["me"])
    start = latest_id()
    create_post(people["writer"], "运营部内部消息", scope="departments", departments=[people["ops"]])
    body = poll(client, start, view="feed").get_data(as_text=True)
    assert "运营部内部消息" not in body and "afterbegin" not in body
    assert cursor_of(body) == latest_id()


def test_filters_apply_to_new_posts(client, auth, people):
    auth.login(people["me"])
    start = latest_id()
    create_post(people["writer"], "别人的动态")
    body = poll(client, start, view="feed", show="mine").get_data(as_text=True)
    assert "别人的动态" not in body


def test_comments_likes_and_deletes_update_the_cards(client, auth, people):
    post = create_post(people["writer"], "新品上架").post
    auth.login(people["me"])
    start = latest_id()
    add_comment(post, people["writer"], "补充：库存500件")
    set_like(post, people["writer"], True)
    body = poll(client, start, view="feed").get_data(as_text=True)
    assert f'id="post-{post.id}-stats" hx-swap-oob="true"' in body
    assert f'id="post-{post.id}-comment-list" hx-swap-oob="true"' in body and "库存500件" in body
    assert "afterbegin" not in body  # an old post is updated in place, not added again
    start = latest_id()
    delete_post(post, people["writer"])
    body = poll(client, start, view="feed").get_data(as_text=True)
    assert f'<div id="post-{post.id}" hx-swap-oob="delete">' in body


def test_post_page_gets_every_comment_of_its_post_only(client, auth, people):
    post = create_post(people["writer"], "一").post
    other = create_post(people["writer"], "二").post
    auth.login(people["me"])
    start = latest_id()
    for n in range(5):
        add_comment(post, people["writer"], f"评论{n}")
    add_comment(other, people["writer"], "别的帖子")
    body = poll(client, start, view="post", post=post.id).get_data(as_text=True)
    assert all(f"评论{n}" in body for n in range(5)) and "别的帖子" not in body


def test_pages_without_a_feed_only_move_the_cursor(client, auth, people):
    auth.login(people["me"])
    start = latest_id()
    create_post(people["writer"], "动态")
    body = poll(client, start).get_data(as_text=True)
    assert "动态" not in body and cursor_of(body) == latest_id()


def test_every_page_carries_the_poller(client, auth, people):
    auth.login(people["me"])
    for url in ("/", "/people/", "/feed/search"):
        page = client.get(url).get_data(as_text=True)
        assert 'id="live"' in page and 'hx-trigger="every 1000ms' in page, url


def test_poll_query_count_is_fixed(client, auth, people):
    auth.login(people["me"])
    start = latest_id()
    posts = [create_post(people["writer"], f"第{n}条").post for n in range(3)]
    add_comment(posts[0], people["writer"], "评论")
    poll(client, start, view="feed")
    with assert_query_count(7):  # user, events, new posts, then likes, attachments, comments, reminders
        poll(client, start, view="feed")
    for n in range(10):
        post = create_post(people["writer"], f"更多{n}").post
        add_comment(post, people["writer"], "评论")
        set_like(post, people["writer"], True)
    with assert_query_count(7):
        poll(client, start, view="feed")
    middle = latest_id()
    for post in posts:
        add_comment(post, people["writer"], "再评论")
    create_post(people["writer"], "最新")
    with assert_query_count(12):  # as above, plus a second post query and card queries for the changed posts
        poll(client, middle, view="feed")


def test_a_mention_moves_my_badge_and_only_mine(client, auth, people):
    other = make_user("zhengli", display_name="郑丽")
    auth.login(people["me"])
    start = latest_id()
    create_post(people["writer"], "@郑丽 请看")
    assert "inbox-badge" not in poll(client, start).get_data(as_text=True)
    start = latest_id()
    create_post(people["writer"], "@何静 请看")
    body = poll(client, start).get_data(as_text=True)
    assert 'id="inbox-badge" class="badge"' in body and 'id="inbox-badge-tab"' in body
    assert 'hx-swap-oob="true">1</span>' in body
    assert other.id


def test_a_post_already_on_the_page_is_not_added_again(client, auth, people):
    auth.login(people["me"])
    start = latest_id()
    post = create_post(people["writer"], "刚发的").post
    # The page was rendered after this post committed (top = its id) but read its cursor before.
    body = poll(client, start, view="feed", top=post.id).get_data(as_text=True)
    assert "afterbegin" not in body
    newer = create_post(people["writer"], "更新的").post
    body = poll(client, start, view="feed", top=post.id).get_data(as_text=True)
    assert f'id="post-{newer.id}"' in body and f'id="post-{post.id}"' not in body
    assert f"top={newer.id}" in body.replace("&amp;", "&")


def test_the_home_page_carries_its_newest_post_for_the_poller(client, auth, people):
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
