"""Memos: my list, creating one (quick times, office time, "remind me about this" on a post),
deleting one, and the delivery queued for its time."""
import datetime as dt
import re

import pytest
from playhouse.test_utils import assert_query_count

from office.markup import render
from office.memos.delivery import deliver
from office.models.base import utcnow
from office.models.feed import SCOPE_DEPARTMENTS, Post, PostDepartment
from office.models.notices import Memo
from tests.conftest import hx
from tests.factories import make_department, make_user

XSS = '<script>alert("m")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def people(app):
    warehouse = make_department("物流仓储部")
    return {
        "me": make_user("hejing", display_name="何静"),
        "other": make_user("hanxue", department=warehouse, display_name="韩雪"),
        "warehouse": warehouse,
    }


def _post(author, body="明天上午盘点，请留意。", department=None) -> Post:
    post = Post.create(author=author.id, body=body, body_html=render(body),
                       scope=SCOPE_DEPARTMENTS if department else "everyone")
    if department:
        PostDepartment.create(post=post, department=department)
    return post


@pytest.fixture(autouse=True)
def empty_schedule(app):
    """Immediate mode keeps huey's schedule in memory across tests; start each one empty."""
    from huey.storage import MemoryStorage

    from tasks.queue import huey

    assert huey.immediate and isinstance(huey.storage, MemoryStorage)  # never the real queue
    huey.flush()


def _scheduled_for(memo_id: int):
    from tasks.queue import huey

    return [t for t in huey.scheduled() if t.name.endswith("deliver_memo") and t.args == (memo_id,)]


def _memo_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li id="memo-(\d+)"', html)]


def test_create_at_a_chosen_office_time_without_javascript(client, auth, people):
    auth.login(people["me"])
    response = client.post("/memos/new", data={"text": "给供应商回电话", "when": "custom", "remind_at": "2099-06-01T14:05"})
    assert response.status_code == 303 and response.headers["Location"] == "/memos/"
    memo = Memo.get()
    assert memo.owner_id == people["me"].id and memo.text == "给供应商回电话" and memo.post_id is None
    assert memo.remind_at == dt.datetime(2099, 6, 1, 6, 5)  # Asia/Shanghai 14:05 = 06:05 UTC
    assert memo.delivered_at is None
    assert len(_scheduled_for(memo.id)) == 1  # delivery queued for its time, not run now
    page = client.get("/memos/").get_data(as_text=True)
    assert "给供应商回电话" in page and _memo_ids(page) == [memo.id]


@pytest.mark.parametrize("when", ["hour", "tomorrow"])
def test_quick_choices(client, auth, people, when):
    auth.login(people["me"])
    before = utcnow()
    client.post("/memos/new", data={"text": "看报表", "when": when})
    remind_at = Memo.get().remind_at
    if when == "hour":
        assert before + dt.timedelta(minutes=59) < remind_at < utcnow() + dt.timedelta(minutes=61)
    else:
        assert (remind_at.hour, remind_at.minute) == (1, 0)  # 09:00 in Shanghai
        assert dt.timedelta(0) < remind_at - before <= dt.timedelta(hours=33)


@pytest.mark.parametrize("data,field", [
    ({"text": "", "when": "hour"}, "memo-form-text"),
    ({"text": "长" * 201, "when": "hour"}, "memo-form-text"),
    ({"text": "ok", "when": "custom", "remind_at": ""}, "memo-form-remind-at"),
    ({"text": "ok", "when": "custom", "remind_at": "2001-01-01T09:00"}, "memo-form-remind-at"),
    ({"text": "ok", "when": "custom", "remind_at": "soon"}, "memo-form-remind-at"),
    ({"text": "ok", "when": "yesterday"}, "memo-form-when"),
])
def test_invalid_memo_is_refused_with_the_form(client, auth, people, data, field):
    auth.login(people["me"])
    response = hx(client, "post", "/memos/new", data=data, target="memo-form")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in body and 'id="memo-form"' in body
    assert f'id="{field}-error"' in body
    assert Memo.select().count() == 0
    assert client.post("/memos/new", data=data).status_code == 422


def test_htmx_create_on_the_memo_page_returns_a_fresh_form_and_the_list(client, auth, people):
    auth.login(people["me"])
    response = hx(client, "post", "/memos/new", data={"text": "交周报", "when": "hour"}, target="memo-form")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "HX-Request" in response.headers["Vary"]
    assert body.lstrip().startswith('<form id="memo-form"') and "交周报</textarea>" not in body  # emptied
    assert '<div id="memo-list" class="memo-list" hx-swap-oob="true">' in body
    assert _memo_ids(body) == [Memo.get().id]


def test_list_shows_only_my_memos_upcoming_then_delivered(client, auth, people):
    me = people["me"]
    now = utcnow()
    later = Memo.create(owner=me, text="晚一点", remind_at=now + dt.timedelta(hours=5))
    sooner = Memo.create(owner=me, text="早一点", remind_at=now + dt.timedelta(hours=1))
    done = Memo.create(owner=me, text="已送达", remind_at=now - dt.timedelta(hours=1))
    deliver(done.id)
    Memo.create(owner=people["other"], text="别人的", remind_at=now + dt.timedelta(hours=2))
    auth.login(me)
    body = client.get("/memos/").get_data(as_text=True)
    assert _memo_ids(body) == [sooner.id, later.id, done.id] and "别人的" not in body
    partial = hx(client, "get", "/memos/", target="memo-list").get_data(as_text=True)
    assert "<html" not in partial and partial.lstrip().startswith('<div id="memo-list"')


