import { expect, test, type Page } from '@playwright/test';
import { Shell, listed, loginAs, users } from './fixtures/app';

// Screens of every page, on a desktop (1366 × 900) and a Pixel 7, written to end2end/screens/
// to look at and to commit (the README links the main ones). Run by `scripts/screens.sh`
// (VELD_SCREENS=1); skipped in the ordinary test run.
test.skip(!process.env.VELD_SCREENS, 'screens are taken by scripts/screens.sh');

async function shoot(page: Page, project: string, name: string) {
  // The first screen, as a user meets it (JPEG: a tenth of a PNG's size in the repository).
  await page.waitForTimeout(300);
  await page.screenshot({ path: `screens/${project}-${name}.jpg`, type: 'jpeg', quality: 80 });
}

async function firstLink(page: Page, region: string) {
  const first = listed(page, region).first();
  await expect(first).toBeVisible();
  return first.getByRole('link').first();
}

test('screens of every page', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const project = testInfo.project.name.includes('Pixel') ? 'phone' : 'desktop';
  if (project === 'desktop') await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await shoot(page, project, 'login');
  await loginAs(page, users.admin.email);
  for (const [path, region, name] of [
    ['/leads?tab=all', 'Leads', 'leads'],
    ['/opportunities?tab=all', 'Opportunities', 'opportunities'],
    ['/companies', 'Companies', 'companies'],
    ['/contacts', 'Contacts', 'contacts'],
  ] as const) {
    await page.goto(path);
    const link = await firstLink(page, region);
    await shoot(page, project, name);
    await link.click();
    await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(region);
    await shoot(page, project, `${name.replace(/s$/, '').replace(/ie$/, 'y')}-page`);
  }
  await page.goto('/pipeline');
  await expect(page.getByRole('region', { name: 'Pipeline' }).getByRole('listitem').first()).toBeVisible();
  await shoot(page, project, 'pipeline');
  for (const [path, name] of [
    ['/activities', 'activities'],
    ['/leads/new', 'new-lead'],
    ['/pending', 'pending'],
    ['/admin/stages', 'admin-stages'],
    ['/admin/automation', 'admin-automation'],
    ['/no-such-page', 'not-found'],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await shoot(page, project, name);
  }
  // Home as a sales manager sees it (the administrator sells nothing).
  await page.goto('/');
  await new Shell(page).logout();
  await loginAs(page, users.manager.email);
  await page.goto('/');
  await expect(page.getByRole('region', { name: 'Mijn open opportunities' })).toBeVisible();
  await shoot(page, project, 'home');
});
