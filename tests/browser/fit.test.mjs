// SPDX-License-Identifier: MIT
// Nothing a user reads is ever cut. Every built-in type with hostile content
// (8-digit numbers with a prefix and a suffix, 60-character titles, 40-
// character list labels beside 5-digit values, a three-word status text, a
// long text body, meter values far below and above the range) at 1280x720,
// 1920x1080, 3840x2160 and 390x844, in normal and ?kiosk=1&fit=1 modes, in
// the dark and the light theme, first as pushes arriving in an open page,
// then as rendered pages. For every widget: its values, times, status words
// and text are whole (no overflow, inside the widget, the text pushed);
// titles and list labels are whole or end in an ellipsis with the full text
// on hover. Then: a push of 10,000-character titles, labels and text, and of
// more list rows than fit, leaves every grid cell where and as big as it
// was (the text is clamped with the full text on hover, the rows left out
// are counted); without JavaScript the live indicator says "static", and CSS
// alone keeps numbers, times, status words and list values whole.
// Screenshots go to tests/artifacts/fit-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startStack } from '../harness/stack.mjs';
import { launch, watch, live, boxes, ARTIFACTS, dispose } from './helpers.mjs';

let s;
let token;
let browser;
const log = { errors: [], csp: [], console: [] };

const SIZES = [[1280, 720], [1920, 1080], [3840, 2160], [390, 844]];
const MODES = ['', '?kiosk=1&fit=1'];
const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

/** STR cut or repeated to exactly N characters. */
const exactly = (n, str) => str.repeat(Math.ceil(n / str.length)).slice(0, n);
const title60 = (what) => `${exactly(59, `${what}: all regions, rolling five-minute average, excluding test traffic `)}.`;
const label40 = (what) => `${exactly(39, `${what} checkout API p99 latency in milliseconds `)}.`;

// The number type abbreviates from a million (1.23M), so its widest values
// have six digits before the point and two after.
const PUSHES = {
  num: { current: 987654.32, last: 1000 },
  over: { value: 123456.7 },            // range 0..100
  under: { value: -98765.4 },           // range 0..100
  st: { status: 'critical', text: 'Payment gateway degraded' },
  gr: { points: [{ x: 1, y: 5 }, { x: 2, y: 120000 }, { x: 3, y: -987654.32 }] },
  lst: { items: [
    { label: label40('eu-west-1'), value: '12345' }, { label: label40('us-east-2'), value: '98765' },
    { label: label40('ap-south-1'), value: '12' }, { label: label40('sa-east-1'), value: '54321' }] },
  txt: { text: 'Maintenance: on Saturday from 02:00 to 03:30 UTC the primary database cluster in Frankfurt '
    + 'moves to new hardware. Dashboards stay readable, pushes are queued and arrive a few minutes late, '
    + 'and the public API answers from the replica in read-only mode. Questions: #ops-maintenance, '
    + 'or call the on-call engineer on extension 4711.' },
  img: { image: '/static/favicon.svg', alt: 'mdash logo' },
};
// What the page must show for them (the text of the value element).
const SPEC = {
  num: { title: title60('Energy'), value: '€987,654.32 kWh', change: '+98665.4%' },
  over: { title: title60('Load above range'), meter: '123,456.7' },
  under: { title: title60('Load below range'), meter: '-98,765.4' },
  clk: { title: title60('Buenos Aires'), time: '^\\d\\d:\\d\\d:\\d\\d$', zone: 'America/Argentina/Buenos_Aires' },
  st: { title: title60('Payments'), value: 'Critical', text: PUSHES.st.text },
  gr: { title: title60('Revenue'), value: '-987,654.32' },
  lst: { title: title60('Latency'), items: PUSHES.lst.items },
  txt: { title: title60('Notice'), text: PUSHES.txt.text },
  img: { title: title60('Logo'), picture: true },
};

