// SPDX-License-Identifier: MIT
// Graphs over time: a graph with options.range draws its stored history,
// server-side (so without JavaScript too), with time and value labels and a
// tooltip per stretch of time; a number with options.sparkline draws its
// recent history under the value. Pushed values show at once, live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startStack, widgetElement } from '../harness/stack.mjs';
import { launch, watch, live, dispose } from './helpers.mjs';

let s;
let browser;
let token;
const MIN = 60 * 1000;

const push = (name, body) => s.get(`/api/widgets/${name}`, {
  method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});

before(async () => {
  s = await startStack();
  await s.apply({ dashboards: [{ slug: 'g', title: 'Graphs', widgets: [
    { name: 'rps', type: 'graph', title: 'Requests a second', sizex: 3, sizey: 2, source: { kind: 'push' }, options: { range: '1h' } },
    { name: 'tiny', type: 'graph', sizex: 1, sizey: 1, source: { kind: 'push' }, options: { range: '1h' } },
    { name: 'orders', type: 'number', sizex: 2, sizey: 2, source: { kind: 'push' }, options: { sparkline: '1h' } },
    { name: 'multi', type: 'graph', title: 'By service', sizex: 3, sizey: 2, source: { kind: 'push' } },
    { name: 'api-ms', type: 'number', title: 'API', source: { kind: 'push' } },
    { name: 'db-ms', type: 'number', title: 'Database', source: { kind: 'push' } },
    { name: 'latency', type: 'graph', title: 'Latency', sizex: 3, sizey: 2, source: { kind: 'push' },
      options: { range: '1h', series: ['api-ms', 'db-ms'] } },
    { name: 'minutely', type: 'number', source: { kind: 'push' }, options: { sparkline: '1h' } },
  ] }] });
  token = (await s.mdash(['token', 'add', 'g'])).stdout.trim().split('\n').pop();
  const now = Date.now();
  for (let i = 50; i >= 2; i -= 4) {
    await s.storeHistory('rps', now - i * MIN, { value: 100 + i });
    await s.storeHistory('tiny', now - i * MIN, { value: i });
    await s.storeHistory('orders', now - i * MIN, { current: 1000 - i });
    await s.storeHistory('api-ms', now - i * MIN, { current: 200 + i });
    await s.storeHistory('db-ms', now - i * MIN, { current: 50 - i });
  }
  for (let i = 59; i >= 1; i--) await s.storeHistory('minutely', now - i * MIN, { current: i % 7 });
  for (const [name, body] of [['rps', { value: 120 }], ['tiny', { value: 1 }], ['orders', { current: 990 }],
    ['api-ms', { current: 210 }], ['minutely', { current: 3 }]]) {
    assert.equal((await push(name, body)).status, 204);
  }
  browser = await launch();
});

after(async () => {
  await dispose(browser);
  await s?.stop();
});

test('without JavaScript: the page holds the graph over time, with labels and tooltips', async () => {
  const html = await (await s.get('/d/g')).text();
  const rps = widgetElement(html, 'rps').html;
  assert.match(rps, /<p class="value">120<\/p>/);
  const times = [...rps.matchAll(/class="axis axis-x" style="left:([\d.]+)%">(\d\d:\d\d)</g)];
  assert.ok(times.length >= 3, `time labels: ${times.map((m) => m[2])}`);
  assert.ok(times.every((m) => Number(m[1]) >= 0 && Number(m[1]) <= 100));
  const values = [...rps.matchAll(/class="axis axis-y" style="bottom:([\d.]+)%">([\d.,]+)</g)].map((m) => Number(m[2].replace(/,/g, '')));
  assert.ok(values.length >= 2, 'value labels');
  assert.ok(Math.min(...values) <= 102 && Math.max(...values) >= 150, `the value labels span the data: ${values}`);
  const titles = [...rps.matchAll(/<title>(\d\d:\d\d:\d\d UTC: [\d.,]+[^<]*)<\/title>/g)].map((m) => m[1]);
  assert.ok(titles.length >= 10, `hover titles: ${titles.length}`);
  assert.match(titles.at(-1), /UTC: 120$/, 'the newest stretch tells the newest value');
  const d = /class="graph-line" d="([^"]+)"/.exec(rps)[1];
  for (const [, x, y] of d.matchAll(/([\d.]+),([\d.]+)/g)) {
    assert.ok(x >= 0 && x <= 300 && y >= 0 && y <= 100, `a point outside the box: ${x},${y}`);
  }
  const orders = widgetElement(html, 'orders').html;
  assert.match(orders, /<svg class="sparkline"[^>]*><path d="M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){5,}"/);
});

