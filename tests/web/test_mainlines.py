"""Mainline pages: the overview (作战图), starting from a template (back-scheduling, assignment),
settings and phases, plan vs actual, saving a template, the export, progress posts and live updates."""
import csv
import datetime as dt
import io

import pytest
from playhouse.test_utils import assert_query_count

from office.clock import office_date
from office.mainlines import nodes, plan_templates, plans
from office.models.mainlines import Activity, Mainline, Member, Node, Phase, PlanTemplate
from tests.factories import make_department, make_user


@pytest.fixture
def company(app):
    """The departments the built-in templates name, each with a head."""
    from office.departments.tree import update_department

    heads = {}
    for name, username, person in (("运营推广部", "wanglei", "王磊"), ("天猫运营组", "lina", "李娜"),
                                   ("设计策划部", "liuyang", "刘洋"), ("采购部", "dengfang", "邓芳"),
                                   ("客服部", "zhengli", "郑丽"), ("物流仓储部", "fenggang", "冯刚")):
        department = make_department(name)
        heads[name] = make_user(username, role="head", department=department, display_name=person)
        update_department(department, head=heads[name])
    heads["director"] = make_user("chenjh", role="director", display_name="陈建华")
    return heads


def _today():
    return office_date()


def test_director_plans_double11_from_the_template(client, auth, company):
    event = _today() + dt.timedelta(days=60)
    auth.login(company["director"])
    response = client.post("/mainlines/new", data={"title": "2027 双11大促", "event_date": event.isoformat(),
                                                  "template": "double11", "goal": "GMV 800 万"})
    assert response.status_code == 303
    mainline = Mainline.get(Mainline.title == "2027 双11大促")
    assert response.headers["Location"].endswith(f"/mainlines/{mainline.id}/board")
    plan = {n.title: n for n in Node.select().where(Node.mainline == mainline.id)}
    assert len(plan) == len(plan_templates.BUILT_IN["double11"].nodes)
    # Back-scheduled from the event date.
    assert plan["大促目标与预算确认"].due_date == event - dt.timedelta(days=45)
    assert plan["主图与详情页素材制作"].due_date == event - dt.timedelta(days=21)
    assert plan["大促当天值守"].due_date == event
    assert plan["大促复盘会"].due_date == event + dt.timedelta(days=14)
    # Assigned by department and role: the head takes it, or the department waits for its head.
    assert plan["备货与采购下单"].owner_id == company["采购部"].id
    material = plan["主图与详情页素材制作"]
    assert material.owner_id is None and material.department.name == "设计策划部"
    assert plan["大促当天值守"].owner_id == company["director"].id  # the mainline owner
    assert plan["主图与详情页素材制作"].planned_hours == 48
    # The people assigned are members; the phases are the template's.
    members = {m.user_id for m in Member.select().where(Member.mainline == mainline.id)}
    heads = ("采购部", "设计策划部", "客服部", "物流仓储部", "天猫运营组", "运营推广部")
    assert {company[n].id for n in heads} <= members
    assert [p.name for p in Phase.select().where(Phase.mainline == mainline.id).order_by(Phase.position)] == [
        "前期筹备", "中期执行", "后期监督"]
    page = client.get(f"/mainlines/{mainline.id}").get_data(as_text=True)
    assert "GMV 800 万" in page and "前期筹备" in page


def test_new_product_launch_template_matches_the_owner_s_chain(app, company):
    spec = plan_templates.BUILT_IN["launch"]
    titles = [n.title for n in spec.nodes]
    assert titles[:4] == ["选品会", "素材制作", "平台审核", "上架"]
    assert [n.hours for n in spec.nodes[1:3]] == [48, 24]
    # Each waits for the one before it.
    assert [n.depends for n in spec.nodes[1:4]] == [[0], [1], [2]]


