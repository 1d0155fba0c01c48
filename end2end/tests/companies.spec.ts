import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { letters, loginAs, pushCreates, screenshot, users } from './fixtures/app';

/** Saves what the list shows as a view, reloads the page (the search and conditions are gone)
 * and brings the view back. */
async function saveAndReopenView(page: Page, name: string) {
  await page.locator('summary', { hasText: 'Saved views' }).click();
  await page.getByLabel('Name of this view').fill(name);
  await page.getByRole('button', { name: 'Save view' }).click();
  await page.reload();
  await page.locator('summary', { hasText: 'Saved views' }).click();
  await page.getByRole('button', { name, exact: true }).click();
}

test('companies: a tab per status, search by city, a saved view with a condition, a bulk status change', async ({ page, isMobile }, testInfo) => {
  test.setTimeout(60_000);
  await loginAs(page, users.admin.email);
  const tag = letters(8);
  const city = `Stad${tag}`;
  const [alfa, beta, gamma] = [`Alfa ${tag}`, `Beta ${tag}`, `Gamma ${tag}`];
  const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  await pushCreates(page, [
    { kind: 'company', id: ids[0], fields: { name: alfa, status: 'suspect', type: 'supplier', city, industry: 'Logistics' } },
    { kind: 'company', id: ids[1], fields: { name: beta, status: 'suspect', type: 'client', city, industry: 'Retail' } },
    { kind: 'company', id: ids[2], fields: { name: gamma, status: 'prospect', type: 'supplier', city } },
  ]);

  await page.goto('/companies');
  await expect(page.getByRole('heading', { name: 'Companies', level: 1 })).toBeVisible();
  const tabs = page.getByRole('navigation', { name: 'Views' });
  await expect(tabs.getByRole('link')).toHaveText(['Suspect', 'Prospect', 'Client', 'Former client', 'My companies', 'Companies of my office', 'All companies']);
  const list = page.getByRole('region', { name: 'Companies' });
  // A row on a wide screen, a card on a phone.
  const item = (name: string) => (isMobile ? list.getByRole('listitem') : list.getByRole('row')).filter({ hasText: name });

  // Search as you type finds a company by its city; each shows its status as a pill.
  await page.getByRole('searchbox', { name: 'Search – Companies' }).fill(city);
  await expect(list.getByRole('link', { name: new RegExp(tag) })).toHaveCount(3, { timeout: 15_000 });
  await expect(item(alfa)).toContainText('Suspect');
  await expect(item(gamma)).toContainText('Prospect');
  await expect(item(alfa)).toContainText(isMobile ? 'Logistics' : 'Supplier');
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(axe.violations.map((v) => v.id), 'the companies list has no axe violations').toEqual([]);
  await screenshot(page, testInfo, 'companies-list');

  // Advanced search: the suppliers; saved as a view that brings them back.
  await page.locator('summary', { hasText: 'Advanced search' }).click();
  await page.getByRole('button', { name: 'Add a condition' }).click();
  await page.getByRole('combobox', { name: 'Condition 1' }).selectOption({ label: 'Type is' });
  await page.getByRole('combobox', { name: 'Value for Type is' }).selectOption({ label: 'Supplier' });
  await expect(list.getByRole('link', { name: new RegExp(tag) })).toHaveCount(2);
  await expect(list.getByRole('link', { name: beta })).toHaveCount(0);
  await saveAndReopenView(page, `Suppliers ${tag}`);
  await expect(page.getByRole('searchbox', { name: 'Search – Companies' })).toHaveValue(city);
  await expect(list.getByRole('link', { name: new RegExp(tag) })).toHaveCount(2, { timeout: 15_000 });
  await page.locator('summary', { hasText: 'Saved views' }).click();

  // Both suppliers become clients at once, offline-capable like every edit.
  await list.getByRole('checkbox', { name: `Select ${alfa}` }).check();
  await list.getByRole('checkbox', { name: `Select ${gamma}` }).check();
  const bar = page.getByRole('group', { name: 'Actions on the selected records' });
  await expect(bar).toContainText('2 selected');
  await expect(bar.getByLabel('Stage')).toHaveCount(0);
  await bar.getByLabel('Status', { exact: true }).selectOption({ label: 'Client' });
  await bar.getByRole('button', { name: 'Apply – Status' }).click();
  await expect(bar.getByRole('status')).toHaveText('2 changed.');
  await screenshot(page, testInfo, 'companies-bulk');
  await tabs.getByRole('link', { name: 'Client', exact: true }).click();
  await expect(list.getByRole('link', { name: new RegExp(tag) })).toHaveCount(2);
  await expect(item(alfa)).toContainText('Client');
  // The server has them as clients once the device has synced; the third is untouched.
  await expect
    .poll(async () => {
      const rows: { id: string; data: { status: string } }[] = await (await page.request.get('/api/records/company')).json();
      return ids.map((id) => rows.find((r) => r.id === id)?.data.status);
    }, { timeout: 15_000 })
    .toEqual(['client', 'suspect', 'client']);
});

