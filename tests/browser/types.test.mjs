// SPDX-License-Identifier: MIT
// Widget types as a wall screen shows them in headless Chromium: a clock
// shows the time at once and never goes stale, not even beside data that
// the page's own check marks stale; a graph fed points, then single values
// while the page is open, draws its line across its box; a meter past its
// range shows its number and an "over" mark. Screenshots go to
// tests/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startStack } from '../harness/stack.mjs';
import { launch, watch, live, ARTIFACTS, dispose } from './helpers.mjs';

let s;
let token;
let browser;
const log = { errors: [], csp: [], console: [] };

async function push(name, body) {
  const res = await s.get(`/widgets/${name}`, { method: 'POST', body: JSON.stringify({ auth_token: token, ...body }) });
  assert.equal(res.status, 204, `push to ${name}: ${await res.text()}`);
}

const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

async function newPage() {
  const ctx = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 720 } });
  const page = await ctx.newPage();
  watch(page, log);
  return page;
}

/** The time now in zone tz as a clock shows it (HH:MM, 24 h). */
const hhmm = (tz, at = new Date()) => new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit',
  hourCycle: 'h23' }).format(at);

before(async () => {
  s = await startStack();
  // Every widget pulls every second, except the push clock: after two
  // seconds without an update, the page marks a data widget stale.
  const every = (json) => ({ interval: 1, source: { kind: 'exec', command: ['/bin/echo', json] } });
  await s.apply({ dashboards: [
    { slug: 'clocks', title: 'Clocks', columns: 4, widgets: [
      { name: 'berlin', type: 'clock', title: 'Berlin', options: { timezone: 'Europe/Berlin' } },
      { name: 'hq', type: 'clock', title: 'Head office', options: { timezone: 'Asia/Tokyo' }, ...every('{"moreinfo": "Tokyo office"}') },
      { name: 'note', type: 'text', title: 'Note', ...every('{"text": "hello"}') },
    ] },
    { slug: 'shapes', title: 'Shapes', columns: 4, widgets: [
      { name: 'series', type: 'graph', title: 'Series', sizex: 2, source: { kind: 'push' } },
      { name: 'load', type: 'meter', title: 'Load (1 min)', options: { min: 0, max: 4 }, source: { kind: 'push' } },
    ] },
  ] });
  const t = await s.mdash(['token', 'add', 'types']);
  assert.equal(t.code, 0, show(t));
  token = t.stdout.trim().split('\n').pop();
  const up = await s.mdash(['update', '--force', '--widget', 'hq', '--widget', 'note']);
  assert.equal(up.code, 0, show(up));
  browser = await launch();
});

after(async () => {
  await dispose(browser);
  await s?.stop();
});

test('clock: the time at once, never "No data yet", never stale while the data beside it goes stale', async () => {
  const page = await newPage();
  await page.goto(`${s.base}/d/clocks`, { waitUntil: 'load' });
  const clocks = () => page.evaluate(() => ['berlin', 'hq'].map((n) => {
    const el = document.querySelector(`[data-widget="${n}"]`);
    return { name: n, time: el.querySelector('.clock')?.textContent.trim(), state: el.dataset.state, text: el.innerText };
  }));
  const onTime = (list, when) => {
    for (const c of list) {
      const tz = c.name === 'berlin' ? 'Europe/Berlin' : 'Asia/Tokyo';
      const now = new Set([hhmm(tz, new Date(Date.now() - 60000)), hhmm(tz), hhmm(tz, new Date(Date.now() + 60000))]);
      assert.ok(now.has(c.time), `${when}: ${c.name} shows "${c.time}", the time in ${tz} is ${hhmm(tz)}`);
      assert.equal(c.state, 'ok', `${when}: data-state of ${c.name}`);
      assert.doesNotMatch(c.text, /No data yet/, `${when}: ${c.name}`);
    }
  };
  onTime(await clocks(), 'as the page loads');
  await live(page);
  // The page's own check marks the note stale (no update for twice its
  // interval); the clocks, as long without an update, stay on time.
  await page.waitForSelector('[data-widget="note"][data-state="stale"]', { timeout: 15000, state: 'attached' })
    .catch(() => assert.fail('the page never marked the note stale: the stale check did not run'));
  onTime(await clocks(), 'after the stale check ran');
  assert.match(await page.locator('[data-widget="hq"]').innerText(), /Tokyo office/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'types-clocks.png') });
  await dispose(page.context());
});

