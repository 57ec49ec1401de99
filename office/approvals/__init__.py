"""Approvals (审批): templates with their own fields and routes, and the engine that moves
requests through them.

Map: fields.py (field types, validation, display), routes.py (steps, conditions, free
steps, delegation: who decides), engine.py (submitting and every action, each one locked
transaction with a history row), outcomes.py (what other modules do when a template's
requests are decided), builtin.py (请假, 推广费用, 特价促销, 采购申请, 费用报销).
The pages (inboxes, the request page, the template editor) are not built yet.
"""
