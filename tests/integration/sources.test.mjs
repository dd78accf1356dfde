// SPDX-License-Identifier: MIT
// The sources that need no code, pulled by the real updater: http (pointer,
// fields, headers, bearer and basic auth from Secret.* settings), exec (argv,
// no shell), sql (one cell, two columns, more; read-only), push. Then every
// way a source fails: the widget keeps its last good value, the page marks it
// (data-state="error") and shows the message, the run says so and exits 1.
// One private stack, plus a small HTTP server in this process for the cases
// nginx cannot play (headers, auth, a server that never answers).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startStack, freePort, widgetElement, byClass, textOf } from '../harness/stack.mjs';

let s;
let api0;        // our HTTP server: http://127.0.0.1:PORT
let other;       // a second server, where /redirect sends the updater
let srv;
let otherSrv;
const TIMEOUT = 2; // Update.Timeout, seconds
const BEARER = 's3cr3t-bearer-value';
const BASIC = 'alice:pa55word-xyz';

const docs = new Map(); // /json/NAME -> {status, type, body} or {hang: true}
const seen = [];        // every request our servers got: {server, url, headers}

const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
const lines = (out) => out.split('\n').filter((l) => l !== '');
const api = async (name) => {
  const res = await s.get(`/api/widgets/${name}`);
  assert.equal(res.status, 200, `GET /api/widgets/${name}`);
  return res.json();
};
const json = (body, status = 200) => ({ status, type: 'application/json', body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) });

function handler(name) {
  return (req, res) => {
    seen.push({ server: name, url: req.url, headers: req.headers });
    const send = (status, type, body) => { res.writeHead(status, { 'Content-Type': type }); res.end(body); };
    if (name === 'other') return send(200, 'application/json', JSON.stringify({ text: 'redirected', auth: req.headers.authorization ?? null }));
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/echo') return send(200, 'application/json', JSON.stringify({ headers: req.headers }));
    if (url.pathname === '/bearer') {
      return req.headers.authorization === `Bearer ${BEARER}` ? send(200, 'application/json', '{"n": 7}')
        : send(401, 'application/json', '{"error":"who are you"}');
    }
    if (url.pathname === '/basic') {
      return req.headers.authorization === `Basic ${Buffer.from(BASIC).toString('base64')}` ? send(200, 'application/json', '{"n": 8}')
        : send(401, 'application/json', '{"error":"who are you"}');
    }
    if (url.pathname === '/redirect') {
      res.writeHead(302, { Location: `${other}/landed` });
      return res.end();
    }
    const m = /^\/json\/([\w-]+)$/.exec(url.pathname);
    const d = m && docs.get(m[1]);
    if (!d) return send(404, 'text/plain', 'no such doc');
    if (d.hang) return undefined; // never answer (closed in after())
    return send(d.status, d.type, d.body);
  };
}

async function listen(name) {
  const server = http.createServer(handler(name));
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return [server, `http://127.0.0.1:${port}`];
}

