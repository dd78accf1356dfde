#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// bench/updater.mjs: the wall time of one `mdash update --force` over W http
// widgets, against the time of its slowest source alone. A private stack;
// every widget's source is a static JSON file served by the stack's own nginx
// (${base}/demo/<file>), and --slow of them are slow: nginx trickles them out
// under /demo/slow/ (see nginx/mdash-site.conf.in) so that each takes about
// --slow-seconds. The goal it checks: 1,000 http widgets in under 2 s plus the
// slowest source. One row per Update.Threads setting, so the reader sees how
// the pool size matters; each row's time is the median of --runs passes.
// The updater stores and publishes results on one thread while the pool still
// fetches, so that serial part hides behind the slow sources when it is
// shorter than them: --slow 0 shows its whole cost (overhead over one widget).
//   node bench/updater.mjs [--widgets 1000] [--slow 10] [--slow-seconds 2] [--runs 3] [--threads default,64,256]
// It exits non-zero when a pass fails (non-zero exit, an error line, or fewer
// than W "Successfully updated" lines); a missed goal is reported, not fatal
// (a shared machine makes the times noisy).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack } from '../tests/harness/stack.mjs';

// The throttle of /demo/slow/ in nginx/mdash-site.conf.in: 10000 bytes/s, in
// 1000-byte writes. A response of N*10000 + 1..1000 bytes takes N s; the
// headers are ~275 bytes, so a body of N*10000 + 500 lands in that window.
const SLOW_RATE = 10000;
const slowBody = (value, seconds) => JSON.stringify({ v: value }).padEnd(Math.round(seconds * SLOW_RATE) + 500, ' ');

// Sets (value) or removes (null) one line of the settings file; the CLI reads
// it at each start, so the next `mdash update` uses it.
async function setSetting(file, name, value) {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '' && !new RegExp(`^\\s*${name.replace('.', '\\.')}\\s*=`).test(l));
  if (value !== null) lines.push(`${name} = ${value}`);
  await writeFile(file, `${lines.join('\n')}\n`);
}

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const sec = (ms) => (ms / 1000).toFixed(2);
const successes = (out) => out.split('\n').filter((l) => l.startsWith('Successfully updated ')).length;

