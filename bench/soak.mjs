#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// bench/soak.mjs: mdash under a bounded, mixed load on loopback, with live
// subscribers. A private stack, a dashboard of 4 widgets, N EventSource
// subscribers on it, and wrk sending pages, fragments, API reads and pushes
// for S seconds. Then a last push that every subscriber must receive. It
// prints the request figures, deliveries, and the memory (RSS) of the nginx
// workers, the FastCGI workers and MariaDB sampled through the run, and
// exits non-zero on any failed request, lost update or growing memory.
//   node bench/soak.mjs [--seconds 180] [--subscribers 1000] [--connections 200] [--renew 60]
// --renew S: each subscriber renews its stream every ~S seconds, as pages do
// (every ~10 min); nginx frees a stream's per-message memory only when it ends.
// tests/integration/soak.test.mjs runs a short version.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rss, children, nginxWorkers } from './memory.mjs';
import { startStack, sleep, TOP } from '../tests/harness/stack.mjs';

/**
 * One EventSource subscriber, kept light: the highest version seen per widget.
 * With renewMs it reconnects every renewMs (jittered) as the page's script
 * does, resuming from the last event id it saw, so nothing is lost in between.
 */
function subscribe(port, streamPath, cookie, seen, renewMs = 0) {
  let lastId = '';
  let req = null;
  let timer = null;
  let closed = false;
  const sub = { status: 0, renewals: 0, close: () => { closed = true; clearTimeout(timer); req?.destroy(); } };
  const open = () => new Promise((resolve) => {
    const headers = { Accept: 'text/event-stream', Cookie: cookie };
    if (lastId) headers['Last-Event-ID'] = lastId;
    req = http.get({ host: '127.0.0.1', port, path: streamPath, agent: false, headers }, (res) => {
      resolve(res.statusCode);
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.startsWith('id: ')) lastId = line.slice(4);
          if (!line.startsWith('data: ')) continue;
          try {
            const m = JSON.parse(line.slice(6));
            if (m.widget && m.version > (seen.get(m.widget) || 0)) seen.set(m.widget, m.version);
          } catch { /* not ours */ }
        }
      });
    });
    req.on('error', () => resolve(0));
  });
  const renew = async () => {
    if (closed) return;
    req.destroy();
    const status = await open();
    if (status === 200) sub.renewals++;
    else sub.status = status;
    timer = setTimeout(renew, renewMs * (0.8 + Math.random() * 0.4));
  };
  return open().then((status) => {
    sub.status = status;
    if (renewMs > 0 && status === 200) timer = setTimeout(renew, renewMs * (0.8 + Math.random() * 0.4));
    return sub;
  });
}