def test_a_department_the_company_lacks_leaves_the_node_with_the_owner(app):
    owner = make_user(role="director")
    mainline = plan_templates.instantiate(plan_templates.BUILT_IN["launch"], owner, "新品", dt.date(2027, 3, 1))
    assert {n.owner_id for n in Node.select().where(Node.mainline == mainline.id)} == {owner.id}


def test_blank_mainline_has_the_default_phases(client, auth, company):
    auth.login(company["运营推广部"])
    response = client.post("/mainlines/new", data={"title": "店铺迁移", "event_date": "2027-01-15"})
    assert response.status_code == 303
    mainline = Mainline.get(Mainline.title == "店铺迁移")
    assert [p.name for p in mainline.phases.order_by(Phase.position)] == ["前期筹备", "中期执行", "后期监督"]
    assert Member.get(Member.mainline == mainline.id).role == "owner"


def test_bad_input_is_refused_and_nothing_is_written(client, auth, company):
    auth.login(company["director"])
    response = client.post("/mainlines/new", data={"title": "", "event_date": "not a date", "template": "double11"})
    assert response.status_code == 422
    assert Mainline.select().count() == 0
    response = client.post("/mainlines/new", data={"title": "x", "event_date": "2027-01-01", "template": "saved-999"})
    assert response.status_code == 422
    assert Mainline.select().count() == 0


def test_staff_cannot_start_a_mainline(client, auth, staff):
    auth.login(staff)
    assert client.get("/mainlines/new").status_code == 403
    assert client.post("/mainlines/new", data={"title": "x", "event_date": "2027-01-01"}).status_code == 403
    assert client.get("/mainlines/").status_code == 200


def test_the_template_form_previews_the_plan(client, auth, company):
    auth.login(company["director"])
    page = client.get("/mainlines/new?template=launch").get_data(as_text=True)
    assert "T−7" in page and "素材制作" in page and "48 h" in page
    assert "新品上架" in client.get("/mainlines/templates").get_data(as_text=True)


def _finish(node, by, start, hours):
    nodes.start_node(node, by, now=start)
    nodes.finish_node(node, by, now=start + dt.timedelta(hours=hours))


def test_plan_vs_actual_per_node_and_phase_with_a_frozen_clock(client, auth, company):
    director = company["director"]
    mainline = plan_templates.instantiate(plan_templates.BUILT_IN["launch"], director, "新品上架：卫衣", dt.date(2027, 3, 1))
    plan = {n.title: n for n in Node.select().where(Node.mainline == mainline.id)}
    start = dt.datetime(2027, 2, 1, 1, 0)
    _finish(plan["选品会"], director, start, 3)  # 4 h planned: 1 h under
    _finish(Node.get_by_id(plan["素材制作"].id), director, start + dt.timedelta(days=1), 60)  # 48 planned: 12 over
    material = Node.get_by_id(plan["素材制作"].id)
    assert material.actual_hours == 60 and material.planned_hours == 48
    assert material.started_at == start + dt.timedelta(days=1)
    assert material.done_at == start + dt.timedelta(days=1, hours=60)
    activity = Activity.select().where(Activity.kind == "node_done").order_by(Activity.id.desc()).first()
    assert activity.text == "完成：素材制作，用时 60 小时，计划 48 小时"
    from office.mainlines.queries import board

    figures = board(mainline, dt.date(2027, 2, 10))
    first = figures.columns[0].figures
    assert (first.done, first.total, first.planned_done, first.actual, first.over) == (2, 2, 52, 63, 11)
    assert figures.figures.percent == 40
    auth.login(director)
    page = client.get(f"/mainlines/{mainline.id}/figures").get_data(as_text=True)
    assert "63 h" in page and "52 h" in page and "超出 11 h" in page


