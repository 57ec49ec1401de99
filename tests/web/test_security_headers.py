"""Security headers (office/security.py) on every kind of response: pages, htmx fragments,
redirects, error pages and toasts, the live stream, static files, JSON; files keep their own
stricter policy; HSTS only when the session cookie is secure."""
import io
import re
from pathlib import Path

import pytest

from app import create_app
from office.models.feed import Attachment
from office.security import CONTENT_SECURITY_POLICY
from tests.conftest import hx

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def assert_headers(response, expected=EXPECTED):
    for name, value in expected.items():
        assert response.headers.get(name) == value, (name, response.status_code, response.headers.get(name))


def test_the_policy_allows_only_this_site_and_no_framing():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("url,status", [
    ("/login", 200),  # anonymous page
    ("/", 302),  # redirect to the login page
    ("/no-such-page", 404),
    ("/static/css/office.css", 200),
    ("/static/vendor/htmx-2.0.11.min.js", 200),
    ("/healthz", 200),  # JSON
])
def test_anonymous_responses(client, url, status):
    with client.get(url) as response:
        assert response.status_code == status
        assert_headers(response)


def test_signed_in_pages_fragments_errors_and_the_stream(client, auth, staff, admin):
    auth.login(staff)
    assert_headers(client.get("/people/"))
    fragment = hx(client, "get", "/people/?q=li", target="people-results")
    assert "<html" not in fragment.get_data(as_text=True)
    assert_headers(fragment)
    assert_headers(client.get("/people/manage"))  # 403 page
    toast = hx(client, "get", "/no-such-page", target="people-results")
    assert toast.status_code == 404 and toast.headers["HX-Retarget"] == "#toasts"
    assert_headers(toast)
    assert_headers(client.post("/account/password", data={"current": "x"}))  # 422 form
    assert_headers(client.get("/logout"))  # 405
    stream = client.get("/live/?after=0", buffered=True)
    assert stream.mimetype == "text/event-stream"
    assert_headers(stream)


def test_json_api(client):
    response = client.post("/api/orders", json={})
    assert response.status_code == 401 and response.is_json
    assert_headers(response)


def test_csrf_refusal(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    response = create_app(app_config).test_client().post("/login", data={"username": "x", "password": "y"})
    assert response.status_code == 400
    assert_headers(response)


def test_server_error_page(app_config):
    app = create_app(app_config)

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    app.testing = False  # let the 500 handler answer instead of raising into the test
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert_headers(response)


def test_stored_files_keep_their_stricter_policy(client, auth, staff):
    auth.login(staff)
    client.post("/feed/posts", data={"body": "图", "scope": "everyone", "remind": "",
                                     "files": [(io.BytesIO(PNG), "图.png")]}, content_type="multipart/form-data")
    with client.get(f"/feed/files/{Attachment.get().id}/图.png") as response:
        assert response.status_code == 200
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert_headers(response, {name: value for name, value in EXPECTED.items()
                                  if name != "Content-Security-Policy"})


def test_hsts_only_when_the_session_cookie_is_secure(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    app.config["SESSION_COOKIE_SECURE"] = True
    assert client.get("/login").headers["Strict-Transport-Security"] == "max-age=31536000"
    with client.get("/static/css/office.css") as static:
        assert static.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_no_template_needs_unsafe_inline_or_eval():
    """What the policy would block: inline scripts and styles, style and on* attributes, and the
    htmx features that evaluate code (hx-on, js: values, trigger filters)."""
    root = Path(__file__).resolve().parents[2] / "templates"
    blocked = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=|hx-on|javascript:|[\"']js:"
                         r"|hx-trigger=\"[^\"]*\[", re.IGNORECASE)
    found = [f"{path.relative_to(root)}: {match.group(0)}" for path in sorted(root.rglob("*.html"))
             for match in blocked.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
    # htmx's own indicator <style> is switched off; office.css styles .htmx-request instead.
    assert '"includeIndicatorStyles":false' in (root / "base.html").read_text(encoding="utf-8")
