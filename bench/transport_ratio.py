"""Server-sent events (the app's live transport) against polling, measured in one run on
one server: the app plus bench/poll_probe.py's polling endpoint, which renders the same
fragments from the same database. For each transport in turn, --viewers signed-in pages
stay open (one EventSource each, or a poll every POLL_MS as htmx `every 1000ms` would)
while a writer publishes --posts posts, then sit idle for --idle seconds. Printed per
transport: the delay from post to page (p50, p95, max, missed pairs) and the server's CPU
while the pages are open and nothing happens.

Usage: .venv/bin/python bench/transport_ratio.py [--viewers 50] [--posts 20] [--idle 10]
"""
from __future__ import annotations

import argparse
import html
import os
import random
import sys
import threading
import time

from common import ROOT, new_instance, serve, sign_in, stop
from live_ratio import CARD, STREAM_URL, VIEWER_USERS, Client, delays, open_streams, percentile, publish, server_cpu

POLL_MS = 1000


class Poller(threading.Thread):
    """An open page polling /poll-probe/ every POLL_MS, timed as htmx times `every`."""

    def __init__(self, base: str, cookie: str, query: str, stop_event: threading.Event):
        super().__init__(daemon=True)
        self.client = Client(base, cookie)
        self.query = query
        self.stop_event = stop_event
        self.seen: dict[int, float] = {}

    def run(self) -> None:
        period = POLL_MS / 1000
        due = time.monotonic() + random.random() * period  # pages opened at different moments
        while not self.stop_event.wait(max(0, due - time.monotonic())):
            try:
                status, headers, body = self.client.request("GET", "/poll-probe/?" + self.query,
                                                            headers={"HX-Request": "true"})
            except OSError:
                due += period
                continue
            answered = time.monotonic()
            if status == 200:
                for post_id in CARD.findall(body):
                    self.seen.setdefault(int(post_id), answered)
                after, _, top = dict(headers)["X-Live-Cursor"].partition(".")
                self.query = _with(self.query, after=after, top=top)
            due += period
            while due < answered:
                due += period


def _with(query: str, **values) -> str:
    from urllib.parse import parse_qsl, urlencode

    args = dict(parse_qsl(query))
    args.update({k: v for k, v in values.items() if v and v != "0"})
    return urlencode(args)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--idle", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    instance, env = new_instance()
    env["PYTHONPATH"] = str(ROOT)
    processes, results = [], {}
    try:
        server, base = serve("poll_probe:create_app()", env, args.workers, ROOT / "bench")
        processes.append(server)
        writer_cookie, writer_token, _page = sign_in(base, "wanglei")
        writer = Client(base, writer_cookie)
        for transport in ("sse", "polling"):
            # Each phase opens its pages afresh, as a reload would: cursors start at the newest event.
            sessions = []
            for i in range(args.viewers):
                cookie, _token, page = sign_in(base, VIEWER_USERS[i % len(VIEWER_USERS)])
                sessions.append((cookie, html.unescape(STREAM_URL.search(page).group(1))))
            stop_event = threading.Event()
            if transport == "sse":
                pages = open_streams(base, sessions, stop_event)
            else:
                pages = [Poller(base, cookie, url.split("?", 1)[1], stop_event) for cookie, url in sessions]
                for page in pages:
                    page.start()
            time.sleep(2)
            done, _writer_ms = publish(writer, writer_token, args.posts, transport, random.Random(11))
            found, missed = delays(pages, done)
            time.sleep(1)
            start_cpu, start = server_cpu(server.pid), time.monotonic()
            time.sleep(args.idle)
            idle_cpu = (server_cpu(server.pid) - start_cpu) / (time.monotonic() - start) * 100
            stop_event.set()
            for page in pages:
                page.join(2)
            results[transport] = (found, missed, idle_cpu)
    finally:
        stop(processes, instance)

    print(f"# {args.workers} gevent workers, {os.cpu_count()} cores; {args.viewers} open pages "
          f"({len(VIEWER_USERS)} demo staff), {args.posts} posts per phase; polling every {POLL_MS} ms "
          f"(bench/poll_probe.py); SSE = the app's /live/ stream")
    for transport, (found, missed, idle_cpu) in results.items():
        print(f"{transport}_delay_p50_ms: {percentile(found, 0.5):.0f}")
        print(f"{transport}_delay_p95_ms: {percentile(found, 0.95):.0f}")
        print(f"{transport}_delay_max_ms: {max(found) if found else float('nan'):.0f}")
        print(f"{transport}_missed_pairs: {missed}")
        print(f"{transport}_idle_server_cpu_percent: {idle_cpu:.1f}")
    sse, polling = results["sse"], results["polling"]
    print(f"sse_vs_polling_delay_p50_ratio: {percentile(sse[0], 0.5) / percentile(polling[0], 0.5):.2f}")
    print(f"sse_vs_polling_idle_cpu_ratio: {sse[2] / polling[2]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
