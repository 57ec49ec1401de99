"""huey jobs: importing this package registers every task module. The consumer starts from
tasks/consumer.py (``huey_consumer tasks.consumer.huey``), which also gives the queue the app.

Map: queue.py (the huey instance, the app context jobs run in), notify.py (deliveries with
retries, the daily digest), reminders.py (memos at their time), live.py (prunes the event log),
mainlines.py (node reminders, overdue escalation), approvals.py (reminding and escalating
approvals that wait), orders.py (large imports, logistics checks every 30 minutes), workorders.py
(the SLA sweep every minute).
Tasks call rules and models; never views or the app.
"""
from tasks import (
    approvals,  # noqa: F401,E402
    live,  # noqa: F401,E402
    mainlines,  # noqa: F401,E402
    notify,  # noqa: F401,E402
    orders,  # noqa: F401,E402
    reminders,  # noqa: F401,E402
    workorders,  # noqa: F401,E402
)
from tasks.queue import app_task, huey  # noqa: F401
