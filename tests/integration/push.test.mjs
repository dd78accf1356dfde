// SPDX-License-Identifier: MIT
// Pushing data in (Dashing-compatible POST, bearer API) and pushing changes
// out (the nchan EventSource stream of a dashboard; the publisher, on a unix
// socket of its own and nowhere on the public server). Idle connections to
// the app's push socket never keep a push out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { appendFile, readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { startStack, sse, waitFor, widgetElement, textOf } from '../harness/stack.mjs';

let s;
let token;

const api = async (name) => (await s.get(`/api/widgets/${name}`)).json();
const post = (path, body, headers = {}) => s.get(path, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** A POST over TCP from a chosen local address (node's fetch cannot bind
 *  one), or over a unix socket ({socketPath}). */
function postTo(via, path, body, method = 'POST') {
  return new Promise((resolve, reject) => {
    const where = via.socketPath ? { socketPath: via.socketPath } : { host: '127.0.0.1', port: s.port, localAddress: via.from };
    const req = http.request({ ...where, path, method,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

before(async () => {
  s = await startStack();
  await s.writeDemo('visits.json', { visits: 900 });
  await s.apply({ dashboards: [
    { slug: 'live', title: 'Live', widgets: [
      { name: 'deploys', type: 'list', title: 'Deploys', source: { kind: 'push' } },
      { name: 'status_text', type: 'text', source: { kind: 'push' } },
      { name: 'visits', type: 'number', source: { kind: 'http', url: `${s.base}/demo/visits.json`, pointer: '/visits' } },
    ] },
    { slug: 'other', title: 'Other', widgets: [
      { name: 'elsewhere', type: 'number', source: { kind: 'exec', command: ['/bin/echo', '{"current":5}'] } },
    ] },
  ] });
  const t = await s.mdash(['token', 'add', 'ci']);
  assert.equal(t.code, 0, t.stderr);
  token = t.stdout.trim().split('\n').pop();
  assert.match(token, /^\S{16,}$/, `token add prints the secret alone on the last line: ${JSON.stringify(t.stdout)}`);
});

after(async () => { await s?.stop(); });

test('Dashing-style POST /widgets/<name> stores the fields and bumps the version', async () => {
  const items = [{ label: 'api', value: 3 }, { label: 'web', value: 'v1.2' }];
  const res = await post('/widgets/deploys', { auth_token: token, items });
  assert.equal(res.status, 204, await res.text());
  const w = await api('deploys');
  assert.deepEqual(w.value.items, items);
  assert.equal(w.version, 1);
  assert.equal(w.status, 'ok');
  assert.ok(Date.now() - Date.parse(w.updated_at) < 60000, `updated_at ${w.updated_at}`);
  assert.equal(w.value.auth_token, undefined, 'the token is not stored as a field');
  const html = await (await s.get('/d/live')).text();
  assert.match(textOf(widgetElement(html, 'deploys').html), /api\s*3\s*web\s*v1\.2/);

  const again = await post('/widgets/deploys', { auth_token: token, items: [{ label: 'db', value: 1 }] });
  assert.equal(again.status, 204);
  assert.equal((await api('deploys')).version, 2);
});

test('a bad or missing token gets 401 "Invalid API key" and changes nothing', async () => {
  const before = await api('deploys');
  for (const body of [{ auth_token: 'not-the-token', items: [] }, { items: [] }, { auth_token: '', items: [] },
    { auth_token: `${token}x`, items: [] }, { auth_token: 42, items: [] }]) {
    const res = await post('/widgets/deploys', body);
    assert.equal(res.status, 401, JSON.stringify(body));
    assert.equal(await res.text(), 'Invalid API key\n');
  }
  const after = await api('deploys');
  assert.equal(after.version, before.version);
  assert.deepEqual(after.value, before.value);
});

test('bearer API: POST /api/widgets/<name>', async () => {
  let res = await post('/api/widgets/status_text', { text: 'all good' }, { Authorization: `Bearer ${token}` });
  assert.equal(res.status, 204, await res.text());
  assert.equal((await api('status_text')).value.text, 'all good');
  for (const h of [{}, { Authorization: 'Bearer wrong' }, { Authorization: `Basic ${token}` }, { Authorization: 'Bearer' }]) {
    res = await post('/api/widgets/status_text', { text: 'hacked' }, h);
    await res.text();
    assert.equal(res.status, 401, JSON.stringify(h));
  }
  // The Dashing field in the body does not authorise the bearer API... or the other way round.
  res = await post('/widgets/status_text', { text: 'hacked' }, { Authorization: `Bearer ${token}` });
  await res.text();
  assert.equal(res.status, 401, 'POST /widgets/<name> takes its token from the body');
  assert.equal((await api('status_text')).value.text, 'all good');
});

test('bad JSON gets 400 with a JSON error; unknown widgets and bad names are refused', async () => {
  for (const body of ['{bad', '', '[1,2]', '"text"']) {
    const res = await post('/widgets/status_text', body);
    assert.equal(res.status, 400, `body ${JSON.stringify(body)}`);
    assert.match(res.headers.get('content-type') ?? '', /json/);
    const j = await res.json();
    assert.equal(typeof j.error, 'string', JSON.stringify(j));
    assert.ok(j.error.length > 0);
  }
  let res = await post('/api/widgets/status_text', '{"text": ', { Authorization: `Bearer ${token}` });
  assert.equal(res.status, 400);
  assert.equal(typeof (await res.json()).error, 'string');
  res = await post('/widgets/nosuch', { auth_token: token, text: 'x' });
  await res.text();
  assert.equal(res.status, 404, 'push to an unknown widget');
  res = await post('/api/widgets/Bad%20Name', { text: 'x' }, { Authorization: `Bearer ${token}` });
  await res.text();
  assert.ok(res.status === 404 || res.status === 400, `push to a bad name answered ${res.status}`);
  assert.equal((await api('status_text')).value.text, 'all good');
});

test('a burst of pushes: each its own version and history row, bad ones refused alone, the newest published', async () => {
  await s.apply({ dashboards: [{ slug: 'burst', title: 'Burst', widgets: [
    { name: 'burst_n', type: 'number', source: { kind: 'push' } },
    { name: 'burst_t', type: 'text', source: { kind: 'push' } },
    { name: 'burst_g', type: 'graph', source: { kind: 'push' } },
  ] }] });
  const stream = await sse(`${s.base}/sub/d/burst`);
  try {
    // 150 pushes at once, spread over three widgets (so that they meet in
    // shared commits), with a bad token and an unknown widget among them.
    const n = 50;
    const sends = [];
    for (let i = 0; i < n; i++) {
      sends.push(post('/widgets/burst_n', { auth_token: token, current: i }));
      sends.push(post('/api/widgets/burst_t', { text: `t${i}` }, { Authorization: `Bearer ${token}` }));
      sends.push(post('/widgets/burst_g', { auth_token: token, value: i }));
      if (i === n / 2) {
        sends.push(post('/widgets/burst_n', { auth_token: 'wrong', current: -1 }));
        sends.push(post('/widgets/burst_nope', { auth_token: token, current: -1 }));
        sends.push(post('/api/widgets/burst_t', '{"text":', { Authorization: 'Bearer wrong' }));
      }
    }
    const statuses = await Promise.all(sends.map(async (p) => { const r = await p; await r.text(); return r.status; }));
    const count = (code) => statuses.filter((c) => c === code).length;
    assert.equal(count(204), 3 * n, `statuses: ${JSON.stringify(statuses)}`);
    assert.equal(count(401), 2);
    assert.equal(count(404), 1);
    for (const name of ['burst_n', 'burst_t', 'burst_g']) {
      const w = await api(name);
      assert.equal(w.version, n, `${name}: one version per push`);
      const rows = await s.sql(`SELECT h.version, h.data FROM widget_history h JOIN widgets w ON w.id = h.widget_id WHERE w.name = '${name}' ORDER BY h.version`);
      assert.deepEqual(rows.map((r) => Number(r[0])), Array.from({ length: n }, (_, i) => i + 1), `${name}: history rows`);
      // The newest version is what the widget shows, and what was published last.
      assert.deepEqual(JSON.parse(rows.at(-1)[1]), w.value);
      await stream.find((m) => m.widget === name && m.version === n, 3000);
    }
    // Every push is in the history, once: a value per push.
    const ns = (await s.sql("SELECT JSON_VALUE(h.data, '$.current') FROM widget_history h JOIN widgets w ON w.id = h.widget_id WHERE w.name = 'burst_n'")).map((r) => Number(r[0]));
    assert.deepEqual(ns.sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
    // A graph grows by one point per push, even when pushes share a commit.
    const g = await api('burst_g');
    assert.equal(g.value.points.length, n);
    assert.deepEqual(g.value.points.map((p) => p.y).sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
    assert.equal((await api('burst_n')).value.current === -1, false, 'the refused push changed nothing');
  } finally {
    stream.close();
  }
});

test('the dashboard stream replays the latest message of each widget, then sends new ones', async () => {
  const u = await s.mdash(['update', '--force']);
  assert.equal(u.code, 0, u.stdout + u.stderr);
  const v = (await api('visits')).version;
  const stream = await sse(`${s.base}/sub/d/live`);
  try {
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
    // Replay: what was published before we connected (in any order).
    await Promise.all([
      stream.find((m) => m.widget === 'visits' && m.version === v, 3000),
      stream.find((m) => m.widget === 'deploys' && m.version === 2, 3000),
    ]);

    // An updater run.
    await s.writeDemo('visits.json', { visits: 901 });
    const r = await s.mdash(['update', '--force', '--widget', 'visits']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const m1 = await stream.next((m) => m.widget === 'visits' && m.version > v, 2000);
    assert.deepEqual({ widget: m1.widget, version: m1.version }, { widget: 'visits', version: v + 1 });
    // A small fragment travels in the message: the widget as the page shows it.
    assert.equal(m1.html, await (await s.get('/widget/visits')).text(), 'the message carries the fragment');
    assert.match(m1.html, new RegExp(`data-version="${v + 1}"`));

    // A push.
    const before = (await api('status_text')).version;
    const res = await post('/widgets/status_text', { auth_token: token, text: 'pushed' });
    assert.equal(res.status, 204);
    const m2 = await stream.next((m) => m.widget === 'status_text' && m.version > before, 2000);
    assert.deepEqual({ widget: m2.widget, version: m2.version }, { widget: 'status_text', version: before + 1 });
    assert.match(m2.html, /pushed/);
    assert.equal(m2.html, await (await s.get('/widget/status_text')).text());

    // Messages carry what the API says.
    assert.equal((await api('status_text')).version, m2.version);
    // Other dashboards' widgets never show up on this stream.
    const e = await s.mdash(['update', '--force', '--widget', 'elsewhere']);
    assert.equal(e.code, 0);
    await new Promise((r2) => setTimeout(r2, 500));
    const strays = stream.messages.filter((m) => m.data?.widget === 'elsewhere');
    assert.deepEqual(strays, [], 'a widget of another dashboard was sent to this one');
    for (const m of stream.messages) {
      const keys = Object.keys(m.data).sort();
      assert.ok(['html,version,widget', 'version,widget'].includes(keys.join()), `message ${m.raw}`);
    }
  } finally {
    stream.close();
  }
});

test('a large fragment stays out of the message: the page fetches it', async () => {
  const stream = await sse(`${s.base}/sub/d/live`);
  try {
    const before = (await api('deploys')).version;
    const items = Array.from({ length: 200 }, (_, i) => ({ label: `release ${i} of the web tier`, value: i }));
    const res = await post('/widgets/deploys', { auth_token: token, items });
    assert.equal(res.status, 204);
    const m = await stream.next((x) => x.widget === 'deploys' && x.version === before + 1, 3000);
    assert.deepEqual(m, { widget: 'deploys', version: before + 1 }, 'no fragment in the message');
    const html = await (await s.get('/widget/deploys')).text();
    assert.ok(html.length > 4096, `the fragment is large (${html.length} bytes)`);
    assert.match(textOf(widgetElement(html, 'deploys').html), /release 199 of the web tier/);
    // Back to a small list: the fragment travels again.
    await post('/widgets/deploys', { auth_token: token, items: [{ label: 'small', value: 1 }] });
    const m2 = await stream.next((x) => x.widget === 'deploys' && x.version === before + 2, 3000);
    assert.match(m2.html ?? '', /small/);
  } finally {
    stream.close();
  }
});

test('two subscribers both get the message', async () => {
  const a = await sse(`${s.base}/sub/d/live`);
  const b = await sse(`${s.base}/sub/d/live`);
  try {
    const v = (await api('deploys')).version;
    const res = await post('/widgets/deploys', { auth_token: token, items: [{ label: 'twice', value: 2 }] });
    assert.equal(res.status, 204);
    await Promise.all([a, b].map((st) => st.next((m) => m.widget === 'deploys' && m.version === v + 1, 2000)));
  } finally {
    a.close();
    b.close();
  }
});

test('subscribing to an unknown dashboard or a bad slug gets 404', async () => {
  for (const p of ['/sub/d/nope', '/sub/d/Bad', '/sub/d/a%2Fb']) {
    const res = await s.get(p, { headers: { Accept: 'text/event-stream' } });
    await res.body?.cancel();
    assert.equal(res.status, 404, `GET ${p} answered ${res.status}`);
  }
});

test('the public server has no publisher, from any address; it listens on its own unix socket', async () => {
  const stream = await sse(`${s.base}/sub/d/live`);
  try {
    await stream.find((m) => m.widget === 'deploys', 3000); // replay done for this channel
    // A TLS proxy or any other on this host makes every client 127.0.0.1.
    for (const from of ['127.0.0.1', '127.0.0.2']) {
      for (const [path, body] of [['/pub/deploys', { widget: 'deploys', version: 999999 }],
        ['/pub/_d_live', { dashboard: 'live', event: 'reload' }]]) {
        const r = await postTo({ from }, path, JSON.stringify(body));
        assert.equal(r.status, 404, `POST ${path} from ${from} answered ${r.status}: ${r.body.slice(0, 200)}`);
      }
      const info = await postTo({ from }, '/pub/deploys', '', 'GET');
      assert.equal(info.status, 404, `GET /pub/deploys (the channel's info) from ${from}: ${info.body.slice(0, 200)}`);
    }
    await new Promise((r2) => setTimeout(r2, 400));
    assert.deepEqual(stream.messages.filter((m) => m.data?.version === 999999 || m.data?.event === 'reload'), [],
      'a forged message reached subscribers');
    // The publisher is where PublishURL says: the updater and the app use it.
    const conf = await readFile(s.config, 'utf8');
    const socketPath = /^PublishURL = unix:(\/[^:]+):\/pub\/$/m.exec(conf)?.[1];
    assert.ok(socketPath, `PublishURL names no unix socket:\n${conf}`);
    const ok = await postTo({ socketPath }, '/pub/deploys', JSON.stringify({ widget: 'deploys', version: 12345 }));
    assert.ok(ok.status >= 200 && ok.status < 300, `POST /pub/deploys on ${socketPath} answered ${ok.status}`);
    await stream.next((m) => m.version === 12345, 2000);
    const other = await postTo({ socketPath }, '/widgets/deploys', JSON.stringify({ auth_token: token, items: [] }));
    assert.equal(other.status, 404, 'the publisher\'s socket serves more than the publisher');
  } finally {
    stream.close();
  }
});

test('idle connections to the push socket are closed after App.PushIdleTimeout and never keep a push out', async () => {
  const IDLE_TIMEOUT = 3; // seconds
  const CAP = 100;
  await appendFile(s.config, `App.PushIdleTimeout = ${IDLE_TIMEOUT}\nApp.PushConnections = ${CAP}\n`);
  await s.restartApp(); // nginx keeps no connection to the new app yet
  // More idle connections than the app takes, as a local client could open.
  const socketPath = path.join(s.dir, 'run', 'push.sock');
  const idle = await Promise.all(Array.from({ length: CAP + 50 }, () => new Promise((resolve, reject) => {
    const c = net.connect(socketPath, () => resolve(c));
    c.on('error', reject);
  })));
  const closedAt = new Map();
  for (const c of idle) c.on('close', () => closedAt.set(c, Date.now()));
  const t0 = Date.now();
  try {
    const res = await s.get('/api/widgets/status_text', {
      method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ text: 'through the crowd' }),
      signal: AbortSignal.timeout(15000),
    });
    assert.equal(res.status, 204, await res.text());
    assert.equal((await api('status_text')).value.text, 'through the crowd');
    // The idle ones are all closed by the app, none long before its time.
    await waitFor(() => closedAt.size === idle.length, {
      ms: (IDLE_TIMEOUT + 10) * 1000, message: () => `the app to close all ${idle.length} idle connections (closed: ${closedAt.size})`,
    });
    const late = idle.filter((c) => closedAt.get(c) - t0 > 500);
    assert.ok(late.length >= CAP - 10, `only ${late.length} idle connections lasted until the idle timeout`);
    for (const c of late) assert.ok(closedAt.get(c) - t0 >= (IDLE_TIMEOUT - 1) * 1000, `an idle connection closed after ${closedAt.get(c) - t0} ms`);
  } finally {
    for (const c of idle) c.destroy();
  }
});
