"""A mainline's members page and joining: invitations, roles, removing and leaving, follow
levels, the join link and join requests; who may open or change what."""
import datetime as dt
import html
from types import SimpleNamespace

import pytest
from flask_babel import force_locale, gettext
from playhouse.test_utils import assert_query_count

from app import create_app
from office.mainlines import membership
from office.mainlines.plans import create_mainline
from office.models.inbox import KIND_MAINLINE_JOIN, KIND_MAINLINE_REQUEST, Notification
from office.models.mainlines import FOLLOW_ALL, FOLLOW_KEY, JoinRequest, Mainline, Member
from tests.conftest import TEST_PASSWORD, IsolatedClient, hx
from tests.factories import make_department, make_user
from tests.inert import page_problems

EVENT = dt.date(2026, 11, 11)


@pytest.fixture
def team(app):
    """陈嘉慧 owns 双11大促, 王磊 is a member; 郑丽 and 赵强 are outside; 周总 is a director."""
    ops = make_department("运营部")
    owner = make_user("chenjia", display_name="陈嘉慧", department=ops)
    member = make_user("wanglei", display_name="王磊", department=ops)
    outsider = make_user("zhengli", display_name="郑丽")
    other = make_user("zhaoqiang", display_name="赵强")
    director = make_user("zhouzong", role="director", display_name="周总")
    mainline = create_mainline(owner, "双11大促", EVENT)
    membership.invite(mainline, owner, [member])
    return SimpleNamespace(owner=owner, member=member, outsider=outsider, other=other, director=director,
                           mainline=mainline, ops=ops)


def _row(mainline, user):
    return Member.get_or_none((Member.mainline == mainline.id) & (Member.user == user.id))


def _url(team, suffix=""):
    return f"/mainlines/{team.mainline.id}{suffix}"


def zh(app, text: str, **values) -> str:
    """``text`` as the (Chinese) pages show it, escaped, whatever the catalog holds today."""
    with app.test_request_context(), force_locale("zh_CN"):
        return html.escape(gettext(text, **values), quote=False)


def _join_url(mainline_id):
    return f"/mainlines/join/{Mainline.get_by_id(mainline_id).join_token}"


# --- the page -------------------------------------------------------------------------------

def test_members_page_lists_members_for_everyone_and_tools_for_managers(client, auth, team):
    auth.login(team.owner)
    page = client.get(_url(team, "/members")).get_data(as_text=True)
    assert "陈嘉慧" in page and "王磊" in page and "运营部" in page
    assert 'id="invite-people"' in page and f'id="member-{_row(team.mainline, team.member).id}-role"' in page
    assert "/mainlines/join/" + team.mainline.join_token in page and "http://" in page  # absolute link
    assert 'id="my-follow"' in page
    mine = _row(team.mainline, team.owner)
    assert _url(team, f"/members/{mine.id}/remove") not in page  # the only owner cannot leave

    auth.logout()
    auth.login(team.member)
    page = client.get(_url(team, "/members")).get_data(as_text=True)
    assert "陈嘉慧" in page and "王磊" in page
    assert 'id="invite-people"' not in page and "-role\"" not in page and "/join/" not in page
    assert 'id="my-follow"' in page and _url(team, f"/members/{_row(team.mainline, team.member).id}/remove") in page


def test_members_partial_for_htmx(client, auth, team):
    auth.login(team.member)
    response = hx(client, "get", _url(team, "/members"), target="mainline-members")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert '<div id="mainline-members"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_director_outside_sees_and_manages_but_has_no_follow_level(app, client, auth, team):
    auth.login(team.director)
    page = client.get(_url(team, "/members")).get_data(as_text=True)
    assert 'id="invite-people"' in page and 'id="my-follow"' not in page
    refused = client.post(_url(team, "/follow"), data={"follow": FOLLOW_ALL})
    message = zh(app, "Only members follow a mainline. Add yourself as a member first.")
    assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    toast = hx(client, "post", _url(team, "/follow"), data={"follow": FOLLOW_ALL})
    assert toast.status_code == 400 and toast.headers["HX-Retarget"] == "#toasts"


