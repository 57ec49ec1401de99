"""The approvals pages, one module per page family: requests.py (filing a request, one
request's page, its actions and files), lists.py (待我审批 / 我发起的 / 抄送我的 / 已处理, quick
decisions, the Excel export), delegation.py (out of office: deputies), form_editor.py (admins:
the approval forms, their fields, route and order), leave.py (admins: people's leave allowances).
Importing this package registers their
routes on ``bp``; app.py registers ``bp``.
"""
from office.approvals.blueprint import bp  # noqa: F401  (app.py registers it from here)
from office.approvals.views import delegation, form_editor, leave, lists, requests  # noqa: F401  (registers the routes)
