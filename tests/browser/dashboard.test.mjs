// SPDX-License-Identifier: MIT
// A real headless Chromium on a real stack: the dashboard renders, goes live,
// shows updater runs and pushes within 2 s without a reload, and reconnects
// (catching up) after nginx was down. Screenshots go to tests/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import http from 'node:http';
import { chromium } from 'playwright-core';
import { startStack, TOP } from '../harness/stack.mjs';
import { dispose } from './helpers.mjs';

const ARTIFACTS = path.join(TOP, 'tests', 'artifacts');
const CHROMIUM = process.env.MDASH_CHROMIUM || '/usr/bin/chromium';

let s;
let token;
let browser;
let context;
let page;
const pageErrors = [];   // uncaught exceptions in the page
const cspErrors = [];    // console errors about the Content Security Policy
const consoleLog = [];   // everything, for failure messages

const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

/** The text of NAME's .value (or .text) as the page shows it now. */
const shown = (name) => page.evaluate((n) => {
  const el = document.querySelector(`[data-widget="${n}"]`);
  if (!el) return null;
  const v = el.querySelector('.value, .text');
  return v ? v.textContent.trim() : null;
}, name);

/** Diagnostics for a failure: the widget's markup, the connection state, the console, the logs. */
async function context_(name) {
  let state = '';
  try {
    state = await page.evaluate((n) => ({
      conn: document.querySelector('.conn')?.dataset.conn,
      widget: document.querySelector(`[data-widget="${n}"]`)?.outerHTML,
      marker: window.__marker,
    }), name);
  } catch (e) {
    state = `page.evaluate failed: ${e.message}`;
  }
  return `\npage state: ${JSON.stringify(state, null, 1)}\nconsole (last 15):\n${consoleLog.slice(-15).join('\n')}\n${await s.logs(8)}`;
}

/** Waits until NAME shows TEXT; fails after ms with what the page shows instead. */
async function expectShown(name, text, ms, why) {
  const t0 = Date.now();
  try {
    await page.waitForFunction(([n, t]) => {
      const el = document.querySelector(`[data-widget="${n}"]`);
      const v = el && el.querySelector('.value, .text');
      return v && v.textContent.trim() === t;
    }, [name, text], { timeout: ms, polling: 50 });
  } catch {
    assert.fail(`${why}: widget ${name} did not show "${text}" within ${ms} ms; it shows "${await shown(name)}"${await context_(name)}`);
  }
  return Date.now() - t0;
}

async function expectConn(state, ms, why) {
  try {
    await page.waitForSelector(`.conn[data-conn="${state}"]`, { timeout: ms, state: 'attached' });
  } catch {
    assert.fail(`${why}: .conn did not become "${state}" within ${ms} ms${await context_('')}`);
  }
}

function watch(p) {
  p.on('pageerror', (e) => { pageErrors.push(e.message); consoleLog.push(`[pageerror] ${e.message}`); });
  p.on('console', (m) => {
    consoleLog.push(`[${m.type()}] ${m.text()}`);
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
}

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  s = await startStack();
  await s.writeDemo('n1.json', { v: 1234 });
  await writeFile(path.join(s.dir, 'cnt.json'), '{"current": 10}');
  await s.apply({ dashboards: [{ slug: 'b', title: 'Browser test', widgets: [
    { name: 'n1', type: 'number', title: 'Orders', sizex: 2, sizey: 1, interval: 60,
      source: { kind: 'http', url: `${s.base}/demo/n1.json`, pointer: '/v' } },
    { name: 'cnt', type: 'number', title: 'Counter', source: { kind: 'exec', command: ['/bin/cat', path.join(s.dir, 'cnt.json')] } },
    { name: 'msg', type: 'text', title: 'Message', source: { kind: 'push' } },
    { name: 'load', type: 'meter', title: 'Load', options: { min: 0, max: 100 },
      source: { kind: 'exec', command: ['/bin/echo', '{"value":42}'] } },
    { name: 'top', type: 'list', title: 'Top pages', source: { kind: 'push' } },
  ] }] });
  const up = await s.mdash(['update']);
  assert.equal(up.code, 0, show(up));
  const t = await s.mdash(['token', 'add', 'browser']);
  token = t.stdout.trim().split('\n').pop();
  const push = async (name, body) => {
    const res = await s.get(`/widgets/${name}`, { method: 'POST', body: JSON.stringify({ auth_token: token, ...body }) });
    assert.equal(res.status, 204);
  };
  await push('msg', { text: 'hello' });
  await push('top', { items: [{ label: '/home', value: 120 }, { label: '/pricing', value: 45 }] });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  page = await context.newPage();
  watch(page);
});