# --- invitations ----------------------------------------------------------------------------

def test_invite_by_username_and_display_name_tells_them(client, auth, team):
    auth.login(team.owner)
    response = client.post(_url(team, "/members"), data={"people": "zhengli、@赵强", "role": "viewer"})
    assert response.status_code == 303 and response.headers["Location"].endswith(_url(team, "/members"))
    assert _row(team.mainline, team.outsider).role == "viewer" and _row(team.mainline, team.other).role == "viewer"
    told = Notification.select().where((Notification.kind == KIND_MAINLINE_JOIN)
                                       & (Notification.recipient == team.outsider.id)).get()
    assert told.target_type == "mainline" and told.target_id == team.mainline.id
    auth.logout()
    auth.login(team.outsider)
    assert "双11大促" in client.get("/inbox/").get_data(as_text=True)
    assert client.get(_url(team, "/members")).status_code == 200


def test_invite_with_htmx_returns_the_section_with_the_new_member(client, auth, team):
    auth.login(team.owner)
    response = hx(client, "post", _url(team, "/members"), data={"people": "郑丽", "role": "member"},
                  target="mainline-members")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "郑丽" in body
    assert 'value="郑丽"' not in body  # a fresh form
    assert _row(team.mainline, team.outsider).role == "member"


def test_invite_unknown_name_is_a_field_error(client, auth, team):
    auth.login(team.owner)
    response = client.post(_url(team, "/members"), data={"people": "郑丽 张三丰", "role": "member"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "张三丰" in body and 'id="invite-people-error"' in body
    assert _row(team.mainline, team.outsider) is None  # nobody added when one name is wrong
    partial = hx(client, "post", _url(team, "/members"), data={"people": "张三丰", "role": "member"})
    assert partial.status_code == 422 and "<html" not in partial.get_data(as_text=True)


def test_inviting_members_again_is_refused(app, client, auth, team):
    auth.login(team.owner)
    response = client.post(_url(team, "/members"), data={"people": "wanglei", "role": "member"})
    assert response.status_code == 422 and zh(app, "They are already members.") in response.get_data(as_text=True)


# --- roles ----------------------------------------------------------------------------------

def test_role_change_and_the_last_owner_stays(client, auth, team):
    auth.login(team.owner)
    mine, theirs = _row(team.mainline, team.owner), _row(team.mainline, team.member)
    refused = client.post(_url(team, f"/members/{mine.id}/role"), data={"role": "member"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and f'id="member-{mine.id}-role-error"' in body
    assert _row(team.mainline, team.owner).role == "owner"

    response = hx(client, "post", _url(team, f"/members/{theirs.id}/role"), data={"role": "viewer"})
    assert response.status_code == 200 and _row(team.mainline, team.member).role == "viewer"
    assert client.post(_url(team, f"/members/{theirs.id}/role"), data={"role": "owner"}).status_code == 303
    assert _row(team.mainline, team.member).role == "owner"
    # With a second owner the first may step down; then they manage no more.
    stepped = hx(client, "post", _url(team, f"/members/{mine.id}/role"), data={"role": "member"})
    assert stepped.status_code == 200 and 'id="invite-people"' not in stepped.get_data(as_text=True)
    assert Mainline.get_by_id(team.mainline.id).owner_id == team.member.id
    assert client.post(_url(team, f"/members/{theirs.id}/role"), data={"role": "viewer"}).status_code == 403


def test_unknown_role_is_422(client, auth, team):
    auth.login(team.owner)
    theirs = _row(team.mainline, team.member)
    assert client.post(_url(team, f"/members/{theirs.id}/role"), data={"role": "king"}).status_code == 422
    assert _row(team.mainline, team.member).role == "member"


# --- removing and leaving -------------------------------------------------------------------

def test_owner_removes_a_member_who_then_gets_404(client, auth, team):
    auth.login(team.owner)
    theirs = _row(team.mainline, team.member)
    response = client.post(_url(team, f"/members/{theirs.id}/remove"))
    assert response.status_code == 303 and _row(team.mainline, team.member) is None
    auth.logout()
    auth.login(team.member)
    assert client.get(_url(team)).status_code == 404
    assert client.get(_url(team, "/members")).status_code == 404


def test_member_leaves_and_lands_on_the_overview(client, auth, team):
    auth.login(team.member)
    mine = _row(team.mainline, team.member)
    response = hx(client, "post", _url(team, f"/members/{mine.id}/remove"), target="mainline-members")
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/mainlines/"
    assert _row(team.mainline, team.member) is None
    assert client.get(_url(team)).status_code == 404
    assert client.get(_url(team, "/members")).status_code == 404


def test_member_leaves_without_javascript(client, auth, team):
    auth.login(team.member)
    response = client.post(_url(team, f"/members/{_row(team.mainline, team.member).id}/remove"))
    assert response.status_code == 303 and response.headers["Location"].endswith("/mainlines/")


def test_the_last_owner_cannot_leave(app, client, auth, team):
    auth.login(team.owner)
    mine = _row(team.mainline, team.owner)
    response = client.post(_url(team, f"/members/{mine.id}/remove"))
    message = zh(app, "A mainline needs an owner: make someone else owner first.")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _row(team.mainline, team.owner) is not None


def test_a_member_cannot_remove_someone_else(client, auth, team):
    auth.login(team.member)
    owner_row = _row(team.mainline, team.owner)
    assert client.post(_url(team, f"/members/{owner_row.id}/remove")).status_code == 403
    assert _row(team.mainline, team.owner) is not None


# --- following ------------------------------------------------------------------------------

def test_follow_level_is_saved(client, auth, team):
    auth.login(team.member)
    assert _row(team.mainline, team.member).follow == FOLLOW_KEY
    response = hx(client, "post", _url(team, "/follow"), data={"follow": FOLLOW_ALL}, target="mainline-members")
    assert response.status_code == 200 and '<option selected value="all">' in response.get_data(as_text=True)
    assert _row(team.mainline, team.member).follow == FOLLOW_ALL
    assert client.post(_url(team, "/follow"), data={"follow": "none"}).status_code == 303
    assert _row(team.mainline, team.member).follow == "none"
    assert client.post(_url(team, "/follow"), data={"follow": "loud"}).status_code == 422
    assert _row(team.mainline, team.member).follow == "none"


# --- the join link --------------------------------------------------------------------------

def test_join_link_request_accept(app, client, auth, team):
    link = _join_url(team.mainline.id)
    auth.login(team.outsider)
    assert client.get(_url(team, "/members")).status_code == 404
    page = client.get(link).get_data(as_text=True)
    assert "双11大促" in page and "陈嘉慧" in page and 'id="join-message"' in page
    response = client.post(link, data={"message": "我负责直播间"})
    assert response.status_code == 303 and response.headers["Location"].endswith(link)
    waiting = client.get(link).get_data(as_text=True)
    assert zh(app, "Your request is waiting for the owner. You will be told in your inbox.") in waiting
    assert 'id="join-message"' not in waiting
    request = JoinRequest.get()
    asked = Notification.get((Notification.kind == KIND_MAINLINE_REQUEST))
    assert asked.recipient_id == team.owner.id and "郑丽" in asked.excerpt
    assert client.get(_url(team, "/members")).status_code == 404  # asking is not joining

    auth.logout()
    auth.login(team.owner)
    page = client.get(_url(team, "/members")).get_data(as_text=True)
    assert f'id="join-request-{request.id}"' in page and "我负责直播间" in page
    response = hx(client, "post", _url(team, f"/requests/{request.id}"), data={"accept": "1"},
                  target="mainline-members")
    assert response.status_code == 200 and f'id="join-request-{request.id}"' not in response.get_data(as_text=True)
    assert _row(team.mainline, team.outsider).role == "member"
    assert Notification.select().where((Notification.recipient == team.outsider.id)
                                       & (Notification.kind == KIND_MAINLINE_JOIN)).count() == 1

    auth.logout()
    auth.login(team.outsider)
    assert client.get(_url(team, "/members")).status_code == 200
    # A member who opens the link again goes straight to the mainline.
    again = client.get(link)
    assert again.status_code == 303 and again.headers["Location"].endswith(_url(team))


def test_declined_request_stays_outside(client, auth, team):
    link = _join_url(team.mainline.id)
    auth.login(team.outsider)
    client.post(link, data={"message": ""})
    auth.logout()
    auth.login(team.owner)
    request = JoinRequest.get()
    assert client.post(_url(team, f"/requests/{request.id}"), data={"accept": "0"}).status_code == 303
    assert _row(team.mainline, team.outsider) is None
    # Deciding again changes nothing.
    assert client.post(_url(team, f"/requests/{request.id}"), data={"accept": "1"}).status_code == 303
    assert _row(team.mainline, team.outsider) is None
    auth.logout()
    auth.login(team.outsider)
    assert client.get(_url(team, "/members")).status_code == 404
    assert client.get(_url(team)).status_code == 404


def test_switched_off_and_renewed_links(app, client, auth, team):
    old = _join_url(team.mainline.id)
    auth.login(team.owner)
    response = hx(client, "post", _url(team, "/join-link"), data={"enabled": "0"}, target="mainline-members")
    off = zh(app, "The join link is off: only people you invite can join.")
    assert response.status_code == 200 and off in response.get_data(as_text=True)
    assert Mainline.get_by_id(team.mainline.id).join_token == ""
    auth.logout()
    auth.login(team.outsider)
    assert client.get(old).status_code == 404
    assert client.post(old, data={"message": ""}).status_code == 404

    auth.logout()
    auth.login(team.owner)
    assert client.post(_url(team, "/join-link"), data={"enabled": "1"}).status_code == 303
    new = _join_url(team.mainline.id)
    assert new != old
    page = client.get(_url(team, "/members")).get_data(as_text=True)
    assert new in page
    auth.logout()
    auth.login(team.outsider)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/mainlines/join/not-a-token").status_code == 404


# --- access ---------------------------------------------------------------------------------

def _endpoints(team):
    """Every URL of this module but ``join``, with the method it answers."""
    member_row = _row(team.mainline, team.member)
    request = JoinRequest.create(mainline=team.mainline, user=team.other)
    return [
        ("get", _url(team, "/members"), None),
        ("post", _url(team, "/members"), {"people": "wanglei", "role": "member"}),
        ("post", _url(team, f"/members/{member_row.id}/role"), {"role": "viewer"}),
        ("post", _url(team, f"/members/{member_row.id}/remove"), {}),
        ("post", _url(team, "/follow"), {"follow": "all"}),
        ("post", _url(team, "/join-link"), {"enabled": "0"}),
        ("post", _url(team, f"/requests/{request.id}"), {"accept": "1"}),
    ]


def test_non_member_gets_404_everywhere_but_join(client, auth, team):
    endpoints = _endpoints(team)
    auth.login(team.outsider)
    for method, url, data in endpoints:
        assert client.open(url, method=method.upper(), data=data).status_code == 404, url
        response = hx(client, method, url, target="mainline-members", data=data)
        assert response.status_code == 404 and "<html" not in response.get_data(as_text=True), url
    assert _row(team.mainline, team.member).role == "member"
    assert Mainline.get_by_id(team.mainline.id).join_token
    assert client.get(_join_url(team.mainline.id)).status_code == 200


def test_member_who_is_not_manager_gets_403_on_managers_actions(client, auth, team):
    owner_row = _row(team.mainline, team.owner)
    request = JoinRequest.create(mainline=team.mainline, user=team.other)
    auth.login(team.member)
    for url, data in [
        (_url(team, "/members"), {"people": "zhengli", "role": "member"}),
        (_url(team, f"/members/{owner_row.id}/role"), {"role": "viewer"}),
        (_url(team, f"/members/{owner_row.id}/remove"), {}),
        (_url(team, "/join-link"), {"enabled": "0"}),
        (_url(team, f"/requests/{request.id}"), {"accept": "1"}),
    ]:
        assert client.post(url, data=data).status_code == 403, url
        assert hx(client, "post", url, data=data).status_code == 403, url
    assert _row(team.mainline, team.outsider) is None and _row(team.mainline, team.owner).role == "owner"
    assert JoinRequest.get_by_id(request.id).decided_at is None


def test_objects_of_another_mainline_are_404(client, auth, team):
    elsewhere = create_mainline(team.outsider, "年货节", EVENT)
    their_row = _row(elsewhere, team.outsider)
    their_request = JoinRequest.create(mainline=elsewhere, user=team.other)
    auth.login(team.owner)
    assert client.post(_url(team, f"/members/{their_row.id}/role"), data={"role": "viewer"}).status_code == 404
    assert client.post(_url(team, f"/members/{their_row.id}/remove")).status_code == 404
    assert client.post(_url(team, f"/requests/{their_request.id}"), data={"accept": "1"}).status_code == 404
    assert _row(elsewhere, team.outsider).role == "owner" and _row(elsewhere, team.other) is None


def test_csrf_token_is_required(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    client = app.test_client()
    with app.app_context():
        owner = make_user("chenjia", display_name="陈嘉慧")
        make_user("zhengli", display_name="郑丽")
        mainline = create_mainline(owner, "双11大促", EVENT)
        login_page = client.get("/login").get_data(as_text=True)
        token = login_page.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"username": "chenjia", "password": TEST_PASSWORD, "csrf_token": token})
        url = f"/mainlines/{mainline.id}/members"
        refused = client.post(url, data={"people": "zhengli", "role": "member"})
        assert refused.status_code == 400
        assert Member.select().where(Member.mainline == mainline.id).count() == 1
        page = client.get(url).get_data(as_text=True)
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        assert client.post(url, data={"people": "zhengli", "role": "member", "csrf_token": token}).status_code == 303
        assert Member.select().where(Member.mainline == mainline.id).count() == 2


# --- cost and safety ------------------------------------------------------------------------

def test_members_page_query_count_does_not_grow(client, auth, team):
    auth.login(team.owner)
    client.get(_url(team, "/members"))
    # Session user, mainline, my membership, owner (header), members, pending requests, unread badge, live cursor.
    # + the navigation's check of who works orders (office/orders/access.py).
    with assert_query_count(9):
        client.get(_url(team, "/members"))
    more = [make_user(display_name=f"同事{n}", department=team.ops) for n in range(6)]
    membership.invite(team.mainline, team.owner, more[:3])
    for person in more[3:]:
        membership.request_to_join(team.mainline, person, "想加入")
    with assert_query_count(9):
        page = client.get(_url(team, "/members")).get_data(as_text=True)
    assert page.count('class="member"') == 2 + 3 + 3


def test_script_in_names_is_escaped(client, auth, team):
    evil = make_user("evil", display_name="<script>alert(1)</script>")
    asker = make_user("asker", display_name="<img src=x onerror=alert(1)>")
    membership.invite(team.mainline, team.owner, [evil])
    membership.request_to_join(team.mainline, asker, "<b onmouseover=alert(1)>hi</b>")
    auth.login(team.owner)
    page = client.get(_url(team, "/members")).get_data(as_text=True)
    assert not page_problems(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x" in page
    partial = hx(client, "get", _url(team, "/members")).get_data(as_text=True)
    assert not page_problems(partial)
    auth.logout()
    # The join page shows the owner's name: also escaped.
    team.owner.display_name = "<script>alert(2)</script>"
    team.owner.save()
    auth.login(team.outsider)
    join_page = client.get(_join_url(team.mainline.id)).get_data(as_text=True)
    assert not page_problems(join_page) and "&lt;script&gt;alert(2)" in join_page

