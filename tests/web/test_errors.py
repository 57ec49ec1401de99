"""Error pages, htmx error toasts, CSRF, and /healthz."""
import os
import subprocess
import sys

from app import create_app
from tests.conftest import hx


def test_404_page_in_chinese(client, auth, staff):
    auth.login(staff)
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)
    assert "<html" in response.get_data(as_text=True)


def test_htmx_errors_are_toasts_not_pages(client, auth, staff):
    auth.login(staff)
    response = hx(client, "get", "/no-such-page", target="people-results")
    body = response.get_data(as_text=True)
    assert response.status_code == 404 and "<html" not in body and 'role="alert"' in body
    assert response.headers["HX-Retarget"] == "#toasts" and response.headers["HX-Reswap"] == "beforeend"


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"db": "ok", "queue": "ok"}


def test_healthz_reports_a_dead_database(app_config, tmp_path):
    app_config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'missing-dir' / 'office.db'}"
    response = create_app(app_config).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["db"].startswith("error") and response.get_json()["queue"] == "ok"


def test_healthz_reports_a_dead_queue(tmp_path):
    """A real app process whose Redis is not there (nothing listens on port 1)."""
    env = {**os.environ, "OFFICE_REDIS_URL": "redis://127.0.0.1:1/0", "OFFICE_INSTANCE_PATH": str(tmp_path)}
    code = ("from app import create_app; r = create_app().test_client().get('/healthz');"
            "print(r.status_code, r.get_json()['queue'][:5])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["503", "error"]


def test_csrf_is_enforced_and_htmx_header_passes(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    app = create_app(app_config)
    client = app.test_client()
    with app.app_context():
        from tests.factories import make_user

        make_user("xiaoli")
    refused = client.post("/login", data={"username": "xiaoli", "password": "password123"})
    assert refused.status_code == 400 and "安全令牌校验失败" in refused.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/login", data={"username": "xiaoli", "password": "password123",
                                       "csrf_token": token}).status_code == 303
    # htmx sends the token from <body hx-headers> as X-CSRFToken.
    home = client.get("/").get_data(as_text=True)
    header_token = home.split('"X-CSRFToken": "')[1].split('"')[0]
    without = hx(client, "post", "/account/language", data={"language": "en"})
    assert without.status_code == 400 and without.headers["HX-Retarget"] == "#toasts"
    with_header = hx(client, "post", "/account/language", data={"language": "en"},
                     headers={"X-CSRFToken": header_token})
    assert with_header.status_code == 204 and with_header.headers["HX-Redirect"]


def test_the_favicon_is_served_and_linked(client, auth, staff):
    # issue 14: /favicon.ico answered 404 on every page load.
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"].endswith("/static/favicon.svg")
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    icon.close()
    for page in ("/login",):
        assert 'rel="icon" href="/static/favicon.svg"' in client.get(page).get_data(as_text=True)
    auth.login(staff)
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/").get_data(as_text=True)
