"""The feed's page contexts: the home page's feed (filter, one keyset page, the live cursor,
the composer), used by the feed's views and by the home page. Never imports views."""
from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _

from office.departments.tree import all_departments, choices
from office.feed.forms import FeedFilterForm, PostForm
from office.feed.queries import cards, feed
from office.live.events import latest_id
from office.uploads import ACCEPT


def composer(form: PostForm | None = None, departments=None) -> PostForm:
    form = form or PostForm(formdata=None)
    form.departments.choices = choices(None, departments)
    return form


def feed_filter(departments=None) -> FeedFilterForm:
    form = FeedFilterForm(request.args)
    form.department.choices = choices(_("Choose…"), departments)
    form.validate()
    return form


def page_context(user) -> dict:
    """Everything the home page's feed needs: filter, one keyset page, cursor, composer."""
    # The cursor first: a post committed after it arrives by the live stream; one committed
    # between it and the query would otherwise be on the page and arrive again, so the
    # stream also carries the newest post shown (``top``) and adds only newer ones.
    live_after = latest_id()
    departments = all_departments()
    form = feed_filter(departments)
    limit = current_app.config["FEED_PAGE_SIZE"]
    posts = list(feed(user, form.show.data or "all", form.department.data, form.before.data, limit + 1))
    has_more = len(posts) > limit
    posts = posts[:limit]
    return {
        "filter_form": form,
        "feed_args": _feed_args(form),
        "cards": cards(posts, user),
        "next_before": posts[-1].id if has_more else None,
        "composer": composer(departments=departments),
        "live_after": live_after,
        "live_top": posts[0].id if posts and not form.before.data else 0,
        "accept": ACCEPT,
    }


def _feed_args(form: FeedFilterForm) -> dict:
    args = {}
    if form.show.data and form.show.data != "all":
        args["show"] = form.show.data
        if form.show.data == "department" and form.department.data:
            args["department"] = form.department.data
    return args
