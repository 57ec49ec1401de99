"""Configuration: defaults, OFFICE_* environment variables, per-app overrides.

Owns where runtime files live (the instance folder) and the secret key file.
Imports nothing from the rest of the package.
"""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def instance_path(overrides: dict | None = None) -> Path:
    """The folder for runtime files: overrides, then OFFICE_INSTANCE_PATH, then ./instance."""
    value = (overrides or {}).get("INSTANCE_PATH") or os.environ.get("OFFICE_INSTANCE_PATH")
    path = Path(value) if value else ROOT / "instance"
    path = path.resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


class Defaults:
    """Every setting the app reads, with its default. Each one can be set as OFFICE_<NAME>."""

    # Filled in by finalize() when left empty, because they depend on the instance folder.
    DATABASE_URL = ""
    SECRET_KEY = ""
    HUEY_PATH = ""
    REDIS_URL = ""
    HUEY_IMMEDIATE = False

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_CN": "简体中文", "en": "English"}

    # Login throttling (office/auth/throttle.py): this many failures for one username within the
    # window lock out the addresses they came from (an address that has not failed still gets
    # the password checked); ten times as many from one address lock it for every username.
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW_MINUTES = 15

    PASSWORD_MIN_LENGTH = 8
    # werkzeug's default (scrypt); tests lower the cost with "pbkdf2:sha256:1000".
    PASSWORD_HASH_METHOD = "scrypt"

    PAGE_SIZE = 50

    # The feed: posts per page, how long an author may edit, uploads per post.
    FEED_PAGE_SIZE = 30
    FEED_EDIT_MINUTES = 15
    POST_MAX_LENGTH = 5000
    UPLOAD_PATH = ""  # default: instance/uploads
    UPLOAD_MAX_FILES = 9
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    PHOTO_MAX_BYTES = 2 * 1024 * 1024  # one profile photo (png, jpeg or webp)
    # Live updates (server-sent events): how often each process checks for new events, in ms,
    # and how long one stream lasts before the browser reconnects (re-checking the session).
    LIVE_WATCH_MS = 100
    LIVE_STREAM_SECONDS = 300
    # Mainlines: whoever answers for a node is reminded this many office days before its
    # due date (1: on the day before and on the day itself); overdue nodes are escalated.
    NODE_REMIND_DAYS = 1
    # Approvals: an initiator may urge (催办) the current approvers once per this many minutes.
    APPROVAL_URGE_MINUTES = 60
    # Leave (office/approvals/leave.py): days a year of each leave type that has a balance, for
    # everyone whose own allowance is not set (年假: 5 days, the legal minimum after one year of
    # work). Types not named here (事假, 病假...) have no balance.
    LEAVE_ALLOWANCES = {"年假": 5}
    # Notices: the author may remind the recipients who have not confirmed once per this many minutes.
    NOTICE_REMIND_MINUTES = 60
    # Work orders (office/workorders/sla.py): each kind's clocks, in minutes of working time.
    # "response": until the first response; "resolve": until done (None: a task order's own
    # deadline is its clock); "round_the_clock": counted 24x7 instead of in office hours
    # (complaints and incidents do not wait for Monday). A clock is near breach when this
    # share of its budget is left (the assignee is reminded once).
    WORK_ORDER_SLA = {
        "task": {"response": 4 * 60, "resolve": None},
        "return": {"response": 60, "resolve": 16 * 60},
        "exchange": {"response": 60, "resolve": 16 * 60},
        "refund": {"response": 60, "resolve": 8 * 60},
        "resend": {"response": 60, "resolve": 8 * 60},
        "complaint": {"response": 10, "resolve": 24 * 60, "round_the_clock": True},
        "incident": {"response": 10, "resolve": 4 * 60, "round_the_clock": True},
        "other": {"response": 2 * 60, "resolve": 24 * 60},
    }
    WORK_ORDER_NEAR_SHARE = 0.2
    # Orders (office/orders/logistics.py): a shipped order whose platform still shows it
    # paid-not-shipped this many hours after shipping was never picked up; one shipped this
    # many hours ago and not delivered is stuck. Both are flagged once and reported.
    ORDER_PICKUP_HOURS = 24
    ORDER_STUCK_HOURS = 96
    # Order imports (office/orders/views/imports.py): CSV uploads up to INLINE bytes and INLINE
    # rows (lines) are imported during the request (2 MB, ~3,000 orders: well under a second,
    # far inside gunicorn.conf.py's timeout); Excel files and larger uploads run as a huey job
    # with a progress bar. MAX caps one upload (it is above MAX_CONTENT_LENGTH: a 100,000-order
    # export is ~60 MB).
    ORDER_IMPORT_INLINE_BYTES = 2 * 1024 * 1024
    ORDER_IMPORT_INLINE_ROWS = 10_000
    ORDER_IMPORT_MAX_BYTES = 100 * 1024 * 1024
    # What one file may hold (office/orders/formats/tables.py): records per file, CSV or Excel
    # (a 100,000-order Taobao export's items file has 200,000); what an .xlsx may unpack to, and
    # how many times its packed size (real exports: ~15; a zip bomb: hundreds).
    ORDER_IMPORT_MAX_ROWS = 300_000
    ORDER_IMPORT_XLSX_MAX_UNPACKED_BYTES = 200 * 1000 * 1000
    ORDER_IMPORT_XLSX_MAX_RATIO = 100
    # A running import whose job has shown no sign of life (office/orders/imports.py's heartbeat)
    # for this many seconds is taken as gone: retried once, then failed (tasks/orders.py).
    ORDER_IMPORT_STALE_SECONDS = 120
    # POST /api/orders takes at most this many orders per request (413 beyond).
    ORDER_API_MAX_ORDERS = 1000

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set OFFICE_SESSION_COOKIE_SECURE=true behind HTTPS
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    MAX_CONTENT_LENGTH = 20 * 1024 * 1024

    # Delivery beyond the app (office/inbox/channels.py, tasks/notify.py).
    # The site's public address, for links in e-mails and robot messages.
    SITE_URL = "http://127.0.0.1:5000"
    # E-mail: an empty SMTP_HOST turns e-mail off (such deliveries fail with a clear error).
    SMTP_HOST = ""
    SMTP_PORT = 25
    SMTP_USERNAME = ""  # empty: no AUTH
    SMTP_PASSWORD = ""
    SMTP_SENDER = "shopoffice@localhost"
    SMTP_STARTTLS = False  # STARTTLS on a plain port (587)
    SMTP_SSL = False  # implicit TLS (port 465, as most Chinese mail providers offer)
    SMTP_TIMEOUT = 10
    # Robot webhooks may only point at these hosts, so the server cannot be made to
    # POST into the office network; an empty list allows any http(s) host.
    WEBHOOK_HOSTS = ["oapi.dingtalk.com", "open.feishu.cn", "open.larksuite.com", "qyapi.weixin.qq.com"]
    # A failed delivery is retried this many times, first after DELIVERY_RETRY_DELAY
    # seconds, then twice as long each time (30 s, 1, 2, 4, 8 min).
    DELIVERY_RETRIES = 5
    DELIVERY_RETRY_DELAY = 30


def finalize(config, instance: Path) -> None:
    """Fill the settings whose defaults live in the instance folder."""
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{instance / 'office.db'}"
    if not config.get("HUEY_PATH"):
        config["HUEY_PATH"] = str(instance / "huey.db")
    if not config.get("UPLOAD_PATH"):
        config["UPLOAD_PATH"] = str(instance / "uploads")
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = load_or_create_secret(instance / "secret_key")


def load_or_create_secret(path: Path) -> str:
    """Read the key kept in ``path``, creating it once (0600) when missing.

    O_EXCL makes the first of several starting workers the only writer; the
    others read what it wrote.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _read_secret(path: Path) -> str:
    # Another worker may have created the file a moment ago and not yet written it.
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty; delete it to generate a new key")
