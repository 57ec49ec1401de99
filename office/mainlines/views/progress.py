"""Views for a mainline's progress page (/mainlines/<id>): goal, figures per phase, the members'
private feed with its composer, the timeline, and progress posts.

Every URL opens the mainline through access.mainline_or_404: for a non-member it does not
exist, pages and partials alike.
"""
from __future__ import annotations

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from office import htmx
from office.access import me
from office.feed import mentions
from office.feed.forms import PostForm
from office.feed.posts import PostError
from office.feed.queries import cards, feed
from office.live.events import latest_id
from office.mainlines import access, pages
from office.mainlines.blueprint import bp
from office.mainlines.progress import post_progress
from office.uploads import ACCEPT, UploadError, check_and_store
from tasks import notify as notify_tasks


def _deliver(ids) -> None:
    if ids:
        notify_tasks.deliver_notifications(ids)


def _composer(form: PostForm | None = None) -> PostForm:
    return form or PostForm(formdata=None)


def _feed_context(mainline) -> dict:
    before = request.args.get("before", type=int)
    limit = current_app.config["FEED_PAGE_SIZE"]
    posts = list(feed(me(), before=before, limit=limit + 1, mainline_id=mainline.id))
    has_more = len(posts) > limit
    posts = posts[:limit]
    return {
        "cards": cards(posts, me()),
        "next_before": posts[-1].id if has_more else None,
        "feed_args": {"mainline_id": mainline.id},
        "feed_endpoint": "mainlines.show",
        "live_top": posts[0].id if posts and not before else 0,
    }


@bp.route("/<int:mainline_id>")
@login_required
def show(mainline_id: int):
    """GET: the mainline's progress: goal, figures per phase (plan vs actual), the members' feed
    with its composer, the timeline. htmx with HX-Target ``feed-more``: older posts only."""
    live_after = latest_id()  # before reading, so nothing falls between the page and the stream
    mainline = access.mainline_or_404(me(), mainline_id)
    context = _feed_context(mainline)
    if htmx.is_partial() and htmx.target() == "feed-more":
        return htmx.render("feed/_post_list.html", **context)
    return htmx.render("mainlines/show.html", **pages.mainline_context(
        mainline, tab="show", board=pages.board(mainline), composer=_composer(), accept=ACCEPT,
        can_post=access.can_post(me(), mainline), **pages.timeline_context(mainline),
        live_after=live_after,
        live_args={"view": "mainline", "mainline": mainline.id, "top": context["live_top"]}, **context))


@bp.route("/<int:mainline_id>/posts", methods=["POST"])
@login_required
def post(mainline_id: int):
    """POST: a progress post, visible to members only. htmx: a fresh composer (the post arrives by
    the live stream); 422 with errors. Without JS: 303 to the mainline."""
    mainline = access.mainline_or_404(me(), mainline_id)
    if not access.can_post(me(), mainline):
        abort(403)
    form = PostForm()
    if form.validate_on_submit():
        remind, unknown = mentions.find_people(form.remind.data)
        if unknown:
            form.remind.errors.append(_("Nobody is called %(names)s.", names="、".join(unknown)))
        else:
            try:
                uploads = check_and_store(request.files.getlist(form.files.name))
                result = post_progress(mainline, me(), form.body.data, remind=remind,
                                       needs_confirmation=form.needs_confirmation.data, uploads=uploads)
            except UploadError as error:
                form.files.errors.append(str(error))
            except PostError as error:
                getattr(form, error.field, form.body).errors.append(str(error))
            else:
                _deliver(result.notification_ids)
                if not htmx.is_htmx():
                    return htmx.redirect(url_for("mainlines.show", mainline_id=mainline.id))
                response = htmx.render("mainlines/_composer.html", mainline=mainline, composer=_composer(),
                                       accept=ACCEPT)
                return htmx.trigger(response, "post-added", {"id": result.post.id})
    return htmx.render("mainlines/compose.html", partial="mainlines/_composer.html", status=422,
                       **pages.mainline_context(mainline, tab="show", composer=form, accept=ACCEPT))


@bp.route("/<int:mainline_id>/timeline")
@login_required
def timeline(mainline_id: int):
    """GET ?before=: the timeline (node changes, members, posts), newest first; ``#timeline-page`` for htmx."""
    mainline = access.mainline_or_404(me(), mainline_id)
    return htmx.render("mainlines/timeline.html", partial="mainlines/_timeline.html", **pages.mainline_context(
        mainline, tab="show", **pages.timeline_context(mainline, request.args.get("before", type=int))))


@bp.route("/<int:mainline_id>/figures")
@login_required
def figures(mainline_id: int):
    """GET: plan vs actual per phase and in total (``#mainline-figures``)."""
    mainline = access.mainline_or_404(me(), mainline_id)
    return htmx.render("mainlines/figures.html", partial="mainlines/_figures.html", **pages.mainline_context(
        mainline, tab="show", board=pages.board(mainline)))
