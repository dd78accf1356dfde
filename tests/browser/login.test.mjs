// SPDX-License-Identifier: MIT
// Headless Chromium on a stack with login required: an anonymous visit lands
// on the login form, a wrong password says so, the right one opens the
// dashboard live; a Dashing "reload" event reloads the open page (once); the
// Log out button ends the session. Screenshots go to tests/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startStack, freePort, sleep, waitFor, TOP } from '../harness/stack.mjs';
import { launch, dispose, watch } from './helpers.mjs';

const ARTIFACTS = path.join(TOP, 'tests', 'artifacts');
const CHROMIUM = process.env.MDASH_CHROMIUM || '/usr/bin/chromium';
const USER = 'ann';
const PASSWORD = 'ann-password-123';
// A 1x1 PNG, served by a picture server on another origin.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

let s;
let token;
let browser;
let context;
let page;
let pics;      // the picture server
let picsUrl;
const pageErrors = [];
const consoleLog = [];

const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

async function push(name, body) {
  const res = await s.get(`/widgets/${name}`, { method: 'POST', body: JSON.stringify({ auth_token: token, ...body }) });
  assert.equal(res.status, 204, `push to ${name}: ${res.status} ${await res.text()}`);
}

const shown = (name) => page.evaluate((n) => document.querySelector(`[data-widget="${n}"] .value, [data-widget="${n}"] .text`)?.textContent.trim() ?? null, name);

async function diagnostics() {
  let state;
  try {
    state = await page.evaluate(() => ({ url: location.href, conn: document.querySelector('.conn')?.dataset.conn, marker: window.__marker }));
  } catch (e) {
    state = `page.evaluate failed: ${e.message}`;
  }
  return `\npage: ${JSON.stringify(state)}\nconsole (last 15):\n${consoleLog.slice(-15).join('\n')}\n${await s.logs(8)}`;
}

async function expectShown(name, text, ms, why) {
  try {
    await page.waitForFunction(([n, t]) => document.querySelector(`[data-widget="${n}"] .value, [data-widget="${n}"] .text`)?.textContent.trim() === t,
      [name, text], { timeout: ms, polling: 50 });
  } catch {
    assert.fail(`${why}: ${name} did not show "${text}" within ${ms} ms; it shows "${await shown(name)}"${await diagnostics()}`);
  }
}

async function expectLive(ms, why) {
  try {
    await page.waitForSelector('.conn[data-conn="live"]', { timeout: ms, state: 'attached' });
  } catch {
    assert.fail(`${why}: the push stream did not go live within ${ms} ms${await diagnostics()}`);
  }
}

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  pics = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': PNG.length });
    res.end(PNG);
  });
  const port = await freePort();
  await new Promise((resolve) => pics.listen(port, '127.0.0.1', resolve));
  picsUrl = `http://127.0.0.1:${port}/logo.png`;

  s = await startStack({ requireLogin: true });
  await s.apply({ dashboards: [
    { slug: 'b', title: 'Team board', widgets: [
      { name: 'n1', type: 'number', title: 'Orders', source: { kind: 'push' } },
      { name: 'msg', type: 'text', title: 'Message', source: { kind: 'push' } },
      { name: 'pic', type: 'image', title: 'Logo', source: { kind: 'push' } },
    ] },
    { slug: 'c', title: 'Second board', widgets: [{ name: 'c1', type: 'text', title: 'C', source: { kind: 'push' } }] },
  ] });
  const u = await s.mdash(['user', 'add', USER, '--admin'], { input: `${PASSWORD}\n` });
  assert.equal(u.code, 0, show(u));
  const t = await s.mdash(['token', 'add', 'browser']);
  token = t.stdout.trim().split('\n').pop();
  await push('n1', { current: 1234 });
  await push('msg', { text: 'hello' });
  await push('pic', { image: picsUrl, alt: 'Our logo' });
  await push('c1', { text: 'second' });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  page = await context.newPage();
  page.on('pageerror', (e) => { pageErrors.push(e.message); consoleLog.push(`[pageerror] ${e.message}`); });
  page.on('console', (m) => consoleLog.push(`[${m.type()}] ${m.text()}`));
});

after(async () => {
  await dispose(browser);
  await s?.stop();
  pics?.closeAllConnections();
  await new Promise((r) => (pics ? pics.close(r) : r()));
});

test('an anonymous visit to a dashboard lands on the login form', async () => {
  const res = await page.goto(`${s.base}/d/b`, { waitUntil: 'load' });
  assert.equal(res.status(), 200);
  const url = new URL(page.url());
  assert.equal(url.pathname, '/login');
  assert.equal(url.searchParams.get('next'), '/d/b');
  assert.equal(await page.title(), 'Log in · mdash');
  assert.ok(await page.getByLabel('User name').isVisible(), 'no visible "User name" field');
  assert.ok(await page.getByLabel('Password').isVisible(), 'no visible "Password" field');
  assert.equal(await page.locator('input[name="next"]').inputValue(), '/d/b');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'username', 'the user name field has the focus');
  assert.equal(await page.locator('[data-widget]').count(), 0, 'widgets on the login page');
  await page.screenshot({ path: path.join(ARTIFACTS, 'login.png'), fullPage: true });
});

