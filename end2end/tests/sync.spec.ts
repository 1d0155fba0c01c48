import { expect, test } from '@playwright/test';
import { Shell, createInWizard, loginAs, screenshot, swReady, users, listed } from './fixtures/app';

test('offline edits and creations survive a reload and reach a colleague after reconnecting', async ({ browser }, testInfo) => {
  const repContext = await browser.newContext({ ...testInfo.project.use });
  const colleagueContext = await browser.newContext({ ...testInfo.project.use });
  const rep = await repContext.newPage();
  const colleague = await colleagueContext.newPage();
  try {
    await loginAs(rep, users.rep.email); // Tom, sales rep in Amsterdam (Dutch interface)
    await swReady(rep);
    // One of Tom's own opportunities, as the server lists it.
    const me = await (await rep.request.get('/api/me')).json();
    const all = await (await rep.request.get('/api/records/opportunity')).json();
    const mine = all.find((r: { owner_id: string }) => r.owner_id === me.user.id);
    expect(mine, 'the demo data gives Tom an opportunity').toBeTruthy();
    const shell = new Shell(rep);
    await shell.open('Opportunities');
    await expect(listed(rep, 'Opportunities').first()).toBeVisible();

    await repContext.setOffline(true);
    // Edit offline.
    await rep.getByRole('searchbox').fill(mine.data.title);
    await rep.getByRole('link', { name: mine.data.title }).click();
    const edited = `${mine.data.title} (beurs)`;
    await rep.getByLabel('Titel', { exact: true }).fill(edited);
    await rep.getByRole('button', { name: 'Opslaan' }).click();
    await expect(rep.getByText('Opgeslagen op dit apparaat')).toBeVisible();
    await expect(rep.getByRole('heading', { level: 1 })).toHaveText(edited);
    await expect(rep.getByRole('status').filter({ hasText: '1 wijziging te versturen' })).toBeVisible();
    // Create offline; a missing title is refused next to the field first.
    await shell.open('Opportunities');
    await rep.getByRole('link', { name: 'Nieuwe opportunity' }).click();
    await createInWizard(rep, '');
    await expect(rep.getByLabel('Titel', { exact: true })).toHaveAccessibleDescription('Dit veld is verplicht.');
    const created = `Beurs Utrecht – 3 bestelwagens ${Date.now()}`;
    await rep.getByLabel('Titel', { exact: true }).fill(created);
    await rep.getByLabel('Waarde').fill('abc');
    await rep.getByRole('button', { name: 'Opslaan' }).click();
    await expect(rep.getByLabel('Waarde')).toHaveAccessibleDescription('Vul een geheel getal in.');
    await rep.getByLabel('Waarde').fill('42000');
    await rep.getByRole('button', { name: 'Opslaan' }).click();
    await expect(rep.getByRole('heading', { level: 1 })).toHaveText(created);
    await expect(rep.getByRole('status').filter({ hasText: '2 wijzigingen te versturen' })).toBeVisible();
    await screenshot(rep, testInfo, 'offline-edit');

    // Reload while still offline: both changes are still there.
    await rep.reload();
    await expect(rep.getByRole('heading', { level: 1 })).toHaveText(created);
    await shell.open('Opportunities');
    await rep.getByRole('searchbox').fill('(beurs)');
    await expect(rep.getByRole('link', { name: edited })).toBeVisible();

    // Reconnect: the outbox drains.
    await repContext.setOffline(false);
    await expect(rep.getByRole('status').filter({ hasText: 'Alles opgeslagen' })).toBeVisible({ timeout: 15_000 });

    // Sanne, the Amsterdam sales manager, sees both on her device.
    await loginAs(colleague, users.manager.email);
    await new Shell(colleague).open('Opportunities');
    const list = colleague.getByRole('region', { name: 'Opportunities' });
    await colleague.getByRole('searchbox').fill(created);
    await expect(list.getByRole('link', { name: created })).toBeVisible();
    await colleague.getByRole('searchbox').fill(edited);
    await expect(list.getByRole('link', { name: edited })).toBeVisible();
  } finally {
    await repContext.close();
    await colleagueContext.close();
  }
});

