// Starts the real server for the browser tests: a new database, the demo yard loaded for
// today in the yard's time zone, `slipway serve` on the configured port. The returned
// function stops the server and drops the database.
import { execFileSync, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default async function globalSetup() {
  const bin = process.env.SLIPWAY_BIN || path.join(root, 'target/debug/slipway');
  const base = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `slipway_e2e_${process.pid}`;
  const url = base.replace(/\/[^/]*$/, `/${name}`);
  const admin = base.replace(/\/[^/]*$/, '/postgres');
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  process.env.SLIPWAY_E2E_TODAY = today;
  const env = { ...process.env, DATABASE_URL: url, RUST_LOG: 'warn' };
  execFileSync(bin, ['seed-demo', '--today', today], { env, stdio: 'ignore' });
  mkdirSync(path.join(root, 'target'), { recursive: true });
  const log = openSync(path.join(root, 'target/e2e-server.log'), 'w');
  const address = `127.0.0.1:${process.env.SLIPWAY_E2E_PORT}`;
  const server = spawn(bin, ['serve'], {
    env: {
      ...env,
      SLIPWAY_BIND: address,
      SLIPWAY_JWT_SECRET: `e2e-${Date.now()}-0123456789abcdef0123456789abcdef`,
      SLIPWAY_YARD_NAME: 'Weihai Yard',
      // The suite signs in many times from one address, and clicks faster than people.
      SLIPWAY_LOGIN_LIMIT_PER_MIN: '0',
      SLIPWAY_RATE_LIMIT_PER_MIN: '100000',
    },
    stdio: ['ignore', log, log],
  });
  const ready = `http://${address}/readyz`;
  for (let i = 0; i < 100; i += 1) {
    try {
      if ((await fetch(ready)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!(await fetch(ready)).ok) throw new Error(`the server did not become ready at ${ready}`);
  return async () => {
    server.kill('SIGTERM');
    await new Promise((r) => { server.once('exit', r); setTimeout(r, 5000); });
    try {
      execFileSync('psql', [admin, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'ignore' });
    } catch {
      // the next run uses a database of its own anyway
    }
  };
}
