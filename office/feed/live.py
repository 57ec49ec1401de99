"""What the live stream redraws for the feed (registered in feed/views.py): new post cards on
an open feed or mainline page, the fresh text, stats and comments of changed posts, removed
posts; only posts the viewer may see. Never imports views.
"""
from __future__ import annotations

from flask import render_template

from office.feed.queries import cards, feed
from office.live.registry import Changes, Page
from office.models.feed import POST_ADDED, POST_CHANGED, POST_DELETED

KINDS = {POST_ADDED, POST_CHANGED, POST_DELETED}
# The feed's filter, the one post of a post page, the mainline of a mainline page's feed, and
# the newest post the page shows (so a post already on it is never added twice).
ARGS = ("show", "department", "post", "mainline", "top")
VIEWS = ("feed", "post", "mainline")


def render(me, page: Page, changes: Changes) -> str:
    if page.view not in VIEWS:
        return ""
    added = [i for i in changes.subjects(POST_ADDED)]
    changed = set(changes.subjects(POST_CHANGED))
    deleted = set(changes.subjects(POST_DELETED))
    if page.view == "post":
        post_id = page.number("post")
        changed = {post_id} & (changed | set(added)) - deleted
        deleted = {post_id} & deleted
        added = []
    new_cards, changed_cards = [], []
    if added:
        # Posts already on the page (rendered after the page's cursor was read) are not added twice.
        fresh = [i for i in added if i not in deleted and i > page.number("top")]
        if fresh:
            page.args["top"] = max(fresh)
            mainline_id = page.number("mainline") if page.view == "mainline" else None
            posts = feed(me, page.args.get("show", "all"), page.number("department") or None, ids=fresh,
                         limit=len(fresh), mainline_id=mainline_id or None)
            new_cards = cards(posts, me)
            changed -= {c.post.id for c in new_cards}
    if changed - deleted:
        ids = changed - deleted
        changed_cards = cards(feed(me, ids=ids, limit=len(ids)), me, all_comments=page.view == "post")
    if not (new_cards or changed_cards or deleted):
        return ""
    return render_template("feed/_live.html", new_cards=new_cards, changed_cards=changed_cards,
                           deleted=sorted(deleted), all_comments=page.view == "post")
