"""Writes the sample export files next to this script, in each platform's real format with
its traps (see README.md for what each holds). Run from the repository root:

    .venv/bin/python tests/data/orders/make_samples.py

The data are made up; the layouts follow the platforms' exports as sellers download them.
"""
from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
OUT = HERE  # where the files go; tests point it at a temporary folder to compare
FIXED = dt.datetime(2026, 11, 12, 9, 0, 0)  # workbook properties, so rewriting changes nothing


def csv_line(cells: list[str], guarded: set[int] = frozenset(), tabbed: set[int] = frozenset()) -> str:
    """One CSV record as the platforms write it: cells in ``guarded`` as raw ="…" (Taobao's
    guard against Excel's scientific notation), cells in ``tabbed`` quoted after a tab
    (Douyin's "\t6938…"), the rest quoted only when they must be."""
    out = []
    for index, cell in enumerate(cells):
        if index in guarded and cell:
            out.append(f'="{cell}"')
        elif index in tabbed and cell and cell != "-":
            out.append('"\t' + cell.replace('"', '""') + '"')
        elif any(c in cell for c in ',"\n\r'):
            out.append('"' + cell.replace('"', '""') + '"')
        else:
            out.append(cell)
    return ",".join(out)


def write_text(name: str, lines: list[str], encoding: str, bom: bool = False) -> None:
    data = "\r\n".join(lines) + "\r\n"
    raw = data.encode(encoding)
    if bom:
        raw = b"\xef\xbb\xbf" + raw
    (OUT / name).write_bytes(raw)


