"""Draw the home-screen icons (static/icon-192.png, icon-512.png, icon-maskable-512.png) from
static/favicon.svg with the chromium the browser tests use. Run once after changing the favicon:

    .venv/bin/python scripts/build_app_icons.py

The maskable icon fills its square with the brand colour (no rounded corners): a phone cuts its own
shape from it, and the bag, about 44 % of the width, stays inside the safe circle (80 %).
"""
from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "static"


def draw(page, svg: str, size: int, target: Path) -> None:
    data = base64.b64encode(svg.encode()).decode()
    page.set_viewport_size({"width": size, "height": size})
    page.set_content(f'<html><body style="margin:0;background:transparent">'
                     f'<img src="data:image/svg+xml;base64,{data}" width="{size}" height="{size}"></body></html>')
    page.wait_for_function("document.images[0].complete")
    page.screenshot(path=str(target), omit_background=True, clip={"x": 0, "y": 0, "width": size, "height": size})
    print(f"{target.relative_to(ROOT)}: {size}x{size}, {target.stat().st_size} bytes")


def main() -> None:
    svg = (STATIC / "favicon.svg").read_text()
    maskable = svg.replace('rx="14" ', "")
    if maskable == svg:
        sys.exit("favicon.svg changed shape: update the maskable variant in this script")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("OFFICE_CHROMIUM", "/usr/bin/chromium"),
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(device_scale_factor=1)
        draw(page, svg, 192, STATIC / "icon-192.png")
        draw(page, svg, 512, STATIC / "icon-512.png")
        draw(page, maskable, 512, STATIC / "icon-maskable-512.png")
        browser.close()


if __name__ == "__main__":
    main()
