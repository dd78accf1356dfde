// SPDX-License-Identifier: MIT
// Pages and fragments as a browser without JavaScript sees them: values
// rendered in place, the grid, fragments, JSON APIs, 404s, security headers
// and HTML escaping. One private stack (MariaDB + nginx/nchan + the app).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startStack, sse, sleep, waitFor, widgetElement, byClass, textOf } from '../harness/stack.mjs';

let s;
let token;

const dash = (port) => ({
  slug: 'ops',
  title: 'Ops <Board> & "Co"',
  widgets: [
    { name: 'signups', type: 'number', title: 'Sign-ups', sizex: 2, sizey: 1, interval: 60,
      source: { kind: 'http', url: `http://127.0.0.1:${port}/demo/signups.json`, pointer: '/stats/signups' } },
    { name: 'motd', type: 'text', title: 'Message <i>of</i> the day',
      source: { kind: 'exec', command: ['/bin/echo', '{"text":"hello from exec"}'] } },
    { name: 'deploys', type: 'list', title: 'Deploys', source: { kind: 'push' } },
    { name: 'load', type: 'meter', title: 'Load', sizex: 1, sizey: 2, options: { min: 0, max: 200 },
      source: { kind: 'exec', command: ['/bin/echo', '{"value":150}'] } },
    { name: 'big_one', type: 'number', title: 'Big', sizex: 3, sizey: 2, source: { kind: 'push' } },
    { name: 'note-2', type: 'text', title: 'Note', source: { kind: 'push' } },
    { name: 'old_one', type: 'text', title: 'Old', interval: 60,
      source: { kind: 'exec', command: ['/bin/echo', '{"text":"from long ago"}'] } },
  ],
});

async function page(path) {
  const res = await s.get(path);
  return { res, html: await res.text() };
}

function mustWidget(html, name) {
  const el = widgetElement(html, name);
  assert.ok(el, `no element with data-widget="${name}" in the page:\n${html.slice(0, 3000)}`);
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

before(async () => {
  s = await startStack();
  await s.writeDemo('signups.json', { stats: { signups: 1234 } });
  await s.apply({ dashboards: [dash(s.port)] });
  const up = await s.mdash(['update']);
  assert.equal(up.code, 0, `mdash update failed:\n${up.stdout}${up.stderr}`);
  const t = await s.mdash(['token', 'add', 'pages-test']);
  assert.equal(t.code, 0, t.stderr);
  token = t.stdout.trim().split('\n').pop();
});

after(async () => { await s?.stop(); });

test('GET / redirects to the only dashboard', async () => {
  const res = await s.get('/');
  assert.equal(res.status, 302);
  assert.equal(new URL(res.headers.get('location'), s.base).pathname, '/d/ops');
});

test('the dashboard page shows every value without JavaScript', async () => {
  const { res, html } = await page('/d/ops');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  const signups = mustWidget(html, 'signups');
  assert.equal(byClass(signups.html, 'value')?.text, '1,234', 'number widget shows its value with a thousands separator');
  assert.equal(byClass(signups.html, 'widget-title')?.text, 'Sign-ups');
  assert.match(textOf(mustWidget(html, 'motd').html), /hello from exec/);
  assert.equal(byClass(mustWidget(html, 'load').html, 'value')?.text, '150');
  for (const name of ['signups', 'motd', 'load']) {
    const el = mustWidget(html, name);
    assert.equal(el.attrs['data-state'], 'ok', `${name} state`);
    assert.equal(el.attrs['data-version'], '1', `${name} version after one update`);
    const time = /<time\b[^>]*datetime="([^"]+)"/.exec(byClass(el.html, 'updated')?.html ?? '');
    assert.ok(time, `${name} has an .updated time[datetime]`);
    assert.ok(Math.abs(Date.parse(time[1]) - Date.now()) < 120000, `${name} updated time ${time[1]} is about now`);
  }
  // A push widget that never got data is there, empty, and says so.
  const deploys = mustWidget(html, 'deploys');
  assert.equal(deploys.attrs['data-version'], '0');
  assert.doesNotMatch(deploys.html, /widget-error/);
  // The page loads the live-update script from the same origin.
  assert.match(html, /<script\b[^>]*src="\/static\/mdash\.js"/);
  const js = await s.get('/static/mdash.js');
  assert.equal(js.status, 200);
});