test('a wrong password says so and keeps the way back', async () => {
  await page.getByLabel('User name').fill(USER);
  await page.getByLabel('Password').fill('not-the-password');
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
    page.getByRole('button', { name: 'Log in' }).click(),
  ]);
  assert.equal(res.status(), 401);
  await page.waitForLoadState('load');
  assert.equal(await page.locator('.login-error').textContent(), 'Wrong user name or password.');
  assert.equal(await page.locator('input[name="next"]').inputValue(), '/d/b');
  assert.equal(await page.getByLabel('Password').inputValue(), '', 'the form gives the password back');
  await page.screenshot({ path: path.join(ARTIFACTS, 'login-error.png') });
  assert.deepEqual((await context.cookies()).filter((c) => c.name === 'mdash_session'), []);
});

test('logging in through the form opens the dashboard it came from, live', async () => {
  await page.getByLabel('User name').fill(USER);
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([
    page.waitForURL(`${s.base}/d/b`, { timeout: 10000 }),
    page.getByRole('button', { name: 'Log in' }).click(),
  ]);
  assert.equal(await page.title(), 'Team board · mdash');
  assert.equal(await shown('n1'), '1,234');
  assert.equal(await shown('msg'), 'hello');
  assert.equal((await page.locator('.topbar .user').textContent()).trim(), USER, 'the header names the user');
  assert.ok(await page.getByRole('button', { name: 'Log out' }).isVisible());
  await expectLive(10000, 'after logging in');
  const cookie = (await context.cookies()).find((c) => c.name === 'mdash_session');
  assert.ok(cookie, 'no session cookie');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Lax');
  assert.equal(await page.evaluate(() => document.cookie.includes('mdash_session')), false, 'scripts can read the session cookie');
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-logged-in.png'), fullPage: true });
});

test('a push shows within 2 s, without a reload', async () => {
  await page.evaluate(() => { window.__marker = 1; });
  await push('n1', { current: 5678 });
  await expectShown('n1', '5,678', 2000, 'after a push');
  await push('msg', { text: 'deploy <b>done</b>' });
  await expectShown('msg', 'deploy <b>done</b>', 2000, 'after a push with markup');
  assert.equal(await page.locator('[data-widget="msg"] b').count(), 0, 'pushed markup became an element');
  assert.equal(await page.evaluate(() => window.__marker), 1, 'the page was reloaded');
  assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
});

test('an image widget shows its picture from another site', async () => {
  const img = page.locator('[data-widget="pic"] img');
  assert.equal(await img.count(), 1, 'the image widget has no <img>');
  assert.equal(await img.getAttribute('src'), picsUrl);
  assert.equal(await img.getAttribute('alt'), 'Our logo');
  let loaded = false;
  try {
    await page.waitForFunction(() => {
      const i = document.querySelector('[data-widget="pic"] img');
      return i && i.complete && i.naturalWidth > 0;
    }, null, { timeout: 3000 });
    loaded = true;
  } catch { /* reported below */ }
  const csp = consoleLog.filter((l) => /Content Security Policy/i.test(l) && l.includes(picsUrl));
  assert.ok(loaded, `the picture ${picsUrl} did not load; the browser said:\n${csp.join('\n') || '(nothing)'}`);
});

