"""Navigation (issue 14, point 3): four tabs on phones, 工作台 with every module the user may open,
我的 with the user's own pages and sign-out; and what makes the site installable (the manifest,
the service worker, the offline page)."""
import json
import re

from playhouse.test_utils import assert_query_count

from office.models.people import Department
from tests.factories import make_department, make_user


def tabbar(page: str) -> str:
    return page.split('class="tabbar"', 1)[1].split("</nav>", 1)[0]


def test_the_tab_bar_has_four_tabs_with_icons(client, auth, staff):
    auth.login(staff)
    tabs = tabbar(client.get("/").get_data(as_text=True))
    links = re.findall(r'<a href="([^"]+)"', tabs)
    assert links == ["/", "/inbox/", "/workbench", "/me"]
    assert tabs.count('class="icon"') == 4
    for label in ("首页", "消息", "工作台", "我的"):
        assert f'<span class="nav-label">{label}</span>' in tabs
    # The live stream redraws the unread count in both navs by these ids.
    assert 'id="inbox-badge-tab"' in tabs


def test_the_tab_of_the_page_is_marked(client, auth, staff):
    auth.login(staff)
    for url, current in (("/", "/"), ("/memos/", "/workbench"), ("/workbench", "/workbench"),
                         ("/me", "/me"), (f"/people/{staff.username}", "/me"), ("/account/password", "/me"),
                         ("/inbox/", "/inbox/")):
        tabs = tabbar(client.get(url).get_data(as_text=True))
        assert re.findall(r'<a href="([^"]+)"[^>]* aria-current="page"', tabs) == [current], url


def test_the_top_bar_has_no_sign_out(client, auth, staff):
    # issue 14: 退出 sat alone in the phone's top bar, easy to hit. It lives under 我的 now.
    auth.login(staff)
    page = client.get("/").get_data(as_text=True)
    topbar = page.split('class="topbar"', 1)[1].split("</header>", 1)[0]
    assert "/logout" not in topbar and "退出" not in topbar
    assert 'href="/me"' in topbar and 'id="inbox-badge"' in topbar


def test_staff_workbench_lists_what_staff_may_open(client, auth, staff):
    auth.login(staff)
    page = client.get("/workbench").get_data(as_text=True)
    for href in ("/approvals/", "/approvals/new", "/mainlines/", "/notices/", "/memos/", "/people/",
                 "/approvals/delegation"):
        assert f'class="workbench-tile" href="{href}"' in page, href
    # Neither the admin pages nor orders (staff outside an order department get 404 there).
    for href in ("/people/manage", "/departments/", "/audit/", "/approvals/templates", "/inbox/failures",
                 "/orders/", "/orders/board", "/api/tokens", "/notices/new"):
        assert f'href="{href}"' not in page.split('<main', 1)[1], href
    assert "系统管理" not in page and 'id="workbench-orders"' not in page


def test_order_workers_see_the_order_tools(client, auth):
    service = make_department("客服部")
    Department.update(handles_orders=True).where(Department.id == service.id).execute()
    auth.login(make_user("kefu", department=service))
    page = client.get("/workbench").get_data(as_text=True)
    for href in ("/orders/", "/orders/board", "/orders/lookup", "/orders/import", "/orders/new", "/orders/rules",
                 "/api/tokens"):
        assert f'class="workbench-tile" href="{href}"' in page, href
    assert 'href="/people/manage"' not in page


def test_admin_workbench_has_the_admin_pages(client, auth, admin):
    auth.login(admin)
    page = client.get("/workbench").get_data(as_text=True)
    assert 'id="workbench-admin"' in page and "系统管理" in page
    for href in ("/people/manage", "/departments/", "/audit/", "/approvals/templates", "/inbox/failures",
                 "/orders/", "/notices/new"):
        assert f'class="workbench-tile" href="{href}"' in page, href


