#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// bench/fanout.mjs: how fast one update reaches N open dashboards, against
// nchan's own ceiling on this machine. A private stack (login required), a
// dashboard `fan` of 4 push widgets, and for each N:
//   1. fan-out latency: N EventSource subscribers on /sub/d/fan (with the
//      stream pass from the dashboard's JSON, as pages open it; --stream app:
//      without, so that the app authorises each stream); a push every
//      --every ms, --pushes times, either through mdash (POST /api/widgets/f1:
//      store + publish) or straight to nchan's publisher (POST /pub/f1 on its socket, the
//      same message shape). Rounds alternate a b a b ... so that the noise of
//      a shared machine hits both; the figures are medians of the rounds.
//   2. end to end: one push, then every subscriber fetches the fragment
//      (GET /widget/f1?v=<version>&<pass>) as the page's script does; the
//      time until the last of them holds the new version, how many came from
//      nginx's cache, and how often the app rendered.
//   3. memory: RssAnon of the nginx workers and the app workers, before and
//      after subscribing and after the rounds.
// Exits non-zero when a subscriber was refused or a delivery or fetch missing.
//   node bench/fanout.mjs [--subscribers 1000,5000] [--pushes 50] [--every 100] [--rounds 3] [--trials 3] [--stream pass|app]
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { rss, children } from './memory.mjs';
import { startStack, sleep } from '../tests/harness/stack.mjs';

const WIDGETS = ['f1', 'f2', 'f3', 'f4'];
const BATCH = 100;              // subscribers opened at once
const OPEN_TIMEOUT = 15000;     // per subscriber, until its response headers
const REQUEST_TIMEOUT = 10000;  // per push / publish / API read
const DELIVERY_GRACE = 10000;   // after the last push of a round
const E2E_TIMEOUT = 60000;      // per end-to-end trial

// Nearest-rank percentile of an ascending array; NaN when empty.
const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN);
const median = (xs) => {
  const v = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return v.length ? (v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : NaN;
};
const fmt = (x, w = 7, d = 1) => (Number.isNaN(x) ? 'n/a' : x.toFixed(d)).padStart(w);
const mib = (kb) => kb / 1024;
const until = (t) => sleep(Math.max(0, t - performance.now()));

/**
 * One HTTP request; always resolves, to {status, headers, body, ms} (status 0
 * and error on a network failure or after timeoutMs, counted from the call so
 * that time queued in the agent counts too).
 */
function request(to, { method = 'GET', path, headers = {}, body, agent, timeoutMs = REQUEST_TIMEOUT }) {
  // to: the stack's port, or the path of a unix socket (the publisher's).
  const where = typeof to === 'string' ? { socketPath: to } : { host: '127.0.0.1', port: to };
  return new Promise((resolve) => {
    const t0 = performance.now();
    let settled = false;
    const done = (r) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ms: performance.now() - t0, ...r });
    };
    const req = http.request({ ...where, method, path, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => done({ status: res.statusCode, headers: res.headers, body: text }));
      res.on('error', (e) => done({ status: 0, error: e.code || e.message }));
    });
    const timer = setTimeout(() => req.destroy(new Error('timeout')), timeoutMs);
    req.on('error', (e) => done({ status: 0, error: e.code || e.message }));
    req.end(body);
  });
}

/**
 * One EventSource subscriber on path (/sub/d/fan...), kept light: every `data:` line
 * goes to onMessage(parsed, receivedAt). The receipt time is taken before the
 * chunk is parsed; with thousands of streams in one Node process, the time a
 * chunk waits in our own event loop still counts, for mdash and raw alike.
 */
function subscribe(port, path, cookie, onMessage) {
  return new Promise((resolve) => {
    const sub = { status: 0, ended: false, close: () => req.destroy() };
    const req = http.get({ host: '127.0.0.1', port, path, agent: false,
      headers: { Accept: 'text/event-stream', Cookie: cookie } }, (res) => {
      clearTimeout(timer);
      sub.status = res.statusCode;
      resolve(sub);
      if (res.statusCode !== 200) { res.resume(); return; }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        const at = performance.now();
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (!line.startsWith('data: ')) continue;
          try { onMessage(JSON.parse(line.slice(6)), at); } catch { /* not ours */ }
        }
      });
      res.on('close', () => { sub.ended = true; });
    });
    const timer = setTimeout(() => req.destroy(new Error('timeout')), OPEN_TIMEOUT);
    req.on('error', () => { clearTimeout(timer); sub.ended = true; resolve(sub); });
  });
}

