"""Language choice: the user's saved locale, else the visitor's cookie, else Chinese.

Chinese is the default on purpose: the browser's Accept-Language is not
consulted, because staff machines are often set up in English.
"""
from __future__ import annotations

from functools import lru_cache

from babel import Locale, support
from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user
from wtforms.i18n import messages_path

from office.clock import local

LANG_COOKIE = "office_lang"


def supported(locale: str | None) -> bool:
    return bool(locale) and locale in current_app.config["LANGUAGES"]


def select_locale() -> str:
    if not has_request_context():  # commands and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and supported(current_user.locale):
        return current_user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    if supported(cookie):
        return cookie
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@lru_cache(maxsize=None)
def parsed(code: str) -> Locale:
    """Locale objects, parsed once: Babel's parse scans every known locale each time."""
    return Locale.parse(code)


def babel_locale() -> Locale:
    """The selector given to Flask-Babel."""
    return parsed(select_locale())


@lru_cache(maxsize=None)
def _wtforms_catalog(code: str):
    return support.Translations.load(messages_path(), [parsed(code)], domain="wtforms")


def wtforms_translations():
    """WTForms' built-in messages in the current language, loaded once per language."""
    return _wtforms_catalog(str(get_locale()))


def html_lang(locale: str) -> str:
    """BCP 47 tag for <html lang>: zh_CN -> zh-CN."""
    return str(locale).replace("_", "-")


def _translations():
    """The request's catalog, found once per locale instead of on every ``_()`` in a template.

    Flask-Babel looks the catalog up again for each call (context, domain, locale,
    str(locale)); a feed page makes ~300 calls. The cache is keyed by the locale
    object itself, so ``force_locale`` (e-mails in the recipient's language) still
    gets its own catalog.
    """
    from flask import g
    from flask_babel import get_translations

    ctx = g.get("_flask_babel") if g else None
    cached = getattr(ctx, "office_catalog", None) if ctx is not None else None
    locale = getattr(ctx, "babel_locale", None) if ctx is not None else None
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()
    ctx = g.get("_flask_babel") if g else None
    if ctx is not None and getattr(ctx, "babel_locale", None) is not None:
        ctx.office_catalog = (ctx.babel_locale, translations)
    return translations


def install_template_gettext(app) -> None:
    """Templates' ``_`` and ``ngettext`` through the cached catalog (call after babel.init_app)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
    )


def short_datetime(value) -> str:
    """A stored UTC time as office time, "2026-11-22 08:19": the same in both languages.

    For lists that show many times (feed cards, comments), where Babel's
    locale-aware formatting costs more than the rest of the card.
    """
    if value is None:
        return ""
    return local(value).strftime("%Y-%m-%d %H:%M")