test("a colleague's change appears within seconds, without reloading", async ({ browser }, testInfo) => {
  const a = await browser.newContext({ ...testInfo.project.use });
  const b = await browser.newContext({ ...testInfo.project.use });
  const writer = await a.newPage();
  const reader = await b.newPage();
  try {
    await loginAs(reader, users.admin.email);
    await new Shell(reader).open('Opportunities');
    await expect(listed(reader, 'Opportunities').first()).toBeVisible();
    const title = `Live ${Date.now()}`;
    await reader.getByRole('searchbox').fill(title);

    await loginAs(writer, users.manager.email);
    await new Shell(writer).open('Opportunities');
    await writer.getByRole('link', { name: 'Nieuwe opportunity' }).click();
    await createInWizard(writer, title);
    await expect(writer).toHaveURL(/\/opportunities\/[0-9a-f-]{36}$/);
    await expect(writer.getByRole('status').filter({ hasText: 'Alles opgeslagen' })).toBeVisible();
    // The reader's open list shows it (server-sent event → pull), with no reload.
    await expect(reader.getByRole('link', { name: title })).toBeVisible({ timeout: 3_000 });
  } finally {
    await a.close();
    await b.close();
  }
});

test('an edit to a record deleted elsewhere is reported on the Pending changes page, not lost silently', async ({ browser }, testInfo) => {
  const repContext = await browser.newContext({ ...testInfo.project.use });
  const rep = await repContext.newPage();
  try {
    await loginAs(rep, users.rep.email);
    await swReady(rep);
    const shell = new Shell(rep);
    await shell.open('Opportunities');
    // Tom creates an opportunity and it syncs.
    await rep.getByRole('link', { name: 'Nieuwe opportunity' }).click();
    const title = `Showroom ${Date.now()}`;
    await createInWizard(rep, title);
    // Saved locally (the page moves to the new record), then sent.
    await expect(rep).toHaveURL(/\/opportunities\/[0-9a-f-]{36}$/);
    await expect(rep.getByRole('status').filter({ hasText: 'Alles opgeslagen' })).toBeVisible();
    const id = rep.url().split('/').pop()!;

    // Offline, he renames it; the unsent change is listed.
    await repContext.setOffline(true);
    await rep.getByLabel('Titel', { exact: true }).fill(`${title} (nieuw)`);
    await rep.getByRole('button', { name: 'Opslaan' }).click();
    await shell.openAccountMenu();
    await rep.getByRole('link', { name: /^Openstaande wijzigingen/ }).click();
    await expect(rep.getByRole('heading', { name: 'Nog niet verstuurd (1)' })).toBeVisible();
    await expect(rep.getByText(`Wijziging · Opportunity · ${title} (nieuw)`)).toBeVisible();

    // Meanwhile his manager deletes it (through the sync API, as her app would).
    const manager = await browser.newContext();
    const api = manager.request;
    const base = testInfo.project.use.baseURL;
    expect((await api.post(`${base}/api/auth/login`, { data: { email: users.manager.email, password: 'veld-demo-2026' } })).ok()).toBe(true);
    const hlc = { wall_ms: Date.now(), counter: 0, client: crypto.randomUUID() };
    const push = await api.post(`${base}/api/sync/push`, {
      data: { protocol: 3, client_id: hlc.client, mutations: [{ id: 1, kind: 'opportunity', record_id: id, op: 'delete', hlc }] },
    });
    expect((await push.json()).results[0].outcome).toBe('applied');
    await manager.close();

    // Back online: the edit is refused with the reason, and can be dismissed.
    await repContext.setOffline(false);
    await expect(rep.getByRole('heading', { name: 'Geweigerd door de server (1)' })).toBeVisible({ timeout: 10_000 });
    await expect(rep.getByText('Iemand anders heeft dit record verwijderd')).toBeVisible();
    await expect(rep.getByRole('heading', { name: 'Nog niet verstuurd (0)' })).toBeVisible();
    await screenshot(rep, testInfo, 'pending');
    // It stays listed after a reload, until discarded.
    await rep.reload();
    await expect(rep.getByRole('heading', { name: 'Geweigerd door de server (1)' })).toBeVisible();
    await rep.getByRole('button', { name: /^Verwijderen/ }).click();
    await expect(rep.getByRole('heading', { name: 'Geweigerd door de server (0)' })).toBeVisible();
  } finally {
    await repContext.close();
  }
});

