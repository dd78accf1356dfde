// SPDX-License-Identifier: MIT
// Login required (RequireLogin = 1): users from `mdash user`, the login form
// and its redirects, the session cookie, wrong passwords and the back-off,
// cross-site posts, logout with its CSRF token, per-dashboard grants on every
// read path (page, fragment, API, push stream), and sessions that end when
// the password changes or the user goes. One private stack with login on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startStack, sse, waitFor, widgetElement, attributes, byClass, textOf } from '../harness/stack.mjs';

let s;
let token;
const PW = { root: 'admin-password-1', vera: 'viewer-password-2', carl: 'carl-password-3' };

const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
const form = (o) => new URLSearchParams(o).toString();
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

// nginx rate-limits /login per client address (a burst of 20, then 30 a
// minute): each login here comes from its own loopback address, as from
// another client, so that only the app's own back-off is under test.
let clients = 0;
const nextClient = () => `127.0.${1 + Math.floor(clients / 200)}.${10 + (clients++ % 200)}`;

/** A request from a chosen local address: {status, headers, body}. */
function request(method, p, { headers = {}, body, from } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (body !== undefined) h['Content-Length'] = Buffer.byteLength(body);
    const req = http.request({ host: '127.0.0.1', port: s.port, path: p, method, localAddress: from, headers: h }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** POST /login from a fresh address; resolves to {status, headers, location, cookie, setCookie, body}. */
async function login(username, password, { next, headers = {}, from = nextClient() } = {}) {
  const r = await request('POST', '/login', { from, headers: { ...FORM, ...headers },
    body: form({ username, password, ...(next === undefined ? {} : { next }) }) });
  const setCookie = r.headers['set-cookie'] ? r.headers['set-cookie'].join('\n') : null;
  const cookie = /^mdash_session=([^;]+)/.exec(setCookie ?? '')?.[1];
  return { ...r, location: r.headers.location ?? null, cookie, setCookie };
}

/** A logged-in session: {cookie, csrf, get(path, init)}. */
async function session(username, next = '/') {
  const l = await login(username, PW[username], { next });
  assert.equal(l.status, 302, `login as ${username}: ${l.status} ${l.body.slice(0, 500)}`);
  assert.ok(l.cookie, `login as ${username} set no cookie: ${l.setCookie}`);
  const get = (p, init = {}) => s.get(p, { ...init, headers: { Cookie: `mdash_session=${l.cookie}`, ...(init.headers || {}) } });
  return { cookie: l.cookie, get, async csrf() { return csrfOf(await (await get('/d/ops')).text()); } };
}

const csrfOf = (html) => attributes(/<meta name="csrf-token"[^>]*>/.exec(html)?.[0] ?? '<meta>').content;

/** Status of GET p (body drained). */
async function status(get, p, headers = {}) {
  const res = await get(p, { headers });
  await res.arrayBuffer().catch(() => {});
  return res.status;
}

async function addUser(name, password, admin = false) {
  const r = await s.mdash(['user', 'add', name, ...(admin ? ['--admin'] : [])], { input: `${password}\n` });
  assert.equal(r.code, 0, show(r));
  return r;
}

before(async () => {
  s = await startStack({ requireLogin: true });
  await s.apply({ dashboards: [
    { slug: 'ops', title: 'Operations', widgets: [
      { name: 'orders', type: 'number', title: 'Orders', source: { kind: 'push' } },
      { name: 'notes', type: 'text', source: { kind: 'push' } }] },
    { slug: 'sales', title: 'Sales', widgets: [{ name: 'revenue', type: 'number', source: { kind: 'push' } }] },
    { slug: 'secret', title: 'Secret plans', widgets: [{ name: 'plans', type: 'text', source: { kind: 'push' } }] },
  ] });
  const t = await s.mdash(['token', 'add', 'auth-test']);
  token = t.stdout.trim().split('\n').pop();
  await addUser('root', PW.root, true);
  await addUser('vera', PW.vera);
  await addUser('carl', PW.carl);
  for (const [name, body] of [['orders', { current: 42 }], ['notes', { text: 'hello ops' }], ['revenue', { current: 7 }], ['plans', { text: 'world domination' }]]) {
    const res = await s.get(`/widgets/${name}`, { method: 'POST', body: JSON.stringify({ auth_token: token, ...body }) });
    assert.equal(res.status, 204, `a token push works without a session (${name})`);
  }
});

after(async () => { await s?.stop(); });

test('mdash user: add (password from stdin, at least 8 characters), list, grant, revoke', async () => {
  let r = await s.mdash(['user', 'add', 'shorty'], { input: 'short\n' });
  assert.equal(r.code, 1, show(r));
  assert.match(r.stderr, /^mdash: the password must have at least 8 characters$/m);
  r = await s.mdash(['user', 'add', 'empty'], { input: '' });
  assert.equal(r.code, 1, show(r));
  r = await s.mdash(['user', 'add', 'vera'], { input: 'another-password\n' });
  assert.equal(r.code, 1, `adding an existing user: ${show(r)}`);
  r = await s.mdash(['user', 'add', 'Bad Name'], { input: 'long-enough-1\n' });
  assert.equal(r.code, 1, show(r));
  r = await s.mdash(['user', 'passwd', 'nobody'], { input: 'long-enough-1\n' });
  assert.equal(r.code, 1, show(r));
  assert.match(r.stderr, /no user named nobody/);
  assert.equal((await login('shorty', 'short')).status, 401, 'a refused user can log in');

  r = await s.mdash(['user', 'grant', 'vera', 'ops']);
  assert.equal(r.code, 0, show(r));
  r = await s.mdash(['user', 'grant', 'vera', 'nope']);
  assert.equal(r.code, 1, show(r));
  assert.match(r.stderr, /no dashboard named nope/);
  r = await s.mdash(['user', 'grant', 'nobody', 'ops']);
  assert.equal(r.code, 1, show(r));
  r = await s.mdash(['user', 'list']);
  assert.equal(r.code, 0, show(r));
  const rows = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split('\t')).map((x) => [x[0], x.slice(1)]));
  assert.deepEqual(Object.keys(rows).sort(), ['carl', 'root', 'vera']);
  assert.deepEqual(rows.root.slice(0, 2), ['admin', '*']);
  assert.deepEqual(rows.vera.slice(0, 2), ['viewer', 'ops']);
  assert.deepEqual(rows.carl.slice(0, 2), ['viewer', '-']);
  assert.ok(!r.stdout.includes('$y$'), 'user list shows password hashes');
  // Never a password on the command line.
  r = await s.mdash(['user', 'add', 'argv', 'secret-password-on-argv']);
  assert.notEqual(r.code, 0, 'a password on the command line was taken');
});

test('anonymous: pages go to the login form, APIs get 401 JSON, the stream 403; health, static and login stay open', async () => {
  const anon = s.get;
  let res = await anon('/d/ops');
  await res.text();
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), '/login?next=/d/ops');
  res = await anon('/');
  await res.text();
  assert.equal(res.status, 302);
  assert.match(res.headers.get('location'), /^\/login(\?next=(\/|%2F))?$/);
  res = await anon('/widget/orders');
  await res.text();
  assert.ok([302, 401, 403].includes(res.status), `anonymous fragment: ${res.status}`);
  for (const p of ['/api/widgets/orders', '/api/dashboards/ops']) {
    res = await anon(p);
    assert.equal(res.status, 401, p);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.equal(typeof (await res.json()).error, 'string');
  }
  res = await anon('/sub/d/ops', { headers: { Accept: 'text/event-stream' } });
  await res.body?.cancel();
  assert.equal(res.status, 403);
  // The anonymous answers give nothing away.
  for (const p of ['/d/ops', '/widget/orders', '/api/widgets/orders', '/api/dashboards/ops', '/sub/d/ops', '/d/secret']) {
    const body = await (await anon(p)).text();
    assert.doesNotMatch(body, /42|hello ops|world domination|Secret plans/, `anonymous ${p} shows data`);
  }
  // ...not even whether a widget or dashboard exists.
  for (const [real, none] of [['/widget/orders', '/widget/no-such'], ['/api/widgets/orders', '/api/widgets/no-such'],
    ['/d/ops', '/d/no-such'], ['/api/dashboards/ops', '/api/dashboards/no-such']]) {
    assert.equal(await status(anon, none), await status(anon, real), `anonymous ${none} answers unlike ${real}`);
  }
  assert.equal(await status(anon, '/healthz'), 200);
  assert.equal(await status(anon, '/static/mdash.css'), 200);
  res = await anon('/login?next=/d/ops');
  const html = await res.text();
  assert.equal(res.status, 200);
  assert.match(res.headers.get('cache-control') ?? '', /no-store/);
  const f = /<form\b[^>]*class="login"[^>]*>[\s\S]*?<\/form>/.exec(html)?.[0];
  assert.ok(f, `no login form:\n${html}`);
  assert.equal(attributes(/<form\b[^>]*>/.exec(f)[0]).method, 'post');
  assert.equal(attributes(/<form\b[^>]*>/.exec(f)[0]).action, '/login');
  const inputs = Object.fromEntries([...f.matchAll(/<input\b[^>]*>/g)].map((m) => attributes(m[0])).map((a) => [a.name, a]));
  assert.equal(inputs.next?.type, 'hidden');
  assert.equal(inputs.next?.value, '/d/ops');
  assert.ok(inputs.username, 'a username field');
  assert.equal(inputs.password?.type, 'password');
  assert.doesNotMatch(html, /csrf-token|class="logout"/, 'an anonymous page offers a logout');
});

