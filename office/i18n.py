"""Language choice: the user's saved locale, else the visitor's cookie, else Chinese.

Chinese is the default on purpose: the browser's Accept-Language is not
consulted, because staff machines are often set up in English.
"""
from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_login import current_user

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


def html_lang(locale: str) -> str:
    """BCP 47 tag for <html lang>: zh_CN -> zh-CN."""
    return str(locale).replace("_", "-")
