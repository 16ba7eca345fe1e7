// A welder on the dock, on a phone: the assignment of today first, the shift so far
// prefilled, "Log work", a clear "saved", and an overlapping log refused in words.
import { test, expect } from '@playwright/test';
import { WELDER, addDays, expectNotice, shot, signIn, yardClock } from './helpers.js';

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

test('a technician logs work on a phone and sees an overlap refused', async ({ page }) => {
  await signIn(page, WELDER);
  await expect(page).toHaveURL(/\/app\/my-work$/);
  const card = page.getByRole('article', { name: /Hellas Trader/ });
  await expect(card).toContainText('Dry Dock No. 1');
  await expect(card).toContainText('Shell plating renewal, bilge strake');
  // The shift so far is there already.
  const now = yardClock();
  // The shift began today, or yesterday evening for a night shift past midnight.
  await expect(card.getByLabel('Date')).toHaveValue(new RegExp(`^(${now.date}|${addDays(now.date, -1)})$`));
  expect(await card.getByLabel('End').inputValue()).not.toBe('');

  const from = yardClock(-2 * 3_600_000);
  const to = yardClock(-3_600_000);
  await card.getByLabel('Date').fill(from.date);
  await card.getByLabel('Start').fill(from.time);
  await card.getByLabel('End').fill(to.time);
  await card.getByLabel('What you did').fill('Welded strake 3, frames 112 to 118');
  await card.getByLabel(/Task progress/).fill('40');
  const logButton = card.getByRole('button', { name: 'Log work' });
  const box = await logButton.boundingBox();
  expect(box.height).toBeGreaterThanOrEqual(44);
  expect(box.width).toBeLessThanOrEqual(360);
  await logButton.click();
  await expectNotice(page, `Saved: ${from.time}–${to.time}, Shell plating renewal, bilge strake (1.0 h).`);
  await shot(page, 'technician-my-work', { fullPage: true });

  // The same hour again: refused, with the reason.
  const again = page.getByRole('article', { name: /Hellas Trader/ });
  await again.getByLabel('Date').fill(from.date);
  await again.getByLabel('Start').fill(from.time);
  await again.getByLabel('End').fill(to.time);
  await again.getByLabel('What you did').fill('Same shift sent twice');
  await again.getByRole('button', { name: 'Log work' }).click();
  const refusal = again.getByRole('alert');
  await expect(refusal).toContainText('Not saved');
  await expect(refusal).toContainText('You already logged work overlapping this time.');
  await expect(again.getByRole('region', { name: 'Your recent logs' })).toContainText('Welded strake 3, frames 112 to 118');
  // Nothing wider than the phone.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
});

test('a technician sets the status of their task', async ({ page }) => {
  await signIn(page, WELDER);
  const card = page.getByRole('article', { name: /Hellas Trader/ });
  await card.getByLabel('Task status').selectOption('done');
  await expectNotice(page, 'Shell plating renewal, bilge strake is now done.');
  await page.getByRole('article', { name: /Hellas Trader/ }).getByLabel('Task status').selectOption('in_progress');
  await expectNotice(page, 'Shell plating renewal, bilge strake is now in progress.');
});