test('in the browser: labels readable inside the widget, the newest push shown within a second, live', async () => {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const log = watch(page);
  await page.goto(`${s.base}/d/g`, { waitUntil: 'load' });
  await live(page);
  const box = await page.evaluate(() => {
    const w = document.querySelector('[data-widget="rps"]').getBoundingClientRect();
    return [...document.querySelectorAll('[data-widget="rps"] .axis')].map((a) => {
      const r = a.getBoundingClientRect();
      return { text: a.textContent, inside: r.left >= w.left && r.right <= w.right && r.top >= w.top && r.bottom <= w.bottom,
        visible: r.width > 0 && r.height > 0 };
    });
  });
  assert.ok(box.length >= 5, JSON.stringify(box));
  for (const a of box) assert.ok(a.visible && a.inside, `axis label ${a.text} outside its widget or hidden`);
  const tinyAxes = await page.locator('[data-widget="tiny"] .axis:visible').count();
  assert.equal(tinyAxes, 0, 'a 1x1 graph draws the line alone');
  assert.equal((await push('rps', { value: 777 })).status, 204);
  await page.waitForFunction(() => document.querySelector('[data-widget="rps"] .value')?.textContent === '777', null, { timeout: 2000 });
  const last = await page.evaluate(() => [...document.querySelectorAll('[data-widget="rps"] .graph-hover title')].at(-1)?.textContent);
  assert.match(last, /UTC: 777( \(|$)/, 'the newest stretch tells the newest value');
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.csp, []);
  await dispose(page);
});

