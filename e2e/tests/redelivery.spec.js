// Redelivery and delays in the app (SPEC section 9): the Greek owner reads the Hellas
// Trader's redelivery card (the contractual date as awarded and as moved, the yard's
// forecast, days late and damages, each entry with its cause and party) and disputes the
// gale day; the manager sees the bar running late on the board, records a class delay and
// withdraws it. Another owner reaches none of it. The owner subscribes to its calendar.
import { test, expect } from '@playwright/test';
import { CLIENT_GR, CLIENT_IT, MANAGER, choose, expectAccessible, expectNotice, get, shot, signIn, token } from './helpers.js';

test.describe.configure({ mode: 'serial' });

/** "8 Dec 2026" from "2026-12-08", as the app writes a calendar day. */
function long(day) {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

function euros(amount) {
  return `EUR ${Number(amount).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

async function hellas(request, email = MANAGER) {
  const bearer = await token(request, email);
  const job = (await get(request, bearer, '/jobs?q=J-2026-0006')).items[0];
  return { job, bearer };
}

test('the Greek owner reads the redelivery of the Hellas Trader and disputes the gale day', async ({ page, request }) => {
  const { job, bearer } = await hellas(request, CLIENT_GR);
  const before = await get(request, bearer, `/jobs/${job.id}/redelivery`);
  await signIn(page, CLIENT_GR);
  await page.goto(`/app/jobs/${job.id}`);
  const card = page.getByRole('region', { name: 'Redelivery' });
  // Moved by the grating's time and its late answer, a gale, the seal kit (and by
  // whatever the owner decided late in the tests before): as the API says.
  await expect(card).toContainText('Contractual, as awarded');
  await expect(card).toContainText(`Contractual now${long(before.current)}`);
  await expect(card).toContainText(before.days_late > 0 ? `${before.days_late} days late` : 'On time');
  await expect(card).toContainText(`Damages accrued${euros(before.damages_accrued.amount)}`);
  await expect(card).toContainText('Approved variation · V-002');
  await expect(card).toContainText('Late decision on a blocking variation · V-002');
  await expect(card).toContainText(`Moved by: owner +${before.by_party.owner} days, class 0 days, neither party +1 day`);
  await expect(card).toContainText('Disputed by the owner');
  // The gale day: the owner does not accept it.
  await card.getByRole('button', { name: 'Dispute Weather, +1 day' }).click();
  const dialog = page.getByRole('dialog', { name: 'Dispute Weather, +1 day' });
  await dialog.getByRole('button', { name: 'Dispute' }).click();
  await expect(dialog).toContainText('must say what happened');
  await dialog.getByLabel('Why you do not accept it').fill('Our master logged wind under 12 m/s all that day.');
  await dialog.getByRole('button', { name: 'Dispute' }).click();
  await expectNotice(page, 'Your dispute is recorded');
  await expect(card.getByRole('button', { name: 'Dispute Weather, +1 day' })).toHaveCount(0);
  await expect(card).toContainText('Our master logged wind under 12 m/s all that day.');
  const after = await get(request, bearer, `/jobs/${job.id}/redelivery`);
  // A dispute does not move the date.
  expect(after.current).toBe(before.current);
  await expectAccessible(page, 'owner redelivery card');
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'client-redelivery');
});

test('another owner reaches neither the card nor the ledger', async ({ page, request }) => {
  const { job } = await hellas(request);
  const bearer = await token(request, CLIENT_IT);
  const res = await request.get(`/api/v1/jobs/${job.id}/redelivery`, { headers: { authorization: `Bearer ${bearer}` } });
  expect(res.status()).toBe(404);
  await signIn(page, CLIENT_IT);
  await page.goto(`/app/jobs/${job.id}`);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Redelivery' })).toHaveCount(0);
});

test('the manager sees the late bar, records a class delay and withdraws it', async ({ page, request }) => {
  const { job, bearer } = await hellas(request);
  // The yard's forecast slips two days past the contractual date.
  const start = await get(request, bearer, `/jobs/${job.id}/redelivery`);
  const slipped = new Date(`${start.current}T01:00:00Z`);
  slipped.setUTCDate(slipped.getUTCDate() + 2);
  const patched = await request.patch(`/api/v1/jobs/${job.id}`, {
    headers: { authorization: `Bearer ${bearer}` }, data: { planned_end: slipped.toISOString() },
  });
  expect(patched.status()).toBe(200);
  await signIn(page, MANAGER);
  await page.goto('/app/board');
  const bar = page.locator('.bar.running-late', { hasText: 'Hellas Trader' });
  await expect(bar).toContainText('2 days late');
  await page.goto(`/app/jobs/${job.id}`);
  const card = page.getByRole('region', { name: 'Redelivery' });
  await card.getByRole('button', { name: 'Record a delay' }).click();
  const dialog = page.getByRole('dialog', { name: 'Record a delay' });
  await dialog.getByLabel('Days').fill('0');
  await choose(dialog.getByLabel('Cause'), 'Class requirement');
  await dialog.getByLabel('What happened').fill('The surveyor asked for a tailshaft survey outside the specification.');
  await dialog.getByRole('button', { name: 'Record' }).click();
  await expect(dialog).toContainText('must not be 0');
  await dialog.getByLabel('Days').fill('2');
  await dialog.getByRole('button', { name: 'Record' }).click();
  await expectNotice(page, 'Recorded: +2 days, Class requirement.');
  await expect(card).toContainText('On time');
  await expect(card).toContainText('class +2 days');
  const moved = await get(request, bearer, `/jobs/${job.id}/redelivery`);
  expect(moved.days_late).toBe(0);
  await card.getByRole('button', { name: 'Withdraw Class requirement, +2 days' }).click();
  await page.getByRole('dialog', { name: 'Withdraw this entry?' }).getByRole('button', { name: 'Withdraw' }).click();
  await expectNotice(page, 'Entry withdrawn');
  await expect(card).toContainText('2 days late');
  await expect(card).toContainText('Withdrawn, no longer counts');
  const back = await get(request, bearer, `/jobs/${job.id}/redelivery`);
  expect(back.current).toBe(start.current);
  await expectAccessible(page, 'manager redelivery card');
});

test('the owner subscribes to its calendar and makes a new address', async ({ page, request }) => {
  await signIn(page, CLIENT_GR);
  await page.getByRole('button', { name: 'Calendar' }).click();
  const dialog = page.getByRole('dialog', { name: 'Subscribe in your calendar' });
  const address = dialog.getByLabel('Address of your calendar');
  await expect(address).toHaveValue(/\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
  const url = await address.inputValue();
  // What the calendar app reads: the Hellas Trader's dock dates and its redelivery.
  const feed = await request.get(url);
  expect(feed.status()).toBe(200);
  expect(feed.headers()['content-type']).toBe('text/calendar; charset=utf-8');
  // Long lines are folded (RFC 5545 3.1): unfolded as a calendar app reads them.
  const text = (await feed.text()).replace(/\r\n[ \t]/g, '');
  expect(text).toContain('BEGIN:VCALENDAR');
  expect(text).toContain('Hellas Trader · J-2026-0006 · contractual redelivery');
  expect(text).not.toContain('Stella di Genova');
  await expect(dialog.getByRole('link', { name: 'Open in the calendar app' })).toHaveAttribute('href', /^webcal:/);
  await expectAccessible(page, 'calendar dialog');
  await dialog.getByRole('button', { name: 'Make a new address' }).click();
  await expect(dialog).toContainText('the old one no longer works');
  await expect(address).not.toHaveValue(url);
  expect((await request.get(url)).status()).toBe(404);
  expect((await request.get(await address.inputValue())).status()).toBe(200);
});
