// SPDX-License-Identifier: MIT
// supervision.test.mjs: processes whose master dies do not linger, and what
// a crash leaves behind does not stop the next start. The app's workers die
// with their supervisor; `dev/stack up` clears nginx's orphaned workers and
// the app's; `dev/up` starts a service that died again, and stops
// everything on SIGINT even when it started with SIGINT ignored. Across all
// of it, and a database stall, no push answered 204 is lost, and none is
// half stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack, freePort, sleep, waitFor, TOP, BUILD } from '../harness/stack.mjs';

let s;
let token;
const PUSHED = ['sv1', 'sv2', 'sv3'];

/** Whether a process runs: an exited one waiting to be reaped (a zombie,
 *  whose parent died) does not. */
const alive = (pid) => {
  try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
};
const workers = (master) => spawnSync('pgrep', ['-P', String(master)], { encoding: 'utf8' })
  .stdout.split('\n').filter(Boolean).map(Number);

/** Pids of the processes that hold one of the files in dir/log open. */
async function holders(dir) {
  const logs = path.join(dir, 'log') + path.sep;
  const pids = new Set();
  for (const p of await readdir('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    let fds = [];
    try { fds = await readdir(`/proc/${p}/fd`); } catch { continue; }
    for (const fd of fds) {
      try { if ((await readlink(`/proc/${p}/fd/${fd}`)).startsWith(logs)) { pids.add(Number(p)); break; } } catch { /* gone */ }
    }
  }
  return [...pids];
}

const push = (name, text) => s.get(`/api/widgets/${name}`, {
  method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ text }),
  signal: AbortSignal.timeout(30000),
});

/** The app and nginx serve: healthz 200 and a push stored. */
async function serving(what) {
  await waitFor(async () => (await s.get('/healthz')).status === 200, { ms: 15000, message: `${what}: /healthz 200` });
  const res = await push('sv1', `after ${what}`);
  assert.equal(res.status, 204, `a push after ${what}: ${res.status} ${await res.text()}`);
}

before(async () => {
  s = await startStack();
  // A short stall is enough to prove that nothing waits for the database.
  await appendFile(s.config, 'Database.Timeout = 2\nHistory.Keep = 1000000\n');
  await s.restartApp();
  await s.apply({ dashboards: [{ slug: 'sv', title: 'Supervision',
    widgets: PUSHED.map((name) => ({ name, type: 'text', source: { kind: 'push' } })) }] });
  token = (await s.mdash(['token', 'add', 'supervision'])).stdout.trim().split('\n').pop();
});
after(async () => { await s?.stop(); });

test('the app\'s workers die with their supervisor', async () => {
  const master = await s.pid('fcgi');
  const pool = workers(master);
  assert.ok(pool.length >= 1, `the app has workers (${pool})`);
  process.kill(master, 'SIGKILL');
  await waitFor(() => pool.every((pid) => !alive(pid)), {
    ms: 15000, message: () => `the workers of the killed supervisor to end (left: ${pool.filter(alive)})`,
  });
  await s.stack('up');
  await serving('a new app');
});

test('dev/stack up starts the app at once after its supervisor was killed', async () => {
  const master = await s.pid('fcgi');
  const pool = workers(master);
  process.kill(master, 'SIGKILL');
  await s.stack('up'); // the old workers may still hold the push socket
  assert.notEqual(await s.pid('fcgi'), master);
  assert.deepEqual(pool.filter(alive), [], 'workers of the old supervisor are still running');
  await serving('restarting the app');
});

test('dev/stack up clears nginx workers whose master was killed', async () => {
  const master = await s.pid('nginx');
  const pool = workers(master);
  assert.ok(pool.length >= 1, `nginx has workers (${pool})`);
  process.kill(master, 'SIGKILL');
  await sleep(200);
  assert.ok(pool.some(alive), 'nginx\'s workers outlived their master (the fault this test is about)');
  const up = await s.stack('up');
  assert.match(up.stderr, /nginx: stopping what its dead master left running/);
  assert.deepEqual(pool.filter(alive), [], 'orphaned nginx workers are still running');
  assert.notEqual(await s.pid('nginx'), master);
  await serving('restarting nginx');
});

