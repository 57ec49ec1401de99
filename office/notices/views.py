"""Views for /notices."""
from __future__ import annotations

from flask_login import login_required

from office.notices import bp


@bp.route("/")
@login_required
def index():
    """GET: placeholder until this module is built."""
    return "", 204
