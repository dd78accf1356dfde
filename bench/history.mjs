#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// bench/history.mjs: reading a long history. One widget gets --rows updates,
// one a second up to now (1,000,000: eleven and a half days), loaded
// straight into widget_history (INSERT ... SELECT from MariaDB's sequence
// engine). Then wrk asks the app, through nginx, for
//   GET /api/widgets/<name>/history?since=-24h&points=500
// as a graph of the last day would: 86,400 updates into 500 buckets. It
// measures twice: before anything is rolled up (the raw rows only, as right
// after the load), and after `mdash prune` has rolled them up (its time is
// reported too).
// Between the two, the same fixed range must give the same answer. Last,
// the disk the tables take (information_schema, after ANALYZE TABLE), per
// row and scaled to a widget-year at one update a second.
// The goal it checks: p99 <= 20 ms after the roll-up, with wrk -c1.
//   node bench/history.mjs [--rows 1000000] [--seconds 10] [--connections 1,8] [--points 500] [--since -24h]
// It exits non-zero when a request fails, an answer is empty, or the answers
// before and after the roll-up differ; a missed goal is reported, not fatal
// (a shared machine makes the times noisy).
import { spawn } from 'node:child_process';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startStack } from '../tests/harness/stack.mjs';

const YEAR = 365 * 86400; // seconds, and so updates at one a second