test('no push answered 204 is lost across kill -9 of every service and a database stall', async () => {
  const acked = [];
  let failed = 0;
  let going = true;
  // Steady pushers, each its own sequence, paced so as not to flood the machine.
  const pusher = async (k) => {
    for (let i = 0; going; i++) {
      const text = `p${k}-${i}`;
      try {
        const res = await push(PUSHED[k % PUSHED.length], text);
        await res.arrayBuffer();
        if (res.status === 204) acked.push(text);
        else failed++;
      } catch {
        failed++; // nginx down: connection refused
      }
      await sleep(10);
    }
  };
  const pushers = [0, 1, 2, 3].map(pusher);
  const flowing = async (what) => {
    const n = acked.length;
    await waitFor(() => acked.length > n + 20, { ms: 20000, message: `pushes to be answered 204 again after ${what}` });
  };
  try {
    await flowing('the start');
    for (const pid of workers(await s.pid('fcgi'))) process.kill(pid, 'SIGKILL');
    await flowing('killing the app\'s workers');
    process.kill(await s.pid('fcgi'), 'SIGKILL');
    await s.stack('up');
    await flowing('killing the app\'s supervisor');
    process.kill(await s.pid('nginx'), 'SIGKILL');
    await s.stack('up');
    await flowing('killing nginx');
    process.kill(await s.pid('mariadb'), 'SIGKILL');
    await sleep(500);
    await s.stack('up');
    await flowing('killing MariaDB');
    const db = await s.pid('mariadb');
    process.kill(db, 'SIGSTOP');
    try {
      await sleep(8000);
    } finally {
      process.kill(db, 'SIGCONT');
    }
    await flowing('the database stall');
  } finally {
    going = false;
    await Promise.all(pushers);
  }
  const rows = await s.sql(`SELECT h.data FROM widget_history h JOIN widgets w ON w.id = h.widget_id
    WHERE w.name IN (${PUSHED.map((n) => `'${n}'`).join(', ')})`);
  const stored = new Set(rows.map(([data]) => JSON.parse(data).text));
  const lost = acked.filter((text) => !stored.has(text));
  assert.deepEqual(lost, [], `${lost.length} of ${acked.length} pushes answered 204 are not stored (${failed} were refused)`);
  assert.ok(failed > 0, 'no push failed: the faults did not happen');
  // Nothing half-written: each version of each widget has its one history row.
  for (const [name, version, rows, newest] of await s.sql(`SELECT w.name, w.version, COUNT(h.id), MAX(h.version)
    FROM widgets w LEFT JOIN widget_history h ON h.widget_id = w.id
    WHERE w.name IN (${PUSHED.map((n) => `'${n}'`).join(', ')}) GROUP BY w.id`)) {
    assert.deepEqual([rows, newest], [version, version], `${name}: version ${version}, ${rows} history rows, newest ${newest}`);
  }
});

test('dev/up starts a service that died again, and SIGINT stops all it started, also when SIGINT was ignored at its start', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'mdash-up-'));
  const port = await freePort();
  const env = { ...process.env, MDASH_VAR: dir, MDASH_PORT: String(port), MDASH_BUILD: BUILD };
  // As a background job of a script starts it: SIGINT ignored.
  const up = spawn('sh', ['-c', 'trap "" INT; exec dev/up'], { cwd: TOP, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  up.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
  up.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => up.on('exit', (code, signal) => resolve({ code, signal })));
  const pid = async (name) => Number((await readFile(path.join(dir, 'run', `${name}.pid`), 'utf8')).trim());
  const healthy = () => waitFor(async () => {
    try { return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200; } catch { return false; }
  }, { ms: 30000, message: () => `the demo's /healthz to answer 200; dev/up said:\n${err}` });
  const said = (re, what) => waitFor(() => re.test(err), { ms: 30000, message: () => `dev/up to say ${what}; it said:\n${err}` });
  try {
    await waitFor(() => out.includes('mdash is running'), { ms: 180000, message: () => `dev/up to start:\n${out}\n${err}` });
    await healthy();

    const app = await pid('fcgi');
    process.kill(app, 'SIGKILL');
    await said(/fcgi stopped \(see .*fcgi\.log\); starting it again in 1 s/, 'that the app stopped');
    await said(/fcgi is running again/, 'that the app runs again');
    assert.notEqual(await pid('fcgi'), app);
    await healthy();

    const nginx = await pid('nginx');
    process.kill(nginx, 'SIGKILL');
    await said(/nginx is running again/, 'that nginx runs again');
    await healthy();

    // Dying again soon: the pause doubles.
    process.kill(await pid('fcgi'), 'SIGKILL');
    await said(/fcgi stopped \(see .*\); starting it again in 2 s/, 'the longer pause');
    await said(/fcgi is running again[^]*fcgi is running again/, 'that the app runs again, twice');
    await healthy();

    const services = await Promise.all(['mariadb', 'nginx', 'fcgi', 'updater', 'demo'].map(pid));
    assert.ok(services.every(alive), `every service runs: ${services}`);
    process.kill(up.pid, 'SIGINT');
    const { code, signal } = await Promise.race([exited, sleep(60000).then(() => ({ code: 'still running' }))]);
    assert.ok(code === 0 || signal === 'SIGINT', `dev/up after SIGINT: exit ${code} ${signal}\n${err}`);
    assert.deepEqual(services.filter(alive), [], 'services still running after dev/up stopped');
    assert.deepEqual(await holders(dir), [], 'processes of the stack still running after dev/up stopped');
  } finally {
    if (alive(up.pid)) up.kill('SIGKILL');
    spawnSync(path.join(TOP, 'dev', 'stack'), ['down', dir], { env, stdio: 'ignore' });
    await rm(dir, { recursive: true, force: true });
  }
});
