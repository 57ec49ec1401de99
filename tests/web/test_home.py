"""The home page: the feed, my department and head, account figures for directors and admins."""
from playhouse.test_utils import assert_query_count

from office.departments.tree import update_department
from tests.factories import make_department, make_user


def test_staff_see_their_team_and_head(client, auth):
    service = make_department("客服部")
    head = make_user("zhengli", role="head", department=service, display_name="郑丽")
    update_department(service, head=head)
    me = make_user("hejing", department=service, display_name="何静")
    make_user("other", department=make_department("财务部"), display_name="杜梅")
    auth.login(me)
    page = client.get("/").get_data(as_text=True)
    assert "客服部" in page and "郑丽" in page and "杜梅" not in page
    assert "在用账号" not in page
    assert 'id="composer"' in page and 'id="feed-posts"' in page


def test_director_sees_figures_without_admin_links(client, auth):
    auth.login(make_user(role="director"))
    page = client.get("/").get_data(as_text=True)
    assert "在用账号" in page and 'href="/people/manage"' not in page


def test_admin_figures_link_to_the_admin_pages(client, auth, admin):
    auth.login(admin)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/people/manage"' in page and 'href="/audit/?action=login_failed"' in page


def test_home_query_count_does_not_grow_with_posts(client, auth):
    from office.feed.posts import add_comment, create_post, set_like

    team = make_department("客服部")
    me = make_user(department=team)
    create_post(me, "第一条")
    auth.login(me)
    client.get("/")
    # session user, departments (filter + visibility), my department with head,
    # one page of posts, then likes, attachments, comments, reminders of that page,
    # pinned notices, the live cursor, the unread badge
    # + the navigation's check of who works orders (office/orders/access.py)
    # + the task orders turned from the page's posts ("已转任务单", one query for the page).
    expected = 14
    with assert_query_count(expected):
        client.get("/")
    for n in range(12):
        author = make_user(department=team)
        result = create_post(author, f"第{n}条动态 @{me.username}", remind=[me], needs_confirmation=True)
        add_comment(result.post, me, "收到")
        set_like(result.post, author, True)
    with assert_query_count(expected):
        client.get("/")
