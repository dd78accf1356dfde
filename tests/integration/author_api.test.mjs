// SPDX-License-Identifier: MIT
// The authoring API (README, "Authoring API"): widgets and dashboards made,
// changed and removed over JSON by an administrator — a session with its
// CSRF token, or an admin token — checked by the very validator `mdash
// apply` uses (the same messages), audited, shown at once to the browser
// that made the change, and to the dashboard's open pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile, readFile } from 'node:fs/promises';
import { startStack, attributes, sse, widgetElement } from '../harness/stack.mjs';

let s;
let alice; // an admin's session
let tv;    // a viewer's session
let adminToken;
let pushToken;

async function session(username, password) {
  const login = await s.get('/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `username=${username}&password=${password}` });
  const cookie = /mdash_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  assert.ok(cookie, `login as ${username}: ${login.status}`);
  const res = await s.get('/d/ops', { headers: { Cookie: `mdash_session=${cookie}` } });
  const csrf = attributes(/<meta name="csrf-token"[^>]*>/.exec(await res.text())[0]).content;
  // The page pass a browser holds (lib/pass.h): with it, a change's answer
  // sets the read-your-writes cookie.
  const pass = /mdash_page=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  return { cookie: pass ? `${cookie}; mdash_page=${pass}` : cookie, csrf };
}

/** A request as who (a session, {token}, or null), JSON in and out. */
async function api(method, p, { as = alice, body, csrf = true } = {}) {
  const headers = {};
  if (as?.token) headers.Authorization = `Bearer ${as.token}`;
  else if (as) {
    headers.Cookie = `mdash_session=${as.cookie}`;
    if (csrf) Object.assign(headers, { 'X-CSRF-Token': as.csrf, Origin: s.base });
  }
  return s.json(method, p, { headers, body });
}

const auditLog = async () => JSON.parse((await s.ok('audit', '--json')).stdout);

/** What `mdash apply` says of a file holding this one widget on ops. */
async function applyError(widget) {
  const file = path.join(s.dir, 'bad.json');
  await writeFile(file, JSON.stringify({ dashboards: [{ slug: 'ops', widgets: [widget] }] }));
  const r = await s.mdash(['apply', file]);
  assert.equal(r.code, 1, r.stdout);
  return r.stderr;
}

before(async () => {
  s = await startStack({ requireLogin: true });
  await s.apply({ dashboards: [{ slug: 'ops', title: 'Ops', widgets: [
    { name: 'a', type: 'number', source: { kind: 'push' } }] }] });
  await s.mdash(['user', 'add', 'alice', '--admin'], { input: 'alice-password-1\n' });
  await s.mdash(['user', 'add', 'tv'], { input: 'tv-password-123\n' });
  await s.ok('user', 'grant', 'tv', 'ops');
  adminToken = { token: (await s.ok('token', 'add', 'deploy', '--admin')).stdout.trim().split('\n').pop() };
  pushToken = { token: (await s.ok('token', 'add', 'pusher')).stdout.trim().split('\n').pop() };
  alice = await session('alice', 'alice-password-1');
  tv = await session('tv', 'tv-password-123');
});

after(async () => { await s?.stop(); });

test('only an administrator may author: a session with its CSRF token, or an admin token', async () => {
  const w = { type: 'number', dashboard: 'ops', source: { kind: 'push' } };
  assert.equal((await api('GET', '/api/types', { csrf: false })).status, 200, 'an admin reads without a CSRF token');
  let r = await api('PUT', '/api/widgets/b', { body: w, csrf: false });
  assert.equal(r.status, 403, r.text);
  assert.match(r.json.error, /CSRF/);
  for (const [as, method, p] of [[tv, 'PUT', '/api/widgets/b'], [tv, 'GET', '/api/types'], [tv, 'GET', '/api/widgets/a/spec'],
    [pushToken, 'PUT', '/api/widgets/b'], [pushToken, 'GET', '/api/types']]) {
    r = await api(method, p, { as, body: method === 'PUT' ? w : undefined });
    assert.equal(r.status, 403, `${method} ${p}: ${r.text}`);
    assert.ok(r.json?.error, `${method} ${p} gave no JSON message: ${r.text}`);
  }
  assert.equal((await api('PUT', '/api/widgets/b', { as: null, body: w })).status, 401);
  assert.equal((await api('PUT', '/api/widgets/b', { as: { token: 'wrong' }, body: w })).status, 401);
  assert.equal((await api('GET', '/api/widgets/b/spec')).status, 404, 'nothing was made');
  r = await api('PUT', '/api/widgets/b', { as: adminToken, body: w });
  assert.equal(r.status, 201, r.text);
  const types = (await api('GET', '/api/types', { as: adminToken })).json;
  assert.ok(types.types.some((t) => t.name === 'graph' && t.sizex >= 1), JSON.stringify(types));
  assert.ok(types.sources.includes('exec'));
  assert.deepEqual(types.exec, { allowed: [] }, 'Sources.Exec is empty by default');
  const e = (await auditLog()).find((x) => x.action === 'widget.add' && x.target === 'b');
  assert.equal(e.actor, 'token:deploy', 'an admin token is audited by its name');
});

test('a widget is made, read back, replaced and audited, and the page that made it shows it at once', async () => {
  const body = { type: 'number', title: 'Orders', dashboard: 'ops', source: { kind: 'http', url: `${s.base}/demo/orders.json` } };
  let r = await api('PUT', '/api/widgets/orders', { body });
  assert.equal(r.status, 201, r.text);
  assert.match(r.headers.get('set-cookie') ?? '', /mdash_fresh=/, 'no read-your-writes cookie');
  assert.equal(r.json.dashboard, 'ops');
  assert.ok(r.json.col >= 1 && r.json.row >= 1, 'placed at the first free place');
  const page = await (await s.get('/d/ops', { headers: { Cookie: `mdash_session=${alice.cookie}; mdash_fresh=1` } })).text();
  assert.ok(widgetElement(page, 'orders'), 'the page loaded right after the PUT lacks the new widget');
  const spec = (await api('GET', '/api/widgets/orders/spec', { csrf: false })).json;
  assert.deepEqual({ name: spec.name, type: spec.type, title: spec.title, source: spec.source, dashboard: spec.dashboard },
    { name: 'orders', type: 'number', title: 'Orders', source: body.source, dashboard: 'ops' });
  // Replaced: 200, the place kept when the body names none.
  r = await api('PUT', '/api/widgets/orders', { body: { ...spec, title: 'All orders' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.title, 'All orders');
  assert.deepEqual([r.json.col, r.json.row], [spec.col, spec.row]);
  const log = (await auditLog()).filter((x) => x.target === 'orders');
  assert.deepEqual(log.map((x) => x.action), ['widget.add', 'widget.change']);
  assert.equal(log[0].actor, 'user:alice');
  assert.equal(log[0].before, null);
  assert.equal(JSON.parse(log[1].before).title, 'Orders');
  assert.equal(JSON.parse(log[1].after).title, 'All orders');
});

test('bad bodies get 400 naming the field, with the very message mdash apply gives', async () => {
  for (const [widget, field] of [
    [{ name: 'c', type: 'number', source: { kind: 'http', url: 'ftp://x' } }, 'source.url'],
    [{ name: 'c', type: 'number', colour: 'red' }, 'colour'],
    [{ name: 'c', type: 'number', source: { kind: 'push', url: 'x' } }, 'source.url'],
    [{ name: 'c', type: 'number', options: { alert: { notify: ['x'], after: 5 } } }, 'options.alert.after'],
    [{ name: 'c', type: 'nosuchtype' }, 'type'],
    [{ name: 'c', type: 'graph', options: { range: 'soon' } }, 'options.range'],
    [{ name: 'c', type: 'number', sizex: 0 }, 'sizex'],
  ]) {
    const r = await api('PUT', '/api/widgets/c', { body: { ...widget, dashboard: 'ops' } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.field, field, r.text);
    const cli = await applyError(widget);
    assert.ok(cli.includes(`dashboards[0].widgets[0].${r.json.error}`) || cli.includes(`dashboards[0].widgets[0]: ${r.json.error}`),
      `apply said ${cli}, the API ${r.json.error}`);
  }
  let r = await api('PUT', '/api/widgets/c', { body: { name: 'd', type: 'number' } });
  assert.equal(r.json.field, 'name');
  r = await api('PUT', '/api/widgets/c', { body: { type: 'number', dashboard: 'nowhere' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.field, 'dashboard');
  assert.equal((await api('PUT', '/api/widgets/c', { body: '{"type": ' })).status, 400);
  assert.equal((await api('PUT', '/api/widgets/c', { body: [] })).status, 400);
  assert.equal((await api('GET', '/api/widgets/c/spec')).status, 404, 'a refused body made a widget');
  // Dashboards: the same validator.
  r = await api('POST', '/api/dashboards', { body: { slug: 'x', columns: 99 } });
  assert.equal(r.status, 400);
  assert.equal(r.json.field, 'columns');
  const file = path.join(s.dir, 'bad-dash.json');
  await writeFile(file, JSON.stringify({ dashboards: [{ slug: 'x', columns: 99 }] }));
  assert.ok((await s.mdash(['apply', file])).stderr.includes(`dashboards[0].${r.json.error}`));
  r = await api('POST', '/api/dashboards', { body: { slug: 'x', widgets: [] } });
  assert.equal(r.json.field, 'widgets');
  r = await api('PATCH', '/api/dashboards/ops', { body: { slug: 'other' } });
  assert.equal(r.status, 400, 'the slug is the address');
});

test('dashboards are made, changed and removed; their widgets stay, on no dashboard', async () => {
  let r = await api('POST', '/api/dashboards', { body: { slug: 'sales', title: 'Sales' } });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json, { slug: 'sales', title: 'Sales', description: null, columns: 6 });
  assert.equal((await api('POST', '/api/dashboards', { body: { slug: 'sales' } })).status, 409);
  r = await api('PATCH', '/api/dashboards/sales', { body: { columns: 8 } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.title, r.json.columns], ['Sales', 8]);
  assert.equal((await api('PATCH', '/api/dashboards/nope', { body: {} })).status, 404);
  assert.equal((await api('PUT', '/api/widgets/deals', { body: { type: 'number', dashboard: 'sales' } })).status, 201);
  assert.equal((await api('GET', '/d/sales')).status, 200);
  r = await api('DELETE', '/api/dashboards/sales');
  assert.equal(r.status, 204, r.text);
  // As the browser that removed it sees it next (the answer's mdash_fresh).
  const page = await s.get('/d/sales', { headers: { Cookie: `mdash_session=${alice.cookie}; mdash_fresh=1` } });
  assert.equal(page.status, 404);
  assert.equal((await api('GET', '/api/widgets/deals/spec')).json.dashboard, null, 'the widget went with its dashboard');
  assert.equal((await api('DELETE', '/api/dashboards/sales')).status, 404);
  const log = (await auditLog()).filter((x) => x.target === 'sales').map((x) => x.action);
  assert.deepEqual(log, ['dashboard.add', 'dashboard.change', 'dashboard.remove']);
  const change = (await auditLog()).find((x) => x.action === 'dashboard.change');
  assert.deepEqual([JSON.parse(change.before).columns, JSON.parse(change.after).columns], [6, 8]);
});

test('a widget is removed from its dashboard, or everywhere', async () => {
  assert.equal((await api('PUT', '/api/widgets/gone', { body: { type: 'number', dashboard: 'ops' } })).status, 201);
  assert.equal((await api('DELETE', '/api/widgets/gone?dashboard=sales')).status, 404);
  // A misspelt parameter is refused, not read as "everywhere".
  const typo = await api('DELETE', '/api/widgets/gone?dashbord=ops');
  assert.deepEqual([typo.status, typo.json.field], [400, 'dashbord']);
  assert.equal((await api('GET', '/api/widgets/gone/spec')).json.dashboard, 'ops');
  assert.equal((await api('DELETE', '/api/widgets/gone?dashboard=ops')).status, 204);
  assert.equal((await api('GET', '/api/widgets/gone/spec')).json.dashboard, null);
  assert.match((await s.ok('widget', 'list')).stdout, /gone/);
  assert.equal((await api('DELETE', '/api/widgets/gone')).status, 204);
  assert.equal((await api('GET', '/api/widgets/gone/spec')).status, 404);
  assert.equal((await api('DELETE', '/api/widgets/gone')).status, 404);
  const log = (await auditLog()).filter((x) => x.target === 'gone').map((x) => x.action);
  assert.deepEqual(log, ['widget.add', 'widget.detach', 'widget.remove']);
});

test('a change reaches the open pages of its dashboard', async () => {
  const stream = await sse(`${s.base}/sub/d/ops`, { headers: { Cookie: `mdash_session=${tv.cookie}` } });
  try {
    assert.equal((await api('PUT', '/api/widgets/live', { body: { type: 'text', dashboard: 'ops' } })).status, 201);
    // "layout": the page re-checks its widgets, and places the new one.
    assert.deepEqual(await stream.find((m) => m.event === 'layout', 5000), { dashboard: 'ops', event: 'layout' });
  } finally {
    stream.close();
  }
});

test('a test run stores nothing; exec sources through the API run only what Sources.Exec allows', async () => {
  await s.writeDemo('t.json', { value: 7 });
  let r = await api('POST', '/api/widgets/tried/test', { body: { type: 'number', source: { kind: 'http', url: `${s.base}/demo/t.json` } } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { ok: true, data: { value: 7 } });
  assert.equal((await api('GET', '/api/widgets/tried/spec')).status, 404, 'a test stored the widget');
  r = await api('POST', '/api/widgets/tried/test', { body: { type: 'number', source: { kind: 'http', url: `${s.base}/demo/none.json` } } });
  assert.equal(r.json.ok, false);
  assert.match(r.json.error, /404/);
  r = await api('POST', '/api/widgets/a/test', { body: '' });
  assert.equal(r.json.ok, true, r.text);
  // The site's address, port and all (this stack's is not 80).
  assert.equal(r.json.push.url, `${s.base}/api/widgets/a`);
  assert.match(r.json.push.curl, /^curl -X POST/);
  const echo = { type: 'number', dashboard: 'ops', source: { kind: 'exec', command: ['/bin/echo', '{"value": 3}'] } };
  r = await api('PUT', '/api/widgets/ran', { body: echo });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.field, 'source.command');
  assert.equal((await api('POST', '/api/widgets/ran/test', { body: echo })).json.field, 'source.command');
  // Allowed: the directory /bin/; a command elsewhere, or a way out, is not.
  const conf = path.join(s.dir, 'exec.hdf');
  await writeFile(conf, `${await readFile(s.config, 'utf8')}\nSources.Exec = /bin/ /usr/local/bin/tool\n`);
  await s.restartApp(conf);
  alice = await session('alice', 'alice-password-1');
  assert.deepEqual((await api('GET', '/api/types')).json.exec, { allowed: ['/bin/', '/usr/local/bin/tool'] });
  r = await api('POST', '/api/widgets/ran/test', { body: echo });
  assert.deepEqual(r.json, { ok: true, data: { value: 3 } }, r.text);
  assert.equal((await api('PUT', '/api/widgets/ran', { body: echo })).status, 201);
  for (const command of [['/usr/bin/env'], ['/bin/../usr/bin/env'], ['echo']]) {
    r = await api('PUT', '/api/widgets/ran', { body: { ...echo, source: { kind: 'exec', command } } });
    assert.equal(r.status, 400, `${command}: ${r.text}`);
    assert.equal(r.json.field, 'source.command');
  }
  // An entry that is no absolute path stops the app and the CLI, named.
  const bad = path.join(s.dir, 'bad-exec.hdf');
  await writeFile(bad, `${await readFile(s.config, 'utf8')}\nSources.Exec = /bin/ tools/\n`);
  const cli = await s.mdash(['audit'], { env: { MDASH_CONFIG: bad } });
  assert.notEqual(cli.code, 0);
  assert.match(cli.stderr, /Sources\.Exec: "tools\/" is not an absolute path/);
});
