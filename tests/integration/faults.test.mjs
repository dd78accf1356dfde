// SPDX-License-Identifier: MIT
// Faults a running installation meets: the database goes away and comes back
// (the app rides it out without a restart), a source hangs (only that widget
// waits, up to the timeout), nginx is down while the updater publishes (the
// publish is retried on the next run).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startStack, sse, sleep, waitFor, widgetElement, byClass } from '../harness/stack.mjs';

let s;
let token;
const TIMEOUT = 2; // Update.Timeout, seconds
const SLEEP_ARG = '30.0417'; // a `sleep` argument no one else uses, to find leftovers

/** A widget's JSON. Right after nginx restarts, a busy machine may still
 *  answer 502 for a moment: wait that out, then insist on a 200. */
const api = async (name) => {
  const res = await waitFor(async () => {
    const r = await s.get(`/api/widgets/${name}`);
    if (r.status === 502) { await r.body?.cancel(); return null; }
    return r;
  }, { ms: 5000, message: `GET /api/widgets/${name} kept answering 502` });
  const text = await res.text();
  assert.equal(res.status, 200, `GET /api/widgets/${name}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
};
const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

/** Pids of processes whose argv contains SLEEP_ARG (started through our widget). */
async function leftoverSleeps() {
  const pids = [];
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = (await readFile(`/proc/${d}/cmdline`, 'utf8')).split('\0');
      if (argv.includes(SLEEP_ARG) && argv.some((a) => a.endsWith('sleep'))) pids.push(Number(d));
    } catch { /* gone */ }
  }
  return pids;
}

before(async () => {
  s = await startStack();
  // The CLI reads the settings on every run: a short source timeout from now on.
  await appendFile(s.config, `Update.Timeout = ${TIMEOUT}\n`);
  await s.writeDemo('n.json', { n: 100 });
  await writeFile(path.join(s.dir, 'ex.sh'), 'echo \'{"text":"one"}\'\n');
  await s.apply({ dashboards: [{ slug: 'f', title: 'Faults', widgets: [
    { name: 'n', type: 'number', source: { kind: 'http', url: `${s.base}/demo/n.json`, pointer: '/n' } },
    { name: 'ex', type: 'text', source: { kind: 'exec', command: ['/bin/sh', path.join(s.dir, 'ex.sh')] } },
    { name: 'p', type: 'text', source: { kind: 'push' } },
  ] }] });
  const r = await s.mdash(['update', '--force']);
  assert.equal(r.code, 0, show(r));
  const t = await s.mdash(['token', 'add', 'faults']);
  token = t.stdout.trim().split('\n').pop();
});

after(async () => {
  for (const pid of await leftoverSleeps()) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  await s?.stop();
});

test('database down: healthz and pages say 503, the CLI fails clearly; back up: all works without an app restart', async () => {
  const appPid = await s.pid('fcgi');
  assert.ok(appPid && alive(appPid), 'the FastCGI app runs');
  let res = await s.get('/healthz');
  assert.equal(res.status, 200);
  assert.equal((await res.json()).status, 'ok');

  await s.stack('stop-db');
  try {
    res = await s.get('/healthz');
    const body = await res.text();
    assert.equal(res.status, 503, `healthz with the database down: ${res.status} ${body}`);
    assert.notEqual(JSON.parse(body).status, 'ok');

    res = await s.get('/d/f');
    const html = await res.text();
    assert.equal(res.status, 503, `dashboard page with the database down answered ${res.status}`);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(html, /database/i, 'the error page says what is wrong');

    res = await s.get('/api/widgets/n');
    await res.text();
    assert.equal(res.status, 503, `GET /api/widgets/n with the database down answered ${res.status}`);

    res = await s.get('/widgets/p', { method: 'POST', body: JSON.stringify({ auth_token: token, text: 'x' }) });
    await res.text();
    assert.equal(res.status, 503, `a push with the database down answered ${res.status} (a client should retry, not drop it)`);

    const r = await s.mdash(['update', '--force'], { timeout: 30000 });
    assert.notEqual(r.code, 0, `mdash update with the database down: ${show(r)}`);
    assert.match(r.stderr, /database/i, `the CLI's message mentions the database: ${r.stderr}`);
    assert.ok(r.ms < 10000, `mdash update took ${r.ms} ms to notice the database is down`);
    await s.writeDemo('n.json', { n: 2024 });
  } finally {
    await s.stack('start-db');
  }

  await waitFor(async () => (await s.get('/healthz')).status === 200, { ms: 10000, message: '/healthz to be 200 again after start-db' });
  assert.equal(await s.pid('fcgi'), appPid, 'the app was restarted');
  assert.ok(alive(appPid), 'the app died');
  // Every app worker has its connection back (not just the one that answered healthz).
  for (let i = 0; i < 8; i++) {
    res = await s.get('/d/f');
    await res.text();
    assert.equal(res.status, 200, `request ${i + 1} after the database came back answered ${res.status}`);
  }
  const r = await s.mdash(['update', '--force', '--widget', 'n']);
  assert.equal(r.code, 0, show(r));
  assert.equal((await api('n')).value.current, 2024);
  const html = await (await s.get('/d/f')).text();
  assert.equal(byClass(widgetElement(html, 'n').html, 'value')?.text, '2,024');
  res = await s.get('/widgets/p', { method: 'POST', body: JSON.stringify({ auth_token: token, text: 'back' }) });
  assert.equal(res.status, 204);
});