// Hostile pushes: a 10,000-character title, list label and text body; the
// list also has more rows than a cell can hold.
const HUGE = exactly(10000, 'An absurdly long pushed string that no screen could ever show in full; ');
const HOSTILE = {
  bigt: { current: 42, title: HUGE },
  bigl: { items: [{ label: HUGE, value: '12345' }, { label: 'short', value: '7' },
    ...Array.from({ length: 28 }, (_, i) => ({ label: `row ${i + 3}`, value: String(1000 + i) }))] },
  bigx: { text: HUGE },
};
const CALM = { bigt: { current: 42 }, bigl: { items: [{ label: 'short', value: '7' }] }, bigx: { text: 'Short' } };
const HOSTILE_SPEC = {
  bigt: { title: HUGE, value: '42' },
  bigl: { title: 'Hostile list', items: HOSTILE.bigl.items },
  bigx: { title: 'Hostile text', clamped: HUGE },
};

async function push(name, body) {
  const res = await s.get(`/widgets/${name}`, { method: 'POST', body: JSON.stringify({ auth_token: token, ...body }) });
  assert.equal(res.status, 204, `push to ${name}: ${await res.text()}`);
}

const versionsOf = (page) => page.evaluate(() => Object.fromEntries(
  [...document.querySelectorAll('[data-widget]')].map((el) => [el.dataset.widget, +el.dataset.version])));

/** Pushes {name: body}, then waits until the page shows every new version. */
async function pushShown(page, bodies) {
  const was = await versionsOf(page);
  for (const [name, body] of Object.entries(bodies)) await push(name, body);
  await page.waitForFunction(([names, v]) => names.every((x) => +document.querySelector(`[data-widget="${x}"]`).dataset.version > v[x]),
    [Object.keys(bodies), was], { timeout: 20000 });   // a wait, not a speed target: machines are busy
}

// PUSHES go out once: the first page sees them arrive, later pages load them.
let pushed = false;
async function pushAll(page) {
  if (pushed) return;
  pushed = true;
  if (page) await pushShown(page, PUSHES);
  else for (const [name, body] of Object.entries(PUSHES)) await push(name, body);
}

before(async () => {
  s = await startStack();
  const push1 = { kind: 'push' };
  await s.apply({ dashboards: [{ slug: 'wall', title: 'Wall', columns: 6, widgets: [
    { name: 'num', type: 'number', title: SPEC.num.title, col: 1, row: 1, sizex: 1, sizey: 1, options: { prefix: '€', suffix: ' kWh' }, source: push1 },
    { name: 'over', type: 'meter', title: SPEC.over.title, col: 2, row: 1, sizex: 1, sizey: 1, options: { min: 0, max: 100 }, source: push1 },
    { name: 'under', type: 'meter', title: SPEC.under.title, col: 3, row: 1, sizex: 1, sizey: 1, options: { min: 0, max: 100 }, source: push1 },
    { name: 'clk', type: 'clock', title: SPEC.clk.title, col: 4, row: 1, sizex: 1, sizey: 1,
      options: { timezone: SPEC.clk.zone, seconds: true }, source: push1 },
    { name: 'st', type: 'status', title: SPEC.st.title, col: 5, row: 1, sizex: 1, sizey: 1, source: push1 },
    { name: 'gr', type: 'graph', title: SPEC.gr.title, col: 6, row: 1, sizex: 1, sizey: 1, source: push1 },
    { name: 'lst', type: 'list', title: SPEC.lst.title, col: 1, row: 2, sizex: 1, sizey: 2, source: push1 },
    { name: 'txt', type: 'text', title: SPEC.txt.title, col: 2, row: 2, sizex: 2, sizey: 2, source: push1 },
    { name: 'img', type: 'image', title: SPEC.img.title, col: 4, row: 2, sizex: 1, sizey: 1, source: push1 },
    { name: 'bigt', type: 'number', title: 'Hostile title', col: 4, row: 3, sizex: 1, sizey: 1, source: push1 },
    { name: 'bigl', type: 'list', title: 'Hostile list', col: 5, row: 2, sizex: 2, sizey: 1, source: push1 },
    { name: 'bigx', type: 'text', title: 'Hostile text', col: 5, row: 3, sizex: 2, sizey: 1, source: push1 },
  ] }] });
  const t = await s.mdash(['token', 'add', 'fit']);
  assert.equal(t.code, 0, show(t));
  token = t.stdout.trim().split('\n').pop();
  // Short values first: the first page sees the hostile ones arrive by push.
  await push('num', { current: 12 });
  await push('over', { value: 50 });
  await push('under', { value: 50 });
  await push('st', { status: 'ok', text: 'Fine' });
  await push('gr', { points: [{ x: 1, y: 1 }, { x: 2, y: 2 }] });
  await push('lst', { items: [{ label: 'a', value: '1' }] });
  await push('txt', { text: 'Hello' });
  await push('img', PUSHES.img);
  for (const [name, body] of Object.entries(CALM)) await push(name, body);
  browser = await launch();
});

