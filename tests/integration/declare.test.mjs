// SPDX-License-Identifier: MIT
// The declarative file both ways: `mdash export` prints what exists (sources,
// options, positions) in the format `mdash apply` takes; export -> apply on
// an empty database gives the same pages; apply -> export -> apply changes
// nothing. And `mdash apply` keeps the places an administrator saved from
// the browser (the real layout API): a position in the file applies when the
// widget is new to its dashboard or when that position changed in the file
// since the last apply, or always with --layout. One private stack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startStack, widgetElement, attributes } from '../harness/stack.mjs';

let s;
let serial = 0;
const ADMIN_PW = 'layout-admin-password';

const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;


/** Writes obj as a declarative file; resolves to its path. */
async function file(obj) {
  const f = path.join(s.dir, `decl-${++serial}.json`);
  await writeFile(f, typeof obj === 'string' ? obj : JSON.stringify(obj, null, 1));
  return f;
}

const page = async (p) => {
  const res = await s.get(p);
  const html = await res.text();
  assert.equal(res.status, 200, `GET ${p}: ${res.status}\n${html.slice(0, 1500)}`);
  return html;
};

/** What a page shows of each widget, its data aside: {name: {type, col, row, sizex, sizey, title}}. */
async function pageLayout(slug) {
  const html = await page(`/d/${slug}`);
  const out = {};
  for (const m of html.matchAll(/data-widget="([a-z0-9_-]+)"/g)) {
    const el = widgetElement(html, m[1]);
    const a = el.attrs;
    const title = /<h2[^>]*>([^<]*)<\/h2>/.exec(el.html)?.[1] ?? null;
    out[m[1]] = { type: a['data-type'], col: a['data-col'], row: a['data-row'], sizex: a['data-sizex'], sizey: a['data-sizey'], title };
  }
  return out;
}

/** Every widget's place in the database: {name: [dashboard, col, row, sizex, sizey]}. */
async function places() {
  const rows = await s.sql('SELECT w.name, IFNULL(d.slug, \'-\'), w.col, w.`row`, w.sizex, w.sizey FROM widgets w LEFT JOIN dashboards d ON d.id = w.dashboard_id');
  return Object.fromEntries(rows.map(([n, d, ...p]) => [n, [d, ...p.map(Number)]]));
}

/** The rows a user would notice, and their history: one string to compare. */
async function snapshot() {
  return JSON.stringify({
    sums: await s.sql('CHECKSUM TABLE dashboards, widgets, widget_history, widget_settings'),
    list: (await s.ok('widget', 'list')).stdout,
  });
}

function overlaps(p) {
  const cells = new Map();
  for (const [name, [dash, col, row, sx, sy]] of Object.entries(p)) {
    for (let y = row; y < row + sy; y++) {
      for (let x = col; x < col + sx; x++) {
        const k = `${dash}:${x},${y}`;
        if (cells.has(k)) return `${name} and ${cells.get(k)} share ${k}`;
        cells.set(k, name);
      }
    }
  }
  return null;
}

before(async () => {
  s = await startStack();
});
after(async () => {
  await s?.stop();
});

const DECL = { dashboards: [
  { slug: 'ops', title: 'Operations', description: 'What runs, and how well', columns: 6, widgets: [
    { name: 'signups', type: 'number', title: 'Sign-ups', interval: 60, col: 3, row: 1,
      source: { kind: 'http', url: 'https://example.org/stats.json', pointer: '/signups', headers: { Accept: 'application/json' } },
      options: { prefix: '+', thresholds: { warning: 80, danger: 95 } } },
    { name: 'load', type: 'meter', title: 'Load', interval: 10, sizex: 2,
      source: { kind: 'exec', command: ['/bin/echo', '{"value":1}'] }, options: { min: 0, max: 4 } },
    { name: 'deploys', type: 'list', source: { kind: 'push' } },
    { name: 'paused', type: 'text', enabled: false, source: { kind: 'push' } }] },
  { slug: 'sales', title: 'Sales "EU" / é', widgets: [
    { name: 'orders', type: 'graph', title: 'Orders', sizex: 3, sizey: 2, col: 1, row: 1, source: { kind: 'push' }, options: { points: 50 } },
    { name: 'clock', type: 'clock', options: { timezone: 'Europe/Paris', seconds: true } }] },
] };

