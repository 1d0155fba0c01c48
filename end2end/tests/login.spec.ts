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

test('the login page is on the screen before the app\'s code has arrived, in the chosen language', async ({ browser }) => {
  const context = await browser.newContext({ serviceWorkers: 'block', locale: 'nl-NL' });
  const page = await context.newPage();
  // The app's code is held back (a slow network) until the drawn page has been checked.
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  await page.route(/\.wasm$/, async (route) => { await held; await route.continue(); });
  await page.goto('/login');
  // Drawn by index.html: the same words as the app's page (Dutch, the browser's language), its
  // fields waiting for the app.
  await expect(page.getByRole('heading', { level: 1, includeHidden: true })).toHaveText('Inloggen bij Veld');
  await expect(page.locator('#boot input[type=email]')).toBeDisabled();
  await expect(page.locator('#boot')).toContainText('Gebruik het e-mailadres en wachtwoord dat je van je beheerder kreeg.');
  const drawn = await page.locator('#boot h1').boundingBox();
  release();
  // The app takes over in place: the same heading where it was, fields that work.
  await expect(page.getByLabel('E-mailadres')).toBeEnabled();
  await expect(page.locator('#boot')).toHaveCount(0);
  const real = await page.getByRole('heading', { level: 1 }).boundingBox();
  expect(Math.abs(real!.y - drawn!.y)).toBeLessThan(2);
  await page.getByLabel('E-mailadres').fill(users.manager.email);
  await expect(page.getByLabel('E-mailadres')).toHaveValue(users.manager.email);
  await context.close();
});