def test_overview_shows_phase_progress_overdue_and_blockers(client, auth, company):
    director = company["director"]
    today = _today()
    mainline = plan_templates.instantiate(plan_templates.BUILT_IN["launch"], director, "新品上架：保温杯",
                                     today + dt.timedelta(days=5))
    # 选品会 (T−10) done; 素材制作 (T−7) is two days late, and 平台审核 waits for it.
    first = Node.get((Node.mainline == mainline.id) & (Node.title == "选品会"))
    _finish(first, director, dt.datetime(2026, 1, 1), 4)
    auth.login(director)
    page = client.get("/mainlines/").get_data(as_text=True)
    assert "新品上架：保温杯" in page
    assert "前期筹备" in page
    assert "20%" in page  # 1 of 5 nodes
    assert "1 个节点逾期" in page and "素材制作" in page
    assert "平台审核 等待 素材制作（已逾期）" in page


def test_overview_query_count_does_not_grow(client, auth, company):
    director = company["director"]
    for n in range(2):
        plan_templates.instantiate(plan_templates.BUILT_IN["launch"], director, f"新品 {n}", _today())
    auth.login(director)
    client.get("/mainlines/")
    # session user, live cursor, mainlines with owners, phases, sums per phase, first overdue nodes,
    # blockers, badge
    with assert_query_count(8):
        client.get("/mainlines/")
    for n in range(8):
        plan_templates.instantiate(plan_templates.BUILT_IN["double11"], director, f"大促 {n}", _today())
    with assert_query_count(8):
        assert client.get("/mainlines/").get_data(as_text=True).count('class="mainline-card') == 10


def test_done_mainlines_leave_the_overview(client, auth, company):
    director = company["director"]
    mainline = plans.create_mainline(director, "年货节", dt.date(2027, 1, 20))
    plans.update_mainline(mainline, director, "年货节", mainline.event_date, "", "done")
    auth.login(director)
    assert "年货节" not in client.get("/mainlines/").get_data(as_text=True)
    assert "年货节" in client.get("/mainlines/?status=done").get_data(as_text=True)


def test_settings_and_phases(client, auth, company):
    owner = company["运营推广部"]
    mainline = plans.create_mainline(owner, "会员日", dt.date(2027, 2, 2))
    auth.login(owner)
    url = f"/mainlines/{mainline.id}"
    assert client.post(f"{url}/edit", data={"title": "超级会员日", "event_date": "2027-02-03", "goal": "拉新 1 万",
                                            "status": "active"}).status_code == 303
    assert Mainline.get_by_id(mainline.id).event_date == dt.date(2027, 2, 3)
    assert client.post(f"{url}/phases", data={"name": "复盘"}).status_code == 303
    response = client.post(f"{url}/phases", data={"name": "复盘"})
    assert response.status_code == 422 and "两个阶段同名" in response.get_data(as_text=True)
    phase = Phase.get((Phase.mainline == mainline.id) & (Phase.name == "复盘"))
    assert client.post(f"{url}/phases/{phase.id}", data={"name": "活动复盘"}).status_code == 303
    first = Phase.get((Phase.mainline == mainline.id) & (Phase.name == "前期筹备"))
    nodes.add_node(mainline, owner, "拉新方案", first.id)
    response = client.post(f"{url}/phases/{first.id}/delete")
    assert response.status_code == 422 and "请先移走或删除这个阶段的节点" in response.get_data(as_text=True)
    assert client.post(f"{url}/phases/{phase.id}/delete").status_code == 303
    assert not Phase.select().where(Phase.id == phase.id).exists()


def test_a_member_who_does_not_manage_gets_403_on_settings(client, auth, company):
    from office.mainlines import membership

    owner, member = company["运营推广部"], company["客服部"]
    mainline = plans.create_mainline(owner, "会员日", dt.date(2027, 2, 2))
    membership.invite(mainline, owner, [member])
    auth.login(member)
    assert client.get(f"/mainlines/{mainline.id}/edit").status_code == 403
    assert client.post(f"/mainlines/{mainline.id}/phases", data={"name": "x"}).status_code == 403


