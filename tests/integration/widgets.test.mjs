// SPDX-License-Identifier: MIT
// Every built-in widget type as a visitor sees it: real data pulled through
// nginx by the updater (or pushed in), rendered by the app, read back as the
// page's HTML. Number, meter, list, text, graph (0, 1 and 10,000 points;
// one value per update), clock, image, status; thresholds; and escaping of
// hostile data in every field of every type. One private stack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, widgetElement, byClass, textOf, attributes } from '../harness/stack.mjs';

let s;
let token;

const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
const api = async (name) => (await s.get(`/api/widgets/${name}`)).json();

async function html(p) {
  const res = await s.get(p);
  const body = await res.text();
  assert.equal(res.status, 200, `GET ${p} answered ${res.status}:\n${body.slice(0, 2000)}`);
  return body;
}

/** NAME's element as the page /d/SLUG has it (and the same as its fragment). */
async function element(name, slug = 'types') {
  const page = await html(`/d/${slug}`);
  const el = widgetElement(page, name);
  assert.ok(el, `no element with data-widget="${name}" on /d/${slug}:\n${page.slice(0, 3000)}`);
  return el;
}

async function push(name, body) {
  const res = await s.get(`/widgets/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth_token: token, ...body }),
  });
  assert.equal(res.status, 204, `POST /widgets/${name}: ${res.status} ${await res.text()}`);
}

async function update(...names) {
  const r = await s.mdash(['update', '--force', ...names.flatMap((n) => ['--widget', n])]);
  assert.equal(r.code, 0, show(r));
  return r;
}

/** The points of an SVG path's d attribute, as [x, y] pairs. */
function pathPoints(d) {
  return [...(d || '').matchAll(/[ML]\s*(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

// Graphs fed every mix of pushed points (x as indexes, ISO times, Unix
// milliseconds or seconds) and single values.
const MIXES = ['gm-points', 'gm-values', 'gm-pv', 'gm-vp', 'gm-iso', 'gm-ms', 'gm-s', 'gm-mix'];

const demo = (port, name) => `http://127.0.0.1:${port}/demo/${name}`;

before(async () => {
  s = await startStack();
  await Promise.all([
    s.writeDemo('orders.json', { stats: { orders: 1000 } }),
    s.writeDemo('cpu.json', { cpu: 30 }),
    s.writeDemo('top.json', { top: [{ label: '/home', value: 120 }, { label: '/pricing', value: 45 }, { label: '/docs', value: 7 }] }),
    s.writeDemo('motd.json', { motd: 'Deploy freeze on Friday ☃' }),
    s.writeDemo('health.json', { state: 'warning', detail: 'disk 85% full' }),
    s.writeDemo('series.json', { series: [1, 4, 9, 16, 25, 36, 49, 64, 81, 100].map((y, i) => ({ x: 1700000000 + i * 60, y })) }),
    s.writeDemo('picture.json', { image: 'https://example.org/cat.png', alt: 'A cat' }),
    s.writeDemo('load.json', { load: 1 }),
  ]);
  const p = s.port;
  await s.apply({ dashboards: [{ slug: 'types', title: 'Types', columns: 8, widgets: [
    { name: 'orders', type: 'number', title: 'Orders', options: { prefix: '€', suffix: ' today' },
      source: { kind: 'http', url: demo(p, 'orders.json'), pointer: '/stats/orders' } },
    { name: 'cpu', type: 'meter', title: 'CPU', options: { min: 0, max: 200 },
      source: { kind: 'http', url: demo(p, 'cpu.json'), pointer: '/cpu' } },
    { name: 'top', type: 'list', title: 'Top pages', source: { kind: 'http', url: demo(p, 'top.json'), pointer: '/top' } },
    { name: 'motd', type: 'text', title: 'Message', source: { kind: 'http', url: demo(p, 'motd.json'), pointer: '/motd' } },
    { name: 'health', type: 'status', title: 'Health',
      source: { kind: 'http', url: demo(p, 'health.json'), fields: { status: '/state', text: '/detail' } } },
    { name: 'series', type: 'graph', title: 'Series',
      source: { kind: 'http', url: demo(p, 'series.json'), fields: { points: '/series' } } },
    { name: 'picture', type: 'image', title: 'Picture', source: { kind: 'http', url: demo(p, 'picture.json') } },
    { name: 'tokyo', type: 'clock', title: 'Tokyo', options: { timezone: 'Asia/Tokyo', seconds: true } },
    { name: 'utc', type: 'clock', title: 'Nowhere', options: { timezone: 'Mars/Olympus Mons"><b>' } },
    // A clock whose source pulls (it names the office), and a data widget on the same schedule.
    { name: 'hq', type: 'clock', title: 'Head office', interval: 60, options: { timezone: 'Europe/Berlin' },
      source: { kind: 'exec', command: ['/bin/echo', '{"moreinfo": "Berlin office"}'] } },
    { name: 'hq-note', type: 'text', title: 'Note', interval: 60, source: { kind: 'exec', command: ['/bin/echo', '{"text": "hello"}'] } },
    { name: 'load', type: 'graph', title: 'Load', options: { points: 5 },
      source: { kind: 'http', url: demo(p, 'load.json'), pointer: '/load' } },
    { name: 'g0', type: 'graph', title: 'Empty', source: { kind: 'push' } },
    { name: 'g1', type: 'graph', title: 'One', source: { kind: 'push' } },
    { name: 'g10k', type: 'graph', title: 'Many', source: { kind: 'push' } },
    ...MIXES.map((name) => ({ name, type: 'graph', title: name, source: { kind: 'push' } })),
    { name: 'gauge', type: 'meter', title: 'Load', options: { min: 0, max: 4 }, source: { kind: 'push' } },
    { name: 'st', type: 'status', title: 'Status levels', source: { kind: 'push' } },
    { name: 'img', type: 'image', title: 'Image URLs', source: { kind: 'push' } },
    { name: 'thr', type: 'number', title: 'Thresholds', options: { thresholds: { warning: 80, danger: 95 } }, source: { kind: 'push' } },
    { name: 'low', type: 'meter', title: 'Below', options: { min: 0, max: 100, thresholds: { warning: 20, danger: 10, below: true } },
      source: { kind: 'push' } },
  ] }] });
  const t = await s.mdash(['token', 'add', 'widgets-test']);
  assert.equal(t.code, 0, show(t));
  token = t.stdout.trim().split('\n').pop();
  await update('orders', 'cpu', 'top', 'motd', 'health', 'series', 'picture', 'load');
});

after(async () => { await s?.stop(); });

test('number: the pulled value with prefix and suffix, and the change against the previous one', async () => {
  let el = await element('orders');
  assert.equal(el.attrs['data-state'], 'ok');
  assert.equal(byClass(el.html, 'value')?.text, '€1,000 today');
  assert.equal(byClass(el.html, 'change'), null, 'a first value has nothing to compare with');
  await s.writeDemo('orders.json', { stats: { orders: 1100 } });
  await update('orders');
  el = await element('orders');
  assert.equal(byClass(el.html, 'value')?.text, '€1,100 today');
  const change = byClass(el.html, 'change');
  assert.ok(change, `no .change after 1,000 -> 1,100:\n${el.html}`);
  assert.equal(change.text, '+10.0%');
  assert.match(change.attrs.class, /\bup\b/);
  await s.writeDemo('orders.json', { stats: { orders: 990 } });
  await update('orders');
  el = await element('orders');
  assert.equal(byClass(el.html, 'change')?.text, '−10.0%');
  assert.match(byClass(el.html, 'change').attrs.class, /\bdown\b/);
  assert.equal((await api('orders')).value.last, 1100, 'last defaults to the previous current');
});

test('meter: value, range from the options, and the gauge', async () => {
  const el = await element('cpu');
  assert.equal(byClass(el.html, 'value')?.text, '30');
  const gauge = /<svg\b[^>]*class="gauge"[^>]*>/.exec(el.html);
  assert.ok(gauge, `no gauge svg:\n${el.html}`);
  assert.equal(attributes(gauge[0])['aria-label'], '30 (15% of the range 0 to 200)');
  const fill = /<path class="gauge-fill" d="([^"]*)"/.exec(el.html)?.[1];
  assert.match(fill ?? '', /^M20\.0,100\.0 A80,80 0 0 1 /, `the filled arc starts at the left end: ${fill}`);
  // Data min/max win over the options.
  await push('low', { value: 150, min: 100, max: 200 });
  const low = await element('low');
  assert.match(/aria-label="([^"]*)"/.exec(low.html)?.[1] ?? '', /^150 \(50% of the range 100 to 200\)$/);
});

