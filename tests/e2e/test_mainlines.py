"""Mainlines in real browsers: a director plans 双11 from the template; members see a progress post
arrive live while a non-member never does; the overview shows an overdue node; the node board
works without JavaScript."""
import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e


def open_mainline(page, title: str) -> str:
    page.goto("/mainlines/")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    return page.url


def test_director_plans_double11_from_the_template(browser, live_server):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    login(page, "chenjh")
    page.goto("/mainlines/")
    page.get_by_role("link", name="新建主线").click()
    page.get_by_label("套用模板").select_option("double11")
    page.get_by_label("标题").fill("2027 双11大促")
    event = dt.date.today() + dt.timedelta(days=60)
    page.get_by_label("活动日期").fill(event.isoformat())
    page.get_by_role("button", name="创建").click()
    # The board: nodes back-scheduled from the event date and assigned by department.
    board = page.locator("#mainline-board")
    expect(board).to_contain_text("大促目标与预算确认")
    expect(board).to_contain_text((event - dt.timedelta(days=45)).isoformat())
    expect(board).to_contain_text((event - dt.timedelta(days=21)).isoformat())
    node = board.get_by_role("article", name="备货与采购下单", exact=True)
    expect(node).to_contain_text("邓芳")  # the head of 采购部
    expect(board.get_by_role("article", name="主图与详情页素材制作", exact=True)).to_contain_text("设计策划部")
    context.close()


def test_progress_reaches_members_live_and_never_an_outsider(browser, live_server):
    contexts = [browser.new_context(base_url=live_server) for _ in range(3)]
    owner, member, outsider = (c.new_page() for c in contexts)
    login(owner, "wanglei")
    login(member, "huangting")
    login(outsider, "hejing")  # 售前客服, not in 双12年终大促
    url = open_mainline(owner, "双12年终大促")
    member.goto(url)
    expect(member.get_by_role("heading", level=1)).to_contain_text("双12年终大促")
    outsider.goto("/")
    assert outsider.request.get(url).status == 404

    owner.get_by_label("有什么新动态？").fill("直通车预算已批，今晚开始加投关键词")
    owner.get_by_role("button", name="发布进度").click()
    # The member's open mainline page shows it, and its timeline line, without reloading.
    expect(member.locator("article.post", has_text="直通车预算已批")).to_be_visible()
    expect(member.locator("#timeline")).to_contain_text("直通车预算已批")
    # The outsider's open feed never does, nor does search.
    outsider.wait_for_timeout(2500)
    expect(outsider.locator("article.post", has_text="直通车预算已批")).to_have_count(0)
    outsider.goto("/feed/search?q=直通车预算已批")
    expect(outsider.locator("article.post")).to_have_count(0)
    outsider.goto("/mainlines/")
    expect(outsider.get_by_text("双12年终大促")).to_have_count(0)
    for context in contexts:
        context.close()


def test_overview_shows_the_overdue_node_and_updates_live(browser, live_server):
    wall_context, owner_context = browser.new_context(base_url=live_server), browser.new_context(base_url=live_server)
    wall, owner = wall_context.new_page(), owner_context.new_page()
    login(wall, "chenjh")
    wall.goto("/mainlines/")
    card = wall.locator("article.mainline-card", has_text="双12年终大促")
    expect(card).to_contain_text("逾期")
    expect(card).to_contain_text("备货与采购下单")
    expect(card).to_contain_text("仓库打包演练与耗材到位 等待 备货与采购下单（已逾期）")
    # The launch mainline's owner posts; the director's open wall shows it as the latest activity.
    login(owner, "lina")
    open_mainline(owner, "新品上架：冬季加绒卫衣")
    owner.get_by_label("有什么新动态？").fill("主图第二版已交付")
    owner.get_by_role("button", name="发布进度").click()
    expect(wall.locator("article.mainline-card", has_text="新品上架：冬季加绒卫衣")).to_contain_text("主图第二版已交付")
    wall_context.close()
    owner_context.close()


def test_node_board_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    login(page, "lina")
    url = open_mainline(page, "新品上架：冬季加绒卫衣")
    page.goto(url + "/board")
    node = page.locator("#mainline-board").get_by_role("article", name="平台审核", exact=True)
    # It waits for 素材制作, which is not done: starting it is refused with the reason.
    node.get_by_role("button", name="开始").click()
    expect(page.get_by_role("alert")).to_contain_text("等待前置节点完成：素材制作")
    # Finish what it waits for (plain forms, full page loads), then it starts.
    board = page.locator("#mainline-board")
    board.get_by_role("article", name="素材制作", exact=True).get_by_role("button", name="开始").click()
    material = board.get_by_role("article", name="素材制作", exact=True)
    material.get_by_role("button", name="完成").click()
    # Finished right after starting: the card asks for the real hours instead of recording 0 h (issue 14).
    expect(material).to_contain_text("实际用了多少小时")
    material.get_by_label("实际工时").fill("6")
    material.get_by_role("button", name="完成").click()
    expect(material).to_contain_text("已完成")
    expect(material.locator(".node-actual")).to_contain_text("6 h")
    board.get_by_role("article", name="平台审核", exact=True).get_by_role("button", name="开始").click()
    expect(board.get_by_role("article", name="平台审核", exact=True)).to_contain_text("进行中")
    context.close()
