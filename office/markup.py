"""Markdown-lite for user text (posts, comments, notices): links, bold, italics, lists,
line breaks. markdown-it-py renders, nh3 sanitises; nothing else survives.

Imports nothing from the rest of the package.
"""
from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt

# "zero" has every rule off; turn on only what the product allows. Raw HTML
# stays off, so "<script>" is text before nh3 ever sees it.
_md = MarkdownIt("zero", {"breaks": True, "html": False}).enable(
    ["emphasis", "link", "autolink", "list", "newline", "escape", "backticks"]
)

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "class"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render(text: str) -> str:
    """Safe HTML for ``text``: every link opens safely, every other tag is dropped."""
    raw = _md.render(text or "")
    return nh3.clean(raw, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer nofollow")


def excerpt(text: str, length: int = 140) -> str:
    """Plain text for notifications and e-mails: whitespace collapsed, cut at ``length``."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def escape(text: str) -> str:
    return html.escape(text or "", quote=True)
