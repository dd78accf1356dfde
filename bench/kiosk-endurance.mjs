#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// bench/kiosk-endurance.mjs: does a wall screen left on a dashboard grow
// without bound? A private stack (tests/harness/stack.mjs), one dashboard
// with a widget of every built-in type (number, meter, list, text, graph,
// clock, image, status) in headless Chromium (1920x1080, ?kiosk=1&fit=1),
// and pushes to them in turn, 10 a second in all (--rate), for N minutes.
//
// Every 30 s it samples the page at rest: the pushes pause until the page
// shows every widget's last version (the "behind" column: how many versions
// it was behind when they paused; "N!M" when still M behind 10 s later), and
// those due meanwhile go out after. Then, after two forced garbage
// collections (CDP HeapProfiler.collectGarbage; the second frees the
// detached nodes the first let go of), it reads the JS heap (CDP
// Runtime.getHeapUsage), the DOM counters (CDP Memory.getDOMCounters:
// nodes, listeners, documents) and the elements in the page.
//
// The verdict: flat when the median of the last quarter of the samples is
// within 10 % of the first quarter's, for the heap, the nodes and the
// listeners; kept up when the page caught up at every sample and after the
// last push. Exit status 0 when flat and kept up, 1 if not.
//
//   node bench/kiosk-endurance.mjs [--minutes 10] [--every 30] [--warmup 30] [--rate 10] [--tolerance 10]
//
// Not part of the test suite (it takes minutes; tests/integration/
// bench.test.mjs runs a tiny one). Needs a built tree (make) and Chromium
// ($MDASH_CHROMIUM, default /usr/bin/chromium).
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startStack } from '../tests/harness/stack.mjs';

const CHROMIUM = process.env.MDASH_CHROMIUM || '/usr/bin/chromium';

const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
};
const mb = (b) => (b / 1048576).toFixed(2);
const pad = (s, n) => String(s).padStart(n);

// Sleeps ms, or less when signal aborts.
const pause = (ms, signal) => new Promise((resolve) => {
  if (signal?.aborted || ms <= 0) { resolve(); return; }
  const done = () => { clearTimeout(t); signal?.removeEventListener('abort', done); resolve(); };
  const t = setTimeout(done, ms);
  signal?.addEventListener('abort', done);
});

// A picture for the image widget; the pushes name it with a new query each
// time, as a camera's snapshot URL would.
const PICTURE = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 36"><rect width="64" height="36" fill="#2a6"/>'
  + '<circle cx="32" cy="18" r="12" fill="#fff"/></svg>';

// A widget of every built-in type (a graph of each kind: the series it
// keeps, and its stored history over a range; a number with a sparkline),
// and what a push to it carries (n: the push's number among that widget's
// pushes). The ranges are short, so that the drawings of history are whole
// by the end of the warm-up and no longer grow.
const LABELS = ['api', 'web', 'worker', 'db', 'cache', 'queue'];
const STATES = ['ok', 'warning', 'critical'];
const WIDGETS = [
  { name: 'count', type: 'number', title: 'Counter', options: { sparkline: '30s' }, body: (n) => ({ current: n }) },
  { name: 'series', type: 'graph', title: 'Series', sizex: 2, body: (n) => ({ value: Math.round(50 + 40 * Math.sin(n / 20)) }) },
  { name: 'trend', type: 'graph', title: 'Trend', sizex: 2, options: { range: '30s' },
    body: (n) => ({ value: Math.round(50 + 30 * Math.cos(n / 15)) }) },
  { name: 'feed', type: 'list', title: 'Feed', sizey: 2,
    body: (n) => ({ items: LABELS.map((l, k) => ({ label: `${l} #${n - k}`, value: (n * 7 + k) % 100 })) }) },
  { name: 'gauge', type: 'meter', title: 'Gauge', options: { min: 0, max: 100 }, body: (n) => ({ value: (n * 13) % 101 }) },
  { name: 'note', type: 'text', title: 'Note', body: (n) => ({ text: `Endurance run, note ${n}` }) },
  { name: 'time', type: 'clock', title: 'Clock', options: { seconds: true }, body: (n) => ({ moreinfo: `push ${n}` }) },
  { name: 'camera', type: 'image', title: 'Camera', body: (n, base) => ({ image: `${base}/demo/kiosk.svg?n=${n}`, alt: `snapshot ${n}` }) },
  { name: 'health', type: 'status', title: 'Health', body: (n) => ({ status: STATES[n % 3], text: `check ${n}` }) },
];

/**
 * Runs the endurance test; resolves to {ok, flat, keptUp, rows, pushes,
 * pushErrors, pageErrors, perType} (perType: the pushes to each type's
 * widgets). log gets the report line by line; signal (an AbortSignal) ends
 * the run early, with a verdict on what it has.
 */
