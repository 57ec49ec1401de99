"""Views for /memos: my memos, a new memo (also "remind me about this" on a post), deleting one.

A memo is its owner's alone: someone else's memo id is a 404. A memo about a post
the user cannot see is a 404 too, so the post's existence does not leak.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, request, url_for
from flask_babel import format_datetime, get_timezone
from flask_babel import gettext as _
from flask_login import login_required

from office import htmx
from office.access import me
from office.feed.visibility import can_see
from office.i18n import short_datetime
from office.markup import excerpt
from office.memos.delivery import WHEN_CUSTOM, MemoError, create_memo, delete_memo, remind_time
from office.memos.forms import MemoForm
from office.memos.queries import delivered_memos, upcoming_memos
from office.models.base import utcnow
from office.models.feed import Post

# Imported as a module: the huey consumer imports tasks.reminders, which imports this
# package, so the module is only complete by the time a request calls it.
from tasks import reminders

bp = Blueprint("memos", __name__, url_prefix="/memos")

# The id of the form on /memos/; a post's form is "memo-form-post-<id>".
PAGE_FORM_ID = "memo-form"


def _lists() -> dict:
    user = me()
    return {"upcoming": list(upcoming_memos(user)), "delivered": list(delivered_memos(user))}


def _form_context(form: MemoForm, post: Post | None) -> dict:
    return {"form": form, "post": post, "local_now": format_datetime(utcnow(), "yyyy-MM-dd'T'HH:mm")}


def _post_or_404(post_id: int) -> Post:
    if not can_see(me(), post_id):
        abort(404)
    return Post.select(Post.id, Post.body).where(Post.id == post_id).get()


@bp.route("/")
@login_required
def index():
    """GET: the new-memo form, then my memos: upcoming (soonest first) and delivered (latest first).

    htmx gets ``#memo-list`` alone.
    """
    return htmx.render("memos/index.html", partial="memos/_memo_list.html",
                       **_form_context(MemoForm(formdata=None), None), **_lists())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """GET: the memo form; ``?post=<id>`` makes it "remind me about this" for a post the user may see.
    The page, or the form alone for htmx (``#memo-form-post-<id>``, ``#memo-form``).

    POST: save and queue its delivery at its time. Without JS: 303 to /memos/. htmx on
    /memos/ (target ``#memo-form``): a fresh form plus ``#memo-list`` out of band; htmx
    from a post: ``_memo_saved.html`` in place of the form. Invalid: 422 with the form.
    A post the user cannot see: 404.
    """
    form = MemoForm()
    if request.method == "POST":
        raw_post = (form.post_id.data or "").strip()
        if raw_post and not raw_post.isdigit():
            abort(404)
        post_id = int(raw_post) if raw_post else None
    else:
        post_id = request.args.get("post", type=int)
    post = _post_or_404(post_id) if post_id else None
    if post is not None:
        form.post_id.data = str(post.id)
        if request.method == "GET" and not form.text.data:
            form.text.data = excerpt(post.body, 60)

    status = 200
    if form.validate_on_submit():
        now = utcnow()
        remind_at = remind_time(form.when.data, form.remind_at.data, now, get_timezone())
        try:
            memo = create_memo(me(), form.text.data, remind_at, post_id=post.id if post else None, now=now)
        except MemoError as error:
            field = getattr(form, error.field or "text", form.text)
            if field is form.remind_at and form.when.data != WHEN_CUSTOM:
                field = form.when
            field.errors.append(str(error))
            status = 422
        else:
            reminders.queue_memo(memo.id, memo.remind_at)
            if not htmx.is_partial():
                flash(_("I will remind you at %(when)s.", when=short_datetime(memo.remind_at)), "success")
                return htmx.redirect(url_for("memos.index"))
            if htmx.target() == PAGE_FORM_ID:
                return htmx.render("memos/_memo_form.html", oob_list=True,
                                   **_form_context(MemoForm(formdata=None), None), **_lists())
            return htmx.render("memos/_memo_saved.html", memo=memo, post=post)
    elif request.method == "POST":
        status = 422
    return htmx.render("memos/new.html", partial="memos/_memo_form.html", status=status,
                       **_form_context(form, post))


@bp.route("/<int:memo_id>/delete", methods=["POST"])
@login_required
def delete(memo_id: int):
    """POST: delete one of my memos. htmx gets an empty 200 (the ``#memo-<id>`` row goes); otherwise 303."""
    if not delete_memo(me(), memo_id):
        abort(404)
    if htmx.is_partial():
        response = make_response("", 200)
        response.vary.add("HX-Request")
        return response
    flash(_("Memo deleted."), "success")
    return htmx.redirect(url_for("memos.index"))
