"""Feed rules without HTTP: Markdown-lite, mentions and pinyin, upload checks, the
scope plug-in for mainlines, live-event pruning."""
import datetime as dt
import io

import pytest
from werkzeug.datastructures import FileStorage

from office import markup
from office import uploads
from office.feed import mentions, visibility
from office.uploads import UploadError
from office.feed.posts import PostError, create_post
from office.feed.visibility import can_see, register_scope
from office.models.base import utcnow
from office.models.feed import SCOPE_MAINLINE, Post
from office.models.live import LiveEvent
from office.models.people import romanize
from tests.factories import make_department, make_user


@pytest.mark.parametrize("name,full,initials", [
    ("陈建华", "chenjianhua", "cjh"), ("王磊", "wanglei", "wl"), ("Alice 王", "alicewang", "alicew"),
    ("何静2", "hejing2", "hj2"), ("", "", ""),
])
def test_romanize_gives_pinyin_and_initials(name, full, initials):
    assert romanize(name) == (full, initials)


def test_markup_keeps_only_the_allowed_tags():
    html = markup.render("**粗** *斜*\n\n- 一\n1. 二\n\n[站内](https://shop.example.cn) `代码`\n# 标题\n> 引用\n<b>原样</b>")
    assert "<strong>粗</strong>" in html and "<em>斜</em>" in html and "<li>一</li>" in html
    assert "<h1" not in html and "<blockquote" not in html and "<b>" not in html and "&lt;b&gt;" in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_excerpt_collapses_whitespace_and_cuts():
    assert markup.excerpt("  a\n\n b  ") == "a b"
    assert markup.excerpt("字" * 200, 10) == "字" * 9 + "…"


def test_mentions_resolve_the_longest_name_and_skip_ambiguous_ones(app):
    make_user("lina", display_name="李娜")
    make_user("lina2", display_name="李娜")
    make_user("wangl", display_name="王磊")
    text, people = mentions.resolve("@王磊你好 @李娜 @lina2 a@b.com")
    assert {p.username for p in people} == {"wangl", "lina2"}
    assert "[@王磊](/people/wangl)你好" in text and "@李娜 " in text and "a@b.com" in text


def test_find_people_reports_unknown_names(app):
    make_user("hejing", display_name="何静")
    people, unknown = mentions.find_people("@何静, nobody、 何静")
    assert [p.username for p in people] == ["hejing"] and unknown == ["nobody"]


def _file(name, data):
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_upload_checks_and_stores_with_random_names(app):
    stored = uploads.check_and_store([_file("../../etc/报价.csv", "品名,价格\n保温杯,99\n".encode("gb18030"))])
    assert stored[0].file_name == "报价.csv" and stored[0].stored_name.endswith(".csv")
    assert "报价" not in stored[0].stored_name
    assert uploads.path_of(stored[0].stored_name).exists()


@pytest.mark.parametrize("name,data", [
    ("a.png", b"GIF89a..."), ("a.pdf", b"PK\x03\x04"), ("a.exe", b"MZ"), ("a.txt", b"\x00\x01binary"),
    ("noext", b"hello"),
])
def test_uploads_that_lie_about_their_type_are_refused(app, name, data):
    with pytest.raises(UploadError):
        uploads.check_and_store([_file(name, data)])


def test_too_many_files_are_refused(app):
    app.config["UPLOAD_MAX_FILES"] = 2
    with pytest.raises(UploadError):
        uploads.check_and_store([_file(f"{n}.txt", b"x") for n in range(3)])


def test_mainline_scope_plugs_in_without_touching_the_feed(app):
    """The mainlines module registers who sees mainline posts (members and directors); the feed's
    own rule only adds that a mainline post is never visible through authorship or a reminder."""
    import datetime as dt

    from office.mainlines import membership, plans

    owner, member, outsider = make_user(), make_user(), make_user()
    with pytest.raises(PostError):
        create_post(owner, "没有主线", scope=SCOPE_MAINLINE)
    mainline = plans.create_mainline(owner, "双11大促", dt.date(2026, 11, 11))
    membership.invite(mainline, owner, [member])
    post = create_post(owner, "主线进度", scope=SCOPE_MAINLINE, mainline_id=mainline.id, remind=[outsider]).post
    assert can_see(owner, post.id) and can_see(member, post.id)
    assert not can_see(outsider, post.id)  # reminded, but not a member
    assert can_see(make_user(role="director"), post.id)
    assert not can_see(make_user(role="admin"), post.id)
    saved = dict(visibility._scope_rules)
    try:
        register_scope(SCOPE_MAINLINE, lambda user: Post.mainline_id.in_([mainline.id] if user.id == outsider.id
                                                                          else [0]))
        assert can_see(outsider, post.id) and not can_see(member, post.id)
    finally:
        visibility._scope_rules.clear()
        visibility._scope_rules.update(saved)


def test_sub_departments_see_department_posts_but_not_the_reverse(app):
    ops = make_department("运营部")
    team = make_department("天猫组", parent=ops)
    top, sub = make_user(department=ops), make_user(department=team)
    to_team = create_post(top, "只给天猫组", scope="departments", departments=[team]).post
    to_ops = create_post(sub, "给整个运营部", scope="departments", departments=[ops]).post
    assert can_see(sub, to_ops.id) and can_see(sub, to_team.id)
    assert not can_see(make_user(department=ops), to_team.id)
    assert can_see(make_user(role="director"), to_team.id)


def test_old_live_events_are_pruned(app):
    from tasks.live import prune_live_events

    LiveEvent.create(kind="post_added", subject_id=1, created_at=utcnow() - dt.timedelta(days=2))
    LiveEvent.create(kind="post_added", subject_id=2)
    assert prune_live_events.call_local() == 1
    assert LiveEvent.select().count() == 1
