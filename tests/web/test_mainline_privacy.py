"""Mainline privacy: every mainline URL (pages and partials, GET and POST) is a 404 for a
non-member and opens for a member; a director sees every mainline without joining.

MAINLINE_URLS must list every endpoint of the mainlines blueprint that names a mainline;
test_the_list_covers_every_mainline_endpoint fails when a new one is missing.
"""
import datetime as dt

import pytest

from tests.conftest import hx
from tests.factories import make_user

# (method, url, member may): {m} mainline, {node} a node, {member} a member row, {request} a join request,
# {phase} a phase, {attachment} a file on a mainline post, {post} a mainline post.
MAINLINE_URLS = [
    ("get", "/mainlines/{m}"),
    ("get", "/mainlines/{m}/board"),
    ("get", "/mainlines/{m}/members"),
    ("get", "/mainlines/{m}/timeline"),
    ("get", "/mainlines/{m}/figures"),
    ("get", "/mainlines/{m}/export.csv"),
    ("get", "/mainlines/{m}/edit"),
    ("post", "/mainlines/{m}/edit"),
    ("post", "/mainlines/{m}/phases"),
    ("post", "/mainlines/{m}/phases/{phase}"),
    ("post", "/mainlines/{m}/phases/{phase}/delete"),
    ("post", "/mainlines/{m}/save-template"),
    ("post", "/mainlines/{m}/posts"),
    ("get", "/mainlines/{m}/nodes/new"),
    ("post", "/mainlines/{m}/nodes/new"),
    ("get", "/mainlines/{m}/nodes/{node}"),
    ("get", "/mainlines/{m}/nodes/{node}/edit"),
    ("post", "/mainlines/{m}/nodes/{node}/edit"),
    ("post", "/mainlines/{m}/nodes/{node}/move"),
    ("post", "/mainlines/{m}/nodes/{node}/assign"),
    ("post", "/mainlines/{m}/nodes/{node}/delete"),
    ("post", "/mainlines/{m}/members"),
    ("post", "/mainlines/{m}/members/{member}/role"),
    ("post", "/mainlines/{m}/members/{member}/remove"),
    ("post", "/mainlines/{m}/follow"),
    ("post", "/mainlines/{m}/join-link"),
    ("post", "/mainlines/{m}/requests/{request}"),
    # The mainline's posts and files, through the feed's own URLs.
    ("get", "/feed/{post}"),
    ("get", "/feed/{post}/card"),
    ("post", "/feed/{post}/comments"),
    ("post", "/feed/{post}/like"),
    ("get", "/feed/files/{attachment}/plan.png"),
]
MAINLINE_ENDPOINTS = {
    "mainlines.show", "mainlines.board", "mainlines.members", "mainlines.timeline", "mainlines.figures",
    "mainlines.export", "mainlines.edit", "mainlines.phase_add", "mainlines.phase_rename", "mainlines.phase_delete",
    "mainlines.save_template", "mainlines.post", "mainlines.node_new", "mainlines.node", "mainlines.node_edit",
    "mainlines.node_move", "mainlines.node_assign", "mainlines.node_delete", "mainlines.invite",
    "mainlines.member_role", "mainlines.member_remove", "mainlines.follow", "mainlines.join_link",
    "mainlines.decide",
}
# Not about one mainline: the overview, templates, starting one, and the join link (its token is the secret).
OTHER_ENDPOINTS = {"mainlines.index", "mainlines.template_list", "mainlines.create", "mainlines.join"}
MEMBER_GETS = [u for u in MAINLINE_URLS if u[0] == "get"]
# Pages for those who manage the mainline: a member who does not gets 403 (it exists for them).
MANAGER_PAGES = {"/mainlines/{m}/edit", "/mainlines/{m}/nodes/new", "/mainlines/{m}/nodes/{node}/edit"}


@pytest.fixture
def world(app):
    """A mainline from the 新品上架 template with a member, a progress post with a file, a join request."""
    from office.mainlines import membership, plan_templates, progress
    from office.models.feed import Attachment
    from office.models.mainlines import Member, Node, Phase

    owner = make_user("owner1", role="head", display_name="王磊")
    member = make_user("member1", display_name="黄婷")
    outsider = make_user("outsider1", display_name="路人甲")
    asker = make_user("asker1", display_name="申请人")
    mainline = plan_templates.instantiate(plan_templates.BUILT_IN["launch"], owner, "新品上架：冬季卫衣", dt.date(2026, 12, 1))
    membership.invite(mainline, owner, [member])
    request, _ids = membership.request_to_join(mainline, asker, "想参与")
    post = progress.post_progress(mainline, member, "素材进度 50%").post
    attachment = Attachment.create(post=post, uploaded_by=member, file_name="plan.png", stored_name="p.png",
                                   content_type="image/png", size=8, is_image=True)
    from office.uploads import path_of

    path_of("p.png").parent.mkdir(parents=True, exist_ok=True)
    path_of("p.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    targets = {
        "m": mainline.id, "node": Node.select().where(Node.mainline == mainline.id).first().id,
        "member": Member.get((Member.mainline == mainline.id) & (Member.user == member.id)).id,
        "request": request.id, "phase": Phase.select().where(Phase.mainline == mainline.id).first().id,
        "post": post.id, "attachment": attachment.id,
    }
    return {"owner": owner, "member": member, "outsider": outsider, "mainline": mainline, "targets": targets}


