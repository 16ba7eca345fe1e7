// Signing in and out: each role lands on its home screen, a reload inside a session keeps
// it (the cookie renews the token, which lives only in the page's memory), signing out
// ends it for good, and the pages carry the headers SPEC section 6 asks for.
import { test, expect } from '@playwright/test';
import { CLIENT_GR, MANAGER, PASSWORD, WELDER, signIn } from './helpers.js';

test('each role lands on its home screen after signing in', async ({ browser }) => {
  for (const [email, heading, path] of [
    [MANAGER, 'Board', '/app/board'],
    [CLIENT_GR, 'My jobs', '/app/jobs'],
    [WELDER, /^Today, /, '/app/my-work'],
  ]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, email);
    await expect(page.getByRole('heading', { name: heading }).first()).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await context.close();
  }
});

test('wrong credentials are refused in words', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/app\/login$/);
  await page.getByLabel('Email').fill(MANAGER);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Wrong email or password.');
  await expect(page.getByRole('heading', { name: 'Sign in to Slipway' })).toBeVisible();
});

test('a reload inside a session keeps it, and the token is kept nowhere a script could read', async ({ page, context }) => {
  await signIn(page, MANAGER);
  await expect(page.getByRole('heading', { name: 'Board' })).toBeVisible();
  await page.goto('/app/reports');
  // The page renews its token through the cookie as it loads; a reload that cuts that
  // answer off is the next test.
  await expect(page.getByRole('heading', { name: 'Reports' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Reports' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sign in to Slipway' })).toHaveCount(0);
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
  expect(stored).not.toMatch(/eyJ/);
  const [cookie] = (await context.cookies()).filter((c) => c.name === 'slipway_session');
  expect(cookie).toBeTruthy();
  expect(cookie.httpOnly).toBe(true);
  expect(cookie.sameSite).toBe('Strict');
  expect(cookie.path).toBe('/api/v1/auth/session');
  expect(cookie.secure).toBe(true);
});

test('a reload that cut off the renewal keeps the session', async ({ page }) => {
  await signIn(page, MANAGER);
  await expect(page.getByRole('heading', { name: 'Board' })).toBeVisible();
  // The next renewal reaches the server, which rotates the cookie, but its answer (with
  // the new cookie) never reaches the browser: as when a reload cuts the request off.
  await page.route('**/api/v1/auth/session/refresh', async (route) => {
    const request = route.request();
    const reached = await fetch(request.url(), { method: 'POST', headers: await request.allHeaders() });
    expect(reached.status).toBe(200);
    await route.abort();
  }, { times: 1 });
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in to Slipway' })).toBeVisible();
  // The browser still holds the cookie just spent; the next load renews with it.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Board' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
});

test('signing out ends the session: a reload does not bring it back, nor does the old cookie', async ({ page, context }) => {
  await signIn(page, CLIENT_GR);
  await expect(page.getByRole('heading', { name: 'My jobs' })).toBeVisible();
  const [before] = (await context.cookies()).filter((c) => c.name === 'slipway_session');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Slipway' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in to Slipway' })).toBeVisible();
  await page.goto('/app/jobs');
  await expect(page).toHaveURL(/\/app\/login/);
  // The cookie the browser held before signing out is revoked on the server.
  const replay = await page.request.post('/api/v1/auth/session/refresh', {
    headers: { 'X-Slipway-Session': '1', Cookie: `slipway_session=${before.value}` },
  });
  expect(replay.status()).toBe(401);
});

test('a deep link survives signing in', async ({ page }) => {
  await page.goto('/app/reports');
  await expect(page).toHaveURL(/\/app\/login\?next=/);
  await page.getByLabel('Email').fill(MANAGER);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Reports' })).toBeVisible();
  await expect(page).toHaveURL(/\/app\/reports$/);
});

test('the pages carry a strict content security policy and no inline code', async ({ page }) => {
  const response = await page.goto('/app/login');
  const headers = response.headers();
  expect(headers['content-security-policy']).toContain("default-src 'self'");
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['content-security-policy']).not.toContain('unsafe-inline');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  await signIn(page, MANAGER);
  await expect(page.getByRole('heading', { name: 'Board' })).toBeVisible();
  await page.getByRole('button', { name: 'Find a slot' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  expect(violations).toEqual([]);
});