test('POST /dashboards/<slug> {"event":"reload"} reloads the open page, once', { timeout: 40000 }, async () => {
  // The main tab moves to the second board; the reload is watched in a tab
  // of its own (same session), closed afterwards whatever it does.
  await page.goto(`${s.base}/d/c`, { waitUntil: 'load' });
  const ctx2 = await browser.newContext({ storageState: await context.storageState(), viewport: { width: 1280, height: 720 } });
  const navigations = [];
  try {
    const p2 = await ctx2.newPage();
    p2.on('framenavigated', (f) => { if (f === p2.mainFrame()) navigations.push(Date.now()); });
    await p2.goto(`${s.base}/d/b`, { waitUntil: 'load' });
    assert.equal(new URL(p2.url()).pathname, '/d/b', 'the session does not open the board in a second tab');
    await p2.waitForSelector('.conn[data-conn="live"]', { timeout: 5000, state: 'attached' });
    await p2.evaluate(() => { window.__marker = 1; });
    navigations.length = 0;
    const loaded = p2.waitForEvent('load', { timeout: 5000 });
    const res = await s.get('/dashboards/b', { method: 'POST', body: JSON.stringify({ auth_token: token, event: 'reload' }) });
    assert.equal(res.status, 204, await res.text());
    try {
      await loaded;
    } catch {
      assert.fail(`the page did not reload within 5 s of the reload event${await diagnostics()}`);
    }
    // Once: the reloaded page must not reload again (nor keep doing so).
    await p2.waitForTimeout(2000);
    assert.equal(navigations.length, 1, `the page reloaded ${navigations.length} times in the 2 s after one reload event`
      + ` (at +${navigations.map((t) => t - navigations[0]).join(' ms, +')} ms)`);
    assert.equal(new URL(p2.url()).pathname, '/d/b', 'the reload went elsewhere (logged out?)');
    assert.equal(await p2.evaluate(() => window.__marker), undefined, 'the page was not reloaded');
    await p2.waitForSelector('.conn[data-conn="live"]', { timeout: 5000, state: 'attached' });
    assert.equal(await p2.evaluate(() => document.querySelector('[data-widget="n1"] .value')?.textContent.trim()), '5,678',
      'the reloaded page lost the data');
    // A tab opened after the event does not take it for a new one.
    const p3 = await ctx2.newPage();
    let p3navs = 0;
    p3.on('framenavigated', (f) => { if (f === p3.mainFrame()) p3navs++; });
    await p3.goto(`${s.base}/d/b`, { waitUntil: 'load' });
    await p3.waitForSelector('.conn[data-conn="live"]', { timeout: 5000, state: 'attached' });
    await p3.waitForTimeout(1000);
    assert.equal(p3navs, 1, `a tab opened after the reload event reloaded ${p3navs - 1} times`);
  } finally {
    await dispose(ctx2);
  }
  // The other board's tab was left alone.
  assert.equal(new URL(page.url()).pathname, '/d/c');
  // Bad token, bad event name: nothing happens.
  for (const [body, status] of [[{ auth_token: 'wrong', event: 'reload' }, 401], [{ auth_token: token, event: 'not a name!' }, 400]]) {
    const res = await s.get('/dashboards/c', { method: 'POST', body: JSON.stringify(body) });
    await res.text();
    assert.equal(res.status, status, JSON.stringify(body));
  }
});

test('the Log out button ends the session and goes to the login page', { timeout: 40000 }, async () => {
  if (new URL(page.url()).pathname !== '/d/c') await page.goto(`${s.base}/d/c`, { waitUntil: 'load' });
  assert.equal(new URL(page.url()).pathname, '/d/c');
  await expectLive(5000, 'on the second board');
  // The logout answer and the session's "ended" push (which reloads the
  // user's open pages) may race; either way the tab must end on the login form.
  await page.getByRole('button', { name: 'Log out' }).click();
  try {
    await waitFor(() => new URL(page.url()).pathname === '/login', { ms: 5000, message: 'the login page' });
    await page.waitForLoadState('load');
    await page.waitForSelector('form.login', { timeout: 5000 });
  } catch (e) {
    assert.fail(`logging out did not reach /login: ${e.message}${await diagnostics()}`);
  }
  assert.equal(await page.title(), 'Log in · mdash');
  assert.deepEqual((await context.cookies()).filter((c) => c.name === 'mdash_session'), [], 'the cookie is still there');
  await page.goto(`${s.base}/d/c`, { waitUntil: 'load' });
  const url = new URL(page.url());
  assert.equal(url.pathname, '/login', 'after logging out the dashboard still opens');
  assert.equal(url.searchParams.get('next'), '/d/c');
  assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
});