test('login: 302 to next with an HttpOnly, SameSite=Lax session cookie; only local next targets', async () => {
  const l = await login('vera', PW.vera, { next: '/d/ops' });
  assert.equal(l.status, 302, l.body);
  assert.equal(l.location, '/d/ops');
  assert.match(l.setCookie, /^mdash_session=[0-9a-f]{32,}; Path=\/; HttpOnly; SameSite=Lax/);
  const again = await login('vera', PW.vera, { next: '/d/ops' });
  assert.notEqual(again.cookie, l.cookie, 'a login reuses the session id');
  // A cookie makes the page work.
  const res = await s.get('/d/ops', { headers: { Cookie: `mdash_session=${l.cookie}` } });
  const html = await res.text();
  assert.equal(res.status, 200);
  assert.equal(byClass(widgetElement(html, 'orders').html, 'value')?.text, '42');
  assert.equal(byClass(html, 'user')?.text, 'vera', 'the page names the user');
  // Away-going targets go home instead.
  for (const next of ['//evil.example', '//evil.example/d/ops', 'https://evil.example/', 'http:/evil', '/\\evil.example',
    '\\\\evil.example', 'javascript:alert(1)', '/d/ops\r\nSet-Cookie: x=1', '', ' //evil.example']) {
    const r = await login('vera', PW.vera, { next });
    assert.equal(r.status, 302, `next=${JSON.stringify(next)}`);
    assert.equal(r.location, '/', `next=${JSON.stringify(next)} sent the user to ${r.location}`);
  }
  assert.equal((await login('vera', PW.vera)).location, '/', 'no next: home');
  // A logged-in user asking for the form goes straight on.
  const form2 = await s.get('/login?next=/d/ops', { headers: { Cookie: `mdash_session=${l.cookie}` } });
  await form2.text();
  assert.equal(form2.status, 302);
  assert.equal(form2.headers.get('location'), '/d/ops');
  // A made-up or garbled cookie is nobody.
  for (const c of ['0'.repeat(64), 'x', `${l.cookie}0`, l.cookie.toUpperCase()]) {
    assert.equal(await status((p, i) => s.get(p, { ...i, headers: { Cookie: `mdash_session=${c}` } }), '/api/widgets/orders'), 401, `cookie ${c}`);
  }
});

test('the login form\'s next value is escaped', async () => {
  const res = await s.get(`/login?next=${encodeURIComponent('/d/ops"><script>alert(1)</script>')}`);
  const html = await res.text();
  assert.equal(res.status, 200);
  assert.doesNotMatch(html, /<script>alert/);
  const next = /<input type="hidden" name="next"[^>]*>/.exec(html)?.[0];
  assert.ok(next, html);
  assert.deepEqual(Object.keys(attributes(next)).sort(), ['name', 'type', 'value']);
});

test('wrong password and unknown user: the same 401 and words', async () => {
  const wrong = await login('carl', 'not-his-password', { next: '/d/ops' });
  const nobody = await login('nobody-at-all', 'not-his-password', { next: '/d/ops' });
  for (const r of [wrong, nobody]) {
    assert.equal(r.status, 401);
    assert.equal(r.setCookie, null, 'a failed login set a cookie');
    assert.equal(byClass(r.body, 'login-error')?.text, 'Wrong user name or password.');
    assert.equal(attributes(/<input type="hidden" name="next"[^>]*>/.exec(r.body)?.[0] ?? '<i>').value, '/d/ops', 'the form keeps next');
  }
  assert.equal(wrong.body, nobody.body, 'the answers tell a known name from an unknown one');
  const empty = await login('', '');
  assert.equal(empty.status, 400);
  assert.match(byClass(empty.body, 'login-error')?.text ?? '', /user name and password/);
});

test('after 5 failures one account backs off with 429, even for the right password; other accounts are not held up', async () => {
  // carl has one failure from the test before.
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await login('carl', `wrong-${i}-password`)).status);
  assert.deepEqual(statuses, [401, 401, 401, 401], 'failures 2 to 5');
  let r = await login('carl', 'wrong-again-password');
  for (let i = 0; i < 3 && r.status === 401; i++) r = await login('carl', 'wrong-again-password');
  assert.equal(r.status, 429, `after 5 failures: ${r.status}`);
  assert.match(byClass(r.body, 'login-error')?.text ?? '', /^Too many failed logins\. Try again in \d+ seconds?\.$/);
  assert.ok(Number(r.headers['retry-after']) > 0, 'a Retry-After header');
  r = await login('carl', PW.carl, { next: '/d/ops' });
  assert.equal(r.status, 429, 'the right password during the back-off logged in');
  assert.equal(r.setCookie, null);
  // Another account from the same address logs in.
  assert.equal((await login('vera', PW.vera)).status, 302, 'one account\'s back-off locked out another');
  // When the back-off has passed, the right password works and the count starts again.
  await s.sql(`UPDATE login_failures SET last_at = last_at - INTERVAL 2 HOUR WHERE subject = 'u:${createHash('sha256').update('carl').digest('hex')}'`);
  r = await login('carl', PW.carl, { next: '/d/ops' });
  assert.equal(r.status, 302, `after the back-off: ${r.status} ${byClass(r.body, 'login-error')?.text}`);
  assert.equal((await login('carl', 'one-more-wrong')).status, 401, 'the failure count did not start again');
});

test('a browser that logged in to an account is not locked out by others\' failures; its own failures slow only it', async () => {
  await addUser('dora', 'dora-password-4');
  const first = await login('dora', 'dora-password-4');
  assert.equal(first.status, 302);
  const device = /(?:^|\n)mdash_device=([0-9a-f]{64});([^\n]*)/.exec(first.setCookie ?? '');
  assert.ok(device, `a login gives the browser a device cookie: ${first.setCookie}`);
  assert.match(device[2], /HttpOnly/);
  assert.match(device[2], /SameSite=Lax/);
  assert.match(device[2], /Max-Age=\d{7,}/, 'it outlives the browser session');
  const fromDevice = (password, cookie) => login('dora', password, { headers: { Cookie: `mdash_device=${cookie}` } });

  // Someone else guesses dora's password until the account backs off.
  let r;
  for (let i = 0; i < 12 && r?.status !== 429; i++) r = await login('dora', `guess-${i}-password`);
  assert.equal(r.status, 429, 'guessing is still slowed per account');
  assert.equal((await login('dora', 'dora-password-4')).status, 429, 'a new browser waits too');

  // dora's own browser still gets in, and gets a fresh device cookie.
  r = await fromDevice('dora-password-4', device[1]);
  assert.equal(r.status, 302, `dora's browser was locked out by others' failures: ${r.status}`);
  const next = /(?:^|\n)mdash_device=([0-9a-f]{64})/.exec(r.setCookie ?? '')?.[1];
  assert.ok(next && next !== device[1], 'each login gives a new device cookie');
  r = await fromDevice('dora-password-4', device[1]);
  assert.notEqual(r.status, 302, 'a replaced device cookie is trusted no more');

  // Its own failures slow only it; another account's cookie helps nobody.
  r = { status: 0 };
  for (let i = 0; i < 12 && r.status !== 429; i++) r = await fromDevice(`typo-${i}-password`, next);
  assert.equal(r.status, 429, 'guessing from a trusted browser is slowed too');
  assert.equal((await fromDevice('dora-password-4', next)).status, 429);
  const vera = /(?:^|\n)mdash_device=([0-9a-f]{64})/.exec((await login('vera', PW.vera)).setCookie ?? '')?.[1];
  // The account's back-off as the guesses left it (its first pause, 1 s,
  // may be over by now on a slow machine); counted by the name's hash.
  await s.sql(`UPDATE login_failures SET failures = 12, last_at = UTC_TIMESTAMP(3) WHERE subject = 'u:${
    createHash('sha256').update('dora').digest('hex')}'`);
  assert.equal((await fromDevice('dora-password-4', vera)).status, 429, 'vera\'s browser is not trusted for dora');
  assert.equal((await s.sql("SELECT COUNT(*) FROM login_devices d JOIN users u ON u.id = d.user_id WHERE u.name = 'dora'"))[0][0], '1',
    'only a hash of each live device cookie is kept');
});