def write_xlsx(name: str, header: list[str], rows: list[list]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.properties.created = FIXED
    buffer = io.BytesIO()
    workbook.save(buffer)
    (OUT / name).write_bytes(_stable_zip(buffer.getvalue()))


def _stable_zip(data: bytes) -> bytes:
    """The same workbook with fixed entry times, so regenerating gives identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving here
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-11-12T09:00:00Z", content)
            target.writestr(fixed, content)
    return out.getvalue()


# ------------------------------------------------------------------ Taobao / Tmall

TAOBAO_ORDER_HEADER = [
    "订单编号", "买家会员名", "买家支付宝账号", "支付单号", "支付详情", "买家应付货款", "买家应付邮费", "买家支付积分",
    "总金额", "返点积分", "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址 ",
    "运送方式", "联系电话 ", "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题 ", "宝贝种类 ", "物流单号 ",
    "物流公司", "订单备注", "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头",
    "是否手机订单", "分阶段订单信息", "特权订金订单id", "是否上传合同照片", "是否上传小票", "是否代付", "定金排名",
    "修改后的sku", "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易", "退款金额", "预约门店",
    "确认收货时间", "打款商家金额", "含应开票给个人的个人红包", "是否信用购", "前N有礼", "配送类型", "主订单编号",
]
TAOBAO_GUARDED = {0, 3, 23, 54}  # 订单编号, 支付单号, 物流单号, 主订单编号
TAOBAO_ITEM_HEADER = ["订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "备注", "订单状态", "商家编码"]

PAID_TO_SHIP = "买家已付款，等待卖家发货"
SHIPPED = "卖家已发货，等待买家确认"


def taobao_order(no, nick, goods, postage, paid, status, message, name, address, mobile, created, paid_at,
                 titles, kinds, tracking, courier, memo, count, close_reason="订单未关闭", new_address="",
                 received="", shop="暖冬小铺"):
    total = f"{float(goods) + float(postage):.2f}"
    return [
        no, nick, "", f"2026111122001{no[-9:]}" if paid_at else "", f"支付宝{paid}" if paid_at else "",
        goods, postage, "0", total, "0", paid, "0", status, message, name, address, "快递", "", mobile, created,
        paid_at, titles, str(kinds), tracking, courier, memo, str(count), "103587461", shop, close_reason,
        "0", "0元", "", "手机订单", "", "", "否", "否", "否", "", "", new_address, "", "0.00", "0.00", "否",
        "0", "", received, paid if received else "0", "0", "否", "", "快递", no,
    ]


def make_taobao() -> None:
    orders = [
        # A two-line order with a shop coupon (307.00 − 10.00) and a two-line buyer message.
        taobao_order("4012345678901234567", "tb_小鹿爱喝水", "307.00", "0.00", "297.00", PAID_TO_SHIP,
                     "请发顺丰，谢谢\n周末家里没人，放快递柜", "张**", "浙江省 杭州市 西湖区 文三路 ***号 (310012)",
                     "138****5678", "2026-11-11 00:00:05", "2026-11-11 00:00:31",
                     "316不锈钢保温杯男女大容量，加绒卫衣男冬季", 2, "", "", "", 3),
        taobao_order("4012345678901234568", "江南一叶", "599.00", "0.00", "599.00", SHIPPED, "", "李**",
                     "江苏省 苏州市 工业园区 星湖街 ***号 (215000)", "139****2211", "2026-11-11 08:12:40",
                     "2026-11-11 08:13:02", "轻薄羽绒服女短款白鸭绒", 1, "75312345678901", "中通快递", "", 1),
        taobao_order("4012345678901234569", "阿杰不吃香菜", "129.00", "10.00", "139.00", "交易成功", "", "王**",
                     "广东省 深圳市 南山区 科技园 ***栋 (518057)", "186****0427", "2026/11/11 9:05",
                     "2026/11/11 9:06", "加绒卫衣男冬季宽松", 1, "No:YT8812345678901", "圆通速递", "老客户，送暖宝宝",
                     1, received="2026-11-14 18:20:11"),
        taobao_order("4012345678901234570", "momo_2019", "89.00", "0.00", "0.00", "交易关闭", "", "赵**",
                     "上海 上海市 浦东新区 张江路 ***号 (201203)", "150****7788", "2026-11-11 10:30:00", "",
                     "316不锈钢保温杯男女大容量", 1, "", "", "", 1, close_reason="买家不想买了"),
        taobao_order("4012345678901234571", "北方的狼", "599.00", "0.00", "0.00", "等待买家付款", "", "孙**",
                     "北京 北京市 朝阳区 望京街 ***号 (100102)", "133****9900", "2026-11-11 23:58:10", "",
                     "轻薄羽绒服女短款白鸭绒", 1, "", "", "", 1),
        # An older export's habits: full name and phone guarded with an apostrophe, and an
        # address the seller changed after the order.
        taobao_order("4012345678901234572", "李明1988", "1299.00", "0.00", "1299.00", PAID_TO_SHIP, "", "李明",
                     "四川省 成都市 武侯区 天府大道北段 1700号 (610041)", "'13912345678", "2026-11-11 12:00:00",
                     "2026-11-11 12:01:15", "长款羽绒服男加厚", 1, "", "", "大客户，优先发", 1,
                     new_address="四川省 成都市 高新区 天府五街 200号 菁蓉汇3栋 (610041)"),
    ]
    lines = [csv_line(TAOBAO_ORDER_HEADER)] + [csv_line(order, TAOBAO_GUARDED) for order in orders]
    write_text("taobao_orders.csv", lines, "gbk")

    items = [
        # Not in the order list's order: the items file is joined by order number.
        ["4012345678901234568", "轻薄羽绒服女短款白鸭绒", "599.00", "1", "YRF-W", "颜色分类：米白色;尺码：M", "", "",
         SHIPPED, "YRF-W-M"],
        ["4012345678901234567", "316不锈钢保温杯男女大容量", "89.00", "2", "BWB-500", "颜色分类：曜石黑;容量：500ml",
         "", "", PAID_TO_SHIP, "BWB-500-BK"],
        ["4012345678901234567", "加绒卫衣男冬季宽松", "129.00", "1", "JRWY", "颜色分类：灰色;尺码：L", "", "",
         PAID_TO_SHIP, "JRWY-GR-L"],
        ["4012345678901234569", "加绒卫衣男冬季宽松", "129.00", "1", "JRWY", "颜色分类：黑色;尺码：XL", "", "",
         "交易成功", "JRWY-BK-XL"],
        ["4012345678901234570", "316不锈钢保温杯男女大容量", "89.00", "1", "BWB-500", "颜色分类：樱花粉;容量：500ml",
         "", "", "交易关闭", "BWB-500-PK"],
        ["4012345678901234571", "轻薄羽绒服女短款白鸭绒", "599.00", "1", "YRF-W", "颜色分类：黑色;尺码：L", "", "",
         "等待买家付款", "YRF-W-L"],
        ["4012345678901234572", "长款羽绒服男加厚", "1299.00", "1", "YRF-LONG", "颜色分类：藏青;尺码：XXL",
         "套餐一：送围巾", "", PAID_TO_SHIP, ""],
    ]
    lines = [csv_line(TAOBAO_ITEM_HEADER)] + [csv_line(item, {0}) for item in items]
    write_text("taobao_items.csv", lines, "gbk")


def make_tmall() -> None:
    header = TAOBAO_ORDER_HEADER[:-1] + ["店铺类型", "主订单编号"]
    orders = []
    for order in (
        taobao_order("5012345678901234561", "t_1510000001", "237.00", "0.00", "227.00", PAID_TO_SHIP, "", "䶮**",
                     "湖北省 武汉市 洪山区 珞喻路 ***号 (430074)", "159****3344", "2026-11-11 00:01:00",
                     "2026-11-11 00:01:20", "316不锈钢保温杯男女大容量", 1, "", "", "", 3, shop="暖冬旗舰店"),
        taobao_order("5012345678901234562", "t_1510000002", "899.00", "0.00", "899.00", "交易成功", "", "周**",
                     "浙江省 宁波市 鄞州区 天童南路 ***号 (315100)", "177****6655", "2026-11-11 09:30:00",
                     "2026-11-11 09:30:45", "轻薄羽绒服女短款白鸭绒", 1, "SF1400123456789", "顺丰速运", "", 1,
                     received="2026-11-13 10:00:00", shop="暖冬旗舰店"),
    ):
        orders.append(order[:-1] + ["天猫", order[-1]])
    guarded = {0, 3, 23, len(header) - 1}
    # GB18030, not GBK: the receiver's surname 䶮 exists only in GB18030.
    write_text("tmall_orders.csv", [csv_line(header)] + [csv_line(order, guarded) for order in orders], "gb18030")
    items = [
        ["5012345678901234561", "316不锈钢保温杯男女大容量", "79.00", "3", "BWB-500", "颜色分类：曜石黑;容量：500ml",
         "", "", PAID_TO_SHIP, "BWB-500-BK"],
        ["5012345678901234562", "轻薄羽绒服女短款白鸭绒", "899.00", "1", "YRF-W", "颜色分类：米白色;尺码：S", "", "",
         "交易成功", "YRF-W-S"],
    ]
    write_text("tmall_items.csv", [csv_line(TAOBAO_ITEM_HEADER)] + [csv_line(item, {0}) for item in items], "gb18030")


# ------------------------------------------------------------------ Taobao / Tmall: 千牛's one workbook

QIANNIU_HEADER = [
    "订单编号", "支付单号", "支付详情", "买家会员名", "买家应付货款", "买家应付邮费", "总金额", "买家实付金额", "订单状态",
    "买家留言", "收货人姓名", "收货地址 ", "运送方式", "联系手机", "订单创建时间", "订单付款时间 ", "商品标题 ", "宝贝种类",
    "宝贝总数量", "商品属性SKU", "物流单号 ", "物流公司", "订单关闭原因", "商家备注", "退款金额", "店铺名称", "发货时间",
    "确认收货时间", "确认收货打款金额", "总金额(旧版)", "是否手机订单", "主订单编号",
]
QIANNIU_GUARDED = {0, 1, 20, 31}  # 订单编号, 支付单号, 物流单号, 主订单编号
QIANNIU_AMOUNTS = (4, 5, 6, 7, 24, 28, 29)
QIANNIU_TIMES = (14, 15, 26, 27)
QN_SHIPPED = "卖家已发货，等待买家确认收货"


def qianniu_row(no, nick, goods, postage, paid, status, name, address, mobile, created, paid_at, title, kinds, count,
                spec, tracking="", courier="", close="订单未关闭", memo="", refund="0.00", shipped="", received="",
                message=""):
    total = f"{float(goods) + float(postage):.2f}"
    return [
        no, f"2026111222001{no[-9:]}" if paid_at else "", f"支付宝{paid}" if paid_at else "", nick, goods, postage,
        total, paid, status, message, name, address, "快递", mobile, created, paid_at, title, str(kinds), str(count),
        spec, tracking, courier, close, memo, refund, "暖冬小铺", shipped, received, paid if received else "0.00",
        total, "手机订单", no,
    ]


def qianniu_rows() -> list[list[str]]:
    """Orders …567, …568 and …569 are also in taobao_orders.csv (the two-file download)."""
    cup, sweater, down, long_down = "316不锈钢保温杯男女大容量", "加绒卫衣男冬季宽松", "轻薄羽绒服女短款白鸭绒", "长款羽绒服男加厚"
    return [
        # Two goods on two rows with the same 订单编号, the order's amounts repeated on each.
        qianniu_row("4012345678901234567", "tb_小鹿爱喝水", "307.00", "0.00", "297.00", PAID_TO_SHIP, "张**",
                    "浙江省 杭州市 西湖区 文三路 ***号 (310012)", "138****5678", "2026-11-11 00:00:05",
                    "2026-11-11 00:00:31", cup, 2, 2, "颜色分类：曜石黑;容量：500ml",
                    message="请发顺丰，谢谢\n周末家里没人，放快递柜"),
        qianniu_row("4012345678901234567", "tb_小鹿爱喝水", "307.00", "0.00", "297.00", PAID_TO_SHIP, "张**",
                    "浙江省 杭州市 西湖区 文三路 ***号 (310012)", "138****5678", "2026-11-11 00:00:05",
                    "2026-11-11 00:00:31", sweater, 2, 1, "颜色分类：灰色;尺码：L",
                    message="请发顺丰，谢谢\n周末家里没人，放快递柜"),
        qianniu_row("4012345678901234568", "江南一叶", "599.00", "0.00", "599.00", QN_SHIPPED, "李**",
                    "江苏省 苏州市 工业园区 星湖街 ***号 (215000)", "139****2211", "2026-11-11 08:12:40",
                    "2026-11-11 08:13:02", down, 1, 1, "颜色分类：米白色;尺码：M", "75312345678901", "中通快递",
                    shipped="2026-11-11 15:20:00"),
        qianniu_row("4012345678901234569", "阿杰不吃香菜", "129.00", "10.00", "139.00", "交易成功", "王**",
                    "广东省 深圳市 南山区 科技园 ***栋 (518057)", "186****0427", "2026-11-11 09:05:00",
                    "2026-11-11 09:06:00", sweater, 1, 1, "颜色分类：黑色;尺码：XL", "No:YT8812345678901", "圆通速递",
                    memo="老客户，送暖宝宝", shipped="2026-11-11 16:00:00", received="2026-11-14 18:20:11"),
        # Closed unpaid.
        qianniu_row("4012345678901234573", "momo_2019", "79.00", "0.00", "0.00", "交易关闭", "赵**",
                    "上海 上海市 浦东新区 张江路 ***号 (201203)", "150****7788", "2026-11-12 10:30:00", "", cup, 1, 1,
                    "颜色分类：樱花粉;容量：500ml", close="买家不想买了"),
        # Paid, refunded in full and closed: 买家实付金额 net of the refund (0.00), 退款金额 599.00.
        qianniu_row("4012345678901234574", "小林同学", "599.00", "0.00", "0.00", "交易关闭", "陈**",
                    "湖北省 武汉市 洪山区 珞喻路 ***号 (430074)", "131****6622", "2026-11-12 11:00:00",
                    "2026-11-12 11:00:10", down, 1, 1, "颜色分类：黑色;尺码：L", close="退款", refund="599.00"),
        # Delivered, one of the two cups refunded: 买家实付金额 is the whole payment, above 退款金额.
        qianniu_row("4012345678901234575", "胖虎", "158.00", "0.00", "158.00", "交易成功", "刘**",
                    "山东省 青岛市 市南区 香港中路 ***号 (266071)", "137****3301", "2026-11-12 12:00:00",
                    "2026-11-12 12:00:30", cup, 1, 2, "颜色分类：曜石黑;容量：500ml", "SF1400123456780", "顺丰速运",
                    refund="79.00", shipped="2026-11-12 18:00:00", received="2026-11-15 10:00:00"),
        qianniu_row("4012345678901234576", "北方的狼", "1299.00", "0.00", "0.00", "等待买家付款", "孙**",
                    "北京 北京市 朝阳区 望京街 ***号 (100102)", "133****9900", "2026-11-12 23:58:10", "", long_down, 1, 1,
                    "颜色分类：藏青;尺码：XXL"),
        # Two goods in one row: the titles joined by "，", 宝贝种类 2, one piece each; a 10.00 coupon.
        qianniu_row("4012345678901234577", "小周周", "178.00", "0.00", "168.00", PAID_TO_SHIP, "周**",
                    "福建省 厦门市 思明区 环岛路 ***号 (361005)", "138****1234", "2026-11-12 20:00:00",
                    "2026-11-12 20:01:00", f"{cup}，{sweater}", 2, 2,
                    "颜色分类：樱花粉;容量：500ml，颜色分类：黑色;尺码：L"),
    ]


def make_qianniu() -> None:
    rows = qianniu_rows()
    lines = [csv_line(QIANNIU_HEADER)] + [csv_line(row, QIANNIU_GUARDED) for row in rows]
    write_text("qianniu_orders.csv", lines, "gbk")
    typed = []
    for row in rows:
        row = list(row)
        for index in QIANNIU_AMOUNTS:
            row[index] = float(row[index])
        for index in QIANNIU_TIMES:  # date cells, as a workbook opened and saved again has them
            row[index] = dt.datetime.fromisoformat(row[index]) if row[index] else None
        row[18] = int(row[18])  # 宝贝总数量 a number; order and tracking numbers stay text cells
        typed.append([None if cell == "" else cell for cell in row])
    write_xlsx("qianniu_orders.xlsx", QIANNIU_HEADER, typed)


# ------------------------------------------------------------------ JD

JD_HEADER = [
    "订单号", "商品ID", "商品名称", "订购数量", "支付方式", "下单时间", "京东价", "订单金额", "结算金额", "余额支付",
    "应付金额", "订单状态", "订单类型", "下单帐号", "客户姓名", "客户地址", "联系电话", "订单备注", "发票类型",
    "发票抬头", "发票内容", "商家备注", "商家备注等级（等级1-5为由高到低）", "运费金额", "付款确认时间", "增值税发票",
    "货号", "订单完成时间", "订单来源", "订单渠道", "承运商", "运单号",
]


def jd_rows() -> list[list]:
    def row(no, sku_id, title, qty, placed, price, goods, paid, status, account, name, address, phone, remark,
            memo, freight, paid_at, code, done="", courier="", tracking=""):
        return [no, sku_id, title, qty, "在线支付", placed, price, goods, paid, "0.00", paid, status, "销售订单",
                account, name, address, phone, remark, "电子发票", "个人", "商品明细", memo, "", freight, paid_at,
                "", code, done, "移动端订单", "京东商城", courier, tracking]

    return [
        row("280012345671", "100012345601", "暖冬 316不锈钢保温杯 500ml 曜石黑", "1", "2026-11-11 10:02:00", "99.00",
            "377.00", "357.00", "等待出库", "jd_一只猫", "刘**", "浙江杭州市余杭区五常街道文一西路***号",
            "138****1234", "", "", "0.00", "2026-11-11 10:02:40", "BWB-500-BK"),
        row("280012345671", "100012345602", "暖冬 加绒卫衣男冬季宽松 灰色 L", "2", "2026-11-11 10:02:00", "139.00",
            "377.00", "357.00", "等待出库", "jd_一只猫", "刘**", "浙江杭州市余杭区五常街道文一西路***号",
            "138****1234", "", "", "0.00", "2026-11-11 10:02:40", "JRWY-GR-L"),
        row("280012345672", "100012345603", "暖冬 轻薄羽绒服女短款 米白 M", "1", "2026-11-11 11:20:00", "699.00",
            "699.00", "699.00", "等待确认收货", "jd_小雨", "陈**", "江苏南京市鼓楼区中山北路***号", "139****5566",
            "", "", "0.00", "2026-11-11 11:21:05", "YRF-W-M", courier="京东快递", tracking="JDVA12345678901"),
        row("280012345673", "100012345601", "暖冬 316不锈钢保温杯 500ml 曜石黑", "2", "2026-11-10 21:00:00", "99.00",
            "198.00", "204.00", "完成", "jd_老周", "周**", "广东广州市天河区体育西路***号", "135****7788",
            "", "已提醒仓库", "6.00", "2026-11-10 21:00:30", "BWB-500-BK", done="2026-11-12 15:30:00",
            courier="京东快递", tracking="JDVA12345678902"),
        row("280012345674", "100012345603", "暖冬 轻薄羽绒服女短款 黑色 L", "1", "2026-11-11 12:00:00", "699.00",
            "699.00", "699.00", "已取消", "jd_阿花", "吴**", "山东青岛市市南区香港中路***号", "150****3322",
            "", "", "0.00", "", "YRF-W-L"),
        # 锁定: the buyer asked to cancel after paying; it must not ship.
        row("280012345675", "100012345602", "暖冬 加绒卫衣男冬季宽松 黑色 XL", "1", "2026-11-11 13:00:00", "139.00",
            "139.00", "139.00", "锁定", "jd_大熊", "郑**", "湖南长沙市岳麓区麓山南路***号", "186****4455",
            "尺码拍错了", "", "0.00", "2026-11-11 13:00:20", "JRWY-BK-XL"),
    ]


def make_jd() -> None:
    rows = jd_rows()
    write_text("jd_orders.csv", [csv_line(JD_HEADER)] + [csv_line(row) for row in rows], "gbk")
    typed = []
    for row in rows:
        row = list(row)
        row[0] = int(row[0])  # order numbers stored as numbers, as JD's XLSX does
        row[1] = int(row[1])
        row[3] = int(row[3])
        for index in (6, 7, 8, 9, 10, 23):
            row[index] = float(row[index])
        row[5] = dt.datetime.fromisoformat(row[5])  # a date cell
        if row[24]:  # an Excel serial number: a date written as a plain number
            paid = dt.datetime.fromisoformat(row[24])
            row[24] = (paid - dt.datetime(1899, 12, 30)).total_seconds() / 86400
        row[27] = dt.datetime.fromisoformat(row[27]) if row[27] else None
        typed.append([None if cell == "" else cell for cell in row])
    write_xlsx("jd_orders.xlsx", JD_HEADER, typed)


# ------------------------------------------------------------------ Pinduoduo

PDD_HEADER = [
    "商品", "订单号", "订单状态", "商品总价(元)", "店铺优惠折扣(元)", "平台优惠折扣(元)", "多多支付立减金额(元)", "邮费(元)",
    "用户实付金额(元)", "商家实收金额(元)", "商品数量(件)", "身份证姓名", "身份证号码", "收货人", "手机", "是否蓝票",
    "省", "市", "区", "街道", "详细地址", "订单成交时间", "支付时间", "拼单成功时间", "承诺发货时间", "发货时间",
    "确认收货时间", "商品id", "商品规格", "样式ID", "商家编码-SKU维度", "商家编码-商品维度", "快递单号", "快递公司",
    "商家备注", "售后状态", "买家留言", "订单类型",
]


def make_pdd() -> None:
    def row(title, no, status, goods, shop_off, platform_off, postage, paid, income, qty, name, phone, province,
            city, district, street, detail, placed, paid_at, shipped, received, goods_id, spec, style, sku, tracking,
            courier, memo, after_sale, message):
        return [title, no, status, goods, shop_off, platform_off, "0.00", postage, paid, income, qty, "-", "-",
                name, phone, "否", province, city, district, street, detail, placed, paid_at,
                paid_at if paid_at != "-" else "-", "2026-11-13 23:59:59", shipped, received, goods_id, spec, style,
                sku, "JRWY" if "卫衣" in title else "-", tracking, courier, memo, after_sale, message, "普通订单"]

    sweater = "加绒卫衣男冬季宽松潮牌"
    rows = [
        # Two SKUs in one order: the order's amounts repeated on both rows, no unit price.
        row(sweater, "261111-018273645501234", "待发货", "209.70", "5.00", "3.00", "0.00", "201.70", "204.70", "1",
            "陈**", "186****0427", "浙江省", "杭州市", "余杭区", "五常街道", "文一西路***号", "2026-11-11 20:15:03",
            "2026-11-11 20:15:09", "-", "-", "612345678901", "黑色,XL", "1100001", "JRWY-BK-XL", "-", "-", "-",
            "无售后或售后取消", "要加绒厚一点的"),
        row(sweater, "261111-018273645501234", "待发货", "209.70", "5.00", "3.00", "0.00", "201.70", "204.70", "2",
            "陈**", "186****0427", "浙江省", "杭州市", "余杭区", "五常街道", "文一西路***号", "2026-11-11 20:15:03",
            "2026-11-11 20:15:09", "-", "-", "612345678901", "灰色,L", "1100002", "JRWY-GR-L", "-", "-", "-",
            "无售后或售后取消", "要加绒厚一点的"),
        row("轻薄羽绒服女短款白鸭绒", "261111-018273645501235", "已发货，待签收", "1,299.00", "0.00", "100.00", "0.00",
            "1,199.00", "1,299.00", "1", "黄**", "137****2020", "广东省", "东莞市", "南城区", "南城街道",
            "鸿福路***号", "2026-11-11 21:00:00", "2026-11-11 21:00:12", "2026-11-12 10:30:00", "-",
            "612345678902", "米白色,M", "1100003", "YRF-W-M", "4312345678901", "韵达快递", "-", "无售后或售后取消", "-"),
        row("316不锈钢保温杯男女大容量", "261111-018273645501236", "已签收", "119.80", "0.00", "0.00", "0.00", "119.80",
            "119.80", "2", "林**", "158****6060", "福建省", "厦门市", "思明区", "-", "湖滨南路***号",
            "2026-11-09 08:00:00", "2026-11-09 08:00:30", "2026-11-09 16:00:00", "2026-11-11 19:00:00",
            "612345678903", "曜石黑,500ml", "1100004", "BWB-500-BK", "YT8812345678902", "圆通速递", "好评返现已处理",
            "无售后或售后取消", "-"),
        row("316不锈钢保温杯男女大容量", "261111-018273645501237", "已取消", "59.90", "0.00", "0.00", "0.00", "59.90",
            "59.90", "1", "何**", "139****1111", "河南省", "郑州市", "金水区", "-", "花园路***号",
            "2026-11-11 22:00:00", "-", "-", "-", "612345678903", "樱花粉,500ml", "1100005", "BWB-500-PK", "-", "-",
            "-", "-", "-"),
        row(sweater, "261111-018273645501238", "未发货，退款成功", "69.90", "0.00", "0.00", "0.00", "69.90", "69.90",
            "1", "马**", "152****8080", "陕西省", "西安市", "雁塔区", "小寨街道", "长安中路***号",
            "2026-11-11 22:30:00", "2026-11-11 22:30:05", "-", "-", "612345678901", "黑色,L", "1100006",
            "JRWY-BK-L", "-", "-", "-", "退款成功", "-"),
    ]
    write_text("pdd_orders.csv", [csv_line(PDD_HEADER)] + [csv_line(r) for r in rows], "utf-8", bom=True)

    # Broken: on row 3 (the second row of a two-row order) a letter l in the paid amount and a
    # shop discount that disagrees with row 2's; on row 4 an impossible payment time.
    bad = [list(r) for r in rows[:4]]
    bad[1][8] = "14l.70"
    bad[1][4] = "6.00"
    bad[2][22] = "2026-13-45 25:00"
    write_text("broken/pdd_orders_bad.csv", [csv_line(PDD_HEADER)] + [csv_line(r) for r in bad], "utf-8", bom=True)


# ------------------------------------------------------------------ Douyin

DOUYIN_HEADER = [
    "主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商品ID", "商家编码", "商品单价", "订单应付金额", "运费",
    "优惠总金额", "支付方式", "订单提交时间", "支付完成时间", "订单完成时间", "订单状态", "售后状态", "取消原因", "收件人",
    "收件人手机号", "省", "市", "区", "街道", "详细地址", "买家留言", "商家备注", "快递信息", "发货时间", "达人ID",
    "达人昵称", "流量来源",
]


def make_douyin() -> None:
    def row(main, sub, title, spec, qty, goods_id, sku, price, paid, freight, discount, placed, paid_at, done,
            status, after_sale, cancel, name, phone, province, city, district, street, detail, message, memo,
            express, shipped):
        return [main, sub, title, spec, qty, goods_id, sku, price, paid, freight, discount,
                "抖音支付" if paid_at != "-" else "-", placed, paid_at, done, status, after_sale, cancel, name, phone,
                province, city, district, street, detail, message, memo, express, shipped, "\t71234567890",
                "暖冬严选直播间", "直播"]

    when = dt.datetime.fromisoformat
    rows = [
        # Main order numbers guarded two ways: a leading tab, and a leading apostrophe. Every
        # amount is the row's sub-order's: the order pays 65.00 + 433.00 with 4.00 + 26.00 off.
        row("\t6938125012345670001", "\t6938125012345670001", "316不锈钢保温杯男女大容量", "曜石黑;500ml", 1,
            "\t3612345678901", "BWB-500-BK", 69.0, 65.0, 0.0, 4.0, when("2026-11-11 19:30:00"),
            when("2026-11-11 19:30:08"), "-", "待发货", "-", "-", "王**", "135****8899", "浙江省", "杭州市", "西湖区",
            "西溪街道", "西溪路***号", "孩子生日礼物，别放发票", "-", "-", "-"),
        row("'6938125012345670001", "'6938125012345670002", "轻薄羽绒服女短款白鸭绒", "米白色;M", 1, "\t3612345678902",
            "YRF-W-M", 459.0, 433.0, 0.0, 26.0, when("2026-11-11 19:30:00"), when("2026-11-11 19:30:08"), "-",
            "待发货", "-", "-", "王**", "135****8899", "浙江省", "杭州市", "西湖区", "西溪街道", "西溪路***号",
            "孩子生日礼物，别放发票", "-", "-", "-"),
        row("\t6938125012345670003", "\t6938125012345670003", "加绒卫衣男冬季宽松", "灰色;L", 2, "\t3612345678903",
            "JRWY-GR-L", 89.0, 178.0, 0.0, 0.0, when("2026-11-11 20:00:00"), when("2026-11-11 20:00:15"), "-",
            "已发货", "-", "-", "钱**", "136****1212", "江苏省", "南京市", "玄武区", "-", "中山路***号", "-", "-",
            "顺丰速运 SF1234567890123", when("2026-11-12 09:00:00")),
        row("\t6938125012345670004", "\t6938125012345670004", "316不锈钢保温杯男女大容量", "樱花粉;500ml", 1,
            "\t3612345678901", "BWB-500-PK", 69.0, 74.0, 5.0, 0.0, when("2026-11-10 12:00:00"),
            when("2026-11-10 12:00:05"), when("2026-11-13 08:00:00"), "已完成", "-", "-", "孙**", "137****3434",
            "上海市", "上海市", "徐汇区", "-", "漕溪北路***号", "-", "-", "中通快递 75312345678902",
            when("2026-11-10 18:00:00")),
        row("\t6938125012345670005", "\t6938125012345670005", "轻薄羽绒服女短款白鸭绒", "黑色;L", 1, "\t3612345678902",
            "YRF-W-L", 459.0, 459.0, 0.0, 0.0, when("2026-11-11 21:00:00"), "-", "-", "已关闭", "-", "超时未支付",
            "李**", "138****5656", "北京市", "北京市", "海淀区", "-", "中关村大街***号", "-", "-", "-", "-"),
        row("\t6938125012345670006", "\t6938125012345670006", "加绒卫衣男冬季宽松", "黑色;XL", 1, "\t3612345678903",
            "JRWY-BK-XL", 89.0, 89.0, 0.0, 0.0, when("2026-11-11 23:50:00"), "-", "-", "待支付", "-", "-", "周**",
            "139****7878", "天津市", "天津市", "南开区", "-", "鞍山西道***号", "-", "-", "-", "-"),
    ]
    write_xlsx("douyin_orders.xlsx", DOUYIN_HEADER, rows)


# The standard export: the 27 columns Pinduoduo exports by default, in its order. No 支付时间,
# no receiver columns: the payment moment is 订单成交时间.
PDD_STANDARD_HEADER = [
    "商品", "订单号", "订单状态", "商品总价(元)", "邮费(元)", "店铺优惠折扣(元)", "平台优惠折扣(元)", "多多支付立减金额(元)",
    "用户实付金额(元)", "商家实收金额(元)", "商品数量(件)", "发货时间", "确认收货时间", "商品id", "商品规格", "样式ID",
    "商家编码-规格维度", "商家编码-商品维度", "商家备注", "售后状态", "快递单号", "快递公司", "订单成交时间", "是否分期",
    "分期期数", "手续费承担方", "分期方式",
]


def make_pdd_standard() -> None:
    def row(title, no, status, goods, postage, shop_off, platform_off, pay_off, qty, shipped, received, goods_id,
            spec, style, sku, product_code, memo, after_sale, tracking, courier, deal):
        cents = lambda text: round(float(text) * 100)
        paid = cents(goods) + cents(postage) - cents(shop_off) - cents(platform_off) - cents(pay_off)
        # What Pinduoduo credits the shop: the buyer's payment plus the discounts it funds itself.
        income = paid + cents(platform_off) + cents(pay_off)
        # Spreadsheet-prone numbers come after a tab, as Pinduoduo writes them.
        tab = lambda text: "\t" + text if text and text != "-" else text
        return [title, no, status, goods, postage, shop_off, platform_off, pay_off, f"{paid / 100:.2f}",
                f"{income / 100:.2f}", qty, shipped, received, tab(goods_id), spec, tab(style), sku, product_code, memo,
                after_sale, tab(tracking), courier, deal, "否", "", "", ""]

    cup, down, sweater = "316不锈钢保温杯男女大容量", "轻薄羽绒服女短款白鸭绒", "加绒卫衣男冬季宽松潮牌"
    rows = [
        # Paid, to ship: all three discounts, so the buyer paid 110.80 and the shop is credited 114.80.
        row(cup, "261112-100000000000001", "待发货", "119.80", "0.00", "5.00", "3.00", "1.00", "2", "", "",
            "612345678903", "曜石黑,500ml", "1100004", "BWB-500-BK", "BWB-500", "", "无售后或售后取消", "", "",
            "2026-11-12 20:15:09"),
        row(down, "261112-100000000000002", "已发货，待签收", "599.00", "0.00", "20.00", "10.00", "0.00", "1",
            "2026-11-13 10:30:00", "", "612345678902", "米白色,M", "1100003", "YRF-W-M", "YRF-W", "", "无售后或售后取消",
            "4312345678911", "韵达快递", "2026-11-12 21:00:12"),
        # Postage paid by the buyer, and a 多多支付 reduction.
        row(sweater, "261112-100000000000003", "已签收", "99.00", "6.00", "0.00", "0.00", "0.50", "1",
            "2026-11-10 16:00:00", "2026-11-12 19:00:00", "612345678901", "灰色,L", "1100002", "JRWY-GR-L", "JRWY",
            "好评返现已处理", "无售后或售后取消", "YT8812345678912", "圆通速递", "2026-11-10 08:00:30"),
        # Not paid: 订单成交时间 a lone tab (待付款) or empty (cancelled unpaid); 用户实付金额 is what was due.
        row(sweater, "261112-100000000000004", "待付款", "99.00", "0.00", "0.00", "0.00", "0.00", "1", "", "",
            "612345678901", "黑色,XL", "1100001", "JRWY-BK-XL", "JRWY", "", "无售后或售后取消", "", "", "\t"),
        row(cup, "261112-100000000000005", "已取消", "79.00", "0.00", "0.00", "0.00", "0.00", "1", "", "",
            "612345678903", "樱花粉,500ml", "1100005", "BWB-500-PK", "BWB-500", "", "无售后或售后取消", "", "", ""),
        # Paid, then refunded before shipping: it was paid, so it counts in the paid total.
        row(sweater, "261112-100000000000006", "未发货，退款成功", "99.00", "0.00", "0.00", "0.00", "0.00", "1", "", "",
            "612345678901", "黑色,L", "1100006", "JRWY-BK-L", "JRWY", "", "退款成功", "", "", "2026-11-12 22:30:05"),
        # Paid a second before midnight in Beijing: still the 11th there, the 11th 15:59:59 in UTC.
        row("长款羽绒服男加厚", "261112-100000000000007", "已发货，待签收", "1299.00", "0.00", "0.00", "100.00", "0.00", "1",
            "2026-11-12 09:00:00", "", "612345678904", "藏青,XXL", "1100007", "YRF-LONG", "YRF", "大客户，优先发",
            "无售后或售后取消", "SF1400123456780", "顺丰速运", "2026-11-11 23:59:59"),
    ]
    write_text("pdd_orders_standard.csv", [csv_line(PDD_STANDARD_HEADER)] + [csv_line(r) for r in rows], "utf-8",
               bom=True)


# The 商品维度 CSV (one row per sub-order) of a recent 抖店 version: text cells quoted after a tab,
# amounts as plain numbers, "-" for empty. 商品金额 is the unit price.
DOUYIN_ITEMS_HEADER = [
    "主订单编号", "子订单编号", "支付方式", "选购商品", "货号", "商品ID", "商家编码", "商品数量", "商品金额", "订单提交时间",
    "支付完成时间", "订单完成时间", "承诺发货时间", "预约发货时间", "买家留言", "旗帜颜色", "商家备注", "APP渠道", "订单状态",
    "取消原因", "售后状态", "订单类型", "发货时间", "车型", "是否是以旧换新", "换新额外补贴", "换新额外补贴发放状态",
    "订单应付金额", "运费", "优惠总金额", "平台优惠", "商家优惠", "达人优惠", "商家改价", "支付优惠", "手续费", "红包抵扣",
    "降价类优惠", "平台实际承担优惠金额", "商家实际承担优惠金额", "达人实际承担优惠金额", "收件人", "收件人手机号", "省", "市",
    "区", "街道", "详细地址", "是否修改过地址", "快递信息", "序列号", "达人ID", "达人昵称", "拼团订单团编号", "商品单价是否含税",
    "税费", "鲁班落地页ID", "所属门店ID", "流量来源", "仓库ID", "仓库名称", "是否安心购", "广告渠道", "流量类型", "流量体裁",
    "流量渠道", "发货主体", "发货主体明细", "教育优惠", "预计送达时间", "是否平台仓自流转", "是否是渠道商品", "预约送达时间",
    "建议发货时间（起）", "建议发货时间（止）",
]
DOUYIN_TABBED = {0, 1, 3, 4, 5, 6, 51}  # order numbers, title, codes, 达人ID


def douyin_item_rows() -> list[list[str]]:
    def row(main, sub, title, style, goods_id, sku, qty, price, placed, paid_at, done, status, after_sale, shipped,
            freight, offers, receiver, message="-", memo="-", express="-", cancel="-"):
        # offers: 平台优惠, 商家优惠, 达人优惠, 支付优惠 of this sub-order; who bears the 支付优惠 is the platform.
        platform, shop, author, pay = offers
        cents = lambda value: round(value * 100)
        discount = platform + shop + author + pay
        payable = (cents(price) * int(qty) - cents(discount) + cents(freight)) / 100
        money = lambda value: f"{value:.2f}"
        name, phone, province, city, district, street, detail = receiver
        return [main, sub, "抖音支付" if paid_at != "-" else "-", title, style, goods_id, sku, qty, money(price), placed,
                paid_at, done, "2026-11-14 23:59:59", "-", message, "-", memo, "抖音", status, cancel, after_sale,
                "普通订单", shipped, "-", "否", "0.00", "-", money(payable), money(freight), money(discount),
                money(platform), money(shop), money(author), "0.00", money(pay), "0.00", "0.00", "0.00",
                money(platform + pay), money(shop), money(author), name, phone, province, city, district, street,
                detail, "否", express, "-", "71234567890", "暖冬严选直播间", "-", "是", "0.00", "-", "-", "直播", "-", "-",
                "否", "-", "自然流量", "直播", "直播间", "商家", "-", "0.00", "2026-11-16", "否", "否", "-", "-", "-"]

    cup, down, sweater = "316不锈钢保温杯男女大容量", "轻薄羽绒服女短款白鸭绒", "加绒卫衣男冬季宽松"
    hangzhou = ("王**", "135****8899", "浙江省", "杭州市", "西湖区", "西溪街道", "西溪路***号")
    nanjing = ("钱**", "136****1212", "江苏省", "南京市", "玄武区", "-", "中山路***号")
    shanghai = ("孙**", "137****3434", "上海市", "上海市", "徐汇区", "-", "漕溪北路***号")
    tianjin = ("周**", "139****7878", "天津市", "天津市", "南开区", "-", "鞍山西道***号")
    beijing = ("李**", "138****5656", "北京市", "北京市", "海淀区", "-", "中关村大街***号")
    paid = ("2026-11-12 19:30:00", "2026-11-12 19:30:08")
    return [
        # Three sub-orders of one order, to ship: every amount differs by row, freight on the
        # first row only. The order: goods 876.00, freight 5.00, discount 65.00, paid 816.00.
        row("6938125099990000001", "6938125099990000001", cup, "BWB-500", "3612345678901", "BWB-500-BK", "1", 79.0,
            *paid, "-", "待发货", "-", "-", 5.0, (3.0, 4.0, 1.0, 0.0), hangzhou, message="孩子生日礼物，别放发票"),
        row("6938125099990000001", "6938125099990000002", down, "YRF-W", "3612345678902", "YRF-W-M", "1", 599.0,
            *paid, "-", "待发货", "-", "-", 0.0, (20.0, 15.0, 5.0, 5.0), hangzhou, message="孩子生日礼物，别放发票"),
        row("6938125099990000001", "6938125099990000003", sweater, "JRWY", "3612345678903", "JRWY-GR-L", "2", 99.0,
            *paid, "-", "待发货", "-", "-", 0.0, (4.0, 6.0, 0.0, 2.0), hangzhou, message="孩子生日礼物，别放发票"),
        # Two sub-orders: the first (with the freight) refunded and closed, the second shipped.
        # The order is shipped, with the second row's tracking number; lines keep their own 售后状态.
        row("6938125099990000004", "6938125099990000004", cup, "BWB-500", "3612345678901", "BWB-500-PK", "1", 79.0,
            "2026-11-11 20:00:00", "2026-11-11 20:00:15", "2026-11-12 10:00:00", "已关闭", "退款成功", "-", 8.0,
            (2.0, 4.0, 0.0, 0.0), nanjing),
        row("6938125099990000004", "6938125099990000005", sweater, "JRWY", "3612345678903", "JRWY-BK-XL", "1", 99.0,
            "2026-11-11 20:00:00", "2026-11-11 20:00:15", "-", "已发货", "-", "2026-11-12 09:00:00", 0.0,
            (3.0, 7.0, 0.0, 0.0), nanjing, express="中通快递 75312345678911"),
        row("6938125099990000006", "6938125099990000006", down, "YRF-W", "3612345678902", "YRF-W-S", "1", 599.0,
            "2026-11-10 12:00:00", "2026-11-10 12:00:05", "2026-11-13 08:00:00", "已完成", "-", "2026-11-10 18:00:00",
            0.0, (0.0, 0.0, 0.0, 0.0), shanghai, express="顺丰速运 SF1234567890124"),
        # Not paid: two rows (freight on the second), and a single row closed for want of payment.
        row("6938125099990000007", "6938125099990000007", sweater, "JRWY", "3612345678903", "JRWY-GR-L", "1", 99.0,
            "2026-11-12 23:50:00", "-", "-", "待支付", "-", "-", 0.0, (0.0, 0.0, 0.0, 0.0), tianjin),
        row("6938125099990000007", "6938125099990000008", cup, "BWB-500", "3612345678901", "BWB-500-BK", "1", 79.0,
            "2026-11-12 23:50:00", "-", "-", "待支付", "-", "-", 6.0, (0.0, 0.0, 0.0, 0.0), tianjin),
        row("6938125099990000009", "6938125099990000009", down, "YRF-W", "3612345678902", "YRF-W-L", "1", 599.0,
            "2026-11-11 21:00:00", "-", "-", "已关闭", "-", "-", 0.0, (0.0, 0.0, 0.0, 0.0), beijing, cancel="超时未支付"),
    ]


def make_douyin_items() -> None:
    rows = douyin_item_rows()
    write_text("douyin_sub_orders.csv", [csv_line(DOUYIN_ITEMS_HEADER)] + [csv_line(r, tabbed=DOUYIN_TABBED)
                                                                          for r in rows], "utf-8", bom=True)

    # The order-level export (订单维度) of the first two orders: one row per 主订单, the sub-orders'
    # values joined by ";", the amounts the order's. Refused: it asks for 商品维度.
    by_order: dict[str, list[list[str]]] = {}
    for r in rows[:5]:
        by_order.setdefault(r[0], []).append(r)
    joined_columns = {"子订单编号", "选购商品", "货号", "商品ID", "商家编码", "商品数量", "商品金额", "订单状态", "售后状态"}
    summed_columns = {"订单应付金额", "运费", "优惠总金额", "平台优惠", "商家优惠", "达人优惠", "支付优惠",
                      "平台实际承担优惠金额", "商家实际承担优惠金额", "达人实际承担优惠金额"}
    lines = [csv_line(DOUYIN_ITEMS_HEADER)]
    for group in by_order.values():
        merged = list(group[0])
        for index, name in enumerate(DOUYIN_ITEMS_HEADER):
            if name in joined_columns:
                merged[index] = ";".join(r[index] for r in group)
            elif name in summed_columns:
                merged[index] = f"{sum(float(r[index]) for r in group):.2f}"
        lines.append(csv_line(merged, tabbed=DOUYIN_TABBED))
    write_text("broken/douyin_orders_order_level.csv", lines, "utf-8", bom=True)


def make_broken() -> None:
    # JD's export without 应付金额 (a required column): refused with one error on row 1.
    header = [name for name in JD_HEADER if name != "应付金额"]
    rows = [[cell for index, cell in enumerate(row) if JD_HEADER[index] != "应付金额"] for row in jd_rows()[:2]]
    write_text("broken/jd_orders_missing_column.csv", [csv_line(header)] + [csv_line(r) for r in rows], "gbk")


# -- a large export, made up at random (bench/import_ratio.py, tests/e2e/test_orders.py) --------

LARGE_PRODUCTS = [("BWB-500-BK", "316不锈钢保温杯男女大容量", "89.00", "颜色分类：曜石黑;容量：500ml"),
            ("JRWY-GR-L", "加绒卫衣男冬季宽松", "129.00", "颜色分类：灰色;尺码：L"),
            ("YRF-W-M", "轻薄羽绒服女短款白鸭绒", "599.00", "颜色分类：米白色;尺码：M"),
            ("YRF-LONG-XXL", "长款羽绒服男加厚", "1299.00", "颜色分类：藏青;尺码：XXL"),
            ("WJ-01", "羊毛围巾女冬季百搭", "59.90", "颜色分类：驼色"),
            ("ST-3", "加厚保暖手套触屏", "35.50", "颜色分类：黑色;尺码：均码")]
LARGE_STATUSES = (["买家已付款，等待卖家发货"] * 12 + ["卖家已发货，等待买家确认"] * 4 + ["交易成功"] * 2
            + ["交易关闭", "等待买家付款"])
LARGE_CITIES = ("浙江省 杭州市 西湖区 文三路", "江苏省 苏州市 工业园区 星湖街", "广东省 深圳市 南山区 科技园",
          "四川省 成都市 武侯区 天府大道", "北京 北京市 朝阳区 望京街", "上海 上海市 浦东新区 张江路")
LARGE_MESSAGES = ("", "", "", "", "请发顺丰，谢谢", "周末送货\n放快递柜", "送人的，不要放发票")



def write_large_taobao(folder: Path, orders: int, lines_per_order: int, seed: int = 6) -> tuple[Path, Path]:
    """A large Taobao export (订单报表 + 宝贝报表, GBK, guarded cells, masked receivers) of ``orders``
    orders with ``lines_per_order`` lines each, streamed to disk; for bench/import_ratio.py and the
    e2e upload. Order numbers are 40 followed by the order's index, 17 digits."""
    rng = random.Random(seed)
    order_path, item_path = folder / "ExportOrderList202611.csv", folder / "ExportOrderDetailList202611.csv"
    with open(order_path, "w", encoding="gbk", newline="") as order_file, \
            open(item_path, "w", encoding="gbk", newline="") as item_file:
        order_file.write(csv_line(TAOBAO_ORDER_HEADER) + "\r\n")
        item_file.write(csv_line(TAOBAO_ITEM_HEADER) + "\r\n")
        for n in range(orders):
            no = f"40{n:017d}"
            status = rng.choice(LARGE_STATUSES)
            items = [rng.choice(LARGE_PRODUCTS) for _ in range(lines_per_order)]
            quantities = [rng.choice((1, 1, 1, 2)) for _ in items]
            goods = sum(int(round(float(p[2]) * 100)) * q for p, q in zip(items, quantities))
            postage = rng.choice((0, 0, 0, 1000))
            paid_at = "" if status == "等待买家付款" else f"2026-11-{1 + n % 11:02d} {n % 24:02d}:{n % 60:02d}:31"
            paid = 0 if status in ("交易关闭", "等待买家付款") else goods + postage
            shipped = status in ("卖家已发货，等待买家确认", "交易成功")
            order = taobao_order(
                no, f"tb_买家{n}", f"{goods / 100:.2f}", f"{postage / 100:.2f}", f"{paid / 100:.2f}", status,
                rng.choice(LARGE_MESSAGES), "张**", f"{rng.choice(LARGE_CITIES)} ***号 (310012)",
                f"1{rng.randint(30, 89)}****{rng.randint(0, 9999):04d}", f"2026-11-{1 + n % 11:02d} 00:00:05",
                paid_at, "，".join(p[1] for p in items), len(items), f"7531{n:010d}" if shipped else "",
                "中通快递" if shipped else "", "", sum(quantities))
            order_file.write(csv_line(order, TAOBAO_GUARDED) + "\r\n")
            for (sku, title, price, spec), quantity in zip(items, quantities):
                item = [no, title, price, str(quantity), sku.split("-")[0], spec, "", "", status, sku]
                item_file.write(csv_line(item, {0}) + "\r\n")
    return order_path, item_path


def main(out: Path = HERE) -> None:
    global OUT
    OUT = out
    (OUT / "broken").mkdir(exist_ok=True)
    make_taobao()
    make_tmall()
    make_qianniu()
    make_jd()
    make_pdd()
    make_douyin()
    make_pdd_standard()
    make_douyin_items()
    make_broken()


if __name__ == "__main__":
    main()
