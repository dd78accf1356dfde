#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// bench/kiosk-endurance.mjs: does a wall screen left on a dashboard grow
// without bound? A private stack (tests/harness/stack.mjs), one dashboard in
// headless Chromium (1920x1080, ?kiosk=1&fit=1), a push to each of three
// widgets (number, graph, list) every second for N minutes. Every 30 s, after
// a forced garbage collection (CDP HeapProfiler.collectGarbage), it samples
// the JS heap (CDP Runtime.getHeapUsage), the DOM counters (CDP
// Memory.getDOMCounters: nodes, listeners, documents) and the elements in the
// page, then prints a table and a verdict: flat when the median of the last
// quarter of the samples is within 10 % of the first quarter's, for the heap
// and for the nodes. Exit status 0 when flat and the page kept up, 1 if not.
//
//   node bench/kiosk-endurance.mjs [--minutes 10] [--every 30] [--warmup 30]
//
// Not part of the test suite (it takes minutes). Needs a built tree (make)
// and Chromium ($MDASH_CHROMIUM, default /usr/bin/chromium).
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startStack, sleep } from '../tests/harness/stack.mjs';

const { values: opt } = parseArgs({ options: {
  minutes: { type: 'string', default: '10' },
  every: { type: 'string', default: '30' },
  warmup: { type: 'string', default: '30' },
  tolerance: { type: 'string', default: '10' },
  help: { type: 'boolean', short: 'h' },
} });
if (opt.help) {
  console.log('usage: node bench/kiosk-endurance.mjs [--minutes 10] [--every 30] [--warmup 30] [--tolerance 10]');
  process.exit(0);
}
const MINUTES = Number(opt.minutes);
const EVERY = Number(opt.every) * 1000;
const WARMUP = Number(opt.warmup) * 1000;
const TOLERANCE = Number(opt.tolerance) / 100;
for (const [k, v] of [['minutes', MINUTES], ['every', EVERY], ['warmup', WARMUP], ['tolerance', TOLERANCE]]) {
  if (!Number.isFinite(v) || v < 0 || (k !== 'warmup' && v === 0)) {
    console.error(`kiosk-endurance: --${k} must be a positive number`);
    process.exit(2);
  }
}
const CHROMIUM = process.env.MDASH_CHROMIUM || '/usr/bin/chromium';

const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
};
const mb = (b) => (b / 1048576).toFixed(2);
const pad = (s, n) => String(s).padStart(n);

let s;
let browser;
let stopping = false;
async function cleanup() {
  stopping = true;
  await browser?.close().catch(() => {});
  await s?.stop();
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => { cleanup().finally(() => process.exit(130)); });
}

