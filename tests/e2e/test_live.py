"""The live stream across its reconnects: the server ends each stream after
LIVE_STREAM_SECONDS (3 s in the e2e server) and the page opens the next one, cleanly (no
console error, issue 14) and without losing what happened in between."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LIVE_STREAM_SECONDS
from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e


def test_reconnects_log_no_error_and_lose_nothing(browser, live_server):
    reader_context = browser.new_context(base_url=live_server)
    author_context = browser.new_context(base_url=live_server)
    reader, author = reader_context.new_page(), author_context.new_page()
    errors, streams = [], []
    reader.on("console", lambda m: m.type == "error" and errors.append(m.text))
    reader.on("pageerror", lambda e: errors.append(str(e)))
    reader.on("request", lambda r: "/live/" in r.url and streams.append(r.url))
    login(reader, "hejing")
    login(author, "chenjh")
    reader.goto("/")
    # Across at least two reconnects.
    reader.wait_for_timeout((2 * LIVE_STREAM_SECONDS + 2) * 1000)
    assert len(streams) >= 3, streams
    author.get_by_label("有什么新动态？").fill("重连之后也能收到")
    author.get_by_role("button", name="发布").click()
    expect(reader.locator("article.post", has_text="重连之后也能收到")).to_have_count(1)
    reader.wait_for_timeout((LIVE_STREAM_SECONDS + 1) * 1000)
    expect(reader.locator("article.post", has_text="重连之后也能收到")).to_have_count(1)  # not twice
    assert not errors, errors
    reader_context.close()
    author_context.close()
