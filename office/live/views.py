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

from flask import current_app, make_response, request
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


@bp.route("/")
@login_required
def poll():
    """GET ?after=&view=feed|post&...: 204 when nothing happened; else the poller (#live) with
    its new cursor plus OOB fragments (post cards, #post-<id>-stats / -comment-list / -body,
    deletions, #inbox-badge)."""
    after = request.args.get("after", type=int, default=0)
    events = list(LiveEvent.select().where(LiveEvent.id > after).order_by(LiveEvent.id).limit(BATCH))
    if not events:
        response = make_response("", 204)
        response.vary.add("HX-Request")
        return response
    me = current_user._get_current_object()
    args = poller_args(request.args)
    view = args.get("view")
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
        post_id = request.args.get("post", type=int)
        changed = {post_id} & (changed | set(added)) - deleted
        deleted = {post_id} & deleted
        added = []
    top = request.args.get("top", type=int, default=0)
    if view == "feed" and added:
        # Posts already on the page (rendered after the page's cursor was read) are not added twice.
        fresh = [i for i in added if i not in deleted and i > top]
        if fresh:
            args["top"] = max(fresh)
        posts = feed(me, args.get("show", "all"), request.args.get("department", type=int), ids=fresh,
                     limit=len(fresh)) if fresh else []
        new_cards = cards(posts, me)
        changed -= {c.post.id for c in new_cards}
    if view in ("feed", "post") and changed - deleted:
        ids = changed - deleted
        posts = feed(me, ids=ids, limit=len(ids))
        changed_cards = cards(posts, me, all_comments=view == "post")
    if view not in ("feed", "post"):
        deleted = set()
    return htmx.render("live/_updates.html", live_after=events[-1].id, live_args=args,
                       new_cards=new_cards, changed_cards=changed_cards, deleted=sorted(deleted),
                       inbox=inbox, all_comments=view == "post",
                       poll_ms=current_app.config["LIVE_POLL_MS"])
