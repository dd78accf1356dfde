// SPDX-License-Identifier: MIT
// Wall screens in headless Chromium: live status marks (stale, error), the
// desktop, phone and TV (kiosk + fit to screen) layouts, the light theme,
// and rotation between dashboards (?rotate=2) that never shows a blank frame,
// keeps its options, follows &dashboards= and rides out a network drop.
// Screenshots go to tests/artifacts/; with MDASH_DOCS_SCREENSHOT=1 the TV one
// also becomes docs/screenshot.png (the README's picture).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startStack, TOP } from '../harness/stack.mjs';
import { launch, watch, live, boxes, assertNoOverlap, ARTIFACTS, dispose } from './helpers.mjs';

let s;
let token;
let browser;
const log = { errors: [], csp: [], console: [] };

const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

async function push(name, body) {
  const res = await s.get(`/widgets/${name}`, { method: 'POST', body: JSON.stringify({ auth_token: token, ...body }) });
  assert.equal(res.status, 204, `push to ${name}: ${await res.text()}`);
}

async function newPage(opts) {
  const ctx = await browser.newContext({ colorScheme: 'dark', ...opts });
  const page = await ctx.newPage();
  watch(page, log);
  return page;
}

const diag = async (page) => {
  let st;
  try {
    st = await page.evaluate(() => ({ url: location.href, conn: document.querySelector('.conn')?.dataset.conn,
      shown: document.querySelector('main.dashboard')?.dataset.dashboard, samples: window.__samples?.slice(-40) }));
  } catch (e) {
    st = e.message;
  }
  return `\npage: ${JSON.stringify(st)}\nconsole (last 15):\n${log.console.slice(-15).join('\n')}\n${await s.logs(6)}`;
};

before(async () => {
  s = await startStack();
  await writeFile(path.join(s.dir, 'cpu.json'), '{"current": 37}');
  const points = Array.from({ length: 40 }, (_, i) => ({ x: i, y: Math.round(50 + 30 * Math.sin(i / 5) + i) }));
  await s.apply({ dashboards: [
    { slug: 'ops', title: 'Operations', columns: 6, widgets: [
      { name: 'visitors', type: 'number', title: 'Visitors now', col: 1, row: 1, sizex: 2, sizey: 1, source: { kind: 'push' } },
      { name: 'signups', type: 'number', title: 'Sign-ups today', col: 3, row: 1, source: { kind: 'push' } },
      { name: 'load', type: 'meter', title: 'Load (1 min)', col: 4, row: 1, options: { min: 0, max: 4, thresholds: { warning: 3, danger: 3.8 } },
        source: { kind: 'push' } },
      { name: 'cpu', type: 'number', title: 'CPU %', col: 5, row: 1, interval: 2,
        source: { kind: 'exec', command: ['/bin/cat', path.join(s.dir, 'cpu.json')] } },
      { name: 'broken', type: 'number', title: 'Queue depth', col: 6, row: 1, interval: 60,
        source: { kind: 'exec', command: ['/bin/sh', '-c', 'echo "queue API: connection refused" >&2; exit 1'] } },
      { name: 'revenue', type: 'graph', title: 'Revenue (€/h)', col: 1, row: 2, sizex: 3, sizey: 1, source: { kind: 'push' } },
      { name: 'deploys', type: 'list', title: 'Deploys', col: 4, row: 2, sizex: 2, sizey: 2, source: { kind: 'push' } },
      { name: 'api', type: 'status', title: 'Public API', col: 6, row: 2, source: { kind: 'push' } },
      { name: 'msg', type: 'text', title: 'Notice', col: 1, row: 3, sizex: 2, source: { kind: 'push' } },
      { name: 'clock', type: 'clock', title: 'Berlin', col: 3, row: 3, options: { timezone: 'Europe/Berlin' }, source: { kind: 'push' } },
      { name: 'errors', type: 'number', title: 'Errors / min', col: 6, row: 3, options: { thresholds: { warning: 5, danger: 20 } },
        source: { kind: 'push' } },
    ] },
    { slug: 'biz', title: 'Business', columns: 3, widgets: [
      { name: 'mrr', type: 'number', title: 'MRR', sizex: 2, source: { kind: 'push' } },
      { name: 'churn', type: 'number', title: 'Churn %', source: { kind: 'push' } },
    ] },
  ] });
  const t = await s.mdash(['token', 'add', 'wall']);
  assert.equal(t.code, 0, show(t));
  token = t.stdout.trim().split('\n').pop();
  await push('visitors', { current: 12345, last: 11800 });
  await push('signups', { current: 321, last: 340 });
  await push('load', { value: 3.4 });
  await push('revenue', { points });
  await push('deploys', { items: [{ label: 'api v2.14.1', value: '09:41' }, { label: 'web v5.3.0', value: '09:12' },
    { label: 'worker v1.8.7', value: 'Mon' }, { label: 'db migration 42', value: 'Mon' }] });
  await push('api', { status: 'ok', text: 'All regions answering' });
  await push('msg', { text: 'Maintenance window Saturday 02:00–03:00 UTC.' });
  await push('errors', { current: 7 });
  await push('mrr', { current: 48200, prefix: '€' });
  await push('churn', { current: 1.9 });
  const up = await s.mdash(['update', '--force']);   // cpu works, broken fails: a non-zero exit is expected
  assert.match(up.stdout + up.stderr, /Successfully updated cpu/, show(up));
  browser = await launch();
});

