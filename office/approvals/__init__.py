"""Approvals (审批): templates with their own fields and routes, and the engine that moves
requests through them.

Map: fields.py (field types, validation, display), routes.py (steps, conditions, free
steps, delegation: who decides), engine.py (submitting and every action, each one locked
transaction with a history row), outcomes.py (what other modules do when a template's
requests are decided), builtin.py (请假, 推广费用, 特价促销, 采购申请, 费用报销, 通用审批), queries.py (the lists);
views.py (filing and one request with its actions), list_views.py (待我审批 / 我发起的 /
抄送我的 / 已处理 and the export), delegation_views.py (out of office), template_views.py with
template_forms.py and template_rules.py (admins edit the forms: fields, route, order). Rules
never import views.
"""
from flask import Blueprint

from office.approvals import live
from office.live import registry

bp = Blueprint("approvals", __name__, url_prefix="/approvals")
registry.register(bp, "approvals", kinds=live.KINDS, args=live.ARGS, render=live.render)

from office.approvals import delegation_views, list_views, template_views, views  # noqa: E402,F401  (registers the routes)
