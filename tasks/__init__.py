"""huey jobs. The consumer runs ``huey_consumer tasks.huey``; importing this
package registers every task module."""
from tasks import (
    approvals,  # noqa: F401,E402
    live,  # noqa: F401,E402
    mainlines,  # noqa: F401,E402
    notify,  # noqa: F401,E402
    orders,  # noqa: F401,E402
    reminders,  # noqa: F401,E402
)
from tasks.queue import app_task, huey  # noqa: F401
