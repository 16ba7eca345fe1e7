// Nobody has to poll: a superintendent abroad sees the yard's news as a count in the
// header and a list linking to the job, marks it read, and chooses what is mailed; the
// same news never reaches another organisation's screens.
import { test, expect } from '@playwright/test';
import { CLIENT_GR, CLIENT_IT, MANAGER, expectAccessible, expectNotice, get, shot, signIn, token } from './helpers.js';

test.describe.configure({ mode: 'serial' });

const WORK = 'Renew the sea chest grating (found corroded)';

/** The header's link when `n` notifications are unread. */
const unread = (n) => new RegExp(`^Notifications\\s*,\\s*${n} unread$`);

test('a client sees new additional work in its notifications and opens the job from there', async ({ page, request }) => {
  const manager = await token(request, MANAGER);
  const client = await token(request, CLIENT_GR);
  const jobs = await get(request, client, '/jobs?status=in_progress&limit=50');
  const job = jobs.items[0];
  const before = (await get(request, client, '/me/notifications?unread=true&limit=1')).unread_count;
  const added = await request.post(`/api/v1/jobs/${job.id}/additional-work`, {
    headers: { Authorization: `Bearer ${manager}` },
    data: { description: WORK, amount: '4200.00', currency: job.currency },
  });
  expect(added.status()).toBe(201);

  await signIn(page, CLIENT_GR);
  const bell = page.getByRole('link', { name: unread(before + 1) });
  await expect(bell).toBeVisible();
  await bell.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  const item = page.getByRole('button', { name: new RegExp(`additional work to approve — ${WORK.replace(/[()]/g, '\\$&')} \\(${job.currency} 4,200\\.00\\)`) });
  await expect(item).toBeVisible();
  await expect(item).toContainText(job.number);
  await expectAccessible(page, 'notifications');
  await shot(page, 'client-notifications', { fullPage: true });
  await item.click();
  await expect(page).toHaveURL(new RegExp(`/app/jobs/${job.id}$`));
  await expect(page.getByRole('region', { name: /Waiting for your decision/ })).toContainText(WORK);
  // Read: the count went down by one.
  const after = before === 0
    ? page.getByRole('link', { name: 'Notifications', exact: true })
    : page.getByRole('link', { name: unread(before) });
  await expect(after).toBeVisible();
  const mine = await get(request, client, '/me/notifications?limit=5');
  expect(mine.items.find((n) => n.event.data.description === WORK).read_at).not.toBeNull();
});

test('another organisation\'s client never sees that news', async ({ page, request }) => {
  await signIn(page, CLIENT_IT);
  await page.getByRole('link', { name: /^Notifications/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  await expect(page.locator('main')).not.toContainText(WORK);
  const theirs = await get(request, await token(request, CLIENT_IT), '/me/notifications?limit=200');
  expect(JSON.stringify(theirs)).not.toContain(WORK);
});

test('a client marks everything read and chooses what is mailed', async ({ page, request }) => {
  await signIn(page, CLIENT_GR);
  await page.getByRole('link', { name: /^Notifications/ }).click();
  await page.getByRole('button', { name: 'Mark all read' }).click();
  await expectNotice(page, /Marked \d+ read\./);
  await expect(page.getByRole('link', { name: 'Notifications', exact: true })).toBeVisible();

  const mail = page.getByRole('form').or(page.locator('form.mail-settings'));
  await expect(page.getByLabel('Also send these to me by email')).toBeChecked();
  await page.getByLabel('Status changes').uncheck();
  await mail.getByRole('button', { name: 'Save' }).click();
  await expect(mail.getByRole('status')).toHaveText('Saved.');
  const settings = await get(request, await token(request, CLIENT_GR), '/me/notification-settings');
  expect(settings.email).toBe(true);
  expect(settings.kinds).not.toContain('job.status_changed');
  expect(settings.kinds).toContain('daily_report.ready');
});

test('a client connects its own system: a private address is refused in words, a public one gets a secret shown once', async ({ page, request }) => {
  await signIn(page, CLIENT_GR);
  await page.getByRole('link', { name: /^Notifications/ }).click();
  const hooks = page.getByRole('region', { name: 'Webhooks' });
  await hooks.getByRole('button', { name: 'Add a webhook' }).click();
  let dialog = page.getByRole('dialog', { name: 'Add a webhook' });
  await dialog.getByLabel('Address (URL)').fill('https://127.0.0.1/hook');
  await dialog.getByRole('button', { name: 'Create the webhook' }).click();
  await expect(dialog.getByRole('alert')).toContainText('must not be a loopback, private, link-local or metadata address');
  await dialog.getByLabel('Address (URL)').fill('https://93.184.215.14/slipway');
  await dialog.getByLabel('Quotes').check();
  await dialog.getByRole('button', { name: 'Create the webhook' }).click();
  await expect(dialog).toHaveCount(0);
  const secret = await hooks.locator('code.secret').innerText();
  expect(secret).toMatch(/^whsec_/);
  await expect(hooks.getByRole('listitem')).toContainText('https://93.184.215.14/slipway');
  await expect(hooks.getByRole('listitem')).toContainText('Quotes');
  await shot(page, 'client-webhooks', { fullPage: true });
  await hooks.getByRole('button', { name: 'Send a test' }).click();
  await expectNotice(page, 'A test is on its way to https://93.184.215.14/slipway.');
  await hooks.getByRole('button', { name: 'Deliveries' }).click();
  dialog = page.getByRole('dialog', { name: /Deliveries to/ });
  await expect(dialog.getByRole('row', { name: /webhook\.test/ })).toBeVisible();
  await expectAccessible(page, 'webhook deliveries');
  await dialog.getByRole('button', { name: 'Close' }).click();
  // The secret is nowhere in what the API shows afterwards.
  const bearer = await token(request, CLIENT_GR);
  const listed = await get(request, bearer, '/webhooks');
  expect(JSON.stringify(listed)).not.toContain(secret);
  // The other organisation's client does not see it.
  const theirs = await get(request, await token(request, CLIENT_IT), '/webhooks');
  expect(theirs.items).toEqual([]);
  await hooks.getByRole('button', { name: 'Delete' }).click();
  await expect(hooks).toContainText('No webhooks yet.');
});
