"""Work orders (任务单, 售后 cases, complaints, incidents): one engine for every kind (issue 15).

This module starts with the vocabulary the engine and its neighbours (canned replies, the office
calendar) share: the kinds and the statuses. Labels are translated where they are shown
(office/workorders/ maps these codes to words); the codes are what is stored.
"""
from __future__ import annotations

# Kinds: a task order between departments, the after-sale kinds tied to an order, a buyer's
# complaint, an incident (a payment interface down during 双11), and the rest.
KIND_TASK = "task"            # 任务单
KIND_RETURN = "return"        # 退货
KIND_EXCHANGE = "exchange"    # 换货
KIND_REFUND = "refund"        # 退款
KIND_RESEND = "resend"        # 补发
KIND_COMPLAINT = "complaint"  # 投诉
KIND_INCIDENT = "incident"    # 事故
KIND_OTHER = "other"          # 其他
KINDS = (KIND_TASK, KIND_RETURN, KIND_EXCHANGE, KIND_REFUND, KIND_RESEND, KIND_COMPLAINT, KIND_INCIDENT,
         KIND_OTHER)
AFTER_SALE_KINDS = (KIND_RETURN, KIND_EXCHANGE, KIND_REFUND, KIND_RESEND, KIND_COMPLAINT, KIND_OTHER)

# Statuses: 待处理 → 处理中 → 待验收 → 已完成, plus 暂停 (the clock stops, with a reason) and
# 已关闭 (ended without being done, with a reason).
STATUS_OPEN = "open"
STATUS_IN_PROGRESS = "in_progress"
STATUS_REVIEW = "review"
STATUS_DONE = "done"
STATUS_PAUSED = "paused"
STATUS_CLOSED = "closed"
STATUSES = (STATUS_OPEN, STATUS_IN_PROGRESS, STATUS_REVIEW, STATUS_DONE, STATUS_PAUSED, STATUS_CLOSED)
ACTIVE_STATUSES = (STATUS_OPEN, STATUS_IN_PROGRESS, STATUS_REVIEW, STATUS_PAUSED)