test('graph: points, then single values pushed while the page is open, draw one line across the box', async () => {
  await push('series', { points: Array.from({ length: 20 }, (_, i) => ({ x: i + 1, y: i + 1 })) });
  const page = await newPage();
  await page.goto(`${s.base}/d/shapes`, { waitUntil: 'load' });
  await live(page);
  for (let y = 21; y <= 25; y++) await push('series', { value: y });
  await page.waitForFunction(() => document.querySelector('[data-widget="series"] .value')?.textContent.trim() === '25', null,
    { timeout: 5000 }).catch(() => assert.fail('the pushed values never showed'));
  const m = await page.evaluate(() => {
    const svg = document.querySelector('[data-widget="series"] svg.graph');
    const line = svg.querySelector('.graph-line');
    const b = line.getBBox();
    const d = line.getAttribute('d');
    const xs = [...d.matchAll(/[ML]\s*(-?[\d.]+),/g)].map((x) => Number(x[1]));
    const box = svg.getBoundingClientRect();
    const drawn = line.getBoundingClientRect();
    return { b: { x: b.x, y: b.y, w: b.width, h: b.height }, xs, box: { w: box.width, h: box.height }, drawn: { w: drawn.width, h: drawn.height } };
  });
  const where = JSON.stringify(m);
  assert.equal(m.xs.length, 25, where);
  assert.ok(m.b.x >= 0 && m.b.x + m.b.w <= 300 && m.b.y >= 0 && m.b.y + m.b.h <= 100, `the line leaves the viewBox: ${where}`);
  assert.ok(m.drawn.w >= 0.95 * m.box.w, `the line does not span the graph's width: ${where}`);
  assert.ok(m.drawn.h >= 0.8 * m.box.h, `the rising line does not climb the graph's height: ${where}`);
  const steps = m.xs.slice(1).map((x, i) => x - m.xs[i]);
  assert.ok(steps.every((d) => d > 3), `points stacked at one x: ${where}`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'types-graph.png') });
  await dispose(page.context());
});

test('meter: a value over its range shows the number whole and an "over" mark, coloured', async () => {
  await push('load', { value: 3 });
  const page = await newPage();
  await page.goto(`${s.base}/d/shapes`, { waitUntil: 'load' });
  await live(page);
  assert.equal(await page.locator('[data-widget="load"] .meter-range').count(), 0, 'a value in range is marked');
  await push('load', { value: 8.23 });
  await page.waitForSelector('[data-widget="load"] .meter-range', { timeout: 5000 })
    .catch(() => assert.fail('no mark after a push over the range'));
  const m = await page.evaluate(() => {
    const w = document.querySelector('[data-widget="load"]');
    const box = (el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, r: r.right, b: r.bottom, w: r.width, h: r.height }; };
    const value = w.querySelector('.meter > .value');
    const mark = w.querySelector('.meter-range');
    return { widget: box(w), value: box(value), mark: box(mark), valueText: value.textContent, markText: mark.innerText,
      clipped: [value, mark].filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.className),
      markColour: getComputedStyle(mark).color, textColour: getComputedStyle(value).color };
  });
  const where = JSON.stringify(m);
  assert.equal(m.valueText, '8.23', where);
  assert.equal(m.markText, '▲ over 4', where);
  assert.deepEqual(m.clipped, [], `text cut short: ${where}`);
  for (const b of [m.value, m.mark]) {
    assert.ok(b.w > 0 && b.h > 0 && b.x >= m.widget.x && b.r <= m.widget.r && b.y >= m.widget.y && b.b <= m.widget.b,
      `not shown inside the widget: ${where}`);
  }
  assert.ok(m.mark.y >= m.value.b - 1, `the mark covers the number: ${where}`);
  assert.notEqual(m.markColour, m.textColour, `the mark is not coloured apart: ${where}`);
  await page.getByRole('img', { name: '8.23 (over the range 0 to 4)' }).waitFor({ state: 'attached', timeout: 1000 });
  await page.locator('[data-widget="load"]').screenshot({ path: path.join(ARTIFACTS, 'types-meter-over.png') });
  await dispose(page.context());
});

test('no uncaught errors and no CSP violations', () => {
  assert.deepEqual(log.errors, [], log.console.join('\n'));
  assert.deepEqual(log.csp, []);
});
