// SPDX-License-Identifier: MIT
// A graph over time of several widgets (options.series): each named widget's
// history in its own colour with a legend; an update of one of them gives the
// graph a new version at once (so every page and cache sees the new point);
// apply refuses a name that is no widget of the graph's dashboard, or a
// widget without a number; deleting a widget makes its graphs forget it at
// once; pushes to a graph and to the widgets it follows never wait on each
// other for ever.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { startStack, sse, widgetElement } from '../harness/stack.mjs';

let s;
let token;
let admin;
const MIN = 60 * 1000;

const push = (name, body) => s.get(`/api/widgets/${name}`, {
  method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});
const author = (method, name, body) => s.get(`/api/widgets/${name}`, {
  method, headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
});
const spec = async (name) => (await author('GET', `${name}/spec`)).json();
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
  { name: 'notes', type: 'text', source: { kind: 'push' } },
  { name: 'todo', type: 'list', source: { kind: 'push' } },
] };

before(async () => {
  s = await startStack();
  await s.apply({ dashboards: [DASH, { slug: 'other', title: 'Other', widgets: [
    { name: 'secret', type: 'number', source: { kind: 'push' } }] }] });
  token = (await s.mdash(['token', 'add', 'series'])).stdout.trim().split('\n').pop();
  admin = (await s.mdash(['token', 'add', 'author', '--admin'])).stdout.trim().split('\n').pop();
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
    [['cpu', 'notes'], /widget both: options\.series\[1\]: widget "notes" is a text widget, not a number/],
    [['todo'], /widget both: options\.series\[0\]: widget "todo" is a list widget, not a number/],
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

test('a widget without a number is refused by widget set and the API as by apply; so is its change of type', async () => {
  let r = await s.mdash(['widget', 'set', 'both', 'options={"range":"1h","series":["cpu","todo"]}']);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /widget both: options\.series\[1\]: widget "todo" is a list widget, not a number/);
  const body = { type: 'graph', dashboard: 'ops', source: { kind: 'push' }, options: { range: '1h', series: ['notes'] } };
  let res = await author('PUT', 'notes-graph', body);
  assert.equal(res.status, 400);
  assert.match((await res.json()).error, /options\.series\[0\]: widget "notes" is a text widget, not a number/);
  assert.equal((await author('GET', 'notes-graph/spec')).status, 404, 'nothing stored');
  // A named widget may not become one without a number either.
  r = await s.mdash(['widget', 'set', 'mem', 'type=text']);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /options\.series\[\d\]: widget "mem" is a text widget, not a number/);
  res = await author('PUT', 'mem', { ...(await spec('mem')), type: 'list' });
  assert.equal(res.status, 400);
  assert.match((await res.json()).error, /options\.series\[\d\]: widget "mem" is a list widget, not a number/);
  assert.equal((await spec('mem')).type, 'meter');
});

