"""Real local servers for delivery tests: an SMTP server and an HTTP robot receiver.

Both listen on 127.0.0.1 on a free port in a daemon thread and record what
they receive. Python's smtpd is deprecated (warnings are errors here) and
aiosmtpd is not installed, so the SMTP side is a small socketserver.
Import the fixtures into a test module: ``from tests.fakes import smtp_server  # noqa: F401``.
"""
from __future__ import annotations

import email
import email.policy
import json
import socket
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


def free_port() -> int:
    """A port nothing listens on (bound, read, closed): connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self):
        self.reply("220 fake.local ESMTP")
        sender, recipients = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-fake.local")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 fake.local")
            elif verb == "MAIL":
                sender, recipients = command[10:].split(" ", 1)[0].strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command[8:].split(" ", 1)[0].strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = bytearray()
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk  # undo dot-stuffing
                self.server.record(sender, recipients, bytes(data))
                self.reply("250 OK queued")
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class FakeSMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.port = self.server_address[1]
        self.messages: list[dict] = []
        self._lock = threading.Lock()

    def record(self, sender: str, recipients: list[str], data: bytes) -> None:
        message = email.message_from_bytes(data, policy=email.policy.default)
        with self._lock:
            self.messages.append({"from": sender, "to": list(recipients), "data": data, "message": message})


class _RobotHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.record(self.path, dict(self.headers), body)
        status, answer = self.server.status, self.server.answer
        payload = answer if isinstance(answer, bytes) else json.dumps(answer).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # keep test output quiet
        pass


class FakeRobot(ThreadingHTTPServer):
    """Records POSTs; answers ``status`` with ``answer`` (a dict as JSON, or raw bytes)."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _RobotHandler)
        self.port = self.server_address[1]
        self.requests: list[dict] = []
        self.status = 200
        self.answer: dict | bytes = {"errcode": 0, "errmsg": "ok"}
        self._lock = threading.Lock()

    def url(self, path: str = "/robot/send?access_token=test") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def respond(self, status: int = 200, answer: dict | bytes | None = None) -> None:
        self.status = status
        self.answer = answer if answer is not None else {}

    def record(self, path: str, headers: dict, body: bytes) -> None:
        with self._lock:
            self.requests.append({"path": path, "headers": headers, "body": body, "json": json.loads(body)})


def _running(server):
    """Serve ``server`` in a thread for one test, then shut it down."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def smtp_server():
    yield from _running(FakeSMTPServer())


@pytest.fixture
def robot():
    yield from _running(FakeRobot())


@pytest.fixture
def delivery_app(app, smtp_server, robot):
    """The app wired to the fake servers: retries without delay, robots on 127.0.0.1 allowed.

    huey's in-memory queue (immediate mode) is emptied around each test, since
    scheduled tasks and locks would otherwise outlive it.
    """
    from tasks.queue import huey

    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_SENDER="office@example.com",
                      WEBHOOK_HOSTS=[], DELIVERY_RETRIES=2, DELIVERY_RETRY_DELAY=0,
                      SITE_URL="https://office.example.com")
    huey.flush()
    yield app
    huey.flush()