export async function soak({ seconds = 180, subscribers = 1000, connections = 200, renew = 0, log = console.log } = {}) {
  const s = await startStack({ requireLogin: true });
  const result = { ok: false };
  const subs = [];
  try {
    await s.apply({ dashboards: [{ slug: 'soak', title: 'Soak', widgets: ['s1', 's2', 's3', 's4'].map((name) => ({ name, type: 'number', source: { kind: 'push' } })) }] });
    await s.mdash(['user', 'add', 'soak', '--admin'], { input: 'soak-password\n' });
    const token = (await s.mdash(['token', 'add', 'soak'])).stdout.trim().split('\n').pop();
    const login = await s.get('/login', { method: 'POST', body: 'username=soak&password=soak-password',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const cookie = login.headers.get('set-cookie').split(';')[0];
    // The stream's address as pages open it: with the stream pass from the
    // dashboard's JSON (good for 15 minutes; a page re-checks more often).
    const json = await (await s.get('/api/dashboards/soak', { headers: { Cookie: cookie } })).json();
    const streamPath = json.stream ? `/sub/d/soak?${json.stream}` : '/sub/d/soak';

    const nginxMaster = await s.pid('nginx'), app = await s.pid('fcgi'), db = await s.pid('mariadb');
    const memory = () => ({ nginx: rss(nginxWorkers(nginxMaster)), shm: rss(nginxWorkers(nginxMaster).slice(0, 1), 'RssShmem'),
      app: rss(children(app)), mariadb: rss([db]) });
    const samples = [{ t: 0, ...memory() }];

    const seen = Array.from({ length: subscribers }, () => new Map());
    for (let i = 0; i < subscribers; i += 50) {
      subs.push(...await Promise.all(seen.slice(i, i + 50).map((m) => subscribe(s.port, streamPath, cookie, m, renew * 1000))));
    }
    const refused = () => subs.filter((x) => x.status !== 200).length;
    samples.push({ t: 0, subscribed: true, ...memory() });

    const wrk = spawn('wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '-s', path.join(TOP, 'bench', 'mixed.lua'), s.base],
      { env: { ...process.env, SOAK_COOKIE: cookie, SOAK_TOKEN: token } });
    let out = '';
    wrk.stdout.on('data', (d) => { out += d; });
    const t0 = Date.now();
    const every = Math.max(2, Math.floor(seconds / 10)) * 1000;
    // wrk missing or killed: stop sampling all the same (no requests counts as a failure).
    const done = new Promise((r) => {
      wrk.on('close', r);
      wrk.on('error', (e) => { out += `wrk: ${e.message}`; r(); });
      setTimeout(() => { wrk.kill('SIGKILL'); r(); }, (seconds + 30) * 1000).unref();
    });
    while (await Promise.race([done.then(() => true), sleep(every).then(() => false)]) === false) {
      samples.push({ t: Math.round((Date.now() - t0) / 1000), ...memory() });
    }
    samples.push({ t: Math.round((Date.now() - t0) / 1000), ...memory() });

    // The last word: every subscriber must get it.
    const last = await s.get('/widgets/s1', { method: 'POST', body: JSON.stringify({ auth_token: token, current: -1 }) });
    const version = (await (await s.get('/api/widgets/s1', { headers: { Cookie: cookie } })).json()).version;
    const deadline = Date.now() + 10000;
    let missing = subscribers;
    while (Date.now() < deadline) {
      missing = seen.filter((m) => (m.get('s1') || 0) < version).length;
      if (missing === 0) break;
      await sleep(200);
    }

    const refusedN = refused();
    const renewals = subs.reduce((n, x) => n + x.renewals, 0);
    const reqs = Number((out.match(/(\d+) requests in/) || [])[1] || 0);
    const non2xx = Number((out.match(/Non-2xx or 3xx responses: (\d+)/) || [])[1] || 0);
    const sockErr = (out.match(/Socket errors: (.*)/) || [])[1] || 'none';
    const rps = (out.match(/Requests\/sec:\s+([\d.]+)/) || [])[1];
    const mean = (out.match(/Latency\s+([\d.]+\w+)/) || [])[1];
    const q = Math.max(1, Math.floor((samples.length - 2) / 4));
    const during = samples.slice(2);
    const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] || 0;
    const growth = (k) => {
      const first = med(during.slice(0, q).map((x) => x[k])), lastq = med(during.slice(-q).map((x) => x[k]));
      return first ? lastq / first : 1;
    };
    log(`soak: ${seconds} s, ${subscribers} subscribers (${refusedN} refused${renew ? `, each renewing its stream every ~${renew} s: ${renewals} renewals` : ''}), wrk -c${connections} mixed pages/fragments/API/pushes`);
    if (!reqs) log(`wrk: ${out.trim() || 'printed nothing'}`);
    log(`requests: ${reqs} (${rps} req/s, mean latency ${mean}), non-2xx: ${non2xx}, socket errors: ${sockErr}`);
    log(`last push 204: ${last.status === 204}, subscribers missing it after 10 s: ${missing}`);
    log('private memory (RssAnon, MiB), and nginx shared memory touched (nchan store):');
    log('   t(s)  nginx workers  app workers  mariadb  nginx shm');
    for (const x of samples) log(`  ${String(x.t).padStart(5)}  ${(x.nginx / 1024).toFixed(1).padStart(13)}  ${(x.app / 1024).toFixed(1).padStart(11)}  ${(x.mariadb / 1024).toFixed(1).padStart(7)}  ${(x.shm / 1024).toFixed(1).padStart(9)}${x.subscribed ? '   <- subscribers connected' : ''}`);
    const perSub = ((samples[1].nginx - samples[0].nginx) / subscribers).toFixed(1);
    log(`nginx memory per subscriber: ${perSub} KiB; growth over the run (last/first quarter): nginx ${growth('nginx').toFixed(2)}, app ${growth('app').toFixed(2)}, mariadb ${growth('mariadb').toFixed(2)}`);
    Object.assign(result, { reqs, non2xx, sockErr, refused: refusedN, renewals, missing, lastStatus: last.status,
      growth: { nginx: growth('nginx'), app: growth('app'), mariadb: growth('mariadb') } });
    result.ok = reqs > 0 && non2xx === 0 && sockErr === 'none' && refusedN === 0 && missing === 0 && last.status === 204 &&
      Object.values(result.growth).every((g) => g < 1.25);
    log(result.ok ? 'soak: PASS' : 'soak: FAIL');
    return result;
  } finally {
    for (const x of subs) x.close();
    await s.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const r = await soak({ seconds: arg('seconds', 180), subscribers: arg('subscribers', 1000), connections: arg('connections', 200), renew: arg('renew', 0) });
  process.exit(r.ok ? 0 : 1);
}