test('deleting a widget a graph names: the graph forgets it at once, published, and keeps working', async () => {
  await s.apply({ dashboards: [{ slug: 'gone', title: 'Gone', widgets: [
    { name: 'gone-a', type: 'number', title: 'A', source: { kind: 'push' } },
    { name: 'gone-b', type: 'meter', title: 'B', source: { kind: 'push' } },
    { name: 'gone-c', type: 'number', title: 'C', source: { kind: 'push' } },
    { name: 'gone-d', type: 'number', title: 'D', source: { kind: 'push' } },
    { name: 'gone-g', type: 'graph', source: { kind: 'push' },
      options: { range: '1h', series: ['gone-a', 'gone-b', 'gone-c', 'gone-d'] } },
    { name: 'gone-h', type: 'graph', source: { kind: 'push' }, options: { range: '1h', series: ['gone-b'] } },
  ] }] });
  for (const [name, body] of [['gone-a', { current: 1 }], ['gone-b', { value: 2 }], ['gone-c', { current: 3 }],
    ['gone-d', { current: 4 }], ['gone-h', { value: 5 }]]) {
    assert.equal((await push(name, body)).status, 204);
  }
  assert.deepEqual(legend(await fragment('gone-g')).map((l) => l[0]), ['A', 'B', 'C', 'D']);
  const stream = await sse(`${s.base}/sub/d/gone`);
  try {
    // mdash widget rm: both graphs get a new version, published, without it.
    let g = await version('gone-g');
    const h = await version('gone-h');
    let r = await s.mdash(['widget', 'rm', 'gone-b']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await version('gone-g'), g + 1);
    assert.equal(await version('gone-h'), h + 1);
    await stream.find((d) => d?.widget === 'gone-g' && d.version === g + 1, 5000);
    await stream.find((d) => d?.widget === 'gone-h' && d.version === h + 1, 5000);
    assert.deepEqual(legend(await fragment('gone-g')).map((l) => l[0]), ['A', 'C', 'D']);
    assert.deepEqual((await s.sql("SELECT publish_pending FROM widgets WHERE name IN ('gone-g', 'gone-h')")).flat(), ['0', '0']);
    // What it draws is what its options say, as export and the API give them.
    assert.deepEqual((await spec('gone-g')).options, { range: '1h', series: ['gone-a', 'gone-c', 'gone-d'] });
    assert.deepEqual((await spec('gone-h')).options, { range: '1h' }, 'none left: its own history');
    assert.match((await s.mdash(['export'])).stdout, /"series": \[\s*"gone-a",\s*"gone-c",\s*"gone-d"\s*\]/);
    assert.match(widgetElement(await (await s.get('/d/gone')).text(), 'gone-h').html, /<p class="value">5<\/p>/);
    // Other changes go on as before: the list holds no stale name. A new
    // title shows in the legend at once.
    g = await version('gone-g');
    r = await s.mdash(['widget', 'set', 'gone-a', 'title=A2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await version('gone-g'), g + 1);
    await stream.find((d) => d?.widget === 'gone-g' && d.version === g + 1, 5000);
    assert.deepEqual(legend(await fragment('gone-g')).map((l) => l[0]), ['A2', 'C', 'D']);

    // The API's DELETE, and its DELETE from the dashboard alone.
    g = await version('gone-g');
    assert.equal((await author('DELETE', 'gone-c')).status, 204);
    assert.equal(await version('gone-g'), g + 1);
    await stream.find((d) => d?.widget === 'gone-g' && d.version === g + 1, 5000);
    assert.deepEqual(legend(await fragment('gone-g')).map((l) => l[0]), ['A2', 'D']);
    assert.equal((await author('PUT', 'gone-d', { ...(await spec('gone-d')), title: 'D2' })).status, 200);
    assert.equal(await version('gone-g'), g + 2, 'a new title through the API too');
    assert.deepEqual(legend(await fragment('gone-g')).map((l) => l[0]), ['A2', 'D2']);
    assert.equal((await author('DELETE', 'gone-d?dashboard=gone')).status, 204);
    assert.equal(await version('gone-g'), g + 3);
    assert.deepEqual(legend(await fragment('gone-g')).map((l) => l[0]), ['A2']);
    assert.deepEqual((await spec('gone-g')).options.series, ['gone-a']);
    const before = await version('gone-g');
    assert.equal((await push('gone-a', { current: 9 })).status, 204);
    assert.equal(await version('gone-g'), before + 1, 'still follows what is left');
    assert.deepEqual(legend(await fragment('gone-g')), [['A2', '9']]);
  } finally {
    stream.close();
  }

  // apply --prune: a file whose graph names a widget it deletes is refused.
  const file = `${s.dir}/prune-series.json`;
  await writeFile(file, JSON.stringify({ dashboards: [{ slug: 'gone', title: 'Gone', widgets: [
    { name: 'gone-g', type: 'graph', source: { kind: 'push' }, options: { range: '1h', series: ['gone-a'] } }] }] }));
  let r = await s.mdash(['apply', '--prune', file]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /widget gone-g: options\.series\[0\]: no widget "gone-a" on the graph's dashboard/);
  assert.equal((await author('GET', 'gone-a/spec')).status, 200, 'nothing applied');
  // Without the name, apply deletes the widget and the graph stays.
  await writeFile(file, JSON.stringify({ dashboards: [DASH, { slug: 'other', title: 'Other', widgets: [
    { name: 'secret', type: 'number', source: { kind: 'push' } }] }, { slug: 'gone', title: 'Gone', widgets: [
    { name: 'gone-g', type: 'graph', source: { kind: 'push' }, options: { range: '1h' } }] }] }));
  r = await s.mdash(['apply', '--prune', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Deleted widget gone-a/);
  assert.deepEqual((await spec('gone-g')).options, { range: '1h' });
});

test('pushes to graphs and to the widgets they follow, from many clients, the CLI and edits at once, all stored', async () => {
  // Graphs whose names come before and after those of the widgets they
  // follow, one of them pushed to and followed itself: each store locks
  // rows of several widgets.
  await s.apply({ dashboards: [{ slug: 'race', title: 'Race', widgets: [
    { name: 'a-graph', type: 'graph', source: { kind: 'push' }, options: { range: '1h', series: ['m-one', 'z-two', 'a-graph'] } },
    { name: 'm-one', type: 'number', source: { kind: 'push' } },
    { name: 'z-two', type: 'number', source: { kind: 'push' } },
    { name: 'z-graph', type: 'graph', source: { kind: 'push' }, options: { range: '1h', series: ['a-graph', 'm-one'] } },
    { name: 'b-graph', type: 'graph', source: { kind: 'push' }, options: { range: '1h', series: ['z-two', 'z-graph'] } },
  ] }] });
  const names = ['a-graph', 'm-one', 'z-two', 'z-graph'];
  const body = (name, i) => (name.endsWith('graph') ? { value: i } : { current: i });
  const counts = Object.fromEntries(names.map((n) => [n, 0]));
  const [[h0]] = await s.sql("SELECT COUNT(*) FROM widget_history h JOIN widgets w ON w.id = h.widget_id WHERE w.name IN ('a-graph', 'm-one', 'z-two', 'z-graph')");
  const deadlocks = async () => Number((await s.sql("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'"))[0][1]);
  const d0 = await deadlocks();
  const failures = [];
  const client = async (c) => {
    for (let i = 0; i < 50; i++) {
      const name = names[(c + i * 3) % names.length];
      const res = await push(name, body(name, i));
      if (res.status === 204) counts[name]++;
      else failures.push(`HTTP ${name}: ${res.status} ${await res.text()}`);
    }
  };
  const cli = async (c) => {
    for (let i = 0; i < 12; i++) {
      const name = names[(c + i) % names.length];
      const r = await s.mdash(['push', name, JSON.stringify(body(name, i))]);
      if (r.code === 0) counts[name]++;
      else failures.push(`mdash push ${name}: ${r.stderr}`);
    }
  };
  const edit = async () => {
    for (let i = 0; i < 6; i++) {
      const r = await s.mdash(['widget', 'set', 'b-graph', `title=Edit ${i}`]);
      if (r.code !== 0) failures.push(`mdash widget set: ${r.stderr}`);
    }
  };
  await Promise.all([...[0, 1, 2, 3, 4, 5].map(client), ...[0, 1, 2].map(cli), edit()]);
  assert.deepEqual(failures, [], `${failures.join('\n')}\n${await s.logs(30)}`);
  const [[h1]] = await s.sql("SELECT COUNT(*) FROM widget_history h JOIN widgets w ON w.id = h.widget_id WHERE w.name IN ('a-graph', 'm-one', 'z-two', 'z-graph')");
  assert.equal(Number(h1) - Number(h0), 6 * 50 + 3 * 12, 'every push stored, once');
  // Not by luck or by trying again: every store takes its rows in one order.
  assert.equal(await deadlocks() - d0, 0, 'deadlocks');
  // Every graph's newest version was published: none left pending.
  assert.deepEqual((await s.sql("SELECT name FROM widgets WHERE publish_pending = 1 AND name IN ('a-graph', 'z-graph', 'b-graph')")), []);
});
