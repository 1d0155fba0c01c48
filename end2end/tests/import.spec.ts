import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { letters, loginAs, screenshot, users } from './fixtures/app';

test('a CSV file of contacts is matched, checked and imported with progress; refused rows say why', async ({ page, isMobile }, testInfo) => {
  test.setTimeout(60_000);
  await loginAs(page, users.admin.email);
  const tag = letters(8);
  const last = `Imp${tag}`;
  const digits = `${Math.floor(1000 + Math.random() * 8999)}`;
  const rows = [
    'Voornaam;Achternaam;E-mail;Telefoon;Bedrijf',
    `Anna;${last};anna.${tag}@example.com;06 12 34 ${digits};${last} Logistiek`,
    // The same phone in another spelling: the same person, merged into the first row's record.
    `Anna;${last};;+31 6 1234${digits};${last} Logistiek`,
    `Bob;${last};bob@@example;;${last} Logistiek`,
  ];
  for (let i = 0; i < 30; i++) rows.push(`P${letters(5)};${last};p${i}.${tag}@example.com;;`);
  const csv = rows.join('\r\n') + '\r\n';

  if (isMobile) {
    // (Importing a spreadsheet is a desk task: the list's button is on wide screens; the page
    // works on a phone all the same.)
    await page.goto('/import/contact');
  } else {
    await page.goto('/contacts');
    await page.getByRole('link', { name: 'Import' }).click();
  }
  await expect(page.getByRole('heading', { name: 'Import', level: 1 })).toBeAttached();
  await expect(page.getByRole('link', { name: 'Into: Contacts' })).toBeVisible();
  await page.getByLabel('Choose a CSV file').setInputFiles({ name: 'contacten.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });

  // The columns, matched from their Dutch names.
  await expect(page.getByRole('heading', { name: 'Match the columns' })).toBeFocused();
  await expect(page.getByText('contacten.csv: 33 rows.')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Field – Voornaam' })).toHaveValue('first_name');
  await expect(page.getByRole('combobox', { name: 'Field – E-mail' })).toHaveValue('email');
  await expect(page.getByRole('combobox', { name: 'Field – Bedrijf' })).toHaveValue('company_id');
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(axe.violations.map((v) => v.id), 'the import page has no axe violations').toEqual([]);
  await screenshot(page, testInfo, 'import-columns');
  await page.getByRole('button', { name: 'Check the import' }).click();

  // The dry run: what will happen, and why a row is refused.
  await expect(page.getByRole('heading', { name: 'What will happen' })).toBeFocused();
  const count = (label: string) => page.locator('.import-count', { has: page.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }) }).getByRole('definition');
  await expect(count('New')).toHaveText('31');
  await expect(count('Merged duplicates')).toHaveText('1');
  await expect(count('Refused')).toHaveText('1');
  await expect(count('New companies')).toHaveText('1');
  const report = page.getByRole('list', { name: 'Rows refused or merged' });
  await expect(report.getByRole('listitem').filter({ hasText: 'Line 4' })).toContainText('E-mail:');
  await expect(report.getByRole('listitem').filter({ hasText: 'Line 3' })).toContainText('Same as line 2');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the report (CSV)' }).click();
  const file = await (await download).createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of file) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  expect(text.split('\r\n')[0]).toBe('\ufeffLine,Outcome,Reason,Voornaam,Achternaam,E-mail,Telefoon,Bedrijf');
  expect(text).toContain('bob@@example');
  await screenshot(page, testInfo, 'import-check');

  // The run, with its progress, then the list.
  await page.getByRole('button', { name: 'Import 32 rows' }).click();
  await expect(page.getByRole('progressbar', { name: 'Import progress' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'The import is done' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('status').filter({ hasText: '33 of 33 rows' })).toBeVisible();
  await expect(count('New')).toHaveText('31');
  await screenshot(page, testInfo, 'import-done');
  await page.getByRole('link', { name: 'Open the list' }).click();
  await page.getByRole('searchbox').fill(`anna ${last}`);
  await expect(page.getByRole('link', { name: `Anna ${last}` })).toBeVisible({ timeout: 15_000 });
  await page.getByRole('link', { name: `Anna ${last}` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Anna ${last}`);
  await expect(page.getByRole('main')).toContainText(`${last} Logistiek`);
});