test('meter: a value outside min..max shows its true number and an over or under mark; the arc stops at the end', async () => {
  const seen = async (value) => {
    await push('gauge', { value });
    const el = await element('gauge');
    const mark = byClass(el.html, 'meter-range');
    return { el, value: byClass(el.html, 'value')?.text, mark, range: byClass(el.html, 'meter')?.attrs['data-range'],
      label: attributes(/<svg\b[^>]*class="gauge"[^>]*>/.exec(el.html)?.[0] ?? '<svg>')['aria-label'],
      fill: /<path class="gauge-fill" d="([^"]*)"/.exec(el.html)?.[1] };
  };
  for (const [value, text, range, end, word] of [[8.2, '8.2', 'over', '180.00,100.00', '▲ over 4'], [11, '11', 'over', '180.00,100.00', '▲ over 4'],
    [-0.5, '-0.5', 'under', '20.00,100.00', '▼ under 0']]) {
    const m = await seen(value);
    assert.equal(m.value, text, `${value}: the number shown`);
    assert.ok(m.mark, `${value}: no over/under mark:\n${m.el.html}`);
    assert.equal(m.mark.text, word, `${value}: the mark`);
    assert.equal(m.mark.attrs['data-range'], range);
    assert.equal(m.range, range, `${value}: data-range on the meter`);
    assert.match(m.mark.html, /<span aria-hidden="true">[▲▼]<\/span>/, 'the arrow is decoration; the words carry it');
    assert.equal(m.label, `${text} (${range} the range 0 to 4)`);
    assert.ok(m.fill.endsWith(end), `${value}: the arc is not clamped: ${m.fill}`);
  }
  const m = await seen(3);
  assert.equal(m.value, '3');
  assert.equal(m.mark, null, 'a value in range has no mark');
  assert.equal(m.range, undefined);
  assert.equal(m.label, '3 (75% of the range 0 to 4)');
});

