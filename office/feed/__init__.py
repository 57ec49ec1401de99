"""The feed: posts, comments, likes, attachments, search."""
from flask import Blueprint
from flask_login import current_user

bp = Blueprint("feed", __name__, url_prefix="/feed")


@bp.app_template_global()
def post_can_edit(post) -> bool:
    from office.feed.posts import can_edit

    return current_user.is_authenticated and can_edit(post, current_user)


@bp.app_template_global()
def post_can_delete(post) -> bool:
    from office.feed.posts import can_delete

    return current_user.is_authenticated and can_delete(post, current_user)


from office.feed import views  # noqa: E402,F401  (registers the routes)
