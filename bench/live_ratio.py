"""Live updates by polling: how long a new post takes to reach open pages, and what open
pages cost everyone else. Measured on ShopOffice served by gunicorn (gevent workers) with
OFFICE_LIVE_POLL_MS=1000, next to a bare Flask "hello" served the same way.

1. Delay: --viewers signed-in sessions each poll GET /live/?after=<cursor>&view=feed the way
   htmx 2 does it for templates/live/_poller.html (HX-Request header; `every 1000ms` re-arms on
   each tick, a 200 swaps in a new poller whose clock starts at the swap; hx-sync drop). A
   writer publishes --posts posts through POST /feed/posts, one every 0.5-1.5 s; each viewer
   notes when a poll answer first carries that post's card (id="post-<id>").
   delay = seen - writer's request completed, over every (post, viewer) pair.
2. Cost of viewers: wrk on GET /people/ (signed in) with the viewers polling and paused, in
   alternating rounds.
3. The 204 answer alone under wrk, next to hello.

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
import sys
import threading
import time
import urllib.parse

from common import ROOT, new_instance, serve, sign_in, stop, wrk

POLL_MS = 1000
POLLER_URL = re.compile(r'id="live"[^>]*\shx-get="([^"]+)"')
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


class Viewer(threading.Thread):
    """An open home page: its poller, timed as htmx times it. Polls while ``active`` is set
    (the page is open), so the same sessions can be switched off and on between load rounds."""

    def __init__(self, base: str, cookie: str, start_url: str, period: float, active: threading.Event,
                 stop_event: threading.Event):
        super().__init__(daemon=True)
        self.client = Client(base, cookie)
        self.url = start_url
        self.period = period
        self.active = active
        self.stop_event = stop_event
        self.seen: dict[int, float] = {}
        self.polls: list[tuple[float, float, int]] = []  # (sent, answered, status)
        self.lateness: list[float] = []  # how late this process sent a poll: the client's own lag
        self.errors = 0

    def run(self) -> None:
        headers = {"HX-Request": "true", "HX-Trigger": "live", "HX-Target": "live", "HX-Current-URL": "/"}
        due = None
        while not self.stop_event.is_set():
            if not self.active.is_set():
                self.active.wait(0.1)
                due = None
                continue
            if due is None:
                due = time.monotonic() + random.random() * self.period  # pages opened at different moments
            pause = due - time.monotonic()
            if pause > 0 and self.stop_event.wait(pause):
                break
            sent = time.monotonic()
            self.lateness.append(sent - due)
            try:
                status, _headers, body = self.client.request("GET", self.url, headers=headers)
            except OSError:
                self.errors += 1
                due = time.monotonic() + self.period
                continue
            answered = time.monotonic()
            self.polls.append((sent, answered, status))
            if status == 200:
                for post_id in CARD.findall(body):
                    self.seen.setdefault(int(post_id), answered)
                self.url = html.unescape(POLLER_URL.search(body).group(1))
                due = answered + self.period  # the swapped-in poller starts its own clock
            elif status == 204:
                due += self.period
                while due < answered:  # ticks during a slow answer are dropped (hx-sync="this:drop")
                    due += self.period
            else:
                self.errors += 1
                due = answered + self.period


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # this process only: the viewers and the writer
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def polls_between(viewers, start: float, end: float) -> int:
    return sum(1 for v in viewers for sent, answered, _s in v.polls if start <= answered < end)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--posts", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=6, help="each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="idle / with-viewers pairs for /people/")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    period = POLL_MS / 1000

    instance, env = new_instance({"OFFICE_LIVE_POLL_MS": str(POLL_MS)})
    processes = []
    active, stop_event = threading.Event(), threading.Event()
    viewers: list[Viewer] = []
    try:
        office, base = serve("app:create_app()", env, args.workers, ROOT)
        processes.append(office)
        hello, hello_base = serve("hello:create_app()", env, args.workers, ROOT / "bench")
        processes.append(hello)

        # Sign in: each demo user a few times, as people with the page open on two devices.
        for i in range(args.viewers):
            cookie, _token, page = sign_in(base, VIEWER_USERS[i % len(VIEWER_USERS)])
            start_url = html.unescape(POLLER_URL.search(page).group(1))
            viewers.append(Viewer(base, cookie, start_url, period, active, stop_event))
        admin_cookie, _token, _page = sign_in(base, "admin")
        writer_cookie, writer_token, _page = sign_in(base, "wanglei")
        writer = Client(base, writer_cookie)

        active.set()
        for viewer in viewers:
            viewer.start()
        time.sleep(2 * period)  # every poller has ticked at least once

        # 1. The delay: a writer posts; the viewers' polls bring the card.
        done: dict[int, float] = {}
        rng = random.Random(7)
        writer_ms = []
        phase1_start, cpu_start = time.monotonic(), cpu_seconds()
        for n in range(args.posts):
            body = urllib.parse.urlencode({"body": f"live bench post {n}: 今天的直播排期已更新", "scope": "everyone",
                                           "csrf_token": writer_token}).encode()
            sent = time.monotonic()
            status, headers, _html = writer.request("POST", "/feed/posts", body=body, headers={
                "HX-Request": "true", "X-CSRFToken": writer_token,
                "Content-Type": "application/x-www-form-urlencoded"})
            completed = time.monotonic()
            if status != 200:
                raise RuntimeError(f"POST /feed/posts answered {status}")
            post_id = json.loads(dict(headers)["HX-Trigger"])["post-added"]["id"]
            done[post_id] = completed
            writer_ms.append((completed - sent) * 1000)
            time.sleep(rng.uniform(0.5, 1.5))
        time.sleep(3 * period)  # the last post has had its chance everywhere
        phase1_end, cpu_end = time.monotonic(), cpu_seconds()
        client_cpu = (cpu_end - cpu_start) / (phase1_end - phase1_start) * 100

        delays, missed = [], 0
        for viewer in viewers:
            for post_id, completed in done.items():
                if post_id in viewer.seen:
                    delays.append((viewer.seen[post_id] - completed) * 1000)
                else:
                    missed += 1
        poll_latency = [(a - s) * 1000 for v in viewers for s, a, _st in v.polls if phase1_start <= a < phase1_end]
        polls_phase1 = polls_between(viewers, phase1_start, phase1_end) / (phase1_end - phase1_start)

        # 2. What the open pages cost others: /people/ with and without the viewers polling, in
        # alternating rounds (with, without, without, with, ...) so drifting load from other
        # processes on the machine falls on both sides.
        idle, busy, busy_polls, busy_latency = [], [], [], []
        for r in range(args.rounds):
            for with_viewers in ((True, False) if r % 2 == 0 else (False, True)):
                if with_viewers != active.is_set():
                    (active.set if with_viewers else active.clear)()
                    time.sleep(1.5 * period)  # every page has started (or stopped) polling
                start = time.monotonic()
                load = wrk(base + "/people/", args.seconds, args.connections, admin_cookie)
                end = time.monotonic()
                if with_viewers:
                    busy.append(load)
                    busy_polls.append(polls_between(viewers, start, end) / (end - start))
                    busy_latency += [(a - s) * 1000 for v in viewers for s, a, _st in v.polls if start <= a < end]
                else:
                    idle.append(load)
        stop_event.set()
        for viewer in viewers:
            viewer.join(35)
        lateness = [x * 1000 for v in viewers for x in v.lateness]
        errors = sum(v.errors for v in viewers)
        statuses: dict[int, int] = {}
        for v in viewers:
            for _s, _a, status in v.polls:
                statuses[status] = statuses.get(status, 0) + 1
        people_idle = statistics.mean(x.rps for x in idle)
        people_busy = statistics.mean(x.rps for x in busy)

        # 3. The empty answer alone, next to hello.
        _status, _h, answer = Client(base, admin_cookie).request("GET", "/live/?after=0&view=feed",
                                                                 headers={"HX-Request": "true"})
        latest = int(re.search(r"after=(\d+)", html.unescape(POLLER_URL.search(answer).group(1))).group(1))
        poll_204 = wrk(f"{base}/live/?after={latest}&view=feed", args.seconds, args.connections, admin_cookie,
                       headers={"HX-Request": "true"})
        hello_load = wrk(hello_base + "/", args.seconds, args.connections)
    finally:
        stop_event.set()
        stop(processes, instance)

    print(f"# {args.workers} gevent workers, {os.cpu_count()} cores, LIVE_POLL_MS={POLL_MS}; {args.viewers} viewers "
          f"({len(VIEWER_USERS)} demo staff signed in several times), {args.posts} posts by wanglei "
          f"every 0.5-1.5 s; wrk -t2 -c{args.connections} -d{args.seconds}s")
    print(f"# writer POST /feed/posts p50 {statistics.median(writer_ms):.0f} ms; polls answered "
          f"{dict(sorted(statuses.items()))}, poll errors {errors}; poll latency while posting "
          f"p50 {percentile(poll_latency, 0.5):.1f} / p99 {percentile(poll_latency, 0.99):.1f} ms, under wrk "
          f"p50 {percentile(busy_latency, 0.5):.1f} / p99 {percentile(busy_latency, 0.99):.1f} ms; "
          f"client: lag p99 {percentile(lateness, 0.99):.1f} ms, CPU {client_cpu:.0f}% of one core while posting")
    print("# /people/ rps by round, idle: " + " ".join(f"{x.rps:.0f}" for x in idle)
          + f"; with {args.viewers} viewers: " + " ".join(f"{x.rps:.0f}" for x in busy))
    print(f"live_pairs: {len(delays) + missed}")
    print(f"live_missed_pairs: {missed}")
    print(f"live_delay_min_ms: {min(delays):.0f}")
    print(f"live_delay_p50_ms: {percentile(delays, 0.5):.0f}")
    print(f"live_delay_p95_ms: {percentile(delays, 0.95):.0f}")
    print(f"live_delay_max_ms: {max(delays):.0f}")
    print(f"polls_per_second_while_posting: {polls_phase1:.1f}")
    print(f"polls_per_second_under_wrk: {statistics.mean(busy_polls):.1f}")
    print(f"people_rps_idle: {people_idle:.0f}")
    print(f"people_rps_with_{args.viewers}_viewers: {people_busy:.0f}")
    print(f"people_p99_ms_idle: {max(x.p99_ms for x in idle):.1f}")
    print(f"people_p99_ms_with_{args.viewers}_viewers: {max(x.p99_ms for x in busy):.1f}")
    print(f"viewer_cost_ratio: {people_busy / people_idle:.2f}")
    print(f"poll_204_rps: {poll_204.rps:.0f}")
    print(f"poll_204_p99_ms: {poll_204.p99_ms:.1f}")
    print(f"hello_rps: {hello_load.rps:.0f}")
    print(f"hello_p99_ms: {hello_load.p99_ms:.1f}")
    print(f"poll_204_vs_hello_rps_ratio: {poll_204.rps / hello_load.rps:.2f}")
    # What the pages would take at their nominal rate, from the 204's own cost: a share of the workers.
    print(f"viewers_share_of_capacity_estimate: {args.viewers / period / poll_204.rps:.2f}")


if __name__ == "__main__":
    sys.exit(main())