after(async () => {
  await dispose(browser);
  await s?.stop();
});

test('the dashboard opens with every value in place and goes live', async () => {
  const res = await page.goto(`${s.base}/d/b`, { waitUntil: 'load' });
  assert.equal(res.status(), 200);
  assert.equal(await page.title(), 'Browser test · mdash');
  assert.equal(await shown('n1'), '1,234');
  assert.equal(await shown('cnt'), '10');
  assert.equal(await shown('msg'), 'hello');
  assert.equal(await shown('load'), '42');
  const items = await page.locator('[data-widget="top"] li').allTextContents();
  assert.deepEqual(items.map((x) => x.replace(/\s+/g, ' ').trim()), ['/home 120', '/pricing 45']);
  await expectConn('live', 10000, 'the push stream never opened');
  assert.equal(await page.locator('.conn').textContent(), 'live', 'the indicator says live');
  await page.evaluate(() => { window.__marker = 1; });
});

test('the desktop layout follows the grid: sizes and no overlaps', async () => {
  const boxes = await page.evaluate(() => [...document.querySelectorAll('[data-widget]')].map((el) => {
    const r = el.getBoundingClientRect();
    return { name: el.dataset.widget, sizex: Number(el.dataset.sizex), x: r.x, y: r.y, w: r.width, h: r.height };
  }));
  assert.equal(boxes.length, 5);
  for (const b of boxes) assert.ok(b.w > 50 && b.h > 50, `${b.name} is ${b.w}x${b.h} px`);
  const n1 = boxes.find((b) => b.name === 'n1');
  const one = boxes.find((b) => b.name === 'cnt');
  assert.ok(n1.w > 1.7 * one.w, `a sizex=2 widget (${n1.w} px) is about twice a sizex=1 one (${one.w} px)`);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      const overlap = a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1;
      assert.ok(!overlap, `${a.name} and ${b.name} overlap on screen: ${JSON.stringify([a, b])}`);
    }
  }
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-desktop.png'), fullPage: true });
});

test('an updater run shows within 2 s, without a reload', async () => {
  await s.writeDemo('n1.json', { v: 5678 });
  const r = await s.mdash(['update', '--force', '--widget', 'n1']);
  assert.equal(r.code, 0, show(r));
  assert.deepEqual(r.stdout.trim(), 'Successfully updated n1');
  await expectShown('n1', '5,678', 2000, 'after `mdash update --force --widget n1`');
  assert.equal(await page.evaluate(() => window.__marker), 1, 'the page was reloaded');
  const v = await page.getAttribute('[data-widget="n1"]', 'data-version');
  const apiV = (await (await s.get('/api/widgets/n1')).json()).version;
  assert.equal(Number(v), apiV, 'the swapped-in widget carries the new version');
  // Only n1 changed; the others are the same elements as before.
  assert.equal(await shown('cnt'), '10');
});

