"""Live updates by polling: the one place that decides how open pages learn of changes.

Every signed-in page carries a hidden poller (templates/live/_poller.html) that
asks ``GET /live/?after=<event id>`` every LIVE_POLL_MS. No new events: 204,
which htmx does not swap, after two indexed queries. Otherwise one response
carries the poller with its new cursor and out-of-band fragments: new post
cards into #feed-posts, fresh stats / comments / text of changed posts, removal
of deleted ones, and the inbox badge. Each fragment is rendered for the viewer
and only for posts they may see. bench/live_ratio.py holds the measurements
behind choosing polling over SSE.
"""
from __future__ import annotations

from flask import make_response, request
from flask_login import current_user, login_required

from office import htmx
from office.feed.queries import cards, feed
from office.live import bp
from office.models.live import INBOX_CHANGED, POST_ADDED, POST_CHANGED, POST_DELETED, LiveEvent

# Enough for a busy second; a page that fell further behind catches up over a few polls.
BATCH = 500


def poller_args(args) -> dict:
    """The page description a poller carries: view=feed (with its filter) or view=post."""
    keep = ("view", "show", "department", "post", "top")
    return {k: args[k] for k in keep if args.get(k)}


def updates(me, args) -> dict | None:
    """What changed for ``me`` since ``args["after"]``, as the context of live/_updates.html;
    None when no event happened at all. ``args`` is the poller's query (see poller_args).

    Separate from the view so another transport (bench/live_ratio.py's SSE prototype)
    renders exactly the same fragments.
    """
    after = _int(args.get("after"))
    events = list(LiveEvent.select().where(LiveEvent.id > after).order_by(LiveEvent.id).limit(BATCH))
    if not events:
        return None
    keep = poller_args(args)
    view = keep.get("view")
    added, changed, deleted = [], set(), set()
    inbox = False
    for event in events:
        if event.kind == INBOX_CHANGED:
            inbox = inbox or event.user_id == me.id
        elif event.kind == POST_ADDED:
            added.append(event.post_id)
        elif event.kind == POST_CHANGED:
            changed.add(event.post_id)
        elif event.kind == POST_DELETED:
            deleted.add(event.post_id)
    new_cards, changed_cards = [], []
    if view == "post":
        post_id = _int(args.get("post"))
        changed = {post_id} & (changed | set(added)) - deleted
        deleted = {post_id} & deleted
        added = []
    top = _int(args.get("top"))
    if view == "feed" and added:
        # Posts already on the page (rendered after the page's cursor was read) are not added twice.
        fresh = [i for i in added if i not in deleted and i > top]
        if fresh:
            keep["top"] = max(fresh)
        posts = feed(me, keep.get("show", "all"), _int(args.get("department")) or None, ids=fresh,
                     limit=len(fresh)) if fresh else []
        new_cards = cards(posts, me)
        changed -= {c.post.id for c in new_cards}
    if view in ("feed", "post") and changed - deleted:
        ids = changed - deleted
        posts = feed(me, ids=ids, limit=len(ids))
        changed_cards = cards(posts, me, all_comments=view == "post")
    if view not in ("feed", "post"):
        deleted = set()
    return {"live_after": events[-1].id, "live_args": keep, "new_cards": new_cards,
            "changed_cards": changed_cards, "deleted": sorted(deleted), "inbox": inbox,
            "all_comments": view == "post"}


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


@bp.route("/")
@login_required
def poll():
    """GET ?after=&view=feed|post&...: 204 when nothing happened; else the poller (#live) with
    its new cursor plus OOB fragments (post cards, #post-<id>-stats / -comment-list / -body,
    deletions, #inbox-badge)."""
    context = updates(current_user._get_current_object(), request.args)
    if context is None:
        response = make_response("", 204)
        response.vary.add("HX-Request")
        return response
    return htmx.render("live/_updates.html", **context)