test('list: the items in order', async () => {
  const el = await element('top');
  const items = [...el.inner.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => textOf(m[1]));
  assert.deepEqual(items, ['/home 120', '/pricing 45', '/docs 7']);
});

test('text and status from http sources (pointer and fields)', async () => {
  assert.equal(byClass((await element('motd')).html, 'text')?.text, 'Deploy freeze on Friday ☃');
  const el = await element('health');
  const level = byClass(el.html, 'status-level');
  assert.ok(level, el.html);
  assert.match(level.attrs.class, /\bstatus-warning\b/);
  assert.equal(level.text, 'Warning');
  assert.equal(byClass(el.html, 'text')?.text, 'disk 85% full');
  assert.equal(el.attrs['data-status'], 'warning', 'the tile is coloured by its status');
});

test('status: ok, warning, critical and its synonym danger', async () => {
  const expect = { ok: ['ok', 'OK', 'ok'], warning: ['warning', 'Warning', 'warning'], critical: ['critical', 'Critical', 'danger'],
    danger: ['critical', 'Critical', 'danger'], bogus: ['unknown', 'Unknown', undefined] };
  const seen = {};
  for (const [status, [cls, label]] of Object.entries(expect)) {
    await push('st', { status, text: `it is ${status}` });
    const el = await element('st');
    const level = byClass(el.html, 'status-level');
    assert.match(level?.attrs.class ?? '', new RegExp(`\\bstatus-${cls}\\b`), `status ${status}: ${el.html}`);
    assert.equal(level.text, label, `status ${status}`);
    assert.equal(byClass(el.html, 'text')?.text, `it is ${status}`);
    seen[status] = el.attrs['data-status'];
  }
  // The tile's colour (data-status) follows the level; "critical" and
  // "danger" are the same level, so they look the same.
  assert.deepEqual(seen, Object.fromEntries(Object.entries(expect).map(([k, v]) => [k, v[2]])),
    'data-status of the status widget per pushed status');
});

