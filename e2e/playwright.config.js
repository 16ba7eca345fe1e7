// Slipway's browser tests: Debian's Chromium (a downloaded browser cannot be had where
// the tests run), driven by Playwright, against the real server on a fresh database with
// the demo yard loaded for today (global-setup.js). Tests run one after another: they
// share that yard, each on jobs of its own.
import { defineConfig, devices } from '@playwright/test';

const port = process.env.SLIPWAY_E2E_PORT
  || (process.env.SLIPWAY_E2E_PORT = String(20000 + Math.floor(Math.random() * 20000)));

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.js',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: '../target/e2e-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    locale: 'en-GB',
    timezoneId: 'Europe/Athens',
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], viewport: { width: 1440, height: 900 } } }],
});