test('a push through POST /widgets/<name> shows within 2 s, as text', async () => {
  const res = await s.get('/widgets/msg', { method: 'POST',
    body: JSON.stringify({ auth_token: token, text: 'deploy <b>done</b>' }) });
  assert.equal(res.status, 204);
  await expectShown('msg', 'deploy <b>done</b>', 2000, 'after a Dashing-style push');
  assert.equal(await page.locator('[data-widget="msg"] b').count(), 0, 'pushed markup became an element');
  const res2 = await s.get('/api/widgets/top', { method: 'POST', headers: { Authorization: `Bearer ${token}` },
    body: JSON.stringify({ items: [{ label: '/docs', value: 999 }] }) });
  assert.equal(res2.status, 204);
  try {
    await page.waitForFunction(() => document.querySelector('[data-widget="top"] li')?.textContent.includes('/docs'),
      null, { timeout: 2000 });
  } catch {
    assert.fail(`the list did not show the bearer push within 2 s${await context_('top')}`);
  }
  assert.equal(await page.evaluate(() => window.__marker), 1, 'the page was reloaded');
  assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
  assert.deepEqual(cspErrors, [], 'Content Security Policy violations');
});

test('a burst of pushes ends on the last value, never going back, fetching only that widget', async () => {
  const fetched = [];
  const onRequest = (r) => { const m = /\/widget\/([a-z0-9_-]+)$/.exec(new URL(r.url()).pathname); if (m) fetched.push(m[1]); };
  page.on('request', onRequest);
  // Record every version the cnt element shows, as the user would see them.
  await page.evaluate(() => {
    window.__seen = [];
    const board = document.querySelector('main.dashboard');
    const note = () => { const el = board.querySelector('[data-widget="cnt"]'); if (el) window.__seen.push(Number(el.dataset.version)); };
    new MutationObserver(note).observe(board, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-version'] });
    note();
  });
  try {
    const v0 = (await (await s.get('/api/widgets/cnt')).json()).version;
    for (let i = 1; i <= 10; i++) {
      const res = await s.get('/widgets/cnt', { method: 'POST', body: JSON.stringify({ auth_token: token, current: 1000 + i }) });
      assert.equal(res.status, 204);
    }
    await expectShown('cnt', '1,010', 2000, 'after 10 quick pushes');
    await page.waitForTimeout(300); // late answers would land now
    assert.equal(await shown('cnt'), '1,010', 'a late, older fragment replaced the newest value');
    const seen = await page.evaluate(() => window.__seen);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `the shown version went back: ${seen.join(' ')}`);
    assert.equal(seen.at(-1), v0 + 10);
    const others = fetched.filter((n) => n !== 'cnt');
    assert.deepEqual(others, [], 'pushes to cnt made the page re-fetch other widgets');
    // cnt's fragment is small: it comes in the messages, with no fetch at all.
    assert.ok(fetched.length <= 10, `${fetched.length} fragment fetches for 10 pushes`);
  } finally {
    page.off('request', onRequest);
  }
  assert.equal(await page.evaluate(() => window.__marker), 1, 'the page was reloaded');
});

test('a small fragment reaches the page in the push message, without a fetch', async () => {
  const fetched = [];
  const onRequest = (r) => { if (/\/widget\/msg$/.test(new URL(r.url()).pathname)) fetched.push(r.url()); };
  page.on('request', onRequest);
  try {
    const res = await s.get('/widgets/msg', { method: 'POST', body: JSON.stringify({ auth_token: token, text: 'in the message' }) });
    assert.equal(res.status, 204);
    await expectShown('msg', 'in the message', 2000, 'after a push');
    const v = (await (await s.get('/api/widgets/msg')).json()).version;
    assert.equal(await page.evaluate(() => document.querySelector('[data-widget="msg"]').dataset.version), String(v));
    await page.waitForTimeout(300); // a fetch would have started by now
    assert.deepEqual(fetched, [], 'the page fetched a fragment its message carried');
  } finally {
    page.off('request', onRequest);
  }
  assert.equal(await page.evaluate(() => window.__marker), 1, 'the page was reloaded');
  assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
});

// A text long enough that its fragment (over 4 KiB) stays out of the message.
const long = (t) => `${t} ${'and so on '.repeat(500)}`.trim();