test('graph: a series from an http source is drawn as an SVG line', async () => {
  const el = await element('series');
  assert.equal(byClass(el.html, 'value')?.text, '100', 'the latest value is shown');
  const svg = /<svg\b[^>]*class="graph"[^>]*>/.exec(el.html);
  assert.ok(svg, el.html);
  assert.equal(attributes(svg[0])['aria-label'], '10 points from 1 to 100, latest 100');
  const line = pathPoints(/<path class="graph-line" d="([^"]*)"/.exec(el.html)?.[1]);
  assert.equal(line.length, 10);
  // Left to right, rising (SVG y grows downwards).
  for (let i = 1; i < line.length; i++) {
    assert.ok(line[i][0] > line[i - 1][0], `x goes right: ${JSON.stringify(line)}`);
    assert.ok(line[i][1] < line[i - 1][1], `y goes up: ${JSON.stringify(line)}`);
  }
  assert.deepEqual([line[0][0], line.at(-1)[0]], [0, 300], 'the line spans the width');
});

test('graph: 0 points, 1 point and 10,000 points', async () => {
  // None: a dash, no drawing.
  let el = await element('g0');
  assert.equal(byClass(el.html, 'value')?.text, '–');
  assert.doesNotMatch(el.html, /<svg/);

  // One: a dot in the middle.
  await push('g1', { points: [{ x: 5, y: 42 }] });
  el = await element('g1');
  assert.equal(byClass(el.html, 'value')?.text, '42');
  assert.match(el.html, /<circle class="graph-dot"/);
  assert.equal(pathPoints(/<path class="graph-line" d="([^"]*)"/.exec(el.html)?.[1]).length, 1);

  // 10,000: thinned to at most 400 drawn points, the one spike kept.
  const points = Array.from({ length: 10000 }, (_, i) => ({ x: i, y: Math.round(Math.sin(i / 200) * 100) }));
  points[6789].y = 5000;
  const res = await s.get('/api/widgets/g10k', { method: 'POST', headers: { Authorization: `Bearer ${token}` },
    body: JSON.stringify({ points }) });
  assert.equal(res.status, 204, `a 10,000-point push: ${res.status} ${await res.text()}`);
  const t0 = Date.now();
  const page = await html('/d/types');
  const ms = Date.now() - t0;
  el = widgetElement(page, 'g10k');
  assert.ok(el, 'g10k on the page');
  assert.ok(ms < 3000, `the page with a 10,000-point graph took ${ms} ms`);
  assert.ok(el.html.length < 40000, `the 10,000-point widget is ${el.html.length} bytes of HTML`);
  const label = attributes(/<svg\b[^>]*class="graph"[^>]*>/.exec(el.html)?.[0] ?? '<svg>')['aria-label'];
  const latest = points.at(-1).y.toLocaleString('en-US');
  assert.equal(label, `10000 points from -100 to 5,000, latest ${latest}`, 'the summary counts every point');
  const line = pathPoints(/<path class="graph-line" d="([^"]*)"/.exec(el.html)?.[1]);
  assert.ok(line.length >= 100 && line.length <= 400, `${line.length} points drawn`);
  assert.ok(Math.min(...line.map((q) => q[1])) <= 4.1, 'the spike at x=6789 reaches the top of the drawing');
  const spikeX = (6789 / 9999) * 300;
  assert.ok(line.some((q) => Math.abs(q[0] - spikeX) < 1 && q[1] <= 4.1), `the spike is drawn at x≈${spikeX.toFixed(1)}`);
  for (let i = 1; i < line.length; i++) assert.ok(line[i][0] >= line[i - 1][0], 'thinned points stay in order');
});

test('graph: one value per update grows the series, capped by options.points', async () => {
  for (let v = 2; v <= 7; v++) {
    await s.writeDemo('load.json', { load: v });
    await update('load');
  }
  const w = await api('load');
  assert.deepEqual(w.value.points.map((q) => q.y), [3, 4, 5, 6, 7], `points kept (options.points = 5): ${JSON.stringify(w.value.points)}`);
  const xs = w.value.points.map((q) => q.x);
  for (let i = 1; i < xs.length; i++) assert.ok(xs[i] >= xs[i - 1], `x (time) never goes back: ${xs}`);
  assert.ok(Math.abs(xs.at(-1) - Date.now() / 1000) < 120, `x is the time of the update: ${xs.at(-1)}`);
  const el = await element('load');
  assert.equal(byClass(el.html, 'value')?.text, '7');
  assert.match(el.html, /aria-label="5 points from 3 to 7, latest 7"/);
});

