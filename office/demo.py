"""Demo data: a believable multi-platform seller, for first start and e2e tests.

Goes through the same rules as the UI (accounts, tree), so the audit trail
shows how the company was set up.
"""
from __future__ import annotations

from office.db import db
from office.departments.tree import create_department, update_department
from office.models.people import Department, User
from office.people.accounts import create_user

DEMO_PASSWORD = "demo1234"

# (name, parent name)
DEPARTMENTS = (
    ("总经办", None),
    ("运营推广部", None),
    ("天猫运营组", "运营推广部"),
    ("京东拼多多运营组", "运营推广部"),
    ("抖音直播组", "运营推广部"),
    ("设计策划部", None),
    ("客服部", None),
    ("售前组", "客服部"),
    ("售后组", "客服部"),
    ("物流仓储部", None),
    ("采购部", None),
    ("人事部", None),
    ("财务部", None),
)

# (username, name, title, role, department, mobile, heads)
STAFF = (
    ("admin", "周敏", "系统管理员", "admin", "总经办", "13757120001", None),
    ("chenjh", "陈建华", "总经理", "director", "总经办", "13757120002", "总经办"),
    ("wanglei", "王磊", "运营总监", "head", "运营推广部", "13857120003", "运营推广部"),
    ("lina", "李娜", "天猫店长", "head", "天猫运营组", "13857120004", "天猫运营组"),
    ("zhaopeng", "赵鹏", "推广专员（直通车/引力魔方）", "staff", "天猫运营组", "13957120005", None),
    ("sunyue", "孙悦", "京东/拼多多运营", "staff", "京东拼多多运营组", "15057120006", None),
    ("gaofei", "高飞", "抖音直播运营", "staff", "抖音直播组", "15057120007", None),
    ("liuyang", "刘洋", "设计主管", "head", "设计策划部", "15157120008", "设计策划部"),
    ("huangting", "黄婷", "美工", "staff", "设计策划部", "15157120009", None),
    ("wuhao", "吴昊", "文案策划", "staff", "设计策划部", "15257120010", None),
    ("zhengli", "郑丽", "客服主管", "head", "客服部", "15257120011", "客服部"),
    ("hejing", "何静", "售前客服", "staff", "售前组", "15857120012", None),
    ("machao", "马超", "售前客服", "staff", "售前组", "15857120013", None),
    ("xunuo", "许诺", "售后专员", "staff", "售后组", "17757120014", None),
    ("fenggang", "冯刚", "仓储主管", "head", "物流仓储部", "18057120015", "物流仓储部"),
    ("hanxue", "韩雪", "打单发货员", "staff", "物流仓储部", "18057120016", None),
    ("caoyong", "曹勇", "仓管员", "staff", "物流仓储部", "18157120017", None),
    ("dengfang", "邓芳", "采购主管", "head", "采购部", "18257120018", "采购部"),
    ("pengjun", "彭军", "采购专员", "staff", "采购部", "18357120019", None),
    ("jianglin", "蒋琳", "人事主管", "head", "人事部", "18657120020", "人事部"),
    ("dumei", "杜梅", "财务主管", "head", "财务部", "18757120021", "财务部"),
    ("xiaoran", "萧然", "出纳", "staff", "财务部", "18857120022", None),
)


# (author, text, scope departments or None, reminded usernames, ask confirmation, comments, likers)
POSTS = (
    ("lina", "双11预售第一波数据：天猫店定金人数 **3,280**，比去年同期 +18%。\n- 爆款：316不锈钢保温杯 Pro\n"
     "- 短板：详情页转化偏低，@刘洋 @黄婷 帮忙看下主图和首屏", None, (), False,
     (("liuyang", "收到，明天上午出两版主图做 A/B"), ("wanglei", "预算可以再加 5 万给直通车")),
     ("wanglei", "chenjh", "zhaopeng")),
    ("fenggang", "今晚 20:00 仓库盘点，打单发货 19:30 截单，请各组留意。", None, ("zhengli", "lina", "gaofei"), True,
     (("zhengli", "客服这边会提前告知买家"),), ("hanxue",)),
    ("zhengli", "售后组本周退款率 2.1%，主要原因：尺码不符。话术已更新，见共享文档。", ("客服部",), (), False,
     (("xunuo", "尺码表我再补一张图"),), ()),
    ("gaofei", "抖音直播间 11/20 场观 4.2 万，GMV 18.6 万。下场主推保温杯礼盒，@孙悦 京东同款价格请同步。",
     None, (), False, (), ("lina", "wanglei")),
    ("chenjh", "各位辛苦了，双11前两周是关键期，遇到卡点请直接在动态里 @ 我。", None, (), False, (), ("admin",)),
)


def seed_feed(users: dict[str, User], departments: dict[str, Department]) -> None:
    """A few days' worth of realistic posts, comments and likes, through the real rules."""
    from office.feed.posts import add_comment, create_post, set_like
    from office.models.feed import SCOPE_DEPARTMENTS, SCOPE_EVERYONE

    for author, text, scope, reminded, confirm, comments, likers in POSTS:
        post = create_post(
            users[author], text, scope=SCOPE_DEPARTMENTS if scope else SCOPE_EVERYONE,
            departments=[departments[name] for name in scope or ()],
            remind=[users[name] for name in reminded], needs_confirmation=confirm).post
        for commenter, comment in comments:
            add_comment(post, users[commenter], comment)
        for liker in likers:
            set_like(post, users[liker], True)