test('a large fragment reaches the page by a fetch from nginx\'s fragment cache; a refused pass falls back to the app', async () => {
  const seen = [];   // [query, X-Fragment-Cache or null, status]
  const onResponse = (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/widget/msg') seen.push([u.search, r.headers()['x-fragment-cache'] || null, r.status()]);
  };
  page.on('response', onResponse);
  try {
    let res = await s.get('/widgets/msg', { method: 'POST', body: JSON.stringify({ auth_token: token, text: long('cached path') }) });
    assert.equal(res.status, 204);
    await expectShown('msg', long('cached path'), 2000, 'after a push');
    const v = (await (await s.get('/api/widgets/msg')).json()).version;
    assert.equal(seen.length, 1, `fetches: ${JSON.stringify(seen)}`);
    assert.match(seen[0][0], new RegExp(`^\\?v=${v}&d=b&e=\\d+&p=[\\w-]+$`), 'the fetch carries the version and a pass');
    assert.ok(['MISS', 'HIT', 'EXPIRED', 'UPDATING', 'STALE'].includes(seen[0][1]), `served by nginx's cache: ${seen[0][1]}`);

    // A pass nginx refuses (here: altered on the way) costs one more fetch, from the app.
    seen.length = 0;
    await page.route(/\/widget\/msg\?.*p=/, (route) => route.continue({ url: route.request().url().replace(/p=[\w-]+/, 'p=AAAAAAAAAAAAAAAAAAAAAA') }));
    res = await s.get('/widgets/msg', { method: 'POST', body: JSON.stringify({ auth_token: token, text: long('app path') }) });
    assert.equal(res.status, 204);
    await expectShown('msg', long('app path'), 2000, 'after a push whose pass was refused');
    assert.deepEqual(seen.map(([q, c, st]) => [q.replace(/\d+/g, 'N').replace(/p=[\w-]+/, 'p=P'), c, st]),
      [['?v=N&d=b&e=N&p=P', null, 403], ['', null, 200]], 'a refused pass, then the app');
  } finally {
    page.off('response', onResponse);
    await page.unrouteAll();
  }
  assert.equal(await page.evaluate(() => window.__marker), 1, 'the page was reloaded');
});

// Pushes text to the widget msg and waits until page p shows it.
async function pushAndSee(p, text, ms) {
  const res = await s.get('/widgets/msg', { method: 'POST', body: JSON.stringify({ auth_token: token, text }) });
  assert.equal(res.status, 204);
  await p.waitForFunction((t) => document.querySelector('[data-widget="msg"] .text')?.textContent.trim() === t,
    text, { timeout: ms });
}

// The stream as the page opens it: a WebSocket ('ws', from the 'websocket'
// event) or an EventSource ('es', from its response), with a pass or by the
// app, and how it went.
function streamsOf(p, pathname) {
  const seen = [];
  p.on('websocket', (ws) => {
    const u = new URL(ws.url());
    if (u.pathname !== pathname) return;
    const e = { kind: 'ws', by: u.search ? 'pass' : 'app', query: u.search, opened: false, error: null };
    seen.push(e);
    ws.on('framereceived', () => { e.opened = true; });
    ws.on('socketerror', (err) => { e.error = String(err); });
  });
  p.on('response', (r) => {
    const u = new URL(r.url());
    if (u.pathname === pathname && r.status() !== 101) {
      seen.push({ kind: 'es', by: u.search ? 'pass' : 'app', query: u.search, status: r.status() });
    }
  });
  return seen;
}

