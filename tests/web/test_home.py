"""The home page: my team for everyone, account figures for directors and admins."""
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
    assert "我的团队：客服部" in page and "郑丽" in page and "杜梅" not in page
    assert "在用账号" not in page


def test_director_sees_figures_without_admin_links(client, auth):
    auth.login(make_user(role="director"))
    page = client.get("/").get_data(as_text=True)
    assert "在用账号" in page and 'href="/people/manage"' not in page


def test_admin_figures_link_to_the_admin_pages(client, auth, admin):
    auth.login(admin)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/people/manage"' in page and 'href="/audit/?action=login_failed"' in page


def test_home_query_count_does_not_grow_with_the_team(client, auth):
    team = make_department("客服部")
    me = make_user(department=team)
    auth.login(me)
    with assert_query_count(3):  # session user, my department with head, my team
        client.get("/")
    for _ in range(10):
        make_user(department=team)
    with assert_query_count(3):
        client.get("/")
