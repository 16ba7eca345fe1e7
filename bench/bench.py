#!/usr/bin/env python3
"""Slipway load benchmark: the release server against PostgreSQL's own limit.

Run through `bench/run` (which installs wrk and builds the release binary). Loads a large
yard straight in SQL (bench/dataset.sql) once, starts the server, and measures each
scenario with wrk at 32 connections, next to pgbench doing the equivalent single
statement at the same concurrency, so every figure is a ratio to what PostgreSQL alone
does on this machine at that moment. Medians of several runs go to bench/RESULTS.md.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BENCH_BIN: another build of the server, for comparing two builds on the same data.
BIN = Path(os.environ.get("BENCH_BIN", ROOT / "target" / "release" / "slipway"))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CONNECTIONS = 32
THREADS = 2
PORT = int(os.environ.get("BENCH_PORT", "18181"))
API = f"http://127.0.0.1:{PORT}"
BASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SERVER_URL = BASE_URL.rsplit("/", 1)[0]
DB = os.environ.get("BENCH_DATABASE", "slipway_bench")
DB_URL = f"{SERVER_URL}/{DB}"
PGBENCH_DB = "slipway_pgbench"
PASSWORD = "bench-password-1"
# A comma-separated subset of scenarios to run (for iterating on one); a partial run prints
# its table but does not write RESULTS.md.
ONLY = [s for s in os.environ.get("BENCH_ONLY", "").split(",") if s]
SECRET = "bench-secret-0123456789abcdef0123456789abcdef"

RESULT_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.2f %.3f %.3f %d %d\\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests))
end
"""


def sh(*args, **kw):
    return subprocess.run(args, check=True, text=True, capture_output=True, **kw).stdout


def psql(url, sql):
    return sh("psql", url, "-qtAc", sql).strip()


def database_exists(name):
    return psql(f"{SERVER_URL}/postgres", f"SELECT count(*) FROM pg_database WHERE datname = '{name}'") == "1"


