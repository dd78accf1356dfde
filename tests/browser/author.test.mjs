// SPDX-License-Identifier: MIT
// Authoring in the browser, on a stack with login. The administration page
// (GET /admin) is an admin's: without a login it asks for one, a viewer is
// refused. An open dashboard follows its set of widgets without a reload:
// a widget added elsewhere appears in its place and its pushes arrive (the
// stream follows the new channel), a removed one goes. With the authoring
// API (GET /api/types answers), the whole flow through the page's own
// forms: create a dashboard, add an http widget (a static JSON file served
// by the test's nginx) and a push widget, see their values arrive, see a
// second page follow live, a validation message beside its field, "Test
// source", edit, remove and delete.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startStack, waitFor } from '../harness/stack.mjs';
import { ARTIFACTS, launch, login, watch, dispose, bounded, live, pushWith } from './helpers.mjs';

let s;
let browser;
let admin;     // a context logged in as the admin
let token;     // a push token
const ADMIN = ['ada', 'ada-writes-dashboards'];
const VIEWER = ['vic', 'vic-only-looks'];
const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
const WAIT = 20000;   // generous: the machine is shared

before(async () => {
  s = await startStack({ requireLogin: true });
  await s.apply({ dashboards: [{ slug: 'base', title: 'Base', widgets: [
    { name: 'b1', type: 'number', title: 'First', sizex: 1, sizey: 1, col: 1, row: 1, source: { kind: 'push' } },
  ] }, { slug: 'other', title: 'Other', widgets: [] }] });
  for (const [name, pw, extra] of [[...ADMIN, ['--admin']], [...VIEWER, []]]) {
    const r = await s.mdash(['user', 'add', name, ...extra], { input: `${pw}\n` });
    assert.equal(r.code, 0, show(r));
  }
  const r = await s.mdash(['user', 'grant', VIEWER[0], 'base']);
  assert.equal(r.code, 0, show(r));
  const t = await s.mdash(['token', 'add', 'author-test']);
  assert.equal(t.code, 0, show(t));
  token = t.stdout.trim().split('\n').pop();
  browser = await launch();
  admin = await bounded(browser.newContext({ viewport: { width: 1280, height: 800 } }), 'a context for the admin');
  await login(admin, s.base, ...ADMIN);
});

after(async () => {
  await dispose(admin);
  await dispose(browser);
  if (s) await s.stop();
});

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `author-${name}.png`) }).catch(() => {});
}

// Moves a widget with the page's own layout POST: the app then tells every
// open page of the dashboard to re-check it ("layout").
async function sendLayout(page, slug, widgets) {
  const status = await page.evaluate(async ([slug, widgets]) => {
    const r = await fetch(`/api/dashboards/${slug}/layout`, { method: 'POST', headers: { 'Content-Type': 'application/json',
      'X-CSRF-Token': document.querySelector('meta[name="csrf-token"]').content }, body: JSON.stringify({ widgets }) });
    return r.status;
  }, [slug, widgets]);
  assert.ok(status < 300, `layout POST: HTTP ${status}`);
}

test('the administration page: an admin\'s, linked from the bar; a login first without one; a viewer refused', async () => {
  const anon = await s.get('/admin', { redirect: 'manual' });
  await anon.arrayBuffer();
  assert.equal(anon.status, 302, 'without a login');
  assert.match(anon.headers.get('location') ?? '', /\/login\?next=(%2F|\/)admin$/);
  const api = await s.get('/admin', { headers: { Accept: 'application/json' } });
  assert.equal(api.status, 401, `JSON without a login: ${await api.text()}`);

  const viewer = await bounded(browser.newContext(), 'a context for the viewer');
  try {
    await login(viewer, s.base, ...VIEWER);
    const p = await bounded(viewer.newPage(), 'the viewer\'s page');
    const res = await p.goto(`${s.base}/admin`, { waitUntil: 'load' });
    assert.equal(res.status(), 403);
    await p.goto(`${s.base}/d/base`, { waitUntil: 'load' });
    assert.equal(await p.locator('.admin-link, .widget-add, .widget-list').count(), 0, 'authoring controls for a viewer');
  } finally {
    await dispose(viewer);
  }

  const p = await bounded(admin.newPage(), 'the admin\'s page');
  try {
    const log = watch(p);
    await p.goto(`${s.base}/d/base`, { waitUntil: 'load' });
    await p.getByRole('link', { name: 'Admin' }).click();
    await p.waitForURL(/\/admin$/, { timeout: WAIT });
    for (const h of ['Dashboards', 'Users', 'API tokens', 'Share links', 'Audit log']) {
      await p.getByRole('heading', { name: h, level: 2 }).waitFor({ timeout: WAIT });
    }
    assert.equal(await p.getByRole('link', { name: 'Admin' }).getAttribute('aria-current'), 'page');
    assert.deepEqual(log.errors, [], 'script errors');
    assert.deepEqual(log.csp, [], 'CSP violations');
    await shot(p, 'admin');
  } finally {
    await dispose(p);
  }
});

