import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, LoginPage, Shell, loginAs, screenshot, users, listed } from './fixtures/app';

test('logs in with the right password and out again', async ({ page }, testInfo) => {
  const login = new LoginPage(page);
  await login.goto();
  await screenshot(page, testInfo, 'login');
  await login.login(users.manager.email);
  const shell = new Shell(page);
  // Home is the first screen.
  await expect(shell.heading()).toHaveText(/^Goede(morgen|middag|navond), Sanne$/);
  // Sanne's language is Dutch: the interface follows the user.
  await expect(shell.nav().getByRole('link', { name: 'Pijplijn' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
  await shell.logout();
  await expect(page).toHaveURL(/\/login$/);
  // After logout the app pages send you back to the login page.
  await page.goto('/opportunities');
  await expect(page).toHaveURL(/\/login$/);
});

test('a wrong password is reported next to the password field', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.login(users.marketing.email, 'not-the-password');
  await expect(login.password()).toHaveAttribute('aria-invalid', 'true');
  await expect(login.password()).toHaveAccessibleDescription('Wrong e-mail address or password.');
  await expect(login.password()).toHaveValue('');
  await expect(page).toHaveURL(/\/login$/);
});

test('an unknown user gets the same answer as a wrong password', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.login('nobody@veld.test', 'whatever-it-is');
  await expect(login.password()).toHaveAccessibleDescription('Wrong e-mail address or password.');
});

test('the form checks the e-mail address and password before sending', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(login.email()).toHaveAccessibleDescription('Enter your e-mail address.');
  await expect(login.email()).toBeFocused();
  await login.email().fill('tom.veld.test');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(login.email()).toHaveAccessibleDescription('This is not an e-mail address; check for typos.');
  await login.email().fill(users.rep.email);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(login.password()).toHaveAccessibleDescription('Enter your password.');
});

test('the language can be chosen before logging in', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await page.getByLabel('Language').selectOption('nl');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inloggen bij Veld');
  await expect(page.getByLabel('Wachtwoord')).toBeVisible();
  await page.getByLabel('Taal').selectOption('en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Log in to Veld');
});

test('a user can switch their own language and it sticks', async ({ page }) => {
  await loginAs(page, users.antwerpRep.email);
  const shell = new Shell(page);
  await shell.openAccountMenu();
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/me') && r.request().method() === 'PATCH');
  await page.getByLabel('Taal').selectOption('en');
  expect((await saved).ok()).toBe(true);
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  await page.reload();
  await expect(shell.heading()).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  // Put it back for the other tests.
  await shell.openAccountMenu();
  const restored = page.waitForResponse((r) => r.url().endsWith('/api/me') && r.request().method() === 'PATCH');
  await page.getByLabel('Language').selectOption('nl');
  expect((await restored).ok()).toBe(true);
  await expect(page.getByRole('button', { name: 'Uitloggen' })).toBeVisible();
});

test('a session cookie the app holds no identity for opens the app with its rows', async ({ page }) => {
  // Logged in over the API only (a new profile, site data cleared but the cookie kept):
  // the browser has the session cookie and nothing else.
  const res = await page.request.post('/api/auth/login', { data: { email: users.rep.email, password: DEMO_PASSWORD } });
  expect(res.status()).toBe(200);
  const asked: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path === '/api/users' || path === '/api/me') asked.push(path);
  });
  await page.goto('/leads');
  await expect(listed(page, 'Leads').first()).toBeVisible();
  await expect(new Shell(page).heading()).toHaveText(/Leads/);
  // …and stays there (it went by the login page to Home once the identity arrived).
  await expect(page).toHaveURL(/\/leads$/);
  // The colleagues (owners) are asked for once, however many parts of the page show owners
  // (the list and its bulk bar have asked by the time rows show).
  expect(asked.filter((p) => p === '/api/users')).toHaveLength(1);
});
