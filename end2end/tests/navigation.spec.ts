import { expect, test } from '@playwright/test';
import { Shell, loginAs, screenshot, users, listed } from './fixtures/app';

const destinations = [
  { label: 'Home', heading: /^Good (morning|afternoon|evening), Ada$/, url: /\/$/ },
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
    // On phones the secondary destinations sit in the "More" sheet, which closes on navigation.
    const link = shell.nav().getByRole('link', { name: d.label });
    if (await link.count()) await expect(link).toHaveAttribute('aria-current', 'page');
    else expect(shell.isPhone()).toBe(true);
    await screenshot(page, testInfo, d.label.toLowerCase());
  }
});

test('home, the first screen: my open deals by stage, what is due today, new leads, the sync state', async ({ page }, testInfo) => {
  await loginAs(page, users.manager.email);
  await expect(page).toHaveURL(/\/$/);
  await expect(new Shell(page).heading()).toHaveText(/^Goede(morgen|middag|navond), Sanne$/);
  // Her open opportunities, counted as the server lists them.
  const me = await (await page.request.get('/api/me')).json();
  const all = await (await page.request.get('/api/records/opportunity')).json();
  const open = ['qualification', 'needs_analysis', 'proposal', 'negotiation'];
  const mine = all.filter((r: { owner_id: string; data: { stage: string } }) => r.owner_id === me.user.id && open.includes(r.data.stage));
  expect(mine.length, 'the demo data gives Sanne open opportunities').toBeGreaterThan(0);
  const deals = page.getByRole('region', { name: 'Mijn open opportunities' });
  await expect(deals).toContainText(`${mine.length} deal`);
  await expect(deals.getByRole('listitem')).toHaveCount(open.length);
  await expect(deals.getByRole('listitem').first()).toContainText('Kwalificatie');
  await expect(page.getByRole('region', { name: 'Vandaag te doen' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Nieuwe leads deze week' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Op dit apparaat' })).toContainText('Alles opgeslagen');
  await screenshot(page, testInfo, 'home');
});

test('lists show the records of the demo data, searchable', async ({ page }) => {
  await loginAs(page, users.admin.email);
  const shell = new Shell(page);
  await shell.open('Companies');
  const rows = listed(page, 'Companies');
  // Every company the server lists for this user (the 16 of the demo data, and any that other
  // stories created on this server).
  const companies = await (await page.request.get('/api/records/company')).json();
  expect(companies.length).toBeGreaterThanOrEqual(16);
  // (A long list renders only the rows in view: the count says how many there are.)
  await expect(page.locator('.count')).toHaveText(`${companies.length} records`);
  await page.getByRole('searchbox', { name: /Search/ }).fill('brouwerij');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Brouwerij De Kroon');
});