after(async () => {
  await dispose(browser);
  await s?.stop();
});

/** Two animation frames: fitting after a resize or a swap has run. */
const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/**
 * Runs in the page: what is cut, sticks out or differs from `spec`, as a
 * list of sentences (empty when all is well).
 */
function problems(spec) {
  const bad = [];
  const slack = 0.5;   // px: sub-pixel positions
  const widgets = [...document.querySelectorAll('[data-widget]')];
  // Grid cells keep their size: widgets of one width (height) in cells are
  // equally wide (high), whatever their content.
  for (const [key, dim] of [['sizex', 'width'], ['sizey', 'height']]) {
    const seen = new Map();
    for (const w of widgets) {
      const v = w.getBoundingClientRect()[dim];
      const first = seen.get(w.dataset[key]);
      if (!first) seen.set(w.dataset[key], { name: w.dataset.widget, v });
      else if (Math.abs(first.v - v) > 1) bad.push(`${w.dataset.widget} is ${v} px in ${dim}, ${first.name} ${first.v} px (same ${key})`);
    }
  }
  for (const [name, want] of Object.entries(spec)) {
    const w = document.querySelector(`[data-widget="${name}"]`);
    if (!w) {
      bad.push(`${name}: not on the page`);
      continue;
    }
    const box = w.getBoundingClientRect();
    const q = (sel) => w.querySelector(sel);
    const say = (what, msg) => bad.push(`${name} ${what}: ${msg}`);
    const shown = (el, what) => {
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) say(what, 'not shown');
      if (r.left < box.left - slack || r.right > box.right + slack || r.top < box.top - slack || r.bottom > box.bottom + slack) {
        say(what, `sticks out of the widget (${Math.round(r.left)},${Math.round(r.top)} to ${Math.round(r.right)},${Math.round(r.bottom)}`
          + ` in ${Math.round(box.left)},${Math.round(box.top)} to ${Math.round(box.right)},${Math.round(box.bottom)})`);
      }
    };
    const fits = (el, what) => {
      if (el.scrollWidth > el.clientWidth) say(what, `cut: ${el.scrollWidth} px wide in ${el.clientWidth}`);
      if (el.scrollHeight > el.clientHeight) say(what, `cut: ${el.scrollHeight} px high in ${el.clientHeight}`);
    };
    // A number, time, status word or text: whole, readable and the text pushed.
    const whole = (el, what, text) => {
      if (!el) return say(what, 'missing');
      fits(el, what);
      shown(el, what);
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < 10) say(what, `shrunk to ${px} px`);
      const t = el.textContent.trim();
      if (text.re ? !new RegExp(text.re).test(t) : text.has ? !t.includes(text.has) : t !== text) {
        say(what, `shows "${t.slice(0, 80)}", not ${JSON.stringify(text)}`);
      }
    };
    // A title or a label: whole, or one line ending in an ellipsis with the full text on hover.
    const label = (el, what, text) => {
      if (!el) return say(what, 'missing');
      if (el.textContent.trim() !== text) say(what, `shows "${el.textContent.trim().slice(0, 80)}"`);
      if (el.scrollHeight > el.clientHeight) say(what, `cut: ${el.scrollHeight} px high in ${el.clientHeight}`);
      if (el.scrollWidth > el.clientWidth) {
        if (getComputedStyle(el).textOverflow !== 'ellipsis') say(what, 'cut without an ellipsis');
        if (el.title !== text) say(what, 'cut without the full text on hover');
      }
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.left < box.left - slack || r.right > box.right + slack) say(what, 'not inside the widget');
    };
    label(q('.widget-title'), 'title', want.title);
    if (want.value !== undefined) whole(q(':scope > .value'), 'value', want.value);
    if (want.change !== undefined) whole(q('.change'), 'change', want.change);
    if (want.meter !== undefined) whole(q('.meter .value'), 'value', { has: want.meter });
    if (want.time !== undefined) whole(q('.value'), 'time', { re: want.time });
    if (want.zone !== undefined) label(q('.clock-zone'), 'zone', want.zone);
    if (want.text !== undefined) whole(q('.text'), 'text', want.text);
    if (want.picture) {
      const img = q('.picture');
      if (!img) say('picture', 'missing');
      else shown(img, 'picture');
    }
    if (want.items !== undefined) {
      const list = q('.items');
      const rows = list ? [...list.children] : [];
      if (list) fits(list, 'list');
      if (rows.length !== want.items.length) say('list', `${rows.length} rows, not ${want.items.length}`);
      // Rows that do not fit are left out at the end, and counted.
      const out = rows.filter((li) => getComputedStyle(li).display === 'none');
      if (out.length && list.dataset.more !== String(out.length)) say('list', `${out.length} rows left out, "+${list.dataset.more} more" shown`);
      if (out.some((li) => rows.indexOf(li) < rows.length - out.length)) say('list', 'a row left out before one shown');
      if (out.length === rows.length && rows.length) say('list', 'no row shown');
      want.items.forEach((it, i) => {
        if (!rows[i] || out.includes(rows[i])) return;
        label(rows[i].querySelector('.label'), `label ${i + 1}`, it.label);
        whole(rows[i].querySelector('.value'), `value ${i + 1}`, it.value);
        shown(rows[i], `row ${i + 1}`);
      });
    }
    if (want.clamped !== undefined) {
      // Text no screen can show: as much as fits, an ellipsis, all of it on hover.
      const el = q('.text');
      if (!el) {
        say('text', 'missing');
      } else {
        shown(el, 'text');
        if (el.textContent.trim() !== want.clamped) say('text', 'is not the text pushed');
        if (el.title !== want.clamped) say('text', 'no full text on hover');
        const cs = getComputedStyle(el);
        if (cs.webkitLineClamp === 'none' && cs.textOverflow !== 'ellipsis') say('text', 'cut without an ellipsis');
      }
    }
  }
  return bad;
}

