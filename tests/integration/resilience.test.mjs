// SPDX-License-Identifier: MIT
// resilience.test.mjs: parts that fail recover by themselves, and lose nothing.
// A FastCGI worker that crashes is replaced while the others serve; an updater
// killed with SIGKILL in the middle of a run leaves no half-written widget and
// no lock behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startStack, sleep, waitFor, MDASH } from '../harness/stack.mjs';

let s;
before(async () => {
  s = await startStack();
  await s.writeDemo('r1.json', { v: 1 });
  await s.apply({ dashboards: [{ slug: 'res', title: 'Resilience', widgets: [
    { name: 'quick', type: 'number', interval: 60,
      source: { kind: 'http', url: `${s.base}/demo/r1.json`, pointer: '/v' } },
    { name: 'slow', type: 'text', interval: 60,
      source: { kind: 'exec', command: ['/bin/sh', '-c', 'sleep 2; echo \'{"text":"late"}\''] } },
  ] }] });
});
after(async () => { await s?.stop(); });

const workers = (master) => spawnSync('pgrep', ['-P', String(master)], { encoding: 'utf8' })
  .stdout.split('\n').filter(Boolean).map(Number);

test('a crashed FastCGI worker is replaced; requests keep being answered', async () => {
  const master = await s.pid('fcgi');
  assert.ok(master, 'the app runs');
  const before = workers(master);
  assert.ok(before.length >= 1, `the app has workers (${before})`);
  // SIGKILL: as abrupt as a crash, and not caught by AddressSanitizer (which
  // turns a SIGSEGV into a report and an abort) in the sanitizer stage.
  process.kill(before[0], 'SIGKILL');
  // Requests during and after the crash: at most the one in flight may fail.
  let ok = 0;
  for (let i = 0; i < 20; i++) {
    const res = await s.get('/d/res');
    if (res.status === 200) ok++;
    await res.text();
  }
  assert.ok(ok >= 19, `${ok} of 20 requests answered 200 around a worker crash`);
  await waitFor(() => {
    const now = workers(master);
    return now.length === before.length && !now.includes(before[0]);
  }, { ms: 5000, message: 'a new worker to replace the crashed one' });
  const log = await readFile(path.join(s.dir, 'log', 'fcgi.log'), 'utf8');
  assert.match(log, new RegExp(`worker ${before[0]} died of signal 9; starting a new one`));
});

test('an updater killed mid-run leaves whole widgets and no lock; the next run works', async () => {
  const before = await (await s.get('/api/widgets/slow')).json();
  const child = spawn(MDASH, ['update', '--force'], { env: { ...process.env, MDASH_CONFIG: s.config }, stdio: 'ignore' });
  await sleep(700); // the quick widget is stored; the slow one is still fetching
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  const quick = await (await s.get('/api/widgets/quick')).json();
  const slow = await (await s.get('/api/widgets/slow')).json();
  assert.equal(typeof quick.value, 'object');
  assert.equal(slow.version, before.version, 'the widget being fetched when the updater died is untouched');
  // Each stored version has its one history row: nothing half-written.
  const rows = await s.sql("SELECT w.version, COUNT(h.id) FROM widgets w LEFT JOIN widget_history h ON h.widget_id = w.id AND h.version = w.version WHERE w.name = 'quick' GROUP BY w.id");
  assert.equal(rows[0][1], rows[0][0] === '0' ? '0' : '1', `version ${rows[0][0]} has one history row`);
  // The kernel released the lock file and MariaDB the named lock.
  const r = await s.mdash(['update', '--force', '--widget', 'slow']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Successfully updated slow/);
  assert.doesNotMatch(r.stdout, /Another mdash update is running/);
  const after = await (await s.get('/api/widgets/slow')).json();
  assert.equal(after.value.text, 'late');
  assert.ok(after.version > before.version);
});
