"""Demo data: a believable multi-platform seller, for first start and e2e tests.

Goes through the same rules as the UI (accounts, tree), so the audit trail
shows how the company was set up.
"""
from __future__ import annotations

from office.db import db
from office.departments.tree import create_department, update_department
from office.models.people import Department, User
from office.people.accounts import create_user

# Weak, but on no common-passwords list and containing no demo username, so the seeder goes
# through the same password rules as everyone (tests/unit/test_passwords.py checks it stays so).
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

    from office.clock import office_date
    from office.mainlines import membership, nodes, plan_templates, progress
    from office.models.base import utcnow
    from office.models.mainlines import Node

    today = office_date()
    now = utcnow()
    promo = plan_templates.instantiate(plan_templates.BUILT_IN["double11"], users["chenjh"], "双12年终大促",
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

    launch = plan_templates.instantiate(plan_templates.BUILT_IN["launch"], users["wanglei"], "新品上架：冬季加绒卫衣",
                                        today + dt.timedelta(days=5), "12 月第一周上架天猫和京东，首周销量 500 件",
                                        owner=users["lina"])
    first = Node.select().where((Node.mainline == launch.id) & (Node.title == "选品会")).get()
    nodes.start_node(first, users["lina"], now=now - dt.timedelta(days=6))
    nodes.finish_node(first, users["lina"], now=now - dt.timedelta(days=6) + dt.timedelta(hours=3))


def seed_approvals(users: dict[str, User]) -> None:
    """The built-in forms, and a few requests at different stages, through the real engine."""
    import datetime as dt

    from office.approvals import builtin, engine
    from office.clock import office_date
    from office.models.approvals import ApprovalTemplate

    builtin.install()
    form = {t.key: t for t in ApprovalTemplate.select()}
    today = office_date()
    day = dt.timedelta(days=1)
    engine.submit(form["ad_spend"], users["zhaopeng"], {
        "channel": "直通车", "shop": "知行旗舰店", "amount": "3000", "period_start": (today + day).isoformat(),
        "period_end": (today + 8 * day).isoformat(), "roi": "3.2", "plan": "保温杯 Pro 关键词加价，主推礼盒款"})
    # Next week's Monday and Tuesday: two working days (the form counts them; a weekend would be refused).
    monday = today + (7 - today.weekday()) * day
    leave = engine.submit(form["leave"], users["hejing"], {
        "leave_type": "年假", "dates_start": monday.isoformat(), "dates_end": (monday + day).isoformat(),
        "reason": "回老家办事", "handover": str(users["machao"].id)}).request
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
        seed_orders(by_name, departments)
        seed_replies(by_name, departments)
        seed_work_orders(by_name, departments)
    return users


def seed_work_orders(users: dict[str, User], departments: dict[str, Department]) -> None:
    """A 客服部 day of cases (one complaint left unclaimed past its 10-minute clock) and task orders
    between 运营推广部 and 设计策划部 at different stages, through the real engine."""
    import datetime as dt

    from office.models.base import utcnow
    from office.models.orders import Order
    from office.workorders import engine

    now = utcnow()
    minutes = dt.timedelta(minutes=1)
    service, design, ops = departments["客服部"], departments["设计策划部"], departments["运营推广部"]
    first_order = Order.select().order_by(Order.id).first()
    # 1: a complaint nobody claimed: its first-response clock breached (red on the lists).
    engine.open_order(users["hejing"], "complaint", "买家投诉：收到的保温杯有划痕，要求赔偿",
                      "买家“爱喝热水的猫”旺旺留言，**情绪激动**，附了照片。请售后尽快联系。", queue=service,
                      priority="urgent", order=first_order, now=now - 40 * minutes)
    # 2: a refund being handled.
    refund = engine.open_order(users["machao"], "refund", "退款：卫衣尺码偏小，买家申请仅退款",
                               "买家不想寄回，协商退 30 元差价。", queue=service, order=first_order,
                               now=now - 90 * minutes).order
    engine.claim(refund.id, users["xunuo"], now=now - 80 * minutes)
    engine.comment(refund.id, users["xunuo"], "已联系买家，同意部分退款 30 元，等待买家确认。", now=now - 70 * minutes)
    # 3: an exchange waiting for the buyer (paused: the clock stops).
    exchange = engine.open_order(users["hejing"], "exchange", "换货：羽绒服 170 换 175", queue=service,
                                 now=now - 3 * 60 * minutes).order
    engine.claim(exchange.id, users["xunuo"], now=now - 170 * minutes)
    engine.pause(exchange.id, users["xunuo"], "等待买家寄回原件", now=now - 160 * minutes)
    # 4: a return done and accepted.
    done = engine.open_order(users["machao"], "return", "退货：折叠收纳盒颜色不符", queue=service,
                             now=now - 5 * 60 * minutes).order
    engine.claim(done.id, users["xunuo"], now=now - 290 * minutes)
    engine.submit(done.id, users["xunuo"], "仓库已收到退货，退款已原路退回。", now=now - 200 * minutes)
    engine.accept(done.id, users["machao"], now=now - 190 * minutes)
    # 5-7: task orders from 运营推广部 to 设计策划部: in progress, awaiting acceptance, unclaimed.
    day = dt.timedelta(days=1)
    banners = engine.open_order(users["wanglei"], "task", "双12 主图 5 张 + 直通车推广图 3 张",
                                "尺寸 800×800，突出“买一送一”；参考上周会议纪要。", queue=design,
                                departments=[ops], priority="high", deadline=now + 2 * day,
                                now=now - 120 * minutes).order
    engine.claim(banners.id, users["huangting"], now=now - 100 * minutes)
    engine.comment(banners.id, users["huangting"], "@王磊 第 2 张用礼盒款还是单杯款？", now=now - 60 * minutes)
    copy = engine.open_order(users["lina"], "task", "保温杯 Pro 详情页文案改版",
                             "卖点：316 不锈钢、12 小时保温；去掉“最”字等极限词。", assignee=users["wuhao"],
                             deadline=now + day, now=now - 26 * 60 * minutes).order
    engine.start(copy.id, users["wuhao"], now=now - 25 * 60 * minutes)
    engine.submit(copy.id, users["wuhao"], "初稿已完成，见附件链接。", now=now - 30 * minutes)
    engine.open_order(users["zhaopeng"], "task", "引力魔方素材 4 张（年货节）", queue=design, departments=[ops],
                      deadline=now + 3 * day, now=now - 15 * minutes)


# (name, platform)
SHOPS = (("知行旗舰店", "tmall"), ("知行生活馆", "taobao"), ("知行京东自营专区", "jd"),
         ("知行拼多多官方店", "pdd"), ("知行抖音小店", "douyin"))

# (SKU code, name, spec, normal price)
PRODUCTS = (
    ("BWB-PRO-500", "知行 316 不锈钢保温杯 Pro 500ml", "颜色分类：曜石黑", "129.00"),
    ("BWB-PRO-500W", "知行 316 不锈钢保温杯 Pro 500ml", "颜色分类：珍珠白", "129.00"),
    ("BWB-GIFT-2", "知行 保温杯礼盒款（双杯装）", "套餐：礼盒+刻字", "239.00"),
    ("WY-JR-M", "冬季加绒连帽卫衣 男女同款", "颜色分类：燕麦色;尺码：M", "159.00"),
    ("WY-JR-XL", "冬季加绒连帽卫衣 男女同款", "颜色分类：藏青;尺码：XL", "159.00"),
    ("YRF-L-170", "90 白鸭绒长款羽绒服", "颜色分类：黑色;尺码：170/88A", "699.00"),
    ("SJ-ZD-01", "桌面折叠收纳盒 三件套", "颜色分类：奶油白", "39.90"),
)

ADDRESSES = (
    ("浙江省", "杭州市", "西湖区", "文三路 478 号华星时代广场 B 座 1203"),
    ("上海市", "上海市", "浦东新区", "张杨路 500 号时代广场 17 楼"),
    ("广东省", "深圳市", "南山区", "科技园南区高新南七道 9 号"),
    ("江苏省", "南京市", "鼓楼区", "中山北路 105 号 2 栋 601"),
    ("四川省", "成都市", "武侯区", "天府大道北段 1700 号环球中心 W2-1108"),
    ("北京市", "北京市", "朝阳区", "望京街 10 号望京 SOHO T1 2306"),
    ("湖北省", "武汉市", "洪山区", "珞喻路 1037 号 东湖小区 7 栋 3 单元"),
    ("山东省", "青岛市", "市南区", "香港中路 76 号颐和国际 A 座 1801"),
)
BUYERS = ("小鹿乱撞123", "tb_83920411", "爱喝热水的猫", "jd_7f3a9c2e1", "拼单达人阿强", "抖音用户9527",
          "晴天娃娃2018", "zhangsan_hz", "momo妈咪", "奔跑的蜗牛", "一杯清茶", "jd_lee8888", "北方的狼",
          "豆豆爱吃糖", "阿June")
RECEIVERS = ("刘晓燕", "陈志强", "王芳", "李明", "张丽华", "赵磊", "孙倩", "周杰", "吴婷婷", "郑浩",
             "黄丽", "林峰", "何雨", "罗敏", "宋佳")
MESSAGES = ("请发顺丰，谢谢", "礼盒款麻烦刻字“平安喜乐”", "周末家里没人，请工作日送达", "急用！今天能发吗？")


def seed_orders(users: dict[str, User], departments: dict[str, Department]) -> None:
    """Shops, products, routing rules and about eighty orders across the five platforms, saved
    through the real intake (validation and routing on arrival), then a few moved along."""
    import datetime as dt
    import random
    from decimal import Decimal

    from office.departments.tree import update_department
    from office.models.base import utcnow
    from office.models.inventory import Product
    from office.models.orders import QUEUE_REVIEW, QUEUE_SERVICE, RoutingRule
    from office.orders import intake, lifecycle
    from office.orders.shops import get_or_create_shop
    from office.orders.records import (STAGE_CLOSED, STAGE_DELIVERED, STAGE_PAID, STAGE_SHIPPED, STAGE_UNPAID,
                                       LineRecord, OrderRecord, ParsedExport)

    for name, sees in (("客服部", True), ("物流仓储部", True), ("运营推广部", False)):
        update_department(departments[name], users["admin"], handles_orders=True, sees_customer_data=sees)
    for code, name, _spec, price in PRODUCTS:
        Product.create(sku_code=code, name=name, price=Decimal(price))
    RoutingRule.create(name="买家有留言先由客服确认", position=1, has_message=True, queue=QUEUE_SERVICE)
    RoutingRule.create(name="大额订单审核", position=2, min_amount=Decimal("1500"), queue=QUEUE_REVIEW)

    rng = random.Random(1111)
    now = utcnow()
    couriers = (("中通快递", "7531"), ("圆通速递", "YT"), ("韵达快递", "4320"), ("顺丰速运", "SF"))
    prefixes = {"tmall": "38", "taobao": "37", "jd": "30", "pdd": "241122-", "douyin": "69"}
    number = 0
    for shop_name, platform in SHOPS:
        shop = get_or_create_shop(shop_name, platform)
        records = []
        for _ in range(16):
            number += 1
            placed = now - dt.timedelta(hours=rng.randint(2, 240))
            stage = rng.choices((STAGE_PAID, STAGE_SHIPPED, STAGE_DELIVERED, STAGE_UNPAID, STAGE_CLOSED),
                                weights=(9, 3, 2, 1, 1))[0]
            lines = []
            for code, name, spec, price in rng.sample(PRODUCTS, rng.choice((1, 1, 1, 2))):
                quantity = rng.choice((1, 1, 2))
                amount = Decimal(price) * quantity
                lines.append(LineRecord(title=name, quantity=quantity, unit_price=Decimal(price), amount=amount,
                                        sku_code=code, spec=spec))
            goods = sum((line.amount for line in lines), Decimal("0.00"))
            discount = Decimal("10.00") if goods > 200 else Decimal("0.00")
            province, city, district, street = rng.choice(ADDRESSES)
            paid_at = None if stage == STAGE_UNPAID else placed + dt.timedelta(minutes=rng.randint(1, 30))
            courier, prefix = rng.choice(couriers)
            shipped = stage in (STAGE_SHIPPED, STAGE_DELIVERED)
            records.append(OrderRecord(
                order_no=f"{prefixes[platform]}{4102938475620000 + number * 7919}",
                platform_status={STAGE_PAID: "买家已付款，等待卖家发货", STAGE_SHIPPED: "卖家已发货，等待买家确认",
                                 STAGE_DELIVERED: "交易成功", STAGE_UNPAID: "等待买家付款",
                                 STAGE_CLOSED: "交易关闭"}[stage],
                stage=stage, buyer_nick=rng.choice(BUYERS), receiver_name=rng.choice(RECEIVERS),
                receiver_phone=f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
                receiver_address=f"{province} {city} {district} {street}",
                buyer_message=rng.choice(MESSAGES) if rng.random() < 0.2 else "",
                goods_amount=goods, discount=discount, shipping_fee=Decimal("0.00"),
                paid_amount=goods - discount, placed_at=placed, paid_at=paid_at,
                shipped_at=paid_at + dt.timedelta(hours=20) if shipped else None,
                courier=courier if shipped else "",
                tracking_no=f"{prefix}{rng.randint(10**11, 10**12 - 1)}" if shipped else "",
                lines=lines))
        intake.save(shop, ParsedExport(platform=platform, orders=records), users["hanxue"])

    # Problems worth showing: a price far under the list price and a missing address land in
    # the exception queue; two orders of one buyer can be merged.
    shop = get_or_create_shop("知行旗舰店", "tmall")
    cup = PRODUCTS[0]
    base = dict(platform_status="买家已付款，等待卖家发货", stage=STAGE_PAID, buyer_nick="爱喝热水的猫",
                receiver_name="王芳", receiver_phone="13857126688",
                receiver_address="浙江省 杭州市 西湖区 文三路 478 号华星时代广场 B 座 1203",
                placed_at=now - dt.timedelta(hours=5), paid_at=now - dt.timedelta(hours=5))
    special = [
        OrderRecord(order_no="3841029384756201001", goods_amount=Decimal("19.90"), paid_amount=Decimal("19.90"),
                    lines=[LineRecord(title=cup[1], quantity=1, unit_price=Decimal("19.90"),
                                      amount=Decimal("19.90"), sku_code=cup[0], spec=cup[2])], **base),
        OrderRecord(order_no="3841029384756201002", goods_amount=Decimal("129.00"), paid_amount=Decimal("129.00"),
                    lines=[LineRecord(title=cup[1], quantity=1, unit_price=Decimal("129.00"),
                                      amount=Decimal("129.00"), sku_code=cup[0], spec=cup[2])], **base),
        OrderRecord(order_no="3841029384756201003", goods_amount=Decimal("159.00"), paid_amount=Decimal("159.00"),
                    lines=[LineRecord(title=PRODUCTS[3][1], quantity=1, unit_price=Decimal("159.00"),
                                      amount=Decimal("159.00"), sku_code=PRODUCTS[3][0], spec=PRODUCTS[3][2])],
                    **base),
    ]
    missing = dict(base, receiver_address="", buyer_nick="晴天娃娃2018", receiver_name="孙倩",
                   receiver_phone="13957120001")
    special.append(OrderRecord(order_no="3841029384756201004", goods_amount=Decimal("39.90"),
                               paid_amount=Decimal("39.90"),
                               lines=[LineRecord(title=PRODUCTS[6][1], quantity=1, unit_price=Decimal("39.90"),
                                                 amount=Decimal("39.90"), sku_code=PRODUCTS[6][0],
                                                 spec=PRODUCTS[6][2])], **missing))
    intake.save(shop, ParsedExport(platform="tmall", orders=special), users["hanxue"])

    from office.models.orders import TO_SHIP, Order

    waiting = list(Order.select().where(Order.status == TO_SHIP).order_by(Order.paid_at).limit(2))
    for order in waiting:
        lifecycle.set_priority(order.id, True, users["fenggang"])


# Canned replies (话术): (department or None for the whole company, kind, title, wording, keywords, times copied).
# The wording is what the buyer reads; {…} are filled in by the agent.
RETURN_ADDRESS = ("收件人：知行电商售后组\n电话：0571-88886666\n"
                  "地址：浙江省杭州市余杭区仓前街道良睦路 1399 号 知行仓 3 号门（售后组收）")
REPLIES = (
    (None, "", "欢迎语", "您好，欢迎光临知行旗舰店，我是客服{客服}，很高兴为您服务。请问有什么可以帮您？",
     "问候 开场", 412),
    (None, "", "结束语", "{买家}您好，感谢您的耐心。问题已经为您处理好，之后有任何疑问随时在这里找我们。祝您生活愉快！",
     "结束 感谢", 268),
    ("客服部", "complaint", "投诉首次响应（10 分钟内）",
     ("{买家}您好，我是知行客服{客服}，非常抱歉给您带来了不好的体验。您反映的问题我已经记录（订单号：{订单号}），"
     "今天之内会给您明确的处理方案。\n为了尽快核实，麻烦您发一下商品问题部位的照片或视频，我这边马上跟进。"),
     "投诉 首响 道歉", 96),
    ("客服部", "complaint", "投诉已升级主管",
     ("{买家}您好，您的问题我已经升级给客服主管处理，主管会在 2 小时内与您联系。\n"
     "在此期间如有补充，直接在这里留言即可，我们都能看到，不需要重复说明。"),
     "升级 主管", 31),
    ("客服部", "complaint", "投诉处理后回访",
     ("{买家}您好，之前您反馈的问题（订单号 {订单号}）已经按{处理方案}处理完毕。想跟您确认一下问题是否已经解决？"
     "如果还有不满意的地方，请直接告诉我，我们继续跟进。"),
     "回访 满意度", 22),
    ("客服部", "complaint", "索赔请求：请买家提供凭证（疑似恶意索赔时用）",
     ("{买家}您好，您反映的情况我们非常重视。为了公平、及时地处理，麻烦您提供以下凭证：\n"
     "1. 商品问题部位的清晰照片或视频；\n2. 外包装和快递面单的照片；\n3. 开箱视频（如有）。\n"
     "我们会按平台规则和您提供的凭证处理，核实后该退的一定退、该赔的一定赔。"
     "如您希望由平台客服介入判定，我们也会全力配合。"),
     "恶意索赔 职业索赔 凭证 平台介入 谨慎", 14),
    ("客服部", "complaint", "买家情绪激动时",
     ("{买家}您好，非常理解您现在的心情，换作是我也会着急。请您放心，这件事我会负责跟到底。"
     "我先把情况记录下来，{时间}前一定给您回复处理结果。"),
     "安抚 情绪 差评", 47),
    ("客服部", "return", "退货地址与规则",
     "{买家}您好，您的退货申请已同意，请按以下信息寄回：\n" + RETURN_ADDRESS + "\n"
     "寄回时请注意：\n1. 商品保持吊牌、包装完好，配件和赠品一并寄回；\n"
     "2. 包裹里放一张纸条，写上订单号 {订单号} 和您的会员名；\n3. 请不要寄到付件；\n"
     "4. 寄出后请在平台填写退货快递单号，仓库签收后 48 小时内为您处理退款。",
     "退货地址 寄回 到付 纸条", 188),
    ("客服部", "return", "七天无理由退货说明",
     ("{买家}您好，本商品支持 7 天无理由退货（自签收次日起算）。商品需保持完好、不影响二次销售；"
     "非质量问题的退货运费由买家承担，如您下单时有运费险，退货运费会按平台规则理赔到您的账户。"),
     "七天无理由 运费险 运费", 121),
    ("客服部", "return", "退货已签收，等待退款",
     ("{买家}您好，您寄回的包裹（快递单号 {快递单号}）仓库已经签收，质检通过后我们会在 24 小时内为您操作退款，"
     "款项原路退回，请留意到账。"),
     "签收 质检 退款", 64),
    ("客服部", "exchange", "换货流程",
     "{买家}您好，可以为您换货。请在订单 {订单号} 里申请“换货”，写明要换的颜色或尺码，然后把原商品寄回：\n"
     + RETURN_ADDRESS + "\n仓库收到后当天为您寄出新的商品。如是质量问题，来回运费由我们承担。",
     "换货 换尺码 换颜色", 73),
    ("客服部", "exchange", "卫衣尺码建议",
     ("{买家}您好，这款加绒卫衣是宽松版型。按您提供的身高 {身高}、体重 {体重}，建议选 {尺码}；"
     "喜欢合身一些可以选小一码。换货时请保持吊牌完好哦。"),
     "尺码 卫衣 换码", 39),
    ("客服部", "refund", "退款进度查询",
     ("{买家}您好，帮您查到了：订单 {订单号} 的退款已于 {日期} 操作完成，平台会原路退回。"
     "一般余额即时到账，银行卡 1–3 个工作日，信用卡以银行入账时间为准。"
     "如果超过时间还没到账，请截图给我，我们帮您联系平台核实。"),
     "退款进度 到账 原路退回", 156),
    ("客服部", "refund", "未发货订单退款",
     "{买家}您好，您的订单还没有发货，已为您同意退款，款项会原路退回，请留意到账。期待下次再为您服务。",
     "仅退款 未发货", 58),
    ("客服部", "refund", "已发货订单申请退款（拦截快递）",
     ("{买家}您好，您的包裹已经发出（快递单号 {快递单号}），我们已联系快递拦截退回。"
     "拦截成功、包裹退回仓库后立即为您退款；如拦截不成功，麻烦您在派送时拒收，或签收后按退货流程寄回，我们收到即退款。"),
     "拦截 拒收 已发货", 41),
    ("客服部", "refund", "价保：降价退差价",
     ("{买家}您好，本店商品付款后 15 天内同款降价可申请退差价。请提供您的下单截图和当前页面价格截图，"
     "核实后 24 小时内为您退还差价（活动价、赠品和优惠券不重复计算，以平台规则为准）。"),
     "价保 差价 降价", 27),
    ("客服部", "resend", "漏发少件补发",
     ("{买家}您好，非常抱歉您收到的包裹里少了 {少发商品}。我们核对了仓库的出库记录，现为您免费补发，"
     "补发快递单号 {快递单号}，预计 2–3 天送达，请注意查收。"),
     "少件 漏发 补发", 35),
    ("客服部", "resend", "商品破损：补发或部分退款",
     ("{买家}您好，很抱歉商品在运输中破损了。麻烦您拍一下外包装和破损部位的照片发给我，核实后两种方式由您选：\n"
     "1. 为您免费补发一件新的；\n2. 按破损情况为您部分退款。\n破损的商品不用寄回。"),
     "破损 补发 部分退款 照片", 52),
    ("客服部", "", "双11快递延误安抚",
     ("{买家}您好，双11期间快递量是平时的好几倍，您的包裹（快递单号 {快递单号}）目前在 {中转地} 中转，"
     "可能比平时慢 1–3 天，我们一直在跟进。给您添麻烦了！如果 72 小时物流仍没有更新，我们会第一时间联系快递加急，"
     "或直接为您安排补发。"),
     "双11 延误 物流不更新 大促", 203),
    ("客服部", "", "双11发货时效说明",
     ("{买家}您好，双11期间订单按付款先后顺序发货，您的订单预计 {日期} 前发出，发出后物流信息会同步更新。"
     "给您带来等待非常抱歉，感谢您的理解！"),
     "双11 发货时间 催发货 预售", 176),
    ("客服部", "incident", "支付异常（大促支付接口故障时）",
     ("{买家}您好，目前部分买家付款时遇到支付失败或重复扣款，技术同事正在紧急处理。\n"
     "如果您已被扣款但订单仍显示未付款，请不要重复付款：扣款会在 {时间} 内自动退回，或订单状态自动更新为已付款。"
     "我们会逐一跟进每一笔订单，给您带来不便非常抱歉。"),
     "支付失败 重复扣款 故障 双11", 9),
    ("客服部", "other", "买家问好评返现（平台禁止，婉拒）",
     ("{买家}您好，感谢您的支持！按平台规定，我们不能用返现、红包或赠品换取好评，"
     "也请您根据真实的使用感受来评价。用得满意欢迎再来，有任何问题随时找我们。"),
     "好评返现 返现 红包 评价 平台规则", 18),
    ("客服部", "other", "开具发票",
     ("{买家}您好，可以为您开具电子普通发票。请提供发票抬头、税号（个人抬头无需）和接收邮箱，"
     "我们会在您确认收货后 3 个工作日内开好并发送到邮箱。"),
     "发票 抬头 税号", 44),
    ("物流仓储部", "refund", "联系快递网点拦截包裹",
     ("您好，麻烦帮忙拦截一个包裹：快递单号 {快递单号}，买家已申请退款，请退回寄件地址：\n"
     "浙江省杭州市余杭区仓前街道良睦路 1399 号 知行仓 3 号门。\n运费按月结协议结算，拦截结果请回复一下，谢谢！"),
     "拦截 快递网点 月结", 33),
    ("物流仓储部", "return", "退货包裹无订单号（请客服核对）",
     ("客服同事好：仓库收到一个退货包裹，快递单号 {快递单号}，包裹里没有订单号纸条，寄件人 {寄件人}、电话尾号 {尾号}，"
     "内件为 {商品}。请协助联系买家核对订单号，核对前包裹放在售后待处理区。"),
     "退货 无纸条 无单号 核对", 12),
    ("物流仓储部", "resend", "少件核实结果（回复客服）",
     "客服同事好：订单 {订单号} 已调出库视频核实，{核实结果}。如需补发，请在订单上建补发单，今天 16:00 前建单当天发出。",
     "出库视频 少件 核实", 16),
    ("物流仓储部", "", "截单时间调整通知",
     "各位客服同事：因 {原因}，今天 {时间} 之后付款的订单改为明天发出，买家询问时请如实告知，谢谢配合。",
     "截单 发货时间 通知", 8),
)


def seed_replies(users: dict[str, User], departments: dict[str, Department]) -> None:
    """The canned replies 客服部 and 物流仓储部 use, through the real rule, with believable copy counts."""
    from office.models.replies import CannedReply
    from office.replies.library import create_reply

    authors = {None: users["admin"], "客服部": users["zhengli"], "物流仓储部": users["fenggang"]}
    for department, kind, title, body, tags, copied in REPLIES:
        reply = create_reply(authors[department], title, body, kind,
                             departments[department].id if department else None, tags)
        CannedReply.update(use_count=copied).where(CannedReply.id == reply.id).execute()
