// SPDX-License-Identifier: MIT
// A widget's stored history over a time range: GET /api/widgets/<name>/history
// (JSON or CSV, in buckets), the same through a share link, and
// `mdash history NAME`; bad parameters get a 400 that names them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../harness/stack.mjs';

let s;
let share;
let cookie;
const HOUR = 3600 * 1000;
const iso = (ms) => new Date(ms).toISOString();
// The start of the hour three hours back: buckets of an hour or more are
// whole hours, so a range from here cuts them where the test expects.
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;

/** Stores an update of widget name, made at time ms, straight into the history. */
async function stored(name, ms, data) {
  const at = iso(ms).replace('T', ' ').replace('Z', '');
  await s.sql(`INSERT INTO widget_history (widget_id, version, data, created_at)
    SELECT id, 1, '${JSON.stringify(data)}', '${at}' FROM widgets WHERE name = '${name}'`);
}

const get = (p, headers = {}) => s.get(p, { headers: { Cookie: `mdash_session=${cookie}`, ...headers } });

/** GET p as a logged-in admin; asserts 200 and strict JSON. */
async function history(p) {
  const res = await get(p);
  const text = await res.text();
  assert.equal(res.status, 200, `${p}: ${text}`);
  return JSON.parse(text);
}

before(async () => {
  s = await startStack({ requireLogin: true });
  await s.apply({ dashboards: [
    { slug: 'sales', title: 'Sales', widgets: [
      { name: 'orders', type: 'number', source: { kind: 'push' } },
      { name: 'load', type: 'meter', source: { kind: 'push' } },
    ] },
    { slug: 'other', title: 'Other', widgets: [{ name: 'secret', type: 'number', source: { kind: 'push' } }] },
  ] });
  const now = Date.now();
  // orders, from the start of the hour three hours back: 10, 20, 30 in its
  // first hour; 5 and 7 in its second; a text that is no number.
  for (const [at, v] of [[5, 10], [6, 20], [7, 30], [65, 5], [66, 7]]) await stored('orders', BASE + at * 60000, { current: v });
  await stored('orders', BASE + 67 * 60000, { current: 'n/a' });
  await stored('load', now - 30 * 60000, { value: 0.5 });
  await stored('secret', now - 30 * 60000, { current: 1 });
  const u = await s.mdash(['user', 'add', 'boss', '--admin'], { input: 'boss-password-1\n' });
  assert.equal(u.code, 0, u.stderr);
  const login = await s.get('/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'username=boss&password=boss-password-1' });
  cookie = /mdash_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  assert.ok(cookie, `login: ${login.status}`);
  const sh = await s.mdash(['share', 'add', 'sales']);
  share = sh.stdout.trim().split('\n').pop().replace(/^.*\/s\//, '');
});

after(async () => { await s?.stop(); });

test('buckets hold the newest, least, greatest and mean value; non-numbers are left out', async () => {
  const since = iso(BASE);
  const h = await history(`/api/widgets/orders/history?since=${since}&until=${iso(BASE + 3 * HOUR)}&points=3`);
  assert.equal(h.widget, 'orders');
  assert.equal(h.field, 'current');
  assert.equal(h.since, since);
  assert.equal(h.points.length, 2, JSON.stringify(h));
  const [old, recent] = h.points;
  assert.deepEqual({ v: old.v, min: old.min, max: old.max, avg: old.avg }, { v: 30, min: 10, max: 30, avg: 20 });
  assert.deepEqual({ v: recent.v, min: recent.min, max: recent.max, avg: recent.avg }, { v: 7, min: 5, max: 7, avg: 6 });
  assert.match(old.t, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(Date.parse(old.t) < Date.parse(recent.t));
  // The last 24 hours by default; buckets short enough for each update its own.
  const all = await history('/api/widgets/orders/history?points=10000');
  assert.deepEqual(all.points.map((p) => p.v), [10, 20, 30, 5, 7]);
  // A range with nothing in it.
  assert.deepEqual((await history(`/api/widgets/orders/history?since=-10m`)).points, []);
  // Another type's main field.
  const load = await history('/api/widgets/load/history?since=-1h');
  assert.equal(load.field, 'value');
  assert.deepEqual(load.points.map((p) => p.v), [0.5]);
});

test('CSV with a header row, by ?format=csv or Accept: text/csv', async () => {
  for (const [p, headers] of [['/api/widgets/orders/history?format=csv&points=10000', {}],
    ['/api/widgets/orders/history?points=10000', { Accept: 'text/csv' }]]) {
    const res = await get(p, headers);
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.match(res.headers.get('content-type'), /^text\/csv/);
    const rows = text.trim().split('\r\n');
    assert.equal(rows[0], 't,v,min,max,avg');
    assert.equal(rows.length, 6, text);
    assert.match(rows[5], /^\d{4}-.*Z,7,7,7,7$/);
  }
});

test('bad parameters: 400 naming the parameter', async () => {
  for (const [q, name] of [['?foo=1', 'foo'], ['?since=yesterday', 'since'], ['?until=2026-13-01', 'until'],
    ['?since=-1h&until=-2h', 'since'], ['?points=0', 'points'], ['?points=10001', 'points'], ['?points=abc', 'points'],
    ['?since=-401d', 'since'], ['?format=xml', 'format'], ['?since=2026-12-04T07:00', 'since']]) {
    const res = await get(`/api/widgets/orders/history${q}`);
    const body = await res.json();
    assert.equal(res.status, 400, `${q}: ${JSON.stringify(body)}`);
    assert.ok(body.error.startsWith(`${name}: `), `${q}: the error names ${name}: ${body.error}`);
    assert.equal(body.field, name, `${q}: the field member`);
  }
  assert.equal((await get('/api/widgets/nosuch/history')).status, 404);
});

test('the widget\'s own access rules: login, or a share link of its dashboard', async () => {
  assert.equal((await s.get('/api/widgets/orders/history')).status, 401, 'anonymous');
  const viaShare = await s.get(`/s/${share}/api/widgets/orders/history`);
  assert.equal(viaShare.status, 200, await viaShare.text());
  const other = await s.get(`/s/${share}/api/widgets/secret/history`);
  assert.ok([403, 404].includes(other.status), `a widget of another dashboard through the share link: ${other.status}`);
});

test('mdash history prints the same, as JSON or CSV, and names bad options', async () => {
  let r = await s.mdash(['history', 'orders', '--since', iso(BASE), '--until', iso(BASE + 3 * HOUR), '--points', '3']);
  assert.equal(r.code, 0, r.stderr);
  const h = JSON.parse(r.stdout);
  assert.deepEqual(h.points.map((p) => p.avg), [20, 6]);
  r = await s.mdash(['history', 'orders', '--csv', '--points', '10000']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split('\r\n')[0], 't,v,min,max,avg');
  r = await s.mdash(['history', 'orders', '--since', 'soon']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^mdash: --since: not a time/);
  r = await s.mdash(['history', 'nosuch']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no widget named nosuch/);
});