test('graph: any mix of points and values draws a rising line across the width, inside its box', async () => {
  const values = async (name, ys) => { for (const y of ys) await push(name, { value: y }); };
  const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  // x = 1..20, or the last 20 minutes in a time form; y = 1..20.
  const now = Math.floor(Date.now() / 1000);
  const points = (x) => range(1, 20).map((i) => ({ x: x(i, now - (21 - i) * 60), y: i }));
  const feed = {
    'gm-points': async (n) => push(n, { points: points((i) => i) }),
    'gm-values': async (n) => values(n, range(1, 6)),
    'gm-pv': async (n) => { await push(n, { points: points((i) => i) }); await values(n, range(21, 25)); },
    'gm-vp': async (n) => { await values(n, range(1, 3)); await push(n, { points: points((i) => i) }); },
    'gm-iso': async (n) => { await push(n, { points: points((i, t) => new Date(t * 1000).toISOString()) }); await values(n, range(21, 25)); },
    'gm-ms': async (n) => { await push(n, { points: points((i, t) => t * 1000) }); await values(n, range(21, 25)); },
    'gm-s': async (n) => { await push(n, { points: points((i, t) => t) }); await values(n, range(21, 25)); },
    'gm-mix': async (n) => push(n, { points: [{ x: 1, y: 1 }, { x: now, y: 2 }, { x: new Date().toISOString(), y: 3 }, { y: 4 }, 5,
      { x: now * 1000, y: 6 }] }),
  };
  const count = { 'gm-points': 20, 'gm-values': 6, 'gm-pv': 25, 'gm-vp': 20, 'gm-iso': 25, 'gm-ms': 25, 'gm-s': 25, 'gm-mix': 6 };
  for (const name of MIXES) {
    await feed[name](name);
    const el = await element(name);
    const d = /<path class="graph-line" d="([^"]*)"/.exec(el.html)?.[1];
    const line = pathPoints(d);
    const where = `${name}: d="${d}"`;
    assert.equal(line.length, count[name], where);
    assert.equal(line[0][0], 0, `${where}: the line starts at the left edge`);
    assert.equal(line.at(-1)[0], 300, `${where}: the line ends at the right edge`);
    for (const [x, y] of line) assert.ok(x >= 0 && x <= 300 && y >= 0 && y <= 100, `${where}: ${x},${y} is outside the viewBox 0 0 300 100`);
    for (let i = 1; i < line.length; i++) {
      assert.ok(line[i][0] > line[i - 1][0], `${where}: point ${i} is not right of point ${i - 1}`);
      assert.ok(line[i][1] < line[i - 1][1], `${where}: point ${i} is not above point ${i - 1} (the pushed y rise)`);
    }
    // Not collapsed to one edge: most neighbours are visibly apart.
    const apart = line.slice(1).filter((q, i) => q[0] - line[i][0] >= 3).length;
    assert.ok(apart >= (line.length - 1) / 2, `${where}: only ${apart} of ${line.length - 1} steps are 3 px or wider`);
    assert.equal(byClass(el.html, 'value')?.text, String(count[name]), `${where}: the latest value`);
  }
  // One convention per series: values after indexes continue the index,
  // values after times are times (Unix seconds).
  assert.deepEqual((await api('gm-pv')).value.points.slice(-5).map((q) => q.x), range(21, 25));
  for (const name of ['gm-iso', 'gm-ms', 'gm-s', 'gm-values']) {
    const xs = (await api(name)).value.points.slice(-5).map((q) => q.x);
    assert.ok(xs.every((x) => Number.isInteger(x) && Math.abs(x - Date.now() / 1000) < 120), `${name}: values stored at ${xs}`);
  }
});

