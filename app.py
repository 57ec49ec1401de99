"""ShopOffice entry point: ``create_app`` builds the Flask app. There is no module-level app."""
from __future__ import annotations

from flask import Flask

from office import access, cli, db, errors, request_cache, security
from office.config import Defaults, finalize, instance_path
from office.extensions import babel, csrf
from office.i18n import babel_locale, html_lang, install_template_gettext, select_locale, short_datetime
from tasks.queue import huey

# The app's whole surface: one blueprint per domain, each defined beside its views.
from office.home.views import bp as home_bp  # noqa: I001 (listed in registration order)
from office.auth.views import bp as auth_bp
from office.people.views import bp as people_bp
from office.departments.views import bp as departments_bp
from office.audit.views import bp as audit_bp
from office.feed.views import bp as feed_bp
from office.inbox.views import bp as inbox_bp
from office.notices.views import bp as notices_bp
from office.memos.views import bp as memos_bp
from office.replies.views import bp as replies_bp
from office.live.views import bp as live_bp
from office.mainlines.views import bp as mainlines_bp
from office.approvals.views import bp as approvals_bp
from office.orders.views import bp as orders_bp
from office.api.views import bp as api_bp
from office.calendar.views import bp as calendar_bp
from office.workorders.views import bp as workorders_bp

BLUEPRINTS = (home_bp, auth_bp, people_bp, departments_bp, audit_bp, feed_bp, inbox_bp, notices_bp, memos_bp,
              replies_bp, live_bp, mainlines_bp, approvals_bp, orders_bp, api_bp, calendar_bp, workorders_bp)


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app: defaults, then OFFICE_* variables, then ``overrides`` (tests)."""
    instance = instance_path(overrides)
    app = Flask(__name__, instance_path=str(instance))
    app.jinja_env.add_extension("jinja2.ext.do")
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("OFFICE")
    app.config.update(overrides or {})
    finalize(app.config, instance)

    # /healthz opens its own connection so a dead database gives 503 JSON, not a 500 page.
    db.init_app(app, excluded_endpoints=("static", "home.healthz"))
    access.init_app(app)
    request_cache.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=babel_locale)
    install_template_gettext(app)
    app.add_template_filter(short_datetime, "when")

    huey.immediate = bool(app.config["HUEY_IMMEDIATE"])

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)

    errors.register(app)
    security.init_app(app)
    cli.register(app)

    @app.context_processor
    def shell_context():
        locale = select_locale()
        return {"html_lang": html_lang(locale), "languages": app.config["LANGUAGES"], "current_locale": locale}

    return app