def test_list_query_count_does_not_grow(client, auth, people):
    me = people["me"]
    auth.login(me)
    client.get("/memos/")
    # Session user, upcoming, delivered, and the page shell's unread badge and live cursor.
    # + the navigation's check of who works orders (office/orders/access.py).
    with assert_query_count(6):
        client.get("/memos/")
    for n in range(10):
        memo = Memo.create(owner=me, text=f"备忘{n}", remind_at=utcnow() + dt.timedelta(minutes=n - 5),
                           post=_post(me) if n % 2 else None)
        deliver(memo.id)
    with assert_query_count(6):
        assert len(_memo_ids(client.get("/memos/").get_data(as_text=True))) == 10


def test_memo_text_is_escaped(client, auth, people):
    auth.login(people["me"])
    client.post("/memos/new", data={"text": XSS, "when": "hour"})
    post = _post(people["me"])
    saved = hx(client, "post", "/memos/new", data={"text": XSS, "when": "hour", "post_id": post.id},
               target=f"memo-form-post-{post.id}").get_data(as_text=True)
    for page in (client.get("/memos/").get_data(as_text=True), saved):
        assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;" in client.get("/memos/").get_data(as_text=True)


# --- "remind me about this" on a post ---------------------------------------------------------

def test_post_form_for_htmx_and_as_a_page(client, auth, people):
    post = _post(people["other"], body="**明天**上午盘点，请留意。")
    auth.login(people["me"])
    response = hx(client, "get", f"/memos/new?post={post.id}", target=f"post-{post.id}-memo")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "HX-Request" in response.headers["Vary"]
    assert body.lstrip().startswith(f'<form id="memo-form-post-{post.id}"')
    assert f'name="post_id" value="{post.id}"' in body and "明天" in body  # prefilled from the post
    assert f'id="memo-form-post-{post.id}-when"' in body  # ids stay unique among several posts
    page = client.get(f"/memos/new?post={post.id}").get_data(as_text=True)
    assert "<html" in page and f'id="memo-form-post-{post.id}"' in page


def test_post_memo_saved_with_htmx_replaces_the_form(client, auth, people):
    post = _post(people["other"])
    auth.login(people["me"])
    response = hx(client, "post", "/memos/new", data={"text": "盘点前准备", "when": "tomorrow", "post_id": post.id},
                  target=f"memo-form-post-{post.id}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith(f'<p id="memo-form-post-{post.id}"') and 'role="status"' in body
    memo = Memo.get()
    assert memo.post_id == post.id and len(_scheduled_for(memo.id)) == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_post_i_cannot_see_is_404(client, auth, people, method):
    hidden = _post(people["other"], department=people["warehouse"])
    auth.login(people["me"])
    if method == "get":
        response = client.get(f"/memos/new?post={hidden.id}")
    else:
        response = client.post("/memos/new", data={"text": "偷看", "when": "hour", "post_id": hidden.id})
    assert response.status_code == 404
    assert client.post("/memos/new", data={"text": "x", "when": "hour", "post_id": "abc"}).status_code == 404
    assert client.get("/memos/new?post=987654").status_code == 404
    assert Memo.select().count() == 0


def test_a_post_in_my_department_is_fine(client, auth, people):
    post = _post(people["me"], department=people["warehouse"])  # the author always sees their post
    auth.login(people["other"])  # in the warehouse
    assert client.get(f"/memos/new?post={post.id}").status_code == 200


# --- deleting ---------------------------------------------------------------------------------

def test_delete_my_memo(client, auth, people):
    memo = Memo.create(owner=people["me"], text="删掉我", remind_at=utcnow() + dt.timedelta(hours=1))
    second = Memo.create(owner=people["me"], text="也删掉", remind_at=utcnow() + dt.timedelta(hours=1))
    auth.login(people["me"])
    response = hx(client, "post", f"/memos/{memo.id}/delete", target=f"memo-{memo.id}")
    assert response.status_code == 200 and response.get_data(as_text=True) == ""
    response = client.post(f"/memos/{second.id}/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/memos/"
    assert Memo.select().count() == 0
    assert deliver(memo.id, now=utcnow() + dt.timedelta(hours=2)) == []  # the queued task finds nothing


def test_someone_elses_memo_is_404(client, auth, people):
    memo = Memo.create(owner=people["other"], text="别人的", remind_at=utcnow() + dt.timedelta(hours=1))
    auth.login(people["me"])
    assert client.post(f"/memos/{memo.id}/delete").status_code == 404
    assert hx(client, "post", f"/memos/{memo.id}/delete", target=f"memo-{memo.id}").status_code == 404
    assert Memo.select().count() == 1


def test_the_memo_page_works_without_javascript(client, auth, people):
    auth.login(people["me"])
    page = client.get("/memos/").get_data(as_text=True)
    form = page.split('<form id="memo-form"', 1)[1].split("</form>", 1)[0]
    assert 'method="post"' in form and 'action="/memos/new"' in form and 'name="csrf_token"' in form
    assert 'type="datetime-local"' in form and '<select' in form