test('clock: the time in its time zone, with seconds; an unknown zone falls back to UTC', async () => {
  const zoned = (tz, seconds, at) => new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit',
    second: seconds ? '2-digit' : undefined, hourCycle: 'h23' }).format(at);
  const t0 = new Date();
  const page = await html('/d/types');
  const t1 = new Date();
  const tokyo = byClass(widgetElement(page, 'tokyo').html, 'clock');
  assert.equal(tokyo.attrs['data-tz'], 'Asia/Tokyo');
  assert.equal(tokyo.attrs['data-seconds'], '1');
  assert.match(tokyo.text, /^\d\d:\d\d:\d\d$/);
  assert.match(textOf(widgetElement(page, 'tokyo').html), /Asia\/Tokyo/);
  // Rendered in place (pages work without JavaScript): Tokyo's time, not UTC's.
  const [hm] = [tokyo.text.slice(0, 5)];
  const allowed = new Set([zoned('Asia/Tokyo', false, t0), zoned('Asia/Tokyo', false, t1)]);
  assert.ok(allowed.has(hm), `the Tokyo clock shows ${tokyo.text}; Tokyo time is ${[...allowed].join(' or ')} `
    + `(UTC is ${zoned('UTC', false, t1)})`);

  const utc = byClass(widgetElement(page, 'utc').html, 'clock');
  assert.equal(utc.attrs['data-tz'], 'UTC', 'an invalid time zone option falls back to UTC');
  assert.equal(utc.attrs['data-seconds'], '0');
  assert.match(utc.text, /^\d\d:\d\d$/);
  assert.ok(new Set([zoned('UTC', false, t0), zoned('UTC', false, t1)]).has(utc.text), `UTC clock shows ${utc.text}`);
  assert.doesNotMatch(page, /<b>/, 'the bad time zone option reached the page as markup');

  // Each later page shows the time it was served at, never an earlier
  // render's (every app worker serves a few of these).
  await new Promise((r) => setTimeout(r, 1100));
  for (let i = 0; i < 8; i++) {
    const a = new Date();
    const later = byClass(widgetElement(await html('/d/types'), 'tokyo').html, 'clock').text;
    const b = new Date();
    // nginx may keep a page to the end of its second by nginx's own clock,
    // which a busy worker reads a moment late: a page may be one second old.
    const now = new Set([zoned('Asia/Tokyo', true, new Date(a - 1000)), zoned('Asia/Tokyo', true, a),
      zoned('Asia/Tokyo', true, b)]);
    assert.ok(now.has(later), `a page served at ${[...now].join(' or ')} (Tokyo) shows ${later}`);
  }
});

/** Moves every stored time of the widgets NAMES back by MINUTES, as if no
 *  update had come for that long. */
