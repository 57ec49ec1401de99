"""End-to-end fixtures: the app served by scripts/serve (gunicorn + huey consumer,
as `make run` does) over its own database, and Debian's chromium for Playwright.

The server runs in a subprocess rather than a thread: the database proxy is
global to a process, and the web tests re-point it for every test.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import PG_URL, create_pg_database

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / ("postgres" if PG_URL else "sqlite")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("OFFICE_CHROMIUM", "/usr/bin/chromium"),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("live-instance")
    port = _free_port()
    env = {**os.environ, "OFFICE_INSTANCE_PATH": str(instance), "OFFICE_BIND": f"127.0.0.1:{port}",
           "OFFICE_WORKERS": "2",
           # Order uploads over 256 KB go to the huey job with its progress bar (tests/e2e/test_orders.py).
           "OFFICE_ORDER_IMPORT_INLINE_BYTES": "262144"}
    if PG_URL:
        env["OFFICE_DATABASE_URL"] = create_pg_database(PG_URL, f"office_e2e_{uuid.uuid4().hex[:8]}")
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "app"]
    subprocess.run([*flask, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    log = (instance / "server.log").open("w")
    server = subprocess.Popen([str(ROOT / "scripts/serve")], env=env, cwd=ROOT, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError as error:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start:\n" + (instance / "server.log").read_text()) from error
            time.sleep(0.1)
    yield base
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=15)
    log.close()


@pytest.fixture(scope="session")
def base_url(live_server):
    # Replaces pytest-base-url's fixture; pytest-playwright passes it to every context.
    return live_server


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # An English browser still gets Chinese: the app does not follow Accept-Language.
    return {**browser_context_args, "locale": "en-US"}


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
