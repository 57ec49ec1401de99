"""The approval forms every seller starts with: 请假, 直通车/钻展推广费用, 特价促销, 采购申请,
费用报销, and 通用审批 with free routing. ``install`` writes those missing (by key) and never
touches one an administrator has edited. Run by ``flask migrate`` and the demo seed."""
from __future__ import annotations

import json

from office.approvals.fields import (
    ATTACHMENT,
    CHOICE,
    DATE,
    DATERANGE,
    MONEY,
    NUMBER,
    PERSON,
    TEXT,
    TEXTAREA,
    FieldSpec,
    check_specs,
)
from office.approvals.routing import DIRECTORS, FREE, INITIATOR_HEAD, Condition, StepSpec, check_route
from office.db import db
from office.models.approvals import FREE_APPROVERS, FREE_NONE, MODE_ALL, MODE_ANY, ApprovalTemplate

F = FieldSpec
HEAD = StepSpec("部门负责人审批", INITIATOR_HEAD, MODE_ALL)


def _director_over(field: str, amount: str) -> StepSpec:
    return StepSpec("总经理审批", DIRECTORS, MODE_ANY, condition=Condition(field, ">", amount))


# (key, name, description, fields, route, free routing, time limit in hours)
BUILT_IN = (
    ("leave", "请假", "事假、病假、年假、调休；超过 3 天需总经理审批", [
        F("leave_type", "请假类型", CHOICE, True, ["年假", "事假", "病假", "调休", "婚假", "产假", "丧假"]),
        F("dates", "请假日期", DATERANGE, True),
        F("days", "天数", NUMBER, True, min=0.5, max=365),
        F("reason", "事由", TEXTAREA, True, max=500),
        F("handover", "工作交接人", PERSON),
    ], [HEAD, _director_over("days", "3")], FREE_NONE, 24),
    ("ad_spend", "直通车/钻展推广费用", "推广预算申请；超过 5000 元需总经理审批", [
        F("channel", "推广渠道", CHOICE, True, ["直通车", "钻石展位", "引力魔方", "万相台", "京东快车", "多多搜索"]),
        F("shop", "店铺", TEXT, True, max=60),
        F("amount", "金额（元）", MONEY, True, min=0.01, max=10_000_000),
        F("period", "投放周期", DATERANGE, True),
        F("roi", "预期 ROI", NUMBER, min=0, max=1000),
        F("plan", "投放计划", TEXTAREA),
    ], [HEAD, _director_over("amount", "5000")], FREE_NONE, 8),
    ("special_price", "特价促销", "低于日常售价的活动价，需运营负责人和总经理确认", [
        F("sku", "商品 SKU", TEXT, True, max=60),
        F("normal_price", "日常售价（元）", MONEY, True, min=0.01),
        F("special_price", "活动价（元）", MONEY, True, min=0.01),
        F("dates", "活动时间", DATERANGE, True),
        F("platform", "平台", CHOICE, True, ["天猫", "淘宝", "京东", "拼多多", "抖音"]),
        F("reason", "说明", TEXTAREA),
    ], [HEAD, StepSpec("总经理审批", DIRECTORS, MODE_ANY)], FREE_NONE, 8),
    ("purchase", "采购申请", "采购下单前的审批；超过 10000 元需总经理审批", [
        F("item", "采购物品", TEXT, True, max=100),
        F("quantity", "数量", NUMBER, True, min=1),
        F("amount", "预计金额（元）", MONEY, True, min=0.01),
        F("supplier", "供应商", TEXT, max=100),
        F("needed_by", "需要到货日期", DATE),
        F("reason", "用途", TEXTAREA, True),
    ], [HEAD, _director_over("amount", "10000")], FREE_NONE, 24),
    ("expense", "费用报销", "差旅、快递、样品等费用报销，附发票", [
        F("category", "费用类别", CHOICE, True, ["差旅", "快递物流", "样品", "办公用品", "招待", "其他"]),
        F("amount", "金额（元）", MONEY, True, min=0.01),
        F("spent_on", "发生日期", DATE, True),
        F("receipts", "发票/凭证", ATTACHMENT, True),
        F("note", "说明", TEXTAREA),
    ], [HEAD, _director_over("amount", "2000")], FREE_NONE, 48),
    ("general", "通用审批", "其他事项：自己选审批人，审批人也可以再转给下一位", [
        F("subject", "事项", TEXT, True, max=100),
        F("detail", "详细说明", TEXTAREA, True),
        F("amount", "涉及金额（元）", MONEY),
    ], [StepSpec("审批人", FREE, MODE_ALL)], FREE_APPROVERS, 24),
)


def install() -> int:
    """Create the built-in templates that do not exist yet; returns how many were created."""
    created = 0
    with db.atomic():
        present = {t.key for t in ApprovalTemplate.select(ApprovalTemplate.key)}
        for position, (key, name, description, fields, route, free, hours) in enumerate(BUILT_IN):
            if key in present:
                continue
            check_specs(fields)
            check_route(route, fields)
            ApprovalTemplate.create(key=key, name=name, description=description,
                                    fields=json.dumps([f.to_dict() for f in fields], ensure_ascii=False),
                                    route=json.dumps([s.to_dict() for s in route], ensure_ascii=False),
                                    free_routing=free, time_limit_hours=hours, position=position)
            created += 1
    return created
