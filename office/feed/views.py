"""Views for /feed: writing, reading and reacting to posts; attachments; search;
the @mention suggestions. The feed list itself is the home page (``page_context``).

Every post URL, partials included, goes through visibility.post_or_404: a post
outside your scope is a 404, never a 403.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from office import htmx
from office.access import me
from office.departments.tree import all_departments
from office.feed.pages import composer
from office.feed import live, mentions
from office.uploads import ACCEPT, UploadError, check_and_store, send_stored
from office.feed.forms import CommentForm, EditForm, PostForm, SearchForm
from office.feed.posts import (
    PostError,
    add_comment,
    can_delete,
    can_edit,
    confirm_read,
    create_post,
    delete_post,
    edit_post,
    set_like,
)
from office.feed.queries import cards, confirmations
from office.feed.search import search as search_posts
from office.feed.visibility import can_see, post_or_404
from office.live import registry
from office.live.events import latest_id
from office.models.feed import Attachment
from tasks.notify import deliver_notifications

bp = Blueprint("feed", __name__, url_prefix="/feed")
registry.register(bp, "feed", kinds=live.KINDS, args=live.ARGS, render=live.render)



@bp.app_template_global()
def post_can_edit(post) -> bool:
    return current_user.is_authenticated and can_edit(post, current_user)


@bp.app_template_global()
def post_can_delete(post) -> bool:
    return current_user.is_authenticated and can_delete(post, current_user)

def _deliver(result) -> None:
    # After the rule's transaction has committed: a channel failure cannot undo it.
    if result.notification_ids:
        deliver_notifications(result.notification_ids)


def _card(post_id: int, all_comments: bool = False):
    from office.feed.queries import posts_with_authors

    post = post_or_404(me(), post_id, posts_with_authors())
    return cards([post], me(), all_comments=all_comments)[0]


@bp.route("/posts", methods=["POST"])
@login_required
def create():
    """POST: publish. htmx: a fresh composer and the ``post-added`` event with the new id;
    the post itself arrives through the live stream like everyone else's, so it is never
    shown twice. 422 with errors. Without JS: 303 to the home page."""
    departments = all_departments()
    form = composer(PostForm(), departments)
    if form.validate_on_submit():
        remind, unknown = mentions.find_people(form.remind.data)
        if unknown:
            form.remind.errors.append(_("Nobody is called %(names)s.", names="、".join(unknown)))
        else:
            try:
                uploads = check_and_store(request.files.getlist(form.files.name))
                result = create_post(
                    me(), form.body.data, scope=form.scope.data,
                    departments=[d for d in departments if d.id in (form.departments.data or [])],
                    remind=remind, needs_confirmation=form.needs_confirmation.data, uploads=uploads)
            except UploadError as error:
                form.files.errors.append(str(error))
            except PostError as error:
                getattr(form, error.field, form.body).errors.append(str(error))
            else:
                _deliver(result)
                if not htmx.is_htmx():
                    return htmx.redirect(url_for("home.index"))
                response = htmx.render("feed/_composer.html", composer=composer(departments=departments),
                                       accept=ACCEPT)
                return htmx.trigger(response, "post-added", {"id": result.post.id})
    status = 422
    return htmx.render("feed/compose.html", partial="feed/_composer.html", status=status,
                       composer=form, accept=ACCEPT)


@bp.route("/<int:post_id>")
@login_required
def show(post_id: int):
    """GET: one post with every comment; its author also sees who confirmed reading."""
    live_after = latest_id()  # before reading, so no comment falls between the two
    card = _card(post_id, all_comments=True)
    readers = list(confirmations(card.post)) if card.post.author_id == current_user.id else None
    return htmx.render("feed/show.html", card=card, readers=readers, live_after=live_after,
                       comment_form=CommentForm(formdata=None))


@bp.route("/<int:post_id>/card")
@login_required
def card(post_id: int):
    """GET: the post card (``#post-<id>``), e.g. to cancel an edit."""
    return htmx.render("feed/_post.html", card=_card(post_id))


@bp.route("/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    """GET: the edit form (inline for htmx, a page otherwise). POST: save within the
    edit window; the card for htmx, 303 to the post otherwise, 422 with errors."""
    post = post_or_404(me(), post_id)
    if post.author_id != current_user.id:
        abort(403)
    form = EditForm(obj=post) if request.method == "GET" else EditForm()
    status = 200
    if not can_edit(post, me()):
        form.body.errors = [_("Posts can be edited for %(n)d minutes after posting.",
                              n=current_app.config["FEED_EDIT_MINUTES"])]
        status = 422 if request.method == "POST" else 200
    elif form.validate_on_submit():
        try:
            result = edit_post(post, me(), form.body.data)
        except PostError as error:
            form.body.errors.append(str(error))
            status = 422
        else:
            _deliver(result)
            if htmx.is_htmx():
                return htmx.render("feed/_post.html", card=_card(post_id))
            return htmx.redirect(url_for("feed.show", post_id=post_id))
    elif request.method == "POST":
        status = 422
    return htmx.render("feed/edit.html", partial="feed/_edit_form.html", status=status, form=form, post=post)


@bp.route("/<int:post_id>/delete", methods=["POST"])
@login_required
def delete(post_id: int):
    """POST: delete (author or admin). htmx: empty 200 that removes the card; else 303 home."""
    post = post_or_404(me(), post_id)
    if not can_delete(post, me()):
        abort(403)
    delete_post(post, me())
    if htmx.is_htmx():
        return htmx.render("feed/_deleted.html", post_id=post_id)
    return htmx.redirect(url_for("home.index"))


@bp.route("/<int:post_id>/comments", methods=["POST"])
@login_required
def comment(post_id: int):
    """POST: add a comment. htmx: the comments block (``#post-<id>-comments``) and the
    stats OOB; 422 with the error. Without JS: 303 to the post."""
    post = post_or_404(me(), post_id)
    form = CommentForm()
    status = 200
    if form.validate_on_submit():
        try:
            result = add_comment(post, me(), form.body.data)
        except PostError as error:
            form.body.errors.append(str(error))
            status = 422
        else:
            _deliver(result)
            if not htmx.is_htmx():
                return htmx.redirect(url_for("feed.show", post_id=post_id) + "#comments")
            form = CommentForm(formdata=None)
    else:
        status = 422
    full = request.args.get("all") == "1"
    return htmx.render("feed/show.html", partial="feed/_comments.html", status=status,
                       card=_card(post_id, all_comments=full), comment_form=form, all_comments=full,
                       readers=None, live_after=latest_id(), with_stats=True)


@bp.route("/<int:post_id>/like", methods=["POST"])
@login_required
def like(post_id: int):
    """POST liked=1|0: like or unlike (idempotent). htmx: the stats (``#post-<id>-stats``); else 303."""
    post = post_or_404(me(), post_id)
    set_like(post, me(), request.form.get("liked") == "1")
    if htmx.is_htmx():
        return htmx.render("feed/_stats.html", card=_card(post_id))
    return htmx.redirect(request.referrer or url_for("feed.show", post_id=post_id))


@bp.route("/<int:post_id>/confirm", methods=["POST"])
@login_required
def confirm(post_id: int):
    """POST: "I have read it" on a post that asks the viewer to confirm. htmx: the stats; else 303."""
    post = post_or_404(me(), post_id)
    confirm_read(post, me())
    if htmx.is_htmx():
        return htmx.render("feed/_stats.html", card=_card(post_id))
    return htmx.redirect(url_for("feed.show", post_id=post_id))


@bp.route("/files/<int:attachment_id>/<path:name>")
@login_required
def attachment(attachment_id: int, name: str):
    """GET: an attachment, only to people who may see its post (404 otherwise); see
    uploads.send_stored for how it is served."""
    item = Attachment.get_or_none(Attachment.id == attachment_id)
    if item is None or item.file_name != name or not can_see(me(), item.post_id):
        abort(404)
    return send_stored(item.stored_name, content_type=item.content_type, download_name=item.file_name,
                       is_image=item.is_image)


@bp.route("/search")
@login_required
def search():
    """GET ?q=: posts and comments containing the text, only those the searcher may see.
    ``#search-results`` alone for htmx (active search)."""
    form = SearchForm(request.args)
    form.validate()
    q = (form.q.data or "").strip()
    found, next_before = [], None
    if q:
        limit = current_app.config["FEED_PAGE_SIZE"]
        posts = list(search_posts(me(), q, form.before.data, limit + 1))
        next_before = posts[limit - 1].id if len(posts) > limit else None
        found = cards(posts[:limit], me())
    return htmx.render("feed/search.html", partial="feed/_search_results.html",
                       form=form, q=q, cards=found, next_before=next_before)


@bp.route("/mentions")
@login_required
def suggest():
    """GET ?q=: up to eight people for the @mention list (name, username, pinyin, initials)."""
    people = list(mentions.suggestions(request.args.get("q", "")))
    return htmx.render("feed/_mention_options.html", people=people)
