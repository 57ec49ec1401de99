"""Check that rendered HTML is inert: no script-bearing tags, handlers or script URLs.

Text that merely *shows* a payload ("&lt;script&gt;") is fine; only real markup counts.
"""
import re
from html.parser import HTMLParser

BAD_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "base", "meta", "style", "form"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}
# Exactly what macros/ui.html icon() writes: nothing in it can run.
ICON = re.compile(r'<svg class="icon[\w -]*"(?: role="img" aria-label="[^"<>]*"| aria-hidden="true" focusable="false")>'
                  r'<use href="/static/icons\.svg#[a-z0-9-]+"></use></svg>')


class _Collector(HTMLParser):
    def __init__(self, allowed_tags):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag == "svg" and _is_icon(attrs):
            return  # the icon() macro's <svg class="icon">: no handlers, only a <use> of our sprite
        if tag in BAD_TAGS and tag not in self.allowed_tags:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"<{tag} {name}={value!r}>")


def _is_icon(attrs) -> bool:
    values = dict(attrs)
    return "icon" in (values.get("class") or "").split() and not any(name.startswith("on") for name, _ in attrs)


def dangerous(html: str, allowed_tags=()) -> list[str]:
    """What in ``html`` could run script; the page's own scripts and forms are allowed by tag name."""
    collector = _Collector(set(allowed_tags))
    collector.feed(html)
    return collector.problems


def page_problems(html: str) -> list[str]:
    """``dangerous`` for a whole page: our own <script src> and <form>s are expected, inline ones not,
    and so are our icons (macros/ui.html icon(): an <svg> holding one <use> of static/icons.svg)."""
    import re

    html = ICON.sub("", html)
    problems = dangerous(html, allowed_tags=("script", "form", "meta"))
    # Our scripts are external files; an inline <script> body would be injected.
    for body in re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S):
        if body.strip():
            problems.append("inline <script>")
    return problems