export async function kioskEndurance({ minutes = 10, every = 30, warmup = 30, rate = 10, tolerance = 10,
  log = console.log, signal } = {}) {
  const EVERY = every * 1000;
  const named = (w) => `${w.name} (${w.type}${w.options?.range ? ` over ${w.options.range}` : ''})`;
  log(`kiosk endurance: ${minutes} min, ${rate} pushes a second over ${WIDGETS.length} widgets, `
    + `a sample every ${every} s after ${warmup} s warm-up: ${WIDGETS.map(named).join(', ')}`);
  const s = await startStack();
  let browser;
  let pusher;
  try {
    await s.apply({ dashboards: [{ slug: 'kiosk', title: 'Kiosk', columns: 4,
      widgets: WIDGETS.map(({ body, ...w }) => ({ ...w, source: { kind: 'push' } })) }] });
    await s.writeDemo('kiosk.svg', PICTURE);
    const t = await s.mdash(['token', 'add', 'bench']);
    if (t.code !== 0) throw new Error(`mdash token add: ${t.stderr}`);
    const token = t.stdout.trim().split('\n').pop();
    const perWidget = Object.fromEntries(WIDGETS.map((w) => [w.name, 0]));
    let pushes = 0;
    let pushErrors = 0;
    const inFlight = new Set();
    const push = (w) => {
      const p = pushOne(w).finally(() => inFlight.delete(p));
      inFlight.add(p);
      return p;
    };
    const pushOne = async (w) => {
      const n = ++perWidget[w.name];
      pushes++;
      try {
        const res = await s.get(`/widgets/${w.name}`, { method: 'POST',
          body: JSON.stringify({ auth_token: token, ...w.body(n, s.base) }) });
        await res.arrayBuffer();
        if (res.status !== 204) pushErrors++;
      } catch {
        pushErrors++;
      }
    };
    for (const w of WIDGETS) await push(w);   // every widget has data before the page opens

    browser = await chromium.launch({ executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--no-first-run', '--enable-precise-memory-info'] });
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, colorScheme: 'dark' });
    const page = await ctx.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${s.base}/d/kiosk?kiosk=1&fit=1`, { waitUntil: 'load' });
    await page.waitForSelector('.conn[data-conn="live"]', { state: 'attached', timeout: 15000 });
    const cdp = await ctx.newCDPSession(page);

    // The widgets in turn, rate pushes a second in all. Those due while a
    // sample is taken go out right after it.
    let sent = 0;
    let resting = false;
    const pushStart = Date.now();
    pusher = setInterval(() => {
      for (const due = Math.floor(((Date.now() - pushStart) / 1000) * rate); !resting && sent < due; sent++) {
        push(WIDGETS[sent % WIDGETS.length]);
      }
    }, 1000 / rate);

    // How many versions the page is behind the server, over all widgets.
    const behind = async () => {
      const res = await s.get('/api/dashboards/kiosk');
      const server = (await res.json()).widgets ?? [];
      const shown = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-widget]')]
        .map((el) => [el.dataset.widget, Number(el.dataset.version) || 0])));
      return server.reduce((sum, w) => sum + Math.max(0, w.version - (shown[w.name] ?? 0)), 0);
    };
    // Waits until the last pushes are in and the page shows them (at most
    // 10 s); resolves to how many versions it is still behind.
    async function catchUp() {
      await Promise.all([...inFlight]);
      let lag = await behind();
      for (const until = Date.now() + 10000; lag > 0 && Date.now() < until; lag = await behind()) await pause(100);
      return lag;
    }
    // Measures the page at rest: what a page keeps, not the fragments of
    // the swaps in hand at that moment. The pushes pause meanwhile (about
    // a second).
    async function sample() {
      resting = true;
      try {
        const lag = await behind();
        const after = await catchUp();
        await pause(250);
        return { lag, after, ...(await measure()) };
      } finally {
        resting = false;
      }
    }
    async function measure() {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await cdp.send('Runtime.getHeapUsage');
      const dom = await cdp.send('Memory.getDOMCounters');
      const inPage = await page.evaluate(() => ({
        elements: document.getElementsByTagName('*').length,
        conn: document.querySelector('.conn')?.dataset.conn,
      }));
      return { heap: heap.usedSize, nodes: dom.nodes, listeners: dom.jsEventListeners, documents: dom.documents, ...inPage };
    }

    await pause(warmup * 1000, signal);
    const t0 = Date.now();
    const end = t0 + minutes * 60000;
    const rows = [];
    log(`\n${pad('min', 6)} ${pad('heap MB', 9)} ${pad('DOM nodes', 10)} ${pad('elements', 9)} ${pad('listeners', 10)} `
      + `${pad('docs', 5)} ${pad('pushed', 7)} ${pad('behind', 7)}  conn`);
    let caughtUp = true;
    for (let next = t0; !signal?.aborted; next += EVERY) {
      await pause(next - Date.now(), signal);
      const r = { min: (Date.now() - t0) / 60000, pushed: pushes, ...(await sample()) };
      rows.push(r);
      caughtUp &&= r.after === 0;
      log(`${pad(r.min.toFixed(1), 6)} ${pad(mb(r.heap), 9)} ${pad(r.nodes, 10)} ${pad(r.elements, 9)} ${pad(r.listeners, 10)} `
        + `${pad(r.documents, 5)} ${pad(r.pushed, 7)} ${pad(r.after ? `${r.lag}!${r.after}` : r.lag, 7)}  ${r.conn}`);
      if (Date.now() + 1 >= end || next + EVERY > end + 1000) break;
    }
    clearInterval(pusher);
    pusher = null;
    const pushEnd = Date.now();
    const lag = await catchUp();
    const conn = await page.evaluate(() => document.querySelector('.conn')?.dataset.conn);

    // Verdict: the first and the last quarter of the samples.
    const q = Math.max(1, Math.floor(rows.length / 4));
    const first = rows.slice(0, q);
    const last = rows.slice(-q);
    const verdicts = [];
    let flat = rows.length > 0;
    for (const [key, label, fmt] of [['heap', 'JS heap', (v) => `${mb(v)} MB`], ['nodes', 'DOM nodes', (v) => `${Math.round(v)}`],
      ['listeners', 'listeners', (v) => `${Math.round(v)}`]]) {
      const a = median(first.map((r) => r[key]));
      const b = median(last.map((r) => r[key]));
      const change = a ? (b - a) / a : 0;
      const ok = change <= tolerance / 100;
      flat &&= ok;
      verdicts.push(`${label}: first-quarter median ${fmt(a)}, last-quarter median ${fmt(b)} (${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %)`
        + ` ${ok ? 'flat' : 'GROWING'}`);
    }
    const lastRow = rows.at(-1);
    const keptUp = caughtUp && lag === 0 && conn === 'live';
    log(`\n${verdicts.join('\n')}`);
    const seconds = (pushEnd - pushStart) / 1000;
    log(`pushes: ${pushes} in ${seconds.toFixed(0)} s (${(pushes / seconds).toFixed(1)} a second, ${pushErrors} failed): `
      + `${WIDGETS.map((w) => `${w.name} ${perWidget[w.name]}`).join(', ')}`);
    log(`the page showed every widget's last version at ${caughtUp ? 'every sample' : 'NOT every sample'} and after the last push `
      + `(${lag} behind), stream ${conn}: ${keptUp ? 'kept up' : 'FELL BEHIND'}; page errors: ${pageErrors.length}`
      + `${pageErrors.length ? ` (first: ${pageErrors[0]})` : ''}`);
    const ok = flat && keptUp && pageErrors.length === 0 && pushErrors === 0;
    log(`verdict: ${ok ? 'FLAT' : 'NOT FLAT'} over ${lastRow ? lastRow.min.toFixed(1) : 0} min (tolerance ${tolerance} %)`);
    const perType = {};
    for (const w of WIDGETS) perType[w.type] = (perType[w.type] ?? 0) + perWidget[w.name];
    return { ok, flat, keptUp, rows, pushes, pushErrors, pageErrors, perType };
  } finally {
    if (pusher) clearInterval(pusher);
    await browser?.close().catch(() => {});
    await s.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: opt } = parseArgs({ options: {
    minutes: { type: 'string', default: '10' },
    every: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '30' },
    rate: { type: 'string', default: '10' },
    tolerance: { type: 'string', default: '10' },
    help: { type: 'boolean', short: 'h' },
  } });
  const usage = 'usage: node bench/kiosk-endurance.mjs [--minutes 10] [--every 30] [--warmup 30] [--rate 10] [--tolerance 10]';
  if (opt.help) {
    console.log(usage);
    process.exit(0);
  }
  const n = Object.fromEntries(['minutes', 'every', 'warmup', 'rate', 'tolerance'].map((k) => [k, Number(opt[k])]));
  for (const [k, v] of Object.entries(n)) {
    if (!Number.isFinite(v) || v < 0 || (k !== 'warmup' && v === 0)) {
      console.error(`kiosk-endurance: --${k} must be a positive number\n${usage}`);
      process.exit(2);
    }
  }
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => stop.abort());
  try {
    const r = await kioskEndurance({ ...n, signal: stop.signal });
    process.exitCode = r.ok ? 0 : 1;
  } catch (e) {
    console.error(`kiosk-endurance: ${e.stack || e}`);
    process.exitCode = 2;
  }
}
