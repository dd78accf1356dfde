// SPDX-License-Identifier: MIT
// Widget types as a wall screen shows them in headless Chromium: a clock
// shows the time at once and never goes stale, not even beside data that
// the page's own check marks stale. Screenshots go to tests/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startStack } from '../harness/stack.mjs';
import { launch, watch, live, ARTIFACTS } from './helpers.mjs';

let s;
let browser;
const log = { errors: [], csp: [], console: [] };

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
  ] });
  const up = await s.mdash(['update', '--force', '--widget', 'hq', '--widget', 'note']);
  assert.equal(up.code, 0, show(up));
  browser = await launch();
});

after(async () => {
  await browser?.close().catch(() => {});
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
  await page.context().close();
});

test('no uncaught errors and no CSP violations', () => {
  assert.deepEqual(log.errors, [], log.console.join('\n'));
  assert.deepEqual(log.csp, []);
});