def load_dataset():
    if database_exists(DB) and os.environ.get("BENCH_RELOAD") != "1":
        if int(psql(DB_URL, "SELECT count(*) FROM work_logs")) >= 2_000_000:
            print(f"== reusing database {DB} (BENCH_RELOAD=1 to rebuild)")
            return
    print(f"== building database {DB}: 200 organisations, 10 000 vessels, 200 000 jobs, "
          "2 000 000 work logs, 100 000 bookings")
    psql(f"{SERVER_URL}/postgres", f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    env = {**os.environ, "DATABASE_URL": DB_URL}
    started = time.time()
    subprocess.run([str(BIN), "create-manager", "--email", "manager@bench.slipway.example", "--name",
                    "Bench Manager"], input=PASSWORD + "\n", text=True, env=env, check=True,
                   capture_output=True)
    sh("psql", DB_URL, "-q", "-v", "ON_ERROR_STOP=1", "-f", str(ROOT / "bench" / "dataset.sql"))
    print(f"   loaded in {time.time() - started:.0f} s")
    # A database that has run for years has been vacuumed: hint bits set, pages all-visible.
    # Without this, the first runs' reads dirty every page they touch and write it back.
    started = time.time()
    sh("psql", DB_URL, "-q", "-c", "VACUUM (FREEZE, ANALYZE)")
    print(f"   vacuumed in {time.time() - started:.0f} s")


def pgbench_baselines():
    """PostgreSQL alone: select one row by primary key, insert one row."""
    if not database_exists(PGBENCH_DB):
        psql(f"{SERVER_URL}/postgres", f"CREATE DATABASE {PGBENCH_DB}")
        sh("pgbench", "-i", "-q", "-s", "10", f"{SERVER_URL}/{PGBENCH_DB}")
        psql(f"{SERVER_URL}/{PGBENCH_DB}",
             "CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, at timestamptz NOT NULL, "
             "note text NOT NULL)")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write("INSERT INTO bench_insert (at, note) VALUES (now(), 'one row');\n")
        insert_script = f.name
    out = {}
    for name, extra in [("select", ["-S"]), ("insert", ["-f", insert_script])]:
        text = sh("pgbench", "-n", "-c", str(CONNECTIONS), "-j", str(THREADS), "-T", str(DURATION), "-r",
                  *extra, f"{SERVER_URL}/{PGBENCH_DB}")
        tps = next(float(line.split("=")[1].split()[0]) for line in text.splitlines() if line.startswith("tps"))
        latency = next(float(line.split("=")[1].split()[0]) for line in text.splitlines()
                       if line.startswith("latency average"))
        out[name] = {"rps": tps, "avg_ms": latency}
    os.unlink(insert_script)
    return out


# The statements the server sends for GET /jobs/{id} and GET /jobs?limit=50 as the client
# of organisation 7 (ids of its jobs: md5('job' || g) with g = 5 + 200 k, see dataset.sql).
JOB_COLUMNS = ("j.id, j.number, j.vessel_id, j.organization_id, j.title, j.description, j.priority, "
               "j.status, j.requested_start, j.quote_amount, j.quote_currency, j.quote_valid_until, "
               "j.quote_note, j.planned_start, j.planned_end, j.invoiced_amount, j.invoiced_currency, "
               "j.closed_at, j.created_by, j.created_at, j.updated_at, j.version, v.id, v.name, v.imo_number, "
               "j.additional_work_approved, j.progress_percent")
STATEMENTS = {
    "get_job": "\\set k random(0, 499)\n"
               f"SELECT {JOB_COLUMNS} FROM jobs j JOIN vessels v ON v.id = j.vessel_id "
               "WHERE j.id = md5('job' || (5 + 200 * :k))::uuid AND j.organization_id = md5('org7')::uuid LIMIT 1;\n",
    "list_jobs": f"SELECT {JOB_COLUMNS} FROM jobs j JOIN vessels v ON v.id = j.vessel_id "
                 "WHERE j.organization_id = md5('org7')::uuid ORDER BY j.created_at DESC, j.id DESC LIMIT 51;\n",
}

# The writes, as one request sends them (one per transaction), each at the next free time
# from a sequence (1960 on for logs, 2080 on for bookings: no scenario uses those years),
# for the 32 scenario technicians and the 20 scenario docks and vessels; and a bare
# one-row INSERT into work_logs, the table's own limit with its indexes, keys and triggers.
SLOT_KEY = "('x' || translate(left(({})::text, 18), '-', ''))::bit(64)::bigint"
WRITE_STATEMENTS = {
    "post_work_log": "\\set t 401 + :client_id\n"
        "WITH asg AS (SELECT a.id, a.technician_id, a.task_id, t.job_id, t.title FROM assignments a "
        "JOIN technicians tc ON tc.id = a.technician_id JOIN tasks t ON t.id = a.task_id "
        "WHERE a.id = md5('benchasg' || :t)::uuid AND a.removed_at IS NULL AND tc.user_id = md5('tech' || :t)::uuid), "
        "job AS (SELECT j.status FROM jobs j JOIN asg ON j.id = asg.job_id FOR NO KEY UPDATE OF j), "
        f"slot AS (SELECT pg_advisory_xact_lock({SLOT_KEY.format('asg.technician_id')}) FROM asg, job), "
        "ins AS (INSERT INTO work_logs (assignment_id, technician_id, task_id, job_id, started_at, ended_at, "
        "description, progress_percent) SELECT asg.id, asg.technician_id, asg.task_id, asg.job_id, x.s, "
        "x.s + interval '30 minutes', 'bench', NULL FROM asg, job, slot, "
        "(SELECT timestamptz '1960-01-01' + nextval('bench_ceiling_seq') * interval '1 hour' AS s) x "
        "WHERE job.status = 'in_progress' RETURNING id, assignment_id, technician_id, task_id, job_id, "
        "started_at, ended_at, description, progress_percent, created_at), "
        "touched AS (UPDATE jobs SET version = version + 1, updated_at = now() WHERE id = (SELECT job_id FROM ins)) "
        "SELECT ins.*, asg.title AS task_title FROM ins, asg;\n",
    "work_logs_insert": "\\set t 401 + :client_id\n"
        "INSERT INTO work_logs (assignment_id, technician_id, task_id, job_id, started_at, ended_at, description) "
        "SELECT md5('benchasg' || :t)::uuid, md5('techprofile' || :t)::uuid, md5('task' || :t)::uuid, "
        "md5('job' || :t)::uuid, s, s + interval '30 minutes', 'bench' "
        "FROM (SELECT timestamptz '1960-01-01' + nextval('bench_ceiling_seq') * interval '1 hour' AS s) x;\n",
    "post_booking": "\\set d 21 + :client_id % 20\n"
        "WITH ids AS (SELECT md5('dock' || :d)::uuid AS dock, md5('vessel' || (:d - 20))::uuid AS vessel), "
        f"slot AS (SELECT pg_advisory_xact_lock(least({SLOT_KEY.format('dock')}, {SLOT_KEY.format('vessel')})), "
        f"pg_advisory_xact_lock(greatest({SLOT_KEY.format('dock')}, {SLOT_KEY.format('vessel')})) FROM ids) "
        "INSERT INTO dock_bookings (dock_id, vessel_id, job_id, starts_at, ends_at, notes, created_by) "
        "SELECT ids.dock, ids.vessel, NULL, x.s, x.s + interval '1 hour', NULL, md5('manager')::uuid FROM ids, slot, "
        "(SELECT timestamptz '2080-01-01' + nextval('bench_ceiling_seq') * interval '2 hours' AS s) x "
        "RETURNING id, dock_id, vessel_id, job_id, starts_at, ends_at, notes, status, cancelled_at, created_by, "
        "created_at, updated_at;\n",
}


def statement_ceilings():
    """PostgreSQL alone running the very statement a scenario needs (prepared, as the
    server sends it for one request): for a read, the most any server in front of it could
    do on this machine; for a write, what writing each request alone can do."""
    out = {}
    for name, script in {**STATEMENTS, **WRITE_STATEMENTS}.items():
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
            f.write(script)
            path = f.name
        try:
            text = sh("pgbench", "-n", "-M", "prepared", "-c", str(CONNECTIONS), "-j", str(THREADS),
                      "-T", str(DURATION), "-f", path, DB_URL)
        finally:
            os.unlink(path)
        out[name] = {"rps": next(float(line.split("=")[1].split()[0]) for line in text.splitlines()
                                 if line.startswith("tps"))}
    return out


REFERENCE_BIN = ROOT / "bench" / "reference" / "target" / "release" / "slipway-bench-reference"
REFERENCE_PORT = PORT + 1


def start_reference():
    """The minimal reference server (bench/reference): the same job statement with nothing
    around it, to tell this machine's limit from the service's own cost."""
    env = {**os.environ, "DATABASE_URL": DB_URL, "BIND": f"127.0.0.1:{REFERENCE_PORT}"}
    proc = subprocess.Popen([str(REFERENCE_BIN)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(1)
    return proc


def start_server():
    # Load from one address and a few users: the per-instance limits are lifted.
    env = {**os.environ, "DATABASE_URL": DB_URL, "SLIPWAY_BIND": f"127.0.0.1:{PORT}",
           "SLIPWAY_JWT_SECRET": SECRET, "RUST_LOG": os.environ.get("BENCH_RUST_LOG", "warn"),
           "SLIPWAY_RATE_LIMIT_PER_MIN": "1000000000", "SLIPWAY_LOGIN_LIMIT_PER_MIN": "0"}
    log = open(ROOT / "target" / "bench-server.log", "w")
    proc = subprocess.Popen([str(BIN), "serve"], env=env, stdout=log, stderr=log)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{API}/readyz", timeout=1)
            return proc
        except Exception:
            time.sleep(0.2)
    proc.kill()
    sys.exit("the server did not start; see target/bench-server.log")


def login(email):
    body = json.dumps({"email": email, "password": PASSWORD}).encode()
    req = urllib.request.Request(f"{API}/api/v1/auth/login", data=body,
                                 headers={"content-type": "application/json"})
    return json.load(urllib.request.urlopen(req))["access_token"]


def lua_list(values):
    return "{" + ",".join(json.dumps(v) for v in values) + "}"


def scenarios():
    """The Lua scripts of every scenario, with the ids and tokens they use."""
    client_org = 7
    jobs = psql(DB_URL, f"SELECT string_agg(id::text, ',') FROM (SELECT id FROM jobs "
                        f"WHERE organization_id = md5('org{client_org}')::uuid LIMIT 500) s").split(",")
    client = login(f"client{client_org}@bench.slipway.example")
    # Jobs of this client with work logged, and a day each was worked (yard time).
    reports = psql(DB_URL, f"""
        SELECT string_agg(job_id || '|' || day, ',') FROM (
          SELECT DISTINCT ON (w.job_id) w.job_id, ((w.started_at AT TIME ZONE 'Asia/Shanghai')::date)::text AS day
          FROM work_logs w JOIN jobs j ON j.id = w.job_id
          WHERE j.organization_id = md5('org{client_org}')::uuid ORDER BY w.job_id, w.started_at LIMIT 50) s""")
    reports = [r.split("|") for r in reports.split(",")]
    techs = [(login(f"tech{t}@bench.slipway.example"),
              psql(DB_URL, f"SELECT md5('benchasg{t}')::uuid")) for t in range(401, 433)]
    manager = login("manager@bench.slipway.example")
    docks = [psql(DB_URL, f"SELECT md5('dock{d}')::uuid") for d in range(21, 41)]
    vessels = [psql(DB_URL, f"SELECT md5('vessel{v}')::uuid") for v in range(1, 21)]
    # `tid` is set per thread by setup(); it must stay a global of the thread's Lua state.
    common = "local counter = 0\nlocal threads = 0\n" \
             "setup = function(thread) thread:set('tid', threads); threads = threads + 1 end\n"
    return {
        "reference_get_job": f"""
local ids = {lua_list(jobs)}
request = function()
  return wrk.format("GET", "/jobs/" .. ids[math.random(#ids)])
end""",
        "get_job": f"""
local ids = {lua_list(jobs)}
request = function()
  return wrk.format("GET", "/api/v1/jobs/" .. ids[math.random(#ids)], {{["Authorization"] = "Bearer {client}"}})
end""",
        "list_jobs": f"""
request = function()
  return wrk.format("GET", "/api/v1/jobs?limit=50", {{["Authorization"] = "Bearer {client}"}})
end""",
        "daily_report": f"""
local reports = {lua_list([f"{j}/daily-report?date={d}" for j, d in reports])}
request = function()
  return wrk.format("GET", "/api/v1/jobs/" .. reports[math.random(#reports)], {{["Authorization"] = "Bearer {client}"}})
end""",
        # Each thread takes 16 technicians; each request is the next hour of one of them
        # from 1990 on, so no two logs of a technician overlap (bench/run clears these logs
        # before every run).
        "post_work_log": common + f"""
local tokens = {lua_list([t for t, _ in techs])}
local assignments = {lua_list([a for _, a in techs])}
request = function()
  counter = counter + 1
  local k = tid * 16 + (counter % 16) + 1
  local slot = math.floor(counter / 16)
  local start = 631152000 + slot * 3600
  local body = string.format('{{"started_at": "%s", "ended_at": "%s", "description": "bench"}}',
    os.date("!%Y-%m-%dT%H:%M:%SZ", start), os.date("!%Y-%m-%dT%H:%M:%SZ", start + 1800))
  return wrk.format("POST", "/api/v1/assignments/" .. assignments[k] .. "/work-logs",
    {{["Authorization"] = "Bearer " .. tokens[k], ["Content-Type"] = "application/json"}}, body)
end""",
        # Each request takes the next 1-hour slot of one of 20 docks with one of 20 vessels;
        # threads use separate decades, so nothing overlaps.
        "post_booking": common + f"""
local docks = {lua_list(docks)}
local vessels = {lua_list(vessels)}
request = function()
  counter = counter + 1
  local i = counter % 20 + 1
  local slot = math.floor(counter / 20)
  local start = 1893456000 + tid * 315360000 + slot * 7200
  local body = string.format('{{"dock_id": "%s", "vessel_id": "%s", "starts_at": "%s", "ends_at": "%s"}}',
    docks[i], vessels[i], os.date("!%Y-%m-%dT%H:%M:%SZ", start), os.date("!%Y-%m-%dT%H:%M:%SZ", start + 3600))
  return wrk.format("POST", "/api/v1/dock-bookings",
    {{["Authorization"] = "Bearer {manager}", ["Content-Type"] = "application/json"}}, body)
end""",
        # Logins rotate over the 200 client accounts: one account logging in from 8 places
        # at the same instant would (by design) run into the throttle's in-flight count.
        "login": f"""
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/api/v1/auth/login", {{["Content-Type"] = "application/json"}},
    string.format('{{"email": "client%d@bench.slipway.example", "password": "{PASSWORD}"}}', n % 200 + 1))
end""",
    }


def wrk(script, connections=CONNECTIONS, duration=DURATION, url=API):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script + RESULT_LUA)
        path = f.name
    try:
        text = sh("wrk", "-t", str(THREADS), "-c", str(connections), "-d", f"{duration}s", "--latency",
                  "-s", path, url)
    finally:
        os.unlink(path)
    line = next(line for line in text.splitlines() if line.startswith("RESULT"))
    rps, p50, p99, errors, total = line.split()[1:]
    return {"rps": float(rps), "p50_ms": float(p50), "p99_ms": float(p99), "errors": int(errors),
            "requests": int(total)}


def clear_scenario_writes():
    """Removes what the POST scenarios wrote, so every run starts from the same data."""
    psql(DB_URL, "DELETE FROM work_logs WHERE technician_id IN "
                 "(SELECT md5('techprofile' || t)::uuid FROM generate_series(401, 432) t)")
    psql(DB_URL, "DELETE FROM dock_bookings WHERE dock_id IN "
                 "(SELECT md5('dock' || d)::uuid FROM generate_series(21, 40) d)")
    psql(DB_URL, "DELETE FROM work_logs WHERE started_at < '1990-01-01' AND technician_id IN "
                 "(SELECT md5('techprofile' || t)::uuid FROM generate_series(401, 432) t)")
    psql(DB_URL, "DELETE FROM dock_bookings WHERE starts_at >= '2080-01-01'")
    psql(DB_URL, "CREATE SEQUENCE IF NOT EXISTS bench_ceiling_seq")
    psql(DB_URL, "ALTER SEQUENCE bench_ceiling_seq RESTART")
    psql(DB_URL, "VACUUM ANALYZE work_logs")
    psql(DB_URL, "VACUUM ANALYZE dock_bookings")


def one_run(scripts):
    clear_scenario_writes()
    results = {"pgbench": pgbench_baselines(), "statements": statement_ceilings()}
    for name in ["get_job", "list_jobs", "daily_report", "post_work_log", "post_booking", "login"]:
        if ONLY and name not in ONLY:
            continue
        results[name] = wrk(scripts[name], connections=CONNECTIONS if name != "login" else 8)
    if REFERENCE_BIN.exists() and (not ONLY or "reference_get_job" in ONLY):
        results["reference_get_job"] = wrk(scripts["reference_get_job"],
                                           url=f"http://127.0.0.1:{REFERENCE_PORT}")
    if ONLY and "get_job_with_logins" not in ONLY:
        return results
    # GET job with 8 logins hammering argon2 beside it.
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(scripts["login"] + RESULT_LUA)
        login_script = f.name
    logins = subprocess.Popen(["wrk", "-t", "1", "-c", "8", "-d", f"{DURATION + 2}s", "-s", login_script, API],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    results["get_job_with_logins"] = wrk(scripts["get_job"])
    logins.wait()
    os.unlink(login_script)
    return results


def peak_rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


TARGETS = {
    "get_job": ("select", 0.5, 10.0),
    "list_jobs": ("select", 0.35, 25.0),
    "daily_report": ("select", 0.35, 25.0),
    "post_work_log": ("insert", 0.7, None),
    "post_booking": ("insert", 0.7, None),
    "login": (None, None, None),
    "get_job_with_logins": ("select", None, None),
    "reference_get_job": ("select", None, None),
}


def main():
    if not BIN.exists():
        sys.exit("build the release binary first: cargo build --release")
    load_dataset()
    reference = start_reference() if REFERENCE_BIN.exists() else None
    server = start_server()
    try:
        scripts = scenarios()
        runs = []
        for n in range(RUNS):
            print(f"== run {n + 1} of {RUNS} ({DURATION} s per scenario)")
            runs.append(one_run(scripts))
            print(json.dumps(runs[-1]))
        rss = peak_rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait()
        if reference:
            reference.terminate()
            reference.wait()

    def med(name, key):
        return statistics.median(r[name][key] for r in runs)

    baseline = {k: statistics.median(r["pgbench"][k]["rps"] for r in runs) for k in ("select", "insert")}
    ceiling = {k: statistics.median(r["statements"][k]["rps"] for r in runs)
               for k in {**STATEMENTS, **WRITE_STATEMENTS}}
    rows = []
    for name, (base, ratio_target, p99_target) in TARGETS.items():
        if name not in runs[0]:
            continue
        rps, p50, p99 = med(name, "rps"), med(name, "p50_ms"), med(name, "p99_ms")
        errors = sum(r[name]["errors"] for r in runs)
        ratio = rps / baseline[base] if base else None
        verdict = []
        if ratio_target is not None:
            verdict.append(f"ratio {'ok' if ratio >= ratio_target else 'MISSED'} (>= {ratio_target})")
        if p99_target is not None:
            verdict.append(f"p99 {'ok' if p99 < p99_target else 'MISSED'} (< {p99_target} ms)")
        if name == "get_job_with_logins" and "get_job" in runs[0]:
            solo = med("get_job", "p99_ms")
            verdict.append(f"p99 x{p99 / solo:.2f} of solo ({'ok' if p99 <= 2 * solo else 'MISSED'}, <= 2x)")
        own = rps / ceiling[name] if name in ceiling else None
        rows.append((name, rps, p50, p99, ratio, own, errors, "; ".join(verdict)))

    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    table = [
        f"## {when}",
        "",
        f"Machine: {os.cpu_count()} cores ({cpu}), {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB; "
        f"client (wrk), server and PostgreSQL on the same machine. {RUNS} runs of {DURATION} s per scenario, "
        f"{CONNECTIONS} connections (logins: 8); medians.",
        "",
        f"Baseline (pgbench, {CONNECTIONS} clients): select by primary key {baseline['select']:.0f} tx/s, "
        f"insert one row {baseline['insert']:.0f} tx/s.",
        "",
        "Ceiling of the scenario's own statement (pgbench, prepared, same concurrency, on the benchmark data): "
        + ", ".join(f"{k} {v:.0f} tx/s" for k, v in ceiling.items()) + ".",
        "",
        "| scenario | req/s | p50 ms | p99 ms | ratio to pgbench | ratio to its statement | errors | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, rps, p50, p99, ratio, own, errors, verdict in rows:
        ratio_text = f"{ratio:.2f}" if ratio is not None else "-"
        own_text = f"{own:.2f}" if own is not None else "-"
        table.append(f"| {name} | {rps:.0f} | {p50:.2f} | {p99:.2f} | {ratio_text} | {own_text} | {errors} | {verdict} |")
    table += ["", f"Server peak RSS: {rss:.0f} MiB ({'ok' if rss < 150 else 'MISSED'}, < 150 MiB).", ""]
    text = "\n".join(table)
    print(text)
    if ONLY:
        return
    results = ROOT / "bench" / "RESULTS.md"
    previous = results.read_text() if results.exists() else "# Benchmark results\n\nNewest first; written by `bench/run`.\n\n"
    head, _, rest = previous.partition("\n## ")
    results.write_text(head.rstrip() + "\n\n" + text + ("\n## " + rest if rest else ""))


if __name__ == "__main__":
    main()
