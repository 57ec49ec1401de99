"""Live updates: how long a new post takes to reach open pages, and what open pages cost.
Measured on ShopOffice served by gunicorn (gevent workers), next to a bare Flask "hello".

1. Delay: --viewers signed-in pages each hold the EventSource their home page opens
   (GET /live/?after=<cursor>&view=feed, as templates/live/_stream.html asks). A writer
   publishes --posts posts through POST /feed/posts, one every 0.5-1.5 s; each page notes
   when a `live` event first carries that post's card (id="post-<id>").
   delay = seen - writer's request completed, over every (post, page) pair.
2. Idle cost: the server's CPU while the pages stay open and nothing happens.
3. Cost to others: wrk on GET /people/ (signed in) with the pages open and closed, in
   alternating rounds.
bench/transport_ratio.py compares this with polling.

Usage: .venv/bin/python bench/live_ratio.py [--viewers 50] [--posts 40] [--seconds 6] [--rounds 3]
"""
from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

from common import ROOT, new_instance, serve, sign_in, stop, wrk

STREAM_URL = re.compile(r'id="live"[^>]*\ssse-connect="([^"]+)"')
TICKS = os.sysconf("SC_CLK_TCK")
CARD = re.compile(r'id="post-(\d+)"')
# Demo staff who are neither admin nor director, so the visibility rule runs in full.
VIEWER_USERS = ("zhaopeng", "sunyue", "gaofei", "huangting", "wuhao", "hejing", "machao", "xunuo",
                "hanxue", "caoyong", "pengjun", "xiaoran", "lina", "liuyang", "zhengli", "fenggang")


