// SPDX-License-Identifier: MIT
// A graph over time of several widgets (options.series): each named widget's
// history in its own colour with a legend; an update of one of them gives the
// graph a new version at once (so every page and cache sees the new point);
// apply refuses a name that is no widget of the graph's dashboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { startStack, widgetElement } from '../harness/stack.mjs';

let s;
let token;
const MIN = 60 * 1000;

const push = (name, body) => s.get(`/api/widgets/${name}`, {
  method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});
const version = async (name) => (await (await s.get(`/api/widgets/${name}`)).json()).version;
const fragment = async (name) => (await s.get(`/widget/${name}`)).text();
const legend = (html) => [...html.matchAll(/<span class="legend-name">([^<]*)<\/span> <span class="legend-value">([^<]*)</g)]
  .map((m) => [m[1], m[2]]);

const DASH = { slug: 'ops', title: 'Ops', widgets: [
  { name: 'cpu', type: 'number', title: 'CPU', source: { kind: 'push' } },
  { name: 'mem', type: 'meter', title: 'Memory', source: { kind: 'push' } },
  { name: 'quiet', type: 'number', source: { kind: 'push' } },
  { name: 'both', type: 'graph', title: 'CPU and memory', sizex: 3, sizey: 2, source: { kind: 'push' },
    options: { range: '1h', series: ['cpu', 'mem'] } },
  // Names itself (its own values) and another graph: no loop.
  { name: 'meta', type: 'graph', source: { kind: 'push' }, options: { range: '1h', series: ['meta', 'both'] } },
] };

before(async () => {
  s = await startStack();
  await s.apply({ dashboards: [DASH, { slug: 'other', title: 'Other', widgets: [
    { name: 'secret', type: 'number', source: { kind: 'push' } }] }] });
  token = (await s.mdash(['token', 'add', 'series'])).stdout.trim().split('\n').pop();
  const now = Date.now();
  for (let i = 40; i >= 5; i -= 5) {
    await s.storeHistory('cpu', now - i * MIN, { current: 10 + i });
    await s.storeHistory('mem', now - i * MIN, { value: 70 - i });
  }
  assert.equal((await push('cpu', { current: 12 })).status, 204);
});

after(async () => { await s?.stop(); });

test('two series, each its own colour, a legend of titles and last values, on one set of axes', async () => {
  const html = widgetElement(await (await s.get('/d/ops')).text(), 'both').html;
  assert.equal([...html.matchAll(/class="graph-line series-(\d)" d="M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+"/g)].map((m) => m[1]).join(), '0,1');
  assert.deepEqual(legend(html), [['CPU', '12'], ['Memory', '65']]);
  assert.ok([...html.matchAll(/class="axis axis-x"/g)].length >= 3, 'time labels');
  const titles = [...html.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
  assert.match(titles.at(-1), /UTC: CPU 12, Memory 65$/, 'the newest stretch tells each series\' newest value');
});

test('an update of a named widget gives the graph a new version, published with it; the fragment shows the point', async () => {
  const before = await version('both');
  const meta = await version('meta');
  assert.equal((await push('mem', { value: 33 })).status, 204);
  assert.equal(await version('both'), before + 1, 'one update, one new version of the graph');
  assert.equal(await version('meta'), meta, 'a graph naming that graph is not bumped by its bump');
  assert.deepEqual(legend(await fragment('both')), [['CPU', '12'], ['Memory', '33']]);
  // Its own update bumps the graph that names it; naming itself is no loop.
  assert.equal((await push('both', { value: 5 })).status, 204);
  assert.equal(await version('meta'), meta + 1);
  assert.equal((await push('meta', { value: 9 })).status, 204);
  assert.equal(await version('meta'), meta + 2);
  assert.deepEqual(legend(await fragment('meta')), [['meta', '9'], ['CPU and memory', '5']]);
  // A widget nobody follows bumps nothing.
  const all = await s.sql('SELECT SUM(version) FROM widgets');
  assert.equal((await push('quiet', { current: 1 })).status, 204);
  assert.equal(Number(await s.sql('SELECT SUM(version) FROM widgets')) - Number(all), 1);
});

test('the CLI\'s push bumps the graph as well', async () => {
  const before = await version('both');
  const r = await s.mdash(['push', 'cpu', '{"current": 44}']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await version('both'), before + 1);
  assert.deepEqual(legend(await fragment('both'))[0], ['CPU', '44']);
});

test('apply refuses a name that is no widget of the graph\'s dashboard, naming options.series[i]; nothing applied', async () => {
  const cases = [
    [['cpu', 'nope'], /widget both: options\.series\[1\]: no widget "nope" on the graph's dashboard/],
    [['secret'], /widget both: options\.series\[0\]: no widget "secret" on the graph's dashboard/],
    [['cpu', 3], /options\.series\[1\]: must be a widget's name/],
    [[], /options\.series: must be an array of 1 to 6 widget names/],
  ];
  for (const [series, message] of cases) {
    const file = `${s.dir}/bad-series.json`;
    const dash = structuredClone(DASH);
    dash.widgets[3].options.series = series;
    dash.widgets[3].title = 'Changed';
    await writeFile(file, JSON.stringify({ dashboards: [dash] }));
    const r = await s.mdash(['apply', file]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, message);
  }
  const file = `${s.dir}/no-range.json`;
  await writeFile(file, JSON.stringify({ dashboards: [{ slug: 'ops', title: 'Ops', widgets: [
    { name: 'norange', type: 'graph', source: { kind: 'push' }, options: { series: ['cpu'] } }] }] }));
  const r = await s.mdash(['apply', file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /widget norange: options\.series: needs options\.range/);
  assert.match(await (await s.get('/d/ops')).text(), /CPU and memory/, 'the refused files changed nothing');
  assert.deepEqual(legend(await fragment('both')).map((l) => l[0]), ['CPU', 'Memory']);
});

test('mdash widget set checks options.series as apply does, and a good list takes effect', async () => {
  let r = await s.mdash(['widget', 'set', 'both', 'options={"range":"1h","series":["cpu","secret"]}']);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /widget both: options\.series\[1\]: no widget "secret" on the graph's dashboard/);
  assert.deepEqual(legend(await fragment('both')).map((l) => l[0]), ['CPU', 'Memory'], 'nothing changed');
  r = await s.mdash(['widget', 'set', 'both', 'options={"range":"1h","series":["mem"]}']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(legend(await fragment('both')).map((l) => l[0]), ['Memory']);
  const before = await version('both');
  assert.equal((await push('cpu', { current: 1 })).status, 204);
  assert.equal(await version('both'), before, 'no longer follows cpu');
});

test('the updater publishes the graphs that follow a widget it updated', async () => {
  await s.apply({ dashboards: [{ slug: 'ops', title: 'Ops', widgets: [
    { name: 'pulled', type: 'number', title: 'Pulled', source: { kind: 'exec', command: ['/bin/echo', '{"current": 77}'] } },
    { name: 'watcher', type: 'graph', source: { kind: 'push' }, options: { range: '1h', series: ['pulled'] } },
  ] }] });
  const before = await version('watcher');
  const r = await s.mdash(['update', '--force', '--widget', 'pulled']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await version('watcher'), before + 1);
  assert.deepEqual(legend(await fragment('watcher')), [['Pulled', '77']]);
  const [[pending]] = await s.sql("SELECT publish_pending FROM widgets WHERE name = 'watcher'");
  assert.equal(pending, '0', 'published, not left for the next pass');
});