test('export prints what exists; applying it where it came from changes nothing; on an empty database it gives the same pages', async () => {
  const f = await file(DECL);
  await s.ok('apply', f);
  await s.ok('push', 'deploys', '{"items":[{"label":"web","value":"v12"}]}');
  await s.ok('push', 'orders', '{"value":5}');
  await s.ok('push', 'orders', '{"value":7}');
  await s.ok('widget', 'add', 'stray', '--type', 'text'); // on no dashboard

  const r = await s.ok('export');
  assert.equal(r.stderr, 'mdash: widget stray is on no dashboard, so the file cannot hold it\n');
  const exported = JSON.parse(r.stdout);
  assert.deepEqual(exported.dashboards.map((d) => d.slug), ['ops', 'sales'], 'dashboards in their order');
  const ops = exported.dashboards[0];
  assert.equal(ops.title, 'Operations');
  assert.equal(ops.description, 'What runs, and how well');
  assert.equal(ops.columns, 6);
  const w = Object.fromEntries(exported.dashboards.flatMap((d) => d.widgets).map((x) => [x.name, x]));
  assert.deepEqual(Object.keys(w).sort(), ['clock', 'deploys', 'load', 'orders', 'paused', 'signups']);
  assert.deepEqual(w.signups, { name: 'signups', type: 'number', title: 'Sign-ups', col: 3, row: 1, sizex: 1, sizey: 1, interval: 60,
    source: DECL.dashboards[0].widgets[0].source, options: DECL.dashboards[0].widgets[0].options });
  assert.deepEqual(w.load.source, { kind: 'exec', command: ['/bin/echo', '{"value":1}'] });
  assert.equal(w.load.sizex, 2);
  assert.equal(w.paused.enabled, false);
  assert.equal(w.deploys.enabled, undefined, 'enabled, the default, is left out');
  assert.deepEqual(w.clock.options, { timezone: 'Europe/Paris', seconds: true });
  assert.equal(exported.dashboards[1].title, 'Sales "EU" / é');
  for (const x of Object.values(w)) {
    for (const k of ['col', 'row', 'sizex', 'sizey', 'interval', 'source']) assert.ok(k in x, `${x.name}: no ${k} in the export`);
  }
  // Positions are the database's, the auto-placed ones included.
  const p = await places();
  for (const x of Object.values(w)) assert.deepEqual([x.col, x.row, x.sizex, x.sizey], p[x.name].slice(1), x.name);
  // One widget per line, for diff.
  assert.equal(r.stdout.split('\n').filter((l) => l.trimStart().startsWith('{"name": ')).length, 6);

  // Only the dashboards named.
  const one = JSON.parse((await s.ok('export', 'sales')).stdout);
  assert.deepEqual(one.dashboards.map((d) => d.slug), ['sales']);
  const bad = await s.mdash(['export', 'sales', 'nope']);
  assert.equal(bad.code, 1, show(bad));
  assert.equal(bad.stderr, 'mdash: no dashboard named nope\n');
  assert.equal(bad.stdout, '');

  // apply -> export -> apply: nothing changes, not even the data or versions.
  const before = await snapshot();
  const ef = await file(r.stdout);
  await s.ok('apply', ef);
  assert.equal(await snapshot(), before, 'applying the export changed the database');
  assert.equal((await s.ok('export')).stdout, r.stdout, 'a second export differs');

  // export -> apply on an empty database: the same pages.
  const pagesBefore = { ops: await pageLayout('ops'), sales: await pageLayout('sales') };
  assert.equal(Object.keys(pagesBefore.ops).length, 4);
  await s.sql('DROP DATABASE mdash; CREATE DATABASE mdash CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  await s.ok('migrate');
  assert.equal((await s.ok('widget', 'list')).stdout, '', 'the database is not empty');
  await s.ok('apply', ef);
  await s.restartApp(); // its prepared statements knew the old tables
  assert.deepEqual({ ops: await pageLayout('ops'), sales: await pageLayout('sales') }, pagesBefore);
  assert.equal((await s.ok('export')).stdout, r.stdout, 'the export of the new database differs');
});

/** Logs in as the admin; resolves to a function that POSTs a layout. */
async function adminLayout() {
  const res = await s.get('/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'boss', password: ADMIN_PW }).toString() });
  assert.equal(res.status, 302, `login: ${res.status}`);
  const cookie = /mdash_session=([^;]+)/.exec(res.headers.get('set-cookie'))[1];
  const headers = { Cookie: `mdash_session=${cookie}` };
  return async (slug, widgets) => {
    const html = await (await s.get(`/d/${slug}`, { headers })).text();
    const csrf = attributes(/<meta name="csrf-token"[^>]*>/.exec(html)[0]).content;
    const r = await s.get(`/api/dashboards/${slug}/layout`, { method: 'POST',
      headers: { ...headers, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ widgets }) });
    assert.equal(r.status, 204, `layout POST: ${r.status} ${await r.text()}`);
  };
}

test('apply keeps the places saved from the browser unless the file\'s position changed since the last apply; --layout applies the file', async () => {
  await s.mdash(['user', 'add', 'boss', '--admin'], { input: `${ADMIN_PW}\n` });
  const decl = { dashboards: [{ slug: 'wall', title: 'Wall', columns: 6, widgets: [
    { name: 'a', type: 'number', col: 1, row: 1, source: { kind: 'push' } },
    { name: 'b', type: 'number', col: 2, row: 1, source: { kind: 'push' } },
    { name: 'c', type: 'number', source: { kind: 'push' } }] },
  { slug: 'other', title: 'Other', widgets: [] }] };
  const f = await file(decl);
  await s.ok('apply', f);
  assert.deepEqual((await places())['c'], ['wall', 3, 1, 1, 1], 'c goes to the first free spot');
  await s.ok('apply', f); // records the file's layout for every widget

  // The admin drags a and c and resizes b in the browser.
  const save = await adminLayout();
  await save('wall', [
    { name: 'a', col: 5, row: 2, sizex: 1, sizey: 1 },
    { name: 'b', col: 2, row: 1, sizex: 2, sizey: 2 },
    { name: 'c', col: 1, row: 3, sizex: 1, sizey: 1 }]);
  const saved = await places();

  // The same file again: every saved place stays, and apply says so.
  let r = await s.ok('apply', f);
  assert.deepEqual(await places(), saved, 'apply of an unchanged file moved a widget saved from the browser');
  assert.equal(r.stdout, `Applied ${f}: 2 dashboards, 3 widgets.\n`
    + 'Kept the saved place of 2 widgets (a, b): the file\'s did not change since the last apply; --layout puts them where the file says.\n');

  // The file moves a: a goes there; b and c stay where they were saved.
  decl.dashboards[0].widgets[0].col = 4;
  decl.dashboards[0].widgets[0].row = 1;
  // A new widget without a position avoids the saved places.
  decl.dashboards[0].widgets.push({ name: 'd', type: 'text', sizex: 2, source: { kind: 'push' } });
  const f2 = await file(decl);
  r = await s.ok('apply', f2);
  let now = await places();
  assert.deepEqual(now.a, ['wall', 4, 1, 1, 1], 'the file\'s changed position did not apply');
  assert.deepEqual(now.b, saved.b, 'b moved');
  assert.deepEqual(now.c, saved.c, 'c moved');
  assert.equal(overlaps(now), null, `the new widget was put on top of another: ${JSON.stringify(now)}`);
  assert.deepEqual(now.d, ['wall', 5, 1, 2, 1], 'd is not in the first free spot');
  assert.match(r.stdout, /^Kept the saved place of 1 widget \(b\):/m);

  // A widget that moves to another dashboard takes the file's place there.
  const moved = JSON.parse(JSON.stringify(decl));
  const [cw] = moved.dashboards[0].widgets.splice(2, 1);
  moved.dashboards[1].widgets.push({ ...cw, col: 2, row: 2 });
  const f3 = await file(moved);
  await s.ok('apply', f3);
  assert.deepEqual((await places()).c, ['other', 2, 2, 1, 1]);

  // --layout: the file's positions and sizes win.
  r = await s.ok('apply', '--layout', f3);
  now = await places();
  assert.deepEqual(now.b, ['wall', 2, 1, 1, 1], '--layout did not put b back');
  assert.deepEqual(now.a, ['wall', 4, 1, 1, 1]);
  assert.equal(r.stdout, `Applied ${f3}: 2 dashboards, 4 widgets.\n`);

  // Unknown options are errors.
  const bad = await s.mdash(['apply', '--layuot', f3]);
  assert.equal(bad.code, 1, show(bad));
  assert.match(bad.stderr, /^mdash: apply: unknown option --layuot$/m);
});