test('concurrent edits of the same field keep the later one and show the other as a conflict in the history', async ({ browser }, testInfo) => {
  const tomContext = await browser.newContext({ ...testInfo.project.use });
  const sanneContext = await browser.newContext({ ...testInfo.project.use });
  const tom = await tomContext.newPage();
  const sanne = await sanneContext.newPage();
  try {
    // Tom (rep) creates an opportunity; he and Sanne (his manager) both have it open.
    await loginAs(tom, users.rep.email);
    await swReady(tom);
    await new Shell(tom).open('Opportunities');
    await tom.getByRole('link', { name: 'Nieuwe opportunity' }).click();
    const original = `Wagenpark ${Date.now()}`;
    await createInWizard(tom, original);
    await expect(tom).toHaveURL(/\/opportunities\/[0-9a-f-]{36}$/);
    await expect(tom.getByRole('status').filter({ hasText: 'Alles opgeslagen' })).toBeVisible({ timeout: 15_000 });
    const url = new URL(tom.url()).pathname;
    await expect(tom.getByRole('heading', { name: 'Overschreven wijzigingen' })).toBeVisible();
    await expect(tom.getByText('Geen conflicterende wijzigingen.')).toBeVisible();
    await loginAs(sanne, users.manager.email);
    await swReady(sanne);
    await sanne.goto(url);
    await expect(sanne.getByRole('heading', { level: 1 })).toHaveText(original);

    // Both go offline and rename it: Tom first, Sanne a moment later.
    await tomContext.setOffline(true);
    await sanneContext.setOffline(true);
    const stamp = Date.now();
    const tomsTitle = `Tom ${stamp}`;
    const sannesTitle = `Sanne ${stamp}`;
    await tom.getByLabel('Titel', { exact: true }).fill(tomsTitle);
    await tom.getByRole('button', { name: 'Opslaan' }).click();
    await expect(tom.getByRole('heading', { level: 1 })).toHaveText(tomsTitle);
    await tom.waitForTimeout(50);
    await sanne.getByLabel('Titel', { exact: true }).fill(sannesTitle);
    await sanne.getByRole('button', { name: 'Opslaan' }).click();
    await expect(sanne.getByRole('heading', { level: 1 })).toHaveText(sannesTitle);

    // Tom's edit reaches the server first; Sanne's, later in time, wins when it arrives.
    await tomContext.setOffline(false);
    await expect(tom.getByRole('status').filter({ hasText: 'Alles opgeslagen' })).toBeVisible({ timeout: 15_000 });
    await sanneContext.setOffline(false);
    await expect(sanne.getByRole('status').filter({ hasText: 'Alles opgeslagen' })).toBeVisible({ timeout: 15_000 });

    // Tom's screen follows live: the later title, and his value in the history, with both names.
    await expect(tom.getByRole('heading', { level: 1 })).toHaveText(sannesTitle, { timeout: 10_000 });
    const history = tom.getByRole('region', { name: 'Overschreven wijzigingen' });
    const entry = history.getByRole('listitem').filter({ hasText: `‘${tomsTitle}’` });
    await expect(entry).toContainText(`‘${tomsTitle}’ (${users.rep.name})`, { timeout: 10_000 });
    await expect(entry).toContainText(`‘${sannesTitle}’ (${users.manager.name})`);
    await screenshot(tom, testInfo, 'conflict-history');

    // …and on his Pending changes page, as an edit of his that was overwritten.
    await new Shell(tom).openAccountMenu();
    await tom.getByRole('link', { name: /^Openstaande wijzigingen/ }).click();
    const mine = tom.getByRole('region', { name: 'Uw wijzigingen die werden overschreven' });
    await expect(mine.getByRole('listitem').filter({ hasText: tomsTitle })).toContainText(sannesTitle);
    // In Dutch, field and all; and once read, the list can be cleared.
    await expect(mine.getByRole('listitem').filter({ hasText: tomsTitle })).toContainText('Titel:');
    await mine.getByRole('button', { name: 'Deze lijst wissen' }).click();
    await expect(mine.getByRole('listitem').filter({ hasText: tomsTitle })).toHaveCount(0);
    await tom.reload();
    const cleared = tom.getByRole('region', { name: 'Uw wijzigingen die werden overschreven' });
    await expect(cleared.getByText('Geen conflicterende wijzigingen.')).toBeVisible();
  } finally {
    await tomContext.close();
    await sanneContext.close();
  }
});