/** wrk's figures for one URL: {rps, p50, p99 (ms), non2xx, errors}. */
function wrk(url, { seconds, connections }) {
  return new Promise((resolve) => {
    // A slow answer is a figure, not a failure: wrk's 2 s timeout would drop it.
    const args = [`-t${Math.min(connections, 2)}`, `-c${connections}`, `-d${seconds}s`, '--timeout', '30s', '--latency', url];
    const p = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('error', (e) => resolve({ error: `wrk: ${e.message}` }));
    p.on('close', () => {
      const ms = (pct) => {
        const m = new RegExp(`^\\s+${pct}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out);
        return m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]] : NaN;
      };
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const errors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
      resolve({ rps, p50: ms(50), p99: ms(99), non2xx, errors, out });
    });
  });
}

const mib = (b) => (b / 1048576).toFixed(1);

/** CPU seconds so far of pids and their children (utime + stime). */
async function cpuSeconds(pids) {
  const stat = async (pid) => (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /, '').split(' ');
  const all = new Set(pids);
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try { if (all.has(Number((await stat(d))[1]))) all.add(Number(d)); } catch { /* gone */ }
  }
  let ticks = 0;
  for (const pid of all) {
    try { const f = await stat(pid); ticks += Number(f[11]) + Number(f[12]); } catch { /* gone */ }
  }
  return ticks / 100; // USER_HZ
}

export async function historyBench({ rows = 1000000, seconds = 10, connections = [1, 8], points = 500, since = '-24h', log = console.log } = {}) {
  if (!(rows >= 1000) || !(seconds >= 1) || !(points >= 1) || !connections.every((c) => c >= 1)) {
    throw new Error('need --rows >= 1000, --seconds >= 1, --points >= 1, --connections >= 1');
  }
  const s = await startStack();
  const result = { ok: false, runs: [], disk: [] };
  const problems = [];
  try {
    await s.apply({ dashboards: [{ slug: 'h', title: 'History', widgets: [{ name: 'big', type: 'number', source: { kind: 'push' } }] }] });
    // Every loaded row stays: retention must not take any (they span rows seconds).
    await appendFile(s.config, `History.Keep = ${rows}\nHistory.MaxAge = ${Math.ceil(rows / 86400) + 2}\n`);
    const t0 = Date.now();
    // As a number widget stores them: the value and the one before. Slow
    // waves with a little noise, whole numbers.
    await s.sql(`INSERT INTO widget_history (widget_id, version, data, created_at)
      SELECT w.id, q.seq, CONCAT('{"current":', ROUND(500 + 400 * SIN(q.seq / 3600) + MOD(q.seq * 7919, 13)),
        ',"last":', ROUND(500 + 400 * SIN((q.seq - 1) / 3600)), '}'),
        UTC_TIMESTAMP(3) - INTERVAL (${rows} - q.seq) SECOND
      FROM widgets w JOIN seq_1_to_${rows} q WHERE w.name = 'big'`);
    const loadMs = Date.now() - t0;
    const cores = os.cpus();
    log(`mdash history bench on ${os.hostname()}: ${cores.length} cores (${cores[0]?.model.trim() || 'unknown'}), load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, node ${process.version}`);
    log(`${rows} updates of one widget, one a second up to now, loaded in ${(loadMs / 1000).toFixed(1)} s; wrk ${seconds} s per run`);
    log(`request: GET /api/widgets/big/history?since=${since}&points=${points} (through nginx to the app)`);
    log('goal: p99 <= 20 ms with the roll-ups, wrk -c1');
    log('');

    const url = `${s.base}/api/widgets/big/history?since=${encodeURIComponent(since)}&points=${points}`;
    // A fixed range (the last full day) for comparing answers.
    const end = new Date(Math.floor(Date.now() / 60000) * 60000 - 60000);
    const fixed = `/api/widgets/big/history?since=${new Date(end - 86400000).toISOString()}&until=${end.toISOString()}&points=${points}`;
    const answer = async () => {
      const res = await s.get(fixed);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${fixed}: ${res.status} ${text.slice(0, 200)}`);
      return JSON.parse(text).points;
    };

    // The CPU a request costs MariaDB and the app: on a busy machine a
    // steadier figure than the wall time.
    const db = [await s.pid('mariadb')], app = [await s.pid('fcgi')];
    const head = ['history', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'goal', 'CPU ms/req db + app'];
    const width = [22, 11, 8, 7, 7, 4, 19];
    const line = (cells) => cells.map((c, i) => String(c).padEnd(width[i])).join('  ').trimEnd();
    const measure = async (label) => {
      for (const c of connections) {
        const [db0, app0] = [await cpuSeconds(db), await cpuSeconds(app)];
        const r = await wrk(url, { seconds, connections: c });
        const n = r.rps * seconds;
        const cpu = { db: ((await cpuSeconds(db)) - db0) * 1000 / n, app: ((await cpuSeconds(app)) - app0) * 1000 / n };
        if (r.error || !(r.rps > 0) || r.non2xx || r.errors) problems.push(`${label}, -c${c}: ${r.error || r.out}`);
        const meets = c === 1 ? (r.p99 <= 20 ? 'yes' : 'no') : '';
        result.runs.push({ label, connections: c, rps: r.rps, p50: r.p50, p99: r.p99, cpu });
        log(line([label, c, Math.round(r.rps), r.p50.toFixed(2), r.p99.toFixed(2), meets, `${cpu.db.toFixed(2)} + ${cpu.app.toFixed(2)}`]));
      }
    };

    log(line(head));
    const before = await answer();
    if (before.length === 0) problems.push(`${fixed}: no points`);
    await measure('not rolled up');
    const tr = Date.now();
    const pr = await s.mdash(['prune'], { timeout: 3600000 });
    const pruneMs = Date.now() - tr;
    if (pr.code !== 0) problems.push(`mdash prune: exit ${pr.code}: ${pr.stderr}`);
    await measure('rolled up');
    const after = await answer();
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      const i = after.findIndex((p, k) => JSON.stringify(p) !== JSON.stringify(before[k]));
      problems.push(`the answer changed with the roll-up: ${before.length} points before, ${after.length} after; first difference at ${i}: `
        + `${JSON.stringify(before[i])} / ${JSON.stringify(after[i])}`);
    }
    result.pruneMs = pruneMs;
    log('');
    log(`mdash prune (rolls up, then applies retention): ${(pruneMs / 1000).toFixed(1)} s for ${rows} updates `
      + `(${Math.round(rows / (pruneMs / 1000))} a second): ${pr.stdout.trim().split('\n').join(' ')}`);

    // Disk: what each table holds for this widget, per row.
    const tables = (await s.sql(`SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()
      AND table_name LIKE 'widget\\_history%' ORDER BY table_name`)).flat();
    await s.sql(`ANALYZE TABLE ${tables.join(', ')}`);
    const sizes = new Map((await s.sql(`SELECT table_name, data_length + index_length FROM information_schema.tables
      WHERE table_schema = DATABASE() AND table_name LIKE 'widget\\_history%'`)).map(([t, b]) => [t, Number(b)]));
    log('');
    log(line(['table', 'rows', 'MiB', 'bytes/row']));
    for (const t of tables) {
      const n = Number((await s.sql(`SELECT COUNT(*) FROM ${t}`))[0][0]);
      const bytes = sizes.get(t);
      result.disk.push({ table: t, rows: n, bytes, perRow: n ? bytes / n : 0 });
      log(line([t, n, mib(bytes), n ? Math.round(bytes / n) : '-']));
    }
    // A widget-year at one update a second. The hour table is too small
    // here to measure on its own: it has the minute table's layout.
    const perRow = (t) => result.disk.find((d) => d.table === t)?.perRow ?? 0;
    const raw = perRow('widget_history'), unit = perRow('widget_history_minutes');
    const defaults = raw * 10000 + unit * (30 * 1440 + 365 * 24);
    result.widgetYear = { defaults, minutesAYear: raw * 10000 + unit * (365 * 1440 + 365 * 24), everyUpdate: raw * YEAR };
    log('');
    log('a widget-year at one update a second:');
    log(`  with the defaults (History.Keep 10,000 updates, minutes for 30 days, hours for the year): ${mib(defaults)} MiB`);
    log(`  with History.MinuteDays = 365: ${mib(result.widgetYear.minutesAYear)} MiB`);
    log(`  every update kept (History.Keep, History.MaxAge raised): ${(raw * YEAR / 2 ** 30).toFixed(1)} GiB`);
    result.ok = problems.length === 0;
    for (const p of problems) log(`FAILED ${p}`);
    log(result.ok ? 'history: PASS (every request answered, the same answer before and after the roll-up)' : `history: FAIL (${problems.length} problem(s))`);
    return result;
  } finally {
    await s.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: o } = parseArgs({ options: {
    rows: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '1,8' },
    points: { type: 'string', default: '500' },
    since: { type: 'string', default: '-24h' },
  } });
  const r = await historyBench({ rows: Number(o.rows), seconds: Number(o.seconds), connections: o.connections.split(',').map(Number),
    points: Number(o.points), since: o.since }).catch((e) => {
    console.error(`history: ${e.message}`);
    return { ok: false };
  });
  process.exit(r.ok ? 0 : 1);
}