def test_the_workbench_counts_approvals_waiting(client, auth):
    import datetime as dt

    from office.approvals import engine
    from office.models.approvals import ApprovalTemplate
    from tests.factories import approval_org

    org = approval_org()
    auth.login(org["head_tmall"])
    assert "条待你审批" not in client.get("/workbench").get_data(as_text=True)
    data = {"channel": "直通车", "shop": "知行旗舰店", "amount": "800", "period_start": "2026-11-25",
            "period_end": "2026-12-05", "roi": "3.5"}
    engine.submit(ApprovalTemplate.get(ApprovalTemplate.key == "ad_spend"), org["staff"], data,
                  now=dt.datetime(2026, 11, 20, 2, 0))
    page = client.get("/workbench").get_data(as_text=True)
    assert "1 条待你审批" in page and '<span class="badge" aria-hidden="true">1</span>' in page


def test_workbench_query_count(client, auth, staff):
    auth.login(staff)
    client.get("/workbench")
    # session user, who works orders (the departments flagged, read once), the pending approvals
    # count, the live cursor, the unread badge.
    with assert_query_count(5):
        assert client.get("/workbench").status_code == 200


def test_me_page_links_to_own_things_and_sign_out(client, auth):
    team = make_department("客服部")
    user = make_user("hejing", department=team, display_name="何静", title="售前客服")
    auth.login(user)
    page = client.get("/me").get_data(as_text=True)
    main = page.split("<main", 1)[1]
    assert "何静" in main and "客服部" in main and "售前客服" in main
    for href in ("/people/hejing", "/account/password", "/inbox/settings", "/memos/", "/approvals/delegation"):
        assert f'href="{href}"' in main, href
    assert 'action="/account/language"' in main
    # Sign-out asks first, and comes back here on 取消.
    assert 'href="/logout/confirm?next=/me"' in main
    assert 'href="/api/tokens"' not in main  # not an order worker


def test_me_page_shows_api_tokens_to_order_workers(client, auth, admin):
    auth.login(admin)
    assert 'href="/api/tokens"' in client.get("/me").get_data(as_text=True)


def test_me_query_count(client, auth):
    auth.login(make_user(department=make_department("客服部")))
    client.get("/me")
    # session user, the department's name, the live cursor, the unread badge, who works orders.
    with assert_query_count(5):
        assert client.get("/me").status_code == 200


def test_workbench_and_me_need_sign_in(client):
    for url in ("/workbench", "/me"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_manifest_makes_the_site_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    body = json.loads(response.get_data(as_text=True))
    assert body["name"] == "店务协同 ShopOffice" and body["short_name"] == "店务协同"
    assert body["start_url"] == "/" and body["display"] == "standalone"
    assert body["theme_color"] == "#c2410c" and body["background_color"]
    icons = {(icon["sizes"], icon["purpose"]): icon for icon in body["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable"), ("any", "any")} <= set(icons)
    for icon in body["icons"]:
        with client.get(icon["src"]) as file:
            assert file.status_code == 200, icon["src"]
    assert icons[("any", "any")]["type"] == "image/svg+xml"


def test_pages_link_the_manifest_and_icons(client, auth, staff):
    for page in (client.get("/login").get_data(as_text=True),):
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page
        assert '<meta name="theme-color" content="#c2410c">' in page
        assert '<link rel="apple-touch-icon" href="/static/icon-192.png">' in page
        assert re.search(r'data-sw="/sw.js\?v=[0-9a-f]{12}"', page)


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js?v=abc")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response.headers["Cache-Control"]
    script = response.get_data(as_text=True)
    assert 'const OFFLINE = "/offline"' in script
    # It stores nothing but the offline page and its static files.
    assert script.count("cache.put") == 0


def test_the_offline_page_is_public_and_holds_no_user_data(client, auth, staff):
    anonymous = client.get("/offline")
    assert anonymous.status_code == 200
    page = anonymous.get_data(as_text=True)
    assert "无法连接店务协同" in page and '<html lang="zh-CN">' in page
    auth.login(staff)
    signed_in = client.get("/offline").get_data(as_text=True)
    assert staff.display_name not in signed_in and "csrf" not in signed_in.lower()
    assert 'class="tabbar"' not in signed_in