test('a sales rep sees only their office and no admin area', async ({ page }) => {
  await loginAs(page, users.rep.email);
  const shell = new Shell(page);
  await expect(shell.nav().getByRole('link', { name: 'Beheer' })).toHaveCount(0);
  await shell.open('Bedrijven');
  const rows = listed(page, 'Bedrijven');
  // Amsterdam's 8 demo companies (and any created there by other stories), none of Antwerpen.
  const companies = await (await page.request.get('/api/records/company')).json();
  expect(companies.length).toBeGreaterThanOrEqual(8);
  // (A long list renders only the rows in view: the count says how many there are.)
  await expect(page.locator('.count')).toHaveText(`${companies.length} records`);
  await expect(page.getByRole('region', { name: 'Bedrijven' })).not.toContainText('Schelde Shipping');
  // Typing the admin URL shows a clear refusal, not the users.
  await page.goto('/admin');
  await expect(page.getByText('Je rol geeft geen toegang tot deze pagina.')).toBeVisible();
  // A rep works opportunities, not leads: the wizard opened by its address says no at once
  // instead of accepting a lead the server would refuse later.
  await page.goto('/leads/new');
  await expect(page.getByRole('alert').filter({ hasText: 'Uw rol staat deze wijziging niet toe.' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Opslaan' })).toHaveCount(0);
});

test('the keyboard reaches the skip link and the navigation', async ({ page }) => {
  test.skip((page.viewportSize()?.width ?? 1024) < 768, 'keyboard navigation is a desktop story');
  await loginAs(page, users.admin.email);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
});

test('unknown pages say so, inside the app with its navigation at hand', async ({ page }) => {
  await loginAs(page, users.admin.email);
  await page.goto('/no/such/page');
  await expect(page.getByRole('main').getByRole('heading', { name: 'This page does not exist.' })).toBeVisible();
  await expect(page.getByText('The address may be mistyped, or the page has moved.')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to the start page' }).click();
  await expect(page).toHaveURL(/\/$/);
  // A record that is not on the device says why, and leads back to its list.
  await page.goto('/leads/01890000-0000-7000-8000-000000000000');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This record is not on this device.');
  await expect(page.getByText(/It may have been deleted, or it is not shared with you/)).toBeVisible();
  await page.getByRole('link', { name: 'Back to Leads' }).click();
  await expect(page).toHaveURL(/\/leads$/);
});

test('nothing overflows a 360 px wide screen', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'Pixel 7', 'a phone story');
  await page.setViewportSize({ width: 360, height: 740 });
  await loginAs(page, users.admin.email);
  const shell = new Shell(page);
  for (const d of destinations) {
    await shell.open(d.label);
    await expect(shell.heading()).toHaveText(d.heading);
    await expect(page.getByText('Loading…')).toHaveCount(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${d.label} scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
    // Every bottom-bar label is readable in full.
    const clipped = await page.evaluate(() =>
      [...document.querySelectorAll('.bottom-items span')].filter((s) => s.scrollWidth > s.clientWidth).map((s) => s.textContent),
    );
    expect(clipped).toEqual([]);
  }
  await screenshot(page, testInfo, 'admin-360');
});

test('the phone menu closes once a destination is chosen, and on Escape', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'Pixel 7', 'a phone story');
  await loginAs(page, users.admin.email);
  const nav = new Shell(page).nav();
  const more = nav.getByRole('button', { name: 'More' });
  await more.click();
  await expect(more).toHaveAttribute('aria-expanded', 'true');
  await nav.getByRole('link', { name: 'Companies' }).click();
  await expect(page).toHaveURL(/\/companies$/);
  await expect(more).toHaveAttribute('aria-expanded', 'false');
  await expect(nav.getByRole('link', { name: 'Contacts' })).toBeHidden();
  await more.click();
  await page.keyboard.press('Escape');
  await expect(more).toHaveAttribute('aria-expanded', 'false');
});

test('on a phone the first record of every list is high on the first screen', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'Pixel 7', 'a phone story');
  // The smallest phone the issue names: 360 × 740.
  await page.setViewportSize({ width: 360, height: 740 });
  await loginAs(page, users.admin.email);
  const lists = [
    ['/leads?tab=all', 'Leads'],
    ['/opportunities?tab=all', 'Opportunities'],
    ['/companies', 'Companies'],
    ['/contacts', 'Contacts'],
  ] as const;
  for (const [path, region] of lists) {
    await page.goto(path);
    const first = listed(page, region).first();
    await expect(first).toBeVisible();
    const box = await first.boundingBox();
    expect(box, path).not.toBeNull();
    expect(box!.y, `${path}: the first record starts at y = ${box!.y}`).toBeLessThan(200);
    // A card is a comfortable target: at least 44 px high, the full width but the margins.
    expect(box!.height).toBeGreaterThanOrEqual(44);
    expect(box!.width).toBeGreaterThan(300);
  }
  await page.goto('/opportunities?tab=all');
  await expect(listed(page, 'Opportunities').first()).toBeVisible();
  await screenshot(page, testInfo, 'phone-opportunities');
  // The pipeline: search and a filters button, then the first column's cards.
  await page.goto('/pipeline');
  const card = page.getByRole('region', { name: 'Pipeline' }).getByRole('listitem').first();
  await expect(card).toBeVisible();
  const cardBox = await card.boundingBox();
  expect(cardBox!.y, `the first pipeline card starts at y = ${cardBox!.y}`).toBeLessThan(260);
  await page.locator('summary', { hasText: 'Board filters' }).click();
  await expect(page.getByLabel('Detailed cards')).toBeVisible();
  await screenshot(page, testInfo, 'phone-pipeline-filters');
  // Activities: one made on a lead is the first of the list, high on the screen.
  await page.goto('/leads?tab=all');
  await listed(page, 'Leads').first().getByRole('link').first().click();
  const subject = `Call back ${Date.now()}`;
  await page.getByLabel('Subject').fill(subject);
  await page.getByRole('button', { name: 'New activity' }).click();
  await expect(page.getByRole('link', { name: subject })).toBeVisible();
  await page.goto('/activities');
  const activity = page.getByRole('main').locator('ul.activities > li').first();
  await expect(activity).toBeVisible();
  // (The list re-renders as the new activity syncs: measure the one shown.)
  await expect.poll(async () => (await activity.boundingBox())?.y ?? Infinity, { message: 'the first activity starts above y = 200' }).toBeLessThan(200);
});

test('on a laptop screen the lists show their value without scrolling sideways', async ({ page }) => {
  test.skip(new Shell(page).isPhone(), 'the phone shows cards');
  await loginAs(page, users.admin.email);
  for (const width of [1280, 1366]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [path, name, last] of [['/leads?tab=all', 'Leads', 'Value'], ['/opportunities?tab=all', 'Opportunities', 'Expected close']]) {
      await page.goto(path);
      const region = page.getByRole('region', { name });
      await expect(region.getByRole('row').nth(1)).toBeVisible();
      const [box, header] = [await region.boundingBox(), await region.getByRole('columnheader', { name: last }).boundingBox()];
      expect(header!.x + header!.width, `${name} at ${width} px: ${last} in view`).toBeLessThanOrEqual(box!.x + box!.width + 1);
      expect(await region.evaluate((e) => e.scrollWidth - e.clientWidth), `${name} at ${width} px: no sideways scroll`).toBeLessThanOrEqual(1);
    }
  }
});
