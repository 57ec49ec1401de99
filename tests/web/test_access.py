"""Every admin URL, partials included: anonymous -> login (htmx: HX-Redirect), staff -> 403."""
import pytest

from tests.conftest import hx

# (method, url) for every admin-only endpoint; {user} and {department} are filled in.
ADMIN_URLS = [
    ("get", "/people/manage"),
    ("get", "/people/new"),
    ("post", "/people/new"),
    ("get", "/people/{user}/row"),
    ("get", "/people/{user}/edit"),
    ("post", "/people/{user}/edit"),
    ("post", "/people/{user}/deactivate"),
    ("post", "/people/{user}/activate"),
    ("post", "/people/{user}/password"),
    ("get", "/departments/"),
    ("post", "/departments/new"),
    ("get", "/departments/{department}/row"),
    ("get", "/departments/{department}/edit"),
    ("post", "/departments/{department}/edit"),
    ("post", "/departments/{department}/delete"),
    ("get", "/audit/"),
]
ADMIN_ENDPOINTS = {
    "people.manage", "people.create", "people.row", "people.edit", "people.deactivate", "people.activate",
    "people.reset_password", "departments.index", "departments.create", "departments.row", "departments.edit",
    "departments.delete", "audit.index",
}
SIGNED_IN_URLS = [("get", "/"), ("get", "/people/"), ("get", "/people/{username}"), ("get", "/account/password"),
                  ("post", "/account/password"), ("post", "/logout")]


@pytest.fixture
def targets(admin):
    from tests.factories import make_department

    department = make_department("测试部")
    return {"user": admin.id, "department": department.id, "username": admin.username}


def _call(client, method, url, targets, htmx=False):
    url = url.format(**targets)
    if htmx:
        return hx(client, method, url, target="main")
    return client.open(url, method=method.upper())


def test_the_list_covers_every_admin_endpoint(app):
    """A new admin URL must be added to ADMIN_URLS, or this fails."""

    guarded = {rule.endpoint for rule in app.url_map.iter_rules()
               if rule.endpoint.split(".")[0] in ("departments", "audit")
               or rule.endpoint in ADMIN_ENDPOINTS}
    assert guarded == ADMIN_ENDPOINTS
    known = {rule.endpoint for rule in app.url_map.iter_rules()}
    public = {"static", "auth.login", "auth.language", "home.healthz"}
    signed_in = {"home.index", "people.index", "people.profile", "auth.password", "auth.logout"}
    assert known == ADMIN_ENDPOINTS | public | signed_in


@pytest.mark.parametrize("method,url", ADMIN_URLS + SIGNED_IN_URLS)
def test_anonymous_goes_to_login(client, targets, method, url):
    response = _call(client, method, url, targets)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("method,url", ADMIN_URLS + SIGNED_IN_URLS)
def test_anonymous_htmx_gets_hx_redirect(client, targets, method, url):
    response = _call(client, method, url, targets, htmx=True)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login"
    assert b"<html" not in response.data


@pytest.mark.parametrize("method,url", ADMIN_URLS)
def test_staff_are_forbidden(client, auth, staff, targets, method, url):
    auth.login(staff)
    response = _call(client, method, url, targets)
    assert response.status_code == 403
    assert "你没有权限打开此页面" in response.get_data(as_text=True)


@pytest.mark.parametrize("method,url", ADMIN_URLS)
def test_staff_htmx_gets_a_toast_not_a_page(client, auth, staff, targets, method, url):
    auth.login(staff)
    response = _call(client, method, url, targets, htmx=True)
    assert response.status_code == 403
    assert b"<html" not in response.data
    assert response.headers["HX-Retarget"] == "#toasts"


@pytest.mark.parametrize("role", ["director", "head"])
def test_other_roles_are_forbidden_too(client, auth, targets, role):
    from tests.factories import make_user

    auth.login(make_user(role=role))
    assert client.get("/people/manage").status_code == 403


@pytest.mark.parametrize("method,url", [u for u in ADMIN_URLS if u[0] == "get"])
def test_admin_can_open(client, auth, admin, targets, method, url):
    auth.login(admin)
    assert _call(client, method, url, targets).status_code == 200


def test_missing_objects_are_404(client, auth, admin):
    auth.login(admin)
    assert client.get("/people/9999/edit").status_code == 404
    assert client.get("/departments/9999/edit").status_code == 404
    assert client.get("/people/nobody-here").status_code == 404