test('a cross-site login post is refused', async () => {
  for (const headers of [{ 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-site' }, { Origin: 'http://evil.example' }]) {
    const r = await login('vera', PW.vera, { next: '/d/ops', headers });
    assert.equal(r.status, 403, JSON.stringify(headers));
    assert.equal(r.setCookie, null, `${JSON.stringify(headers)}: a cross-site login set a cookie`);
  }
  // The browser's own form post (same origin) works.
  const r = await login('vera', PW.vera, { next: '/d/ops', headers: { 'Sec-Fetch-Site': 'same-origin', Origin: s.base } });
  assert.equal(r.status, 302);
});

// Browsers send Sec-Fetch-Site only to secure and loopback origins: at a
// plain-HTTP address on the LAN, the Origin (or Referer) is all there is,
// and it must name this very site: scheme, host and port.
test('without Sec-Fetch-Site, Origin or Referer must be the site\'s own scheme, host and port', async () => {
  const other = `http://127.0.0.1:${s.port === 65535 ? 65534 : s.port + 1}`;
  for (const headers of [{ Origin: s.base }, { Origin: s.base.toUpperCase() }, { Origin: `http://localhost:${s.port}`, Host: `localhost:${s.port}` },
    { Referer: `${s.base}/login?next=/d/ops` }]) {
    const r = await login('vera', PW.vera, { next: '/d/ops', headers });
    assert.equal(r.status, 302, `${JSON.stringify(headers)}: ${r.status} ${r.body.slice(0, 300)}`);
  }
  for (const headers of [{ Origin: 'http://127.0.0.1' }, { Origin: `https://127.0.0.1:${s.port}` }, { Origin: other },
    { Origin: 'null' }, { Origin: `${s.base}.evil.example` }, { Referer: `${other}/login` },
    { Referer: `https://127.0.0.1:${s.port}/login` }, { Origin: other, Referer: `${s.base}/login` },
    { 'Sec-Fetch-Site': 'same-origin', Origin: 'http://127.0.0.1' }]) {
    const r = await login('vera', PW.vera, { next: '/d/ops', headers });
    assert.equal(r.status, 403, `${JSON.stringify(headers)} logged in`);
    assert.equal(r.setCookie, null);
  }
  // Cookie-authenticated POSTs alike: the token and this origin, both.
  const root = await session('root');
  const csrf = await root.csrf();
  const share = (headers) => root.get('/api/dashboards/ops/shares', { method: 'POST', headers: { 'X-CSRF-Token': csrf, ...headers } });
  for (const headers of [{ Origin: 'http://127.0.0.1' }, { Origin: `https://127.0.0.1:${s.port}` }, { Origin: other }]) {
    const res = await share(headers);
    assert.equal(res.status, 403, `a share made from ${headers.Origin}: ${await res.text()}`);
  }
  let res = await share({ Origin: s.base });
  assert.equal(res.status, 201, `a share made from the site itself: ${await res.text()}`);
  // Neither Origin nor Sec-Fetch-Site (no browser page): the token is still needed.
  res = await root.get('/api/dashboards/ops/shares', { method: 'POST' });
  assert.equal(res.status, 403, `a share without a token: ${await res.text()}`);
  res = await root.get('/logout', { method: 'POST' });
  await res.text();
  assert.equal(res.status, 403, 'a logout without a token');
  assert.equal(await status(root.get, '/d/ops'), 200, 'a logout without a token ended the session');
  // The refusal says why in the app's log, for whoever runs the site.
  await login('vera', PW.vera, { headers: { Origin: other } });
  const log = await readFile(path.join(s.dir, 'log', 'fcgi.log'), 'utf8');
  assert.ok(log.includes(`refused POST /login from ${other}: this site is ${s.base}`), log.slice(-2000));
});

test('behind a proxy, PublicURL is the site\'s origin', async () => {
  const conf = path.join(s.dir, 'public-url.hdf');
  await writeFile(conf, `${await readFile(s.config, 'utf8')}PublicURL = https://Dash.Example.org/\n`);
  await s.restartApp(conf);
  try {
    const ok = await login('vera', PW.vera, { headers: { Origin: 'https://dash.example.org' } });
    assert.equal(ok.status, 302, `from PublicURL's origin: ${ok.status}`);
    for (const origin of [s.base, 'http://dash.example.org', 'https://dash.example.org:8443']) {
      const r = await login('vera', PW.vera, { headers: { Origin: origin } });
      assert.equal(r.status, 403, `${origin} logged in while PublicURL is https://dash.example.org/`);
    }
  } finally {
    await s.restartApp();
  }
  const bad = path.join(s.dir, 'bad-public-url.hdf');
  await writeFile(bad, `${await readFile(s.config, 'utf8')}PublicURL = dash.example.org\n`);
  const r = await s.mdash(['-c', bad, 'user', 'list']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /bad-public-url\.hdf:\d+: PublicURL must be the site's address/);
});

// Behind a proxy (a TLS terminator, haproxy) every connection comes from
// the proxy. With Proxy.Trusted, nginx takes the client's address from the
// proxy's X-Forwarded-For (realip, lines made by "mdash proxy-conf"), so the
// login back-off and the rate limit hold up one client, not all of them.
test('behind a trusted proxy, the back-off and the rate limit see each client, not the proxy', { timeout: 180000 }, async () => {
  const p = await startStack({ requireLogin: true, trustedProxies: '127.0.0.1' });
  try {
    const u = await p.mdash(['user', 'add', 'pat', '--admin'], { input: 'pat-password-4\n' });
    assert.equal(u.code, 0, show(u));
    const post = (from, client, username, password) => new Promise((resolve, reject) => {
      const body = form({ username, password });
      const req = http.request({ host: '127.0.0.1', port: p.port, path: '/login', method: 'POST', localAddress: from,
        headers: { ...FORM, 'Content-Length': Buffer.byteLength(body), 'X-Forwarded-For': client } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', reject);
      req.end(body);
    });
    // One client behind the proxy guesses, and is held up...
    const guesses = [];
    for (let i = 0; i < 25 && !guesses.includes(429); i++) guesses.push(await post('127.0.0.1', '198.51.100.7', `guess-${i}`, 'wrong-password'));
    assert.equal(guesses.at(-1), 429, `25 guesses from one client behind the proxy: ${guesses}`);
    // ...while another client behind the same proxy logs in at once.
    assert.equal(await post('127.0.0.1', '198.51.100.8', 'pat', 'pat-password-4'), 302,
      'one client\'s guesses held up another behind the same proxy');
    const subjects = async () => (await p.sql("SELECT subject FROM login_failures WHERE subject LIKE 'a:%'")).map((r) => r[0]);
    assert.ok((await subjects()).includes('a:198.51.100.7'), `the back-off's addresses: ${await subjects()}`);
    assert.ok(!(await subjects()).includes('a:127.0.0.1'), 'the back-off counted the proxy\'s address');
    // From anywhere else X-Forwarded-For is the client's own claim: ignored.
    assert.equal(await post('127.0.0.2', '203.0.113.9', 'guess-x', 'wrong-password'), 401);
    assert.ok((await subjects()).includes('a:127.0.0.2'), `the back-off's addresses: ${await subjects()}`);
    assert.ok(!(await subjects()).includes('a:203.0.113.9'), 'a client that is no proxy chose its own address');
    // Pages and streams still work behind the proxy.
    await p.apply({ dashboards: [{ slug: 'px', title: 'Proxied', widgets: [{ name: 'px1', type: 'number', source: { kind: 'push' } }] }] });
    const l = await fetch(`${p.base}/login`, { method: 'POST', redirect: 'manual', headers: { ...FORM, 'X-Forwarded-For': '198.51.100.9' },
      body: form({ username: 'pat', password: 'pat-password-4' }) });
    const cookie = l.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    assert.equal(l.status, 302);
    const stream = await sse(`${p.base}/sub/d/px`, { headers: { Cookie: cookie, 'X-Forwarded-For': '198.51.100.9' } });
    try {
      assert.equal(stream.status, 200);
      const t = (await p.mdash(['token', 'add', 'px'])).stdout.trim().split('\n').pop();
      const res = await fetch(`${p.base}/widgets/px1`, { method: 'POST', headers: { 'X-Forwarded-For': '198.51.100.9' },
        body: JSON.stringify({ auth_token: t, current: 3 }) });
      assert.equal(res.status, 204);
      await stream.next((m) => m && m.widget === 'px1');
    } finally {
      stream.close();
    }
    // realip and nchan together (nchan's own requests have no address).
    const errors = await readFile(path.join(p.dir, 'log', 'nginx-error.log'), 'utf8');
    assert.doesNotMatch(errors, /exited on signal/, errors.slice(-2000));
  } finally {
    await p.stop();
  }
});

// A name no account has is often a password typed in the wrong box; share
// links and passes are credentials: none of them may reach a log. The
// logs themselves are not for every user of the machine.
test('the logs keep no typed unknown names, share secrets or passes, and only the stack may read them', async () => {
  const typed = 'Hunter2-typed-in-the-wrong-box';
  assert.equal((await login(typed, 'whatever-password')).status, 401);
  assert.equal((await login('carl', 'not-carls-password')).status, 401);
  const appLog = await readFile(path.join(s.dir, 'log', 'fcgi.log'), 'utf8');
  assert.ok(!appLog.includes(typed) && !appLog.includes(typed.toLowerCase()), 'the app logged a name no account has');
  assert.match(appLog, /failed login for an unknown user name from 127\.0\.\d+\.\d+/);
  assert.match(appLog, /failed login for "carl" from 127\.0\.\d+\.\d+/, 'a known account\'s failures are still logged by name');
  const stored = (await s.sql('SELECT subject FROM login_failures')).map((r) => r[0]).join('\n');
  assert.ok(!stored.toLowerCase().includes(typed.toLowerCase()), `the back-off keeps the name as typed:\n${stored}`);

  // A share link's secret, in the path and in the Referer of its page's requests.
  const add = await s.mdash(['share', 'add', 'ops']);
  assert.equal(add.code, 0, show(add));
  const link = add.stdout.trim().split('\n').pop();
  const secret = /\/s\/([^/]+)$/.exec(link)?.[1];
  assert.ok(secret && secret.length >= 16, `mdash share add printed ${link}`);
  let res = await s.get(`/s/${secret}`);
  assert.equal(res.status, 200, await res.text());
  res = await s.get(`/s/${secret}/widget/orders`, { headers: { Referer: `${s.base}/s/${secret}` } });
  assert.equal(res.status, 200, await res.text());
  // A fragment pass, as a page fetches its widgets.
  const root = await session('root');
  const dash = await (await root.get('/api/dashboards/ops')).json();
  const w = dash.widgets.find((x) => x.name === 'orders');
  const p = new URLSearchParams(w.pass).get('p');
  assert.ok(p, `a pass in the dashboard's JSON: ${JSON.stringify(w)}`);
  res = await root.get(`/widget/orders?v=${w.version}&${w.pass}`);
  assert.equal(res.status, 200, await res.text());
  // nginx writes a request's line once it has sent the answer: wait for them.
  const accessLog = () => readFile(path.join(s.dir, 'log', 'nginx-access.log'), 'utf8');
  await waitFor(async () => /"GET \/widget\/orders HTTP\/1\.1" 200 /.test(await accessLog()),
    { ms: 5000, message: 'the fragment\'s line in nginx\'s access log' });
  const access = await accessLog();
  assert.match(access, /"GET \/s\/- HTTP\/1\.1" 200 /, 'the share page\'s line');
  assert.match(access, /"GET \/widget\/orders HTTP\/1\.1" 200 /, 'the fragment\'s line');
  for (const [what, value] of [['a share link\'s secret', secret], ['a pass', p]]) {
    assert.ok(!access.includes(value), `nginx's access log holds ${what}:\n${access.split('\n').filter((l) => l.includes(value)).join('\n')}`);
  }

  // 0640 files in 0750 directories.
  for (const d of ['log', 'run']) {
    assert.equal((await stat(path.join(s.dir, d))).mode & 0o777, 0o750, `${d}/`);
  }
  for (const f of await readdir(path.join(s.dir, 'log'))) {
    assert.equal((await stat(path.join(s.dir, 'log', f))).mode & 0o777, 0o640, `log/${f}`);
  }
});

test('grants: a viewer sees only granted dashboards, on every read path; admins see all', async () => {
  const vera = await session('vera');
  const carl = await session('carl');
  const root = await session('root');
  // vera: ops only.
  for (const p of ['/d/ops', '/widget/orders', '/api/widgets/orders', '/api/dashboards/ops']) assert.equal(await status(vera.get, p), 200, `vera ${p}`);
  for (const p of ['/d/secret', '/widget/plans', '/api/widgets/plans', '/api/dashboards/secret', '/d/sales', '/widget/revenue']) {
    const res = await vera.get(p);
    const body = await res.text();
    assert.equal(res.status, 403, `vera ${p}`);
    assert.doesNotMatch(body, /world domination|Secret plans/, `vera's 403 for ${p} shows the data`);
  }
  let res = await vera.get('/sub/d/secret', { headers: { Accept: 'text/event-stream' } });
  await res.body?.cancel();
  assert.equal(res.status, 403, 'vera subscribes to a dashboard she may not see');
  // With one dashboard granted, it is her home page; the nav never lists the others.
  res = await vera.get('/');
  await res.text();
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), '/d/ops');
  let r = await s.mdash(['user', 'grant', 'vera', 'sales']);
  assert.equal(r.code, 0, show(r));
  const index = await (await vera.get('/')).text();
  assert.match(index, /href="\/d\/ops"/);
  assert.match(index, /href="\/d\/sales"/);
  assert.doesNotMatch(index, /\/d\/secret|Secret plans/, 'the list shows a dashboard vera may not see');
  const opsPage = await (await vera.get('/d/ops')).text();
  assert.doesNotMatch(opsPage, /\/d\/secret|Secret plans/, 'the nav shows a dashboard vera may not see');
  // Her stream works and carries her dashboard's changes.
  const stream = await sse(`${s.base}/sub/d/ops`, { headers: { Cookie: `mdash_session=${vera.cookie}` } });
  try {
    assert.equal(stream.status, 200);
    const v = (await (await vera.get('/api/widgets/orders')).json()).version;
    const push = await s.get('/widgets/orders', { method: 'POST', body: JSON.stringify({ auth_token: token, current: 43 }) });
    assert.equal(push.status, 204);
    await stream.next((m) => m.widget === 'orders' && m.version === v + 1, 3000);
  } finally {
    stream.close();
  }
  // Revoking takes effect at once, for the session she has.
  r = await s.mdash(['user', 'revoke', 'vera', 'ops']);
  assert.equal(r.code, 0, show(r));
  assert.equal(await status(vera.get, '/d/ops'), 403, 'a revoked dashboard still shows');
  assert.equal(await status(vera.get, '/api/widgets/orders'), 403);
  // carl: nothing granted; then everything with "*".
  assert.equal(await status(carl.get, '/d/ops'), 403);
  r = await s.mdash(['user', 'grant', 'carl', '*']);
  assert.equal(r.code, 0, show(r));
  for (const p of ['/d/ops', '/d/secret', '/widget/plans', '/api/dashboards/sales']) assert.equal(await status(carl.get, p), 200, `carl with * ${p}`);
  r = await s.mdash(['user', 'revoke', 'carl', '*']);
  assert.equal(r.code, 0, show(r));
  assert.equal(await status(carl.get, '/d/secret'), 403);
  // root (admin): everything, and the list of every dashboard.
  for (const p of ['/d/ops', '/d/sales', '/d/secret', '/widget/plans', '/api/widgets/plans', '/api/dashboards/secret']) {
    assert.equal(await status(root.get, p), 200, `admin ${p}`);
  }
  const all = await (await root.get('/')).text();
  for (const slug of ['ops', 'sales', 'secret']) assert.match(all, new RegExp(`href="/d/${slug}"`));
  res = await root.get('/sub/d/secret', { headers: { Accept: 'text/event-stream' } });
  await res.body?.cancel();
  assert.equal(res.status, 200);
});

test('logout needs the session\'s CSRF token; it ends the session and clears the cookie', async () => {
  const root = await session('root');
  const page = await (await root.get('/d/ops')).text();
  const csrf = csrfOf(page);
  assert.match(csrf ?? '', /^[0-9a-f]{32,}$/, 'the page carries a CSRF token in <meta name="csrf-token">');
  const logoutForm = /<form\b[^>]*class="logout"[^>]*>[\s\S]*?<\/form>/.exec(page)?.[0];
  assert.ok(logoutForm, 'the page has a logout form');
  assert.equal(attributes(/<input\b[^>]*name="csrf"[^>]*>/.exec(logoutForm)?.[0] ?? '<i>').value, csrf);
  const other = await session('vera');
  assert.notEqual(await other.csrf(), csrf, 'two sessions share a CSRF token');
  for (const [what, init] of [
    ['no token', {}],
    ['a wrong token', { headers: { 'X-CSRF-Token': 'f'.repeat(64) } }],
    ['another session\'s token', { headers: { 'X-CSRF-Token': await other.csrf() } }],
    ['a wrong form token', { headers: FORM, body: form({ csrf: 'nope' }) }],
    ['the right token from another site', { headers: { 'X-CSRF-Token': csrf, 'Sec-Fetch-Site': 'cross-site' } }],
  ]) {
    const res = await root.get('/logout', { method: 'POST', ...init });
    await res.text();
    assert.equal(res.status, 403, `logout with ${what}`);
    assert.equal(res.headers.get('set-cookie'), null);
    assert.equal(await status(root.get, '/d/ops'), 200, `logout with ${what} ended the session`);
  }
  let res = await s.get('/logout', { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
  await res.text();
  assert.equal(res.status, 403, 'logout without the cookie');
  // The header...
  res = await root.get('/logout', { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
  await res.text();
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), '/login');
  assert.match(res.headers.get('set-cookie') ?? '', /^mdash_session=;.*Max-Age=0/);
  res = await root.get('/d/ops');
  await res.text();
  assert.equal(res.status, 302, 'the old cookie still works after logout');
  assert.equal(res.headers.get('location'), '/login?next=/d/ops');
  // ...or the form field.
  const vera = await session('vera');
  const grant = await s.mdash(['user', 'grant', 'vera', 'ops']);
  assert.equal(grant.code, 0);
  const token2 = await vera.csrf();
  res = await vera.get('/logout', { method: 'POST', headers: FORM, body: form({ csrf: token2 }) });
  await res.text();
  assert.equal(res.status, 302);
  assert.equal(await status(vera.get, '/api/widgets/orders'), 401);
  // Logging out one session leaves the user's other sessions alone.
  assert.equal(await status(other.get, '/api/dashboards/ops'), 200);
});

test('logout and a revoked grant end the open streams, also of a client that ignores the reload', async () => {
  const root = await session('root');
  const ended = async (stream, what) => {
    for (let i = 0; i < 50 && !stream.ended; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(stream.ended, `${what}: the stream is still open`);
  };
  // A client that keeps its stream open and never reloads.
  const stream = await sse(`${s.base}/sub/d/ops`, { headers: { Cookie: `mdash_session=${root.cookie}` } });
  try {
    assert.equal(stream.status, 200);
    const res = await root.get('/logout', { method: 'POST', headers: { 'X-CSRF-Token': await root.csrf() } });
    await res.text();
    assert.equal(res.status, 302);
    const tag = createHash('sha256').update(root.cookie).digest('hex').slice(0, 16);
    assert.deepEqual(await stream.find((m) => m.event === 'reload', 3000), { dashboard: '*', event: 'reload', session: tag });
    await ended(stream, 'logout');
  } finally {
    stream.close();
  }
  const again = await sse(`${s.base}/sub/d/ops`, { headers: { Cookie: `mdash_session=${root.cookie}` } });
  again.close();
  assert.equal(again.status, 403, 'the logged-out cookie opens a stream again');

  // A grant taken back ends the viewer's stream the same way.
  assert.equal((await s.mdash(['user', 'grant', 'carl', 'sales'])).code, 0);
  const carl = await session('carl');
  const viewer = await sse(`${s.base}/sub/d/sales`, { headers: { Cookie: `mdash_session=${carl.cookie}` } });
  try {
    assert.equal(viewer.status, 200);
    assert.equal((await s.mdash(['user', 'revoke', 'carl', 'sales'])).code, 0);
    await ended(viewer, 'a revoked grant');
  } finally {
    viewer.close();
  }
});

// Sessions share their push channel 128 ways (lib/auth.h), so that nginx
// keeps one channel list per dashboard and channel, not per viewer: the
// reload names the session, and the shared channel's deletion ends the
// others' streams too, which they open again at once.
test('a logout on a channel other sessions share: its reload names the session, the others reopen and follow', async () => {
  const [a, b] = await s.sessionsSharingChannel('root', 2);
  const cookie = (x) => ({ Cookie: `mdash_session=${x.cookie}` });
  const channel = s.sessionChannel(a.tag);
  for (const x of [a, b]) {
    const json = await (await s.get('/api/dashboards/ops', { headers: cookie(x) })).json();
    assert.equal(json.session, x.tag, 'the dashboard\'s JSON names the page\'s session');
    assert.match(json.stream ?? '', new RegExp(`^c=_d_ops,${channel},orders,notes&`), 'the stream pass names the shared channel');
  }
  const streams = await Promise.all([a, b].map((x) => sse(`${s.base}/sub/d/ops`, { headers: cookie(x) })));
  try {
    assert.deepEqual(streams.map((x) => x.status), [200, 200]);
    const res = await s.get('/logout', { method: 'POST', headers: { ...cookie(a), 'X-CSRF-Token': a.csrf } });
    await res.text();
    assert.equal(res.status, 302);
    for (const x of streams) {
      assert.deepEqual(await x.find((m) => m.event === 'reload', 3000), { dashboard: '*', event: 'reload', session: a.tag },
        'the reload names the ended session, on the channel both follow');
      for (let i = 0; i < 50 && !x.ended; i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(x.ended, 'a stream on the shared channel is still open after the logout');
    }
  } finally {
    for (const x of streams) x.close();
  }
  const gone = await sse(`${s.base}/sub/d/ops`, { headers: cookie(a) });
  gone.close();
  assert.equal(gone.status, 403, 'the logged-out session opens a stream again');
  const again = await sse(`${s.base}/sub/d/ops`, { headers: cookie(b) });
  try {
    assert.equal(again.status, 200, 'the other session cannot open its stream again');
    const res = await s.get('/widgets/orders', { method: 'POST', body: JSON.stringify({ auth_token: token, current: 4711 }) });
    assert.equal(res.status, 204);
    const m = await again.find((x) => x.widget === 'orders', 3000);
    assert.ok(Number(m.version) > 0, 'the other session\'s reopened stream missed a push');
    assert.equal(await status((p, init = {}) => s.get(p, { ...init, headers: cookie(b) }), '/d/ops'), 200,
      'the other session was ended too');
  } finally {
    again.close();
  }
});

// A WebSocket handshake's status: 101 when nchan took the stream.
function upgrade(path, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: s.port, path, headers: {
      Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers } });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode); });
    req.on('response', (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error(`no answer to the upgrade of ${path}`)));
    req.end();
  });
}

