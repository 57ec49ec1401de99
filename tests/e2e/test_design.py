"""The style guide (/design): a screenshot of each pattern at 375 and 1440 px into test-artifacts/,
and with OFFICE_UPDATE_DESIGN_PICTURES=1 into docs/design/ too (the pictures docs/design.md shows;
a plain run leaves the committed pictures alone); its tones pass axe's contrast check;
styled file inputs show the chosen names and still work without JavaScript; a profile photo goes
in through the styled input and shows as the avatar."""
import os
import struct
import zlib
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e

DOCS = Path(__file__).resolve().parents[2] / "docs" / "design"
UPDATE_DOCS = os.environ.get("OFFICE_UPDATE_DESIGN_PICTURES") == "1"
SECTIONS = ("buttons", "tags", "cards", "avatars", "icons", "fields", "links")
VIEWPORTS = {375: {"width": 375, "height": 812}, 1440: {"width": 1440, "height": 900}}


def tiny_png(rgb=(194, 65, 12), size=8) -> bytes:
    """A real PNG of one colour (Chromium must be able to draw it)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("width", VIEWPORTS)
def test_each_pattern_is_screenshot_and_passes_axe(browser, base_url, artifacts, width):
    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[width], is_mobile=width < 760,
                                  has_touch=width < 760)
    page = context.new_page()
    login(page, "chenjh")  # a director with no photo: the avatars show initials on their tones
    page.goto("/design")
    expect(page.locator(".file-input.is-ready").first).to_be_visible()
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in serious]
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[width]["width"]
    # The sticky top bar and the tab bar would lie across a section's picture (CSSOM, so no CSP issue).
    page.evaluate("document.querySelectorAll('.topbar, .tabbar').forEach((el) => { el.style.display = 'none'; })")
    for name in SECTIONS:
        section = page.locator(f"#design-{name}")
        expect(section).to_be_visible()
        section.screenshot(path=str(artifacts / f"design-{name}-{width}.png"), animations="disabled")
        if UPDATE_DOCS:
            section.screenshot(path=str(DOCS / f"{name}-{width}.png"), animations="disabled")
    context.close()


def test_file_input_shows_the_chosen_names(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[375])
    page = context.new_page()
    login(page, "hejing")
    page.goto("/design")
    box = page.locator("#design-files-field .file-input")
    expect(box.locator(".file-input-button")).to_be_visible()
    expect(box.locator("input[type=file]")).to_have_css("opacity", "0")
    assert box.locator(".file-input-button").bounding_box()["height"] >= 44
    box.locator("input[type=file]").set_input_files([
        {"name": "主图.png", "mimeType": "image/png", "buffer": tiny_png()},
        {"name": "报价.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"},
    ])
    expect(box.locator(".file-input-names")).to_have_text("主图.png、报价.pdf")
    # Date fields: one height with the text fields, the calendar icon drawn by the stylesheet.
    due, title = page.locator("#design-due"), page.locator("#title")
    assert abs(due.bounding_box()["height"] - title.bounding_box()["height"]) < 1
    assert "calendar.svg" in due.evaluate("(el) => getComputedStyle(el).backgroundImage")
    drawn = due.evaluate("""(el) => new Promise((done) => {
        const img = new Image();
        img.onload = () => done(img.naturalWidth);
        img.onerror = () => done(0);
        img.src = getComputedStyle(el).backgroundImage.slice(5, -2);
    })""")
    assert drawn > 0  # the icon is a picture the browser can draw, not only a URL
    context.close()


def test_without_javascript_the_browser_file_input_shows(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[375], java_script_enabled=False)
    page = context.new_page()
    login(page, "hejing")
    page.goto("/design")
    box = page.locator("#design-files-field .file-input")
    expect(box.locator("input[type=file]")).to_be_visible()
    expect(box.locator(".file-input-button")).to_be_hidden()
    context.close()


def test_profile_photo_through_the_styled_input(browser, base_url, artifacts):
    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[375], is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, "hanxue")
    page.goto("/people/hanxue")
    photo = page.locator("section[aria-labelledby=photo-heading]")
    photo.locator("input[type=file]").set_input_files(
        {"name": "me.png", "mimeType": "image/png", "buffer": tiny_png()})
    expect(photo.locator(".file-input-names")).to_have_text("me.png")
    photo.get_by_role("button", name="上传照片").click()
    expect(page.locator(".flash-success")).to_be_visible()
    face = page.locator(".profile-head img.avatar")
    expect(face).to_be_visible()
    assert face.evaluate("(img) => img.complete && img.naturalWidth") == 8  # served, and drawn
    page.screenshot(path=str(artifacts / "375-profile-photo.png"))
    # A wrong type is refused with the reason, and the photo stays.
    photo = page.locator("section[aria-labelledby=photo-heading]")
    photo.locator("input[type=file]").set_input_files(
        {"name": "me.gif", "mimeType": "image/gif", "buffer": b"GIF89a" + b"\x00" * 20})
    photo.get_by_role("button", name="上传照片").click()
    expect(page.locator(".flash-error")).to_contain_text("me.gif")
    expect(page.locator(".profile-head img.avatar")).to_be_visible()
    page.get_by_role("button", name="删除照片").click()
    expect(page.locator(".profile-head span.avatar")).to_be_visible()
    context.close()
