"""Concurrent changes never double-count: the last administrator, likes, comments (parallel threads)."""
from office.db import db
from office.models.people import User
from office.people.accounts import AccountError, set_active, update_user
from tests.factories import make_user
from tests.parallel import at_once


def _race(app, actions):
    results = at_once(app, actions, expected=(AccountError,))
    return sorted("refused" if isinstance(r, AccountError) else "done" for r in results)


def test_two_admins_deactivating_each_other(app):
    a = make_user("admin_a", role="admin")
    b = make_user("admin_b", role="admin")
    db.close()
    for _ in range(5):
        outcomes = _race(app, [lambda: set_active(b, False, by=a), lambda: set_active(a, False, by=b)])
        assert outcomes == ["done", "refused"]
        assert User.select().where((User.role == "admin") & User.is_active).count() == 1
        # Reset for the next round.
        User.update(is_active=True).where(User.id.in_([a.id, b.id])).execute()
        db.close()


def test_two_admins_demoting_each_other(app):
    a = make_user("admin_a", role="admin")
    b = make_user("admin_b", role="admin")
    db.close()
    outcomes = _race(app, [lambda: update_user(b, a, role="staff"), lambda: update_user(a, b, role="staff")])
    assert outcomes == ["done", "refused"]
    assert User.select().where(User.role == "admin").count() == 1


def test_parallel_likes_never_double_count(app):
    from office.feed.posts import create_post, set_like
    from office.models.feed import Post, PostLike

    post = create_post(make_user(), "大促开始").post
    fan = make_user()
    others = [make_user() for _ in range(6)]
    db.close()
    results = at_once(app, [lambda: set_like(post, fan, True) for _ in range(6)])
    assert results.count(True) == 1
    at_once(app, [lambda u=u: set_like(post, u, True) for u in others])
    assert Post.get_by_id(post.id).like_count == 7 == PostLike.select().count()
    at_once(app, [lambda: set_like(post, fan, False) for _ in range(6)])
    assert Post.get_by_id(post.id).like_count == 6 == PostLike.select().count()


def test_parallel_comments_keep_the_count_exact(app):
    from office.feed.posts import add_comment, create_post
    from office.models.feed import Comment, Post

    post = create_post(make_user(), "讨论").post
    people = [make_user() for _ in range(6)]
    db.close()
    at_once(app, [lambda u=u: add_comment(post, u, "同意") for u in people])
    assert Post.get_by_id(post.id).comment_count == 6 == Comment.select().count()