// The page's stream is a WebSocket, which browsers open with the page's
// Origin and the viewer's cookies, from any site: one opened by another
// site's page must not follow a signed-in viewer's dashboard.
test('a stream on a session opens from this site only, at whatever address the site is used', async () => {
  const root = await session('root');
  const cookie = `mdash_session=${root.cookie}`;
  const lan = `dash.test:${s.port}`;
  assert.equal(await upgrade('/sub/d/ops', { Cookie: cookie, Origin: s.base }), 101, 'from the site itself');
  assert.equal(await upgrade('/sub/d/ops', { Cookie: cookie, Host: lan, Origin: `http://${lan}` }), 101,
    'at a host name on a port of its own');
  assert.equal(await upgrade('/sub/d/ops', { Cookie: cookie }), 101, 'from no page (a script of the viewer\'s own)');
  for (const origin of ['http://evil.example', `http://${lan}.evil.example`, 'null']) {
    assert.equal(await upgrade('/sub/d/ops', { Cookie: cookie, Origin: origin }), 403, `a WebSocket from ${origin}`);
    const es = await sse(`${s.base}/sub/d/ops`, { headers: { Cookie: cookie, Origin: origin } });
    es.close();
    assert.equal(es.status, 403, `an EventSource from ${origin}`);
  }
  // A stream pass is a bearer address: it opens from wherever it is used.
  const json = await (await root.get('/api/dashboards/ops')).json();
  assert.equal(await upgrade(`/sub/d/ops?${json.stream}`, { Origin: 'http://elsewhere.example' }), 101);
});