def test_the_list_covers_every_mainline_endpoint(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("mainlines.")}
    assert endpoints == MAINLINE_ENDPOINTS | OTHER_ENDPOINTS


@pytest.mark.parametrize("method,url", MAINLINE_URLS)
@pytest.mark.parametrize("as_htmx", [False, True], ids=["page", "partial"])
def test_non_member_gets_404_everywhere(client, auth, world, method, url, as_htmx):
    auth.login(world["outsider"])
    url = url.format(**world["targets"])
    response = hx(client, method, url, target="main") if as_htmx else client.open(url, method=method.upper())
    assert response.status_code == 404, url
    assert "冬季卫衣" not in response.get_data(as_text=True)


@pytest.mark.parametrize("method,url", MEMBER_GETS)
@pytest.mark.parametrize("as_htmx", [False, True], ids=["page", "partial"])
def test_member_opens_everything(client, auth, world, method, url, as_htmx):
    auth.login(world["member"])
    formatted = url.format(**world["targets"])
    response = (hx(client, method, formatted, target="main") if as_htmx
                else client.open(formatted, method=method.upper()))
    assert response.status_code == (403 if url in MANAGER_PAGES else 200), formatted
    response.close()  # a file is sent from disk
    if url in MANAGER_PAGES:
        auth.logout()
        auth.login(world["owner"])
        assert client.get(formatted).status_code == 200, formatted


def test_admins_are_not_directors_here(client, auth, world):
    """Privacy is for members and directors: an administrator outside the mainline gets 404 too."""
    auth.login(make_user(role="admin"))
    assert client.get(f"/mainlines/{world['mainline'].id}").status_code == 404
    assert "冬季卫衣" not in client.get("/mainlines/").get_data(as_text=True)


@pytest.mark.parametrize("method,url", MEMBER_GETS)
def test_a_director_sees_every_mainline(client, auth, world, method, url):
    auth.login(make_user(role="director"))
    response = client.open(url.format(**world["targets"]), method="GET")
    assert response.status_code == 200
    response.close()


def test_non_member_sees_it_nowhere_else(client, auth, world):
    """Not in the overview, the home feed, search, the @mention-free live stream, or a reminder."""
    auth.login(world["outsider"])
    hits = client.get("/feed/search?q=素材进度").get_data(as_text=True)
    assert f'id="post-{world["targets"]["post"]}"' not in hits
    for url in ("/mainlines/", "/", "/live/?after=0&view=feed",
                "/live/?after=0&view=overview", f"/live/?after=0&view=mainline&mainline={world['mainline'].id}",
                f"/live/?after=0&view=board&mainline={world['mainline'].id}"):
        body = client.get(url, buffered=True).get_data(as_text=True)
        assert "素材进度" not in body and "冬季卫衣" not in body, url


def test_member_sees_it_in_the_feed_search_and_overview(client, auth, world):
    auth.login(world["owner"])
    assert "素材进度" in client.get("/").get_data(as_text=True)
    assert "素材进度" in client.get("/feed/search?q=素材进度").get_data(as_text=True)
    assert "冬季卫衣" in client.get("/mainlines/").get_data(as_text=True)


def test_leaving_takes_the_posts_away_even_your_own(client, auth, world):
    from office.mainlines import membership
    from office.models.mainlines import Member

    row = Member.get((Member.mainline == world["mainline"].id) & (Member.user == world["member"].id))
    membership.remove(row, world["member"])
    auth.login(world["member"])
    assert client.get(f"/feed/{world['targets']['post']}").status_code == 404
    assert client.get(f"/mainlines/{world['mainline'].id}").status_code == 404
    assert "素材进度" not in client.get("/").get_data(as_text=True)


def test_only_members_can_be_reminded_on_a_mainline_post(client, auth, world):
    auth.login(world["owner"])
    response = client.post(f"/mainlines/{world['mainline'].id}/posts",
                           data={"body": "请确认", "remind": world["outsider"].username})
    assert response.status_code == 422
    assert "路人甲" in response.get_data(as_text=True)
    from office.models.feed import PostRecipient

    assert not PostRecipient.select().where(PostRecipient.user == world["outsider"].id).exists()


def test_mentioning_an_outsider_tells_them_nothing(client, auth, world):
    from office.models.inbox import Notification

    auth.login(world["owner"])
    assert client.post(f"/mainlines/{world['mainline'].id}/posts",
                       data={"body": "@路人甲 看看"}).status_code == 303
    assert not Notification.select().where(Notification.recipient == world["outsider"].id).exists()