test('a hanging source only delays itself, and is cut off at Update.Timeout', async () => {
  await s.apply({ dashboards: [{ slug: 'f', title: 'Faults', widgets: [
    { name: 'hang', type: 'text', source: { kind: 'exec', command: ['/bin/sleep', SLEEP_ARG] } },
    { name: 'quick1', type: 'text', source: { kind: 'exec', command: ['/bin/echo', '{"text":"fast one"}'] } },
    { name: 'quick2', type: 'number', source: { kind: 'http', url: `${s.base}/demo/n.json`, pointer: '/n' } },
  ] }] });
  const v0 = { quick1: (await api('quick1')).version, quick2: (await api('quick2')).version };
  const t0 = Date.now();
  let exited = 0;
  const run = s.mdash(['update', '--force', '--widget', 'hang', '--widget', 'quick1', '--widget', 'quick2'], { timeout: 40000 })
    .then((r) => { exited = Date.now(); return r; });
  // The quick widgets are stored (and visible) while the hanging one still runs.
  const storedAt = await waitFor(async () => {
    const [a, b] = await Promise.all([api('quick1'), api('quick2')]);
    return a.version > v0.quick1 && b.version > v0.quick2 ? Date.now() : 0;
  }, { ms: 10000, every: 50, message: 'quick1 and quick2 to be stored' });
  const r = await run;
  assert.ok(!exited || storedAt <= exited, 'quick widgets were stored only when the run ended');
  assert.ok(storedAt - t0 < 1500, `quick widgets stored after ${storedAt - t0} ms: the hanging one held them up`);
  assert.ok(exited - storedAt > 500, `the run ended ${exited - storedAt} ms after the quick widgets were stored`);
  const total = exited - t0;
  assert.ok(total >= TIMEOUT * 1000 - 100, `the run took ${total} ms, less than the ${TIMEOUT} s timeout`);
  assert.ok(total < TIMEOUT * 1000 + 4000, `the run took ${total} ms: the ${TIMEOUT} s timeout was not applied`);
  assert.equal(r.code, 1, show(r));
  assert.match(r.stdout, /^Successfully updated quick1$/m);
  assert.match(r.stdout, /^Successfully updated quick2$/m);
  assert.match(r.stderr, /^Error updating hang: .*tim(ed|e) ?out/im, show(r));
  const hang = await api('hang');
  assert.equal(hang.status, 'error');
  assert.match(hang.error, /tim(ed|e) ?out/i);
  await sleep(200);
  assert.deepEqual(await leftoverSleeps(), [], 'the timed-out command is still running');
});

test('a publish that failed while nginx was down is retried by the next run', async () => {
  await writeFile(path.join(s.dir, 'ex.sh'), 'echo \'{"text":"two"}\'\n');
  const v = (await api('ex')).version;
  let r;
  await s.stack('stop-nginx');
  try {
    r = await s.mdash(['update', '--force', '--widget', 'ex'], { timeout: 30000 });
  } finally {
    await s.stack('start-nginx');
  }
  // Stored even though nobody could be told.
  assert.match(r.stdout + r.stderr, /\bex\b/, show(r));
  const w = await api('ex');
  assert.equal(w.value.text, 'two', `the update was not stored while nginx was down: ${show(r)}`);
  assert.equal(w.version, v + 1);

  // nginx lost its channels; a page connecting now learns of ex v+1 from the next run.
  const stream = await sse(`${s.base}/sub/d/f`);
  try {
    const again = await s.mdash(['update']); // nothing due: only the pending publish
    assert.equal(again.code, 0, show(again));
    await stream.next((m) => m.widget === 'ex' && m.version === v + 1, 3000);
    // ...and only once: a further run does not publish it again.
    const third = await s.mdash(['update']);
    assert.equal(third.code, 0, show(third));
    await sleep(500);
    const n = stream.messages.filter((m) => m.data?.widget === 'ex' && m.data.version === v + 1).length;
    assert.equal(n, 1, `ex v${v + 1} was published ${n} times`);
  } finally {
    stream.close();
  }
});

test('a push whose publish failed is stored, answered 204, and published by the next updater run', async () => {
  // The app alone gets a publisher address where nothing listens.
  const conf = await readFile(s.config, 'utf8');
  const bad = path.join(s.dir, 'bad-publisher.hdf');
  await writeFile(bad, conf.replace(/^PublishURL *=.*$/m, 'PublishURL = http://127.0.0.1:9/pub/'));
  await s.restartApp(bad);
  let version;
  try {
    const res = await s.get('/widgets/p', { method: 'POST', body: JSON.stringify({ auth_token: token, text: 'unannounced' }) });
    assert.equal(res.status, 204, await res.text());
    const w = await api('p');
    assert.equal(w.value.text, 'unannounced');
    version = w.version;
    const [[pending]] = await s.sql("SELECT publish_pending FROM widgets WHERE name = 'p'");
    assert.equal(String(pending), '1', 'the failed publish was not recorded as pending');
  } finally {
    await s.restartApp();
  }
  const stream = await sse(`${s.base}/sub/d/f`);
  try {
    const r = await s.mdash(['update']);
    assert.equal(r.code, 0, show(r));
    await stream.next((m) => m.widget === 'p' && m.version === version, 3000);
  } finally {
    stream.close();
  }
  const [[after]] = await s.sql("SELECT publish_pending FROM widgets WHERE name = 'p'");
  assert.equal(String(after), '0');
});
