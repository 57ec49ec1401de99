"""Progress posts: feed posts scoped to one mainline, written from its page.

The post, its timeline line and the followers' notifications are one
transaction. Only members see the post (the feed's scope rule for mainlines),
so only members may be asked to read it. Imports the feed's rules and the
mainline rules; never views or tasks.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from office import markup
from office.db import atomic_for_update
from office.feed.posts import PostError, Result, create_post
from office.mainlines.plans import record, tell_followers
from office.models.feed import SCOPE_MAINLINE
from office.models.inbox import KIND_MAINLINE_POST, Notification
from office.models.mainlines import Mainline, Member
from office.models.people import User


def post_progress(mainline: Mainline, author: User, body: str, remind: list[User] = (),
                  needs_confirmation: bool = False, uploads=()) -> Result:
    """Publish a progress post in ``mainline``; followers of everything are told.

    Raises PostError like ``create_post``, and when someone reminded is not a member.
    """
    members = {m.user_id for m in Member.select(Member.user).where(Member.mainline == mainline.id)}
    outsiders = [u.display_name for u in remind if u.id not in members]
    if outsiders:
        raise PostError(_l("Not members of this mainline: %(names)s", names="、".join(outsiders)), "remind")
    with atomic_for_update():
        result = create_post(author, body, scope=SCOPE_MAINLINE, mainline_id=mainline.id, remind=remind,
                             needs_confirmation=needs_confirmation, uploads=uploads)
        excerpt = markup.excerpt(result.post.body) or str(_l("(files)"))
        record(mainline, author, "post", f"{author.display_name}：{excerpt}", post_id=result.post.id)
        # Someone mentioned or reminded already has a notification about this post.
        told = {n.recipient_id for n in Notification.select(Notification.recipient)
                .where(Notification.id.in_(result.notification_ids))} | {author.id}
        result.notification_ids += tell_followers(mainline.id, KIND_MAINLINE_POST, author, excerpt, skip=told)
    return result
