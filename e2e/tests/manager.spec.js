// The yard manager's day: moving bookings on the board by drag and by dialog (and a move
// onto another booking refused in words, the bar back in place), finding a slot and
// booking it, taking a job from approved to in progress, assigning a certified technician.
import { test, expect } from '@playwright/test';
import { MANAGER, addDays, choose, expectNotice, get, signIn, token, yardClock } from './helpers.js';

const HELD = /^Lu Rong Yu 6011 held slot/;

async function booking(request, bearer, vessel) {
  const today = yardClock().date;
  const list = await get(request, bearer, `/dock-bookings?from=${addDays(today, -10)}T00:00:00Z&to=${addDays(today, 90)}T00:00:00Z&limit=200`);
  return list.items.find((b) => b.vessel_name === vessel);
}

/** Drags a bar by `days` along, and onto the row of the dock named `dock`, as a mouse would. */
async function drag(page, bar, days, dock) {
  const box = await bar.boundingBox();
  const lane = await bar.locator('xpath=..').boundingBox();
  const perDay = lane.width / 46;
  const x = box.x + Math.min(30, box.width / 2);
  const y = box.y + box.height / 2;
  let toY = y;
  if (dock) {
    const row = await page.getByText(dock, { exact: true }).boundingBox();
    toY = row.y + row.height / 2;
  }
  await page.mouse.move(x, y);
  await page.mouse.down();
  const steps = 8;
  for (let i = 1; i <= steps; i += 1) {
    await page.mouse.move(x + (days * perDay * i) / steps, y + ((toY - y) * i) / steps);
  }
  await page.mouse.up();
}

test.describe.configure({ mode: 'serial' });

test('a manager drags a booking to another day, and a drag onto another booking is refused in words', async ({ page, request }) => {
  const bearer = await token(request, MANAGER);
  const before = await booking(request, bearer, 'Lu Rong Yu 6011');
  await signIn(page, MANAGER);
  const bar = page.getByRole('button', { name: HELD });
  await expect(bar).toBeVisible();

  await drag(page, bar, 2);
  await expectNotice(page, 'Moved: Lu Rong Yu 6011 in Slipway A');
  const moved = await booking(request, bearer, 'Lu Rong Yu 6011');
  expect(Date.parse(moved.starts_at) - Date.parse(before.starts_at)).toBe(2 * 86_400_000);
  expect(Date.parse(moved.ends_at) - Date.parse(before.ends_at)).toBe(2 * 86_400_000);

  // From Slipway A onto Dry Dock No. 2, where the Aegean Glory lies at that time.
  const lane = bar.locator('xpath=..');
  const home = await bar.boundingBox();
  const homeLane = await lane.boundingBox();
  await drag(page, bar, 0, 'Dry Dock No. 2');
  const refusal = page.getByRole('alert').filter({ hasText: 'Not moved' });
  await expect(refusal).toContainText('The dock is booked at an overlapping time.');
  await expect(refusal.getByRole('link', { name: /Aegean Glory \(J-\d{4}-0005\)/ })).toBeVisible();
  const back = await bar.boundingBox();
  const backLane = await lane.boundingBox();
  expect(Math.abs(back.x - home.x)).toBeLessThan(2);
  expect(Math.abs((back.y - backLane.y) - (home.y - homeLane.y))).toBeLessThan(2);
  await expect(page.getByRole('button', { name: /^Lu Rong Yu 6011 held slot, no job in Slipway A,/ })).toBeVisible();
  const still = await booking(request, bearer, 'Lu Rong Yu 6011');
  expect(still.dock_name).toBe('Slipway A');
  expect(still.starts_at).toBe(moved.starts_at);
});

test('a manager moves a booking through its dialog with the keyboard alone', async ({ page, request }) => {
  const bearer = await token(request, MANAGER);
  const before = await booking(request, bearer, 'Lu Rong Yu 6011');
  await signIn(page, MANAGER);
  const bar = page.getByRole('button', { name: HELD });
  await bar.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Booking of Lu Rong Yu 6011' });
  await expect(dialog).toBeVisible();
  // Onto Dry Dock No. 2 first: refused, with the API's words beside the form.
  await dialog.getByLabel('Dock').selectOption({ label: 'Dry Dock No. 2' });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('alert')).toContainText('The dock is booked at an overlapping time.');
  // Then a day later in its own slipway.
  await dialog.getByLabel('Dock').selectOption({ label: 'Slipway A' });
  const start = dialog.getByLabel('Start date');
  const end = dialog.getByLabel('End date');
  await start.fill(addDays(await start.inputValue(), -1));
  await end.fill(addDays(await end.inputValue(), -1));
  await dialog.getByRole('button', { name: 'Save' }).press('Enter');
  await expect(dialog).toHaveCount(0);
  await expectNotice(page, 'Moved: Lu Rong Yu 6011');
  const after = await booking(request, bearer, 'Lu Rong Yu 6011');
  expect(Date.parse(before.starts_at) - Date.parse(after.starts_at)).toBe(86_400_000);
});