async function age(names, minutes) {
  const cols = (await s.sql("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='mdash' "
    + "AND TABLE_NAME='widgets' AND DATA_TYPE IN ('datetime','timestamp')")).flat();
  await s.sql(`UPDATE widgets SET ${cols.map((c) => `\`${c}\` = \`${c}\` - INTERVAL ${minutes} MINUTE`).join(', ')} `
    + `WHERE name IN (${names.map((n) => `'${n}'`).join(', ')})`);
}

test('clock: the time at once, never "No data yet", never stale, even on a pulling source left for minutes', async () => {
  const onTime = async (name, when) => {
    for (const where of ['/d/types', `/widget/${name}`]) {
      const el = widgetElement(await html(where), name);
      assert.match(byClass(el.html, 'clock')?.text ?? '', /^\d\d:\d\d(:\d\d)?$/, `${when}: ${name} on ${where} shows no time:\n${el.html}`);
      assert.doesNotMatch(textOf(el.html), /No data yet/, `${when}: ${name} on ${where}`);
      assert.equal(el.attrs['data-state'], 'ok', `${when}: data-state of ${name} on ${where}`);
      // The page's script marks a widget stale after twice data-interval; 0 is never.
      assert.equal(el.attrs['data-interval'], '0', `${when}: data-interval of ${name} on ${where}`);
    }
    assert.equal((await api(name)).status, 'ok', `${when}: /api/widgets/${name} status`);
  };
  // A fresh dashboard: nothing has ever updated these.
  for (const name of ['tokyo', 'hq']) await onTime(name, 'fresh');
  // hq's source runs once, then ten minutes pass without an update (its interval is 60 s).
  await update('hq', 'hq-note');
  assert.match(textOf((await element('hq')).html), /Berlin office/);
  await age(['hq', 'hq-note', 'tokyo'], 10);
  for (const name of ['tokyo', 'hq']) await onTime(name, 'ten minutes later');
  // The same neglect makes a data widget stale.
  assert.equal((await element('hq-note')).attrs['data-state'], 'stale');
});

test('image: only http(s) and same-site URLs become an <img>', async () => {
  let el = await element('picture');
  let img = /<img\b[^>]*>/.exec(el.html);
  assert.ok(img, `the pulled https image is not shown:\n${el.html}`);
  assert.equal(attributes(img[0]).src, 'https://example.org/cat.png');
  assert.equal(attributes(img[0]).alt, 'A cat');

  const shown = ['http://example.org/a.png', 'https://example.org/b.png?x=1&y=2', '/static/favicon.svg'];
  const refused = ['javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'data:image/svg+xml,<svg onload=alert(1)>',
    '//evil.example/x.png', 'vbscript:msgbox(1)', 'ftp://example.org/c.png', ''];
  for (const url of shown) {
    await push('img', { image: url });
    el = await element('img');
    img = /<img\b[^>]*>/.exec(el.html);
    assert.ok(img, `${url} is not shown:\n${el.html}`);
    assert.equal(attributes(img[0]).src, url);
  }
  for (const url of refused) {
    await push('img', { image: url });
    el = await element('img');
    assert.doesNotMatch(el.html, /<img\b/i, `${JSON.stringify(url)} became an <img>:\n${el.html}`);
    assert.equal(byClass(el.html, 'value')?.text, '–');
    assert.doesNotMatch(el.html, /javascript:|vbscript:|data:image/i, `${JSON.stringify(url)} is in the HTML`);
  }
});

test('thresholds colour the widget; an explicit status wins', async () => {
  const cases = [[50, 'ok'], [79.9, 'ok'], [80, 'warning'], [94, 'warning'], [95, 'danger'], [1e6, 'danger']];
  for (const [current, status] of cases) {
    await push('thr', { current });
    assert.equal((await element('thr')).attrs['data-status'], status, `number ${current} with warning 80, danger 95`);
  }
  await push('thr', { current: 99, status: 'ok' });
  assert.equal((await element('thr')).attrs['data-status'], 'ok', 'an explicit status beats the thresholds');
  await push('thr', { current: 10, status: 'danger' });
  assert.equal((await element('thr')).attrs['data-status'], 'danger');
  // A status that is no status is ignored; the thresholds decide again.
  await push('thr', { current: 90, status: 'purple' });
  assert.equal((await element('thr')).attrs['data-status'], 'warning');
  // Not a number: no colour at all.
  await push('thr', { current: 'n/a', status: null });
  assert.equal((await element('thr')).attrs['data-status'], undefined);

  const below = [[50, 'ok'], [21, 'ok'], [20, 'warning'], [15, 'warning'], [10, 'danger'], [0, 'danger']];
  for (const [value, status] of below) {
    await push('low', { value, min: 0, max: 100 });
    assert.equal((await element('low')).attrs['data-status'], status, `meter ${value} with "below" thresholds 20 / 10`);
  }
  // No thresholds, no status: no colour.
  assert.equal((await element('cpu')).attrs['data-status'], undefined);
});

// Hostile data in every field of every type: it must show as text, never
// become markup, an attribute or a link.
const EVIL = '<script>alert(1)</script>"onmouseover=alert(1) x=\'y\' javascript:alert(1) é✓😀 עברית ﷽ a\u0301';
const TYPES = ['number', 'meter', 'list', 'text', 'graph', 'clock', 'image', 'status'];

test('hostile data in every field of every type is escaped, on the page and in fragments', async () => {
  const fields = { current: EVIL, last: EVIL, value: EVIL, min: EVIL, max: EVIL, text: EVIL, image: EVIL, alt: EVIL,
    status: EVIL, title: EVIL, moreinfo: EVIL, items: [{ label: EVIL, value: EVIL }, { label: 'ok', value: 1 }],
    points: [{ x: EVIL, y: EVIL }, { x: 1, y: 2 }], [EVIL]: EVIL, updated_at: EVIL, version: EVIL, error: EVIL };
  const options = { prefix: EVIL, suffix: EVIL, timezone: EVIL, seconds: EVIL, min: EVIL, max: EVIL, points: EVIL,
    thresholds: { warning: EVIL, danger: EVIL, below: EVIL } };
  await s.apply({ dashboards: [{ slug: 'evil', title: EVIL, description: EVIL, widgets: [
    ...TYPES.map((type) => ({ name: `e-${type}`, type, title: EVIL, options, source: { kind: 'push' } })),
    { name: 'e-img2', type: 'image', title: EVIL, source: { kind: 'push' } },
  ] }] });
  for (const type of TYPES) await push(`e-${type}`, fields);
  await push('e-img2', { image: `https://example.org/x.png?q=${EVIL}`, alt: EVIL });

  const page = await html('/d/evil');
  const sources = [['/d/evil', page]];
  for (const type of [...TYPES.map((t) => `e-${t}`), 'e-img2']) sources.push([`/widget/${type}`, await html(`/widget/${type}`)]);
  for (const [where, text] of sources) {
    // The only scripts are the page's own, from /static/.
    const scripts = text.match(/<script\b[^>]*>/gi) ?? [];
    for (const tag of scripts) assert.match(tag, /^<script (?:type="module" )?src="\/static\/[a-z0-9-]+\.js"( defer)?>$/, `${where}: a <script> from data: ${tag}`);
    assert.doesNotMatch(text, /<script>alert/i, `${where}: raw <script> from data`);
    // No attribute break-out: no event handler attributes anywhere, no raw quote before onmouseover.
    for (const tag of text.match(/<[a-z][a-z0-9-]*\b[^>]*>/gi) ?? []) {
      const names = Object.keys(attributes(tag));
      assert.ok(!names.some((n) => n.startsWith('on')), `${where}: an event handler attribute in ${tag}`);
      assert.ok(!names.includes('x'), `${where}: data broke out of an attribute in ${tag}`);
      for (const [n, v] of Object.entries(attributes(tag))) {
        if (['href', 'src', 'action'].includes(n)) assert.doesNotMatch(v, /^\s*javascript:/i, `${where}: ${n}="${v}"`);
      }
    }
    assert.doesNotMatch(text, /["']onmouseover/i, `${where}: an unescaped quote before onmouseover`);
    assert.doesNotMatch(text, /<svg onload/i);
  }
  // The text arrives intact, Unicode included, as text.
  for (const type of TYPES) {
    const el = widgetElement(page, `e-${type}`);
    assert.ok(el, `e-${type} on the page`);
    assert.equal(byClass(el.html, 'widget-title')?.text, EVIL.replace(/\s+/g, ' '), `e-${type} title`);
    assert.equal(byClass(el.html, 'moreinfo')?.text, EVIL.replace(/\s+/g, ' '), `e-${type} moreinfo`);
    assert.equal(el.attrs['data-status'], undefined, `e-${type}: data-status from hostile data`);
    assert.equal(el.attrs['data-state'], 'ok', `e-${type} renders without an error`);
  }
  assert.match(page, /é✓😀 עברית ﷽ a\u0301/, 'Unicode reaches the page unchanged');
  assert.equal(byClass(widgetElement(page, 'e-text').html, 'text')?.text, EVIL.replace(/\s+/g, ' '));
  assert.match(textOf(widgetElement(page, 'e-list').html), /<script>alert\(1\)<\/script>"onmouseover/);
  assert.match(textOf(widgetElement(page, 'e-number').html), /<script>alert\(1\)<\/script>/);
  assert.doesNotMatch(widgetElement(page, 'e-image').html, /<img\b/i, 'an image widget with a javascript: URL has an <img>');
  const img2 = /<img\b[^>]*>/.exec(widgetElement(page, 'e-img2').html);
  assert.ok(img2, 'an https image with an odd query is still shown');
  assert.deepEqual(Object.keys(attributes(img2[0])).sort(), ['alt', 'class', 'loading', 'referrerpolicy', 'src']);
  assert.equal(attributes(img2[0]).alt, EVIL);
  assert.equal(byClass(widgetElement(page, 'e-clock').html, 'clock')?.attrs['data-tz'], 'UTC');
  assert.match(page, /<title>&lt;script&gt;alert\(1\)/, 'the dashboard title is escaped in <title>');
  // The API gives the data back exactly as pushed.
  const w = await api('e-text');
  assert.equal(w.value.text, EVIL);
  assert.equal(w.value.items[0].label, EVIL);
});