// Opens a part's "make" dialog, fills it in, sends it, and reads the
// secret the page then shows once.
async function makeSecret(p, { part, open, dialog, fill, submit, shown }) {
  await p.locator(part).getByRole('button', { name: open }).click();
  const d = p.getByRole('dialog', { name: dialog });
  await fill(d);
  await d.getByRole('button', { name: submit }).click();
  const once = p.getByRole('dialog', { name: shown });
  const value = await once.locator('input.secret').inputValue({ timeout: WAIT });
  await once.getByRole('button', { name: 'Done' }).click();
  return value;
}

test('the administration page: a user, a token and a share link made and undone, each secret shown once and working; the audit log shows the changes', async (t) => {
  if (!await authoringApi()) {
    t.skip('the authoring API (GET /api/types) is not in this build');
    return;
  }
  const p = await bounded(admin.newPage(), 'the admin page');
  const other = await bounded(browser.newContext(), 'a context for the new user');
  try {
    const log = watch(p);
    await p.goto(`${s.base}/admin`, { waitUntil: 'load' });
    const users = p.locator('#users');
    // A user with a generated password, shown once, that logs in.
    const password = await makeSecret(p, { part: '#users', open: 'Add user', dialog: 'Add a user',
      fill: (d) => d.getByLabel('Name').fill('neo'), submit: 'Add user', shown: 'Password of neo' });
    assert.ok(password.length >= 8, `a generated password: "${password}"`);
    await login(other, s.base, 'neo', password);
    const row = users.getByRole('row', { name: /neo/ });
    await row.waitFor({ timeout: WAIT });
    // Grant a dashboard: saved as it is ticked.
    await row.getByRole('button', { name: 'Dashboards…' }).click();
    const dlg = p.getByRole('dialog', { name: 'Dashboards neo may see' });
    await dlg.getByLabel('Base').check();
    await waitFor(async () => /granted/.test(await dlg.locator('.admin-status').textContent()),
      { ms: WAIT, message: 'the grant saved' });
    await dlg.getByRole('button', { name: 'Done' }).click();
    await waitFor(async () => /base/.test(await users.getByRole('row', { name: /neo/ }).textContent()),
      { ms: WAIT, message: 'the grant in the table' });
    const seen = await other.request.get(`${s.base}/d/base`);
    assert.equal(seen.status(), 200, 'the granted dashboard opens for the new user');
    await users.getByRole('row', { name: /neo/ }).getByRole('button', { name: 'Remove' }).click();
    await p.getByRole('dialog', { name: 'Remove neo' }).getByRole('button', { name: 'Remove user' }).click();
    await users.getByRole('row', { name: /neo/ }).waitFor({ state: 'detached', timeout: WAIT });

    // A push token, shown once, that pushes until it is revoked.
    const tokens = p.locator('#tokens');
    const made = await makeSecret(p, { part: '#tokens', open: 'New token', dialog: 'New API token',
      fill: (d) => d.getByLabel('Name').fill('ci-job'), submit: 'Create token', shown: 'Token ci-job' });
    await pushWith(s, made, 'b1', { current: 5 });
    await tokens.getByRole('row', { name: /ci-job/ }).getByRole('button', { name: 'Revoke' }).click();
    await p.getByRole('dialog', { name: 'Revoke ci-job' }).getByRole('button', { name: 'Revoke token' }).click();
    await tokens.getByRole('row', { name: /ci-job/ }).waitFor({ state: 'detached', timeout: WAIT });
    const refused = await s.get('/widgets/b1', { method: 'POST', body: JSON.stringify({ auth_token: made, current: 6 }) });
    assert.equal(refused.status, 401, 'a revoked token pushes');

    // A share link, shown once, that opens without a login until revoked.
    const shares = p.locator('#shares');
    const link = new URL(await makeSecret(p, { part: '#shares', open: 'New share link', dialog: 'New share link',
      fill: (d) => d.getByLabel('Dashboard').selectOption('base'), submit: 'Create link', shown: 'Share link' }));
    const res = await s.get(link.pathname);
    assert.equal(res.status, 200, `the new link ${link.pathname}`);
    await res.arrayBuffer();
    await shares.getByRole('row', { name: /Base/ }).getByRole('button', { name: 'Revoke' }).click();
    await p.getByRole('dialog', { name: 'Revoke the link' }).getByRole('button', { name: 'Revoke link' }).click();
    await shares.getByRole('row', { name: /Base/ }).waitFor({ state: 'detached', timeout: WAIT });
    // (nginx may serve its copy of the link's page for up to 2 s more.)
    await waitFor(async () => {
      const r = await s.get(link.pathname);
      await r.arrayBuffer();
      return r.status === 404;
    }, { ms: WAIT, message: 'the revoked link refused' });

    // The audit log names who did it.
    await p.reload({ waitUntil: 'load' });
    const audit = p.locator('#audit');
    await waitFor(async () => (await audit.getByRole('row').count()) > 5, { ms: WAIT, message: 'audit entries' });
    assert.match(await audit.textContent(), /ada/);
    assert.deepEqual(log.errors, [], 'script errors');
    assert.deepEqual(log.csp, [], 'CSP violations');
    await shot(p, 'admin-after');
  } finally {
    await dispose(other);
    await dispose(p);
  }
});