before(async () => {
  [srv, api0] = await listen('api');
  [otherSrv, other] = await listen('other');
  s = await startStack();
  // The CLI reads the settings on every run.
  await appendFile(s.config, `Update.Timeout = ${TIMEOUT}\nSecret.api_token = ${BEARER}\nSecret.api_basic = ${BASIC}\n`);
  docs.set('count', json({ data: { count: 41, other: 1 } }));
  docs.set('check', json({ check: { status: 'warning', text: 'disk 85%' }, noise: true }));
  docs.set('mapped', json({ a: { b: 7 }, c: [3, 99] }));
  docs.set('whole', json({ text: 'the whole document' }));
  await s.apply({ dashboards: [{ slug: 'src', title: 'Sources', widgets: [
    { name: 'h_ptr', type: 'number', source: { kind: 'http', url: `${api0}/json/count`, pointer: '/data/count' } },
    { name: 'h_obj', type: 'status', source: { kind: 'http', url: `${api0}/json/check`, pointer: '/check' } },
    { name: 'h_fields', type: 'number', source: { kind: 'http', url: `${api0}/json/mapped`, fields: { current: '/a/b', last: '/c/0' } } },
    { name: 'h_whole', type: 'text', source: { kind: 'http', url: `${api0}/json/whole` } },
    { name: 'h_hdr', type: 'text', source: { kind: 'http', url: `${api0}/echo`, headers: { 'X-Custom': 'hello there' },
      fields: { text: '/headers/x-custom', accept: '/headers/accept', agent: '/headers/user-agent' } } },
    { name: 'h_bearer', type: 'number', source: { kind: 'http', url: `${api0}/bearer`, pointer: '/n', auth: { bearer: 'api_token' } } },
    { name: 'h_basic', type: 'number', source: { kind: 'http', url: `${api0}/basic`, pointer: '/n', auth: { basic: 'api_basic' } } },
    { name: 'h_nosecret', type: 'number', source: { kind: 'http', url: `${api0}/bearer`, pointer: '/n', auth: { bearer: 'not_there' } } },
    { name: 'h_redir', type: 'text', source: { kind: 'http', url: `${api0}/redirect`, auth: { bearer: 'api_token' } } },
    { name: 'e_argv', type: 'text', source: { kind: 'exec', command: ['/bin/echo', '{"text":"$HOME `id` ; | * > x && $(id)"}'] } },
    { name: 'e_ptr', type: 'number', source: { kind: 'exec', command: ['/bin/echo', '{"stats":{"n":5,"m":6}}'], pointer: '/stats/n' } },
    { name: 'e_fields', type: 'list', source: { kind: 'exec', command: ['/usr/bin/printf', '%s', '{"rows":[{"label":"a","value":1},{"label":"b","value":2}]}'],
      fields: { items: '/rows' } } },
    { name: 'q_one', type: 'number', source: { kind: 'sql', query: "SELECT COUNT(*) FROM widgets WHERE name LIKE 'q\\_%'" } },
    { name: 'q_two', type: 'list', source: { kind: 'sql', query: "SELECT name, LENGTH(name) FROM widgets WHERE name LIKE 'e\\_%' ORDER BY name" } },
    { name: 'q_more', type: 'text', source: { kind: 'sql', query: "SELECT name, type, enabled FROM widgets WHERE name LIKE 'h\\_%' ORDER BY name LIMIT 3" } },
    { name: 'p_push', type: 'text', source: { kind: 'push' } },
  ] }] });
});

after(async () => {
  srv?.closeAllConnections();
  otherSrv?.closeAllConnections();
  await Promise.all([srv, otherSrv].map((x) => x && new Promise((r) => x.close(r))));
  await s?.stop();
});

test('a run pulls every source kind but push, one line each', async () => {
  const r = await s.mdash(['update', '--force']);
  const ok = lines(r.stdout).sort();
  const expected = ['h_ptr', 'h_obj', 'h_fields', 'h_whole', 'h_hdr', 'h_bearer', 'h_basic', 'h_redir', 'e_argv', 'e_ptr', 'e_fields',
    'q_one', 'q_two', 'q_more'].map((n) => `Successfully updated ${n}`).sort();
  assert.deepEqual(ok, expected, show(r));
  // The one widget whose secret is not in the settings file fails, and says which.
  assert.equal(r.code, 3, show(r));
  assert.deepEqual(lines(r.stderr), [`Error updating h_nosecret: ${api0}/bearer: Secret.not_there is not in the settings file`]);
  assert.doesNotMatch(r.stdout + r.stderr, /p_push/, 'a push widget was pulled');
  assert.equal((await api('p_push')).version, 0);
});