// Sessions share their push channel 128 ways (lib/auth.h): one's logout
// reloads its own tabs, and the other sessions' pages on that channel,
// whose stream the logout ends too, stay as they are and follow on.
test('a logout reloads that session\'s other tabs; another session\'s page on the same channel stays, live', { timeout: 60000 }, async () => {
  const [a, b] = await s.sessionsSharingChannel(USER, 2);
  const ctxA = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const ctxB = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    await ctxA.addCookies([{ name: 'mdash_session', value: a.cookie, url: s.base, httpOnly: true, sameSite: 'Lax' }]);
    await ctxB.addCookies([{ name: 'mdash_session', value: b.cookie, url: s.base, httpOnly: true, sameSite: 'Lax' }]);
    const [a1, a2, b1] = [await ctxA.newPage(), await ctxA.newPage(), await ctxB.newPage()];
    const logB = watch(b1);
    const sockets = [];
    b1.on('websocket', (ws) => sockets.push(ws));
    for (const p of [a1, a2, b1]) {
      await p.goto(`${s.base}/d/b`, { waitUntil: 'load' });
      assert.equal(new URL(p.url()).pathname, '/d/b');
      await p.waitForSelector('.conn[data-conn="live"]', { timeout: 10000, state: 'attached' });
      await p.evaluate(() => { window.__marker = 'before the logout'; });
    }
    // b1 notes every state of its connection indicator.
    await b1.evaluate(() => {
      window.__states = [];
      const conn = document.querySelector('.conn');
      new MutationObserver(() => window.__states.push(conn.dataset.conn)).observe(conn, { attributes: true });
    });
    await a1.getByRole('button', { name: 'Log out' }).click();
    await waitFor(() => new URL(a1.url()).pathname === '/login', { ms: 5000, message: 'the login page in the tab that logged out' });
    await waitFor(() => new URL(a2.url()).pathname === '/login', { ms: 5000, message: 'the login page in the session\'s other tab' });
    // b1's stream ended with the shared channel; it opens again at once.
    await waitFor(() => sockets.length >= 2 && sockets[0].isClosed(), { ms: 5000,
      message: 'the other session\'s stream ended and opened again' });
    await push('n1', { current: 5150 });
    await b1.waitForFunction(() => document.querySelector('[data-widget="n1"] .value')?.textContent.trim() === '5,150'
      || document.querySelector('[data-widget="n1"] .value')?.textContent.trim() === '5150', null, { timeout: 5000 });
    assert.equal(new URL(b1.url()).pathname, '/d/b');
    assert.equal(await b1.evaluate(() => window.__marker), 'before the logout', 'the other session\'s page reloaded');
    assert.equal(await b1.evaluate(() => document.querySelector('.conn').dataset.conn), 'live');
    assert.deepEqual(await b1.evaluate(() => window.__states.filter((x) => x !== 'live')), [],
      'the other session\'s page showed its stream as down');
    assert.deepEqual(logB.errors, [], 'uncaught errors in the other session\'s page');
  } finally {
    await dispose(ctxA);
    await dispose(ctxB);
  }
});

// At a LAN name on a port of its own (plain HTTP, not loopback), the
// browser sends no Sec-Fetch-Site: only the Origin says where a POST came
// from, and it must match the site's scheme, host and port.
test('at a LAN address on its own port the browser logs in, saves and shares, and logs out', { timeout: 60000 }, async () => {
  const host = 'dash.test';
  const lan = `http://${host}:${s.port}`;
  const b2 = await launch([`--host-resolver-rules=MAP ${host} 127.0.0.1`]);
  try {
    const ctx = await b2.newContext({ viewport: { width: 1280, height: 720 } });
    const p = await ctx.newPage();
    const posts = [];
    p.on('request', async (r) => {
      if (r.method() === 'POST') posts.push({ path: new URL(r.url()).pathname, headers: await r.allHeaders() });
    });
    await p.goto(`${lan}/d/b`, { waitUntil: 'load' });
    assert.equal(new URL(p.url()).pathname, '/login');
    await p.getByLabel('User name').fill(USER);
    await p.getByLabel('Password').fill(PASSWORD);
    const [res] = await Promise.all([
      p.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
      p.getByRole('button', { name: 'Log in' }).click(),
    ]);
    assert.equal(res.status(), 302, `the login at ${lan} answered ${res.status()}: ${await res.text().catch(() => '')}`);
    await p.waitForURL(`${lan}/d/b`, { timeout: 10000 });
    const sent = posts.find((x) => x.path === '/login')?.headers ?? {};
    assert.equal(sent.origin, lan, 'the browser sent another Origin');
    assert.equal(sent['sec-fetch-site'], undefined, 'the browser sent Sec-Fetch-Site: this test no longer tests the Origin check');
    await p.waitForSelector('.conn[data-conn="live"]', { timeout: 10000, state: 'attached' });
    // A layout save and a share link, as the page's script sends them.
    const answers = await p.evaluate(async () => {
      const csrf = document.querySelector('meta[name="csrf-token"]').content;
      const headers = { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' };
      const layout = await fetch('/api/dashboards/b/layout', { method: 'POST', headers,
        body: JSON.stringify({ widgets: [{ name: 'n1', col: 2, row: 1, sizex: 1, sizey: 1 }] }) });
      const share = await fetch('/api/dashboards/b/shares', { method: 'POST', headers });
      return [layout.status, await layout.text(), share.status, await share.text()];
    });
    assert.ok(answers[0] < 300, `the layout save answered ${answers[0]}: ${answers[1]}`);
    assert.equal(answers[2], 201, `the share answered ${answers[2]}: ${answers[3]}`);
    await p.getByRole('button', { name: 'Log out' }).click();
    await waitFor(() => new URL(p.url()).pathname === '/login', { ms: 5000, message: 'the login page after logging out' });
    assert.deepEqual((await ctx.cookies()).filter((c) => c.name === 'mdash_session'), [], 'the logout left the session cookie');
  } finally {
    await dispose(b2);
  }
});
