"""The work-order list's Excel export: the tab and filters the list shows, never a wider set
(outsiders, heads' 全部), clocks in working hours with pauses left out, 是/否 for breaches,
texts Excel would run as formulas kept as text, a fixed number of queries, sign-in required."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from playhouse.test_utils import assert_query_count

from office import clock
from office.models.base import utcnow
from office.workorders import engine
from tests.factories import work_order_org

HEADER = ["编号", "类型", "标题", "状态", "优先级", "发起人", "处理人", "所属部门", "创建时间", "首次响应截止",
          "首次响应时间", "首次响应用时（工作小时）", "解决截止", "解决时间", "解决用时（工作小时）",
          "暂停时长（工作小时）", "首次响应超时", "解决超时", "关闭原因"]


@pytest.fixture
def org(app):
    return work_order_org()


def _complaint(org, title="买家投诉发错颜色", now=None, **kw):
    kw.setdefault("queue", org["service"])
    return engine.open_order(org["operator"], "complaint", title, "订单 123", now=now, **kw).order


def _sheet(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True))
    return rows[0], {row[0]: dict(zip(HEADER, row)) for row in rows[1:]}


def test_the_export_has_the_header_and_the_rows_of_the_tab_and_filter(client, auth, org):
    complaint = _complaint(org)
    refund = engine.open_order(org["operator"], "refund", "退款申请", queue=org["service"]).order
    auth.login(org["head_service"])
    html = client.get("/work-orders/?tab=all&kind=refund").get_data(as_text=True)
    assert "/work-orders/export.xlsx?tab=all&amp;kind=refund" in html
    header, rows = _sheet(client, "/work-orders/export.xlsx?tab=all&kind=refund")
    assert list(header) == HEADER
    assert list(rows) == [refund.number]
    row = rows[refund.number]
    assert (row["类型"], row["标题"], row["状态"], row["发起人"], row["所属部门"]) == (
        "退款", "退款申请", "待处理", "运营小张", "客服部")
    # Times in the office's zone.
    created = clock.local(refund.created_at).replace(tzinfo=None)
    assert abs((row["创建时间"] - created).total_seconds()) < 1
    _header, rows = _sheet(client, "/work-orders/export.xlsx?tab=queue")
    assert set(rows) == {complaint.number, refund.number}
    engine.claim(complaint.id, org["agent"])
    _header, rows = _sheet(client, "/work-orders/export.xlsx?tab=all&status=in_progress")
    assert list(rows) == [complaint.number] and rows[complaint.number]["处理人"] == "小李"


def test_an_export_holds_only_what_its_user_may_see(client, auth, org):
    service_case = _complaint(org)
    design_task = engine.open_order(org["outsider"], "other", "外人的请求", queue=org["design"]).order
    auth.login(org["outsider"])
    assert client.get("/work-orders/export.xlsx?tab=all").status_code == 404
    _header, rows = _sheet(client, "/work-orders/export.xlsx?tab=created")
    assert list(rows) == [design_task.number]
    auth.logout()
    # A head's 全部: their own department's orders, not another department's.
    auth.login(org["head_service"])
    _header, rows = _sheet(client, "/work-orders/export.xlsx?tab=all")
    assert list(rows) == [service_case.number]
    auth.logout()
    # The head above both departments sees both.
    auth.login(org["boss"])
    _header, rows = _sheet(client, "/work-orders/export.xlsx?tab=all")
    assert set(rows) == {service_case.number, design_task.number}


def test_a_breached_clock_says_yes(client, auth, org):
    late = _complaint(org, "迟了", now=utcnow() - dt.timedelta(minutes=30))
    fresh = _complaint(org, "刚来")
    # Closed by its requester before the 10-minute clock ran out: never late, however long ago.
    withdrawn = _complaint(org, "撤回", now=utcnow() - dt.timedelta(minutes=30))
    engine.close(withdrawn.id, org["operator"], "买家撤回", now=utcnow() - dt.timedelta(minutes=25))
    auth.login(org["head_service"])
    _header, rows = _sheet(client, "/work-orders/export.xlsx?tab=all")
    assert (rows[late.number]["首次响应超时"], rows[late.number]["解决超时"]) == ("是", "否")
    assert (rows[fresh.number]["首次响应超时"], rows[fresh.number]["解决超时"]) == ("否", "否")
    assert (rows[withdrawn.number]["首次响应超时"], rows[withdrawn.number]["解决超时"]) == ("否", "否")
    _header, rows = _sheet(client, "/work-orders/export.xlsx?tab=all&breached=1")
    assert list(rows) == [late.number]


def test_time_paused_is_counted_and_left_out_of_the_resolution_time(client, auth, org):
    now = utcnow()
    order = _complaint(org, now=now - dt.timedelta(hours=5))
    engine.claim(order.id, org["agent"], now=now - dt.timedelta(hours=5))
    engine.pause(order.id, org["agent"], "等买家回复", now=now - dt.timedelta(hours=4))
    engine.resume(order.id, org["agent"], now=now - dt.timedelta(hours=2))
    engine.close(order.id, org["agent"], "买家不再回复", now=now)
    # A complaint's clocks run round the clock: working hours are plain hours.
    auth.login(org["head_service"])
    _header, rows = _sheet(client, "/work-orders/export.xlsx?tab=all")
    row = rows[order.number]
    assert row["暂停时长（工作小时）"] == 2.0
    assert row["解决用时（工作小时）"] == 3.0
    assert row["首次响应用时（工作小时）"] == 0.0
    assert row["关闭原因"] == "买家不再回复" and row["首次响应超时"] == "否"


def test_a_still_paused_order_counts_its_pause_to_now(client, auth, org):
    now = utcnow()
    order = _complaint(org, now=now - dt.timedelta(hours=3))
    engine.claim(order.id, org["agent"], now=now - dt.timedelta(hours=3))
    engine.pause(order.id, org["agent"], "等买家回复", now=now - dt.timedelta(hours=1))
    auth.login(org["agent"])
    _header, rows = _sheet(client, "/work-orders/export.xlsx?tab=mine")
    assert rows[order.number]["暂停时长（工作小时）"] == pytest.approx(1.0, abs=0.02)
    assert rows[order.number]["解决用时（工作小时）"] is None


def test_texts_excel_would_run_are_kept_as_text(client, auth, org):
    order = _complaint(org, "=HYPERLINK(\"http://evil\",\"点我\")")
    engine.claim(order.id, org["agent"])
    engine.close(order.id, org["agent"], "@SUM(1+1)")
    auth.login(org["head_service"])
    _header, rows = _sheet(client, "/work-orders/export.xlsx?tab=all")
    row = rows[order.number]
    assert row["标题"] == "'=HYPERLINK(\"http://evil\",\"点我\")"
    assert row["关闭原因"] == "'@SUM(1+1)"


def test_the_export_has_a_fixed_number_of_queries(client, auth, org):
    engine.claim(_complaint(org, "单").id, org["agent"])
    engine.claim(engine.open_order(org["operator"], "refund", "退款", queue=org["service"]).order.id, org["agent"])
    auth.login(org["head_service"])
    client.get("/work-orders/export.xlsx?tab=all")
    # session user, the department tree, the orders with their names, the office calendar (hours
    # and days: read once whatever the number of orders).
    with assert_query_count(5):
        _header, rows = _sheet(client, "/work-orders/export.xlsx?tab=all")
    assert len(rows) == 2
    for n in range(6):
        _complaint(org, f"更多 {n}")
        engine.open_order(org["operator"], "refund", f"退款 {n}", queue=org["service"])
    with assert_query_count(5):
        _header, rows = _sheet(client, "/work-orders/export.xlsx?tab=all")
    assert len(rows) == 14


def test_the_export_needs_a_sign_in(client, org):
    response = client.get("/work-orders/export.xlsx?tab=mine")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
