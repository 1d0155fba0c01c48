import { expect, test } from '@playwright/test';
import { Shell, loginAs, screenshot, users } from './fixtures/app';

const destinations = [
  { label: 'Leads', heading: 'Leads', url: /\/leads$/ },
  { label: 'Opportunities', heading: 'Opportunities', url: /\/opportunities$/ },
  { label: 'Pipeline', heading: 'Pipeline', url: /\/pipeline$/ },
  { label: 'Companies', heading: 'Companies', url: /\/companies$/ },
  { label: 'Contacts', heading: 'Contacts', url: /\/contacts$/ },
  { label: 'Activities', heading: 'Activities', url: /\/activities$/ },
  { label: 'Admin', heading: 'Admin', url: /\/admin$/ },
];

test('every section opens from the navigation', async ({ page }, testInfo) => {
  await loginAs(page, users.admin.email);
  const shell = new Shell(page);
  for (const d of destinations) {
    await shell.open(d.label);
    await expect(page).toHaveURL(d.url);
    await expect(shell.heading()).toHaveText(d.heading);
    await expect(shell.nav().getByRole('link', { name: d.label })).toHaveAttribute('aria-current', 'page');
    await screenshot(page, testInfo, d.label.toLowerCase());
  }
});

test('lists show the records of the demo data, searchable', async ({ page }) => {
  await loginAs(page, users.admin.email);
  const shell = new Shell(page);
  await shell.open('Companies');
  const rows = page.getByRole('region', { name: 'Companies' }).getByRole('row');
  await expect(rows).toHaveCount(17); // 16 companies and the header row
  await page.getByRole('searchbox', { name: /Search/ }).fill('brouwerij');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('Brouwerij De Kroon');
});

test('a sales rep sees only their office and no admin area', async ({ page }) => {
  await loginAs(page, users.rep.email);
  const shell = new Shell(page);
  await expect(shell.nav().getByRole('link', { name: 'Beheer' })).toHaveCount(0);
  await shell.open('Bedrijven');
  const rows = page.getByRole('region', { name: 'Bedrijven' }).getByRole('row');
  await expect(rows).toHaveCount(9); // Amsterdam's 8 companies
  await expect(page.getByRole('region', { name: 'Bedrijven' })).not.toContainText('Schelde Shipping');
  // Typing the admin URL shows a clear refusal, not the users.
  await page.goto('/admin');
  await expect(page.getByText('Je rol geeft geen toegang tot deze pagina.')).toBeVisible();
});

test('the keyboard reaches the skip link and the navigation', async ({ page }) => {
  test.skip((page.viewportSize()?.width ?? 1024) < 768, 'keyboard navigation is a desktop story');
  await loginAs(page, users.admin.email);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
});

test('unknown pages say so', async ({ page }) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'This page does not exist.' })).toBeVisible();
});
