"""Views: / (home), /design (the style guide), /healthz and /favicon.ico."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from peewee import JOIN

from office import htmx
from office.access import me
from office.db import db
from office.feed.pages import page_context
from office.models.audit import LOGIN_FAILED, AuditEvent
from office.models.base import utcnow
from office.models.people import ROLE_ADMIN, ROLE_DIRECTOR, Department, User

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    """GET: the feed with its filters (all / mine / mentions / a department) and composer,
    beside the user's team and, for admins and directors, account figures.
    htmx with HX-Target ``feed-more``: the next keyset page only."""
    user = me()
    context = page_context(user)
    if htmx.is_partial() and htmx.target() == "feed-more":
        return htmx.render("feed/_post_list.html", **context)
    department = None
    if user.department_id:
        department = (Department.select(Department, User)
                      .join(User, join_type=JOIN.LEFT_OUTER, on=(Department.head == User.id), attr="head")
                      .where(Department.id == user.department_id).first())
    figures = None
    if user.has_role(ROLE_ADMIN, ROLE_DIRECTOR):
        figures = {
            "active_users": User.select().where(User.is_active).count(),
            "departments": Department.select().count(),
            "failed_logins": AuditEvent.select().where(
                (AuditEvent.action == LOGIN_FAILED)
                & (AuditEvent.created_at >= utcnow() - dt.timedelta(days=1))).count(),
        }
    from office.notices.queries import pinned_notices

    return htmx.render("home/index.html", department=department, figures=figures,
                       pinned=list(pinned_notices(user)),
                       live_args={"view": "feed", "top": context["live_top"], **context["feed_args"]}, **context)


# Names for the avatar samples: the first of them to land on each tone is shown.
SAMPLE_NAMES = ("周敏", "陈建华", "王磊", "郑丽", "冯刚", "何静", "韩雪", "许诺", "刘强", "孙丽", "李小丽", "赵云",
                "钱多多", "吴芳", "Alice", "Bob", "Carol", "Dave", "Erin", "Frank")


@bp.route("/design")
@login_required
def design():
    """GET: the style guide: every pattern of docs/design.md, drawn by the real macros and CSS."""
    from office.home.forms import SampleForm

    sprite = Path(current_app.static_folder, "icons.svg").read_text(encoding="utf-8")
    form = SampleForm(data={"title": "双11 主会场", "department": "2"})
    form.shop.errors = [_("This field is required.")]
    return render_template("home/design.html", form=form, names=SAMPLE_NAMES,
                           icons=re.findall(r'<symbol id="([^"]+)"', sprite))


@bp.route("/favicon.ico")
def favicon():
    """GET: browsers ask for /favicon.ico whatever the page links; send them to the SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.route("/healthz")
def healthz():
    """GET: {"db": "ok", "queue": "ok"} with 200 when both answer, else the failing part and 503."""
    from tasks.queue import huey

    status = {}
    try:
        db.execute_sql("SELECT 1").fetchone()
        status["db"] = "ok"
    except Exception as error:  # any driver error means "not answering"
        status["db"] = f"error: {type(error).__name__}"
    try:
        huey.storage.queue_size()
        status["queue"] = "ok"
    except Exception as error:
        status["queue"] = f"error: {type(error).__name__}"
    healthy = all(value == "ok" for value in status.values())
    return jsonify(status), 200 if healthy else 503