test('several pushed series: one scale, a colour each, a legend of names and last values, in both themes', async () => {
  const t = Math.floor(Date.now() / 1000);
  const series = [
    { name: 'api', points: [{ x: t - 120, y: 10 }, { x: t - 60, y: 14 }, { x: t, y: 12 }] },
    { name: 'web', points: [{ x: t - 120, y: 3 }, { x: t, y: 5 }] },
    { name: 'a very long series name that must give way to its value', points: [1, 2, 3] },
  ];
  assert.equal((await push('multi', { series })).status, 204);
  const html = widgetElement(await (await s.get('/d/g')).text(), 'multi').html;
  assert.match(html, /<p class="value">12<\/p>/, 'the first series\' last value is the big one');
  assert.equal([...html.matchAll(/class="graph-line series-(\d)"/g)].map((m) => m[1]).join(), '0,1,2');
  const legend = [...html.matchAll(/<span class="legend-name">([^<]*)<\/span> <span class="legend-value">([^<]*)</g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(legend.slice(0, 2), [['api', '12'], ['web', '5']]);
  for (const theme of ['dark', 'light']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${s.base}/d/g?theme=${theme}`, { waitUntil: 'load' });
    const seen = await page.evaluate(() => {
      const w = document.querySelector('[data-widget="multi"]');
      const box = w.getBoundingClientRect();
      const lines = [...w.querySelectorAll('.graph-line')].map((l) => getComputedStyle(l).stroke);
      const items = [...w.querySelectorAll('.legend li')].map((li) => {
        const r = li.getBoundingClientRect();
        const v = li.querySelector('.legend-value');
        return { inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5, valueWhole: v.scrollWidth <= v.clientWidth + 1,
          swatch: getComputedStyle(li, '::before').backgroundColor };
      });
      return { lines, items };
    });
    assert.equal(new Set(seen.lines).size, 3, `${theme}: three colours: ${seen.lines}`);
    assert.deepEqual(seen.items.map((i) => i.swatch), seen.lines, `${theme}: the legend's swatches are the lines' colours`);
    for (const i of seen.items) assert.ok(i.inside && i.valueWhole, `${theme}: a legend entry cut or outside: ${JSON.stringify(i)}`);
    await dispose(page);
  }
});

test('an hour\'s sparkline of an update a minute draws a point a minute', async () => {
  const html = widgetElement(await (await s.get('/d/g')).text(), 'minutely').html;
  const d = /<svg class="sparkline"[^>]*><path d="([^"]+)"/.exec(html)?.[1] ?? '';
  const points = d.split(' L').length;
  assert.ok(points >= 55, `points in the sparkline: ${points}`);
});

test('a graph naming two widgets: two colours and a legend in both themes; a push to one shows on an open page', async () => {
  for (const theme of ['dark', 'light']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const log = watch(page);
    await page.goto(`${s.base}/d/g?theme=${theme}`, { waitUntil: 'load' });
    await live(page);
    const seen = () => page.evaluate(() => {
      const w = document.querySelector('[data-widget="latency"]');
      return {
        lines: [...w.querySelectorAll('.graph-line')].map((l) => getComputedStyle(l).stroke),
        swatches: [...w.querySelectorAll('.legend li')].map((li) => getComputedStyle(li, '::before').backgroundColor),
        legend: [...w.querySelectorAll('.legend li')].map((li) => li.textContent.trim().replace(/\s+/g, ' ')),
      };
    });
    const first = await seen();
    assert.equal(new Set(first.lines).size, 2, `${theme}: two colours: ${first.lines}`);
    assert.deepEqual(first.swatches, first.lines, `${theme}: the legend's swatches are the lines' colours`);
    assert.deepEqual(first.legend, ['API 210', 'Database 48'], theme);
    if (theme === 'light') {
      const v = 300 + Math.floor(Math.random() * 100);
      const res = await push('db-ms', { current: v });
      assert.equal(res.status, 204, `push: ${await res.text()}\n${await s.logs(20)}`);
      await page.waitForFunction((want) => [...document.querySelectorAll('[data-widget="latency"] .legend li')]
        .some((li) => li.textContent.includes(want)), String(v), { timeout: 20000 });
      const title = await page.evaluate(() => [...document.querySelectorAll('[data-widget="latency"] .graph-hover title')].at(-1)?.textContent);
      assert.match(title, new RegExp(`Database ${v}$`), 'the newest stretch has the new point');
    }
    assert.deepEqual(log.errors, []);
    await dispose(page);
  }
});

test('one update of a graph over time renders once, whoever asks for it', async () => {
  assert.equal((await push('rps', { value: 321 })).status, 204);
  const workers = Number(/^App\.Workers *= *(\d+)/m.exec(await readFile(s.config, 'utf8'))?.[1] ?? 4);
  const seen = [];
  for (let i = 0; i < 2 * workers + 2; i++) {
    const res = await s.get('/widget/rps');
    const html = await res.text();
    assert.match(html, /<p class="value">321<\/p>/);
    seen.push(res.headers.get('x-cache'));
  }
  // Each of the app's workers renders the version at most once.
  assert.ok(seen.filter((c) => c === 'miss').length <= workers, `renders: ${seen}`);
  assert.ok(seen.includes('hit'), `renders: ${seen}`);
});

test('a bad range or sparkline is an error naming the option', async () => {
  for (const [options, key] of [[{ range: 'a day' }, 'range'], [{ sparkline: 5 }, 'sparkline'], [{ range: '0h' }, 'range']]) {
    const file = `${s.dir}/bad-range.json`;
    await (await import('node:fs/promises')).writeFile(file, JSON.stringify({ dashboards: [{ slug: 'g', title: 'G', widgets: [
      { name: 'x1', type: 'graph', source: { kind: 'push' }, options }] }] }));
    const r = await s.mdash(['apply', file]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`options\\.${key}: must be a duration`));
  }
});

test('deleting a widget a graph draws: an open page redraws the graph without that series at once', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const log = watch(page);
  try {
    await page.goto(`${s.base}/d/g`, { waitUntil: 'load' });
    await live(page);
    const names = () => page.evaluate(() => [...document.querySelectorAll('[data-widget="latency"] .legend li')]
      .map((li) => li.querySelector('.legend-name')?.textContent.trim()));
    assert.deepEqual(await names(), ['API', 'Database']);
    const r = await s.mdash(['widget', 'rm', 'api-ms']);
    assert.equal(r.code, 0, r.stderr);
    await page.waitForFunction(() => {
      const lines = document.querySelectorAll('[data-widget="latency"] .graph-line');
      const legend = [...document.querySelectorAll('[data-widget="latency"] .legend li')];
      return lines.length === 1 && legend.length === 1 && legend[0].textContent.includes('Database');
    }, null, { timeout: 20000 });
    assert.deepEqual(log.errors, []);
  } finally {
    await dispose(page);
  }
});
