// The contract and its money in the app (SPEC section 9): the manager prices a spec item
// from the tariff and sees its amount before saving, puts the contract's terms and the
// quote of the priced items; the Greek owner reads the cost position of the Hellas
// Trader in euros, by SFI group, with the variations' time and deadlines, and the cost
// overview of its awarded jobs; the tariff is open to read.
import { test, expect } from '@playwright/test';
import { CLIENT_GR, MANAGER, expectAccessible, expectNotice, get, shot, signIn, token } from './helpers.js';

test.describe.configure({ mode: 'serial' });

test('a manager prices a spec item from the tariff, puts the terms and quotes the priced items', async ({ page, request }) => {
  const bearer = await token(request, MANAGER);
  const job = (await get(request, bearer, '/jobs?q=Boiler%20survey')).items.find((j) => j.status === 'requested');
  expect(job.vessel.name).toBe('Nile Star');
  await signIn(page, MANAGER);
  await page.goto(`/app/jobs/${job.id}`);
  await page.getByRole('button', { name: 'Add a task' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a task' });
  await dialog.getByLabel('Item number').fill('2.14');
  await dialog.getByLabel('SFI code').fill('201');
  await dialog.getByLabel('Title').fill('Shell plating renewal, boiler room side');
  await dialog.getByLabel('Estimated hours').fill('120');
  await dialog.getByLabel('Priced as').selectOption({ label: 'From the tariff' });
  await dialog.getByLabel('Tariff item').selectOption('HULL-PLATE');
  await dialog.getByLabel('Quantity (t)').fill('4.2');
  await dialog.getByLabel(/^DC · Double curvature/).check();
  await dialog.getByLabel(/^HT · High-tensile steel/).check();
  await dialog.getByLabel('Discount (%)').fill('5');
  // SPEC's example, priced by the server before anything is saved.
  const priced = dialog.getByRole('status').or(dialog.locator('output.priced'));
  await expect(priced).toContainText('4.2 t × USD 4,940.00 − 5.00 % = USD 19,710.60');
  await expect(priced).toContainText('Tariff HULL-PLATE: USD 3,800.00 a unit, DC +20.00 %, HT +10.00 %');
  await expectAccessible(page, 'pricing dialog');
  await shot(page, 'manager-pricing');
  // A quantity with too many decimals is refused in the API's words beside the field.
  await dialog.getByLabel('Quantity (t)').fill('4.2345');
  await expect(dialog.getByText(/at most 3 decimals/).first()).toBeVisible();
  await dialog.getByLabel('Quantity (t)').fill('4.2');
  await expect(priced).toContainText('= USD 19,710.60');
  await dialog.getByRole('button', { name: 'Add a task' }).click();
  await expectNotice(page, 'Shell plating renewal, boiler room side');
  const tasks = page.getByRole('region', { name: 'Tasks' });
  await expect(tasks).toContainText('2.14');
  await expect(tasks).toContainText('USD 19,710.60');
  await expect(tasks).toContainText('SFI 201');

  // The terms, beside the quote.
  await page.getByRole('button', { name: 'Contract terms' }).click();
  const terms = page.getByRole('dialog', { name: 'Contract terms' });
  await terms.getByLabel('Contractual redelivery').fill('2027-02-26');
  await terms.getByLabel('Instalment 1: percent').fill('50');
  await terms.getByLabel('Instalment 1: due').selectOption({ label: 'on redelivery' });
  await terms.getByRole('button', { name: 'Add an instalment' }).click();
  await terms.getByLabel('Instalment 2: percent').fill('40');
  await terms.getByLabel('Instalment 2: due').selectOption({ label: 'after redelivery' });
  await terms.getByLabel('Instalment 2: days after redelivery').fill('30');
  await terms.getByRole('button', { name: 'Save' }).click();
  // 50 + 40 is not 100: the API's words, and nothing saved.
  await expect(terms.getByText(/sum to exactly 100/).first()).toBeVisible();
  await terms.getByLabel('Instalment 2: percent').fill('50');
  await terms.getByLabel('Damages per day late (USD)').fill('2500');
  await terms.getByLabel('Maximum damages (USD)').fill('50000');
  await terms.getByRole('button', { name: 'Save' }).click();
  await expectNotice(page, 'Contract terms saved.');
  const termsCard = page.getByRole('region', { name: 'Contract terms' });
  await expect(termsCard).toContainText('50.00 % on redelivery');
  await expect(termsCard).toContainText('50.00 % 30 days after redelivery');
  await expect(termsCard).toContainText('USD 2,500.00 a day, at most USD 50,000.00');

  // The quote of the priced items: computed by the server.
  await page.getByRole('button', { name: 'Set the quote' }).click();
  const quote = page.getByRole('dialog', { name: 'Set the quote' });
  await expect(quote).toContainText('the price of the 1 priced spec item');
  await quote.getByRole('button', { name: 'Send the quote' }).click();
  await expectNotice(page, 'USD 19,710.60');
  const after = await get(request, bearer, `/jobs/${job.id}`);
  expect(after.quote.amount).toBe('19710.60');
});

test('the Greek owner reads the cost of the Hellas Trader in euros, by SFI group, with deadlines', async ({ page }) => {
  await signIn(page, CLIENT_GR);
  await page.getByRole('link', { name: /J-\d{4}-0006/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Hellas Trader');
  // The decisions first: the class's anodes, priced from the tariff, their answer overdue.
  const decisions = page.getByRole('region', { name: /Waiting for your decision/ });
  await expect(decisions).toContainText('V-003');
  await expect(decisions).toContainText('48 pcs × EUR');
  await expect(decisions).toContainText('+1 day to the redelivery');
  await expect(decisions).toContainText('Answer overdue since');
  // Every variation with its number, origin and time (the bilge strake stops the work).
  const variations = page.getByRole('region', { name: 'Additional work' });
  await expect(variations).toContainText('V-001');
  await expect(variations).toContainText('Work stops until decided');
  await expect(variations).toContainText('+3 days to the redelivery');
  await expect(variations).toContainText('Owner\'s request');
  // Then the cost, right under them.
  const cost = page.getByRole('region', { name: 'Cost', exact: true });
  await expect(cost).toContainText('Contract');
  await expect(cost).toContainText(/EUR \d{3},\d{3}\.\d{2}/);
  await expect(cost).toContainText('Growth on the contract');
  const groups = cost.getByRole('table', { name: 'By SFI group' });
  await expect(groups.getByRole('row', { name: /2 · Hull/ })).toBeVisible();
  await expect(groups.getByRole('row', { name: /6 · Machinery main components/ })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Contract terms' })).toContainText('EUR 3,500.00 a day, at most EUR 70,000.00');
  await expectAccessible(page, 'owner job page with cost');
  await shot(page, 'client-cost', { fullPage: true });
  await page.getByRole('link', { name: 'Cost', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Cost' })).toBeVisible();
  const row = page.getByRole('row', { name: /Hellas Trader/ });
  await expect(row).toContainText('EUR');
  // Only its own organisation's jobs.
  await expect(page.locator('main')).not.toContainText('Stella di Genova');
  await expect(page.locator('main')).not.toContainText('Shandong Explorer');
  await expectAccessible(page, 'cost overview');
});

test('the tariff is open to read, and written by managers only', async ({ page }) => {
  await signIn(page, CLIENT_GR);
  await page.goto('/app/tariff');
  await expect(page.getByRole('heading', { level: 1, name: 'Tariff' })).toBeVisible();
  await expect(page.getByRole('row', { name: /^HULL-PLATE Shell plate renewal, mild steel/ })).toContainText('USD 3,800.00');
  await expect(page.getByRole('button', { name: 'Add a tariff item' })).toHaveCount(0);
  await page.getByLabel('SFI group').selectOption('6');
  await expect(page.getByRole('row', { name: /SHAFT-WITHDRAW/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /^HULL-PLATE / })).toHaveCount(0);
});
