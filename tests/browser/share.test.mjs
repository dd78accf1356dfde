// SPDX-License-Identifier: MIT
// share.test.mjs: an admin makes a share link from the page; a wall screen
// opens it with no login and sees the dashboard live; revoking the link
// stops that screen (it reloads into "revoked").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../harness/stack.mjs';
import { launch, watch, login, live, dispose } from './helpers.mjs';

let s, browser, token;
before(async () => {
  s = await startStack({ requireLogin: true });
  await s.apply({ dashboards: [{ slug: 'ops', title: 'Ops', widgets: [
    { name: 'n', type: 'number', source: { kind: 'push' } },
    { name: 'notes', type: 'text', source: { kind: 'push' } }] }] });
  const add = await s.mdash(['user', 'add', 'boss', '--admin'], { input: 'boss-password-1\n' });
  assert.equal(add.code, 0, add.stderr);
  token = (await s.mdash(['token', 'add', 'wall'])).stdout.trim().split('\n').pop();
  browser = await launch();
});
after(async () => {
  await dispose(browser);
  await s?.stop();
});

const push = async (v) => {
  const res = await s.get('/widgets/n', { method: 'POST', body: JSON.stringify({ auth_token: token, current: v }) });
  assert.equal(res.status, 204);
};

test('an admin makes a share link; a screen without login follows it live until it is revoked', { timeout: 60000 }, async () => {
  await push(1);
  const adminCtx = await browser.newContext();
  await login(adminCtx, s.base, 'boss', 'boss-password-1');
  const admin = await adminCtx.newPage();
  const log = watch(admin);
  await admin.goto(`${s.base}/d/ops`, { waitUntil: 'load' });
  await admin.getByRole('button', { name: 'Share link' }).click();
  const input = admin.locator('.share-url');
  await input.waitFor({ timeout: 5000 });
  const url = await input.inputValue();
  assert.match(url, new RegExp(`^${s.base}/s/[0-9a-f]{64}$`), 'an absolute link to /s/<secret>');
  assert.deepEqual(log.csp, []);

  // The wall screen: a fresh browser context, no cookie.
  const wallCtx = await browser.newContext();
  const wall = await wallCtx.newPage();
  // Its stream's addresses (WebSocket, or EventSource where that fails).
  const streams = [];
  wall.on('websocket', (ws) => streams.push(ws.url()));
  wall.on('request', (r) => { if (/\/sub\/d\//.test(r.url())) streams.push(r.url()); });
  // Its fragment fetches, and what answered them.
  const fragments = [];
  wall.on('response', (r) => { if (/\/widget\//.test(r.url())) fragments.push(`${r.status()} ${r.url()} ${r.headers()['x-fragment-cache']}`); });
  await wall.goto(url, { waitUntil: 'load' });
  assert.equal(new URL(wall.url()).pathname.startsWith('/s/'), true, 'no redirect to the login page');
  await live(wall);
  assert.equal((await wall.textContent('[data-widget="n"] .value')).trim(), '1');
  await push(2);
  await wall.waitForFunction(() => document.querySelector('[data-widget="n"] .value').textContent.trim() === '2',
    null, { timeout: 5000 });
  // A fragment too large to travel in the message is fetched with its pass
  // at the site's address, where signed-in pages fetch it: nginx keeps one
  // copy for both (the first fetch of a version renders it).
  const long = `${'A long note for the wall. '.repeat(240)}The end.`;
  let res = await s.get('/widgets/notes', { method: 'POST', body: JSON.stringify({ auth_token: token, text: long }) });
  assert.equal(res.status, 204);
  await wall.waitForFunction(() => /The end\./.test(document.querySelector('[data-widget="notes"]').textContent),
    null, { timeout: 5000 });
  assert.ok(fragments.length > 0 && fragments.every((f) => /^200 http:\/\/[^/]+\/widget\/notes\?v=\d+&d=ops&e=\d+&p=[\w-]+ (MISS|HIT|EXPIRED|UPDATING|STALE)$/.test(f)),
    `the share page's fragment fetches: ${fragments.join(' ')}`);
  // The link shows nothing else and has no admin controls.
  assert.equal(await wall.locator('.share-make').count(), 0);
  assert.equal(await wall.locator('form.logout').count(), 0);
  // nginx opened its stream with the pass from the link's JSON, not the app.
  assert.ok(streams.length > 0 && streams.every((u) => /\/s\/[0-9a-f]{64}\/sub\/d\/ops\?c=_d_ops,_s_\d+,n,notes&e=\d+&p=/.test(u)),
    `the share page's streams: ${streams.join(' ')}`);

  const list = (await s.mdash(['share', 'list'])).stdout.trim().split('\n');
  const id = list[list.length - 1].split('\t')[0];
  const rm = await s.mdash(['share', 'rm', id]);
  assert.equal(rm.code, 0, rm.stderr);
  await wall.waitForFunction(() => /revoked/.test(document.body.textContent), null, { timeout: 8000 });
  // The page it reloaded into, and a new load, open no stream.
  streams.length = 0;
  await wall.goto(url, { waitUntil: 'load' });
  assert.match(await wall.textContent('body'), /revoked/);
  await wall.waitForTimeout(1000);
  assert.deepEqual(streams, [], 'a revoked link\'s page opens no stream');
  await dispose(adminCtx);
  await dispose(wallCtx);
});
