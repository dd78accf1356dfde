// SPDX-License-Identifier: MIT
// Alerts, end to end: widgets with options.alert on a real stack, pushed to
// through the app, judged and delivered by `mdash update --watch`, received
// by a small HTTP server this file starts (and stops, to play a receiver
// that is down), and by a stand-in sendmail that records what it is given.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { appendFile, chmod, copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startStack, freePort, sleep, waitFor, MDASH } from '../harness/stack.mjs';

const SECRET = 'hook-secret-for-tests';
let s;
let token;
let receiver;
let updater;

/** A webhook receiver: keeps every request; `fail` answers that many
 *  requests with 503 first; stop() and start() take it down and up. */
function makeReceiver(port) {
  const r = {
    port,
    got: [],
    fail: 0,
    server: null,
    start() {
      return new Promise((resolve, reject) => {
        r.server = http.createServer((req, res) => {
          let body = '';
          req.setEncoding('utf8');
          req.on('data', (d) => { body += d; });
          req.on('end', () => {
            const refused = r.fail > 0;
            if (refused) r.fail--;
            let json = null;
            try { json = JSON.parse(body); } catch { /* kept as text */ }
            r.got.push({ path: req.url, method: req.method, headers: req.headers, body, json, refused, at: Date.now() });
            res.writeHead(refused ? 503 : 204);
            res.end();
          });
        });
        r.server.on('error', reject);
        r.server.listen(port, '127.0.0.1', resolve);
      });
    },
    stop() {
      return new Promise((resolve) => {
        r.server.close(resolve);
        r.server.closeAllConnections();
      });
    },
    /** The requests that were taken (not refused) about widget. */
    about(widget, p = '/hook') { return r.got.filter((g) => g.path === p && !g.refused && g.json?.widget === widget); },
  };
  return r;
}

/** `mdash update --watch`, with its output kept for failure messages. */
function startUpdater() {
  const u = { out: '' };
  u.child = spawn(MDASH, ['update', '--watch'], { env: { ...process.env, MDASH_CONFIG: s.config }, stdio: ['ignore', 'pipe', 'pipe'] });
  u.child.stdout.on('data', (d) => { u.out += d; });
  u.child.stderr.on('data', (d) => { u.out += d; });
  u.exited = new Promise((resolve) => u.child.on('close', (code, signal) => resolve({ code, signal })));
  u.stop = async () => { u.child.kill('SIGTERM'); return u.exited; };
  return u;
}

const push = async (name, fields) => {
  const res = await s.get(`/widgets/${name}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ auth_token: token, ...fields }) });
  assert.equal(res.status, 204, `push to ${name}`);
};

const widget = (name, alert, extra = {}) => ({
  name, type: 'number', title: `Title of ${name}`, source: { kind: 'push' },
  options: { thresholds: { warning: 80, danger: 90 }, alert }, ...extra });

const apply = (widgets) => s.apply({ dashboards: [{ slug: 'al', title: 'Alerts', widgets }] });

const mails = async () => (await readdir(s.dir)).filter((f) => /^mail-\d+\.txt$/.test(f)).sort();

before(async () => {
  s = await startStack();
  receiver = makeReceiver(await freePort());
  await receiver.start();
  // The stand-in sendmail: its arguments, a line "---", then its input.
  const sendmail = path.join(s.dir, 'fake-sendmail');
  await writeFile(sendmail, `#!/bin/sh\n{ printf '%s\\n' "$@"; echo ---; cat; } > "${s.dir}/mail-tmp.$$"\n`
    + `mv "${s.dir}/mail-tmp.$$" "${s.dir}/mail-$(date +%s%N).txt"\n`);
  await chmod(sendmail, 0o755);
  await appendFile(s.config, [
    'PublicURL = http://dash.example.test/',
    `Notify.hook.URL = http://127.0.0.1:${receiver.port}/hook`,
    `Notify.hook.Secret = ${SECRET}`,
    `Notify.chat.URL = http://127.0.0.1:${receiver.port}/chat`,
    'Notify.chat.Format = slack',
    'Notify.mail.Mailto = ops@example.test, oncall@example.test',
    `Notify.Sendmail = ${sendmail}`,
    '',
  ].join('\n'));
  const t = await s.mdash(['token', 'add', 'alerts']);
  assert.equal(t.code, 0, t.stderr);
  token = t.stdout.trim().split('\n').pop();
  await apply([
    widget('cpu', { when: ['danger'], for: 2, notify: ['hook'] }),
    widget('flap', { when: ['danger'], for: 4, notify: ['hook'] }),
    widget('chatty', { for: 0, notify: ['chat'] }),
    widget('mailed', { for: 0, notify: ['mail'] }),
  ]);
  for (const n of ['cpu', 'flap', 'chatty', 'mailed']) await push(n, { current: 10 });
  updater = startUpdater();
});

