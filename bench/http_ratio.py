"""Login page and people list vs a bare Flask "hello", all served by gunicorn the same way
(gevent workers), loaded with wrk in one run. Prints requests/s, p99 and the ratios.

Usage: .venv/bin/python bench/http_ratio.py [--seconds 5] [--connections 20] [--workers 2]
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv/bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app_spec: str, env: dict, workers: int, chdir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [str(VENV / "gunicorn"), app_spec, "-c", str(ROOT / "gunicorn.conf.py"), "-k", "gevent",
         "-w", str(workers), "-b", f"127.0.0.1:{port}", "--no-control-socket", "--chdir", str(chdir)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            return process, base
        except urllib.error.HTTPError:
            return process, base
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{app_spec} did not start")


def session_cookie(base: str, username: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
    opener.open(base + "/login", data=data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def wrk(url: str, seconds: int, connections: int, cookie: str = "") -> tuple[float, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99_ms = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses")
    return rps, p99_ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="office-bench-"))
    env = {**os.environ, "OFFICE_INSTANCE_PATH": str(instance)}
    env.pop("OFFICE_DATABASE_URL", None)
    flask = [str(VENV / "flask"), "--app", "app"]
    subprocess.run([*flask, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)

    processes = []
    try:
        office, office_base = serve("app:create_app()", env, args.workers, ROOT)
        processes.append(office)
        hello, hello_base = serve("hello:create_app()", env, args.workers, ROOT / "bench")
        processes.append(hello)
        cookie = session_cookie(office_base, "admin", "demo1234")
        results = {
            "hello": wrk(hello_base + "/", args.seconds, args.connections),
            "login": wrk(office_base + "/login", args.seconds, args.connections),
            "people": wrk(office_base + "/people/", args.seconds, args.connections, cookie),
        }
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)
        shutil.rmtree(instance, ignore_errors=True)

    print(f"# {args.workers} gevent workers each, wrk -t2 -c{args.connections} -d{args.seconds}s, "
          f"{os.cpu_count()} cores; people list = 22 demo staff, signed in as admin")
    for name, (rps, p99) in results.items():
        print(f"{name}_rps: {rps:.0f}")
        print(f"{name}_p99_ms: {p99:.1f}")
    hello_rps = results["hello"][0]
    print(f"login_vs_hello_rps_ratio: {results['login'][0] / hello_rps:.2f}")
    print(f"people_vs_hello_rps_ratio: {results['people'][0] / hello_rps:.2f}")


if __name__ == "__main__":
    sys.exit(main())