export async function updaterBench({ widgets = 1000, slow = 10, slowSeconds = 2, runs = 3, threads = ['default', 64, 256], log = console.log } = {}) {
  if (!(widgets >= 1) || !(slow >= 0) || slow > widgets || !(slowSeconds > 0) || !(runs >= 1)) {
    throw new Error('need --widgets >= 1, 0 <= --slow <= --widgets, --slow-seconds > 0, --runs >= 1');
  }
  // An out-of-range value is the CLI's to refuse (it names the setting).
  const rows = threads.map((t) => (t === 'default' ? { label: 'default', value: null } : { label: String(t), value: Number(t) }));
  // Worst case of one pass: every slow source in turn on one thread, plus
  // generous time for the rest; run() kills the CLI after that (never hang).
  const passTimeout = 120000 + slow * slowSeconds * 1000 + widgets * 50;

  const s = await startStack();
  const result = { ok: false, rows: [] };
  let failures = 0;
  try {
    // The slow ones spread evenly through the name order, which is the order
    // the updater queues them: neither the best case (all first) nor the
    // worst (all last, behind every fast one).
    const names = Array.from({ length: widgets }, (_, i) => `w${String(i).padStart(4, '0')}`);
    const slowSet = new Set(Array.from({ length: slow }, (_, k) => Math.floor(((k + 0.5) * widgets) / slow)));
    await mkdir(path.join(s.dir, 'www', 'demo', 'slow'), { recursive: true });
    const decl = [];
    for (let i = 0; i < widgets; i++) {
      const file = slowSet.has(i) ? `slow/${names[i]}.json` : `${names[i]}.json`;
      const url = await s.writeDemo(file, slowSet.has(i) ? slowBody(i, slowSeconds) : { v: i });
      decl.push({ name: names[i], type: 'number', interval: 3600, source: { kind: 'http', url, pointer: '/v' } });
    }
    // Dashboards of 100, as a big installation would have them.
    const dashboards = [];
    for (let i = 0; i < widgets; i += 100) {
      const n = String(i / 100).padStart(2, '0');
      dashboards.push({ slug: `u${n}`, title: `Updater ${n}`, widgets: decl.slice(i, i + 100) });
    }
    const tApply = Date.now();
    await s.apply({ dashboards });
    const applyMs = Date.now() - tApply;
    const slowest = slow ? names[[...slowSet][0]] : names[0];

    // The slow location must really be slow (a stale nginx config would make
    // the whole bench meaningless).
    const slowUrl = decl.find((w) => w.name === slowest).source.url;
    // fetch() loads its HTTP client on first use (~0.15 s): not the source's time.
    await (await fetch(decl[0].source.url, { signal: AbortSignal.timeout(30000) })).text();
    const tFetch = Date.now();
    const res = await fetch(slowUrl, { signal: AbortSignal.timeout(slowSeconds * 1000 + 30000) });
    await res.text();
    const fetchMs = Date.now() - tFetch;
    if (slow && (res.status !== 200 || fetchMs < slowSeconds * 900)) {
      throw new Error(`${slowUrl}: HTTP ${res.status} in ${fetchMs} ms; expected about ${slowSeconds} s (is the /demo/slow/ location in nginx/mdash-site.conf.in?)`);
    }

    // A source slower than the per-source timeout would fail: leave room.
    const timeout = Math.ceil(slowSeconds) + 5;
    await setSetting(s.config, 'Update.Timeout', timeout);

    // Checks one pass; returns its time. A failed pass fails the bench.
    const pass = async (args, want, what) => {
      const r = await s.mdash(['update', '--force', ...args], { timeout: passTimeout });
      const ok = successes(r.stdout);
      if (r.code !== 0 || ok !== want || r.stderr.trim() !== '') {
        failures++;
        const errs = r.stderr.trim().split('\n');
        log(`FAILED ${what}: exit ${r.code}, ${ok}/${want} "Successfully updated"; stderr (${errs.length} lines): ${errs.slice(0, 5).join(' | ')}`);
      }
      return { ms: r.ms, ok };
    };

    // The first pass stores each widget's first version: not what cron runs
    // every minute, so it is shown apart.
    const cold = await pass([], widgets, 'first pass');

    const cores = os.cpus();
    log(`mdash updater bench on ${os.hostname()}: ${cores.length} cores (${cores[0]?.model.trim() || 'unknown'}), load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, node ${process.version}`);
    log(`parameters: ${widgets} http widgets from the stack's nginx, ${slow} slow${slow ? ` (${slowSeconds} s each, spread through the queue)` : ''}, `
      + `${runs} run(s) per row (median), Update.Timeout ${timeout} s`);
    log(`setup: apply ${sec(applyMs)} s; slowest source alone over HTTP ${sec(fetchMs)} s; first (cold) pass ${sec(cold.ms)} s with the default pool`);
    log(`goal: ${widgets === 1000 ? '1,000' : widgets} http widgets in under 2 s plus the slowest source (overhead = total - slowest alone < 2 s)`);
    log('');
    const head = ['threads', 'total runs (s)', 'total', 'slowest alone', 'overhead', 'goal', 'updated'];
    const width = [14, Math.max(14, runs * 6), 7, 13, 8, 4, 11];
    const line = (cells) => cells.map((c, i) => String(c).padEnd(width[i])).join('  ').trimEnd();
    log(line(head));
    for (const row of rows) {
      await setSetting(s.config, 'Update.Threads', row.value);
      // Interleaved (all W, then the slowest alone, per run), so that a busy
      // moment on a shared machine weighs on both sides alike.
      const totals = [], singles = [], oks = [];
      for (let i = 0; i < runs; i++) {
        const t = await pass([], widgets, `pass ${i + 1} with ${row.label} threads`);
        totals.push(t.ms);
        oks.push(t.ok);
        singles.push((await pass(['--widget', slowest], 1, `--widget ${slowest} with ${row.label} threads`)).ms);
      }
      const total = median(totals), single = median(singles), overhead = total - single;
      const meets = overhead < 2000;
      result.rows.push({ threads: row.label, totals, total, single, overhead, meets, oks });
      log(line([row.label, totals.map(sec).join(' '), sec(total), sec(single), sec(overhead), meets ? 'yes' : 'no',
        `${Math.min(...oks)}/${widgets}`]));
    }
    log('');
    log('total: wall time of `mdash update --force` over every widget (the process from start to exit);');
    log(`slowest alone: \`mdash update --force --widget ${slowest}\`, the same process for its slowest widget only.`);
    result.ok = failures === 0;
    log(result.ok ? `updater: PASS (every pass updated all ${widgets} widgets)` : `updater: FAIL (${failures} failed pass(es))`);
    return result;
  } finally {
    await s.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const r = await updaterBench({
    widgets: Number(arg('widgets', 1000)),
    slow: Number(arg('slow', 10)),
    slowSeconds: Number(arg('slow-seconds', 2)),
    runs: Number(arg('runs', 3)),
    threads: String(arg('threads', 'default,64,256')).split(',').map((t) => (t === 'default' ? t : Number(t))),
  }).catch((e) => {
    console.error(`updater: ${e.message}`);
    return { ok: false };
  });
  process.exit(r.ok ? 0 : 1);
}
