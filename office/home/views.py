"""Views: / (home), /workbench (工作台: every module), /me (我的), /design (the style guide),
/healthz, /favicon.ico, and what makes the site installable: /manifest.webmanifest, /sw.js (the
service worker) and /offline."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
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
from office.home import pages
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


@bp.route("/workbench")
@login_required
def workbench():
    """GET: 工作台, every module the user may open as a grid of icons, grouped (home/pages.py)."""
    return htmx.render("home/workbench.html", groups=pages.workbench(me()))


@bp.route("/me")
@login_required
def me_page():
    """GET: 我的, the user's own things: profile, password, language, delivery settings, tokens,
    memos, and signing out (through its confirmation page)."""
    return htmx.render("home/me.html", user=me())


# The brand colour (static/css/office.css --brand): the phone's status bar and splash screen.
BRAND = "#c2410c"


@bp.route("/manifest.webmanifest")
def manifest():
    """GET: the web app manifest, so a phone can add ShopOffice to its home screen and open it
    full-screen. The icons are drawn from static/favicon.svg by scripts/build_app_icons.py."""
    def icon(name, size, kind, purpose="any"):
        return {"src": url_for("static", filename=name), "sizes": size, "type": kind, "purpose": purpose}

    body = {
        "id": "/", "name": "店务协同 ShopOffice", "short_name": "店务协同", "lang": "zh-CN",
        "description": "电商团队的协同后台：动态、消息、审批、主线、订单", "start_url": "/", "scope": "/",
        "display": "standalone", "theme_color": BRAND, "background_color": BRAND,
        "icons": [icon("icon-192.png", "192x192", "image/png"), icon("icon-512.png", "512x512", "image/png"),
                  icon("icon-maskable-512.png", "512x512", "image/png", "maskable"),
                  icon("favicon.svg", "any", "image/svg+xml")],
    }
    response = current_app.response_class(json.dumps(body, ensure_ascii=False),
                                          mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/sw.js")
def service_worker():
    """GET: static/js/sw.js from the site's root, so it may control every page (a worker's scope
    is at most its own folder). Always revalidated: browsers check it for updates."""
    script = (Path(current_app.static_folder) / "js" / "sw.js").read_bytes()  # 3 KB
    response = current_app.response_class(script, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
def offline():
    """GET: what the service worker shows when a page cannot be reached. Public and the same for
    everyone: the worker stores it, so it holds no user data (its own template, not base.html)."""
    return render_template("home/offline.html")


_static_version: str | None = None


@bp.app_template_global()
def service_worker_url() -> str:
    """/sw.js?v=<a digest of the static files>: a new version of any static file changes the
    worker's address, so browsers install it afresh and drop the files cached before."""
    global _static_version
    if _static_version is None or current_app.debug:  # while developing, an edited stylesheet shows at once
        digest = hashlib.sha256()
        root = Path(current_app.static_folder)
        for path in sorted(root.rglob("*")):
            if path.is_file():  # by content, so every machine of a deployment names the same version
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        _static_version = digest.hexdigest()[:12]
    return url_for("home.service_worker", v=_static_version)


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