test('http: pointer to a value, to an object of fields, fields mapping, the whole document', async () => {
  assert.equal((await api('h_ptr')).value.current, 41);
  const obj = await api('h_obj');
  assert.deepEqual(obj.value, { status: 'warning', text: 'disk 85%' }, 'a pointer to an object gives its fields');
  assert.deepEqual((await api('h_fields')).value, { current: 7, last: 3 });
  assert.equal((await api('h_whole')).value.text, 'the whole document');
  const page = await (await s.get('/d/src')).text();
  assert.equal(byClass(widgetElement(page, 'h_ptr').html, 'value')?.text, '41');
  assert.equal(byClass(widgetElement(page, 'h_fields').html, 'change')?.text, '+133.3%', 'last came from its own pointer');
  assert.equal(widgetElement(page, 'h_obj').attrs['data-status'], 'warning');
  assert.equal(byClass(widgetElement(page, 'h_whole').html, 'text')?.text, 'the whole document');
});

test('http: headers, Accept and User-Agent reach the server', async () => {
  const v = (await api('h_hdr')).value;
  assert.equal(v.text, 'hello there', 'the configured header was sent');
  assert.match(v.accept, /application\/json/);
  assert.match(v.agent, /^mdash-updater\//);
});

test('http: bearer and basic credentials come from Secret.* and never show', async () => {
  assert.equal((await api('h_bearer')).value.current, 7);
  assert.equal((await api('h_basic')).value.current, 8);
  const bearerReq = seen.find((x) => x.server === 'api' && x.url === '/bearer');
  assert.equal(bearerReq?.headers.authorization, `Bearer ${BEARER}`);
  // Followed redirects to another host (here: another port) lose the credential.
  const landed = seen.find((x) => x.server === 'other');
  assert.ok(landed, 'the redirect was followed');
  assert.equal((await api('h_redir')).value.text, 'redirected');
  assert.equal(landed.headers.authorization, undefined, 'the bearer token was sent on to the host a redirect named');
  // The secret stays in the settings file: not in the page, the API or `widget show`.
  const page = await (await s.get('/d/src')).text();
  const shown = await s.mdash(['widget', 'show', 'h_bearer']);
  assert.equal(shown.code, 0, show(shown));
  assert.match(shown.stdout, /"auth":\{"bearer":"api_token"\}/);
  const all = [page, JSON.stringify(await api('h_bearer')), JSON.stringify(await api('h_basic')), shown.stdout,
    (await s.mdash(['widget', 'show', 'h_basic'])).stdout, JSON.stringify(await api('h_nosecret'))].join('\n');
  for (const secret of [BEARER, 'pa55word', Buffer.from(BASIC).toString('base64')]) {
    assert.ok(!all.includes(secret), `the secret ${secret} shows`);
  }
  const el = widgetElement(page, 'h_nosecret');
  assert.equal(el.attrs['data-state'], 'error');
  assert.equal(byClass(el.html, 'widget-error')?.text, `${api0}/bearer: Secret.not_there is not in the settings file`);
});

test('exec: the command runs without a shell, with pointer and fields', async () => {
  assert.equal((await api('e_argv')).value.text, '$HOME `id` ; | * > x && $(id)', 'shell syntax reached a shell');
  assert.equal((await api('e_ptr')).value.current, 5);
  assert.deepEqual((await api('e_fields')).value.items, [{ label: 'a', value: 1 }, { label: 'b', value: 2 }]);
  const page = await (await s.get('/d/src')).text();
  assert.match(textOf(widgetElement(page, 'e_fields').html), /a\s*1\s*b\s*2/);
});

test('sql: one cell is the value, two columns are items, more are rows', async () => {
  assert.equal((await api('q_one')).value.current, 3);
  assert.deepEqual((await api('q_two')).value.items,
    [{ label: 'e_argv', value: 6 }, { label: 'e_fields', value: 8 }, { label: 'e_ptr', value: 5 }]);
  assert.deepEqual((await api('q_more')).value.rows, [
    { name: 'h_basic', type: 'number', enabled: 1 }, { name: 'h_bearer', type: 'number', enabled: 1 },
    { name: 'h_fields', type: 'number', enabled: 1 }]);
  const page = await (await s.get('/d/src')).text();
  assert.equal(byClass(widgetElement(page, 'q_one').html, 'value')?.text, '3');
  assert.match(textOf(widgetElement(page, 'q_two').html), /e_argv\s*6\s*e_fields\s*8\s*e_ptr\s*5/);
});

test('sql: a query whose one cell is NULL (a SUM over no rows) is no value, or a clear error', async () => {
  await s.apply({ dashboards: [{ slug: 'sqln', title: 'SQL NULL', widgets: [
    { name: 'q_null', type: 'number', source: { kind: 'sql', query: 'SELECT SUM(version) FROM widgets WHERE 1 = 0' } }] }] });
  const r = await s.mdash(['update', '--force', '--widget', 'q_null']);
  const w = await api('q_null');
  const el = widgetElement(await (await s.get('/d/sqln')).text(), 'q_null');
  if (r.code === 0) {
    assert.equal(r.stdout, 'Successfully updated q_null\n', show(r));
    assert.equal(w.status, 'ok');
    assert.equal(w.value.current, null);
    assert.equal(byClass(el.html, 'value')?.text, '–');
  } else {
    // If NULL is an error, the user must be told what it is.
    const line = lines(r.stderr).find((l) => l.startsWith('Error updating q_null: ')) ?? '';
    assert.match(line, /^Error updating q_null: \S/, `an empty error message: ${show(r)}`);
    assert.match(line, /null|no value|no rows/i, show(r));
    assert.equal(byClass(el.html, 'widget-error')?.text, w.error);
  }
});

test('sql: a query that writes fails, and writes nothing', async () => {
  const before = {
    history: (await s.sql('SELECT COUNT(*) FROM widget_history'))[0][0],
    tables: (await s.sql('SHOW TABLES')).flat().sort(),
  };
  assert.ok(Number(before.history) > 0);
  const cases = [
    ['q_delete', 'DELETE FROM widget_history', /READ ONLY/i],
    ['q_update', "UPDATE widgets SET title = 'pwned'", /READ ONLY/i],
    ['q_create', 'CREATE TABLE pwned (a INT)', /READ ONLY/i],
    ['q_drop', 'DROP TABLE widget_settings', /READ ONLY/i],
    ['q_multi', 'SELECT 1; DROP TABLE widget_settings', /syntax/i],
  ];
  await s.apply({ dashboards: [{ slug: 'sqlw', title: 'SQL writes', widgets: cases.map(([name, query]) => ({ name, type: 'number', source: { kind: 'sql', query } })) }] });
  const r = await s.mdash(['update', '--force', ...cases.flatMap(([n]) => ['--widget', n])]);
  assert.equal(r.code, 3, `some sources failed: exit 3\n${show(r)}`);
  assert.equal(r.stdout, '', show(r));
  for (const [name, , re] of cases) {
    const line = lines(r.stderr).find((l) => l.startsWith(`Error updating ${name}: `));
    assert.ok(line, `no error line for ${name}:\n${r.stderr}`);
    assert.match(line, re);
    const w = await api(name);
    assert.equal(w.status, 'error');
    assert.equal(w.version, 1);
  }
  assert.equal((await s.sql('SELECT COUNT(*) FROM widget_history'))[0][0], before.history, 'a DELETE deleted history');
  assert.deepEqual((await s.sql('SHOW TABLES')).flat().sort(), before.tables, 'a query changed the tables');
  assert.deepEqual((await s.sql("SELECT COUNT(*) FROM widgets WHERE title = 'pwned'")).flat(), ['0']);
});

// Each failure: good data first, then the failure. The last good value stays,
// the run names the widget and the cause and exits 1, the page shows it.
const script = (name) => path.join(s.dir, `${name}.sh`);
const FIVE_MIB = 5 * 1024 * 1024;
let applied = false; // the failure widgets exist
const failures = [
  { name: 'f_unreach', what: 'unreachable host', type: 'number',
    source: () => ({ kind: 'http', url: `${api0}/json/f_unreach`, pointer: '/v' }),
    good: async () => {
      docs.set('f_unreach', json({ v: 101 }));
      if (applied) await setSource('f_unreach', { kind: 'http', url: `${api0}/json/f_unreach`, pointer: '/v' });
    },
    bad: () => setSource('f_unreach', { kind: 'http', url: 'http://127.0.0.1:1/', pointer: '/v' }),
    shown: '101', error: /^http:\/\/127\.0\.0\.1:1\/: Couldn.t connect to server$/ },
  { name: 'f_timeout', what: 'a server that never answers', type: 'number',
    source: () => ({ kind: 'http', url: `${api0}/json/f_timeout`, pointer: '/v' }),
    good: () => docs.set('f_timeout', json({ v: 102 })), bad: () => docs.set('f_timeout', { hang: true }),
    shown: '102', error: /\/json\/f_timeout: timed out$/ },
  { name: 'f_html', what: 'an HTML page instead of JSON', type: 'text',
    source: () => ({ kind: 'http', url: `${api0}/json/f_html` }),
    good: () => docs.set('f_html', json({ text: 'was json' })),
    bad: () => docs.set('f_html', { status: 200, type: 'text/html', body: '<!doctype html><html><body><h1>Please log in</h1></body></html>' }),
    shown: 'was json', error: /invalid JSON/ },
  { name: 'f_ptr', what: 'a pointer that matches nothing', type: 'number',
    source: () => ({ kind: 'http', url: `${api0}/json/f_ptr`, pointer: '/data/count' }),
    good: () => docs.set('f_ptr', json({ data: { count: 104 } })), bad: () => docs.set('f_ptr', json({ data: { total: 104 } })),
    shown: '104', error: /nothing at \/data\/count/ },
  { name: 'f_big', what: 'a body over 4 MiB (through nginx)', type: 'text',
    source: () => ({ kind: 'http', url: `${s.base}/demo/f_big.json` }),
    good: () => s.writeDemo('f_big.json', { text: 'small enough' }),
    bad: () => s.writeDemo('f_big.json', JSON.stringify({ text: 'x'.repeat(FIVE_MIB) })),
    shown: 'small enough', error: /\/demo\/f_big\.json: response larger than 4194304 bytes$/ },
  { name: 'f_exit', what: 'a command that exits 3', type: 'text',
    source: () => ({ kind: 'exec', command: ['/bin/sh', script('f_exit')] }),
    good: () => writeFile(script('f_exit'), 'echo \'{"text":"exit was 0"}\'\n'),
    bad: () => writeFile(script('f_exit'), 'echo \'{"text":"half"}\'\necho "disk on fire" >&2\necho "second line" >&2\nexit 3\n'),
    shown: 'exit was 0', error: /exit status 3: disk on fire$/ },
  { name: 'f_utf8', what: 'invalid UTF-8 in the JSON (http)', type: 'text',
    source: () => ({ kind: 'http', url: `${api0}/json/f_utf8` }),
    good: () => docs.set('f_utf8', json({ text: 'valid ✓' })),
    bad: () => docs.set('f_utf8', json(Buffer.concat([Buffer.from('{"text":"bad '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]))),
    shown: 'valid ✓', error: /utf-?8/i },
  { name: 'f_utf8x', what: 'invalid UTF-8 in the JSON (exec)', type: 'text',
    source: () => ({ kind: 'exec', command: ['/bin/sh', script('f_utf8x')] }),
    good: () => writeFile(script('f_utf8x'), 'echo \'{"text":"valid é"}\'\n'),
    bad: () => writeFile(script('f_utf8x'), 'printf \'{"text":"\\300\\200 overlong"}\'\n'),
    shown: 'valid é', error: /utf-?8|Incorrect string value/i },
  { name: 'f_execbig', what: 'a command that prints over 4 MiB', type: 'text',
    source: () => ({ kind: 'exec', command: ['/bin/sh', script('f_execbig')] }),
    good: () => writeFile(script('f_execbig'), 'echo \'{"text":"short"}\'\n'),
    bad: () => writeFile(script('f_execbig'), 'head -c 5000000 /dev/zero | tr "\\0" " "\necho \'{"text":"late"}\'\n'),
    shown: 'short', error: /printed more than 4194304 bytes$/ },
];

async function setSource(name, source) {
  const r = await s.mdash(['widget', 'set', name, `source=${JSON.stringify(source)}`]);
  assert.equal(r.code, 0, show(r));
}

test('failing sources keep the last good value and show a clean error', async (t) => {
  for (const f of failures) await f.good();
  await s.apply({ dashboards: [{ slug: 'fail', title: 'Failures', widgets: failures.map((f) => ({ name: f.name, type: f.type, source: f.source() })) }] });
  applied = true;
  const names = failures.flatMap((f) => ['--widget', f.name]);
  let r = await s.mdash(['update', '--force', ...names]);
  assert.equal(r.code, 0, `the good run failed: ${show(r)}`);
  const good = Object.fromEntries(await Promise.all(failures.map(async (f) => [f.name, await api(f.name)])));

  for (const f of failures) await f.bad();
  r = await s.mdash(['update', '--force', ...names], { timeout: 30000 });
  assert.equal(r.code, 3, show(r));
  assert.equal(r.stdout, '', show(r));
  assert.ok(r.ms >= TIMEOUT * 1000 - 200, `the run took ${r.ms} ms, less than the ${TIMEOUT} s timeout`);
  assert.ok(r.ms < TIMEOUT * 1000 + 4000, `the run took ${r.ms} ms: the hanging server held it up past the timeout`);
  const page = await (await s.get('/d/fail')).text();
  for (const f of failures) {
    await t.test(f.what, async () => {
      const mine = lines(r.stderr).filter((l) => l.startsWith(`Error updating ${f.name}: `));
      assert.equal(mine.length, 1, `one "Error updating ${f.name}: ..." line in:\n${r.stderr}`);
      const message = mine[0].slice(`Error updating ${f.name}: `.length);
      assert.match(message, f.error);
      assert.ok(message.length < 300, `the message is short: ${message.length} characters`);
      assert.doesNotMatch(message, /[\u0000-\u001f\u007f]/, 'control characters in the message');
      const w = await api(f.name);
      assert.equal(w.status, 'error');
      assert.equal(w.error, message, 'the API has the same message');
      assert.deepEqual(w.value, good[f.name].value, 'the last good value was kept');
      assert.equal(w.updated_at, good[f.name].updated_at, 'updated_at still says when the good value came');
      const el = widgetElement(page, f.name);
      assert.ok(el, `${f.name} is on the page`);
      assert.equal(el.attrs['data-state'], 'error');
      assert.equal(byClass(el.html, 'widget-error')?.text, message, 'the page shows the message');
      assert.ok(textOf(el.html).includes(f.shown), `${f.name} still shows ${f.shown}: ${textOf(el.html)}`);
    });
  }
  // A failure is not data: history has no row for it.
  const hist = await s.sql("SELECT COUNT(*) FROM widget_history h JOIN widgets w ON w.id = h.widget_id WHERE w.name = 'f_ptr'");
  assert.equal(hist[0][0], '1', 'the failed run wrote a history row');

  // Fixed sources heal the widgets.
  for (const f of failures) await f.good();
  r = await s.mdash(['update', '--force', ...names]);
  assert.equal(r.code, 0, show(r));
  const healed = await (await s.get('/d/fail')).text();
  for (const f of failures) {
    const el = widgetElement(healed, f.name);
    assert.equal(el.attrs['data-state'], 'ok', `${f.name} is ok again`);
    assert.equal(byClass(el.html, 'widget-error'), null);
    assert.equal((await api(f.name)).error, null);
  }
});