test('the page opens its stream as a WebSocket with a stream pass; refused passes fall back to the app', async () => {
  const p = await context.newPage();
  const streams = streamsOf(p, '/sub/d/b');
  try {
    await p.goto(`${s.base}/d/b`, { waitUntil: 'load' });
    await p.waitForSelector('.conn[data-conn="live"]', { timeout: 10000, state: 'attached' });
    assert.equal(streams.length, 1, `streams: ${JSON.stringify(streams)}`);
    assert.equal(streams[0].kind, 'ws', `streams: ${JSON.stringify(streams)}`);
    assert.match(streams[0].query, /^\?c=_d_b,[a-z0-9_,-]*msg[a-z0-9_,-]*&e=\d+&p=[\w-]{22}$/, 'the stream carries a pass');
    await pushAndSee(p, 'via a passed stream', 3000);   // a push still arrives through that stream
  } finally {
    await dispose(p);
  }
  // Passes nginx refuses (altered on the way): the WebSocket fails to
  // open, the same as an EventSource gets 403 (so it is not the
  // transport), then the app's way, as a WebSocket again.
  const q = await context.newPage();
  const tries = streamsOf(q, '/sub/d/b');
  try {
    await q.route((u) => u.pathname === '/api/dashboards/b', async (route) => {
      const res = await route.fetch();
      const data = await res.json();
      if (typeof data.stream === 'string') data.stream = data.stream.replace(/p=[\w-]+/, 'p=AAAAAAAAAAAAAAAAAAAAAA');
      await route.fulfill({ response: res, json: data });
    });
    await q.goto(`${s.base}/d/b`, { waitUntil: 'load' });
    await q.waitForSelector('.conn[data-conn="live"]', { timeout: 15000, state: 'attached' });
    assert.deepEqual(tries.map((t) => [t.kind, t.by, t.status ?? null]), [['ws', 'pass', null], ['es', 'pass', 403], ['ws', 'app', null]],
      JSON.stringify(tries));
  } finally {
    await dispose(q);
  }
});

