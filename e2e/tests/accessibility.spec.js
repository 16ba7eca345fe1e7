// axe-core on every screen of every role, dialogs open too: no serious or critical
// violation. The board's screenshot for the README is taken here.
import { test, expect } from '@playwright/test';
import { CLIENT_GR, MANAGER, WELDER, expectAccessible, get, shot, signIn, token } from './helpers.js';

test('the sign-in screen', async ({ page }) => {
  await page.goto('/app/login');
  await expect(page.getByRole('heading', { name: 'Sign in to Slipway' })).toBeVisible();
  await expectAccessible(page, 'sign in');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expectAccessible(page, 'sign in with an error');
});

test('every screen of the manager', async ({ page, request }) => {
  const bearer = await token(request, MANAGER);
  const job = (await get(request, bearer, '/jobs?q=Docking')).items[0];
  const tech = (await get(request, bearer, '/technicians?limit=1')).items[0];
  await signIn(page, MANAGER);
  await expect(page.getByRole('button', { name: /^Hellas Trader J-/ })).toBeVisible();
  await shot(page, 'yard-board');
  await expectAccessible(page, 'board');
  await page.getByRole('button', { name: 'Weeks' }).click();
  await expectAccessible(page, 'board by weeks');
  await page.getByRole('button', { name: 'Find a slot' }).click();
  await expectAccessible(page, 'find a slot');
  await page.keyboard.press('Escape');
  for (const [path, heading] of [
    ['/app/jobs', 'Jobs'], [`/app/jobs/${job.id}`, /Hellas Trader/], ['/app/vessels', 'Vessels'], ['/app/docks', 'Docks'],
    ['/app/technicians', 'Technicians'], [`/app/technicians/${tech.id}`, tech.full_name], ['/app/clients', 'Clients'],
    ['/app/users', 'Users'], ['/app/reports', 'Reports'], ['/app/tariff', 'Tariff'], ['/app/cost', 'Cost'],
  ]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
    await page.waitForLoadState('networkidle');
    await expectAccessible(page, path);
  }
  await page.goto(`/app/jobs/${job.id}`);
  await page.getByRole('button', { name: 'Add a task' }).click();
  await expectAccessible(page, 'add a task');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Assign a technician to Tailshaft withdrawal and survey' }).click();
  await expectAccessible(page, 'assign');
  await page.keyboard.press('Escape');
  await page.goto('/app/vessels');
  await page.getByRole('button', { name: 'Add a vessel' }).click();
  await expectAccessible(page, 'add a vessel');
});

test('every screen of a client', async ({ page }) => {
  await signIn(page, CLIENT_GR);
  await expect(page.getByRole('heading', { name: 'My jobs' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  await expectAccessible(page, 'my jobs');
  await page.getByRole('button', { name: 'Request a repair' }).click();
  await expectAccessible(page, 'request a repair');
  await page.keyboard.press('Escape');
  await page.getByRole('link', { name: /J-\d{4}-0006/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Hellas Trader');
  await page.waitForLoadState('networkidle');
  await expectAccessible(page, 'job page');
  await page.goto('/app/vessels');
  await expect(page.getByRole('heading', { name: 'My fleet' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  await expectAccessible(page, 'my fleet');
  await page.goto('/app/jobs/00000000-0000-4000-8000-000000000000');
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expectAccessible(page, 'not found');
});

test('the technician\'s phone screen', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await signIn(page, WELDER);
  await expect(page.getByRole('button', { name: 'Log work' }).first()).toBeVisible();
  await page.waitForLoadState('networkidle');
  await expectAccessible(page, 'my work');
  await context.close();
});
