import { chromium, expect, test } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Shell, listed, loginAs, users } from './fixtures/app';

test('the manifest describes an installable app', async ({ request }) => {
  const response = await request.get('/manifest.webmanifest');
  expect(response.ok()).toBe(true);
  const manifest = await response.json();
  expect(manifest).toMatchObject({ name: 'Veld CRM', short_name: 'Veld', start_url: '/', display: 'standalone' });
  const sizes = manifest.icons.map((i: { sizes: string; purpose: string }) => `${i.sizes}/${i.purpose}`);
  expect(sizes).toEqual(expect.arrayContaining(['192x192/any', '512x512/any', '192x192/maskable', '512x512/maskable']));
  for (const icon of manifest.icons) {
    expect((await request.get(icon.src)).ok(), icon.src).toBe(true);
  }
});

test('Chromium reports no installability errors', async ({ baseURL }, testInfo) => {
  test.skip(testInfo.project.name !== 'Desktop Chrome', 'installability does not depend on the viewport');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'veld-pwa-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const page = await context.newPage();
    await page.goto(`${baseURL}/login`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
  } finally {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('hashed assets are cached for good, the shell and the worker never', async ({ request }) => {
  const html = await request.get('/');
  expect(html.headers()['cache-control']).toBe('no-cache');
  const sw = await request.get('/sw.js');
  expect(sw.headers()['cache-control']).toBe('no-cache');
  const body = await sw.text();
  expect(body).not.toContain('__VELD_PRECACHE__');
  const wasm = body.match(/"(\/veld-app-[0-9a-f]{10,16}_bg\.wasm)"/);
  expect(wasm, 'the worker precaches this build').not.toBeNull();
  const asset = await request.get(wasm![1], { headers: { 'accept-encoding': 'gzip' } });
  expect(asset.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(asset.headers()['content-encoding']).toBe('gzip');
});

test('the first screens load without the other pages\' code; a page fetches its chunk when it opens', async ({ page }) => {
  const chunks: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (/^\/snippets\/veld-split-[0-9a-f]{16}\/[^/]+\.wasm$/.test(url.pathname)) chunks.push(url.pathname);
  });
  // A returning user's first screen, the leads list, comes with the main module alone.
  await loginAs(page, users.manager.email);
  await page.goto('/leads');
  await expect(listed(page, 'Leads').first()).toBeVisible();
  const atLogin = chunks.length;
  await page.reload();
  await expect(listed(page, 'Leads').first()).toBeVisible();
  expect(chunks.slice(atLogin), 'the leads list is in the main module').toEqual([]);
  // Home (after a login) comes in its chunk.
  expect(chunks.some((c) => /home_route/.test(c)), 'Home came in a chunk').toBe(true);
  const shell = new Shell(page);
  await shell.open('Pijplijn');
  await expect(page.getByRole('region', { name: 'Pijplijn' }).getByRole('listitem').first()).toBeVisible();
  expect(chunks.some((c) => /pipeline_route/.test(c)), 'the pipeline came in a chunk').toBe(true);
  // Every chunk is in this build's precache list (so it is there offline).
  const sw = await (await page.request.get('/sw.js')).text();
  for (const chunk of chunks) expect(sw).toContain(`"${chunk}"`);
});
