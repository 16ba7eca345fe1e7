// Text a user typed cannot turn a page around or push it wider than a phone: a title with
// a right-to-left override stays in its own direction (the IMO number beside it reads as
// it is), and a long URL in a finding or a long caption wraps at 360 px.
import { test, expect } from '@playwright/test';
import { MANAGER, CLIENT_GR, get, picture, signIn, token } from './helpers.js';

const URL_110 = `https://class.example/surveys/${'hull-thickness-gauging-report-'.repeat(3)}2026.pdf`.padEnd(110, 'x');
const CAPTION_450 = 'Frame 112 port side, ' + 'heavily-pitted-bottom-plating-around-the-sea-chest-'.repeat(9);

test('a hostile title and long words leave the owner\'s job page readable, on a phone and a desktop', async ({ browser, request }) => {
  const manager = await token(request, MANAGER);
  const owner = await token(request, CLIENT_GR);
  const vessel = (await get(request, owner, '/vessels')).items.find((v) => v.imo_number);
  const auth = (bearer) => ({ Authorization: `Bearer ${bearer}` });
  const created = await request.post('/api/v1/jobs', {
    headers: auth(manager),
    data: { vessel_id: vessel.id, title: 'Boiler \u202Eexcess heat\u202C repair', description: `See ${URL_110}`, priority: 'normal' },
  });
  expect(created.status()).toBe(201);
  const job = await created.json();
  // Quoted and approved: findings come while a job is active.
  const quoted = await request.put(`/api/v1/jobs/${job.id}/quote`, {
    headers: auth(manager), data: { amount: '48000.00', currency: 'USD' },
  });
  expect(quoted.status()).toBe(200);
  const approved = await request.post(`/api/v1/jobs/${job.id}/transitions`, { headers: auth(owner), data: { to: 'approved' } });
  expect(approved.status()).toBe(200);
  const finding = await request.post(`/api/v1/jobs/${job.id}/additional-work`, {
    headers: auth(manager),
    data: { description: `Gauging report: ${URL_110}`, amount: '1200.00', currency: 'USD' },
  });
  expect(finding.status()).toBe(201);
  const photo = await picture('gauge.png');
  const attached = await request.post(`/api/v1/jobs/${job.id}/attachments`, {
    headers: auth(manager),
    multipart: { file: { name: photo.name, mimeType: photo.mimeType, buffer: photo.buffer }, caption: CAPTION_450 },
  });
  expect(attached.status()).toBe(201);

  for (const viewport of [{ width: 360, height: 740 }, { width: 1440, height: 900 }]) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await signIn(page, CLIENT_GR);
    await page.goto(`/app/jobs/${job.id}`);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(vessel.name);
    await expect(page.getByText(CAPTION_450.slice(0, 40))).toBeVisible();
    // Nothing is wider than the screen.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `page width at ${viewport.width} px`).toBeLessThanOrEqual(viewport.width);
    // The title sits in an isolate of its own; the IMO number is outside it.
    const placed = await page.evaluate(() => {
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      let node;
      while ((node = walker.nextNode())) {
        if (node.data.includes('\u202E')) {
          const holder = node.parentElement;
          return {
            isolated: holder.tagName === 'BDI' || getComputedStyle(holder).unicodeBidi === 'isolate',
            imoInside: holder.textContent.includes('IMO'),
            imoBeside: holder.parentElement.textContent.includes('IMO'),
          };
        }
      }
      return null;
    });
    expect(placed).toEqual({ isolated: true, imoInside: false, imoBeside: true });
    await context.close();
  }
});
