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
  await expect(rows).toHaveCount(companies.length); // a sales manager sees every company
  await page.getByRole('searchbox').fill('schelde');
  await expect(rows).toHaveCount(1);
  // Back online, the indicator follows.
  await context.setOffline(false);
  await expect(page.getByRole('status').filter({ hasText: 'Online' })).toBeVisible();
});