test("saving one field never overwrites a colleague's offline edit of another field", async ({ browser }, testInfo) => {
  const tomContext = await browser.newContext({ ...testInfo.project.use });
  const sanneContext = await browser.newContext({ ...testInfo.project.use });
  const tom = await tomContext.newPage();
  const sanne = await sanneContext.newPage();
  try {
    // Tom (rep) creates an opportunity; Sanne (his manager) opens it.
    await loginAs(tom, users.rep.email);
    await swReady(tom);
    await tom.goto('/opportunities/new');
    const original = `Vloot ${Date.now()}`;
    await createInWizard(tom, original);
    await expect(tom.getByRole('heading', { level: 1 })).toHaveText(original);
    await expect(tom.getByRole('status').filter({ hasText: 'Alles opgeslagen' })).toBeVisible({ timeout: 15_000 });
    const url = new URL(tom.url()).pathname;
    await loginAs(sanne, users.manager.email);
    await sanne.goto(url);
    await expect(sanne.getByRole('heading', { level: 1 })).toHaveText(original);

    // Tom, offline at a customer's, notes the customer's interest.
    await tomContext.setOffline(true);
    const interest = `Zes bestelwagens ${Date.now()}`;
    await tom.getByLabel('Klantinteresse').fill(interest);
    await tom.getByRole('button', { name: 'Opslaan' }).click();
    await expect(tom.getByText('Opgeslagen op dit apparaat')).toBeVisible();
    // The header says a change waits, on a phone too, and leads to Pending changes.
    await expect(tom.getByRole('link', { name: '1 wijziging te versturen' })).toBeVisible();

    // Later, Sanne renames it: her first save of this record touches only the title.
    await tom.waitForTimeout(50);
    const renamed = `${original} (NL)`;
    await sanne.getByLabel('Titel', { exact: true }).fill(renamed);
    await sanne.getByRole('button', { name: 'Opslaan' }).click();
    await expect(sanne.getByRole('status').filter({ hasText: 'Alles opgeslagen' })).toBeVisible({ timeout: 15_000 });

    // Tom reconnects: both edits stand, on both screens and on the server.
    await tomContext.setOffline(false);
    await expect(tom.getByRole('status').filter({ hasText: 'Alles opgeslagen' })).toBeVisible({ timeout: 15_000 });
    await expect(tom.getByRole('heading', { level: 1 })).toHaveText(renamed, { timeout: 10_000 });
    await expect(tom.getByLabel('Klantinteresse')).toHaveValue(interest);
    await expect(sanne.getByLabel('Klantinteresse')).toHaveValue(interest, { timeout: 10_000 });
    const id = url.split('/').pop();
    const record = (await (await tom.request.get('/api/records/opportunity')).json()).find((r: { id: string }) => r.id === id);
    expect(record.data.title).toBe(renamed);
    expect(record.data.interest).toBe(interest);
    // Sanne's save is one field in the history, not every field of the form.
    const history = sanne.getByRole('region', { name: 'Tijdlijn' });
    const hers = history.getByRole('listitem').filter({ hasText: users.manager.name });
    await expect(hers).toHaveCount(1, { timeout: 10_000 });
    await expect(hers.locator('.field-changes li')).toHaveCount(1);
    await screenshot(tom, testInfo, 'two-fields-two-people');
  } finally {
    await tomContext.close();
    await sanneContext.close();
  }
});