after(async () => {
  await dispose(browser);
  await s?.stop();
});

test('desktop: failing and stale widgets are marked, and the mark goes when fresh data comes', async () => {
  const page = await newPage({ viewport: { width: 1280, height: 720 } });
  // Fresh data first (the cpu source runs every 2 s; nothing runs it here).
  const up = await s.mdash(['update', '--force', '--widget', 'cpu']);
  assert.equal(up.code, 0, show(up));
  await page.goto(`${s.base}/d/ops`, { waitUntil: 'load' });
  await live(page);
  const state = (n) => page.getAttribute(`[data-widget="${n}"]`, 'data-state');
  const mark = (n) => page.evaluate((x) => getComputedStyle(document.querySelector(`[data-widget="${x}"]`), '::after').content, n);
  assert.equal(await state('broken'), 'error');
  assert.equal(await mark('broken'), '"!"');
  assert.match(await page.locator('[data-widget="broken"] .widget-error').textContent(), /connection refused/);
  assert.equal(await state('cpu'), 'ok', 'cpu is not fresh when the page opens');
  // Older than twice its interval: the page marks it by itself, without a reload.
  await page.evaluate(() => { window.__marker = 1; });
  try {
    await page.waitForSelector('[data-widget="cpu"][data-state="stale"]', { timeout: 12000, state: 'attached' });
  } catch {
    assert.fail(`cpu (interval 2 s) was not marked stale within 12 s${await diag(page)}`);
  }
  assert.equal(await mark('cpu'), '"stale"');
  await page.screenshot({ path: path.join(ARTIFACTS, 'wall-desktop-stale.png') });
  assert.match(await page.locator('[data-widget="cpu"] .updated').textContent(), /^Updated \d+ s ago$/, 'stale, yet "just now"');
  // Fresh data: the new fragment says ok and the mark goes.
  await writeFile(path.join(s.dir, 'cpu.json'), '{"current": 41}');
  const up2 = await s.mdash(['update', '--force', '--widget', 'cpu']);
  assert.equal(up2.code, 0, show(up2));
  await page.waitForSelector('[data-widget="cpu"][data-state="ok"]', { timeout: 3000, state: 'attached' });
  assert.equal(await page.locator('[data-widget="cpu"] .value').textContent(), '41');
  assert.equal(await page.evaluate(() => window.__marker), 1, 'the page reloaded');
  assertNoOverlap(await boxes(page));
  await page.screenshot({ path: path.join(ARTIFACTS, 'wall-desktop.png') });
  await dispose(page.context());
});

test('phone: one column in reading order, no sideways scrolling', async () => {
  const page = await newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await page.goto(`${s.base}/d/ops`, { waitUntil: 'load' });
  await live(page);
  const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: innerWidth }));
  assert.ok(m.scroll <= m.inner + 1, `sideways scrolling: ${m.scroll} > ${m.inner}`);
  const b = await boxes(page);
  const order = await page.evaluate(() => [...document.querySelectorAll('[data-widget]')].map((el) => el.dataset.widget));
  for (let i = 1; i < b.length; i++) {
    assert.ok(b[i].y >= b[i - 1].y + b[i - 1].h - 1, `${b[i].name} is not below ${b[i - 1].name}`);
    assert.ok(b[i].w > 300, `${b[i].name} is ${b[i].w} px wide`);
  }
  assert.deepEqual(b.map((x) => x.name), order, 'not in reading order');
  assert.equal(await page.locator('.edit-layout').count(), 0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'wall-phone.png'), fullPage: true });
  await dispose(page.context());
});

