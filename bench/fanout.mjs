#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// bench/fanout.mjs: how fast one update reaches N open dashboards, against
// nchan's own ceiling on this machine. A private stack (login required), a
// dashboard `fan` of push widgets, and for each N:
//   1. N streams on /sub/d/fan, WebSockets as pages open them (--transport
//      eventsource: as they do behind a proxy without upgrades) (with the stream pass from the
//      dashboard's JSON, as pages open it; --stream app: without, so that
//      the app authorises each stream), held by several subscriber
//      processes (bench/fanout-client.mjs; --clients, default one per 2,500
//      streams) so that no one event loop is the bottleneck. --viewer share:
//      the streams of a share link's page instead (/s/<secret>/sub/d/fan,
//      anonymous, the status page's case: with the stream pass from the
//      link's JSON, or with --stream app the app checks the link, then
//      hands the stream to nchan). --sessions own: each stream is a viewer
//      signed in on a session of its own (by default all share one login;
//      a session has a channel of its own in its stream's list, so nchan
//      keeps a list per viewer). Each sends a browser's request headers.
//   2. rounds, alternating mdash and raw nchan (a b a b ...) so that the
//      noise of a shared machine hits both: --pushes pushes every --every ms.
//      mdash: POST /api/widgets/<w> (stored, rendered, published); a stream
//      is done with a version when it holds the new fragment: at the message
//      when the message carries it, else when the fragment it then fetches
//      (GET /widget/<w>?v=..&<pass>, as the page's script) arrives. raw: the
//      same bytes POSTed straight to nchan's publisher, done at the message.
//      --fragment small (default): a number widget, whose fragment travels in
//      the message; large: a list of 200 items, whose fragment is fetched
//      (every stream fetches 24 KiB per version: from a few thousand
//      streams on, give it a slower --every, such as 1000).
//   3. CPU (ms per second of round) of the subscriber processes, nginx's
//      workers and the app's; nginx's memory per subscriber: its workers'
//      private memory (RssAnon) and their Pss (which adds their share of the
//      pages of nginx's shared zones, nchan's store among them), less the
//      same before subscribing, over N; nchan's own count of its shared
//      memory in use. With --hold S, S seconds more of one push a second
//      with that memory sampled every --sample seconds (flat or not).
// With --nodes H (H > 1) the stack is scaled out: Redis (--redis-masters M:
// a cluster of M masters when M > 1), H nginx+nchan hosts sharing it and the
// database, each with its own app pool, and an nginx load balancer in front
// (round robin): streams open through the balancer, so they spread evenly
// over the hosts; pushes and raw publishes go to the first host, and reach
// the others' streams through Redis. nginx's CPU and memory then count every
// host and the balancer.
// Exits non-zero when a subscriber was refused, a stream ended or a delivery
// is missing.
//   node bench/fanout.mjs [--subscribers 1000,5000,20000] [--pushes 50] [--every 100] [--rounds 3]
//        [--clients K] [--fragment small|large] [--stream pass|app] [--transport websocket|eventsource]
//        [--viewer login|share] [--sessions one|own]
//        [--hold S] [--sample S] [--nodes H] [--redis-masters M]
import { fork, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { rss, rollup, children, nginxWorkers as workersOf } from './memory.mjs';
import { startStack, sleep } from '../tests/harness/stack.mjs';
import { startRedis, startPeer, startBalancer } from '../tests/harness/scaleout.mjs';

const CLIENT = fileURLToPath(new URL('./fanout-client.mjs', import.meta.url));
const REQUEST_TIMEOUT = 10000;  // per push / publish / API read
const DELIVERY_GRACE = 10000;   // after the last push of a round

// Nearest-rank percentile of an ascending array; NaN when empty.
const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN);
const median = (xs) => {
  const v = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return v.length ? (v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : NaN;
};
const fmt = (x, w = 7, d = 1) => (Number.isNaN(x) ? 'n/a' : x.toFixed(d)).padStart(w);
const mib = (kb) => kb / 1024;
// What a browser sends with its stream request (Chromium's EventSource), so
// that nginx parses and keeps as much of it as it would for a page.
const BROWSER_HEADERS = {
  'Cache-Control': 'no-cache', 'sec-ch-ua': '"Chromium";v="156", "Not-A.Brand";v="24"', 'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Linux"', 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Dest': 'empty',
  'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  'Accept-Encoding': 'gzip, deflate, br, zstd', 'Accept-Language': 'en-US,en;q=0.9',
};
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

/** CPU time (ms) the processes used so far, from /proc/<pid>/stat; gone ones count 0. */
const TICK_MS = 1000 / 100; // USER_HZ: 100 on Linux
function cpuMs(pids) {
  let t = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      t += (Number(f[11]) + Number(f[12])) * TICK_MS; // utime, stime
    } catch { /* gone */ }
  }
  return t;
}

