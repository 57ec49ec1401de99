"""End-to-end fixtures: the app served by scripts/serve (gunicorn + huey consumer,
as `make run` does) over its own database, and Debian's chromium for Playwright.

The server runs in a subprocess rather than a thread: the database proxy is
global to a process, and the web tests re-point it for every test.

Every browser test is watched (``page_guard``, autouse): each page it opens must carry the
security headers of office/security.py, a Content-Security-Policy violation reported in any
of its browser contexts fails the test, and every page loaded at a phone's width must have no
tap target under 40 px (issue 14).
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from office.security import CONTENT_SECURITY_POLICY
from tests.conftest import PG_URL, create_pg_database
from tests.e2e.helpers import MIN_TAP, SMALL_TARGETS

ROOT = Path(__file__).resolve().parents[2]
LIVE_STREAM_SECONDS = 3
ARTIFACTS = ROOT / "test-artifacts" / ("postgres" if PG_URL else "sqlite")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("OFFICE_CHROMIUM", "/usr/bin/chromium"),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("live-instance")
    port = _free_port()
    env = {**os.environ, "OFFICE_INSTANCE_PATH": str(instance), "OFFICE_BIND": f"127.0.0.1:{port}",
           "OFFICE_WORKERS": "2",
           # Order uploads over 256 KB go to the huey job with its progress bar (tests/e2e/test_orders.py).
           "OFFICE_ORDER_IMPORT_INLINE_BYTES": "262144",
           # Streams end and reconnect every few seconds, so every test crosses reconnects
           # (tests/e2e/test_live.py checks they are clean and lose nothing).
           "OFFICE_LIVE_STREAM_SECONDS": str(LIVE_STREAM_SECONDS)}
    if PG_URL:
        env["OFFICE_DATABASE_URL"] = create_pg_database(PG_URL, f"office_e2e_{uuid.uuid4().hex[:8]}")
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "app"]
    subprocess.run([*flask, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    log = (instance / "server.log").open("w")
    server = subprocess.Popen([str(ROOT / "scripts/serve")], env=env, cwd=ROOT, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError as error:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start:\n" + (instance / "server.log").read_text()) from error
            time.sleep(0.1)
    yield base
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=15)
    log.close()


@pytest.fixture(scope="session")
def base_url(live_server):
    # Replaces pytest-base-url's fixture; pytest-playwright passes it to every context.
    return live_server


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # An English browser still gets Chinese: the app does not follow Accept-Language.
    return {**browser_context_args, "locale": "en-US"}


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# What every page the tests open must carry (office/security.py); header names as Playwright gives them.
PAGE_HEADERS = {"content-security-policy": CONTENT_SECURITY_POLICY, "x-frame-options": "DENY",
                "x-content-type-options": "nosniff", "referrer-policy": "same-origin"}
# uploads.send_stored keeps its own, stricter policy for files.
FILE_POLICY = "default-src 'none'; sandbox"
# Runs in every document before its own scripts; the guard reads the console.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("securitypolicyviolation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                + " in " + e.documentURI + " (" + (e.sourceFile || "") + ":" + e.lineNumber + ")");
});
"""


class PageGuard:
    """What one test's browser contexts saw: CSP violations, and page responses missing a header."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.contexts = []
        self.violations: list[str] = []
        self.header_problems: list[str] = []
        self.small_targets: list[str] = []
        self.pages_checked = 0

    def watch(self, context):
        self.contexts.append(context)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self._console)
        context.on("response", self._response)
        context.on("page", lambda page: page.on("load", self._loaded))
        return context

    def _loaded(self, page):
        # Phones only: a desktop's mouse does not need 40 px targets (WCAG 2.5.8 asks 24).
        size = page.viewport_size
        if not size or size["width"] >= 760 or not page.url.startswith(self.base_url):
            return
        with contextlib.suppress(PlaywrightError):  # navigated away meanwhile, or not an HTML page
            small = page.evaluate(SMALL_TARGETS, MIN_TAP)
            if small:
                self.small_targets.append(f"{page.url}: {small}")

    def _console(self, message):
        # Chromium reports a violation itself ("...violates the following Content Security Policy
        # directive...") and, where scripts run, the page's listener above reports it again.
        text = message.text
        if text.startswith("securitypolicyviolation:") or "Content Security Policy" in text:
            self.violations.append(text)

    def _response(self, response):
        request = response.request
        if not request.is_navigation_request() or not response.url.startswith(self.base_url):
            return
        self.pages_checked += 1
        headers = response.headers
        expected = dict(PAGE_HEADERS)
        if "text/html" not in headers.get("content-type", "") and headers.get("content-security-policy") == FILE_POLICY:
            expected["content-security-policy"] = FILE_POLICY
        for name, value in expected.items():
            if headers.get(name) != value:
                self.header_problems.append(f"{response.status} {response.url}: {name} is {headers.get(name)!r}")

    def flush(self) -> None:
        """Take in the events still on their way: a round trip to each open page delivers them."""
        for context in self.contexts:
            for page in context.pages:  # none once the test has closed the context
                with contextlib.suppress(PlaywrightError):  # closed meanwhile, or scripts disabled
                    page.evaluate("0")

    def check(self) -> None:
        self.flush()
        assert not self.violations, "Content-Security-Policy violations:\n" + "\n".join(self.violations)
        assert not self.header_problems, "pages without their security headers:\n" + "\n".join(self.header_problems)
        assert not self.small_targets, f"tap targets under {MIN_TAP} px on a phone:\n" + "\n".join(self.small_targets)


@pytest.fixture(autouse=True)
def page_guard(request, monkeypatch):
    """Watch every browser context the test opens: through ``page``/``context`` (pytest-playwright
    makes them with browser.new_context) or by calling browser.new_context itself."""
    if "browser" not in request.fixturenames:
        yield None
        return
    browser = request.getfixturevalue("browser")
    guard = PageGuard(request.getfixturevalue("live_server"))
    new_context = browser.new_context
    monkeypatch.setattr(browser, "new_context", lambda *args, **kwargs: guard.watch(new_context(*args, **kwargs)))
    yield guard


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    # After the test body (so a violation fails the test itself, not its teardown).
    result = yield
    guard = getattr(item, "funcargs", {}).get("page_guard")
    if guard is not None:
        guard.check()
    return result
