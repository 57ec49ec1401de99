"""Helpers shared by feed_ratio.py and live_ratio.py: a fresh instance folder with the demo
company, gunicorn serving (http_ratio.py's), signing in, and wrk with extra headers.

Not a benchmark itself (scripts/bench runs only bench/*_ratio.py).
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path
from typing import NamedTuple

from http_ratio import ROOT, VENV, serve  # noqa: F401  (re-exported)

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')


def new_instance(extra_env: dict | None = None) -> tuple[Path, dict]:
    """A temp instance folder, migrated and seeded with the demo company; its environment."""
    instance = Path(tempfile.mkdtemp(prefix="office-bench-"))
    env = {**os.environ, "OFFICE_INSTANCE_PATH": str(instance), **(extra_env or {})}
    env.pop("OFFICE_DATABASE_URL", None)
    flask = [str(VENV / "flask"), "--app", "app"]
    subprocess.run([*flask, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    return instance, env


def stop(processes, instance: Path | None = None) -> None:
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    if instance is not None:
        shutil.rmtree(instance, ignore_errors=True)


def sign_in(base: str, username: str, password: str = "demo1234") -> tuple[str, str, str]:
    """Log in through /login as a browser does: the Cookie header value, the CSRF token of the
    home page it lands on, and that page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = CSRF_FIELD.search(page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
    home = opener.open(base + "/login", data=data).read().decode()
    match = CSRF_HEADER.search(home)
    if match is None:
        raise RuntimeError(f"could not sign in as {username}")
    return "; ".join(f"{c.name}={c.value}" for c in jar), match.group(1), home


class Load(NamedTuple):
    rps: float
    p99_ms: float
    requests: int
    timeouts: int  # requests wrk gave up on after --timeout (they count in neither figure)


def wrk(url: str, seconds: int, connections: int, cookie: str = "", headers: dict | None = None,
        threads: int = 2) -> Load:
    """Requests/s and p99 (ms) of ``url`` under wrk; any non-2xx/3xx answer is an error."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99_ms = float(latency.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[latency.group(2)] if latency else float("nan")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    return Load(rps, p99_ms, requests, int(timeouts.group(1)) if timeouts else 0)


def alone(url: str, cookie: str, runs: int = 6) -> tuple[float, str]:
    """One request at a time (the page's own cost, without queueing): the median ms of all
    but the first (warm-up) run, and the page."""
    import statistics
    import time

    request = urllib.request.Request(url, headers={"Cookie": cookie})
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        page = urllib.request.urlopen(request).read().decode()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[1:]), page