test('every widget carries the markup hooks, and grid placement follows sizex/sizey', async () => {
  const { html } = await page('/d/ops');
  const columns = Number(/data-columns="(\d+)"/.exec(html)?.[1] ?? 0);
  assert.ok(columns > 0, 'the dashboard states its number of columns');
  const cells = new Map();
  const expect = { signups: [2, 1], load: [1, 2], big_one: [3, 2] };
  for (const w of dash(s.port).widgets) {
    const el = mustWidget(html, w.name);
    const a = el.attrs;
    assert.equal(a['data-type'], w.type, `${w.name} data-type`);
    assert.match(a['data-state'], /^(ok|stale|error)$/, `${w.name} data-state`);
    for (const k of ['data-col', 'data-row', 'data-sizex', 'data-sizey', 'data-version']) {
      assert.match(a[k] ?? '', /^\d+$/, `${w.name} ${k}="${a[k]}"`);
    }
    const [col, row, sx, sy] = ['data-col', 'data-row', 'data-sizex', 'data-sizey'].map((k) => Number(a[k]));
    if (expect[w.name]) assert.deepEqual([sx, sy], expect[w.name], `${w.name} size`);
    assert.ok(col >= 1 && row >= 1 && sx >= 1 && sy >= 1, `${w.name} position ${col},${row} size ${sx}x${sy}`);
    assert.ok(col + sx - 1 <= columns, `${w.name} at column ${col} with sizex ${sx} fits in ${columns} columns`);
    const style = (a.style || '').replace(/\s+/g, ' ');
    assert.match(style, new RegExp(`grid-column: ?${col} / span ${sx}\\b`), `${w.name} style="${a.style}"`);
    assert.match(style, new RegExp(`grid-row: ?${row} / span ${sy}\\b`), `${w.name} style="${a.style}"`);
    // No two widgets share a grid cell.
    for (let c = col; c < col + sx; c++) {
      for (let r = row; r < row + sy; r++) {
        const other = cells.get(`${c},${r}`);
        assert.equal(other, undefined, `${w.name} overlaps ${other} at column ${c}, row ${r}`);
        cells.set(`${c},${r}`, w.name);
      }
    }
  }
  // The default size of a list widget is taller than one cell (as in the seed).
  assert.equal(mustWidget(html, 'deploys').attrs['data-type'], 'list');
});

test('GET /widget/<name> is exactly the element in the page', async () => {
  const { html } = await page('/d/ops');
  for (const name of ['signups', 'motd', 'deploys', 'load']) {
    const res = await s.get(`/widget/${name}`);
    assert.equal(res.status, 200, `/widget/${name}`);
    assert.match(res.headers.get('content-type'), /^text\/html/);
    const frag = (await res.text()).trim();
    assert.equal(frag, mustWidget(html, name).html, `fragment of ${name} differs from the page's element`);
  }
});

test('JSON APIs: one widget and one dashboard', async () => {
  let res = await s.get('/api/widgets/signups');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const w = await res.json();
  assert.equal(w.name, 'signups');
  assert.equal(w.type, 'number');
  assert.equal(w.title, 'Sign-ups');
  assert.equal(w.dashboard, 'ops');
  assert.equal(w.value.current, 1234);
  assert.equal(w.status, 'ok');
  assert.equal(w.version, 1);
  assert.equal(w.error, null);
  assert.ok(!Number.isNaN(Date.parse(w.updated_at)), `updated_at ${w.updated_at}`);

  res = await s.get('/api/dashboards/ops');
  assert.equal(res.status, 200);
  const d = await res.json();
  assert.equal(d.slug, 'ops');
  assert.equal(d.title, 'Ops <Board> & "Co"');
  assert.deepEqual(d.widgets.map((x) => x.name).sort(), dash(s.port).widgets.map((x) => x.name).sort());
  const dep = d.widgets.find((x) => x.name === 'deploys');
  assert.equal(dep.version, 0);
  assert.equal(dep.updated_at, null);
});