test('a new password or removing the user ends their sessions', async () => {
  const a = await session('vera');
  const b = await session('vera');
  assert.equal(await status(a.get, '/d/ops'), 200);
  let r = await s.mdash(['user', 'passwd', 'vera'], { input: 'brand-new-password\n' });
  assert.equal(r.code, 0, show(r));
  for (const x of [a, b]) {
    assert.equal(await status(x.get, '/d/ops'), 302, 'a session from before the new password still works');
    assert.equal(await status(x.get, '/api/widgets/orders'), 401);
  }
  assert.equal((await login('vera', PW.vera)).status, 401, 'the old password still works');
  PW.vera = 'brand-new-password';
  const c = await session('vera');
  assert.equal(await status(c.get, '/d/ops'), 200);
  r = await s.mdash(['user', 'rm', 'vera']);
  assert.equal(r.code, 0, show(r));
  assert.equal(await status(c.get, '/d/ops'), 302, 'a removed user\'s session still works');
  assert.equal(await status(c.get, '/api/widgets/orders'), 401);
  assert.equal((await login('vera', PW.vera)).status, 401, 'a removed user logs in');
  r = await s.mdash(['user', 'rm', 'vera']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no user named vera/);
});

test('pushing with a token needs no session; a session is no push token', async () => {
  const root = await session('root');
  let res = await root.get('/widgets/notes', { method: 'POST', body: JSON.stringify({ text: 'from a session' }) });
  await res.text();
  assert.equal(res.status, 401, 'a session cookie authorised a push');
  res = await s.get('/api/widgets/notes', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{"text":"from a token"}' });
  assert.equal(res.status, 204);
  const html = await (await root.get('/d/ops')).text();
  assert.match(textOf(widgetElement(html, 'notes').html), /from a token/);
});

test('dashboard events (Dashing\'s POST /dashboards/<slug>) reach that dashboard\'s open pages, once', async () => {
  const root = await session('root');
  const open = (slug) => sse(`${s.base}/sub/d/${slug}`, { headers: { Cookie: `mdash_session=${root.cookie}` } });
  const post = (slug, body) => s.get(`/dashboards/${slug}`, { method: 'POST', body: JSON.stringify(body) });
  const ops = await open('ops');
  const sales = await open('sales');
  try {
    let res = await post('ops', { auth_token: token, event: 'reload' });
    assert.equal(res.status, 204, await res.text());
    assert.deepEqual(await ops.next((m) => m.event, 3000), { dashboard: 'ops', event: 'reload' });
    res = await post('*', { auth_token: token, event: 'refresh' });
    assert.equal(res.status, 204, await res.text());
    assert.deepEqual(await ops.next((m) => m.event, 3000), { dashboard: 'ops', event: 'refresh' });
    assert.deepEqual(await sales.next((m) => m.event, 3000), { dashboard: 'sales', event: 'refresh' });
    assert.deepEqual(sales.messages.filter((m) => m.data?.event === 'reload'), [], 'the ops reload reached sales');
    for (const [slug, body, code] of [['ops', { auth_token: 'wrong', event: 'reload' }, 401], ['ops', { event: 'reload' }, 401],
      ['ops', { auth_token: 12345, event: 'reload' }, 401], ['ops', { auth_token: token, event: 'Re load!' }, 400],
      ['ops', { auth_token: token }, 400], ['ops', { auth_token: token, event: 'x'.repeat(33) }, 400],
      ['nope', { auth_token: token, event: 'reload' }, 404]]) {
      res = await post(slug, body);
      const text = await res.text();
      assert.equal(res.status, code, `POST /dashboards/${slug} ${JSON.stringify(body)}`);
      if (code === 400)
        assert.equal(JSON.parse(text).field, 'event', text);
    }
  } finally {
    ops.close();
    sales.close();
  }
  // nchan gives a new subscriber the channel's last message: a page that
  // opens (or reloads) later gets the event again, and must be able to tell
  // it is old news. Its id starts with the time it was published.
  const opened = Date.now();
  const late = await open('ops');
  try {
    await new Promise((r) => setTimeout(r, 1000));
    for (const m of late.messages.filter((x) => x.data?.event)) {
      const sent = parseInt(m.id, 10) * 1000;
      assert.ok(Number.isFinite(sent), `a replayed event without a time in its id: ${JSON.stringify(m)}`);
      assert.ok(sent <= opened, `a replayed event looks newer (${sent}) than the connection (${opened}): ${JSON.stringify(m)}`);
    }
  } finally {
    late.close();
  }
});

// Page passes (lib/pass.h): the login gives the browser a page pass, and
// nginx then keeps each user's page for a second, filling in each session's
// own CSRF token. Nothing a user sees may cross between users or sessions.
test('with a page pass nginx keeps each user\'s page briefly, with each session\'s own CSRF token', async () => {
  PW.pia = 'pia-password-4';
  PW.otto = 'otto-password-5';
  await addUser('pia', PW.pia, true);
  await addUser('otto', PW.otto);
  assert.equal((await s.mdash(['user', 'grant', 'otto', 'ops'])).code, 0);
  /** A login as a browser keeps it: the session and the page pass. */
  const browser = async (name) => {
    const l = await login(name, PW[name], { next: '/d/ops' });
    assert.equal(l.status, 302, l.body);
    const line = l.setCookie.split('\n').find((c) => c.startsWith('mdash_page='));
    assert.match(line ?? '', /^mdash_page=\d+\.[0-9a-f]{64}\.\d+\.[\w-]{22}; Path=\/; HttpOnly; SameSite=Lax$/,
      `the login gives a page pass, for the browser's session as the session cookie: ${l.setCookie}`);
    const expires = Number(/^mdash_page=\d+\.[0-9a-f]+\.(\d+)\./.exec(line)[1]) - Date.now() / 1000;
    assert.ok(expires > 4 * 60 && expires < 6 * 60, `a page pass good for ${expires} s`);
    const pass = /^mdash_page=([^;]+)/.exec(line)[1];
    const get = (p, { cookies = `mdash_session=${l.cookie}; mdash_page=${pass}`, ...init } = {}) =>
      s.get(p, { ...init, headers: { Cookie: cookies, ...(init.headers || {}) } });
    // The token as the app writes it, without the pass.
    const own = csrfOf(await (await s.get('/d/ops', { headers: { Cookie: `mdash_session=${l.cookie}` } })).text());
    return { cookie: l.cookie, pass, get, own };
  };
  const load = async (b, p = '/d/ops', init) => {
    const res = await b.get(p, init);
    return { res, html: await res.text(), cache: res.headers.get('x-page-cache') };
  };
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));

  const pia1 = await browser('pia');
  const pia2 = await browser('pia');
  const otto = await browser('otto');
  assert.notEqual(pia1.own, pia2.own);
  await wait(1100); // past any copy made by the logins' redirects
  let a = await load(pia1);
  assert.equal(a.res.status, 200);
  assert.ok(['MISS', 'EXPIRED'].includes(a.cache), `the first load: ${a.cache}`);
  // Four loads in a row: at most one crosses into a new second, where the
  // copy ends. A slow machine may cross two: then the loads are tried again.
  let hits = [];
  const kept = () => hits.filter((h) => h === 'HIT' || h === 'UPDATING').length;
  for (let round = 0; round < 3 && kept() < 3; round++) {
    hits = [];
    for (const b of [pia1, pia2, pia1, pia2]) {
      const r = await load(b);
      hits.push(r.cache);
      assert.equal(csrfOf(r.html), b.own, 'a kept page carries the session\'s own CSRF token');
      const logoutForm = /<form\b[^>]*class="logout"[^>]*>[\s\S]*?<\/form>/.exec(r.html)?.[0] ?? '';
      assert.equal(attributes(/<input\b[^>]*name="csrf"[^>]*>/.exec(logoutForm)?.[0] ?? '<i>').value, b.own);
      assert.doesNotMatch(r.html, /mdash-csrf/, 'the mark was left in the page');
      assert.match(r.html, /<span class="user">pia<\/span>/);
      assert.equal(r.res.headers.get('set-cookie'), null);
      assert.equal(r.res.headers.get('cache-control'), 'no-store', 'browsers must not keep the page');
    }
  }
  assert.ok(kept() >= 3, `loads within a second come from nginx: ${hits}`);
  // Another user never gets pia's copy: nav, name and admin controls are hers.
  const o = await load(otto);
  assert.match(o.html, /<span class="user">otto<\/span>/);
  assert.doesNotMatch(o.html, /Secret plans|edit-layout/, 'otto got pia\'s page');
  assert.equal(csrfOf(o.html), otto.own);
  // pia's pass with otto's session: the app answers for otto, nginx keeps
  // nothing under pia's name, and otto gets a pass of his own. (While pia's
  // copy is fresh, her pass gets it: the pass alone is the credential.)
  await wait(1100);
  const mixed = await load(otto, '/d/ops', { cookies: `mdash_session=${otto.cookie}; mdash_page=${pia1.pass}` });
  assert.match(mixed.html, /<span class="user">otto<\/span>/);
  assert.equal(csrfOf(mixed.html), otto.own);
  assert.match(mixed.res.headers.get('set-cookie') ?? '', /^mdash_page=\d+\./);
  for (let i = 0; i < 3; i++) assert.match((await load(pia1)).html, /<span class="user">pia<\/span>/, 'otto\'s page was kept for pia');
  // A cookie planted beside the browser's own (another case, read first by
  // nginx): nginx checks otto's pass, the app reads pia's. The app must judge
  // the pass nginx checked, or pia's page would be kept under otto's name.
  await wait(1100);
  const planted = await load(pia1, '/d/ops', { cookies: `MDASH_PAGE=${otto.pass}; mdash_session=${pia1.cookie}; mdash_page=${pia1.pass}` });
  assert.match(planted.html, /<span class="user">pia<\/span>/);
  for (let i = 0; i < 3; i++) {
    const r = await load(otto);
    assert.match(r.html, /<span class="user">otto<\/span>/, `pia's page was kept under otto's name (${r.cache})`);
    assert.doesNotMatch(r.html, new RegExp(pia1.own), 'pia\'s token in otto\'s page');
  }
  // A bad pass: the app answers as without one, and gives a good one.
  const bad = await load(pia1, '/d/ops', { cookies: `mdash_session=${pia1.cookie}; mdash_page=${pia1.pass.slice(0, -2)}AA` });
  assert.equal(bad.cache, 'BYPASS');
  assert.equal(csrfOf(bad.html), pia1.own);
  assert.match(bad.res.headers.get('set-cookie') ?? '', /^mdash_page=/);
  // Fresh data within about a second, and at once for a page that asks.
  const push = (v) => s.get('/widgets/orders', { method: 'POST', body: JSON.stringify({ auth_token: token, current: v }) });
  await load(pia1);
  assert.equal((await push(4242)).status, 204);
  const fresh = await load(pia1, '/d/ops', { cookies: `mdash_session=${pia1.cookie}; mdash_page=${pia1.pass}; mdash_fresh=1` });
  assert.equal(fresh.cache, 'BYPASS');
  assert.equal(byClass(widgetElement(fresh.html, 'orders').html, 'value')?.text, '4,242');
  assert.equal((await push(4343)).status, 204);
  const pushedAt = Date.now();
  let shown;
  while (Date.now() - pushedAt < 5000) {
    shown = byClass(widgetElement((await load(pia2)).html, 'orders').html, 'value')?.text;
    if (shown === '4,343') break;
    await wait(50);
  }
  assert.equal(shown, '4,343');
  assert.ok(Date.now() - pushedAt < 2500, `a kept page was older than two seconds: ${Date.now() - pushedAt} ms`);
  // After a quiet spell, no old copy at all, even to a burst of loads.
  assert.equal((await push(4444)).status, 204);
  await wait(2200);
  const burst = await Promise.all([pia1, pia2, pia1, pia2, pia1].map((b) => load(b)));
  assert.deepEqual(burst.map((r) => byClass(widgetElement(r.html, 'orders').html, 'value')?.text),
    Array(5).fill('4,444'), `copies older than two seconds: ${burst.map((r) => r.cache)}`);
  // HEAD is kept apart: a GET after it still gets the whole page.
  await wait(1100);
  assert.equal((await pia1.get('/d/ops', { method: 'HEAD' })).status, 200);
  a = await load(pia1);
  assert.ok(widgetElement(a.html, 'orders'), `a GET after a HEAD got: ${a.html.slice(0, 200)}`);
  // Logout drops the pass; and a pass whose session has ended gets the
  // login page from the app, which drops the pass too.
  const res = await pia2.get('/logout', { method: 'POST', headers: { 'X-CSRF-Token': pia2.own } });
  await res.text();
  assert.match(res.headers.get('set-cookie') ?? '', /(^|, )mdash_page=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
  const ended = await load(pia2, '/d/ops', { cookies: `mdash_session=${pia2.cookie}; mdash_page=${pia2.pass}; mdash_fresh=1` });
  assert.equal(ended.res.status, 302);
  assert.match(ended.res.headers.get('set-cookie') ?? '', /^mdash_page=;.*Max-Age=0/);
});