test('an open dashboard follows its widgets: one added elsewhere appears and gets its pushes, one removed goes, without a reload', async () => {
  const p = await bounded(admin.newPage(), 'the watching page');
  try {
    const log = watch(p);
    await p.goto(`${s.base}/d/base`, { waitUntil: 'load' });
    await live(p);
    await p.evaluate(() => { window.notReloaded = true; });
    const r = await s.mdash(['widget', 'add', 'b2', '--type', 'number', 'dashboard=base', 'title=Second',
      'col=2', 'row=1', 'sizex=2', 'sizey=1', 'source={"kind":"push"}']);
    assert.equal(r.code, 0, show(r));
    await sendLayout(p, 'base', [{ name: 'b1', col: 1, row: 1, sizex: 1, sizey: 1 }]);
    const added = p.locator('[data-widget="b2"]');
    await added.waitFor({ timeout: WAIT });
    assert.equal(await added.locator('.widget-title').textContent(), 'Second');
    assert.deepEqual(await added.evaluate((el) => [el.dataset.col, el.dataset.sizex]), ['2', '2'], 'its place');
    // Its pushes arrive: the stream now follows its channel.
    await live(p);
    await pushWith(s, token, 'b2', { current: 4242 });
    await waitFor(async () => /4,?242/.test(await added.locator('.value').textContent()),
      { ms: WAIT, message: 'the pushed value on the new widget' });
    const rm = await s.mdash(['widget', 'rm', 'b2']);
    assert.equal(rm.code, 0, show(rm));
    await sendLayout(p, 'base', [{ name: 'b1', col: 1, row: 1, sizex: 1, sizey: 1 }]);
    await added.waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await p.evaluate(() => window.notReloaded), true, 'the page reloaded');
    assert.deepEqual(log.errors, [], 'script errors');
  } finally {
    await dispose(p);
  }
});

