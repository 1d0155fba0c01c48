import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { Shell, loginAs, users } from './fixtures/app';

async function expectNoViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `${what} has accessibility violations`).toEqual([]);
}

test('the login page, with and without errors, has no axe violations', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectNoViolations(page, 'login');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText('Enter your e-mail address.')).toBeVisible();
  await expectNoViolations(page, 'login with errors');
});

// One test per part of the app (a single test of every page outgrew its timeout on a 2-core
// machine): each logs in afresh and stays well inside its budget.
test.describe('app pages have no axe violations', () => {
  test.beforeEach(async ({ page }) => {
    await loginAs(page, users.admin.email);
  });

  for (const labels of [['Home', 'Leads'], ['Opportunities'], ['Pipeline', 'Companies'], ['Contacts', 'Activities'], ['Admin']]) {
    test(`sections: ${labels.join(', ')}`, async ({ page }) => {
      const shell = new Shell(page);
      for (const label of labels) {
        await shell.open(label);
        await expect(shell.heading()).toHaveText(label === 'Home' ? /^Good (morning|afternoon|evening), Ada$/ : label);
        await expect(page.getByText('Loading…')).toHaveCount(0);
        await expectNoViolations(page, label);
      }
      await shell.openAccountMenu();
      await expectNoViolations(page, 'account menu');
    });
  }

  test('quick create, with its lists open and with its errors', async ({ page }) => {
    await page.goto('/opportunities/new');
    await page.getByRole('combobox', { name: 'Company', exact: true }).fill('Axe');
    await expect(page.getByRole('option', { name: 'Create company “Axe”' })).toBeVisible();
    await expectNoViolations(page, 'quick create with the company list open');
    await page.getByRole('option', { name: 'Create company “Axe”' }).click();
    await page.getByRole('combobox', { name: 'Contact', exact: true }).fill('Axe');
    await page.getByRole('option', { name: 'Create contact “Axe”' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Enter an e-mail address or a phone number.', { exact: true })).toBeVisible();
    await expect(page.getByText('This field is required.')).toBeVisible();
    await expectNoViolations(page, 'quick create with errors');
    await page.getByRole('button', { name: 'Start over' }).click();
  });


  test('record pages: an opportunity, a company, a contact', async ({ page }) => {
    await page.goto('/opportunities');
    await page.getByRole('region', { name: 'Opportunities' }).getByRole('link').first().click();
    await expect(page.getByLabel('Title', { exact: true })).not.toHaveValue('');
    await page.getByRole('button', { name: 'Add existing contact' }).click();
    await page.getByLabel(/Find an existing contact/).fill('a');
    await page.getByRole('button', { name: 'Create a new contact' }).click();
    await page.getByRole('form', { name: 'Create a new contact' }).getByRole('button', { name: 'Add' }).click();
    await expectNoViolations(page, 'opportunity page');
    await page.goto('/companies');
    // A demo company with contacts (other tests add companies of their own, newest first).
    await page.getByRole('region', { name: 'Companies' }).getByRole('link', { name: 'Noordzee Logistiek' }).click();
    await expect(page.getByLabel('Name', { exact: true })).not.toHaveValue('');
    await expectNoViolations(page, 'company page');
    await page.locator('section[aria-labelledby="contacts-heading"]').getByRole('link').first().click();
    await expect(page.getByLabel('Last name', { exact: true })).not.toHaveValue('');
    await expectNoViolations(page, 'contact page');
  });

  test('the overview with the bulk bar, its tools and a preview', async ({ page }) => {
    await page.goto('/leads?tab=all');
    await page.getByRole('checkbox', { name: /^Select all/ }).check();
    await expectNoViolations(page, 'overview with the bulk bar');
    await page.goto('/leads?tab=all');
    // (On a phone the tool is an icon button: its name is visually hidden.)
    await page.locator('summary', { hasText: 'Advanced search' }).click();
    await page.getByRole('button', { name: 'Add a condition' }).click();
    if ((page.viewportSize()?.width ?? 1024) >= 768) {
      // Columns and the preview panel belong to the desktop table (phones show cards).
      await page.getByText('Columns', { exact: true }).click();
      await page.getByText('Saved views').click();
      await page.getByRole('button', { name: /^Preview / }).first().click();
      await expect(page.getByRole('region', { name: 'Preview' })).toBeVisible();
    }
    await expectNoViolations(page, 'overview with tools and preview');
  });

  test('administration: stages, tables, automation, roles', async ({ page }) => {
    await page.goto('/admin/stages');
    await page.locator('li.config-item summary').first().click();
    await expectNoViolations(page, 'maintenance: stages');
    await page.goto('/admin/tables');
    await expect(page.getByRole('form').first()).toBeVisible();
    await expectNoViolations(page, 'maintenance: tables');
    await page.goto('/admin/automation');
    await page.getByRole('heading', { level: 1, name: 'Automation' }).waitFor();
    await expectNoViolations(page, 'automation');
    await page.goto('/admin/roles');
    await page.getByText('Sales rep', { exact: true }).click();
    await expect(page.getByRole('form', { name: 'Sales rep' })).toBeVisible();
    await expectNoViolations(page, 'roles');
  });

  test('the board with its move dialog, and Pending changes', async ({ page }) => {
    await page.goto('/pipeline?list=lead');
    await page.locator('.board-card').first().waitFor();
    await page.locator('.board-card .move-button').first().click();
    await expectNoViolations(page, 'board with the move dialog');
    await page.goto('/pending');
    await expect(page.getByRole('heading', { name: 'Pending changes' })).toBeVisible();
    await expectNoViolations(page, 'pending changes');
  });
});
