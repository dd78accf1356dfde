// SPDX-License-Identifier: MIT
// GET /metrics: Prometheus text that a scraper on this host (or with an
// admin token) reads, and whose figures move with what the site does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startStack, sse, waitFor } from '../harness/stack.mjs';
import { fcgiRequest } from '../harness/fcgi.mjs';

let s;
let push;
let admin;

/** {name{labels}: value} of one scrape; asserts the text format as it goes. */
async function scrape(headers = {}) {
  const res = await s.get('/metrics', { headers });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const values = {};
  const typed = new Set();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const t = /^# TYPE (mdash_\w+) (counter|gauge|histogram)$/.exec(line);
    if (t) { typed.add(t[1]); continue; }
    if (line.startsWith('# HELP mdash_')) continue;
    const m = /^(mdash_\w+)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})? (-?[0-9.e+]+)$/.exec(line);
    assert.ok(m, `not a sample line of the text format: ${JSON.stringify(line)}`);
    assert.ok(typed.has(m[1].replace(/_(bucket|sum|count)$/, '')), `${m[1]} has no # TYPE before it`);
    values[m[1] + (m[2] ?? '')] = Number(m[3]);
  }
  return values;
}

const pushTo = (name, body, token = push) => s.get(`/api/widgets/${name}`, {
  method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});

before(async () => {
  s = await startStack();
  await s.writeDemo('m.json', { n: 5 });
  await s.apply({ dashboards: [{ slug: 'ops', title: 'Ops', widgets: [
    { name: 'good', type: 'number', interval: 60, source: { kind: 'http', url: `${s.base}/demo/m.json`, pointer: '/n' } },
    { name: 'broken', type: 'number', interval: 60, source: { kind: 'exec', command: ['/bin/false'] } },
    { name: 'hot', type: 'number', source: { kind: 'push' }, options: { thresholds: { warning: 10, danger: 20 } } },
  ] }] });
  const lastLine = (r) => r.stdout.trim().split('\n').pop();
  push = lastLine(await s.mdash(['token', 'add', 'pusher']));
  const a = await s.mdash(['token', 'add', 'scraper', '--admin']);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /Created admin token scraper/);
  admin = lastLine(a);
});

after(async () => { await s?.stop(); });

test('from this host: every family typed, widgets by state, pushes, batches, requests by route', async () => {
  const before = await scrape();
  assert.equal(before['mdash_database_up'], 1);
  assert.equal(before['mdash_widgets{state="ok"}'] + before['mdash_widgets{state="stale"}'], 3, JSON.stringify(before));

  assert.equal((await pushTo('hot', { current: 15 })).status, 204);
  assert.equal((await pushTo('hot', { current: 'x' }, 'not-a-token')).status, 401);
  await (await s.get('/d/ops')).text();
  await (await s.get('/d/nosuch')).text();
  const after = await scrape();
  assert.equal(after['mdash_pushes_total{result="stored"}'] - (before['mdash_pushes_total{result="stored"}'] ?? 0), 1);
  assert.equal(after['mdash_pushes_total{result="refused"}'] - (before['mdash_pushes_total{result="refused"}'] ?? 0), 1);
  assert.equal(after['mdash_widgets{state="warning"}'], 1, 'hot is in warning (15 over 10)');
  assert.ok(after['mdash_push_batch_size_count'] >= 1);
  assert.ok(after['mdash_push_batch_size_bucket{le="+Inf"}'] >= after['mdash_push_batch_size_bucket{le="1"}']);
  assert.ok(after['mdash_requests_total{route="GET /d/{id}",code="200"}'] >= 1, JSON.stringify(after));
  assert.ok(after['mdash_requests_total{route="GET /d/{id}",code="404"}'] >= 1);
  assert.ok(after['mdash_requests_total{route="POST /api/widgets/{id}",code="204"}'] >= 1, 'the push socket counts too');
  for (const name of ['mdash_worker_restarts_total', 'mdash_database_errors_total', 'mdash_publish_failures_total',
    'mdash_publishes_pending']) assert.equal(typeof after[name], 'number', `${name} is there`);
});

test('the updater\'s pulls and failures per source kind, with their seconds', async () => {
  const before = await scrape();
  const r = await s.mdash(['update', '--force']);
  assert.equal(r.code, 3, `broken fails: ${r.stderr}`);
  const after = await scrape();
  const moved = (k) => after[k] - (before[k] ?? 0);
  assert.equal(moved('mdash_updates_total{kind="http"}'), 1);
  assert.equal(moved('mdash_update_failures_total{kind="http"}'), 0);
  assert.equal(moved('mdash_updates_total{kind="exec"}'), 1);
  assert.equal(moved('mdash_update_failures_total{kind="exec"}'), 1);
  assert.ok(after['mdash_update_seconds_total{kind="http"}'] >= 0);
  assert.equal(after['mdash_widgets{state="error"}'], 1, 'broken is in error');
});

test('open push streams, as nchan counts them', async () => {
  const before = await scrape();
  assert.equal(typeof before.mdash_subscribers, 'number', 'mdash_subscribers is there');
  const stream = await sse(`${s.base}/sub/d/ops`);
  try {
    assert.equal(stream.status, 200);
    await waitFor(async () => (await scrape()).mdash_subscribers > before.mdash_subscribers,
      { ms: 5000, message: 'mdash_subscribers to grow with an open stream' });
  } finally {
    stream.close();
  }
  await waitFor(async () => (await scrape()).mdash_subscribers === before.mdash_subscribers,
    { ms: 10000, message: 'mdash_subscribers to fall back when the stream closes' });
});

test('from elsewhere: 403 without a token, 401 with a push token, the figures with an admin token', async () => {
  const sock = path.join(s.dir, 'run', 'fcgi.sock');
  const ask = (extra = {}) => fcgiRequest(sock, { REQUEST_METHOD: 'GET', DOCUMENT_URI: '/metrics', REMOTE_ADDR: '192.0.2.7', ...extra });
  let res = await ask();
  assert.equal(res.status, 403, res.body);
  assert.doesNotMatch(res.body, /mdash_/);
  res = await ask({ HTTP_AUTHORIZATION: `Bearer ${push}` });
  assert.equal(res.status, 401, 'a push token does not read the figures');
  res = await ask({ HTTP_AUTHORIZATION: 'Bearer nonsense' });
  assert.equal(res.status, 401);
  res = await ask({ HTTP_AUTHORIZATION: `Bearer ${admin}` });
  assert.equal(res.status, 200, res.body);
  assert.match(res.body, /^mdash_widgets\{state="ok"\} \d+$/m);
  const list = await s.mdash(['token', 'list']);
  assert.match(list.stdout, /^scraper\tadmin\t/m);
  assert.match(list.stdout, /^pusher\tpush\t/m);
});

test('with the database away the app still answers, saying so', async () => {
  await s.stack('stop-db');
  try {
    const m = await scrape();
    assert.equal(m['mdash_database_up'], 0);
    assert.equal(m['mdash_widgets{state="ok"}'], undefined, 'no figures it could not read');
    assert.ok(m['mdash_database_errors_total'] >= 1);
  } finally {
    await s.stack('start-db');
  }
});
