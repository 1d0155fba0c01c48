import { expect, test } from '@playwright/test';
import { Shell, loginAs, screenshot, swReady, users, listed } from './fixtures/app';

test('after a first visit the app shell loads with no network', async ({ page, context }, testInfo) => {
  await loginAs(page, users.manager.email);
  // Wait until this build's service worker controls the page (precache complete).
  await swReady(page);
  // …and the first download has reached this device (the lists read only local data).
  await new Shell(page).open('Leads');
  await expect(listed(page, 'Leads').first()).toBeVisible();
  const companies = await (await page.request.get('/api/records/company')).json();
  await context.setOffline(true);
  await page.reload();
  const shell = new Shell(page);
  await expect(shell.heading()).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await expect(page.getByText('Je bent offline.')).toBeVisible();
  // Navigation still works offline, with the cached identity, and the lists come from the
  // records synced to this device (IndexedDB), searchable.
  await shell.open('Pijplijn');
  await expect(shell.heading()).toHaveText('Pijplijn');
  await expect(page.getByRole('region', { name: 'Pijplijn' }).getByRole('listitem').first()).toBeVisible();
  await screenshot(page, testInfo, 'offline');
  await shell.open('Bedrijven');
  const rows = listed(page, 'Bedrijven');
  // (A long list renders only the rows in view: the count says how many there are.)
  await expect(page.locator('.count')).toHaveText(`${companies.length} records`); // a sales manager sees every company
  await page.getByRole('searchbox').fill('schelde');
  await expect(rows).toHaveCount(1);
  // Back online, the indicator follows.
  await context.setOffline(false);
  await expect(page.getByRole('status').filter({ hasText: 'Online' })).toBeVisible();
});

test('a returning user sees the list\'s first screen before the device\'s data is read', async ({ page, context }) => {
  await loginAs(page, users.manager.email);
  await swReady(page);
  await new Shell(page).open('Leads');
  const rows = listed(page, 'Leads');
  await expect(rows.first()).toBeVisible();
  await expect(page.getByText(/^\d+ records?$/)).toBeVisible();
  const firstTitles = await rows.locator('td:nth-child(3), .card-title').allTextContents();
  const shownFirst = firstTitles.slice(0, 5);
  // The next start reads the device's data slowly (as with tens of thousands of records):
  // the database opens only after 4 s.
  await context.addInitScript(() => {
    const open = IDBFactory.prototype.open;
    IDBFactory.prototype.open = function (...args: Parameters<typeof open>) {
      const request = open.apply(this, args);
      // Hold the success event back, then send it again.
      request.addEventListener('success', (e) => {
        if ((e as Event & { late?: boolean }).late) return;
        e.stopImmediatePropagation();
        setTimeout(() => request.dispatchEvent(Object.assign(new Event('success'), { late: true })), 4000);
      });
      return request;
    };
  });
  const tab = await context.newPage();
  await tab.goto('/leads?tab=all');
  const early = listed(tab, 'Leads');
  // The kept first screen: the same first rows, at once, readable and openable, not yet
  // checkable, and the count says the data is still loading.
  await expect(early.first()).toBeVisible({ timeout: 3000 });
  expect((await early.locator('td:nth-child(3), .card-title').allTextContents()).slice(0, 5)).toEqual(shownFirst);
  await expect(tab.getByText(/^(Loading|Laden)…$/)).toBeVisible();
  await expect(early.first().getByRole('checkbox')).toBeDisabled();
  // Then the device's data: the real list takes over.
  await expect(tab.getByText(/^\d+ records?$/)).toBeVisible({ timeout: 15_000 });
  await expect(early.first().getByRole('checkbox')).toBeEnabled();
  expect((await early.locator('td:nth-child(3), .card-title').allTextContents()).slice(0, 5)).toEqual(shownFirst);
  // Logging out forgets it: the next user never sees it.
  const kept = () => tab.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('veld.start.')).length);
  expect(await kept()).toBeGreaterThan(0);
  await new Shell(tab).logout();
  await expect.poll(kept).toBe(0);
  await tab.close();
});