test('a manager finds a slot for a vessel, books it for its job, and takes the job from approved to in progress', async ({ page, request }) => {
  const bearer = await token(request, MANAGER);
  await signIn(page, MANAGER);
  await page.getByRole('button', { name: 'Find a slot' }).click();
  const finder = page.getByRole('dialog', { name: 'Find a slot' });
  await choose(finder.getByLabel('Vessel'), 'Akademik Ioffe');
  await finder.getByLabel('Duration (days)').fill('12');
  await finder.getByRole('button', { name: 'Find free docks' }).click();
  await expect(finder.getByRole('heading', { name: 'Free windows' })).toBeVisible();
  // A research vessel of 90 m: the slipway's lifting limit and length refuse it, so it
  // is not offered; the graving docks are.
  await expect(finder.getByRole('heading', { name: 'Dry Dock No. 1' })).toBeVisible();
  await expect(finder.getByRole('heading', { name: 'Slipway A' })).toHaveCount(0);
  await finder.getByRole('button', { name: /^Book Repair Berth 3 from/ }).first().click();
  await choose(finder.getByLabel('Job'), 'Ice belt steel renewal');
  await finder.getByRole('button', { name: 'Book this slot' }).click();
  await expect(finder).toHaveCount(0);
  await expectNotice(page, 'Booked: Akademik Ioffe in Repair Berth 3');
  await expect(page.getByRole('button', { name: /^Akademik Ioffe J-\d{4}-0004 · approved in Repair Berth 3/ })).toBeVisible();

  // The booking gave the job its planned dates: it can be scheduled, then started.
  const jobs = await get(request, bearer, '/jobs?q=Ice%20belt');
  const job = jobs.items[0];
  expect(job.planned_start).not.toBeNull();
  await page.goto(`/app/jobs/${job.id}`);
  await expect(page.getByRole('heading', { name: /Akademik Ioffe/ })).toContainText('approved');
  await page.getByRole('button', { name: 'Schedule' }).click();
  await expectNotice(page, 'The job is now scheduled.');
  await page.getByRole('button', { name: 'Start work' }).click();
  await expectNotice(page, 'The job is now in progress.');
  await expect(page.getByRole('heading', { name: /Akademik Ioffe/ })).toContainText('in progress');
  // Putting it on hold needs a reason: the button asks for it.
  await page.getByRole('button', { name: 'Put on hold' }).click();
  const hold = page.getByRole('dialog', { name: 'Put on hold' });
  await hold.getByRole('button', { name: 'Put on hold' }).click();
  await expect(hold.getByRole('alert')).toContainText('is required to move the job to on_hold');
  await hold.getByLabel('Note').fill('Waiting for the ice-class steel.');
  await hold.getByRole('button', { name: 'Put on hold' }).click();
  await expectNotice(page, 'The job is now on hold.');
  await expect(page.getByRole('list').filter({ hasText: 'Waiting for the ice-class steel.' })).toBeVisible();
});

test('a manager assigns a certified, free technician to a task; an uncertified one is not offered', async ({ page, request }) => {
  const bearer = await token(request, MANAGER);
  const today = yardClock().date;
  const job = (await get(request, bearer, '/jobs?q=Special%20survey')).items[0];
  await signIn(page, MANAGER);
  await page.goto(`/app/jobs/${job.id}`);
  await page.getByRole('button', { name: 'Assign a technician to Underwater hull coating' }).click();
  const dialog = page.getByRole('dialog', { name: 'Assign a technician to Underwater hull coating' });
  await expect(dialog).toContainText('Only technicians holding COAT-INSP');
  await dialog.getByLabel('Start date').fill(addDays(today, 10));
  await dialog.getByLabel('End date').fill(addDays(today, 18));
  const choice = dialog.getByLabel('Technician');
  await expect(choice.locator('option', { hasText: 'Zhou Min' })).toHaveCount(1);
  await expect(choice.locator('option', { hasText: 'Liu Yang' })).toHaveCount(0);
  await expect(choice.locator('option', { hasText: 'Wang Fang' })).toHaveCount(0);
  await choose(choice, 'Zhou Min');
  await dialog.getByRole('button', { name: 'Assign' }).click();
  await expectNotice(page, 'Zhou Min assigned to Underwater hull coating.');
  const assignments = await get(request, bearer, `/jobs/${job.id}/assignments`);
  expect(assignments.items.map((a) => a.technician_name)).toContain('Zhou Min');
});
