import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { letters, loginAs, pushCreates, screenshot, users } from './fixtures/app';

test('two duplicate contacts are found and merged: the chosen values stay, links move, the timeline says so', async ({ page }, testInfo) => {
  test.setTimeout(45_000);
  await loginAs(page, users.admin.email);
  // Unique per run and per project (both run against one server).
  const stamp = `${Date.now()}`;
  const last = `M${letters(8)}`;
  const name = `Eva ${last}`;
  const phone = `+31 6 1${stamp.slice(-7)}`;
  const [kept, gone, lead] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  await pushCreates(page, [
    { kind: 'contact', id: kept, fields: { first_name: 'Eva', last_name: last, email: `eva.${stamp}@example.com`, function: 'Buyer' } },
    { kind: 'contact', id: gone, fields: { first_name: 'Eva', last_name: last, phone, function: 'Head of purchasing' } },
    { kind: 'lead', id: lead, fields: { title: `Vans ${stamp}`, contacts: [{ id: gone, role: 'main_contact' }] } },
  ]);

  await page.goto(`/contacts/${kept}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name, { timeout: 15_000 });
  const duplicates = page.getByRole('region', { name: 'Possible duplicates' });
  await expect(duplicates.getByRole('listitem')).toHaveCount(1);
  await expect(duplicates.getByRole('listitem')).toContainText('similar name');
  await expect(duplicates.getByRole('link', { name })).toHaveAttribute('href', `/contacts/${gone}`);
  await duplicates.getByRole('button', { name: `Compare and merge ${name}` }).click();

  const dialog = page.getByRole('dialog', { name: `Merge “${name}” into this record` });
  await expect(dialog).toBeVisible();
  // A value that differs is a choice, this record's by default; a gap is filled from the other.
  const fn = dialog.getByRole('group', { name: 'Function' });
  await expect(fn.getByRole('radio', { name: /Buyer/ })).toBeChecked();
  await fn.getByRole('radio', { name: /Head of purchasing/ }).check();
  await expect(fn.getByRole('radio', { name: /Buyer/ })).not.toBeChecked();
  await expect(dialog.getByRole('group', { name: 'Phone' })).toContainText('filled in from the other');
  await expect(dialog.getByRole('group', { name: 'Last name' })).toHaveCount(0);
  const axe = await new AxeBuilder({ page }).include('dialog').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(axe.violations.map((v) => v.id), 'the merge dialog has no axe violations').toEqual([]);
  await screenshot(page, testInfo, 'merge-dialog');
  // Escape closes it and nothing happens; the focus returns to the button.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(duplicates.getByRole('button', { name: `Compare and merge ${name}` })).toBeFocused();

  await duplicates.getByRole('button', { name: `Compare and merge ${name}` }).click();
  await dialog.getByRole('group', { name: 'Function' }).getByRole('radio', { name: /Head of purchasing/ }).check();
  await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(duplicates.getByRole('status')).toHaveText(`“${name}” was merged into this record.`);
  await expect(duplicates.getByRole('listitem')).toHaveCount(0);
  // The survivor has the chosen function and the phone it lacked (after the pull).
  await expect(page.getByLabel('Function', { exact: true })).toHaveValue('Head of purchasing', { timeout: 10_000 });
  await expect(page.getByLabel('Phone', { exact: true })).toHaveValue(phone);
  await expect(page.getByLabel('E-mail', { exact: true })).toHaveValue(`eva.${stamp}@example.com`);
  await expect(page.getByRole('region', { name: 'Timeline' }).getByText(`Merged with “${name}”`)).toBeVisible();

  // The lead's contact is the survivor now; the merged contact is gone from the device.
  await page.goto(`/leads/${lead}`);
  await expect(page.getByRole('main').getByRole('link', { name }).first()).toHaveAttribute('href', `/contacts/${kept}`);
  // A link to the merged contact leads to the one it went into.
  await page.goto(`/contacts/${gone}`);
  await expect(page).toHaveURL(new RegExp(`/contacts/${kept}$`), { timeout: 10_000 });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
});

test('quick create says when a new contact or company may exist already, and uses it', async ({ page }) => {
  await loginAs(page, users.admin.email);
  const stamp = `${Date.now()}`;
  const [contact, company] = [crypto.randomUUID(), crypto.randomUUID()];
  const name = `Joost Hint${stamp.slice(-6)}`;
  const firm = `Hintbouw ${stamp.slice(-6)} B.V.`;
  await pushCreates(page, [
    { kind: 'company', id: company, fields: { name: firm } },
    { kind: 'contact', id: contact, fields: { first_name: 'Joost', last_name: `Hint${stamp.slice(-6)}`, email: `joost.${stamp}@example.com` } },
  ]);
  await page.goto('/leads/new');
  // A new contact with someone else's name but a known e-mail address.
  const box = page.getByRole('combobox', { name: 'Contact', exact: true });
  await box.fill('J. Anders');
  await page.getByRole('option', { name: 'Create contact “J. Anders”' }).click();
  await page.getByLabel('E-mail', { exact: true }).fill(`Joost.${stamp}@example.com`);
  const hint = page.getByRole('status').filter({ hasText: 'exists already' });
  await expect(hint).toContainText(`“${name}” exists already and may be the same. (same e-mail)`);
  await hint.getByRole('button', { name: `Use “${name}”` }).click();
  await expect(box).toHaveValue(name);
  await expect(hint).toHaveCount(0);
  // A company typed without its legal form.
  const companies = page.getByRole('combobox', { name: 'Company', exact: true });
  await companies.fill(`Hintbouw-${stamp.slice(-6)}`);
  await page.getByRole('option', { name: `Create company “Hintbouw-${stamp.slice(-6)}”` }).click();
  await page.getByRole('status').filter({ hasText: 'exists already' }).getByRole('button', { name: `Use “${firm}”` }).click();
  await expect(companies).toHaveValue(firm);
});
