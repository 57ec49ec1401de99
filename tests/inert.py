"""Check that rendered HTML is inert: no script-bearing tags, handlers or script URLs.

Text that merely *shows* a payload ("&lt;script&gt;") is fine; only real markup counts.
"""
from html.parser import HTMLParser

BAD_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "base", "meta", "style", "form"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class _Collector(HTMLParser):
    def __init__(self, allowed_tags):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.problems = []

    def handle_starttag(self, tag, attrs):
        # Our own icons (macros/ui.html icon(): <svg class="icon"><use href="/static/icons.svg#…">)
        # are expected anywhere; an injected <svg> carrying a handler or a script is still caught
        # by the checks on its attributes and children.
        if tag == "svg" and "icon" in (dict(attrs).get("class") or "").split():
            pass
        elif tag in BAD_TAGS and tag not in self.allowed_tags:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"<{tag} {name}={value!r}>")


def dangerous(html: str, allowed_tags=()) -> list[str]:
    """What in ``html`` could run script; the page's own scripts and forms are allowed by tag name."""
    collector = _Collector(set(allowed_tags))
    collector.feed(html)
    return collector.problems


def page_problems(html: str) -> list[str]:
    """``dangerous`` for a whole page: our own <script src> and <form>s are expected, inline ones not."""
    problems = dangerous(html, allowed_tags=("script", "form", "meta"))
    # Our scripts are external files; an inline <script> body would be injected.
    import re

    for body in re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S):
        if body.strip():
            problems.append("inline <script>")
    return problems
