import { expect, test } from '@playwright/test';
import { Shell, loginAs, screenshot, users } from './fixtures/app';

test('an administrator edits a role: a module turned off disappears for its users at once', async ({ browser }, testInfo) => {
  const adminContext = await browser.newContext({ ...testInfo.project.use });
  const markContext = await browser.newContext({ ...testInfo.project.use });
  const admin = await adminContext.newPage();
  const mark = await markContext.newPage();
  // The role as it was, to put back whatever happens (other stories use Marketing).
  let original: { id: string; name: string; permissions: unknown } | undefined;
  try {
    await loginAs(admin, users.admin.email);
    const roles = await (await admin.request.get('/api/admin/roles')).json();
    original = roles.find((r: { name: string }) => r.name === 'Marketing');
    await admin.goto('/admin/roles');
    await expect(admin.getByRole('heading', { level: 1, name: 'Roles' })).toBeVisible();
    const role = admin.getByRole('listitem').filter({ has: admin.getByText('Marketing', { exact: true }) });
    await role.getByText('Marketing', { exact: true }).click();
    const form = admin.getByRole('form', { name: 'Marketing' });
    const opportunities = form.getByRole('group', { name: 'Opportunity' });
    await expect(opportunities.getByLabel('View')).toHaveValue('all');
    await form.getByRole('group', { name: 'Modules' }).getByLabel('Opportunities').uncheck();
    await form.getByRole('group', { name: 'Company' }).getByLabel('Delete').selectOption('none');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('status')).toHaveText('Saved. It applies at once.');
    await screenshot(admin, testInfo, 'role-editor');

    // Mark (marketing) no longer has opportunities: not in the menu, not from the server.
    await loginAs(mark, users.marketing.email);
    const shell = new Shell(mark);
    if (shell.isPhone()) await shell.nav().getByRole('button', { name: /^(More|Meer)$/ }).click();
    await expect(shell.nav().getByRole('link', { name: 'Leads' })).toBeVisible();
    await expect(shell.nav().getByRole('link', { name: 'Opportunities' })).toHaveCount(0);
    expect((await mark.request.get('/api/records/opportunity')).status()).toBe(403);

    // After a reload the editor shows what was saved.
    await admin.reload();
    await admin.getByText('Marketing', { exact: true }).click();
    const again = admin.getByRole('form', { name: 'Marketing' });
    await expect(again.getByRole('group', { name: 'Modules' }).getByLabel('Opportunities')).not.toBeChecked();
    await expect(again.getByRole('group', { name: 'Company' }).getByLabel('Delete')).toHaveValue('none');

    // An administrator cannot take the administration area from their own role.
    await admin.getByText('Administrator', { exact: true }).click();
    const own = admin.getByRole('form', { name: 'Administrator' });
    await own.getByLabel('Administration area').uncheck();
    await own.getByRole('button', { name: 'Save' }).click();
    await expect(own.getByRole('status')).toHaveText('This is your own role: without the administration area nobody could give it back.');
  } finally {
    if (original) {
      await admin.request.put(`/api/admin/roles/${original.id}`, { data: { name: original.name, permissions: original.permissions } });
    }
    await adminContext.close();
    await markContext.close();
  }
});
