"""Approvals in real browsers: a staff member files a 直通车 request over 5000; it routes to their
department head, who transfers it to a deputy; then to the director, who approves it from a
375 px phone in two taps; the initiator's open page and the director's counts move live."""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 812}


def test_ad_spend_routes_transfers_and_is_approved_on_a_phone(browser, live_server):
    staff_context = browser.new_context(base_url=live_server)
    head_context = browser.new_context(base_url=live_server)
    deputy_context = browser.new_context(base_url=live_server)
    director_context = browser.new_context(base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    staff, head, deputy, director = (c.new_page() for c in (staff_context, head_context, deputy_context,
                                                            director_context))
    login(staff, "zhaopeng")  # 天猫运营组, whose head is 李娜
    login(head, "lina")
    login(deputy, "wanglei")
    login(director, "chenjh")

    # The director's phone shows the 待我审批 list.
    director.goto("/approvals/")
    pending = director.locator("#approval-count-pending")
    before = int(pending.text_content().strip()) if pending.count() else 0

    # 赵鹏 files 直通车 8000: the preview shows both steps before he submits.
    staff.goto("/approvals/new/ad_spend")
    staff.get_by_label("推广渠道").select_option("直通车")
    staff.get_by_label("店铺").fill("知行旗舰店")
    staff.get_by_label("金额（元）").fill("8000")
    start = dt.date.today() + dt.timedelta(days=3)
    staff.get_by_label("开始日期").fill(start.isoformat())
    staff.get_by_label("结束日期").fill((start + dt.timedelta(days=10)).isoformat())
    staff.get_by_label("金额（元）").press("Tab")
    expect(staff.locator("#route-preview")).to_contain_text("李娜")
    expect(staff.locator("#route-preview")).to_contain_text("陈建华")
    staff.get_by_role("button", name="提交").click()
    expect(staff.locator("section.approval")).to_contain_text("待审批")
    url = staff.url

    # 李娜 transfers it to 王磊, who approves.
    head.goto(url)
    head.get_by_text("转交或加签").click()
    colleague = head.get_by_label("同事")
    colleague.select_option(value=colleague.locator("option", has_text="王磊").first.get_attribute("value"))
    head.get_by_role("button", name="转交", exact=True).click()
    # Her decision buttons go once the transfer is saved ("王磊" alone is already in the option list).
    expect(head.get_by_role("button", name="同意", exact=True)).to_have_count(0)
    deputy.goto(url)
    deputy.get_by_role("button", name="同意", exact=True).click()
    expect(deputy.locator("section.approval")).to_contain_text("陈建华")

    # The director's open list counts it without reloading, and two taps approve it.
    expect(pending).to_have_text(str(before + 1))
    director.reload()
    row = director.locator("tr.approval-row", has_text="赵鹏")
    row.get_by_role("link", name=re.compile("^同意")).first.click()
    director.get_by_role("button", name="确认同意").click()
    expect(director.locator("tr.approval-row", has_text="赵鹏")).to_have_count(0)
    expect(director.locator("#approval-count-pending")).to_have_text(str(before))

    # 赵鹏's page, open all along, shows the outcome and the record.
    expect(staff.locator("section.approval")).to_contain_text("已通过")
    expect(staff.locator("section.approval")).to_contain_text("转交")
    for context in (staff_context, head_context, deputy_context, director_context):
        context.close()