test('every value, time, status word and text is whole at every size, mode and theme; labels end in an ellipsis', async () => {
  const found = [];
  for (const scheme of ['dark', 'light']) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme: scheme });
    const page = await ctx.newPage();
    watch(page, log);
    for (const mode of MODES) {
      await page.goto(`${s.base}/d/wall${mode}`, { waitUntil: 'load' });
      await live(page);
      await pushAll(page);   // the first page sees them arrive: fitting runs after each swap
      for (const [width, height] of SIZES) {
        await page.setViewportSize({ width, height });
        await settle(page);
        const where = `${scheme}, ${mode || 'normal'}, ${width}x${height}`;
        const p = await page.evaluate(problems, SPEC);
        found.push(...p.map((x) => `${where}: ${x}`));
        if (p.length || (scheme === 'dark' && mode)) {
          await page.screenshot({ path: path.join(ARTIFACTS, `fit-${scheme}-${mode ? 'tv' : 'normal'}-${width}x${height}.png`) });
        }
      }
    }
    await dispose(ctx);
  }
  assert.deepEqual(found, [], `${found.length} problems:\n${found.join('\n')}`);
});

test('a push of 10,000-character titles, labels and text keeps every grid cell in place and its size', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, colorScheme: 'dark' });
  const page = await ctx.newPage();
  watch(page, log);
  const found = [];
  for (const mode of MODES) {
    await page.goto(`${s.base}/d/wall${mode}`, { waitUntil: 'load' });
    await live(page);
    await pushAll(page);
    await pushShown(page, CALM);      // short values first (a previous round left hostile ones)
    await settle(page);
    const was = await boxes(page);
    await pushShown(page, HOSTILE);
    await settle(page);
    await page.screenshot({ path: path.join(ARTIFACTS, `fit-hostile-${mode ? 'tv' : 'normal'}.png`) });
    const now = await boxes(page);
    for (const b of was) {
      const a = now.find((x) => x.name === b.name);
      const moved = ['x', 'y', 'w', 'h'].filter((k) => Math.abs(a[k] - b[k]) > 0.5);
      if (moved.length) found.push(`${mode || 'normal'}: ${b.name} moved or resized: ${JSON.stringify(b)} -> ${JSON.stringify(a)}`);
    }
    found.push(...(await page.evaluate(problems, { ...SPEC, ...HOSTILE_SPEC })).map((x) => `${mode || 'normal'}: ${x}`));
    const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: innerWidth }));
    if (m.sw > m.iw) found.push(`${mode || 'normal'}: the page scrolls sideways (${m.sw} > ${m.iw})`);
  }
  await dispose(ctx);
  assert.deepEqual(found, [], found.join('\n'));
});

