#!/usr/bin/env python3
"""Two `slipway serve` instances on one database behind a local nginx: what they share
through PostgreSQL holds through the balancer.

- The booking race: 40 overlapping bookings of one dock at once, spread over both
  instances: exactly one 201, the rest 409 `dock-conflict`, no 5xx.
- The login throttle: the sixth wrong password for one email is 429, whichever instance
  answers (the count is in PostgreSQL).
- Revocation: a token accepted by both instances is refused by both within a second of
  "sign out everywhere" sent through the balancer (NOTIFY reaches every instance).
- The client's address: nginx connects from 127.0.0.2, the only trusted proxy; a client
  sending its own X-Forwarded-For cannot pick its address, so the per-address limit of
  failed logins holds (per instance: at most twice the limit through two).

Run by `bash .ci/scale`; needs nginx and PostgreSQL.
"""

import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from serving import call, free_port, wait_ready

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "debug" / "slipway"
BASE = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB = f"slipway_scale_{os.getpid()}"
DB_URL = BASE.rsplit("/", 1)[0] + "/" + DB
ADMIN_URL = BASE.rsplit("/", 1)[0] + "/postgres"
SECRET = "scale-out-check-" + uuid.uuid4().hex
PASSWORD = "a-long-password-for-the-scale-check"


def main():
    work = Path(tempfile.mkdtemp())
    procs = []
    try:
        env = {**os.environ, "DATABASE_URL": DB_URL}
        subprocess.run([str(BIN), "create-manager", "--email", "scale@yard.example", "--name", "Scale check"],
                       input=PASSWORD + "\n", text=True, env=env, check=True, capture_output=True)
        ports = [free_port(), free_port()]
        for port in ports:
            log = open(work / f"server-{port}.log", "w")
            procs.append(subprocess.Popen([str(BIN), "serve"], stdout=log, stderr=log, env={
                **env, "SLIPWAY_BIND": f"127.0.0.1:{port}", "SLIPWAY_JWT_SECRET": SECRET,
                "SLIPWAY_STORAGE_URL": f"file://{work}/files", "SLIPWAY_TRUSTED_PROXIES": "127.0.0.2",
                "SLIPWAY_LOGIN_LIMIT_PER_MIN": "3", "RUST_LOG": "warn"}))
        lb_port = free_port()
        (work / "nginx.conf").write_text(f"""
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi; uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    upstream slipway {{ server 127.0.0.1:{ports[0]}; server 127.0.0.1:{ports[1]}; }}
    server {{
        listen 127.0.0.1:{lb_port};
        location / {{
            proxy_pass http://slipway;
            proxy_bind 127.0.0.2;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
""")
        procs.append(subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(work / "nginx.conf"),
                                       "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        direct = [f"http://127.0.0.1:{p}" for p in ports]
        for base in direct:
            wait_ready(base)
        lb = f"http://127.0.0.1:{lb_port}"
        wait_ready(lb)

        status, login = call(lb, "POST", "/api/v1/auth/login", {"email": "scale@yard.example", "password": PASSWORD})
        assert status == 200, login
        manager = login["access_token"]
        org = call(lb, "POST", "/api/v1/organizations", {"name": "Balanced Lines", "country": "GR"}, manager)[1]["id"]
        vessels = []
        for n in range(40):
            body = {"imo_number": None, "name": f"MV Balance {n}", "vessel_type": "fishing", "flag": "GR",
                    "owner_organization_id": org, "gross_tonnage": 500, "length_overall_m": 40, "beam_m": 9,
                    "draft_m": 4, "lightweight_t": 300}
            vessels.append(call(lb, "POST", "/api/v1/vessels", body, manager)[1]["id"])
        dock = call(lb, "POST", "/api/v1/docks", {"name": "Dry Dock No. 1", "kind": "graving_dock", "max_length_m": 300,
                                                  "max_beam_m": 50, "max_draft_m": 14}, manager)[1]["id"]

        # The booking race, over both instances.
        def book(vessel):
            return call(lb, "POST", "/api/v1/dock-bookings", {"dock_id": dock, "vessel_id": vessel,
                        "starts_at": "2027-03-01T08:00:00Z", "ends_at": "2027-03-10T17:00:00Z"}, manager)
        with concurrent.futures.ThreadPoolExecutor(40) as pool:
            answers = list(pool.map(book, vessels))
        statuses = sorted(s for s, _ in answers)
        assert statuses.count(201) == 1, statuses
        assert all(s == 409 and b["type"] == "/problems/dock-conflict" for s, b in answers if s != 201), statuses
        print(f"booking race through the balancer: 1 x 201, {statuses.count(409)} x 409, no 5xx")

        # Revocation on every instance.
        status, login = call(lb, "POST", "/api/v1/auth/login", {"email": "scale@yard.example", "password": PASSWORD})
        token = login["access_token"]
        for base in direct:
            assert call(base, "GET", "/api/v1/jobs", token=token)[0] == 200
        assert call(lb, "POST", "/api/v1/me/sessions/revoke", token=token)[0] == 204
        started = time.monotonic()
        pending = set(direct)
        while pending and time.monotonic() - started < 1.0:
            for base in list(pending):
                if call(base, "GET", "/api/v1/jobs", token=token)[0] == 401:
                    pending.discard(base)
            time.sleep(0.02)
        assert not pending, f"still accepted by {pending} after a second"
        print(f"revocation: refused by both instances within {int((time.monotonic() - started) * 1000)} ms")

        # The login throttle, counted in PostgreSQL: the sixth failure for an email is 429
        # whichever instance answers (round robin: three attempts each).
        codes = [call(lb, "POST", "/api/v1/auth/login", {"email": "victim@yard.example", "password": "wrong-password-x"})[0]
                 for _ in range(6)]
        assert codes[:5] == [401] * 5 and codes[5] == 429, codes
        print(f"login throttle through the balancer: {codes}")

        # The client's address is nginx's view of it, not the client's own header: failed
        # logins from one client are limited (3 per instance) however it spoofs.
        codes = [call(lb, "POST", "/api/v1/auth/login", {"email": f"guess{n}@yard.example", "password": "wrong-password-x"},
                      headers={"x-forwarded-for": f"203.0.113.{n}"})[0] for n in range(10)]
        assert codes.count(401) <= 6 and codes[-1] == 429, codes
        print(f"address limit through the balancer despite spoofed X-Forwarded-For: {codes}")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        subprocess.run(["psql", ADMIN_URL, "-qc", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"],
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
