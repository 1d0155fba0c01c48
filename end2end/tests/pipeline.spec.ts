import { expect, test, type Page } from '@playwright/test';
import { loginAs, newLead, screenshot, swReady, users } from './fixtures/app';

type Row = { id: string; data: Record<string, unknown> };

function column(page: Page, stage: string) {
  return page.locator(`.board-column[data-stage="${stage}"]`);
}

function card(page: Page, stage: string, title: string) {
  return column(page, stage).locator('.board-card', { hasText: title });
}

async function stageOnServer(page: Page, title: string) {
  const leads: Row[] = await (await page.request.get('/api/records/lead')).json();
  return leads.find((r) => r.data.title === title)?.data.stage;
}

async function openBoard(page: Page, title: string) {
  await page.goto('/pipeline?list=lead');
  await page.getByLabel('Search', { exact: true }).fill(title);
  await expect(card(page, 'new', title)).toBeVisible();
}

/** Drags with the mouse from a card to a column. */
async function mouseDrag(page: Page, from: ReturnType<typeof card>, to: string) {
  // (Cards are re-rendered when a sync lands: hover waits for the current one.)
  await from.hover({ position: { x: 24, y: 20 } });
  const a = (await from.boundingBox())!;
  const b = (await column(page, to).boundingBox())!;
  await page.mouse.down();
  await page.mouse.move(a.x + 36, a.y + 20, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + 120, { steps: 12 });
  await page.mouse.up();
}

/** Drags with a finger (CDP touch events): a long press picks the card up. */
async function touchDrag(page: Page, from: ReturnType<typeof card>, x: number, y: number) {
  const a = (await from.boundingBox())!;
  const cdp = await page.context().newCDPSession(page);
  const start = { x: a.x + a.width / 3, y: a.y + a.height / 2 };
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [start] });
  await page.waitForTimeout(600);
  for (let i = 1; i <= 12; i++) {
    const p = { x: start.x + ((x - start.x) * i) / 12, y: start.y + ((y - start.y) * i) / 12 };
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] });
    await page.waitForTimeout(16);
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

test('the board moves a card by drag (mouse, or a long press on a phone) and by keyboard, and refuses a transition the rules forbid', async ({ page }, testInfo) => {
  await loginAs(page, users.admin.email);
  const title = `Board lead ${Date.now()}`;
  await newLead(page, title);
  await openBoard(page, title);
  await screenshot(page, testInfo, 'board');
  const phone = testInfo.project.name.includes('Pixel');
  if (phone) {
    const target = (await column(page, 'contacted').boundingBox())!;
    await touchDrag(page, card(page, 'new', title), Math.min(target.x + 30, page.viewportSize()!.width - 10), target.y + 120);
  } else {
    await mouseDrag(page, card(page, 'new', title), 'contacted');
  }
  await expect(card(page, 'contacted', title)).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: `${title} moved to Contacted.` })).toBeVisible();
  await expect.poll(() => stageOnServer(page, title), { timeout: 15_000 }).toBe('contacted');
  if (!phone) {
    // Contacted may not go to Converted (only a conversion gets there): it snaps back and says why.
    await mouseDrag(page, card(page, 'contacted', title), 'converted');
    await expect(page.getByRole('status').filter({ hasText: `${title} cannot move to Converted` })).toBeVisible();
    await expect(card(page, 'contacted', title)).toBeVisible();
    await expect(card(page, 'converted', title)).toHaveCount(0);
  }
  // The keyboard: "Move to…" offers the allowed stages only.
  await card(page, 'contacted', title).getByRole('button', { name: `Move ${title} to…` }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: `Move ${title} to…` });
  await expect(dialog.getByRole('button')).toHaveText(['New', 'Qualified', 'Disqualified', 'Cancel']);
  await expect(dialog.getByRole('button', { name: 'New', exact: true })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Qualified', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(card(page, 'qualified', title)).toBeVisible();
  await expect.poll(() => stageOnServer(page, title), { timeout: 15_000 }).toBe('qualified');
  // Detailed cards, grouped by stage group: the layout stays after a reload. (On a phone the
  // filters open as a sheet from their button.)
  const filters = page.locator('summary', { hasText: 'Board filters' });
  if (phone) await filters.click();
  await page.getByLabel('Detailed cards').check();
  await page.getByLabel('Group by stage group').check();
  await page.reload();
  if (phone) await filters.click();
  await expect(page.getByLabel('Detailed cards')).toBeChecked();
  await expect(page.getByRole('group', { name: 'Open' })).toBeVisible();
  await screenshot(page, testInfo, 'board-detailed');
});

