#!/usr/bin/env python3
"""Notifications seen from outside: two `slipway serve` processes on one database, a real
SMTP server (aiosmtpd) and three real webhook receivers, a job driven through its life by
a client, a manager and the client again.

- Each event reaches its organisation's receiver exactly once (by `webhook-id`), however
  the two dispatchers share the work, with a signature checked by the `standardwebhooks`
  package (an implementation independent of Slipway's).
- The other organisation's receiver gets nothing; the yard's gets what managers hear.
- The receiver taken down for a while gets what happened meanwhile once it is back, and
  the deliveries log shows the failed attempts before the success.
- The client is mailed (plain text and HTML, a link into the app); the other
  organisation's client is not.

Run by `bash .ci/notify` (which installs the two packages into a virtualenv).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from standardwebhooks.webhooks import Webhook

from serving import call, free_port, wait_ready

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "debug" / "slipway"
BASE = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB = f"slipway_notify_{os.getpid()}"
DB_URL = BASE.rsplit("/", 1)[0] + "/" + DB
ADMIN_URL = BASE.rsplit("/", 1)[0] + "/postgres"
PASSWORD = "a-long-password-for-the-notify-check"
SECRET = "notify-check-" + uuid.uuid4().hex


def ok(expected, answer):
    status, body = answer
    assert status == expected, (status, body)
    return body


def wait_until(what, check, secs=40):
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Receiver:
    """An HTTP server keeping every POST; can be taken down and brought back."""

    def __init__(self):
        self.port = free_port()
        self.hooks = []
        self.lock = threading.Lock()
        self.server = None
        self.up()

    def up(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    receiver.hooks.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self):
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hook"

    def events(self):
        with self.lock:
            return [(h, json.loads(b), b) for h, b in self.hooks]


class Mailbox:
    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 kept"


def main():
    work = Path(tempfile.mkdtemp())
    procs = []
    receivers = []
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        env = {**os.environ, "DATABASE_URL": DB_URL}
        subprocess.run([str(BIN), "create-manager", "--email", "notify@yard.example", "--name", "Notify check"],
                       input=PASSWORD + "\n", text=True, env=env, check=True, capture_output=True)
        ports = [free_port(), free_port()]
        for port in ports:
            log = open(work / f"server-{port}.log", "w")
            procs.append(subprocess.Popen([str(BIN), "serve"], stdout=log, stderr=log, env={
                **env, "SLIPWAY_BIND": f"127.0.0.1:{port}", "SLIPWAY_JWT_SECRET": SECRET,
                "SLIPWAY_STORAGE_URL": f"file://{work}/files", "SLIPWAY_WEBHOOK_ALLOW_PRIVATE": "true",
                "SLIPWAY_WEBHOOK_RETRY_BASE_SECS": "1", "SLIPWAY_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
                "SLIPWAY_SMTP_FROM": "Slipway Yard <yard@slipway.test>", "SLIPWAY_PUBLIC_URL": "https://slipway.test",
                "RUST_LOG": "warn"}))
        a, b = (f"http://127.0.0.1:{p}" for p in ports)
        wait_ready(a)
        wait_ready(b)
        def login(base, email):
            return ok(200, call(base, "POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD}))["access_token"]

        manager = login(a, "notify@yard.example")
        org = ok(201, call(a, "POST", "/api/v1/organizations", {"name": "Aegean Bulk", "country": "GR"}, manager))["id"]
        other = ok(201, call(a, "POST", "/api/v1/organizations", {"name": "Nile Lines", "country": "EG"}, manager))["id"]
        for email, o in [("super@aegean.example", org), ("super@nile.example", other)]:
            ok(201, call(a, "POST", "/api/v1/users", {"email": email, "full_name": "Superintendent", "password": PASSWORD,
                                                       "role": "client", "organization_id": o}, manager))
        client = login(b, "super@aegean.example")
        other_client = login(b, "super@nile.example")
        vessel = ok(201, call(a, "POST", "/api/v1/vessels", {
            "imo_number": None, "name": "Aegean Glory", "vessel_type": "bulk_carrier", "flag": "GR",
            "owner_organization_id": org, "gross_tonnage": 30000, "length_overall_m": 190, "beam_m": 32,
            "draft_m": 11, "lightweight_t": 9000}, manager))["id"]

        ours, theirs, yards = Receiver(), Receiver(), Receiver()
        receivers += [ours, theirs, yards]
        our_hook = ok(201, call(b, "POST", "/api/v1/webhooks", {"url": ours.url}, client))
        ok(201, call(b, "POST", "/api/v1/webhooks", {"url": theirs.url}, other_client))
        yard_hook = ok(201, call(a, "POST", "/api/v1/webhooks", {"url": yards.url}, manager))

        # A job through its life: the client asks (on one instance), the manager quotes and
        # plans (on the other), the client approves and decides.
        job = ok(201, call(b, "POST", "/api/v1/jobs", {"vessel_id": vessel, "title": "Hull blasting",
                                                       "description": "Sa 2.5, two coats", "priority": "normal",
                                                       "currency": "EUR"}, client))["id"]
        ok(200, call(a, "PUT", f"/api/v1/jobs/{job}/quote", {"amount": "125000.00", "currency": "EUR"}, manager))
        ok(200, call(b, "POST", f"/api/v1/jobs/{job}/transitions", {"to": "approved", "note": "Go ahead"}, client))
        ok(200, call(a, "PATCH", f"/api/v1/jobs/{job}", {"planned_start": "2027-03-01T00:00:00Z",
                                                         "planned_end": "2027-03-10T00:00:00Z"}, manager))
        ok(200, call(a, "POST", f"/api/v1/jobs/{job}/transitions", {"to": "scheduled"}, manager))
        extra = ok(201, call(a, "POST", f"/api/v1/jobs/{job}/additional-work", {
            "description": "Renew 12 m2 of shell plating", "amount": "8400.50", "currency": "EUR"}, manager))["id"]
        ok(200, call(b, "POST", f"/api/v1/additional-work/{extra}/decision", {"decision": "approved"}, client))
        expected = ["job.quoted", "job.status_changed", "job.schedule_changed", "job.status_changed",
                    "additional_work.proposed", "additional_work.decided"]
        wait_until("the client's receiver", lambda: len(ours.events()) >= len(expected))

        # The receiver goes down; the work starts meanwhile; it comes back.
        ours.down()
        ok(200, call(a, "POST", f"/api/v1/jobs/{job}/transitions", {"to": "in_progress"}, manager))
        time.sleep(4)
        ours.up()
        expected.append("job.status_changed")
        wait_until("the delivery after the receiver came back", lambda: len(ours.events()) >= len(expected))
        time.sleep(2)

        events = ours.events()
        ids = [e["id"] for _, e, _ in events]
        assert len(ids) == len(set(ids)), f"an event arrived twice: {ids}"
        assert sorted(e["kind"] for _, e, _ in events) == sorted(expected), [e["kind"] for _, e, _ in events]
        verifier = Webhook(our_hook["secret"])
        for headers, event, raw in events:
            verifier.verify(raw, {k: headers[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")})
            assert headers["webhook-id"] == event["id"]
            assert event["job"]["id"] == job
        try:
            Webhook(yard_hook["secret"]).verify(events[0][2], {k: events[0][0][k] for k in
                                                              ("webhook-id", "webhook-timestamp", "webhook-signature")})
            raise AssertionError("another webhook's secret verified the signature")
        except AssertionError:
            raise
        except Exception:
            pass
        print(f"client's receiver: {len(events)} events, each once, signatures verified by standardwebhooks")

        log = ok(200, call(b, "GET", f"/api/v1/webhooks/{our_hook['id']}/deliveries", token=client))["items"]
        retried = log[0]
        assert retried["status"] == "succeeded", retried
        assert len(retried["attempts"]) >= 2 and retried["attempts"][0]["error"], retried
        print(f"receiver down for 4 s: delivered on attempt {len(retried['attempts'])}, "
              f"first error: {retried['attempts'][0]['error']}")

        yard_kinds = [e["kind"] for _, e, _ in yards.events()]
        assert sorted(yard_kinds) == sorted(["job.requested", "job.status_changed", "additional_work.decided"]), yard_kinds
        assert theirs.events() == [], theirs.events()
        print(f"yard's receiver: {yard_kinds}; the other organisation's: nothing")

        wait_until("mail", lambda: len(mailbox.mails) >= len(expected))
        time.sleep(1)
        to = {r for _, rcpts, _ in mailbox.mails for r in rcpts}
        assert to == {"super@aegean.example"}, to
        sample = next(m for _, _, m in mailbox.mails if "Quote for" in m)
        assert "multipart/alternative" in sample and "text/html" in sample, sample
        assert f"https://slipway.test/app/jobs/{job}" in sample.replace("=\r\n", "").replace("=\n", ""), sample
        print(f"mail: {len(mailbox.mails)} messages, all to the client; none to the other organisation")
    finally:
        for r in receivers:
            try:
                r.down()
            except Exception:
                pass
        smtp.stop()
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        subprocess.run(["psql", ADMIN_URL, "-qc", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