test('TV: kiosk + fit fills 1920x1080 without scrolling, in type readable across a room', async () => {
  const page = await newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(`${s.base}/d/ops?kiosk=1&fit=1`, { waitUntil: 'load' });
  await live(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'wall-tv.png') });
  const m = await page.evaluate(() => {
    const g = document.querySelector('ul.grid').getBoundingClientRect();
    const px = (sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
    return { sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight, iw: innerWidth, ih: innerHeight,
      grid: { top: g.top, bottom: g.bottom, left: g.left, right: g.right },
      header: getComputedStyle(document.querySelector('.dash-title')).display,
      title: px('[data-widget="signups"] .widget-title'), value: px('[data-widget="signups"] .value'),
      updated: px('[data-widget="signups"] .updated') };
  });
  assert.ok(m.sw <= m.iw && m.sh <= m.ih, `the page scrolls: ${m.sw}x${m.sh} in ${m.iw}x${m.ih}`);
  assert.equal(m.header, 'none', 'kiosk mode shows the title');
  assert.ok(m.grid.top <= 30 && m.grid.bottom >= m.ih - 30, `the grid does not fill the height: ${JSON.stringify(m.grid)}`);
  assert.ok(m.grid.left <= 30 && m.grid.right >= m.iw - 30, `the grid does not fill the width: ${JSON.stringify(m.grid)}`);
  const b = await boxes(page);
  assertNoOverlap(b);
  const bottom = Math.max(...b.map((x) => x.y + x.h));
  assert.ok(bottom >= m.ih - 40 && bottom <= m.ih, `the last row ends at ${bottom} px of ${m.ih}`);
  assert.ok(m.title >= 20, `widget titles are ${m.title} px`);
  assert.ok(m.updated >= 16, `"Updated" lines are ${m.updated} px`);
  assert.ok(m.value >= 56, `big numbers are ${m.value} px`);
  // The README's picture: renewed on request only (it is a tracked file).
  if (process.env.MDASH_DOCS_SCREENSHOT === '1') {
    await mkdir(path.join(TOP, 'docs'), { recursive: true });
    await copyFile(path.join(ARTIFACTS, 'wall-tv.png'), path.join(TOP, 'docs', 'screenshot.png'));
  }

  // A 4K screen at 1:1 pixels: the same layout, twice the type.
  await page.setViewportSize({ width: 3840, height: 2160 });
  const k = await page.evaluate(() => ({ sh: document.documentElement.scrollHeight, ih: innerHeight,
    title: parseFloat(getComputedStyle(document.querySelector('[data-widget="signups"] .widget-title')).fontSize) }));
  assert.ok(k.sh <= k.ih, `4K: the page scrolls (${k.sh} > ${k.ih})`);
  assert.ok(k.title >= 1.8 * m.title, `4K: titles are ${k.title} px (1080p: ${m.title} px)`);
  await dispose(page.context());
});

test('dark theme, light when the system asks for it; ?theme= overrides both', async () => {
  const bg = async (scheme, query = '') => {
    const page = await newPage({ viewport: { width: 800, height: 600 }, colorScheme: scheme });
    await page.goto(`${s.base}/d/biz${query}`, { waitUntil: 'load' });
    const c = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await dispose(page.context());
    const [r, g, b] = c.match(/\d+/g).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  };
  assert.ok(await bg('dark') < 0.1, 'dark scheme: the background is not dark');
  assert.ok(await bg('light') > 0.85, 'light scheme: the background is not light');
  // A wall screen whose browser says "light" can ask for dark (and back).
  assert.ok(await bg('light', '?theme=dark') < 0.1, 'light scheme, ?theme=dark: the background is not dark');
  assert.ok(await bg('dark', '?theme=light') > 0.85, 'dark scheme, ?theme=light: the background is not light');
});

