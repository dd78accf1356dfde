// SPDX-License-Identifier: MIT
// The authoring API, seen from an open dashboard in headless Chromium: a
// widget PUT through the API appears in its place, a change to it shows,
// and a removed one goes, all without a reload of the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../harness/stack.mjs';
import { launch, login, watch, dispose, bounded, live } from './helpers.mjs';

const ADMIN = ['ada', 'ada-writes-dashboards'];
const WAIT = 20000; // generous: the machine is shared

let s;
let browser;
let ctx;
let token; // an admin token

before(async () => {
  s = await startStack({ requireLogin: true });
  await s.apply({ dashboards: [{ slug: 'base', title: 'Base', widgets: [
    { name: 'b1', type: 'number', title: 'First', sizex: 1, sizey: 1, col: 1, row: 1, source: { kind: 'push' } }] }] });
  const u = await s.mdash(['user', 'add', ADMIN[0], '--admin'], { input: `${ADMIN[1]}\n` });
  assert.equal(u.code, 0, u.stderr);
  token = (await s.ok('token', 'add', 'editor', '--admin')).stdout.trim().split('\n').pop();
  browser = await launch();
  ctx = await bounded(browser.newContext({ viewport: { width: 1280, height: 800 } }), 'a context for the admin');
  await login(ctx, s.base, ...ADMIN);
});

after(async () => {
  await dispose(ctx);
  await dispose(browser);
  if (s) await s.stop();
});

async function api(method, p, body) {
  const res = await s.get(p, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

test('a widget put through the API appears on the open page, changes, and goes, without a reload', async () => {
  const p = await bounded(ctx.newPage(), 'the watching page');
  try {
    const log = watch(p);
    await p.goto(`${s.base}/d/base`, { waitUntil: 'load' });
    await live(p);
    await p.evaluate(() => { window.notReloaded = true; });
    let r = await api('PUT', '/api/widgets/b2', { type: 'number', title: 'Second', dashboard: 'base', col: 2, row: 1 });
    assert.equal(r.status, 201, r.text);
    const added = p.locator('[data-widget="b2"]');
    await added.waitFor({ timeout: WAIT });
    assert.equal(await added.locator('.widget-title').textContent(), 'Second');
    r = await api('PUT', '/api/widgets/b2', { type: 'number', title: 'Renamed', dashboard: 'base' });
    assert.equal(r.status, 200, r.text);
    await p.waitForFunction(() => document.querySelector('[data-widget="b2"] .widget-title')?.textContent === 'Renamed',
      null, { timeout: WAIT });
    r = await api('DELETE', '/api/widgets/b2');
    assert.equal(r.status, 204, r.text);
    await added.waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await p.evaluate(() => window.notReloaded), true, 'the page reloaded');
    assert.deepEqual(log.errors, [], 'script errors');
  } finally {
    await dispose(p);
  }
});
