// SPDX-License-Identifier: MIT
// bench.test.mjs: tiny versions of the benchmarks, so that the scripts in
// bench/ keep working. They assert what the scripts report, never a speed:
// performance targets live in the benchmarks themselves (BENCHMARKS.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../harness/stack.mjs';
import { fanout } from '../../bench/fanout.mjs';
import { updaterBench } from '../../bench/updater.mjs';
import { historyBench } from '../../bench/history.mjs';
import { kioskEndurance } from '../../bench/kiosk-endurance.mjs';

const ROWS = ['floor', 'page', 'page-app', 'fragment', 'frag-app', 'share', 'share-frag', 'api', 'push', 'push-16'];

test('bench/run: every row has figures for mdash and its ceiling, and the pushes were stored', { timeout: 300000 }, async () => {
  const r = await run('bash', ['bench/run'], {
    env: { SECONDS_PER_RUN: '1', PAIRS: '1', CONNECTIONS: '8', PUSH_CLIENTS: '16' },
    timeout: 240000,
  });
  const out = `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
  assert.equal(r.code, 0, out);
  for (const row of ROWS) {
    const m = new RegExp(`^${row}\\s+(\\d+)\\s+(\\d+)\\s+([\\d.]+)\\s+([\\d.]+)$`, 'm').exec(r.stdout);
    assert.ok(m, `no figures for ${row}:\n${out}`);
    assert.ok(Number(m[1]) > 0 && Number(m[2]) > 0, `${row}: ${m[0]}`);
  }
  assert.doesNotMatch(r.stderr, /non-2xx/, 'a benchmark request failed');
  const stored = /^pushes stored \(w1\.\.w12\): (\d+)$/m.exec(r.stdout);
  assert.ok(stored && Number(stored[1]) > 12, `pushes stored:\n${out}`);
});

test('bench/run GRAPHS=10: the page and fragment rows over a dashboard of ten graphs over time, with history', { timeout: 300000 }, async () => {
  const r = await run('bash', ['bench/run'], {
    env: { SECONDS_PER_RUN: '1', PAIRS: '1', CONNECTIONS: '8', ROWS: 'page fragment', GRAPHS: '10', HISTORY_ROWS: '20000' },
    timeout: 240000,
  });
  const out = `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
  assert.equal(r.code, 0, out);
  for (const row of ['page', 'fragment']) {
    assert.match(r.stdout, new RegExp(`^${row}\\s+[1-9]\\d*\\s+[1-9]\\d*\\s`, 'm'), `no figures for ${row}:\n${out}`);
  }
  assert.doesNotMatch(r.stderr, /non-2xx|graphs over time, not/, out);
});

test('bench/fanout.mjs --nodes 3: streams spread over three hosts behind the balancer, and each push reaches all of them through Redis', { timeout: 120000 }, async () => {
  const lines = [];
  const r = await fanout({ subscribers: [30], pushes: 3, every: 50, rounds: 1, clients: 1, nodes: 3, log: (l) => lines.push(l) });
  const report = lines.join('\n');
  assert.ok(r.ok, report);
  const [{ refused, dropped, rs, spread }] = r.results;
  assert.equal(refused + dropped, 0, report);
  for (const x of rs) assert.equal(x.missing, 0, report);
  assert.equal(spread.length, 3, report);
  // Each of the balancer's two workers deals its own round robin: a third, give or take one per worker.
  for (const held of spread) assert.ok(held >= 8, `a host held far fewer than a third of the streams:\n${report}`);
});

test('bench/fanout.mjs: every stream holds every pushed version; a small fragment travels in the message, a large one comes from nginx\'s cache; also on a share link\'s page', { timeout: 300000 }, async () => {
  for (const [fragment, viewer] of [['small', 'login'], ['large', 'login'], ['large', 'share']]) {
    const lines = [];
    const r = await fanout({ subscribers: [20], pushes: 3, every: 50, rounds: 1, clients: 2, fragment, viewer, log: (l) => lines.push(l) });
    const report = lines.join('\n');
    assert.ok(r.ok, report);
    assert.match(report, /N=\s*20 .*per subscriber \d+\.\d+ KiB private, \d+\.\d+ Pss/, `no memory per subscriber in the report:\n${report}`);
    const [{ refused, dropped, rs }] = r.results;
    assert.equal(refused + dropped, 0, report);
    for (const x of rs) assert.equal(x.missing, 0, report);
    const [m] = rs.filter((x) => x.kind === 'mdash');
    if (fragment === 'small') {
      assert.equal(m.fetches.asked, 0, `a stream fetched a fragment that its message carried:\n${report}`);
    } else {
      assert.equal(m.fetches.asked, 60, report);
      // Fetches wait up to 40 ms for the first render; under AddressSanitizer a
      // render may take longer, and then each goes to the app: still correct.
      if (!process.env.ASAN_OPTIONS) assert.ok(m.fetches.copies > 0, `no fetch was served by nginx's cache:\n${report}`);
    }
  }
});

test('bench/updater.mjs: a forced update of every http widget, slow source included', { timeout: 300000 }, async () => {
  const lines = [];
  const r = await updaterBench({ widgets: 20, slow: 1, slowSeconds: 1, runs: 1, threads: ['default'], log: (l) => lines.push(l) });
  assert.ok(r.ok, lines.join('\n'));
});

test('bench/kiosk-endurance.mjs: a kiosk page of every built-in type shows every push, and each sample has its figures', { timeout: 300000 }, async () => {
  const lines = [];
  const r = await kioskEndurance({ minutes: 0.1, every: 2, warmup: 1, log: (l) => lines.push(l) });
  const report = lines.join('\n');
  assert.deepEqual(Object.keys(r.perType).sort(), ['clock', 'graph', 'image', 'list', 'meter', 'number', 'status', 'text']);
  for (const [type, n] of Object.entries(r.perType)) assert.ok(n > 1, `${type}: ${n} pushes\n${report}`);
  assert.equal(r.pushErrors, 0, report);
  assert.deepEqual(r.pageErrors, [], report);
  assert.ok(r.keptUp, `the page fell behind its pushes:\n${report}`);
  assert.ok(r.rows.length >= 2, report);
  for (const row of r.rows) assert.ok(row.heap > 0 && row.nodes > 0 && row.listeners > 0 && row.conn === 'live', report);
  assert.match(report, /^verdict: (FLAT|NOT FLAT) over /m, report);
});

test('bench/history.mjs: a day of a long history, read before and after the roll-up, the same answer', { timeout: 300000 }, async () => {
  const lines = [];
  const r = await historyBench({ rows: 20000, seconds: 1, connections: [1], log: (l) => lines.push(l) });
  const report = lines.join('\n');
  assert.ok(r.ok, report);
  assert.deepEqual(r.runs.map((x) => x.label), ['not rolled up', 'rolled up'], report);
  for (const x of r.runs) assert.ok(x.rps > 0 && x.p99 > 0, report);
  const minutes = r.disk.find((d) => d.table === 'widget_history_minutes');
  assert.ok(minutes && minutes.rows >= 333 && minutes.rows <= 335, `20,000 seconds in minutes:\n${report}`);
  assert.ok(r.widgetYear.defaults > 0, report);
});