try {
  console.log(`kiosk endurance: ${MINUTES} min, a push to 3 widgets every second, a sample every ${EVERY / 1000} s `
    + `after ${WARMUP / 1000} s warm-up`);
  s = await startStack();
  await s.apply({ dashboards: [{ slug: 'kiosk', title: 'Kiosk', columns: 4, widgets: [
    { name: 'count', type: 'number', title: 'Counter', sizex: 2, source: { kind: 'push' } },
    { name: 'series', type: 'graph', title: 'Series', sizex: 2, source: { kind: 'push' } },
    { name: 'feed', type: 'list', title: 'Feed', sizey: 2, source: { kind: 'push' } },
    { name: 'gauge', type: 'meter', title: 'Gauge', options: { min: 0, max: 100 }, source: { kind: 'push' } },
    { name: 'note', type: 'text', title: 'Note', source: { kind: 'push' } },
  ] }] });
  const t = await s.mdash(['token', 'add', 'bench']);
  if (t.code !== 0) throw new Error(`mdash token add: ${t.stderr}`);
  const token = t.stdout.trim().split('\n').pop();
  let pushed = 0;
  let pushErrors = 0;
  const push = async (name, body) => {
    try {
      const res = await s.get(`/widgets/${name}`, { method: 'POST', body: JSON.stringify({ auth_token: token, ...body }) });
      await res.arrayBuffer();
      if (res.status !== 204) pushErrors++;
    } catch {
      pushErrors++;
    }
  };
  await push('gauge', { value: 42 });
  await push('note', { text: 'Endurance run' });

  browser = await chromium.launch({ executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--enable-precise-memory-info'] });
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, colorScheme: 'dark' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${s.base}/d/kiosk?kiosk=1&fit=1`, { waitUntil: 'load' });
  await page.waitForSelector('.conn[data-conn="live"]', { state: 'attached', timeout: 15000 });
  const cdp = await ctx.newCDPSession(page);

  // One push per widget per second, on a fixed schedule.
  const labels = ['api', 'web', 'worker', 'db', 'cache', 'queue'];
  const pusher = setInterval(() => {
    const i = ++pushed;
    push('count', { current: i });
    push('series', { value: Math.round(50 + 40 * Math.sin(i / 20)) });
    push('feed', { items: labels.map((l, k) => ({ label: `${l} #${i - k}`, value: (i * 7 + k) % 100 })) });
  }, 1000);

  async function sample() {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const dom = await cdp.send('Memory.getDOMCounters');
    const page_ = await page.evaluate(() => ({
      elements: document.getElementsByTagName('*').length,
      shown: Number((document.querySelector('[data-widget="count"] .value')?.textContent || '').replace(/\D/g, '')) || 0,
      conn: document.querySelector('.conn')?.dataset.conn,
      perfHeap: performance.memory ? performance.memory.usedJSHeapSize : 0,
    }));
    return { heap: heap.usedSize, nodes: dom.nodes, listeners: dom.jsEventListeners, documents: dom.documents, ...page_ };
  }

  await sleep(WARMUP);
  const t0 = Date.now();
  const end = t0 + MINUTES * 60000;
  const rows = [];
  console.log(`\n${pad('min', 6)} ${pad('heap MB', 9)} ${pad('DOM nodes', 10)} ${pad('elements', 9)} ${pad('listeners', 10)} `
    + `${pad('docs', 5)} ${pad('pushed', 7)} ${pad('shown', 7)}  conn`);
  for (let next = t0; !stopping; next += EVERY) {
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    const r = { min: (Date.now() - t0) / 60000, pushed, ...(await sample()) };
    rows.push(r);
    console.log(`${pad(r.min.toFixed(1), 6)} ${pad(mb(r.heap), 9)} ${pad(r.nodes, 10)} ${pad(r.elements, 9)} ${pad(r.listeners, 10)} `
      + `${pad(r.documents, 5)} ${pad(r.pushed, 7)} ${pad(r.shown, 7)}  ${r.conn}`);
    if (Date.now() + 1 >= end || next + EVERY > end + 1000) break;
  }
  clearInterval(pusher);

  // Verdict: the first and the last quarter of the samples.
  const q = Math.max(1, Math.floor(rows.length / 4));
  const first = rows.slice(0, q);
  const last = rows.slice(-q);
  const verdicts = [];
  let flat = true;
  for (const [key, label, fmt] of [['heap', 'JS heap', (v) => `${mb(v)} MB`], ['nodes', 'DOM nodes', (v) => `${Math.round(v)}`]]) {
    const a = median(first.map((r) => r[key]));
    const b = median(last.map((r) => r[key]));
    const change = a ? (b - a) / a : 0;
    const ok = change <= TOLERANCE;
    flat &&= ok;
    verdicts.push(`${label}: first-quarter median ${fmt(a)}, last-quarter median ${fmt(b)} (${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %)`
      + ` ${ok ? 'flat' : 'GROWING'}`);
  }
  const lastRow = rows.at(-1);
  const keptUp = lastRow && lastRow.pushed - lastRow.shown <= 3 && lastRow.conn === 'live';
  console.log(`\n${verdicts.join('\n')}`);
  console.log(`pushes: ${pushed * 3} (${pushErrors} failed); the page showed ${lastRow?.shown} of ${lastRow?.pushed} at the last sample `
    + `(${keptUp ? 'kept up' : 'FELL BEHIND'}); page errors: ${errors.length}`);
  const good = flat && keptUp && errors.length === 0 && pushErrors === 0;
  console.log(`verdict: ${good ? 'FLAT' : 'NOT FLAT'} over ${MINUTES} min (tolerance ${TOLERANCE * 100} %)`);
  process.exitCode = good ? 0 : 1;
} catch (e) {
  console.error(`kiosk-endurance: ${e.stack || e}`);
  process.exitCode = 2;
} finally {
  await cleanup();
}
