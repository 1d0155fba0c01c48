import { defineConfig, devices } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

// The server under test: built by scripts/test.sh, on a fresh SQLite database with demo data.
const port = Number(process.env.VELD_E2E_PORT ?? 8091);
const serverBin = process.env.VELD_SERVER_BIN ?? path.resolve(__dirname, '../target/debug/veld-server');
const dataDir = path.join(os.tmpdir(), `veld-e2e-${port}`);
const dist = path.resolve(__dirname, '../dist');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  expect: { timeout: 7_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }], ['./budget-reporter.ts']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [
    { name: 'Desktop Chrome', use: { ...devices['Desktop Chrome'], channel: undefined } },
    { name: 'Pixel 7', use: { ...devices['Pixel 7'] } },
  ],
  webServer: {
    command: `rm -rf "${dataDir}" && exec "${serverBin}" --data-dir "${dataDir}" --database-url "sqlite://${dataDir}/veld.db?mode=rwc" serve --demo --bind 127.0.0.1:${port} --dist "${dist}"`,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { RUST_LOG: 'veld_server=warn' },
  },
});
