#!/usr/bin/env python3
"""The cost position under load: `GET /jobs/{id}/cost` against `GET /jobs/{id}`.

Run through `bench/run cost` (which builds the release binary and installs wrk). Seeds the
demo yard into its own database (`slipway_costbench`, rebuilt each time), then builds,
through the API as its users would, one docking of the Russian owner (who budgets in RUB)
contracted in EUR with a yard tariff in USD: 300 priced spec items (a third each lump sum,
unit rate and tariff with surcharges and discount), awarded, then 60 variations (40
approved, each fixing its rate, 20 pending). Then wrk at 32 connections reads the job and
its cost position as the owner, in alternating turns, and prints the medians.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("BENCH_BIN", ROOT / "target" / "release" / "slipway"))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
TURNS = int(os.environ.get("BENCH_RUNS", "3"))
CONNECTIONS = 32
PORT = int(os.environ.get("BENCH_PORT", "18183"))
API = f"http://127.0.0.1:{PORT}"
BASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB = "slipway_costbench"
DB_URL = f"{BASE_URL.rsplit('/', 1)[0]}/{DB}"
PASSWORD = "slipway-demo-2026"
SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
TARIFF = ["HULL-PLATE", "PAINT-AF", "HULL-BLAST-SA25", "ANODE-ZN", "PIPE-RENEW", "VALVE-SEA-OH"]

RESULT_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.2f %.3f %.3f %d\\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def call(method, path, token=None, body=None, expect=(200, 201)):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{API}{path}", data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req) as reply:
            assert reply.status in expect, (method, path, reply.status)
            return json.load(reply)
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {path}: {e.code} {e.read().decode()}")


def login(email):
    return call("POST", "/api/v1/auth/login", body={"email": email, "password": PASSWORD})["access_token"]


def price(n):
    """Spec item n's price: a third each lump sum, unit rate and tariff."""
    if n % 3 == 0:
        return {"basis": "lump_sum", "amount": f"{1000 + 37 * n}.50"}
    if n % 3 == 1:
        return {"basis": "unit_rate", "quantity": f"{1 + n % 40}.25", "unit": "m2",
                "unit_price": {"amount": f"{12 + n % 30}.40", "currency": "EUR"}}
    return {"basis": "tariff", "tariff_code": TARIFF[n % len(TARIFF)], "quantity": f"{1 + n % 9}.5",
            "modifiers": ["HT"] if n % 2 else [], "discount_percent": "5"}


def build_job():
    manager = login("harbour.master@demo.slipway.example")
    owner = login("client.ru@demo.slipway.example")
    vessel = call("GET", "/api/v1/vessels?limit=1", owner)["items"][0]["id"]
    job = call("POST", "/api/v1/jobs", owner, {
        "vessel_id": vessel, "title": "Special survey docking (bench)", "description": "Specification attached",
        "priority": "normal", "currency": "EUR"})["id"]
    tasks = []
    for n in range(300):
        sfi = f"{1 + n % 8}{n % 10}{(n // 10) % 10}"
        tasks.append(call("POST", f"/api/v1/jobs/{job}/tasks", manager, {
            "title": f"Spec item {n + 1}", "estimated_hours": 8, "item_number": f"{1 + n % 8}.{n + 1}",
            "sfi_code": sfi, "price": price(n)})["id"])
    call("PUT", f"/api/v1/jobs/{job}/contract-terms", manager,
         {"redelivery_date": "2027-03-31", "response_hours": 24})
    call("PUT", f"/api/v1/jobs/{job}/quote", manager, {"currency": "EUR", "discount_percent": "3"})
    call("POST", f"/api/v1/jobs/{job}/transitions", owner, {"to": "approved"})
    for n in range(60):
        body = {"description": f"Finding {n + 1}: renew wasted plating", "price": price(n + 1),
                "task_id": tasks[n * 5], "time_impact_days": n % 3}
        variation = call("POST", f"/api/v1/jobs/{job}/additional-work", manager, body)["id"]
        if n < 40:
            call("POST", f"/api/v1/additional-work/{variation}/decision", owner, {"decision": "approved"})
    cost = call("GET", f"/api/v1/jobs/{job}/cost", owner)
    print(f"job {job}: contract {cost['contract']}, owner currency {cost.get('owner_currency')}", flush=True)
    return job, owner


def wrk(path, token):
    script = f'request = function() return wrk.format("GET", "{path}", {{["Authorization"] = "Bearer {token}"}}) end\n'
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script + RESULT_LUA)
        name = f.name
    try:
        out = subprocess.run(["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{DURATION}s", "--latency",
                              "-s", name, API], check=True, text=True, capture_output=True).stdout
    finally:
        os.unlink(name)
    rps, p50, p99, errors = next(l for l in out.splitlines() if l.startswith("RESULT")).split()[1:]
    return float(rps), float(p50), float(p99), int(errors)


def main():
    admin = BASE_URL
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {DB}"], check=True)
    env = {**os.environ, "DATABASE_URL": DB_URL, "SLIPWAY_BIND": f"127.0.0.1:{PORT}",
           "SLIPWAY_JWT_SECRET": SECRET, "RUST_LOG": "warn", "SLIPWAY_RATE_LIMIT_PER_MIN": "0",
           "SLIPWAY_LOGIN_LIMIT_PER_MIN": "0"}
    subprocess.run([str(BIN), "seed-demo"], env=env, check=True, capture_output=True)
    log = open(ROOT / "target" / "bench-cost-server.log", "w")
    server = subprocess.Popen([str(BIN), "serve"], env=env, stdout=log, stderr=log)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{API}/readyz", timeout=1)
                break
            except Exception:
                time.sleep(0.2)
        job, owner = build_job()
        results = {"get_job": [], "cost": []}
        for turn in range(TURNS):
            for name, path in [("get_job", f"/api/v1/jobs/{job}"), ("cost", f"/api/v1/jobs/{job}/cost")]:
                results[name].append(wrk(path, owner))
                rps, p50, p99, errors = results[name][-1]
                print(f"turn {turn + 1} {name}: {rps:.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms, {errors} errors",
                      flush=True)
        med = {n: [statistics.median(r[i] for r in rows) for i in range(4)] for n, rows in results.items()}
        print("\n| scenario | req/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|")
        for name, (rps, p50, p99, errors) in med.items():
            print(f"| `{name}` | {rps:.0f} | {p50:.2f} | {p99:.2f} | {errors:.0f} |")
        print(f"\ncost / get_job throughput: {med['cost'][0] / med['get_job'][0]:.2f}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