def seed_notices(users: dict[str, User], departments: dict[str, Department]) -> None:
    """A pinned company notice asking for confirmation, a department notice, and a memo."""
    import datetime as dt

    from office.memos.delivery import create_memo
    from office.models.base import utcnow
    from office.notices.publishing import publish

    now = utcnow()
    publish(users["admin"], "双11大促作战须知（请全员确认）",
            "1. 11月10日 20:00 起全员在岗，**客服 24 小时轮班**。\n2. 价格、库存变动必须在主线里报备。\n"
            "3. 异常订单 30 分钟内处理，处理不了找当班主管。",
            pinned=True, needs_confirmation=True, expires_at=now + dt.timedelta(days=30), now=now)
    publish(users["zhengli"], "客服部：售后话术更新", "退换货话术已更新，见共享文档“售后话术 v3”。",
            department_ids=[departments["客服部"].id], now=now)
    create_memo(users["chenjh"], "看双11预售复盘数据", now + dt.timedelta(days=1), now=now)


def seed_mainlines(users: dict[str, User]) -> None:
    """双12年终大促 planned from the 双11 template (some nodes done, some late), and a 新品上架,
    with members, a finished node over plan and progress posts, through the real rules."""
    import datetime as dt

    from office.i18n import office_date
    from office.mainlines import membership, nodes, progress, templates
    from office.models.base import utcnow
    from office.models.mainlines import Node

    today = office_date()
    now = utcnow()
    promo = templates.instantiate(templates.BUILT_IN["double11"], users["chenjh"], "双12年终大促",
                                  today + dt.timedelta(days=20), "GMV 目标 600 万，退款率低于 3%，48 小时内发完",
                                  owner=users["wanglei"])
    membership.invite(promo, users["wanglei"], [users["zhaopeng"], users["huangting"], users["hanxue"]])
    membership.invite(promo, users["wanglei"], [users["dumei"]], role="viewer")
    plan = {n.title: n for n in Node.select().where(Node.mainline == promo.id)}
    # Finished nodes: started and done at realistic times, so plan vs actual has facts in it.
    for title, started_days_ago, hours in (("大促目标与预算确认", 26, 6), ("天猫/京东活动报名", 21, 5),
                                           ("选品与定价会", 16, 9), ("主图与详情页素材制作", 12, 60)):
        node = plan[title]
        if node.department_id and not node.owner_id:
            node, _ids = nodes.assign_node(node, users["liuyang"], users["huangting"])
        start = now - dt.timedelta(days=started_days_ago)
        nodes.start_node(node, users["wanglei"], now=start)
        nodes.finish_node(node, users["wanglei"], now=start + dt.timedelta(hours=hours))
    nodes.start_node(plan["备货与采购下单"], users["dengfang"], now=now - dt.timedelta(days=8))
    progress.post_progress(promo, users["huangting"], "主图与详情页素材已全部上传，比计划多花了 12 小时，"
                           "主要是首屏改了三版。@王磊 请验收。")
    progress.post_progress(promo, users["dengfang"], "保温杯 Pro 备货 8,000 件已下单，工厂 12/5 前到仓；"
                           "礼盒款还在等报价。")

    launch = templates.instantiate(templates.BUILT_IN["launch"], users["wanglei"], "新品上架：冬季加绒卫衣",
                                   today + dt.timedelta(days=5), "12 月第一周上架天猫和京东，首周销量 500 件",
                                   owner=users["lina"])
    first = Node.select().where((Node.mainline == launch.id) & (Node.title == "选品会")).get()
    nodes.start_node(first, users["lina"], now=now - dt.timedelta(days=6))
    nodes.finish_node(first, users["lina"], now=now - dt.timedelta(days=6) + dt.timedelta(hours=3))


def seed_approvals(users: dict[str, User]) -> None:
    """The built-in forms, and a few requests at different stages, through the real engine."""
    import datetime as dt

    from office.approvals import builtin, engine
    from office.i18n import office_date
    from office.models.approvals import ApprovalTemplate

    builtin.install()
    form = {t.key: t for t in ApprovalTemplate.select()}
    today = office_date()
    day = dt.timedelta(days=1)
    engine.submit(form["ad_spend"], users["zhaopeng"], {
        "channel": "直通车", "shop": "知行旗舰店", "amount": "3000", "period_start": (today + day).isoformat(),
        "period_end": (today + 8 * day).isoformat(), "roi": "3.2", "plan": "保温杯 Pro 关键词加价，主推礼盒款"})
    leave = engine.submit(form["leave"], users["hejing"], {
        "leave_type": "年假", "dates_start": (today + 3 * day).isoformat(), "dates_end": (today + 4 * day).isoformat(),
        "days": "2", "reason": "回老家办事", "handover": str(users["machao"].id)}).request
    engine.approve(leave.id, users["zhengli"], "已安排马超顶班")
    engine.submit(form["special_price"], users["sunyue"], {
        "sku": "BWB-PRO-500", "normal_price": "129", "special_price": "99",
        "dates_start": (today + 2 * day).isoformat(), "dates_end": (today + 4 * day).isoformat(),
        "platform": "京东", "reason": "京东超品日报名价"})


def seed() -> list[User]:
    """Create the departments and staff in one transaction; return the users."""
    with db.atomic():
        departments: dict[str, Department] = {}
        for name, parent in DEPARTMENTS:
            departments[name] = create_department(name, departments.get(parent))
        users = []
        for username, name, title, role, department, phone, heads in STAFF:
            user = create_user(username, DEMO_PASSWORD, display_name=name, role=role,
                               department=departments[department], title=title, phone=phone,
                               email=f"{username}@zhixing-shop.cn")
            if heads:
                update_department(departments[heads], head=user)
            users.append(user)
        by_name = {u.username: u for u in users}
        seed_feed(by_name, departments)
        seed_notices(by_name, departments)
        seed_mainlines(by_name)
        seed_approvals(by_name)
    return users
