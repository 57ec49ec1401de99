"""Approvals (审批): approval forms (ApprovalTemplate rows) with their own fields and route,
and the engine that moves requests filed with them from step to step.

Rules (no views, no flask.request): fields.py (field types, validation, display), routing.py
(who decides: steps, conditions, department heads, free steps, delegation), engine.py (filing
and every action, each one locked transaction with a history row), delegation.py (out of
office), outcomes.py (what other modules do when a form's requests are decided), reminders.py
(reminders and escalations past a form's time limit), builtin.py (请假, 推广费用, 特价促销,
采购申请, 费用报销, 通用审批), queries.py (the lists and the export), form_editor.py (saving an
approval form: checks, order, audit).

Web: blueprint.py (``bp`` and the status and tab words every approvals template uses),
pages.py (page contexts: the filing form, one request's section), views/ (requests.py,
lists.py, delegation.py, form_editor.py: the routes), form_editor_forms.py (the editor's
WTForms), live.py (what the live stream redraws, registered in blueprint.py). app.py registers
``office.approvals.views.bp``.
"""
