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
