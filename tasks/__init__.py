"""huey jobs. The consumer runs ``huey_consumer tasks.huey``; importing this
package registers every task module."""
from tasks.queue import app_task, huey  # noqa: F401