// A proxy in front that does not pass upgrades (an old or plain HTTP
// proxy): the WebSocket cannot open, and the page streams as an
// EventSource instead, live as ever.
test('behind a proxy that does not pass WebSockets, the page streams as an EventSource', async () => {
  const proxy = http.createServer((req, res) => {
    // As a proxy configured without them: hop-by-hop headers dropped.
    const { connection, upgrade, ...headers } = req.headers;
    const up = http.request({ host: '127.0.0.1', port: s.port, path: req.url, method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  const via = `http://127.0.0.1:${proxy.address().port}`;
  const p = await context.newPage();   // cookies are the host's, whatever the port
  try {
    const streams = streamsOf(p, '/sub/d/b');
    await p.goto(`${via}/d/b`, { waitUntil: 'load' });
    await p.waitForSelector('.conn[data-conn="live"]', { timeout: 15000, state: 'attached' }).catch(async (e) => {
      assert.fail(`not live through the proxy: ${JSON.stringify(streams)} ${await p.locator('.conn').getAttribute('data-conn')} ${e.message}`);
    });
    const kinds = streams.map((t) => [t.kind, t.status ?? null]);
    assert.deepEqual(kinds, [['ws', null], ['es', 200]], JSON.stringify(streams));
    await pushAndSee(p, 'through the proxy', 5000);
  } finally {
    await dispose(p);
    proxy.closeAllConnections();
    proxy.close();
  }
});

test('after nginx was down, the page reconnects and catches up without a reload', async (t) => {
  await s.stack('stop-nginx');
  let r;
  try {
    try {
      await page.waitForFunction(() => document.querySelector('.conn')?.dataset.conn !== 'live', null, { timeout: 10000 });
    } catch {
      assert.fail(`the page still says "live" 10 s after nginx stopped${await context_('cnt')}`);
    }
    // An update while nobody can be told (the exec source does not need nginx).
    await writeFile(path.join(s.dir, 'cnt.json'), '{"current": 31337}');
    r = await s.mdash(['update', '--force', '--widget', 'cnt'], { timeout: 30000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-disconnected.png') });
  } finally {
    await s.stack('start-nginx');
  }
  assert.match(r.stdout + r.stderr, /\bcnt\b/, show(r));
  const ms = await expectShown('cnt', '31,337', 20000, 'after nginx came back');
  await expectConn('live', 5000, 'after nginx came back and the value was caught up');
  assert.equal(await page.evaluate(() => window.__marker), 1, 'the page was reloaded');
  t.diagnostic(`caught up ${ms} ms after nginx restarted`);

  // Live again: the next push arrives quickly.
  const res = await s.get('/widgets/msg', { method: 'POST', body: JSON.stringify({ auth_token: token, text: 'back online' }) });
  assert.equal(res.status, 204);
  await expectShown('msg', 'back online', 2000, 'a push after the reconnect');
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-desktop-after-reconnect.png'), fullPage: true });
});

test('on a phone the dashboard fits the screen width', async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    const p = await phone.newPage();
    const errors = [];
    p.on('pageerror', (e) => errors.push(e.message));
    const res = await p.goto(`${s.base}/d/b`, { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    await p.waitForSelector('.conn[data-conn="live"]', { timeout: 10000, state: 'attached' });
    const m = await p.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
      widgets: [...document.querySelectorAll('[data-widget]')].map((el) => {
        const r = el.getBoundingClientRect();
        return { name: el.dataset.widget, left: r.left, right: r.right, w: r.width };
      }),
    }));
    await p.screenshot({ path: path.join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
    assert.ok(m.scroll <= m.inner + 1, `the page scrolls sideways on a phone: scrollWidth ${m.scroll} > ${m.inner}`);
    for (const w of m.widgets) {
      assert.ok(w.left >= -1 && w.right <= m.inner + 1, `${w.name} sticks out of the screen: ${JSON.stringify(w)}`);
      assert.ok(w.w >= 150, `${w.name} is only ${w.w} px wide on a phone`);
    }
    assert.equal(await p.locator('[data-widget="cnt"] .value').textContent(), '31,337');
    assert.deepEqual(errors, []);
  } finally {
    await dispose(phone);
  }
});

test('a page renews its stream every ~10 minutes without losing an update pushed meanwhile', async () => {
  const p = await context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(e.message));
  const subs = streamsOf(p, '/sub/d/b');
  try {
    await p.clock.install();
    await p.goto(`${s.base}/d/b`, { waitUntil: 'load' });
    await p.waitForSelector('.conn[data-conn="live"]', { timeout: 10000, state: 'attached' });
    await p.evaluate(() => { window.__marker = 1; });
    assert.equal(subs.length, 1, 'one stream per page');
    // Hold the renewed stream back for a moment and push while it is away:
    // the page must still show that push (it re-checks versions on open).
    let pushed;
    const isStream = (u) => u.pathname === '/sub/d/b';   // with its stream pass, or not
    await p.routeWebSocket(isStream, async (ws) => {
      const res = await s.get('/widgets/msg', { method: 'POST', body: JSON.stringify({ auth_token: token, text: 'while renewing' }) });
      pushed = res.status;
      await new Promise((r) => setTimeout(r, 500));
      ws.connectToServer();
    });
    await p.clock.fastForward('13:00'); // past the longest jittered renewal (12 min)
    await p.waitForFunction(() => document.querySelector('[data-widget="msg"] .text')?.textContent.trim() === 'while renewing',
      null, { timeout: 5000 }).catch(async () => {
      assert.fail(`the push made during the renewal never showed; streams opened: ${subs.length}; it shows ` +
        `"${await p.locator('[data-widget="msg"] .text').textContent()}"`);
    });
    assert.equal(pushed, 204);
    assert.equal(subs.length, 2, 'the stream was renewed once');
    await p.waitForSelector('.conn[data-conn="live"]', { timeout: 5000, state: 'attached' });
    // The renewed stream is live: the next push arrives through it.
    const res = await s.get('/widgets/msg', { method: 'POST', body: JSON.stringify({ auth_token: token, text: 'after renewal' }) });
    assert.equal(res.status, 204);
    await p.waitForFunction(() => document.querySelector('[data-widget="msg"] .text')?.textContent.trim() === 'after renewal',
      null, { timeout: 3000 });
    assert.equal(await p.evaluate(() => window.__marker), 1, 'the page was reloaded');
    assert.deepEqual(errors, []);
  } finally {
    await dispose(p);
  }
});