test('a rule made in Automation fires on a move made offline once it syncs, and its task reaches a colleague', async ({ browser }, testInfo) => {
  test.setTimeout(90_000);
  const a = await browser.newContext({ ...testInfo.project.use });
  const b = await browser.newContext({ ...testInfo.project.use });
  const admin = await a.newPage();
  const sanne = await b.newPage();
  const stamp = Date.now();
  const code = `follow_up_${stamp}`;
  const subject = `Follow up ${stamp}`;
  try {
    await loginAs(admin, users.admin.email);
    await swReady(admin);
    // The rule: when a lead's stage changes to Contacted, a task for its owner, due tomorrow.
    await admin.goto('/admin/automation');
    // "New rule" opens its small form with the focus in the code; Add closes it again.
    await admin.getByRole('button', { name: 'New rule' }).click();
    const form = admin.getByRole('group', { name: 'New rule' });
    await expect(form.getByLabel('Code')).toBeFocused();
    await admin.keyboard.type(code);
    await form.getByLabel('Name (en)').fill(`Follow-up ${stamp}`);
    await form.getByRole('button', { name: 'Add' }).click();
    await expect(form).toHaveCount(0);
    await expect(admin.getByRole('button', { name: 'New rule' })).toBeFocused();
    const rule = admin.locator('li.config-item').filter({ has: admin.locator('summary', { hasText: `Follow-up ${stamp}` }) });
    await rule.locator('summary').click();
    await rule.getByLabel('When').selectOption('stage_changed');
    await rule.getByLabel('Stage', { exact: true }).selectOption('contacted');
    await rule.getByLabel('Action', { exact: true }).selectOption('create_task');
    await rule.getByLabel('Subject').fill(subject);
    await rule.getByLabel('Active').check();
    await rule.getByRole('button', { name: 'Save' }).click();
    await screenshot(admin, testInfo, 'automation-rule');
    await expect
      .poll(async () => {
        const rules: Row[] = await (await admin.request.get('/api/records/rule')).json();
        const r = rules.find((x) => x.data.code === code);
        return r ? `${r.data.active} ${(r.data.event as { on: string }).on}` : 'none';
      }, { timeout: 15_000 })
      .toBe('true stage_changed');

    const title = `Rule lead ${stamp}`;
    await newLead(admin, title);
    await expect.poll(() => stageOnServer(admin, title), { timeout: 15_000 }).toBe('new');
    const lead = ((await (await admin.request.get('/api/records/lead')).json()) as Row[]).find((r) => r.data.title === title)!;
    // A colleague of the same office has the lead open.
    await loginAs(sanne, users.manager.email);
    await sanne.goto(`/leads/${lead.id}`);
    await expect(sanne.getByRole('heading', { level: 1 })).toHaveText(title);
    await expect(sanne.getByText(subject)).toHaveCount(0);

    // Offline, the move is made on the board; nothing reaches the server yet.
    await openBoard(admin, title);
    await a.setOffline(true);
    await card(admin, 'new', title).getByRole('button', { name: `Move ${title} to…` }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Contacted', exact: true }).click();
    await expect(card(admin, 'contacted', title)).toBeVisible();
    await admin.waitForTimeout(1_000);
    expect(await stageOnServer(sanne, title)).toBe('new');
    // Online again: the move syncs, the rule fires on the server, the task reaches Sanne.
    await a.setOffline(false);
    await expect(sanne.locator('section[aria-labelledby="activities-heading"]').getByText(subject)).toBeVisible({ timeout: 30_000 });
    await screenshot(sanne, testInfo, 'trigger-task-colleague');
    const activities: Row[] = await (await admin.request.get('/api/records/activity')).json();
    const tasks = activities.filter((x) => x.data.subject === subject && x.data.lead_id === lead.id);
    expect(tasks).toHaveLength(1);
    // Its history names the rule that made it.
    const history: { rule?: string; by?: string }[] = await (await admin.request.get(`/api/records/activity/${tasks[0].id}/history`)).json();
    expect(history.map((h) => h.rule)).toEqual([code]);
  } finally {
    // Switch the rule off, so later stories are not affected.
    await admin.goto('/admin/automation');
    const rule = admin.locator('li.config-item').filter({ has: admin.locator('summary', { hasText: `Follow-up ${stamp}` }) });
    if (await rule.count()) {
      await rule.locator('summary').click();
      await rule.getByLabel('Active').uncheck();
      await rule.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(async () => ((await (await admin.request.get('/api/records/rule')).json()) as Row[]).find((x) => x.data.code === code)?.data.active, { timeout: 15_000 })
        .toBe(false);
    }
    await a.close();
    await b.close();
  }
});

test('bulk update of opportunities, and recurring ones from a completion date', async ({ page }, testInfo) => {
  test.setTimeout(60_000);
  await loginAs(page, users.admin.email);
  const stamp = Date.now();
  const titles = [`Bulk deal ${stamp} A`, `Bulk deal ${stamp} B`];
  for (const title of titles) {
    await page.goto('/opportunities/new');
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  }
  // Repeating needs a completion date: refused with the reason, then made from it. (The
  // server makes them from its copy, so the new opportunity must have synced first.)
  await expect.poll(async () => {
    const opps: Row[] = await (await page.request.get('/api/records/opportunity')).json();
    return opps.some((o) => o.data.title === titles[1]);
  }, { timeout: 15_000 }).toBe(true);
  await page.locator('details.recurring summary').click();
  await page.getByLabel('Every (months)').fill('3');
  await page.getByLabel('How many').fill('2');
  await page.getByRole('button', { name: 'Create the next ones' }).click();
  await expect(page.locator('#recurring-error')).toContainText('no completion date');
  await page.getByLabel('Completion date').fill('2026-12-31');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect.poll(async () => {
    const opps: Row[] = await (await page.request.get('/api/records/opportunity')).json();
    return opps.find((o) => o.data.title === titles[1])?.data.completion_date;
  }, { timeout: 15_000 }).toBe('2026-12-31');
  await page.getByRole('button', { name: 'Create the next ones' }).click();
  await expect(page.getByText('2 created, from the completion date on.')).toBeVisible();
  const made: Row[] = ((await (await page.request.get('/api/records/opportunity')).json()) as Row[]).filter((o) => String(o.data.title).startsWith(`${titles[1]} (`));
  expect(made.map((o) => o.data.expected_close_date).sort()).toEqual(['2027-03-31', '2027-06-30']);
  await screenshot(page, testInfo, 'recurring');
  // Bulk: probability and expected close date for both.
  await page.goto('/opportunities?tab=all');
  await page.getByRole('searchbox').fill(`Bulk deal ${stamp}`);
  await page.getByRole('checkbox', { name: /^Select all/ }).check();
  const bar = page.getByRole('group', { name: 'Actions on the selected records' });
  await bar.getByLabel('Probability', { exact: true }).fill('60');
  await bar.getByRole('button', { name: 'Apply – Probability' }).click();
  await expect(page.getByText(/\d+ changed\./)).toBeVisible();
  await bar.getByLabel('Expected close date', { exact: true }).fill('2027-01-15');
  await bar.getByRole('button', { name: 'Apply – Expected close date' }).click();
  await expect.poll(async () => {
    const opps: Row[] = await (await page.request.get('/api/records/opportunity')).json();
    return opps.filter((o) => String(o.data.title).startsWith(`Bulk deal ${stamp}`)).map((o) => `${o.data.probability} ${o.data.expected_close_date}`).sort();
  }, { timeout: 15_000 }).toEqual(Array(4).fill('60 2027-01-15'));
});
