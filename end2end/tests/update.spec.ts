import { expect, test } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Shell, loginAs, swReady, users } from './fixtures/app';

const dist = path.resolve(__dirname, '../../dist');

test('a new deployment is offered with a reload prompt, and reloading switches to it', async ({ page }) => {
  await loginAs(page, users.manager.email);
  const version = () =>
    page.evaluate(async () => {
      const keys = await caches.keys();
      return keys.filter((k) => k.startsWith('veld-shell-')).sort();
    });
  await swReady(page);
  const before = await version();
  expect(before).toHaveLength(1);

  // "Deploy" a new build: same files, a new worker version (and no stale precompressed copies:
  // the server prefers them, brotli first).
  const sw = path.join(dist, 'sw.js');
  const original = fs.readFileSync(sw, 'utf8');
  const compressed = ['.br', '.gz']
    .filter((ext) => fs.existsSync(`${sw}${ext}`))
    .map((ext) => ({ file: `${sw}${ext}`, bytes: fs.readFileSync(`${sw}${ext}`) }));
  try {
    fs.writeFileSync(sw, original.replace(/const VERSION = "([0-9a-f]+)"/, 'const VERSION = "$1e2e"'));
    for (const c of compressed) fs.rmSync(c.file);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    const prompt = page.getByRole('alert').filter({ hasText: 'Er is een nieuwe versie van Veld.' });
    await expect(prompt).toBeVisible({ timeout: 15_000 });
    await Promise.all([page.waitForEvent('load'), prompt.getByRole('button', { name: 'Herladen' }).click()]);
    await expect(new Shell(page).heading()).toBeVisible();
    await expect(prompt).toHaveCount(0);
    await expect.poll(version).toEqual([`${before[0]}e2e`]);
  } finally {
    fs.writeFileSync(sw, original);
    for (const c of compressed) fs.writeFileSync(c.file, c.bytes);
  }
});