test('without JavaScript no live indicator waits forever: there is none, or it says "static"', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(`${s.base}/d/wall`, { waitUntil: 'load' });
  await page.waitForTimeout(300);
  const conn = await page.evaluate(() => {
    const el = document.querySelector('.conn');
    if (!el) return null;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return { text: el.textContent.trim(), seen: cs.display !== 'none' && cs.visibility !== 'hidden' && r.width > 0 };
  });
  await page.screenshot({ path: path.join(ARTIFACTS, 'fit-nojs.png') });
  await dispose(ctx);
  if (conn && conn.seen) assert.equal(conn.text, 'static', 'the indicator without JavaScript');
});

test('without JavaScript, CSS alone keeps numbers, times, status words and list values whole', async () => {
  await pushAll();
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(`${s.base}/d/wall`, { waitUntil: 'load' });
  const { num, clk, st, gr, lst } = SPEC;
  const spec = { num, clk: { title: clk.title, time: clk.time }, st: { title: st.title, value: st.value }, gr, lst };
  const found = [];
  for (const [width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    found.push(...(await page.evaluate(problems, spec)).map((x) => `${width}x${height}: ${x}`));
  }
  await dispose(ctx);
  assert.deepEqual(found, [], found.join('\n'));
});

test('a list with room for all its rows shows them all, whatever their number', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  try {
    const page = await ctx.newPage();
    watch(page, log);
    await page.goto(`${s.base}/d/wall?kiosk=1&fit=1`, { waitUntil: 'load' });
    await live(page);
    // Rows that share the list's height evenly: n rows of height h/n must
    // count as n that fit, not n - 1 by a rounding error.
    for (let n = 1; n <= 8; n++) {
      await pushShown(page, { lst: { items: Array.from({ length: n }, (_, i) => ({ label: `svc ${i + 1}`, value: `0${i}:00` })) } });
      await settle(page);
      const shown = await page.evaluate(() => {
        const l = document.querySelector('[data-widget="lst"] .items');
        return { rows: l.children.length, hidden: l.querySelectorAll('.fit-hidden').length, more: l.dataset.more ?? null };
      });
      assert.deepEqual(shown, { rows: n, hidden: 0, more: null }, `${n} short rows in a 1x2 list on a 1920x1080 wall`);
    }
  } finally {
    await pushShown((await ctx.pages())[0], { lst: PUSHES.lst }).catch(() => {});
    await dispose(ctx);
  }
});

test('no uncaught errors and no CSP violations', () => {
  assert.deepEqual(log.errors, [], log.console.join('\n'));
  assert.deepEqual(log.csp, []);
});