// A share link's page, and its fragments with a pass, come from nginx's
// cache like a logged-in user's, at the same address (/widget/<name>: one
// copy per version for both), and the app takes the pass alone on a miss;
// revoking the link still ends access: its stream at once, a new load of
// its page within 2 s (at once for the page that reloads because of the
// revocation: mdash_fresh).
test('a share link\'s page and fragments come from nginx\'s cache; revoked, it loses them within 2 s', async () => {
  const add = await s.mdash(['share', 'add', 'ops']);
  assert.equal(add.code, 0, show(add));
  const link = new URL(add.stdout.trim().split('\n').pop(), s.base).pathname;
  const id = (await s.mdash(['share', 'list'])).stdout.trim().split('\n').pop().split('\t')[0];
  const load = async (init) => {
    const res = await s.get(link, init);
    return { res, html: await res.text(), cache: res.headers.get('x-page-cache') };
  };
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  let hits = [];
  const kept = () => hits.filter((h) => h === 'HIT' || h === 'UPDATING').length;
  for (let round = 0; round < 3 && kept() < 2; round++) {
    await wait(1100);
    hits = [];
    for (let i = 0; i < 3; i++) {
      const r = await load();
      hits.push(r.cache);
      assert.equal(r.res.status, 200);
      assert.ok(widgetElement(r.html, 'orders'), 'the shared dashboard');
      assert.equal(r.res.headers.get('set-cookie'), null);
      assert.equal(r.res.headers.get('cache-control'), 'no-store', 'browsers must not keep the page');
    }
  }
  assert.ok(kept() >= 2, `loads within a second come from nginx: ${hits}`);
  // The page names the site's base, where its script fetches fragments
  // with passes; the link's own routes stay its base.
  const page = (await load()).html;
  assert.equal(attributes(/<meta name="mdash-site"[^>]*>/.exec(page)?.[0] ?? '<meta>').content, '/', 'the site\'s base on the link\'s page');
  assert.equal(attributes(/<meta name="mdash-base"[^>]*>/.exec(page)?.[0] ?? '<meta>').content, `${link}/`);
  // A fragment with the pass from the link's JSON, asked for without a
  // session at the site's address: the app renders the version once (the
  // pass is all it is shown), then nginx gives copies, to the link's
  // viewers and to signed-in ones alike.
  const json = await (await s.get(`${link}/api/dashboards/ops`)).json();
  const w = json.widgets.find((x) => x.name === 'orders');
  assert.ok(w.pass, 'the link\'s JSON gives fragment passes');
  await s.mdash(['push', 'orders', '{"current": 4242}']);
  const version = w.version + 1;
  const frag = async (q, at = '') => {
    const res = await s.get(`${at}/widget/orders?${q}`);
    return { status: res.status, cache: res.headers.get('x-fragment-cache'), html: await res.text() };
  };
  const f1 = await frag(`v=${version}&${w.pass}`);
  const f2 = await frag(`v=${version}&${w.pass}`);
  assert.equal(f1.status, 200, f1.html);
  assert.equal(f1.cache, 'MISS', 'the new version was rendered by the app, for a pass without a session');
  assert.equal(f2.cache, 'HIT', `the second fetch of a version comes from nginx: ${f1.cache} ${f2.cache}`);
  assert.equal(f2.html, f1.html);
  assert.match(f1.html, new RegExp(`data-version="${version}"`));
  assert.match(f1.html, /4,242/);
  const root = await session('root');
  const signedIn = await (await root.get('/api/dashboards/ops')).json();
  const mine = await root.get(`/widget/orders?v=${version}&${signedIn.widgets.find((x) => x.name === 'orders').pass}`);
  assert.equal(mine.headers.get('x-fragment-cache'), 'HIT', 'a signed-in page gets the copy the link\'s viewers made');
  assert.equal(await mine.text(), f1.html);
  assert.equal((await frag(`v=${version}&${w.pass.replace(/p=[\w-]+/, 'p=AAAAAAAAAAAAAAAAAAAAAA')}`)).status, 403, 'a forged pass');
  // Without a session, the pass opens its own widget on its own dashboard only.
  const bare = await s.get(`/widget/orders?v=${version}`, { redirect: 'manual' });
  assert.ok([302, 401].includes(bare.status), `no pass, no session: ${bare.status}`);
  assert.doesNotMatch(await bare.text(), /4,242/);
  assert.equal((await s.get(`/widget/plans?v=1&${w.pass}`)).status, 403, 'another widget with this pass');
  // A widget moved off the dashboard: nginx still takes its old pass, the app does not.
  const notes = json.widgets.find((x) => x.name === 'notes');
  let r = await s.mdash(['widget', 'set', 'notes', 'dashboard=secret']);
  assert.equal(r.code, 0, show(r));
  try {
    await s.mdash(['push', 'notes', '{"text": "moved to the secret plans"}']);
    const moved = await s.get(`/widget/notes?v=${notes.version + 1}&${notes.pass}`);
    const body = await moved.text();
    assert.equal(moved.status, 404, `the old dashboard's pass of a moved widget: ${moved.status}`);
    assert.doesNotMatch(body, /moved to the secret plans/);
  } finally {
    r = await s.mdash(['widget', 'set', 'notes', 'dashboard=ops']);
    assert.equal(r.code, 0, show(r));
  }
  // The link's own address still answers without a pass (passes off).
  assert.equal((await frag('', link)).status, 200, 'the link\'s fragment without a pass');
  // An open stream of the link, then the revocation.
  const stream = await sse(`${s.base}${link}/sub/d/ops`);
  assert.equal(stream.status, 200);
  await load(); // a copy made just before the revocation
  const rm = await s.mdash(['share', 'rm', id]);
  assert.equal(rm.code, 0, show(rm));
  await stream.find((m) => m.event === 'reload', 5000);
  await waitFor(() => stream.ended, { ms: 5000, message: 'the revoked link\'s stream ends' });
  assert.notEqual((await sse(`${s.base}${link}/sub/d/ops`)).status, 200, 'a revoked link opens a stream');
  const fresh = await load({ headers: { Cookie: 'mdash_fresh=1' } });
  assert.notEqual(fresh.res.status, 200, 'the page reloading because of the revocation got the dashboard');
  assert.notEqual((await frag('')).status, 200, 'a revoked link\'s fragment without a pass');
  await wait(2100);
  const late = await load();
  assert.notEqual(late.res.status, 200, `a revoked link's page 2 s later (${late.cache})`);
  assert.equal(widgetElement(late.html, 'orders'), null);
});