export async function fanout({ subscribers = [1000, 5000], pushes = 50, every = 100, rounds = 3, trials = 3, stream = 'pass', log = console.log } = {}) {
  const cpus = os.cpus();
  log(`machine: ${cpus.length} cores, ${cpus[0]?.model.trim() || 'unknown model'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, node ${process.version}`);
  log(`parameters: subscribers ${subscribers.join(',')}, ${pushes} pushes every ${every} ms per round, ${rounds} rounds each of mdash and raw nchan (interleaved), ${trials} end-to-end trials, streams opened ${stream === 'app' ? 'through the app' : 'with a stream pass'}`);

  const s = await startStack({ requireLogin: true });
  let subs = [];
  // The current phase's view of the streams: (subscriber index, message, time).
  let handler = () => {};
  // Pushes reuse one connection (mdash and raw alike), so no TCP set-up is
  // timed; fragment fetches share up to 256, as a browser farm would.
  const pushAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const publishAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const fetchAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const results = [];
  let ok = true;
  try {
    await s.apply({ dashboards: [{ slug: 'fan', title: 'Fan-out', widgets: WIDGETS.map((name) => ({ name, type: 'number', source: { kind: 'push' } })) }] });
    await s.mdash(['user', 'add', 'fan', '--admin'], { input: 'fan-password\n' });
    const token = (await s.mdash(['token', 'add', 'fan'])).stdout.trim().split('\n').pop();
    const login = await request(s.port, { method: 'POST', path: '/login', body: 'username=fan&password=fan-password',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const cookie = (login.headers?.['set-cookie'] || []).map((c) => c.split(';')[0]).find((c) => c.startsWith('mdash_session='));
    if (!cookie) throw new Error(`login failed: ${login.status} ${login.error || ''}`);

    const nginxMaster = await s.pid('nginx'), app = await s.pid('fcgi');
    const memory = () => ({ nginx: rss(children(nginxMaster)), app: rss(children(app)) });
    const version = async () => {
      const r = await request(s.port, { path: '/api/widgets/f1', headers: { Cookie: cookie } });
      if (r.status !== 200) throw new Error(`GET /api/widgets/f1: ${r.status} ${r.error || r.body}`);
      return JSON.parse(r.body).version;
    };
    // f1's pass, as the page's script takes it from the dashboard's JSON.
    const dashboard = async () => {
      const r = await request(s.port, { path: '/api/dashboards/fan', headers: { Cookie: cookie } });
      if (r.status !== 200) throw new Error(`GET /api/dashboards/fan: ${r.status} ${r.error || r.body}`);
      return JSON.parse(r.body);
    };
    const fragmentPass = async () => {
      const w = (await dashboard()).widgets.find((x) => x.name === 'f1');
      return w && w.pass ? `&${w.pass}` : '';
    };
    // The stream's address, as the page's script opens it.
    const streamPass = stream === 'app' ? null : (await dashboard()).stream;
    if (stream !== 'app' && !streamPass) throw new Error('the dashboard\'s JSON has no stream pass');
    const streamPath = streamPass ? `/sub/d/fan?${streamPass}` : '/sub/d/fan';
    const mdashPush = (i) => request(s.port, { method: 'POST', path: '/api/widgets/f1', agent: pushAgent,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ current: i }) });
    // Synthetic versions far above mdash's own, a fresh range per raw round,
    // so that neither kind of round can count the other's messages.
    let rawBase = 1e12;
    const rawPublish = (v) => request(s.publishSocket, { method: 'POST', path: '/pub/f1', agent: publishAgent,
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ widget: 'f1', version: v }) });

    /**
     * One round: `pushes` sends at a fixed cadence, each waiting for the one
     * before (versions are assigned in arrival order, and the version -> send
     * time map relies on it). Latency = receipt - send, per (stream, push).
     */
    const round = async (kind) => {
      const n = pushes;
      const base = kind === 'mdash' ? (await version()) + 1 : (rawBase += 1e6);
      const sent = new Float64Array(n);
      const recv = new Float64Array(subs.length * n); // 0: not (yet) received
      const live = subs.map((x) => x.status === 200 && !x.ended);
      const expected = live.filter(Boolean).length * n;
      let got = 0;
      handler = (j, m, at) => {
        const k = m.widget === 'f1' ? m.version - base : -1;
        if (k >= 0 && k < n && live[j] && !recv[j * n + k]) { recv[j * n + k] = at; got++; }
      };
      const sendMs = [];
      let failedSends = 0;
      // How busy our own event loop was: receipt times are taken here, so a
      // saturated client adds its queue to both kinds of round.
      const elu0 = performance.eventLoopUtilization();
      const t0 = performance.now() + 20;
      for (let i = 0; i < n; i++) {
        await until(t0 + i * every);
        sent[i] = performance.now();
        const r = kind === 'mdash' ? await mdashPush(i) : await rawPublish(base + i);
        sendMs.push(r.ms);
        if (!(kind === 'mdash' ? r.status === 204 : r.status >= 200 && r.status < 300)) failedSends++;
      }
      const deadline = performance.now() + DELIVERY_GRACE;
      while (got < expected && performance.now() < deadline) await sleep(20);
      handler = () => {};
      const busy = performance.eventLoopUtilization(elu0).utilization;
      // Someone else's version in between would shift every later receipt.
      const shifted = kind === 'mdash' && (await version()) !== base + n - 1;
      const lat = new Float64Array(got);
      let g = 0;
      for (let j = 0; j < subs.length; j++) {
        if (!live[j]) continue;
        for (let k = 0; k < n; k++) if (recv[j * n + k]) lat[g++] = recv[j * n + k] - sent[k];
      }
      lat.sort();
      return { kind, p50: pct(lat, 50), p99: pct(lat, 99), max: pct(lat, 100), missing: expected - got,
        failedSends, shifted, sendP50: median(sendMs), interval: n > 1 ? (sent[n - 1] - sent[0]) / (n - 1) : every, busy };
    };

    /**
     * One end-to-end trial: a push, and every stream that hears of it fetches
     * the fragment at once. Done per subscriber = a 200 fragment whose root
     * carries data-version="<version>"; times are from the push request.
     */
    const endToEnd = async () => {
      const v = (await version()) + 1;
      const pass = await fragmentPass();
      const live = subs.map((x) => x.status === 200 && !x.ended);
      const open = live.filter(Boolean).length;
      const started = new Uint8Array(subs.length);
      const doneMs = [];
      // copies: answered by nginx from its cache; hit/miss: answered by the
      // app from its own cache / rendered (its X-Cache header).
      const e = { notified: 0, failed: 0, stale: 0, copies: 0, hit: 0, miss: 0, noHeader: 0, errors: new Map() };
      let t0 = 0;
      handler = (j, m) => {
        if (m.widget !== 'f1' || m.version !== v || !live[j] || started[j]) return;
        started[j] = 1;
        e.notified++;
        request(s.port, { path: `/widget/f1?v=${v}${pass}`, agent: fetchAgent, headers: { Cookie: cookie }, timeoutMs: E2E_TIMEOUT })
          .then((r) => {
            const cache = String(r.headers?.['x-cache'] || '').toLowerCase();
            const copy = ['HIT', 'STALE', 'UPDATING'].includes(String(r.headers?.['x-fragment-cache'] || ''));
            if (r.status) {
              if (copy) e.copies++;
              else if (cache === 'hit') e.hit++;
              else if (cache === 'miss') e.miss++;
              else e.noHeader++;
            }
            if (r.status !== 200) {
              e.failed++;
              const why = r.status ? `HTTP ${r.status}` : r.error;
              e.errors.set(why, (e.errors.get(why) || 0) + 1);
              return;
            }
            const m2 = r.body.match(/data-version="(\d+)"/);
            if (m2 && Number(m2[1]) === v) doneMs.push(performance.now() - t0);
            else e.stale++;
          });
      };
      t0 = performance.now();
      const push = await mdashPush(-1);
      const deadline = t0 + E2E_TIMEOUT;
      while (doneMs.length + e.failed + e.stale < open && performance.now() < deadline) await sleep(10);
      handler = () => {};
      doneMs.sort((a, b) => a - b);
      const complete = doneMs.length === open && push.status === 204;
      return { open, ...e, pushStatus: push.status, completed: doneMs.length,
        last: complete ? doneMs[doneMs.length - 1] : NaN, p50: pct(doneMs, 50), p99: pct(doneMs, 99) };
    };

    for (const N of subscribers) {
      log(`\n== N = ${N}`);
      const mem = { before: memory() };
      const t0 = performance.now();
      for (let i = 0; i < N; i += BATCH) {
        const batch = await Promise.all(Array.from({ length: Math.min(BATCH, N - i) }, (_, b) =>
          subscribe(s.port, streamPath, cookie, (m, at) => handler(i + b, m, at))));
        subs.push(...batch);
      }
      const refused = subs.filter((x) => x.status !== 200).length;
      const statuses = [...new Set(subs.filter((x) => x.status !== 200).map((x) => x.status))].join(',');
      log(`subscribed ${N - refused}/${N} in ${((performance.now() - t0) / 1000).toFixed(1)} s${refused ? ` (${refused} refused, status ${statuses})` : ''}`);
      await sleep(1000); // the buffered last message of each channel arrives on every new stream
      mem.subscribed = memory();

      const rs = [];
      for (let r = 0; r < rounds; r++) {
        for (const kind of ['mdash', 'raw']) {
          const x = await round(kind);
          rs.push(x);
          log(`  round ${r + 1} ${kind.padEnd(5)} p50 ${fmt(x.p50)} p99 ${fmt(x.p99)} max ${fmt(x.max)} ms, missing ${x.missing}, push answered in ${fmt(x.sendP50, 0)} ms (median), ${
            x.interval > every * 1.1 ? `cadence slipped to ${x.interval.toFixed(0)} ms` : 'cadence held'}, client busy ${(x.busy * 100).toFixed(0)}%${
            x.failedSends ? `, ${x.failedSends} pushes failed` : ''}${x.shifted ? ', VERSIONS SHIFTED (another writer?)' : ''}`);
          await sleep(300);
        }
      }
      mem.rounds = memory();

      const es = [];
      for (let t = 0; t < trials; t++) {
        const e = await endToEnd();
        es.push(e);
        const errs = [...e.errors].map(([k, c]) => `${k} x${c}`).join(', ');
        log(`  end-to-end ${t + 1}: last ${fmt(e.last, 0)} ms, p50 ${fmt(e.p50, 0)} p99 ${fmt(e.p99, 0)} ms, ${e.completed}/${e.open} done, notified ${e.notified}, failed ${e.failed}${errs ? ` (${errs})` : ''}, stale ${e.stale}, nginx copies ${e.copies}, app: X-Cache hit ${e.hit} miss ${e.miss} absent ${e.noHeader}`);
        await sleep(300);
      }
      mem.end = memory();

      const dropped = subs.filter((x) => x.status === 200 && x.ended).length;
      for (const x of subs) x.close();
      subs = [];
      const res = { N, refused, dropped, mem, rs, es };
      results.push(res);
      if (refused || dropped) ok = false;
      if (rs.some((x) => x.missing || x.failedSends || x.shifted)) ok = false;
      if (es.some((e) => e.completed !== e.open || e.pushStatus !== 204)) ok = false;
      await sleep(1000); // let nginx close the streams before the next N's "before" sample
    }

    // The summary.
    const kindMed = (rs, kind, k) => median(rs.filter((x) => x.kind === kind).map((x) => x[k]));
    log(`\nfan-out latency, ms (median of ${rounds} rounds of each; every (subscriber, push) pair of a round counted)`);
    log('      N |  mdash p50     p99     max |    raw p50     p99     max | p99 mdash/raw | missing mdash/raw | interval mdash/raw | client busy');
    for (const { N, rs } of results) {
      const m = (k) => kindMed(rs, 'mdash', k), r = (k) => kindMed(rs, 'raw', k);
      const miss = (kind) => rs.filter((x) => x.kind === kind).reduce((a, x) => a + x.missing, 0);
      log(`  ${String(N).padStart(5)} | ${fmt(m('p50'), 10)} ${fmt(m('p99'))} ${fmt(m('max'))} | ${fmt(r('p50'), 10)} ${fmt(r('p99'))} ${fmt(r('max'))} | ${fmt(m('p99') / r('p99'), 13, 2)} | ${`${miss('mdash')}/${miss('raw')}`.padStart(17)} | ${
        `${m('interval').toFixed(0)}/${r('interval').toFixed(0)} ms`.padStart(18)} | ${`${(median(rs.map((x) => x.busy)) * 100).toFixed(0)}%`.padStart(11)}`);
    }

    log(`(interval: the pushes' effective spacing, ${every} ms asked; each waits for the answer to the one before.`
      + ' client busy: this process\'s event loop, where receipt times are taken; near 100% it adds its own queue to both columns)');
    log(`\nend to end: push -> every subscriber holds the new fragment, ms (median of ${trials} trials)`);
    log('      N |   last     p50     p99 | failed  stale | renders (X-Cache: miss) | from nginx\'s cache');
    for (const { N, es } of results) {
      const med = (k) => median(es.map((e) => e[k]));
      const known = es.some((e) => e.hit + e.miss + e.copies > 0);
      const renders = known ? `${med('miss')} of ${med('notified')} fetches${es.some((e) => e.noHeader) ? ' (some without the header)' : ''}` : 'renders: unknown (no X-Cache header)';
      log(`  ${String(N).padStart(5)} | ${fmt(med('last'), 6, 0)} ${fmt(med('p50'), 7, 0)} ${fmt(med('p99'), 7, 0)} | ${String(es.reduce((a, e) => a + e.failed, 0)).padStart(6)} ${String(es.reduce((a, e) => a + e.stale, 0)).padStart(6)} | ${renders} | ${med('copies')}`);
    }

    log('\nmemory (RssAnon, MiB): before subscribing, after N subscribed, after the fan-out rounds, after the end-to-end trials');
    log('      N | nginx workers: before  subscribed  rounds     end | app workers: before  subscribed  rounds     end');
    for (const { N, mem } of results) {
      const row = (k) => ['before', 'subscribed', 'rounds', 'end'].map((p, i) => fmt(mib(mem[p][k]), [6, 11, 7, 7][i])).join(' ');
      log(`  ${String(N).padStart(5)} | ${' '.repeat(14)}${row('nginx')} | ${' '.repeat(12)}${row('app')}`);
    }
    for (const { N, mem } of results) {
      const per1000 = mib(mem.subscribed.nginx - mem.before.nginx) / N * 1000;
      const flat = (k) => {
        const ratio = mem.rounds[k] / mem.subscribed[k];
        return `${ratio.toFixed(2)} (${ratio < 1.1 ? 'flat' : 'grew'})`;
      };
      log(`  N=${N}: nginx memory per 1,000 subscribers: ${per1000.toFixed(1)} MiB; app workers ${mib(mem.subscribed.app).toFixed(1)} MiB; during the rounds (last/first): nginx ${flat('nginx')}, app ${flat('app')}`);
    }

    const bad = results.filter((x) => x.refused || x.dropped).map((x) => `N=${x.N}: ${x.refused} refused, ${x.dropped} streams ended early`);
    if (bad.length) log(bad.join('; '));
    log(ok ? 'fanout: PASS' : 'fanout: FAIL (refused subscribers, missing deliveries or fetches, or failed pushes)');
    return { ok, results };
  } finally {
    handler = () => {};
    for (const x of subs) x.close();
    pushAgent.destroy();
    publishAgent.destroy();
    fetchAgent.destroy();
    await s.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const subscribers = String(arg('subscribers', '1000,5000')).split(',').map(Number);
  const opts = { subscribers, pushes: Number(arg('pushes', 50)), every: Number(arg('every', 100)),
    rounds: Number(arg('rounds', 3)), trials: Number(arg('trials', 3)), stream: arg('stream', 'pass') };
  if (subscribers.some((n) => !(n > 0)) || !(opts.pushes > 0) || !(opts.every >= 0) || !(opts.rounds >= 1) || !(opts.trials >= 1) ||
      !['pass', 'app'].includes(opts.stream)) {
    console.error('usage: node bench/fanout.mjs [--subscribers 1000,5000] [--pushes 50] [--every 100] [--rounds 3] [--trials 3] [--stream pass|app]');
    process.exit(2);
  }
  const r = await fanout(opts);
  process.exit(r.ok ? 0 : 1);
}
