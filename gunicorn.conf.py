"""gunicorn settings shared by `make run` and the e2e server."""
import os

accesslog = None
graceful_timeout = 5
# Set on purpose. With gevent workers this is not a per-request limit: a worker that stops
# telling the master it is alive for this long (its loop held up by one request's CPU work,
# since gevent switches only on I/O) is killed (SIGABRT, then SIGKILL), and every request and
# live stream on it dies with it (SSE streams last minutes but idle between events, so they
# never cause it). No request may take this long: order imports run in the request only when
# small (CSV only, OFFICE_ORDER_IMPORT_INLINE_BYTES and _ROWS: 2 MB, ~3,000 orders, well under
# a second); Excel files and everything larger go to the job consumer. Twice gunicorn's
# default, as headroom for a loaded machine, not for any request planned to be slow.
timeout = 60


def post_fork(server, worker):
    # Under gevent, psycopg2 would block the whole worker on every query.
    if os.environ.get("OFFICE_DATABASE_URL", "").startswith("postgres"):
        from psycogreen.gevent import patch_psycopg

        patch_psycopg()
