// SPDX-License-Identifier: MIT
// Authoring in the browser, on a stack with login. An open dashboard
// follows its set of widgets without a reload:
// a widget added elsewhere appears in its place and its pushes arrive (the
// stream follows the new channel), a removed one goes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor } from '../harness/stack.mjs';
import { launch, login, watch, dispose, bounded, live, pushWith } from './helpers.mjs';

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