test('a pushed list and a large number show on the page', async () => {
  await push('deploys', { items: [{ label: 'api v2', value: 3 }, { label: 'web', value: 12 }] });
  await push('big_one', { current: 1234567 });
  const { html } = await page('/d/ops');
  const dep = mustWidget(html, 'deploys');
  assert.equal(dep.attrs['data-version'], '1');
  const text = textOf(dep.html);
  assert.match(text, /api v2\s*3/);
  assert.match(text, /web\s*12/);
  assert.ok(text.indexOf('api v2') < text.indexOf('web'), 'items keep their order');
  // Dashing shortens big numbers; either form is fine, a raw 1234567 is not.
  assert.match(byClass(mustWidget(html, 'big_one').html, 'value')?.text ?? '', /^(1,234,567|1\.23 ?M)$/);
});

test('data older than its interval is marked stale, and still shown', async () => {
  let el = widgetElement((await page('/d/ops')).html, 'old_one');
  assert.equal(el.attrs['data-state'], 'ok');
  // The last update was ten minutes ago; the interval is 60 s.
  const cols = (await s.sql("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='mdash' "
    + "AND TABLE_NAME='widgets' AND DATA_TYPE IN ('datetime','timestamp')")).flat();
  await s.sql(`UPDATE widgets SET ${cols.map((c) => `\`${c}\` = \`${c}\` - INTERVAL 10 MINUTE`).join(', ')} WHERE name = 'old_one'`);
  for (const p of ['/d/ops', '/widget/old_one']) {
    el = widgetElement((await page(p)).html, 'old_one');
    assert.equal(el.attrs['data-state'], 'stale', `${p}: data-state of a widget 10 min behind a 60 s interval`);
    assert.match(textOf(el.html), /from long ago/);
  }
  const w = await (await s.get('/api/widgets/old_one')).json();
  assert.equal(w.status, 'stale');
  // Push widgets have no interval and never go stale.
  assert.equal(widgetElement((await page('/d/ops')).html, 'deploys').attrs['data-state'], 'ok');
});

test('unknown dashboards, widgets and paths, and bad identifiers, get 404', async () => {
  const cases = ['/d/nope', '/widget/nope', '/nope', '/d/Bad', '/widget/Bad', '/widget/a%2Fb', '/d/a%2Fb',
    '/widget/-x', `/d/${'a'.repeat(65)}`, '/d/ops/extra'];
  for (const p of cases) {
    const res = await s.get(p);
    const body = await res.text();
    assert.equal(res.status, 404, `GET ${p} answered ${res.status}`);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/, `GET ${p} content type`);
    assert.match(body, /not found/i, `GET ${p}: the 404 page says what happened`);
  }
  // A 64-character name is valid syntax (so it is an unknown widget, not a crash).
  assert.equal((await s.get(`/widget/${'a'.repeat(64)}`)).status, 404);
  for (const p of ['/api/widgets/nope', '/api/widgets/Bad', '/api/dashboards/nope']) {
    const res = await s.get(p);
    await res.text();
    assert.equal(res.status, 404, `GET ${p} answered ${res.status}`);
  }
});

test('security headers on pages, fragments, APIs and errors', async () => {
  const paths = ['/d/ops', '/widget/signups', '/api/widgets/signups', '/api/dashboards/ops', '/nope', '/healthz', '/'];
  for (const p of paths) {
    const res = await s.get(p);
    await res.arrayBuffer();
    const csp = res.headers.get('content-security-policy');
    assert.ok(csp, `GET ${p}: no Content-Security-Policy`);
    const scriptSrc = (/(?:^|;)\s*script-src ([^;]*)/.exec(csp) || /(?:^|;)\s*default-src ([^;]*)/.exec(csp))?.[1];
    assert.ok(scriptSrc, `GET ${p}: CSP restricts scripts: ${csp}`);
    assert.doesNotMatch(scriptSrc, /unsafe-inline|unsafe-eval|\*/, `GET ${p}: CSP script sources "${scriptSrc}"`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `GET ${p}: X-Content-Type-Options`);
  }
  const bad = await s.get('/widgets/motd', { method: 'POST', body: '{"auth_token":"wrong"}' });
  await bad.text();
  assert.equal(bad.status, 401);
  assert.ok(bad.headers.get('content-security-policy'), 'the 401 answer has a CSP');
  assert.equal(bad.headers.get('x-content-type-options'), 'nosniff');
});

test('static files carry X-Content-Type-Options: nosniff too', async () => {
  // The page's script and style come from nginx's /static/ location, not the app.
  for (const p of ['/static/mdash.js', '/static/mdash/stream.js', '/static/mdash.css', '/static/nope.js', '/static/mdash/nope.js']) {
    const res = await s.get(p);
    await res.arrayBuffer();
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `GET ${p} (${res.status}): X-Content-Type-Options`);
  }
});

test('the page script is ES modules with a JavaScript type, checked anew by every load', async () => {
  // A browser runs a module only with a JavaScript MIME type; the parts
  // import each other, so none may be an old cached copy beside a new one.
  assert.match((await page('/d/ops')).html, /<script type="module" src="\/static\/mdash\.js"><\/script>/);
  for (const p of ['/static/mdash.js', '/static/mdash/stream.js', '/static/mdash/layout.js']) {
    const res = await s.get(p);
    const body = await res.text();
    assert.equal(res.status, 200, `GET ${p}`);
    assert.match(res.headers.get('content-type') ?? '', /^(application|text)\/javascript\b/, `GET ${p}: Content-Type`);
    assert.match(res.headers.get('cache-control') ?? '', /no-cache/, `GET ${p}: Cache-Control`);
    assert.match(body, /^\/\* SPDX-License-Identifier: MIT \*\//, `GET ${p} is the file`);
  }
});

test('pushed markup is escaped, never rendered', async () => {
  await push('note-2', { text: '<script>alert(1)</script> & <img src=x onerror=alert(2)>' });
  for (const p of ['/d/ops', '/widget/note-2']) {
    const { html } = await page(p);
    const el = mustWidget(html, 'note-2');
    assert.match(el.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, `${p} shows the text escaped`);
    assert.doesNotMatch(html, /<script>alert\(1\)/, `${p} contains a live <script> from pushed data`);
    assert.doesNotMatch(html, /<img src=x/i, `${p} contains a live <img> from pushed data`);
    assert.match(el.html, /&amp; &lt;img/, `${p} escapes & and <`);
  }
  // Titles from the declarative file are escaped too, in the body and in <title>.
  const { html } = await page('/d/ops');
  assert.doesNotMatch(html, /<i>of<\/i>/, 'widget title markup is rendered as HTML');
  assert.match(html, /Message &lt;i&gt;of&lt;\/i&gt; the day/);
  assert.doesNotMatch(html, /Ops <Board>/, 'dashboard title markup is rendered as HTML');
  assert.match(html, /<title>[^<]*Ops &lt;Board&gt; &amp; (&quot;|&#34;|")Co/);
  // A pushed list label cannot break out of its element either.
  await push('deploys', { items: [{ label: '"><script>alert(3)</script>', value: 1 }] });
  const frag = await (await s.get('/widget/deploys')).text();
  assert.doesNotMatch(frag, /<script>alert\(3\)/);
  assert.match(frag, /&lt;script&gt;alert\(3\)/);
});

test('a second dashboard turns GET / into a list of dashboards', async () => {
  await s.apply({ dashboards: [{ slug: 'sales', title: 'Sales', widgets: [{ name: 'sales_n', type: 'number', source: { kind: 'push' } }] }] });
  const res = await s.get('/');
  const html = await res.text();
  assert.equal(res.status, 200, `GET / with two dashboards answered ${res.status}`);
  assert.match(html, /href="\/d\/ops"/);
  assert.match(html, /href="\/d\/sales"/);
  assert.match(html, /Sales/);
  // The first dashboard is untouched by applying a file that does not mention it.
  const ops = await (await s.get('/api/dashboards/ops')).json();
  assert.equal(ops.widgets.length, dash(s.port).widgets.length);
});

test('fragments are rendered once per version and never served stale', async () => {
  const frag = async (name) => {
    const res = await s.get(`/widget/${name}`);
    assert.equal(res.status, 200);
    const el = widgetElement(await res.text(), name);
    return { cache: res.headers.get('x-cache'), el, text: textOf(el.html) };
  };
  await push('note-2', { text: 'first' });
  // Each of the app's workers renders a version at most once, then serves it.
  const workers = Number(/^App\.Workers *= *(\d+)/m.exec(await readFile(s.config, 'utf8'))[1]);
  const seen = [];
  for (let i = 0; i < 8; i++) seen.push((await frag('note-2')).cache);
  assert.ok(seen.filter((c) => c === 'miss').length <= workers, `renders of one version by ${workers} workers: ${seen.join(' ')}`);
  assert.ok(seen.includes('hit'), `never served from the cache: ${seen.join(' ')}`);
  // Every kind of change shows at once.
  await push('note-2', { text: 'second' });
  assert.match((await frag('note-2')).text, /second/);
  let r = await s.mdash(['widget', 'set', 'note-2', 'title=Renamed note']);
  assert.equal(r.code, 0, r.stderr);
  assert.match((await frag('note-2')).text, /Renamed note/);
  r = await s.mdash(['widget', 'set', 'note-2', 'col=3', 'row=4']);
  assert.equal(r.code, 0, r.stderr);
  const moved = (await frag('note-2')).el.attrs;
  assert.deepEqual([moved['data-col'], moved['data-row']], ['3', '4']);
  // A widget removed and made again under its name starts from version 1
  // again: the old widget's version 1 must not come back.
  const make = async () => {
    const a = await s.mdash(['widget', 'add', 'cachy', '--type', 'text', 'dashboard=ops', 'title=Cachy']);
    assert.equal(a.code, 0, a.stderr);
  };
  await make();
  await push('cachy', { text: 'the old widget' });
  const v1 = await frag('cachy');
  assert.equal(v1.el.attrs['data-version'], '1');
  assert.match(v1.text, /the old widget/);
  r = await s.mdash(['widget', 'rm', 'cachy']);
  assert.equal(r.code, 0, r.stderr);
  await make();
  await push('cachy', { text: 'brand new' });
  const again = await frag('cachy');
  assert.equal(again.el.attrs['data-version'], '1');
  assert.match(again.text, /brand new/);
});

test('with a pass, nginx serves each version of a fragment from its cache; a bad, expired or moved pass is refused', async () => {
  const passOf = async (name) => (await (await s.get('/api/dashboards/ops')).json()).widgets.find((w) => w.name === name).pass;
  const pass = await passOf('note-2');
  assert.match(pass, /^d=ops&e=\d+&p=[\w-]{22}$/);
  const expires = Number(/e=(\d+)/.exec(pass)[1]) - Date.now() / 1000;
  assert.ok(expires > 14 * 60 && expires < 16 * 60, `a pass good for ${expires} s`);

  await push('note-2', { text: 'served by nginx' });
  const v = (await (await s.get('/api/widgets/note-2')).json()).version;
  const plain = await (await s.get('/widget/note-2')).text();
  // A HEAD first (the app answers it without a body): kept apart from GETs.
  const head = await s.get(`/widget/note-2?v=${v}&${pass}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  const got = [];
  for (let i = 0; i < 6; i++) {
    const res = await s.get(`/widget/note-2?v=${v}&${pass}`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), plain, 'the cached copy differs from the app\'s fragment');
    assert.match(res.headers.get('content-security-policy') || '', /script-src 'self'/, 'the copy keeps the app\'s headers');
    got.push(res.headers.get('x-fragment-cache'));
  }
  assert.deepEqual(got, ['MISS', 'HIT', 'HIT', 'HIT', 'HIT', 'HIT'], 'one request to the app per version');

  // A version not yet made is answered with the current one, and not kept
  // under the future number: when that version comes, it is fresh.
  let res = await s.get(`/widget/note-2?v=${v + 1}&${pass}`);
  assert.match(await res.text(), /served by nginx/);
  await push('note-2', { text: 'the next version' });
  res = await s.get(`/widget/note-2?v=${v + 1}&${pass}`);
  assert.match(await res.text(), /the next version/, 'a copy kept under a future version');

  // Passes nginx refuses: another widget's, an altered one, an expired one.
  const key = /"([0-9a-f]+)"/.exec(await readFile(path.join(s.dir, 'fragment-key.conf'), 'utf8'))[1];
  const sign = (name, d, e) => `d=${d}&e=${e}&p=${createHash('md5').update(`${e}/widget/${name} ${d} ${key}`).digest('base64url')}`;
  assert.equal(sign('note-2', 'ops', /e=(\d+)/.exec(pass)[1]), pass, 'the test signs as the app does');
  const status = async (url) => { const r = await s.get(url); await r.body?.cancel(); return r.status; };
  assert.equal(await status(`/widget/deploys?v=1&${pass}`), 403, 'another widget\'s pass');
  const altered = pass.replace(/p=(.)/, (_, c) => `p=${c === 'A' ? 'B' : 'A'}`);
  assert.equal(await status(`/widget/note-2?v=${v}&${altered}`), 403, 'an altered pass');
  assert.equal(await status(`/widget/note-2?v=${v}&${pass.replace('d=ops', 'd=other')}`), 403, 'a pass for another dashboard');
  assert.equal(await status(`/widget/note-2?v=${v}&${sign('note-2', 'ops', Math.floor(Date.now() / 1000) - 5)}`), 410, 'an expired pass');

  // A widget moved to another dashboard: the old dashboard's passes still
  // pass nginx, but no copy is kept under them any more.
  const r = await s.mdash(['dashboard', 'add', 'elsewhere']);
  assert.equal(r.code, 0, r.stderr);
  const m = await s.mdash(['widget', 'set', 'note-2', 'dashboard=elsewhere']);
  assert.equal(m.code, 0, m.stderr);
  await push('note-2', { text: 'moved' });
  const moved = [];
  for (let i = 0; i < 2; i++) {
    res = await s.get(`/widget/note-2?v=${v + 2}&${pass}`);
    await res.body?.cancel();
    moved.push(res.headers.get('x-fragment-cache'));
  }
  assert.deepEqual(moved, ['MISS', 'MISS'], 'a copy kept for the dashboard the widget left');
});

