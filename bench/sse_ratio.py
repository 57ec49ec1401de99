"""Polling vs server-sent events for live updates, measured in one run on the same server.

The app is served once by gunicorn (gevent workers) with the SSE prototype of
bench/sse_probe.py added, so both transports render the same fragments from the same
database. For each transport in turn, --viewers signed-in pages stay open (pollers every
LIVE_POLL_MS as htmx does, or one SSE stream each) while a writer publishes --posts posts;
then the pages stay open and idle for --idle seconds. Printed per transport: the delay from
post to page (p50, p95, max, missed pairs) and the server's CPU while the pages sit idle
(user + system time of the gunicorn processes, % of one core), which is what open pages
cost when nothing happens.

Usage: .venv/bin/python bench/sse_ratio.py [--viewers 50] [--posts 20] [--idle 10]
"""
from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse

from common import ROOT, new_instance, serve, sign_in, stop
from live_ratio import CARD, POLL_MS, POLLER_URL, VIEWER_USERS, Client, Viewer, percentile

TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu(master_pid: int) -> float:
    """CPU seconds used so far by gunicorn's master and workers."""
    pids = [master_pid] + [int(p) for p in subprocess.run(
        ["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()]
    total = 0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


class Stream(threading.Thread):
    """An open page on SSE: one long request, events read as they come."""

    def __init__(self, base: str, cookie: str, url: str, stop_event: threading.Event):
        super().__init__(daemon=True)
        parts = urllib.parse.urlsplit(base)
        self.host, self.port, self.cookie, self.url = parts.hostname, parts.port, cookie, url
        self.stop_event = stop_event
        self.seen: dict[int, float] = {}
        self.events = 0
        self.ready = threading.Event()

    def run(self) -> None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        connection.request("GET", self.url, headers={"Cookie": self.cookie, "Accept": "text/event-stream"})
        response = connection.getresponse()
        data = []
        while not self.stop_event.is_set():
            line = response.readline()
            if not line:
                break
            self.ready.set()
            line = line.decode().rstrip("\n")
            if line.startswith("data:"):
                data.append(line[5:].lstrip(" "))
            elif not line and data:
                now = time.monotonic()
                self.events += 1
                for post_id in CARD.findall("\n".join(data)):
                    self.seen.setdefault(int(post_id), now)
                data = []
        connection.close()


def post_many(writer: Client, token: str, n: int, label: str) -> dict[int, float]:
    done, rng = {}, random.Random(11)
    for i in range(n):
        body = urllib.parse.urlencode({"body": f"{label} {i}: 直播间排期更新", "scope": "everyone",
                                       "csrf_token": token}).encode()
        status, headers, _html = writer.request("POST", "/feed/posts", body=body, headers={
            "HX-Request": "true", "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            raise RuntimeError(f"POST /feed/posts answered {status}")
        done[json.loads(dict(headers)["HX-Trigger"])["post-added"]["id"]] = time.monotonic()
        time.sleep(rng.uniform(0.5, 1.5))
    time.sleep(3)
    return done


def delays(pages, done) -> tuple[list[float], int]:
    found, missed = [], 0
    for page in pages:
        for post_id, completed in done.items():
            if post_id in page.seen:
                found.append((page.seen[post_id] - completed) * 1000)
            else:
                missed += 1
    return found, missed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--idle", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    instance, env = new_instance({"OFFICE_LIVE_POLL_MS": str(POLL_MS)})
    env["PYTHONPATH"] = str(ROOT)
    processes, results = [], {}
    try:
        server, base = serve("sse_probe:create_app()", env, args.workers, ROOT / "bench")
        processes.append(server)
        sessions = []
        for i in range(args.viewers):
            cookie, _token, page = sign_in(base, VIEWER_USERS[i % len(VIEWER_USERS)])
            sessions.append((cookie, html.unescape(POLLER_URL.search(page).group(1))))
        writer_cookie, writer_token, _page = sign_in(base, "wanglei")
        writer = Client(base, writer_cookie)

        for transport in ("polling", "sse"):
            stop_event, active = threading.Event(), threading.Event()
            if transport == "polling":
                pages = [Viewer(base, cookie, url, POLL_MS / 1000, active, stop_event) for cookie, url in sessions]
                active.set()
            else:
                latest = re.search(r"after=(\d+)", sessions[0][1])
                pages = []
                for cookie, url in sessions:
                    # Start where a freshly loaded page would: after the newest event.
                    status, _h, body = Client(base, cookie).request("GET", "/", headers={})
                    poller = html.unescape(POLLER_URL.search(body).group(1))
                    pages.append(Stream(base, cookie, poller.replace("/live/", "/sse-probe/", 1), stop_event))
                assert latest
            for page in pages:
                page.start()
            if transport == "sse":
                for page in pages:
                    page.ready.wait(10)
            time.sleep(2)
            done = post_many(writer, writer_token, args.posts, transport)
            found, missed = delays(pages, done)
            time.sleep(2)
            start_cpu, start = server_cpu(server.pid), time.monotonic()
            time.sleep(args.idle)
            idle_cpu = (server_cpu(server.pid) - start_cpu) / (time.monotonic() - start) * 100
            stop_event.set()
            for page in pages:
                page.join(2)
            results[transport] = (found, missed, idle_cpu)
            time.sleep(1)
    finally:
        stop(processes, instance)

    print(f"# {args.workers} gevent workers, {os.cpu_count()} cores; {args.viewers} open pages "
          f"({len(VIEWER_USERS)} demo staff); {args.posts} posts each phase; polling every {POLL_MS} ms; "
          f"SSE watcher tick {0.1 * 1000:.0f} ms (bench/sse_probe.py)")
    for transport, (found, missed, idle_cpu) in results.items():
        print(f"{transport}_delay_p50_ms: {percentile(found, 0.5):.0f}")
        print(f"{transport}_delay_p95_ms: {percentile(found, 0.95):.0f}")
        print(f"{transport}_delay_max_ms: {max(found) if found else float('nan'):.0f}")
        print(f"{transport}_missed_pairs: {missed}")
        print(f"{transport}_idle_server_cpu_percent: {idle_cpu:.1f}")


if __name__ == "__main__":
    sys.exit(main())