test('rotation: ?rotate=2 shows the next dashboard, never a blank frame, keeps its options, rides out a server outage', async () => {
  const page = await newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(`${s.base}/d/ops?kiosk=1&fit=1&rotate=2`, { waitUntil: 'load' });
  // Sample what is shown every 100 ms, inside the page (a navigation would
  // end the sampler and lose the marker).
  await page.evaluate(() => {
    window.__marker = 1;
    window.__samples = [];
    setInterval(() => {
      const m = document.querySelector('main.dashboard');
      window.__samples.push(m ? `${m.dataset.dashboard}:${m.querySelectorAll('[data-widget]').length}` : 'none');
    }, 100);
  });
  const shownIs = (slug, ms, why) => page.waitForFunction((x) => document.querySelector('main.dashboard')?.dataset.dashboard === x,
    slug, { timeout: ms, polling: 50 }).catch(async () => assert.fail(`${why}: ${slug} not shown within ${ms} ms${await diag(page)}`));
  await shownIs('biz', 4000, 'first turn');
  const u = new URL(page.url());
  assert.equal(u.pathname, '/d/biz', 'the address does not follow the rotation');
  assert.equal(u.search, '?kiosk=1&fit=1&rotate=2', 'the options were lost');
  assert.deepEqual(await page.evaluate(() => [...document.documentElement.classList].filter((c) => c === 'kiosk' || c === 'fit')),
    ['kiosk', 'fit']);
  assert.equal(await page.title(), 'Business · mdash');
  // The mounted dashboard is live: a push shows at once.
  await push('mrr', { current: 50100, prefix: '€' });
  await page.waitForFunction(() => document.querySelector('[data-widget="mrr"] .value')?.textContent.includes('50,100'), null,
    { timeout: 1900 }).catch(async () => assert.fail(`a push to biz did not show after the turn${await diag(page)}`));
  await shownIs('ops', 4000, 'second turn');
  await live(page, 3000);

  // The server goes away for 5 s (nginx stopped: the stream drops, every
  // fetch fails): the shown dashboard stays.
  await s.stack('stop-nginx');
  let down;
  try {
    await page.waitForTimeout(5000);
    down = await page.evaluate(() => document.querySelector('.conn').dataset.conn);
  } finally {
    await s.stack('start-nginx');
  }
  assert.notEqual(down, 'live', 'the dot still says live with the server gone');
  // ... and the rotation goes on when it is back.
  const now = await page.evaluate(() => document.querySelector('main.dashboard').dataset.dashboard);
  await shownIs(now === 'ops' ? 'biz' : 'ops', 6000, 'after the network came back');
  await page.waitForTimeout(300);

  const samples = await page.evaluate(() => window.__samples);
  assert.ok(samples.length >= 100, `${samples.length} samples`);
  const blank = samples.filter((x) => x === 'none' || x.endsWith(':0'));
  assert.deepEqual(blank, [], `blank frames among ${samples.length} samples`);
  const turns = samples.filter((x, i) => i > 0 && x !== samples[i - 1]).length;
  assert.ok(turns >= 3, `only ${turns} turns in ${samples.length / 10} s: ${samples.join(' ')}`);
  assert.equal(await page.evaluate(() => window.__marker), 1, 'the page was reloaded or navigated');
  await dispose(page.context());
});

test('rotation: &dashboards= picks and orders the dashboards', async () => {
  await s.apply({ dashboards: [{ slug: 'misc', title: 'Misc', widgets: [{ name: 'misc1', type: 'text', source: { kind: 'push' } }] }] });
  const page = await newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${s.base}/d/ops?rotate=2&dashboards=misc,ops`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelector('main.dashboard')?.dataset.dashboard !== 'ops', null, { timeout: 4000 });
  assert.equal(await page.evaluate(() => document.querySelector('main.dashboard').dataset.dashboard), 'misc', 'biz is not picked');
  // Not kiosk: the header follows (title, nav current).
  assert.equal(await page.locator('.dash-title').textContent(), 'Misc');
  assert.equal(await page.locator('.dash-nav [aria-current="page"]').textContent(), 'Misc');
  await dispose(page.context());
});

test('no uncaught errors and no CSP violations', () => {
  assert.deepEqual(log.errors, [], log.console.join('\n'));
  assert.deepEqual(log.csp, []);
});
