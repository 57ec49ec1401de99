"""Build static/icons.svg, the one icon sprite every page uses, from a Lucide release.

Only the icons named in ICONS go in (the full set is 640 KB; ours is a few KB, cached once).
To add an icon: name it below, then

    cd /tmp && npm pack lucide-static@VERSION && tar xzf lucide-static-VERSION.tgz
    .venv/bin/python scripts/build_icons.py /tmp/package

Lucide is ISC-licensed; its licence is kept beside the sprite in static/vendor/.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = sorted({
    # navigation and modules
    "house", "inbox", "layout-grid", "user", "users", "stamp", "shopping-cart", "git-branch", "megaphone",
    "notebook-pen", "building-2", "scroll-text", "shield", "key-round", "settings", "log-out", "languages",
    "package", "truck", "warehouse", "scan-barcode", "printer", "clipboard-list", "clipboard-check",
    "headset", "calendar", "calendar-days", "calendar-clock", "chart-column", "boxes", "list-todo",
    # actions
    "search", "plus", "paperclip", "image", "x", "check", "upload", "download", "git-merge", "pencil",
    "trash-2", "send", "eye", "pin", "link", "copy", "external-link", "refresh-cw", "filter", "camera",
    "bell", "ellipsis", "arrow-left", "arrow-right", "chevron-right", "chevron-left", "chevron-down",
    "corner-down-right", "message-square", "bookmark", "lock", "at-sign", "file-text", "file-check",
    "flag", "route", "user-check", "list-todo",
    # states
    "circle-check", "circle-x", "circle-alert", "triangle-alert", "info", "clock", "hourglass", "timer",
    "wifi-off",
})


def symbol(name: str, svg: str) -> str:
    body = re.search(r"<svg[^>]*>(.*)</svg>", svg, re.S).group(1)
    lines = [line.strip() for line in body.strip().splitlines() if line.strip()]
    return f'<symbol id="{name}" viewBox="0 0 24 24">{"".join(lines)}</symbol>'


def main(package: Path) -> None:
    version = json.loads((package / "package.json").read_text())["version"]
    symbols = [symbol(name, (package / "icons" / f"{name}.svg").read_text()) for name in ICONS]
    sprite = (f"<!-- Lucide {version} (ISC, static/vendor/lucide-LICENSE), built by scripts/build_icons.py -->\n"
              '<svg xmlns="http://www.w3.org/2000/svg">\n' + "\n".join(symbols) + "\n</svg>\n")
    (ROOT / "static/icons.svg").write_text(sprite)
    (ROOT / "static/vendor/lucide-LICENSE").write_text((package / "LICENSE").read_text())
    print(f"static/icons.svg: {len(ICONS)} icons from Lucide {version}, {len(sprite)} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/package"))