test('a new fragment key: after nginx reloads, the app\'s new passes are good without a restart', async () => {
  const ops = async () => (await s.get('/api/dashboards/ops')).json();
  const status = async (url) => { const r = await s.get(url, { signal: AbortSignal.timeout(10000) }); await r.body?.cancel(); return r.status; };
  const passOf = (d) => d.widgets.find((w) => w.name === 'deploys').pass;
  const fragment = (d) => `/widget/deploys?v=1&${passOf(d)}`;
  const stream = async (d) => {
    const es = await sse(`${s.base}/sub/d/ops?${d.stream}`);
    es.close();
    return es.status;
  };
  const file = path.join(s.dir, 'fragment-key.conf');
  const signedWith = (d, key) => {
    const e = /e=(\d+)/.exec(passOf(d))[1];
    return passOf(d) === `d=ops&e=${e}&p=${createHash('md5').update(`${e}/widget/deploys ops ${key}`).digest('base64url')}`;
  };
  const before = await ops();
  assert.ok(signedWith(before, /"([0-9a-f]+)"/.exec(await readFile(file, 'utf8'))[1]), 'a pass of the first key');
  assert.equal(await status(fragment(before)), 200);
  const app = await s.pid('fcgi');

  // Rotation: the new key file in place at once (renamed over the old), then
  // nginx reloads it; its old workers finish.
  const key = Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
  await writeFile(`${file}.new`, `set $mdash_fragment_key "${key}";\n`, { mode: 0o600 });
  await rename(`${file}.new`, file);
  const renamed = Date.now();
  const master = await s.pid('nginx');
  const old = spawnSync('pgrep', ['-P', String(master)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  process.kill(master, 'SIGHUP');
  const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  await waitFor(() => !old.some(alive), { ms: 15000, message: 'nginx\'s old workers to finish after the reload' });

  // Each app process looks at the key file at most once a second (lib/pass.c):
  // one may sign with the old key for that second after the file changed.
  await sleep(Math.max(0, renamed + 1100 - Date.now()));
  await waitFor(async () => signedWith(await ops(), key), { ms: 10000, message: 'the app to sign passes with the new key' });
  const after = await ops();
  assert.equal(await status(fragment(after)), 200, 'a pass of the new key');
  assert.equal(await stream(after), 200, 'a stream pass of the new key');
  assert.equal(await status(fragment(before)), 403, 'a pass of the old key');
  assert.equal(await s.pid('fcgi'), app, 'the app was restarted');
});
