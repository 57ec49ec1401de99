"""Live updates: open pages learn about new posts, comments, likes and badge counts."""
from flask import Blueprint

bp = Blueprint("live", __name__, url_prefix="/live")

from office.live import views  # noqa: E402,F401  (registers the routes)


@bp.app_template_global()
def live_cursor() -> int:
    """The newest live event id: where a page's live stream starts."""
    from office.live.events import latest_id

    return latest_id()