test('contacts: found by their whole name, shown with their company; the preview says who manages them', async ({ page, isMobile }) => {
  test.setTimeout(45_000);
  await loginAs(page, users.admin.email);
  const tag = letters(8);
  const [company, contact] = [crypto.randomUUID(), crypto.randomUUID()];
  await pushCreates(page, [
    { kind: 'company', id: company, fields: { name: `Huis ${tag}`, status: 'client' } },
    { kind: 'contact', id: contact, fields: { first_name: 'Eva', last_name: `van ${tag}`, function: 'Buyer', email: `eva.${tag}@example.com`, company_id: company } },
  ]);
  await page.goto('/contacts');
  const tabs = page.getByRole('navigation', { name: 'Views' });
  await expect(tabs.getByRole('link')).toHaveText(['My contacts', 'Contacts of my office', 'All contacts']);
  await page.getByRole('searchbox', { name: 'Search – Contacts' }).fill(`eva van ${tag}`);
  const list = page.getByRole('region', { name: 'Contacts' });
  await expect(list.getByRole('link', { name: `Eva van ${tag}` })).toBeVisible({ timeout: 15_000 });
  await expect(list).toContainText(`Huis ${tag}`);
  if (!isMobile) {
    await list.getByRole('button', { name: `Preview Eva van ${tag}` }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect(preview).toContainText('Buyer');
    await expect(preview).toContainText('Account manager');
    await expect(preview).toContainText(users.admin.name);
  }
  await list.getByRole('link', { name: `Eva van ${tag}` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Eva van ${tag}`);
});

test('a contact criterion is chosen on the contact and a saved view of contacts finds it', async ({ page }, testInfo) => {
  test.setTimeout(60_000);
  await loginAs(page, users.admin.email);
  const tag = letters(8);
  const code = `segment_${tag}`;
  const [criterion, fleet, other] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  // An administrator's criterion (as made under Admin → Tables → Contacts → Criteria).
  await pushCreates(page, [
    {
      kind: 'table_entry', id: criterion,
      fields: {
        list: 'contact', table: 'criterion', code, label: { en: `Segment ${tag}`, nl: `Segment ${tag}`, ro: `Segment ${tag}` },
        active: true, order: 1, multiple: false,
        options: [{ code: 'fleet', label: { en: 'Fleet owner' } }, { code: 'private', label: { en: 'Private buyer' } }],
      },
    },
    { kind: 'contact', id: fleet, fields: { first_name: 'Floor', last_name: `Vloot${tag}`, email: `floor.${tag}@example.com` } },
    { kind: 'contact', id: other, fields: { first_name: 'Pim', last_name: `Vloot${tag}`, email: `pim.${tag}@example.com`, [`criterion:${code}`]: ['private'] } },
  ]);

  // On the contact's page: the criterion, chosen; saved at once.
  await page.goto(`/contacts/${fleet}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Floor Vloot${tag}`, { timeout: 15_000 });
  const criteria = page.getByRole('region', { name: 'Criteria' });
  await criteria.getByLabel(`Segment ${tag}`).selectOption({ label: 'Fleet owner' });
  await expect(page.getByRole('status').filter({ hasText: /Online|Offline/ })).toBeVisible();
  await screenshot(page, testInfo, 'contact-criteria');

  // The list: both by name; the criterion's condition keeps the fleet owner; saved as a view.
  await page.goto('/contacts');
  const list = page.getByRole('region', { name: 'Contacts' });
  await page.getByRole('searchbox', { name: 'Search – Contacts' }).fill(`vloot${tag}`);
  await expect(list.getByRole('link', { name: new RegExp(`Vloot${tag}`) })).toHaveCount(2, { timeout: 15_000 });
  await page.locator('summary', { hasText: 'Advanced search' }).click();
  await page.getByRole('button', { name: 'Add a condition' }).click();
  await page.getByRole('combobox', { name: 'Condition 1' }).selectOption({ label: 'Criterion is' });
  // (Options are grouped by criterion: this run's "Fleet owner", not another run's.)
  await page.getByRole('combobox', { name: 'Value for Criterion is' }).selectOption(`${code}=fleet`);
  await expect(list.getByRole('link', { name: new RegExp(`Vloot${tag}`) })).toHaveCount(1);
  await expect(list.getByRole('link', { name: `Floor Vloot${tag}` })).toBeVisible();
  await saveAndReopenView(page, `Fleet ${tag}`);
  await expect(list.getByRole('link', { name: new RegExp(`Vloot${tag}`) })).toHaveCount(1, { timeout: 15_000 });
  await expect(list.getByRole('link', { name: `Floor Vloot${tag}` })).toBeVisible();
  // The server has the choice, in the criterion's own field.
  await expect
    .poll(async () => {
      const rows: { id: string; data: Record<string, unknown> }[] = await (await page.request.get('/api/records/contact')).json();
      return rows.find((r) => r.id === fleet)?.data[`criterion:${code}`];
    }, { timeout: 15_000 })
    .toEqual(['fleet']);

  // In bulk: both become fleet owners (one option only: Pim's "private buyer" is replaced).
  await page.goto('/contacts');
  await page.getByRole('searchbox', { name: 'Search – Contacts' }).fill(`vloot${tag}`);
  await list.getByRole('checkbox', { name: `Select Floor Vloot${tag}` }).check({ timeout: 15_000 });
  await list.getByRole('checkbox', { name: `Select Pim Vloot${tag}` }).check();
  const bar = page.getByRole('group', { name: 'Actions on the selected records' });
  await bar.getByLabel('Criterion', { exact: true }).selectOption({ label: `Segment ${tag}: Fleet owner` });
  await bar.getByRole('button', { name: 'Set', exact: true }).click();
  await expect(bar.getByRole('status')).toHaveText('2 changed.');
  await expect
    .poll(async () => {
      const rows: { id: string; data: Record<string, unknown> }[] = await (await page.request.get('/api/records/contact')).json();
      return [fleet, other].map((id) => rows.find((r) => r.id === id)?.data[`criterion:${code}`]);
    }, { timeout: 15_000 })
    .toEqual([['fleet'], ['fleet']]);

  // The administrator's editor: the contacts' criteria with their options; a new option added.
  await page.goto('/admin/tables');
  await page.getByRole('group', { name: 'Configuration for' }).getByRole('button', { name: 'Contacts' }).click();
  await expect(page.getByLabel('Table')).toHaveValue('criterion');
  const entry = page.getByRole('form', { name: code });
  await expect(entry.getByRole('group', { name: 'Options' })).toBeVisible();
  await expect(entry.getByLabel('Name (en) – fleet')).toHaveValue('Fleet owner');
  await expect(entry.getByLabel('Several options may be chosen')).not.toBeChecked();
  await entry.getByLabel('New option').fill('Leasing company');
  await entry.getByRole('button', { name: 'Add the option' }).click();
  await expect(entry.getByLabel('Name (en) – leasing_company')).toHaveValue('Leasing company');
  await entry.getByRole('button', { name: 'Save' }).click();
  await expect(entry.getByRole('status')).not.toBeEmpty();
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(axe.violations.map((v) => v.id), 'the criteria editor has no axe violations').toEqual([]);
  await screenshot(page, testInfo, 'admin-criteria');
  await expect
    .poll(async () => {
      const rows: { id: string; data: { options: { code: string }[] } }[] = await (await page.request.get('/api/records/table_entry')).json();
      return rows.find((r) => r.id === criterion)?.data.options.map((o) => o.code);
    }, { timeout: 15_000 })
    .toEqual(['fleet', 'private', 'leasing_company']);
});