class Client:
    """One keep-alive HTTP/1.1 connection, reopened when the server closed it."""

    def __init__(self, base: str, cookie: str):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookie = cookie
        self.connection = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {"Cookie": self.cookie, **(headers or {})}
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                return response.status, response.getheaders(), response.read().decode()
            except (http.client.HTTPException, ConnectionError, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise


class Stream(threading.Thread):
    """An open page: its EventSource on /live/, read as the browser reads it. Each `live`
    event's data are noted with the time they arrived."""

    def __init__(self, base: str, cookie: str, url: str, stop_event: threading.Event):
        super().__init__(daemon=True)
        parts = urllib.parse.urlsplit(base)
        self.host, self.port, self.cookie, self.url = parts.hostname, parts.port, cookie, url
        self.stop_event = stop_event
        self.seen: dict[int, float] = {}
        self.events = 0
        self.errors = 0
        self.ready = threading.Event()

    def run(self) -> None:
        try:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            connection.request("GET", self.url, headers={"Cookie": self.cookie, "Accept": "text/event-stream"})
            response = connection.getresponse()
            if response.status != 200:
                raise OSError(f"stream answered {response.status}")
        except OSError:
            self.errors += 1
            self.ready.set()
            return
        data = []
        while not self.stop_event.is_set():
            try:
                line = response.readline()
            except OSError:
                break
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


def open_streams(base: str, sessions, stop_event: threading.Event) -> list[Stream]:
    streams = [Stream(base, cookie, url, stop_event) for cookie, url in sessions]
    for stream in streams:
        stream.start()
    for stream in streams:
        stream.ready.wait(10)
    return streams


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # this process only: the viewers and the writer
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


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


def publish(writer: Client, token: str, n: int, label: str, rng: random.Random):
    """Post ``n`` times through the real form; returns {post id: completed} and the request times."""
    done, writer_ms = {}, []
    for i in range(n):
        body = urllib.parse.urlencode({"body": f"{label} {i}: 今天的直播排期已更新", "scope": "everyone",
                                       "csrf_token": token}).encode()
        sent = time.monotonic()
        status, headers, _html = writer.request("POST", "/feed/posts", body=body, headers={
            "HX-Request": "true", "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded"})
        completed = time.monotonic()
        if status != 200:
            raise RuntimeError(f"POST /feed/posts answered {status}")
        done[json.loads(dict(headers)["HX-Trigger"])["post-added"]["id"]] = completed
        writer_ms.append((completed - sent) * 1000)
        time.sleep(rng.uniform(0.5, 1.5))
    time.sleep(3)  # the last post has had its chance everywhere
    return done, writer_ms


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
    parser.add_argument("--posts", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=6, help="each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="idle / with-viewers pairs for /people/")
    parser.add_argument("--idle", type=int, default=10, help="seconds of open, idle pages for the CPU figure")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    instance, env = new_instance()
    processes = []
    stop_event = threading.Event()
    try:
        office, base = serve("app:create_app()", env, args.workers, ROOT)
        processes.append(office)
        hello, hello_base = serve("hello:create_app()", env, args.workers, ROOT / "bench")
        processes.append(hello)

        # Sign in: each demo user a few times, as people with the page open on two devices.
        sessions = []
        for i in range(args.viewers):
            cookie, _token, page = sign_in(base, VIEWER_USERS[i % len(VIEWER_USERS)])
            sessions.append((cookie, html.unescape(STREAM_URL.search(page).group(1))))
        admin_cookie, _token, _page = sign_in(base, "admin")
        writer_cookie, writer_token, _page = sign_in(base, "wanglei")
        writer = Client(base, writer_cookie)

        # 1. The delay: the pages are open; a writer posts; the streams bring the card.
        streams = open_streams(base, sessions, stop_event)
        time.sleep(1)
        phase_start, client_start = time.monotonic(), cpu_seconds()
        done, writer_ms = publish(writer, writer_token, args.posts, "live bench post", random.Random(7))
        client_cpu = (cpu_seconds() - client_start) / (time.monotonic() - phase_start) * 100
        found, missed = delays(streams, done)

        # 2. What open pages cost when nothing happens: the server's CPU with them idle.
        start_cpu, start = server_cpu(office.pid), time.monotonic()
        time.sleep(args.idle)
        idle_cpu = (server_cpu(office.pid) - start_cpu) / (time.monotonic() - start) * 100

        # 3. What they cost others: /people/ with and without the pages open, in alternating
        # rounds so drifting load from other processes on the machine falls on both sides.
        idle, busy = [], []
        open_now = True
        for r in range(args.rounds):
            for with_viewers in ((True, False) if r % 2 == 0 else (False, True)):
                if with_viewers != open_now:
                    if with_viewers:
                        stop_event = threading.Event()
                        streams = open_streams(base, sessions, stop_event)
                    else:
                        stop_event.set()
                        for stream in streams:
                            stream.join(2)
                    open_now = with_viewers
                    time.sleep(1)
                load = wrk(base + "/people/", args.seconds, args.connections, admin_cookie)
                (busy if with_viewers else idle).append(load)
        stop_event.set()
        errors = sum(s.errors for s in streams)
        hello_load = wrk(hello_base + "/", args.seconds, args.connections)
        people_idle = statistics.mean(x.rps for x in idle)
        people_busy = statistics.mean(x.rps for x in busy)
    finally:
        stop_event.set()
        stop(processes, instance)

    print(f"# {args.workers} gevent workers, {os.cpu_count()} cores; {args.viewers} open pages on server-sent "
          f"events ({len(VIEWER_USERS)} demo staff signed in several times), {args.posts} posts by wanglei "
          f"every 0.5-1.5 s; wrk -t2 -c{args.connections} -d{args.seconds}s")
    print(f"# writer POST /feed/posts p50 {statistics.median(writer_ms):.0f} ms; stream errors {errors}; "
          f"client CPU {client_cpu:.0f}% of one core while posting")
    print("# /people/ rps by round, no pages open: " + " ".join(f"{x.rps:.0f}" for x in idle)
          + f"; {args.viewers} pages open: " + " ".join(f"{x.rps:.0f}" for x in busy))
    print(f"live_pairs: {len(found) + missed}")
    print(f"live_missed_pairs: {missed}")
    print(f"live_delay_min_ms: {min(found):.0f}")
    print(f"live_delay_p50_ms: {percentile(found, 0.5):.0f}")
    print(f"live_delay_p95_ms: {percentile(found, 0.95):.0f}")
    print(f"live_delay_max_ms: {max(found):.0f}")
    print(f"idle_server_cpu_percent_with_{args.viewers}_pages: {idle_cpu:.1f}")
    print(f"people_rps_no_pages: {people_idle:.0f}")
    print(f"people_rps_with_{args.viewers}_pages: {people_busy:.0f}")
    print(f"people_p99_ms_no_pages: {max(x.p99_ms for x in idle):.1f}")
    print(f"people_p99_ms_with_{args.viewers}_pages: {max(x.p99_ms for x in busy):.1f}")
    print(f"viewer_cost_ratio: {people_busy / people_idle:.2f}")
    print(f"hello_rps: {hello_load.rps:.0f}")


if __name__ == "__main__":
    sys.exit(main())