after(async () => {
  await updater?.stop();
  await receiver?.stop();
  await s?.stop();
});

test('a widget in danger for `for` seconds: one signed POST after them; back to ok: one "resolved"', async () => {
  const t0 = Date.now();
  await push('cpu', { current: 95 });
  const [got] = await waitFor(() => receiver.about('cpu').length && receiver.about('cpu'), { ms: 20000,
    message: () => `a POST about cpu; updater output:\n${updater.out}` });
  assert.ok(got.at - t0 >= 2000, `sent ${got.at - t0} ms after the push, before "for" (2 s) ran out`);
  assert.deepEqual(got.json, {
    widget: 'cpu', dashboard: 'al', title: 'Title of cpu', state: 'danger', previous: 'ok', value: 95,
    at: got.json.at, url: 'http://dash.example.test/d/al' });
  assert.match(got.json.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(Math.abs(Date.parse(got.json.at) - t0) < 5000, `"at" ${got.json.at} is when it entered danger`);
  assert.match(got.headers['content-type'], /^application\/json/);
  assert.match(got.headers['idempotency-key'], /^[0-9a-f]{32}$/);
  // The signature verifies as a receiver checks it: HMAC-SHA256 of the raw body.
  const want = `sha256=${createHmac('sha256', SECRET).update(got.body).digest('hex')}`;
  assert.equal(got.headers['x-mdash-signature-256'], want);
  assert.notEqual(`sha256=${createHmac('sha256', 'another secret').update(got.body).digest('hex')}`, want);

  // Still in danger a while later: nothing more (no "repeat" in the rule).
  await sleep(3000);
  assert.equal(receiver.about('cpu').length, 1, 'exactly one notification for one stay in danger');

  await push('cpu', { current: 40 });
  await waitFor(() => receiver.about('cpu').length === 2, { ms: 15000,
    message: () => `a "resolved" about cpu; updater output:\n${updater.out}` });
  const resolved = receiver.about('cpu')[1].json;
  assert.equal(resolved.state, 'resolved');
  assert.equal(resolved.previous, 'danger');
  assert.equal(resolved.value, 40);
  assert.notEqual(receiver.about('cpu')[1].headers['idempotency-key'], got.headers['idempotency-key']);
});

test('flapping shorter than `for` sends nothing', async () => {
  for (let i = 0; i < 3; i++) {
    await push('flap', { current: 99 });
    await sleep(700);
    await push('flap', { current: 20 });
    await sleep(300);
  }
  // Long past `for` (4 s) since the first time it entered danger.
  await sleep(6000);
  assert.deepEqual(receiver.about('flap'), [], 'no message about a widget that never stayed in danger for 4 s');
  const list = await s.ok('alert', 'list');
  assert.equal(list.stdout.trim(), '', 'nothing waits in the outbox either');
});

test('the slack format: a {"text"} body that names the widget, its state, value and page', async () => {
  await push('chatty', { current: 91 });
  const [got] = await waitFor(() => receiver.got.filter((g) => g.path === '/chat').length
    && receiver.got.filter((g) => g.path === '/chat'), { ms: 15000, message: () => `a POST to /chat; updater:\n${updater.out}` });
  assert.deepEqual(Object.keys(got.json), ['text']);
  assert.equal(got.json.text.split('\n')[0].replace(/, since .*/, ''), '[al] Title of chatty is danger (was ok): 91');
  assert.match(got.json.text, /, since \d{4}-\d\d-\d\dT[\d:.]+Z\nhttp:\/\/dash\.example\.test\/d\/al$/);
  assert.equal(got.headers['x-mdash-signature-256'], undefined, 'no Secret, no signature');
});

test('mail goes through sendmail: the addresses as arguments, a whole message as input', async () => {
  const before = await mails();
  await push('mailed', { current: 97 });
  const file = await waitFor(async () => (await mails()).find((f) => !before.includes(f)), { ms: 15000,
    message: () => `a mail from the stand-in sendmail; updater:\n${updater.out}` });
  const text = await readFile(path.join(s.dir, file), 'utf8');
  const [args, input] = [text.slice(0, text.indexOf('---\n')), text.slice(text.indexOf('---\n') + 4)];
  assert.deepEqual(args.trim().split('\n'), ['-oi', '--', 'ops@example.test', 'oncall@example.test']);
  const [head, body] = [input.slice(0, input.indexOf('\n\n')), input.slice(input.indexOf('\n\n') + 2)];
  assert.match(head, /^To: ops@example\.test, oncall@example\.test$/m);
  assert.match(head, /^Subject: \[mdash\] Title of mailed is danger$/m);
  assert.match(head, /^Message-ID: <[0-9a-f]{32}\.mdash@[^>]+>$/m);
  assert.match(head, /^Content-Type: text\/plain; charset=utf-8$/m);
  assert.match(body, /^\[al\] Title of mailed is danger \(was ok\): 97, since .*Z\nhttp:\/\/dash\.example\.test\/d\/al\n$/);
});

test('a receiver that is down gets everything once it is back, in order, across an updater restart', async () => {
  await apply([
    widget('cpu', { when: ['danger'], for: 2, notify: ['hook'] }),
    widget('flap', { when: ['danger'], for: 4, notify: ['hook'] }),
    widget('chatty', { for: 0, notify: ['chat'] }),
    widget('mailed', { for: 0, notify: ['mail'] }),
    widget('disk', { when: ['danger'], notify: ['hook'] }),
  ]);
  await push('disk', { current: 10 });
  await receiver.stop();
  // danger, resolved, danger again: three messages while nobody listens.
  await push('disk', { current: 95 });
  await waitFor(async () => (await s.ok('alert', 'list')).stdout.includes('\tdisk\tdanger\t'), { ms: 15000,
    message: () => `the first message about disk in the outbox; updater:\n${updater.out}` });
  await push('disk', { current: 30 });
  await sleep(1500);
  await push('disk', { current: 96 });
  const pending = await waitFor(async () => {
    const rows = (await s.ok('alert', 'list')).stdout.trim().split('\n').map((l) => l.split('\t'))
      .filter((r) => r[3] === 'disk');
    return rows.length === 3 && rows.some((r) => Number(r[6]) >= 1) && rows;
  }, { ms: 20000, message: (last) => `3 pending messages about disk, one tried; list: ${JSON.stringify(last)}` });
  assert.deepEqual(pending.map((r) => [r[1], r[2], r[4]]),
    [['pending', 'hook', 'danger'], ['pending', 'hook', 'resolved'], ['pending', 'hook', 'danger']]);
  assert.match(pending[0][8], /connect/i, `the last error says why: ${pending[0][8]}`);

  // The updater stops while they wait, the receiver comes back refusing
  // the first request once (503), and a new updater starts.
  await updater.stop();
  receiver.fail = 1;
  await receiver.start();
  updater = startUpdater();
  await waitFor(() => receiver.about('disk').length === 3, { ms: 60000,
    message: () => `3 messages about disk after the receiver came back; got ${JSON.stringify(receiver.about('disk').map((g) => g.json))}; updater:\n${updater.out}` });
  const got = receiver.about('disk');
  assert.deepEqual(got.map((g) => [g.json.state, g.json.previous, g.json.value]),
    [['danger', 'ok', 95], ['resolved', 'danger', 30], ['danger', 'ok', 96]], 'in the order they happened');
  // The refused attempt and its retry carry the same idempotency key.
  const refused = receiver.got.find((g) => g.refused);
  assert.ok(refused, 'the receiver refused one request');
  assert.equal(refused.json.widget, 'disk');
  assert.equal(refused.headers['idempotency-key'], got[0].headers['idempotency-key']);
  assert.equal(new Set(got.map((g) => g.headers['idempotency-key'])).size, 3);
  await waitFor(async () => (await s.ok('alert', 'list')).stdout.trim() === '', { ms: 5000, message: 'an empty outbox' });
});

test('staleness is judged by the updater: a pulled widget that stops updating alerts as stale', async () => {
  const source = { kind: 'exec', command: ['/bin/echo', '{"current":1}'] };
  const pulled = (extra) => s.apply({ dashboards: [{ slug: 'al2', title: 'Stale', widgets: [
    { name: 'pulled', type: 'number', interval: 1, source, ...extra }] }] });
  await pulled({});
  await s.ok('update', '--widget', 'pulled', '--force');
  // Fresh data, then a rule, and no more pulls: stale after twice its interval.
  await pulled({ enabled: false, options: { alert: { when: ['stale'], notify: ['hook'] } } });
  const [got] = await waitFor(() => receiver.about('pulled').length && receiver.about('pulled'), { ms: 30000,
    message: () => `a message about pulled going stale; updater:\n${updater.out}` });
  assert.equal(got.json.state, 'stale');
  assert.equal(got.json.previous, 'ok');
  assert.equal(got.json.url, 'http://dash.example.test/d/al2');
});

test('mdash alert test NAME sends a test message; unknown names are errors naming the field', async () => {
  const n = receiver.got.length;
  const r = await s.mdash(['alert', 'test', 'hook']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Sent a test message to hook/);
  const got = receiver.got.slice(n).find((g) => g.json?.state === 'test');
  assert.ok(got, 'the receiver got the test message');
  assert.equal(got.headers['x-mdash-signature-256'], `sha256=${createHmac('sha256', SECRET).update(got.body).digest('hex')}`);

  const missing = await s.mdash(['alert', 'test', 'pager']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no notifier "pager"/);

  // apply: the rule names a notifier the settings lack.
  const file = path.join(s.dir, 'bad-alert.json');
  await writeFile(file, JSON.stringify({ dashboards: [{ slug: 'al', widgets: [
    widget('cpu', { notify: ['hook', 'pager'] })] }] }));
  const bad = await s.mdash(['apply', file]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /dashboards\[0\]\.widgets\[0\]\.options\.alert\.notify\[1\]: no notifier "pager"/);
  await writeFile(file, JSON.stringify({ dashboards: [{ slug: 'al', widgets: [
    widget('cpu', { notify: ['hook'], for: 'soon' })] }] }));
  const badFor = await s.mdash(['apply', file]);
  assert.match(badFor.stderr, /options\.alert\.for: must be a whole number of seconds/);

  // At start: a settings file without a notifier a rule names stops the updater.
  const other = path.join(s.dir, 'no-chat.hdf');
  await writeFile(other, (await readFile(s.config, 'utf8')).split('\n').filter((l) => !l.startsWith('Notify.chat.')).join('\n'));
  const start = await s.mdash(['-c', other, 'update']);
  assert.equal(start.code, 1, start.stdout + start.stderr);
  assert.match(start.stderr, /widget chatty: options\.alert\.notify\[0\]: no notifier "chat"/);
  // And a webhook that is not http(s) is an error at start, naming the line.
  await copyFile(s.config, other);
  await appendFile(other, 'Notify.ftp.URL = ftp://example.test/in\n');
  const ftp = await s.mdash(['-c', other, 'alert', 'list']);
  assert.equal(ftp.code, 1);
  assert.match(ftp.stderr, /no-chat\.hdf:\d+: Notify\.ftp\.URL: must be an http:\/\/ or https:\/\/ URL/);
});