// The streams the app hands to nchan keep small buffers for its answer
// (nginx/mdash-site.conf.in): they must still hold the longest channel list.
test('a dashboard whose channel list nears nchan\'s 1,024 bytes streams through the app, to a share link\'s page and to a signed-in one', async () => {
  const names = Array.from({ length: 15 }, (_, i) => `w${String(i).padStart(2, '0')}-${'x'.repeat(56)}`);
  await s.apply({ dashboards: [{ slug: 'wide', title: 'Wide', widgets: names.map((name) => ({ name, type: 'number', source: { kind: 'push' } })) }] });
  const add = await s.mdash(['share', 'add', 'wide']);
  assert.equal(add.code, 0, show(add));
  const link = new URL(add.stdout.trim().split('\n').pop(), s.base).pathname;
  const root = await session('root');
  for (const [who, url, headers] of [['a share link\'s page', `${s.base}${link}/sub/d/wide`, {}],
    ['a signed-in page without a pass', `${s.base}/sub/d/wide`, { Cookie: `mdash_session=${root.cookie}` }]]) {
    const stream = await sse(url, { headers });
    try {
      assert.equal(stream.status, 200, `${who}: the stream of a dashboard of 15 widgets of 60 characters`);
      const last = names.at(-1);
      const push = await s.get(`/widgets/${last}`, { method: 'POST', body: JSON.stringify({ auth_token: token, current: 7 }) });
      assert.equal(push.status, 204);
      await stream.find((d) => d?.widget === last, 5000);
    } finally {
      stream.close();
    }
  }
});

