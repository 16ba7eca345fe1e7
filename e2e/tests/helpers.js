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
