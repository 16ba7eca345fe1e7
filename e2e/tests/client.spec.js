// A shipowner's superintendent abroad: decides the quote and the additional work waiting
// for them, reads yesterday's daily report, requests a repair and cancels it, and cannot
// reach another organisation's job by typing its address.
import { test, expect } from '@playwright/test';
import { CLIENT_GR, MANAGER, addDays, expectNotice, get, shot, signIn, token, yardClock } from './helpers.js';

test.describe.configure({ mode: 'serial' });

test('a client approves a quote from its job page', async ({ page }) => {
  await signIn(page, CLIENT_GR);
  await page.getByLabel('Status').selectOption({ label: 'quoted' });
  await expect(page).toHaveURL(/status=quoted/);
  await page.getByRole('row', { name: /Cargo pump overhaul/ }).getByRole('link').click();
  const decisions = page.getByRole('region', { name: /Waiting for your decision/ });
  await expect(decisions).toContainText('USD 642,000.00');
  await decisions.getByRole('button', { name: 'Approve quote' }).click();
  await expectNotice(page, 'Quote approved: USD 642,000.00.');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('approved');
  await expect(page.getByRole('button', { name: 'Approve quote' })).toHaveCount(0);
});

test('a client rejects additional work with a reason, and reads yesterday\'s daily report', async ({ page, request }) => {
  await signIn(page, CLIENT_GR);
  await page.getByRole('link', { name: /J-\d{4}-0006/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Hellas Trader');
  // The decision comes first, with its amount.
  const decisions = page.getByRole('region', { name: /Waiting for your decision/ });
  await expect(decisions).toContainText('EUR 38,500.00');
  await expect(page.getByRole('region', { name: /^Daily report/ }).getByRole('table')).toBeVisible();
  await shot(page, 'client-job', { fullPage: true });
  await decisions.getByRole('button', { name: 'Reject additional work: Renew 14 m2 of shell plating at the bilge strake' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('Our superintendent measured 9 m2 only; please quote that.');
  await dialog.getByRole('button', { name: 'Reject' }).click();
  await expectNotice(page, 'Rejected: Renew 14 m2 of shell plating at the bilge strake.');
  await expect(page.getByRole('region', { name: 'Additional work' })).toContainText('rejected');
  await expect(page.getByRole('region', { name: 'Additional work' })).toContainText('Our superintendent measured 9 m2 only');

  // Yesterday's report, in the yard's calendar, is there without asking.
  const yesterday = addDays(yardClock().date, -1);
  const report = page.getByRole('region', { name: /^Daily report/ });
  await expect(report.getByLabel('Day')).toHaveValue(yesterday);
  await expect(report).toContainText(/[1-9][0-9]*\.0 h logged this day/);
  await expect(report.getByRole('row', { name: /Shell plating renewal, bilge strake/ })).toBeVisible();
  // Never a yard staff member's name on the owner's page.
  const bearer = await token(request, MANAGER);
  const techs = await get(request, bearer, '/technicians?limit=200');
  const text = await page.locator('main').innerText();
  for (const t of techs.items) expect(text).not.toContain(t.full_name);
});

test('a client requests a repair for one of its vessels and cancels it', async ({ page }) => {
  await signIn(page, CLIENT_GR);
  await page.getByRole('button', { name: 'Request a repair' }).click();
  const dialog = page.getByRole('dialog', { name: 'Request a repair' });
  await dialog.getByRole('button', { name: 'Send the request' }).click();
  await expect(dialog.getByRole('alert')).toBeVisible();
  await dialog.getByLabel('Vessel').selectOption({ label: 'Kalliopi' });
  await dialog.getByLabel('Title').fill('Bow thruster seal leak');
  await dialog.getByLabel('Repair specification').fill('1. Renew bow thruster shaft seals\n2. Pressure test');
  await dialog.getByRole('button', { name: 'Send the request' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Kalliopi');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('requested');
  await page.getByRole('button', { name: 'Cancel this job' }).click();
  const cancel = page.getByRole('dialog', { name: 'Cancel this job' });
  await cancel.getByRole('button', { name: 'Cancel this job' }).click();
  await expectNotice(page, 'The job is cancelled.');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('cancelled');
});

test('a client typing another organisation\'s job address sees "not found"', async ({ page, request }) => {
  const bearer = await token(request, MANAGER);
  const theirs = (await get(request, bearer, '/jobs?q=lifeboat')).items[0];
  expect(theirs.vessel.name).toBe('Stella di Genova');
  await signIn(page, CLIENT_GR);
  await expect(page.getByRole('heading', { name: 'My jobs' })).toBeVisible();
  await page.goto(`/app/jobs/${theirs.id}`);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.locator('main')).not.toContainText('Stella di Genova');
  // Nor in the fleet or the list.
  await page.goto('/app/vessels');
  await expect(page.getByRole('heading', { name: 'My fleet' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Hellas Trader/ })).toBeVisible();
  await expect(page.locator('main')).not.toContainText('Stella di Genova');
  // A manager's screen is not there for a client either.
  await page.goto('/app/board');
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
});