// Stream passes (lib/pass.h): the dashboard's JSON signs the page's stream
// address, and nginx hands such a stream to nchan without the app.
test('a stream pass from the dashboard\'s JSON opens the push stream without the app; altered or expired ones are refused', async () => {
  const root = await session('root');
  const json = await (await root.get('/api/dashboards/ops')).json();
  assert.match(json.stream ?? '', /^c=_d_ops,_x_[0-9a-f]+,orders,notes&e=\d+&p=[\w-]{22}$/,
    'the stream pass names the dashboard\'s, the session\'s and every widget\'s channel');
  const expires = Number(/e=(\d+)/.exec(json.stream)[1]) - Date.now() / 1000;
  assert.ok(expires > 100 && expires <= 120, `a stream pass good for ${expires} s (2 minutes: the stream carries data)`);
  // The pass alone is the credential: no cookie.
  const stream = await sse(`${s.base}/sub/d/ops?${json.stream}`);
  try {
    assert.equal(stream.status, 200);
    const res = await s.get('/widgets/orders', { method: 'POST', body: JSON.stringify({ auth_token: token, current: 77 }) });
    assert.equal(res.status, 204);
    const m = await stream.next((d) => d.widget === 'orders' && d.version, 3000);
    assert.equal(m.widget, 'orders');
    // Logging out says "reload" on the session's channel, which the pass names.
    const csrf = await root.csrf();
    const out = await root.get('/logout', { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
    assert.equal(out.status, 302);
    assert.equal((await stream.next((d) => d.event === 'reload', 3000)).event, 'reload');
  } finally {
    stream.close();
  }
  const key = /"([0-9a-f]+)"/.exec(await readFile(path.join(s.dir, 'fragment-key.conf'), 'utf8'))[1];
  const sign = (slug, c, e) => `c=${c}&e=${e}&p=${createHash('md5').update(`${e}/sub/d/${slug} ${c} ${key}`).digest('base64url')}`;
  const [, c, e] = /^c=([^&]+)&e=(\d+)/.exec(json.stream);
  assert.equal(sign('ops', c, e), json.stream, 'the test signs as the app does');
  const code = async (p) => { const r = await s.get(p, { headers: { Accept: 'text/event-stream' } }); await r.body?.cancel(); return r.status; };
  assert.equal(await code(`/sub/d/secret?${json.stream}`), 403, 'another dashboard\'s address');
  assert.equal(await code(`/sub/d/ops?${json.stream.replace('notes', 'plans')}`), 403, 'another channel list');
  assert.equal(await code(`/sub/d/ops?${json.stream.replace(/p=(.)/, (_, x) => `p=${x === 'A' ? 'B' : 'A'}`)}`), 403, 'an altered signature');
  assert.equal(await code(`/sub/d/ops?${sign('ops', c, Math.floor(Date.now() / 1000) - 5)}`), 410, 'an expired pass');
});

// A share link's page gets a stream pass too (the status page's thousands of
// anonymous viewers cost nginx no request to the app each): it names the
// link's channel, on which revoking the link says "reload" and ends the
// stream; a revoked link's JSON is refused, so a new load gets no pass.
test('a share link\'s JSON gives a stream pass that nginx checks at the link\'s address; revoked, the stream reloads and ends and no new pass is given', async () => {
  const share = await s.mdash(['share', 'add', 'ops']);
  assert.equal(share.code, 0, show(share));
  const id = (await s.mdash(['share', 'list'])).stdout.trim().split('\n').pop().split('\t')[0];
  const link = new URL(share.stdout.trim().split('\n').pop(), s.base).pathname.replace(/\/?$/, '/');
  const shared = await (await s.get(`${link}api/dashboards/ops`)).json();
  assert.match(shared.stream ?? '', new RegExp(`^c=_d_ops,_s_${id},orders,notes&e=\\d+&p=[\\w-]{22}$`),
    'the pass names the dashboard\'s, the link\'s and every widget\'s channel');
  const code = async (p) => { const r = await s.get(p, { headers: { Accept: 'text/event-stream' } }); await r.body?.cancel(); return r.status; };
  // nginx checks it (the app, which checks the link, would not look at p).
  assert.equal(await code(`${link}sub/d/ops?${shared.stream.replace('notes', 'plans')}`), 403, 'another channel list');
  assert.equal(await code(`${link}sub/d/secret?${shared.stream}`), 403, 'another dashboard\'s address');
  const stream = await sse(`${s.base}${link}sub/d/ops?${shared.stream}`);
  try {
    assert.equal(stream.status, 200);
    const res = await s.get('/widgets/orders', { method: 'POST', body: JSON.stringify({ auth_token: token, current: 78 }) });
    assert.equal(res.status, 204);
    assert.equal((await stream.next((d) => d.widget === 'orders' && d.version, 3000)).widget, 'orders');
    const rm = await s.mdash(['share', 'rm', id]);
    assert.equal(rm.code, 0, show(rm));
    assert.equal((await stream.next((d) => d.event === 'reload', 3000)).dashboard, '*');
    await waitFor(() => stream.ended, { ms: 5000, message: 'the revoked link\'s stream ends' });
  } finally {
    stream.close();
  }
  const gone = await s.get(`${link}api/dashboards/ops`);
  await gone.body?.cancel();
  assert.ok([403, 404].includes(gone.status), `a revoked link's JSON: ${gone.status}`);
  // Without a pass, the link's stream goes through the app, which refuses it.
  assert.ok([403, 404].includes(await code(`${link}sub/d/ops`)), 'a revoked link\'s stream without a pass');
});
