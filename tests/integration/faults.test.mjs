// SPDX-License-Identifier: MIT
// Faults a running installation meets: the database goes away and comes back
// (the app rides it out without a restart), the database stalls (no request
// waits for it longer than Database.Timeout), a source hangs (only that
// widget waits, up to the timeout), nginx is down while the updater publishes
// (the publish is retried on the next run).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
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

const workers = (master) => spawnSync('pgrep', ['-P', String(master)], { encoding: 'utf8' })
  .stdout.split('\n').filter(Boolean).map(Number).sort();

test('a stalled database: requests, pushes and the updater fail within Database.Timeout; soon after it resumes all serves again', async () => {
  const DB_TIMEOUT = 2; // Database.Timeout, seconds
  // A bound that proves no request hung, with room for a loaded machine: a
  // request that waited for the stalled server would take the whole stall.
  const BOUND = (DB_TIMEOUT + 4) * 1000;
  const STALL = 10000;
  await appendFile(s.config, `Database.Timeout = ${DB_TIMEOUT}\n`);
  await s.restartApp();
  const master = await s.pid('fcgi');
  const pool = workers(master);
  const db = await s.pid('mariadb');
  assert.ok(db && alive(db), 'MariaDB runs');

  const timed = async (what, p, init = {}) => {
    const t0 = Date.now();
    try {
      const res = await s.get(p, { ...init, signal: AbortSignal.timeout(STALL + 30000) });
      const body = await res.text();
      return { what, status: res.status, ms: Date.now() - t0, body: body.slice(0, 200) };
    } catch (e) {
      return { what, status: 0, ms: Date.now() - t0, body: String(e) };
    }
  };
  const push = (text) => ({ method: 'POST', body: JSON.stringify({ auth_token: token, text }) });
  const bearer = (text) => ({ method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ text }) });
  // More requests at once than workers: those queued behind a request that
  // waits for the database must not wait in turn.
  const round = (tag) => Promise.all([
    ...[1, 2, 3, 4].map(() => timed('GET /healthz', '/healthz')),
    ...[1, 2, 3, 4].map(() => timed('GET /d/f', '/d/f')),
    ...[1, 2].map(() => timed('GET /api/widgets/n', '/api/widgets/n')),
    ...[1, 2, 3].map((i) => timed('POST /widgets/p', '/widgets/p', push(`${tag} ${i}`))),
    ...[1, 2].map((i) => timed('POST /api/widgets/p', '/api/widgets/p', bearer(`${tag} bearer ${i}`))),
  ]);

  process.kill(db, 'SIGSTOP');
  const stalledAt = Date.now();
  let during;
  let update;
  try {
    const first = round('stalled');
    update = await s.mdash(['update', '--force'], { timeout: STALL + 30000 });
    during = await first;
    await sleep(1500); // the workers try the database again
    during.push(...await round('still stalled'));
    assert.ok(Date.now() - stalledAt < STALL, 'the requests were answered while the database was stalled');
    await sleep(STALL - (Date.now() - stalledAt));
  } finally {
    process.kill(db, 'SIGCONT');
  }
  const resumedAt = Date.now();
  for (const r of during) {
    assert.equal(r.status, 503, `${r.what} with the database stalled: ${r.status} after ${r.ms} ms: ${r.body}`);
    assert.ok(r.ms < BOUND, `${r.what} took ${r.ms} ms with the database stalled (Database.Timeout ${DB_TIMEOUT} s)`);
  }
  assert.equal(update.code, 1, `mdash update with the database stalled could not run: ${show(update)}`);
  assert.match(update.stderr, new RegExp(`database.*no answer within ${DB_TIMEOUT} s \\(Database\\.Timeout\\)`), show(update));
  assert.ok(update.ms < BOUND, `mdash update took ${update.ms} ms to give up on the stalled database`);

  // Back: every worker serves again, pushes are stored, without a restart.
  await waitFor(async () => {
    const rs = await Promise.all([
      timed('GET /healthz', '/healthz'), timed('GET /api/widgets/n', '/api/widgets/n'),
      ...[1, 2, 3, 4, 5, 6, 7, 8].map(() => timed('GET /d/f', '/d/f')),
    ]);
    return rs.every((r) => r.status === 200);
  }, { ms: 5000 + 3000, every: 200, message: 'every request to be served again after the database resumed' });
  const res = await s.get('/widgets/p', push('resumed'));
  assert.equal(res.status, 204, await res.text());
  assert.equal((await api('p')).value.text, 'resumed');
  assert.ok(Date.now() - resumedAt < 5000 + 3000, `serving again took ${Date.now() - resumedAt} ms`);
  assert.equal(await s.pid('fcgi'), master, 'the app was restarted');
  assert.deepEqual(workers(master), pool, 'a worker died or was replaced');
  const r = await s.mdash(['update', '--force', '--widget', 'n']);
  assert.equal(r.code, 0, show(r));
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
  assert.equal(r.code, 3, `some widgets failed: ${show(r)}`);
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