/** Established TCP connections to a local port (the streams a host holds, behind the balancer). */
const established = (port) => spawnSync('ss', ['-Htn', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8' })
  .stdout.split('\n').filter(Boolean).length;

/** K subscriber processes (bench/fanout-client.mjs), each with a queue of answers. */
function startClients(k) {
  return Array.from({ length: k }, () => {
    const p = fork(CLIENT, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const waiting = [];
    p.on('message', (m) => { const w = waiting.findIndex((x) => x.op === m.op); if (w >= 0) waiting.splice(w, 1)[0].resolve(m); });
    p.on('exit', () => { for (const w of waiting.splice(0)) w.resolve({ op: w.op, gone: true }); });
    p.ask = (m, op) => new Promise((resolve) => { waiting.push({ op, resolve }); p.send(m); });
    return p;
  });
}
const askAll = (ps, m, op) => Promise.all(ps.map((p) => p.ask(typeof m === 'function' ? m(p) : m, op)));

export async function fanout({ subscribers = [1000, 5000, 20000], pushes = 50, every = 100, rounds = 3, clients = 0,
  fragment = 'small', stream = 'pass', transport = 'websocket', viewer = 'login', sessions = 'one', hold = 0, sample = 60, nodes = 1, redisMasters = 1, log = console.log } = {}) {
  const cpus = os.cpus();
  log(`machine: ${cpus.length} cores, ${cpus[0]?.model.trim() || 'unknown model'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, node ${process.version}`);
  log(`streams: ${transport === 'websocket' ? 'WebSocket' : 'EventSource'}, as a page opens them${transport === 'websocket' ? '' : ' behind a proxy without upgrades'}`);
  log(`parameters: subscribers ${subscribers.join(',')}, ${pushes} pushes every ${every} ms per round, ${rounds} rounds each of mdash and raw nchan (interleaved), ${fragment} fragment (${fragment === 'small' ? 'in the message' : 'fetched'}), streams opened ${viewer === 'share' ? 'by a share link\'s page (anonymous), ' : ''}${stream === 'app' ? 'through the app' : 'with a stream pass'}${viewer === 'login' ? `, ${sessions === 'own' ? 'each on a session of its own' : 'all on one session'}` : ''}`);

  if (nodes > 1) log(`scaled out: ${nodes} nginx+nchan hosts behind an nginx load balancer (round robin), channels in Redis (${redisMasters > 1 ? `a cluster of ${redisMasters} masters` : 'one server'})`);
  const redis = nodes > 1 ? await startRedis({ masters: redisMasters }) : null;
  let s, lb;
  const peers = [];
  try {
    if (redis) process.env.MDASH_REDIS_URL = redis.url;
    s = await startStack({ requireLogin: true });
  } catch (e) {
    await redis?.stop();
    throw e;
  } finally {
    delete process.env.MDASH_REDIS_URL;
  }
  const W = fragment === 'small' ? 'f1' : 'f2';
  const pushAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const publishAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const results = [];
  let ok = true;
  let procs = [];
  try {
    for (let h = 1; h < nodes; h++) peers.push(await startPeer(s, `host${h + 1}`));
    if (peers.length) lb = await startBalancer([s.port, ...peers.map((p) => p.port)]);
    const streamPort = lb ? lb.port : s.port;
    await s.apply({ dashboards: [{ slug: 'fan', title: 'Fan-out', widgets: [
      { name: 'f1', type: 'number', source: { kind: 'push' } },
      { name: 'f2', type: 'list', source: { kind: 'push' } },
      { name: 'f3', type: 'number', source: { kind: 'push' } },
      { name: 'f4', type: 'number', source: { kind: 'push' } }] }] });
    await s.mdash(['user', 'add', 'fan', '--admin'], { input: 'fan-password\n' });
    const token = (await s.mdash(['token', 'add', 'fan'])).stdout.trim().split('\n').pop();
    const login = await request(s.port, { method: 'POST', path: '/login', body: 'username=fan&password=fan-password',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const cookie = (login.headers?.['set-cookie'] || []).map((c) => c.split(';')[0]).find((c) => c.startsWith('mdash_session='));
    if (!cookie) throw new Error(`login failed: ${login.status} ${login.error || ''}`);
    // A share link's page: its address, and its streams' (no cookie).
    let share = '';
    if (viewer === 'share') {
      const link = (await s.mdash(['share', 'add', 'fan'])).stdout.trim().split('\n').pop();
      const secret = /\/s\/([^/]+)$/.exec(link)?.[1];
      if (!secret) throw new Error(`mdash share add printed ${link}`);
      share = `/s/${secret}`;
    }

    const nginxMasters = [await s.pid('nginx'), ...(await Promise.all(peers.map((p) => p.nginxPid())))];
    if (lb) nginxMasters.push(await lb.nginxPid());
    const apps = [await s.pid('fcgi'), ...peers.map((p) => p.appPid)];
    const nginxWorkers = () => nginxMasters.flatMap(workersOf), appWorkers = () => apps.flatMap(children);
    // nginx's memory: private (RssAnon) and Pss (with its share of the
    // shared zones), KiB; nchan's count of its shared memory in use.
    const nginxMem = async () => {
      const w = nginxWorkers();
      const status = await request(s.publishSocket, { path: '/pub/_status' });
      const shm = /shared memory used: (\d+)K/.exec(status.body || '');
      return { anon: rss(w), pss: rollup(w, 'Pss'), shm: shm ? Number(shm[1]) : NaN };
    };
    const perSub = (m, base, N) => `${((m.anon - base.anon) / N).toFixed(2)} KiB private, ${((m.pss - base.pss) / N).toFixed(2)} Pss`;
    const get = async (path) => {
      const r = await request(s.port, { path, headers: { Cookie: cookie } });
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.error || r.body}`);
      return r.body;
    };
    const version = async () => JSON.parse(await get(`/api/widgets/${W}`)).version;
    const dashboard = async () => JSON.parse(await get(`${share}/api/dashboards/fan`));
    // What a push sends: a number (small fragment), or a list of 200 items.
    const items = Array.from({ length: 200 }, (_, i) => ({ label: `item ${i} of a long list`, value: i }));
    const payload = (i) => (W === 'f1' ? { current: i } : { items: [{ label: 'push', value: i }, ...items] });
    const mdashPush = (i) => request(s.port, { method: 'POST', path: `/api/widgets/${W}`, agent: pushAgent,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(payload(i)) });
    // The raw rounds' message: the same bytes as mdash's (the fragment when
    // it travels), with synthetic versions far above mdash's own, a fresh
    // range per round, so that neither kind of round counts the other's.
    if ((await mdashPush(0)).status !== 204) throw new Error('the first push failed');
    const sample0 = await get(`/widget/${W}`);
    const carried = sample0.length <= 4096;
    let rawBase = 1e12;
    const rawPublish = (v) => request(s.publishSocket, { method: 'POST', path: `/pub/${W}`, agent: publishAgent,
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(carried ? { widget: W, version: v, html: sample0 } : { widget: W, version: v }) });
    log(`fragment of ${W}: ${sample0.length} bytes, ${carried ? 'carried in the message' : 'fetched by each stream'}`);
    // The stream's address, as the page opens it: with a fresh stream pass
    // (it lives 2 minutes), or through the app.
    const streamPath = async () => {
      if (stream === 'app') return `${share}/sub/d/fan`;
      const pass = (await dashboard()).stream;
      if (!pass) throw new Error('the dashboard\'s JSON has no stream pass');
      return `${share}/sub/d/fan?${pass}`;
    };

    // Each client's share of the N streams.
    const count = (p, N, K) => Math.floor(N / K) + (procs.indexOf(p) < N % K ? 1 : 0);
    // N viewers signed in on sessions of their own (made in the database, as
    // a login makes them), each with its own stream's address and pass.
    const ownViewers = async (N) => {
      const tag = `b${Date.now().toString(36)}`;
      const hash = (i) => `SHA2(CONCAT('${tag}', ${i}), 256)`;
      await s.sql(`INSERT INTO sessions (id_hash, user_id, csrf) SELECT SHA2(${hash('seq')}, 256), u.id, ${hash('seq')}
        FROM seq_1_to_${N} JOIN users u ON u.name = 'fan'`);
      const cookies = (await s.sql(`SELECT ${hash('seq')} FROM seq_1_to_${N} ORDER BY seq`)).map((r) => `mdash_session=${r[0]}`);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
      const paths = [];
      for (let i = 0; i < N; i += 64) {
        paths.push(...await Promise.all(cookies.slice(i, i + 64).map(async (c) => {
          const r = await request(s.port, { path: '/api/dashboards/fan', agent, headers: { Cookie: c } });
          const pass = r.status === 200 && JSON.parse(r.body).stream;
          if (!pass) throw new Error(`a viewer's dashboard JSON: ${r.status} ${r.error || r.body}`);
          return `/sub/d/fan?${pass}`;
        })));
      }
      agent.destroy();
      return { paths, cookies };
    };

    /**
     * One round: `pushes` sends at a fixed cadence, each waiting for the one
     * before (versions are assigned in arrival order, and the version -> send
     * time map relies on it). Latency = done - send, per (stream, push).
     */
    const round = async (kind) => {
      const n = pushes;
      const base = kind === 'mdash' ? (await version()) + 1 : (rawBase += 1e6);
      const w = (await dashboard()).widgets.find((x) => x.name === W);
      const fetchQuery = w && w.pass ? `&${w.pass}` : '';
      // A share link's page fetches with its pass at the site's address, as
      // a signed-in page does; without one, at the link's.
      await askAll(procs, { op: 'round', kind, widget: W, base, n, fetchQuery, prefix: fetchQuery ? '' : share }, 'armed');
      const sent = new Float64Array(n);
      const sendMs = [];
      let failedSends = 0;
      const cpu0 = { nginx: cpuMs(nginxWorkers()), app: cpuMs(appWorkers()) };
      const t0 = performance.now() + 20, wall0 = performance.now();
      for (let i = 0; i < n; i++) {
        await until(t0 + i * every);
        sent[i] = performance.timeOrigin + performance.now();
        const r = kind === 'mdash' ? await mdashPush(i) : await rawPublish(base + i);
        sendMs.push(r.ms);
        if (!(kind === 'mdash' ? r.status === 204 : r.status >= 200 && r.status < 300)) failedSends++;
      }
      const deadline = performance.now() + DELIVERY_GRACE;
      for (;;) {
        const c = await askAll(procs, { op: 'count' }, 'count');
        if (c.reduce((a, x) => a + x.got, 0) >= c.reduce((a, x) => a + x.expected, 0) || performance.now() > deadline) break;
        await sleep(20);
      }
      const wall = performance.now() - wall0;
      const cpu = { nginx: cpuMs(nginxWorkers()) - cpu0.nginx, app: cpuMs(appWorkers()) - cpu0.app };
      const parts = await askAll(procs, { op: 'collect', sent }, 'result');
      // Someone else's version in between would shift every later receipt.
      const shifted = kind === 'mdash' && (await version()) !== base + n - 1;
      const lat = new Float64Array(parts.reduce((a, x) => a + (x.lat?.length || 0), 0));
      let off = 0;
      for (const x of parts) { if (x.lat) { lat.set(x.lat, off); off += x.lat.length; } }
      lat.sort();
      const sum = (k) => parts.reduce((a, x) => a + (x.fetches?.[k] || 0), 0);
      return { kind, p50: pct(lat, 50), p99: pct(lat, 99), max: pct(lat, 100), missing: parts.reduce((a, x) => a + (x.missing ?? 0), 0),
        failedSends, shifted, sendP50: median(sendMs), interval: n > 1 ? (sent[n - 1] - sent[0]) / (n - 1) : every,
        busy: Math.max(...parts.map((x) => x.busy || 0)),
        cpu: { client: parts.reduce((a, x) => a + (x.cpuMs || 0), 0) / wall * 1000, nginx: cpu.nginx / wall * 1000, app: cpu.app / wall * 1000 },
        fetches: { asked: sum('asked'), copies: sum('copies'), renders: sum('renders'), failed: sum('failed') } };
    };

    for (const N of subscribers) {
      log(`\n== N = ${N}`);
      const K = clients > 0 ? clients : Math.min(8, Math.max(1, Math.ceil(N / 2500)));
      // The idle baseline is nginx's memory before the first N: the heap
      // of the streams of an earlier N stays with the workers, and the
      // next N's streams reuse it.
      const mem = { before: await nginxMem() };
      mem.idle = results.length ? results[0].mem.before : mem.before;
      procs = startClients(K);
      const t0 = performance.now();
      const path = await streamPath();
      const own = viewer === 'login' && sessions === 'own' ? await ownViewers(N) : null;
      let given = 0;
      const opened = await askAll(procs, (p) => ({ op: 'open', port: streamPort, path, cookie: share ? '' : cookie,
        ...(own ? { paths: own.paths.slice(given, given + count(p, N, K)), cookies: own.cookies.slice(given, (given += count(p, N, K))) } : {}),
        headers: { ...BROWSER_HEADERS, Referer: `http://127.0.0.1:${streamPort}${share || '/d/fan'}` },
        count: count(p, N, K), transport }), 'opened');
      const statuses = opened.flatMap((x) => x.statuses || []);
      const refused = statuses.filter((x) => x !== 200).length;
      log(`subscribed ${N - refused}/${N} in ${((performance.now() - t0) / 1000).toFixed(1)} s by ${K} processes${refused ? ` (${refused} refused, status ${[...new Set(statuses.filter((x) => x !== 200))].join(',')})` : ''}`);
      await sleep(1000); // the buffered last message of each channel arrives on every new stream
      const spread = lb ? [s.port, ...peers.map((p) => p.port)].map(established) : [];
      if (lb) log(`  open connections per host (ss): ${spread.join(', ')}`);
      mem.subscribed = await nginxMem();

      const rs = [];
      for (let r = 0; r < rounds; r++) {
        for (const kind of ['mdash', 'raw']) {
          const x = await round(kind);
          rs.push(x);
          log(`  round ${r + 1} ${kind.padEnd(5)} p50 ${fmt(x.p50)} p99 ${fmt(x.p99)} max ${fmt(x.max)} ms, missing ${x.missing}, push answered in ${fmt(x.sendP50, 0)} ms (median), ${
            x.interval > every * 1.1 ? `cadence slipped to ${x.interval.toFixed(0)} ms` : 'cadence held'}, CPU ms/s: clients ${x.cpu.client.toFixed(0)} nginx ${x.cpu.nginx.toFixed(0)} app ${x.cpu.app.toFixed(0)}, busiest client loop ${(x.busy * 100).toFixed(0)}%${
            x.fetches.asked ? `, fetches ${x.fetches.asked} (nginx copies ${x.fetches.copies}, app renders ${x.fetches.renders}, failed ${x.fetches.failed})` : ''}${
            x.failedSends ? `, ${x.failedSends} pushes failed` : ''}${x.shifted ? ', VERSIONS SHIFTED (another writer?)' : ''}`);
          await sleep(300);
        }
      }
      mem.rounds = await nginxMem();
      if (redis) log(`  Redis keys per server: ${(await redis.keys()).join(', ')}`);

      // Holding the streams: one push a second, nginx's memory sampled.
      const held = [];
      if (hold > 0) {
        const h0 = performance.now();
        let next = h0, i = 0;
        while (performance.now() - h0 < hold * 1000) {
          await mdashPush(1e6 + i++);
          if (performance.now() >= next) {
            const m = await nginxMem();
            held.push({ s: Math.round((performance.now() - h0) / 1000), ...m });
            log(`  held ${String(held.at(-1).s).padStart(5)} s: nginx workers ${mib(m.anon).toFixed(1)} MiB private, ${mib(m.pss).toFixed(1)} MiB Pss; per subscriber ${perSub(m, mem.idle, N)}; nchan shm ${m.shm} KiB`);
            next += sample * 1000;
          }
          await until(h0 + i * 1000);
        }
        held.push({ s: Math.round((performance.now() - h0) / 1000), ...await nginxMem() });
        const per = held.map((x) => (x.anon - mem.idle.anon) / N);
        log(`  held ${hold} s, one push a second (${i} pushes); nginx per subscriber, private KiB: start ${per[0].toFixed(2)}, end ${per.at(-1).toFixed(2)}, max ${Math.max(...per).toFixed(2)}; end/start ${(per.at(-1) / per[0]).toFixed(3)}`);
      }

      const closed = await askAll(procs, { op: 'close' }, 'closed');
      const dropped = closed.reduce((a, x) => a + (x.dropped || 0), 0);
      procs = [];
      const res = { N, K, refused, dropped, mem, rs, held, spread };
      results.push(res);
      if (refused || dropped) ok = false;
      if (rs.some((x) => x.missing || x.failedSends || x.shifted)) ok = false;
      await sleep(2000); // let nginx close the streams before the next N's "before" sample
    }

    // The summary.
    const kindMed = (rs, kind, k) => median(rs.filter((x) => x.kind === kind).map((x) => (typeof k === 'function' ? k(x) : x[k])));
    log(`\npush -> every stream holds the new fragment (mdash) or the message (raw), ms; median of ${rounds} rounds of each, every (stream, push) pair counted`);
    log('      N |  mdash p50     p99     max |    raw p50     p99     max | p99 mdash/raw | missing mdash/raw | CPU ms/s mdash: clients nginx  app | raw: clients nginx');
    for (const { N, rs } of results) {
      const m = (k) => kindMed(rs, 'mdash', k), r = (k) => kindMed(rs, 'raw', k);
      const miss = (kind) => rs.filter((x) => x.kind === kind).reduce((a, x) => a + x.missing, 0);
      log(`  ${String(N).padStart(5)} | ${fmt(m('p50'), 10)} ${fmt(m('p99'))} ${fmt(m('max'))} | ${fmt(r('p50'), 10)} ${fmt(r('p99'))} ${fmt(r('max'))} | ${fmt(m('p99') / r('p99'), 13, 2)} | ${`${miss('mdash')}/${miss('raw')}`.padStart(17)} | ${
        fmt(m((x) => x.cpu.client), 23, 0)} ${fmt(m((x) => x.cpu.nginx), 5, 0)} ${fmt(m((x) => x.cpu.app), 4, 0)} | ${fmt(r((x) => x.cpu.client), 12, 0)} ${fmt(r((x) => x.cpu.nginx), 5, 0)}`);
    }
    log('(CPU ms/s: CPU time per second of round; 1000 is one core of this machine\'s ' + cpus.length + '.'
      + ' The pushes\' effective spacing is in each round\'s line: each waits for the answer to the one before)');
    if (results.some((x) => x.rs.some((y) => y.fetches.asked))) {
      log('\nfragment fetches per mdash round (median): asked, from nginx\'s cache, rendered by the app');
      for (const { N, rs } of results) log(`  ${String(N).padStart(5)} | ${kindMed(rs, 'mdash', (x) => x.fetches.asked)} ${kindMed(rs, 'mdash', (x) => x.fetches.copies)} ${kindMed(rs, 'mdash', (x) => x.fetches.renders)}`);
    }

    log('\nnginx workers\' memory, MiB private (RssAnon) / Pss: before subscribing, with N streams, after the rounds; per subscriber over the idle workers (before the first N) after the rounds (every stream has had its messages); nchan\'s shared memory in use');
    for (const { N, K, mem } of results) {
      const mp = (m) => `${mib(m.anon).toFixed(1)} / ${mib(m.pss).toFixed(1)}`;
      log(`  N=${String(N).padStart(5)} (${K} client processes): ${mp(mem.before)} -> ${mp(mem.subscribed)} -> ${mp(mem.rounds)}; per subscriber ${perSub(mem.rounds, mem.idle, N)} (${perSub(mem.subscribed, mem.idle, N)} before the rounds); nchan shm ${mem.before.shm} -> ${mem.rounds.shm} KiB`);
    }

    const bad = results.filter((x) => x.refused || x.dropped).map((x) => `N=${x.N}: ${x.refused} refused, ${x.dropped} streams ended early`);
    if (bad.length) log(bad.join('; '));
    log(ok ? 'fanout: PASS' : 'fanout: FAIL (refused subscribers, streams ended, missing deliveries, or failed pushes)');
    return { ok, results };
  } finally {
    for (const p of procs) p.kill();
    pushAgent.destroy();
    publishAgent.destroy();
    await lb?.stop();
    for (const p of peers) await p.stop();
    await s.stop();
    await redis?.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const subscribers = String(arg('subscribers', '1000,5000,20000')).split(',').map(Number);
  const opts = { subscribers, pushes: Number(arg('pushes', 50)), every: Number(arg('every', 100)),
    rounds: Number(arg('rounds', 3)), clients: Number(arg('clients', 0)), fragment: arg('fragment', 'small'),
    stream: arg('stream', 'pass'), transport: arg('transport', 'websocket'), viewer: arg('viewer', 'login'), sessions: arg('sessions', 'one'), hold: Number(arg('hold', 0)), sample: Number(arg('sample', 60)),
    nodes: Number(arg('nodes', 1)), redisMasters: Number(arg('redis-masters', 1)) };
  if (subscribers.some((n) => !(n > 0)) || !(opts.pushes > 0) || !(opts.every >= 0) || !(opts.rounds >= 1) ||
      !(opts.clients >= 0) || !(Number.isInteger(opts.nodes) && opts.nodes >= 1) || !(Number.isInteger(opts.redisMasters) && opts.redisMasters >= 1) || !(opts.hold >= 0) || !(opts.sample > 0) ||
      !['pass', 'app'].includes(opts.stream) || !['websocket', 'eventsource'].includes(opts.transport) || !['login', 'share'].includes(opts.viewer) || !['one', 'own'].includes(opts.sessions) || !['small', 'large'].includes(opts.fragment)) {
    console.error('usage: node bench/fanout.mjs [--subscribers 1000,5000,20000] [--pushes 50] [--every 100] [--rounds 3]\n'
      + '       [--clients K] [--fragment small|large] [--stream pass|app] [--transport websocket|eventsource] [--viewer login|share] [--sessions one|own]\n'
      + '       [--hold S] [--sample S] [--nodes H] [--redis-masters M]');
    process.exit(2);
  }
  const r = await fanout(opts);
  process.exit(r.ok ? 0 : 1);
}