// The authoring API answers (GET /api/types): otherwise the flow below has
// nothing to talk to, and says so.
async function authoringApi() {
  const res = await s.get('/api/types', { headers: { Accept: 'application/json', Cookie: await cookieOf(admin) } });
  await res.arrayBuffer();
  return res.status === 200;
}
async function cookieOf(ctx) {
  return (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}

const valueOf = (page, name) => page.locator(`[data-widget="${name}"] .value`).first();
async function seeValue(page, name, re, what) {
  await waitFor(async () => re.test((await valueOf(page, name).textContent({ timeout: 1000 }).catch(() => '')) || ''),
    { ms: WAIT, message: what });
}

test('the whole flow in the page: a dashboard made, an http and a push widget added, tested, edited, removed and deleted, a second page following live', async (t) => {
  if (!await authoringApi()) {
    t.skip('the authoring API (GET /api/types) is not in this build');
    return;
  }
  const url = await s.writeDemo('author-web.json', { stats: { n: 321 } });
  const a = await bounded(admin.newPage(), 'page A');
  const b = await bounded(admin.newPage(), 'page B');
  try {
    const logA = watch(a);
    const logB = watch(b);
    // A new dashboard, from the list of dashboards.
    await a.goto(`${s.base}/`, { waitUntil: 'load' });
    await a.getByRole('button', { name: 'New dashboard' }).click();
    const create = a.getByRole('dialog', { name: 'New dashboard' });
    await create.getByLabel('Address name (slug)').fill('made');
    await create.getByLabel('Title').fill('Made here');
    await create.getByRole('button', { name: 'Create' }).click();
    await a.waitForURL(/\/d\/made$/, { timeout: WAIT });
    await live(a, WAIT);
    await b.goto(`${s.base}/d/made`, { waitUntil: 'load' });
    await live(b, WAIT);

    // An http widget: a message beside the field the server names, then
    // "Test source" shows what the source gives, storing nothing.
    await a.getByRole('button', { name: 'Add widget' }).click();
    let dlg = a.getByRole('dialog', { name: 'Add a widget' });
    await dlg.getByLabel('Name').fill('web');
    await dlg.getByLabel('Type').selectOption('number');
    await dlg.getByLabel('Title').fill('From the web');
    await dlg.getByLabel('Source').selectOption('http');
    await dlg.getByLabel('URL').fill('ftp://example.org/nope.json');
    await dlg.getByRole('button', { name: 'Add widget' }).click();
    const urlError = dlg.locator('.field[data-field="source.url"] .field-error');
    await urlError.waitFor({ timeout: WAIT });
    assert.ok((await urlError.textContent()).length > 0, 'a message beside the URL');
    assert.equal(await dlg.getByLabel('URL').getAttribute('aria-invalid'), 'true');
    assert.equal(await a.evaluate(() => document.activeElement.name), 'source.url', 'focus on the field in error');
    await dlg.getByLabel('URL').fill(url);
    await dlg.getByLabel('JSON pointer').fill('/stats/n');
    await dlg.getByRole('button', { name: 'Test source' }).click();
    await waitFor(async () => /321/.test(await dlg.locator('.test-result').textContent()),
      { ms: WAIT, message: 'the tested source\'s answer' });
    assert.equal(await a.locator('[data-widget="web"]').count(), 0, 'a test stored the widget');
    await shot(a, 'add-http');
    await dlg.getByRole('button', { name: 'Add widget' }).click();
    await dlg.waitFor({ state: 'detached', timeout: WAIT });
    for (const p of [a, b]) await p.locator('[data-widget="web"]').waitFor({ timeout: WAIT });
    const up = await s.mdash(['update', '--force', '--widget', 'web']);
    assert.equal(up.code, 0, show(up));
    for (const [p, n] of [[a, 'A'], [b, 'B']]) await seeValue(p, 'web', /321/, `the http value on page ${n}`);

    // A push widget: its address and a ready curl line are shown.
    await a.getByRole('button', { name: 'Add widget' }).click();
    dlg = a.getByRole('dialog', { name: 'Add a widget' });
    await dlg.getByLabel('Name').fill('pushed');
    await dlg.getByLabel('Type').selectOption('number');
    await dlg.getByLabel('Source').selectOption('push');
    const curl = await dlg.locator('.push-curl').textContent();
    assert.match(curl, /^curl -X POST .*\/api\/widgets\/pushed$/, 'the curl line');
    await dlg.getByRole('button', { name: 'Add widget' }).click();
    await dlg.waitFor({ state: 'detached', timeout: WAIT });
    for (const p of [a, b]) await p.locator('[data-widget="pushed"]').waitFor({ timeout: WAIT });
    await live(b, WAIT);
    await pushWith(s, token, 'pushed', { current: 77 });
    for (const [p, n] of [[a, 'A'], [b, 'B']]) await seeValue(p, 'pushed', /^77$/, `the pushed value on page ${n}`);

    // Edit: a new title, seen on both pages.
    await a.getByRole('button', { name: 'Widgets' }).click();
    let list = a.getByRole('dialog', { name: 'Widgets on this dashboard' });
    await list.getByRole('row', { name: /From the web/ }).getByRole('button', { name: 'Edit' }).click();
    dlg = a.getByRole('dialog', { name: /^Edit / });
    assert.equal(await dlg.getByLabel('URL').inputValue(), url, 'the stored URL in the form');
    await dlg.getByLabel('Title').fill('Web stats');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached', timeout: WAIT });
    for (const [p, n] of [[a, 'A'], [b, 'B']]) {
      await waitFor(async () => (await p.locator('[data-widget="web"] .widget-title').textContent()) === 'Web stats',
        { ms: WAIT, message: `the new title on page ${n}` });
    }

    // Remove from this dashboard (it stays), then delete everywhere.
    await a.getByRole('button', { name: 'Widgets' }).click();
    list = a.getByRole('dialog', { name: 'Widgets on this dashboard' });
    await list.getByRole('row', { name: /pushed/ }).getByRole('button', { name: 'Remove' }).click();
    await a.getByRole('dialog', { name: 'Remove from this dashboard' }).getByRole('button', { name: 'Remove' }).click();
    for (const p of [a, b]) await p.locator('[data-widget="pushed"]').waitFor({ state: 'detached', timeout: WAIT });
    let names = (await s.mdash(['widget', 'list'])).stdout;
    assert.match(names, /^pushed\b/m, 'a removed widget stays');
    await a.getByRole('button', { name: 'Widgets' }).click();
    list = a.getByRole('dialog', { name: 'Widgets on this dashboard' });
    await list.getByRole('row', { name: /Web stats/ }).getByRole('button', { name: 'Delete' }).click();
    await a.getByRole('dialog', { name: 'Delete the widget' }).getByRole('button', { name: 'Delete everywhere' }).click();
    for (const p of [a, b]) await p.locator('[data-widget="web"]').waitFor({ state: 'detached', timeout: WAIT });
    names = (await s.mdash(['widget', 'list'])).stdout;
    assert.doesNotMatch(names, /^web\b/m, 'a deleted widget is gone');

    // Rename and delete the dashboard from the list.
    await a.goto(`${s.base}/`, { waitUntil: 'load' });
    const card = a.locator('.dash-card[data-dashboard="made"]');
    await card.getByRole('button', { name: 'Rename' }).click();
    dlg = a.getByRole('dialog', { name: /^Rename / });
    await dlg.getByLabel('Title').fill('Made and renamed');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await waitFor(async () => (await card.locator('.dash-card-title').textContent()).trim() === 'Made and renamed',
      { ms: WAIT, message: 'the new title on the card' });
    await card.getByRole('button', { name: 'Delete' }).click();
    await a.getByRole('dialog', { name: /^Delete / }).getByRole('button', { name: 'Delete dashboard' }).click();
    await card.waitFor({ state: 'detached', timeout: WAIT });
    for (const [log, n] of [[logA, 'A'], [logB, 'B']]) {
      assert.deepEqual(log.errors, [], `script errors on page ${n}`);
      assert.deepEqual(log.csp, [], `CSP violations on page ${n}`);
    }
  } finally {
    await dispose(b);
    await dispose(a);
  }
});
