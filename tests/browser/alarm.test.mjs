// SPDX-License-Identifier: MIT
// On the wall: a widget entering danger pulses briefly (not under
// prefers-reduced-motion), and a kiosk screen with ?sound=1 plays a short
// tone then (the test counts the tones the page asks the Web Audio API for).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, sleep } from '../harness/stack.mjs';
import { launch, watch, live, pushWith, dispose } from './helpers.mjs';

let s;
let token;
let browser;
const log = { errors: [], csp: [], console: [] };

const push = (name, fields) => pushWith(s, token, name, fields);

// Counts the tones: every oscillator the page starts.
function countTones() {
  window.__tones = 0;
  const Real = window.AudioContext;
  window.AudioContext = class extends Real {
    createOscillator() {
      const osc = super.createOscillator();
      const start = osc.start.bind(osc);
      osc.start = (...a) => { window.__tones++; return start(...a); };
      return osc;
    }
  };
}

async function openWall(query, ctxOpts = {}) {
  const ctx = await browser.newContext({ colorScheme: 'dark', ...ctxOpts });
  const page = await ctx.newPage();
  watch(page, log);
  await page.addInitScript(countTones);
  await page.goto(`${s.base}/d/wall${query}`, { waitUntil: 'load' });
  await live(page);
  return page;
}

const version = (page, name) => page.$eval(`[data-widget="${name}"]`, (el) => Number(el.dataset.version));
const pulsing = (page, name) => page.$eval(`[data-widget="${name}"]`, (el) => ({
  alarm: el.classList.contains('alarm'), animation: getComputedStyle(el).animationName }));
const tones = (page) => page.evaluate(() => window.__tones);

/** Pushes and waits until the page shows that version. */
async function pushSeen(page, name, body) {
  const v = await version(page, name);
  await push(name, body);
  await page.waitForFunction(([n, want]) => Number(document.querySelector(`[data-widget="${n}"]`).dataset.version) > want,
    [name, v], { timeout: 10000 });
}

before(async () => {
  s = await startStack();
  await s.apply({ dashboards: [{ slug: 'wall', title: 'Wall', widgets: [
    { name: 'temp', type: 'number', title: 'Temperature', source: { kind: 'push' },
      options: { thresholds: { warning: 70, danger: 90 } } },
    { name: 'calm', type: 'number', title: 'Calm', source: { kind: 'push' } },
  ] }] });
  const t = await s.mdash(['token', 'add', 'wall']);
  token = t.stdout.trim().split('\n').pop();
  await push('temp', { current: 20 });
  await push('calm', { current: 1 });
  browser = await launch(['--autoplay-policy=no-user-gesture-required']);
});

after(async () => {
  await dispose(browser);
  await s?.stop();
});

test('entering danger pulses once and, on a kiosk with ?sound=1, plays one tone', async () => {
  const page = await openWall('?kiosk=1&sound=1');
  await pushSeen(page, 'temp', { current: 95 });
  const p = await pulsing(page, 'temp');
  assert.deepEqual(p, { alarm: true, animation: 'mdash-alarm' });
  assert.equal(await tones(page), 1);
  assert.equal((await pulsing(page, 'calm')).alarm, false, 'only the widget that entered danger');
  // Briefly: the pulse ends by itself.
  await page.waitForFunction(() => !document.querySelector('[data-widget="temp"]').classList.contains('alarm'), null,
    { timeout: 5000 });

  // Staying in danger, or going to warning and ok, is no new alarm.
  await pushSeen(page, 'temp', { current: 97 });
  await pushSeen(page, 'temp', { current: 75 });
  await pushSeen(page, 'temp', { current: 20 });
  assert.equal((await pulsing(page, 'temp')).alarm, false);
  assert.equal(await tones(page), 1);

  // Entering danger again is.
  await sleep(2600); // one tone per 2.5 s however many widgets alarm at once
  await pushSeen(page, 'temp', { current: 99 });
  assert.equal((await pulsing(page, 'temp')).alarm, true);
  assert.equal(await tones(page), 2);
  await push('temp', { current: 20 });
  await dispose(page);
});

test('no tone without ?sound=1 or outside kiosk mode; no pulse under reduced motion', async () => {
  const quiet = await openWall('?kiosk=1');
  const notKiosk = await openWall('?sound=1');
  const still = await openWall('?kiosk=1&sound=1', { reducedMotion: 'reduce' });
  await pushSeen(quiet, 'temp', { current: 20 });
  for (const page of [quiet, notKiosk, still]) {
    await page.waitForFunction(() => document.querySelector('[data-widget="temp"]').dataset.status !== 'danger');
  }
  const v = await version(quiet, 'temp');
  await push('temp', { current: 95 });
  for (const page of [quiet, notKiosk, still]) {
    await page.waitForFunction((want) => Number(document.querySelector('[data-widget="temp"]').dataset.version) > want,
      v, { timeout: 10000 });
  }
  assert.deepEqual(await pulsing(quiet, 'temp'), { alarm: true, animation: 'mdash-alarm' });
  assert.equal(await tones(quiet), 0, 'kiosk without ?sound=1: silent');
  assert.equal((await pulsing(notKiosk, 'temp')).alarm, true);
  assert.equal(await tones(notKiosk), 0, '?sound=1 outside kiosk mode: silent');
  assert.deepEqual(await pulsing(still, 'temp'), { alarm: true, animation: 'none' }, 'reduced motion: no pulse');
  assert.equal(await tones(still), 1, 'the tone is no motion');
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.csp, [], 'the page keeps to the CSP');
});
