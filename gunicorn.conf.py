"""gunicorn settings shared by `make run` and the e2e server."""
import os

accesslog = None
graceful_timeout = 5


def post_fork(server, worker):
    # Under gevent, psycopg2 would block the whole worker on every query.
    if os.environ.get("OFFICE_DATABASE_URL", "").startswith("postgres"):
        from psycogreen.gevent import patch_psycopg

        patch_psycopg()
