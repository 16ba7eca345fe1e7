// Photos in the app (SPEC section 8): a welder attaches one when logging work, a manager
// attaches one to a finding, the owner sees it beside the decision and in the day's report
// before deciding, and another owner cannot fetch it.
import { test, expect } from '@playwright/test';
import { MANAGER, WELDER, CLIENT_GR, expectNotice, get, picture, signIn, token } from './helpers.js';

const CLIENT_CN = 'client.cn@demo.slipway.example';

test.describe.configure({ mode: 'serial' });

test('a technician takes a photo when logging work, and the owner sees it in the day\'s report', async ({ browser, request }) => {
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await signIn(page, WELDER);
  const card = page.getByRole('article', { name: /Hellas Trader/ });
  const input = card.getByLabel('Add a photo');
  await expect(input).toHaveAttribute('capture', 'environment');
  await expect(input).toHaveAttribute('accept', 'image/*');
  const now = new Date(Date.now() - 6 * 3_600_000);
  const clock = (d) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
  await card.getByLabel('Date').fill(day);
  await card.getByLabel('Start').fill(clock(now));
  await card.getByLabel('End').fill(clock(new Date(now.getTime() + 1_800_000)));
  await card.getByLabel('What you did').fill('Strake 3 after back-gouging');
  await input.setInputFiles(await picture('strake.png'));
  await card.getByRole('button', { name: 'Log work' }).click();
  await expectNotice(page, 'with a photo');
  await phone.close();

  // The owner in Piraeus: the day's report of the job shows the photo.
  const owner = await browser.newPage();
  await signIn(owner, CLIENT_GR);
  await owner.getByRole('link', { name: /J-\d{4}-0006/ }).click();
  // Files are listed in the report of the day they arrived: today.
  const report = owner.getByRole('region', { name: /^Daily report/ });
  await report.getByLabel('Day').fill(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()));
  const thumbs = report.getByRole('list', { name: 'Photos and documents of the day' });
  const photo = thumbs.getByRole('button', { name: /Open Strake 3 after back-gouging/ });
  await expect(photo).toBeVisible();
  await expect.poll(() => photo.locator('img').evaluate((img) => img.naturalWidth)).toBeGreaterThan(0);
  const bearer = await token(request, CLIENT_GR);
  const job = (await get(request, bearer, '/jobs?q=Docking')).items[0];
  const files = await get(request, bearer, `/jobs/${job.id}/attachments`);
  expect(files.items.some((f) => f.uploaded_by_role === 'technician' && f.content_type === 'image/png')).toBe(true);
});

test('a manager attaches a photo to a finding, and its owner sees it before deciding; another owner cannot', async ({ page, browser, request }) => {
  await signIn(page, MANAGER);
  const bearer = await token(request, MANAGER);
  const job = (await get(request, bearer, '/jobs?q=switchboard')).items[0];
  await page.goto(`/app/jobs/${job.id}`);
  const files = page.getByRole('region', { name: 'Photos and documents' });
  await files.getByLabel('Photo or document').setInputFiles(await picture('cable.png', 120, 80));
  await files.getByLabel('Caption').fill('Burnt HV cable under the switchboard');
  await files.getByLabel('What it shows').selectOption({ label: 'Additional work: Renew 120 m of damaged HV cable' });
  await files.getByRole('button', { name: 'Attach' }).click();
  await expectNotice(page, 'Attached: cable.png.');
  await expect(page.getByRole('region', { name: 'Additional work' }).getByRole('button', { name: /Open Burnt HV cable/ })).toBeVisible();

  const owner = await browser.newPage();
  await signIn(owner, CLIENT_CN);
  await owner.goto(`/app/jobs/${job.id}`);
  const decisions = owner.getByRole('region', { name: /Waiting for your decision/ });
  const thumb = decisions.getByRole('button', { name: /Open Burnt HV cable under the switchboard/ });
  await expect(thumb).toBeVisible();
  await expect.poll(() => thumb.locator('img').evaluate((img) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(decisions.getByRole('button', { name: /^Approve additional work: Renew 120 m of damaged HV cable/ })).toBeVisible();

  // The photo's address is nothing to another owner.
  const list = await get(request, bearer, `/jobs/${job.id}/attachments`);
  const cable = list.items.find((f) => f.caption === 'Burnt HV cable under the switchboard');
  const stranger = await token(request, CLIENT_GR);
  for (const path of [cable.content_url, cable.thumbnail_url, `/api/v1/attachments/${cable.id}`]) {
    const reply = await request.get(path, { headers: { Authorization: `Bearer ${stranger}` } });
    expect(reply.status(), path).toBe(404);
  }
});