def test_save_as_template_and_plan_a_new_mainline_from_it(client, auth, company):
    director = company["director"]
    source = plan_templates.instantiate(plan_templates.BUILT_IN["launch"], director, "新品上架：卫衣", dt.date(2027, 3, 1))
    auth.login(director)
    assert client.post(f"/mainlines/{source.id}/save-template",
                       data={"name": "卫衣上新", "description": "含拍摄"}).status_code == 303
    template = PlanTemplate.get(PlanTemplate.name == "卫衣上新")
    response = client.post("/mainlines/new", data={"title": "卫衣上新 2", "event_date": "2027-04-01",
                                                  "template": f"saved-{template.id}"})
    assert response.status_code == 303
    copy = Mainline.get(Mainline.title == "卫衣上新 2")
    due = {n.title: n.due_date for n in Node.select().where(Node.mainline == copy.id)}
    assert due["素材制作"] == dt.date(2027, 3, 25)  # T−7 again
    material = Node.get((Node.mainline == copy.id) & (Node.title == "素材制作"))
    assert material.department.name == "设计策划部" and material.owner_id is None


def test_export_is_csv_with_plan_vs_actual_and_no_formulas(client, auth, company):
    director = company["director"]
    mainline = plan_templates.instantiate(plan_templates.BUILT_IN["launch"], director, "新品", dt.date(2027, 3, 1))
    first = Node.get((Node.mainline == mainline.id) & (Node.title == "选品会"))
    nodes.edit_node(first, director, "=HYPERLINK(\"x\")", first.phase_id, owner=director, planned_hours=4)
    _finish(Node.get_by_id(first.id), director, dt.datetime(2027, 2, 1), 6)
    auth.login(director)
    response = client.get(f"/mainlines/{mainline.id}/export.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["阶段", "节点", "负责人"]
    assert len(rows) == 6
    first_row = rows[1]
    assert first_row[1] == "'=HYPERLINK(\"x\")"
    assert first_row[8:11] == ["4", "6", "2.0"]


def test_progress_post_reaches_members_live_with_its_timeline(client, auth, company):
    from office.live.events import latest_id
    from office.mainlines import membership

    owner, member = company["运营推广部"], company["设计策划部"]
    mainline = plans.create_mainline(owner, "会员日", dt.date(2027, 2, 2))
    membership.invite(mainline, owner, [member])
    after = latest_id()
    auth.login(owner)
    assert client.post(f"/mainlines/{mainline.id}/posts", data={"body": "首页 banner 已定稿"}).status_code == 303
    auth.logout()
    auth.login(member)
    stream = client.get(f"/live/?after={after}&view=mainline&mainline={mainline.id}", buffered=True)
    body = stream.get_data(as_text=True)
    assert "首页 banner 已定稿" in body  # the card, into #feed-posts
    assert 'id="timeline"' in body and 'id="mainline-figures"' in body
    # The overview of an open wall redraws too.
    body = client.get(f"/live/?after={after}&view=overview", buffered=True).get_data(as_text=True)
    assert 'id="overview"' in body and "首页 banner 已定稿" in body


def test_mainline_page_query_count(client, auth, company):
    from office.mainlines import progress

    director = company["director"]
    mainline = plan_templates.instantiate(plan_templates.BUILT_IN["launch"], director, "新品", dt.date(2027, 3, 1))
    progress.post_progress(mainline, director, "进度 1")
    auth.login(director)
    client.get(f"/mainlines/{mainline.id}")
    # session user, live cursor, the mainline, the viewer's role, departments (visibility), one page of
    # posts and four for their cards, phases, nodes, dependencies, the timeline, the badge, and the
    # task orders turned from the page's posts ("已转任务单", one for the page)
    with assert_query_count(16) as counter:
        client.get(f"/mainlines/{mainline.id}")
    for n in range(5):
        progress.post_progress(mainline, director, f"进度 {n + 2}")
    with assert_query_count(counter.count):
        client.get(f"/mainlines/{mainline.id}")
