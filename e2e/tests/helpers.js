// What the browser tests share: the demo logins, signing in through the sign-in screen,
// a token for checking through the API what a screen did, the yard's clock, and axe.
import { expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const PASSWORD = 'slipway-demo-2026';
export const MANAGER = 'harbour.master@demo.slipway.example';
export const CLIENT_GR = 'client.gr@demo.slipway.example';
export const CLIENT_IT = 'client.it@demo.slipway.example';
export const WELDER = 'liu@demo.slipway.example';
export const YARD_ZONE = 'Asia/Shanghai';

/** Signs in on the sign-in screen as a person would. */
export async function signIn(page, email, { from = '/app/login' } = {}) {
  await page.goto(from);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Signed in once the app has left the sign-in screen (the cookie is set by then).
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** An access token of the API, to check what the screens did. */
export async function token(request, email) {
  const reply = await request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  expect(reply.status()).toBe(200);
  return (await reply.json()).access_token;
}

/** GET a path of the API with a token. */
export async function get(request, bearer, path) {
  const reply = await request.get(`/api/v1${path}`, { headers: { Authorization: `Bearer ${bearer}` } });
  expect(reply.status(), path).toBe(200);
  return reply.json();
}

/** The yard's wall clock `ms` from now: `{date: 'YYYY-MM-DD', time: 'HH:MM'}`. */
export function yardClock(ms = 0) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: YARD_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(Date.now() + ms)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** A calendar date `n` days after `day`. */
export function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Runs axe-core on the page as it is: no serious or critical violation. */
export async function expectAccessible(page, what) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), what).toEqual([]);
}

/** Waits for the confirmation a screen gives after an action ("Saved: ..."). */
export async function expectNotice(page, text) {
  await expect(page.getByRole('status').filter({ hasText: text })).toBeVisible();
}

/** Picks the option of a select whose text contains `text`, as a person reading it would. */
export async function choose(select, text) {
  const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
  await select.selectOption(value);
}

/** Saves a screenshot for the README when SLIPWAY_SCREENSHOTS is set (`docs/screenshots`),
 * else under target/ to look at. */
export async function shot(page, name, options = {}) {
  const dir = process.env.SLIPWAY_SCREENSHOTS || '../target/screenshots';
  await page.screenshot({ path: `${dir}/${name}.png`, ...options });
}

/** A small PNG picture (a colour gradient), as a file for an `<input type=file>`. */
export async function picture(name, width = 64, height = 48) {
  const { deflateSync, crc32 } = await import('node:zlib');
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) row.set([(x * 4) % 256, (y * 5) % 256, 120], 1 + x * 3);
    rows.push(row);
  }
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'ascii'), data])) >>> 0, 0);
    return Buffer.concat([head, data, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const buffer = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0)),
  ]);
  return { name, mimeType: 'image/png', buffer };
}
