// SPDX-License-Identifier: MIT
// bench/fanout-client.mjs: one subscriber process of bench/fanout.mjs. It
// holds its share of the N streams (WebSocket or EventSource) and, per round, takes the
// time at which each stream holds each pushed version: at the message when
// the message carries the fragment (or, for raw nchan rounds, at the
// message), else when the fragment it then fetches arrives, as the page's
// script does. Several of these share the N streams so that no single event
// loop queues the receipts; each reports the CPU it used.
//
// Driven by its parent over IPC (serialization: advanced):
//   {op:'open', port, path, cookie, headers, count, transport} -> {op:'opened', statuses}
//     (transport: 'websocket', as pages open their stream, or 'eventsource')
//     (or paths and cookies: one of each per stream, for viewers of their own)
//   {op:'round', kind, widget, base, n, fetchQuery, prefix} -> {op:'armed'}
//   {op:'count'}                             -> {op:'count', got}
//   {op:'collect', sent}                     -> {op:'result', lat, missing, cpuMs, busy, fetches}
//   {op:'close'}                             -> {op:'closed', dropped}, then exits
// Times are absolute (performance.timeOrigin + now), so they compare across
// processes of one machine.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const BATCH = 100;          // streams opened at once
const OPEN_TIMEOUT = 15000; // per stream, until its response headers
const FETCH_TIMEOUT = 60000;

const now = () => performance.timeOrigin + performance.now();
const reply = (m) => process.send(m);

let streams = [];           // {status, ended, req}
let cfg = null;             // {port, cookie}
let r = null;               // the armed round
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * What a round does with one `data:` line of stream j, received at `at`.
 * Light on purpose (no JSON.parse of every message): the version is the
 * number after "version": (the key comes before the fragment), and a
 * fragment is the new one when it carries data-version="<version>"
 * (escaped inside the JSON string).
 */
function onData(j, line, at) {
  if (!r || !line.includes(`"widget":"${r.widget}"`)) return;
  const m = /"version":(\d+)/.exec(line);
  const k = m ? Number(m[1]) - r.base : -1;
  if (!(k >= 0 && k < r.n) || r.done[j * r.n + k] || r.seen[j * r.n + k]) return;
  r.seen[j * r.n + k] = 1;
  if (r.kind === 'raw' || line.includes(`data-version=\\"${m[1]}\\"`)) {
    r.done[j * r.n + k] = at;
    r.got++;
    return;
  }
  // No fragment in the message: fetch it, as the page's script does.
  fetchFragment(j, k, Number(m[1]));
}

function fetchFragment(j, k, v) {
  const round = r;
  const t = round.fetches;
  t.asked++;
  const req = http.get({ host: '127.0.0.1', port: cfg.port, agent, path: `${round.prefix || ''}/widget/${round.widget}?v=${v}${round.fetchQuery}`,
    headers: cfg.cookie ? { Cookie: cfg.cookie } : {} }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (d) => { body += d; });
    res.on('end', () => {
      const at = now();
      const copy = ['HIT', 'STALE', 'UPDATING'].includes(String(res.headers['x-fragment-cache'] || ''));
      if (copy) t.copies++;
      else if (String(res.headers['x-cache'] || '') === 'miss') t.renders++;
      // A fetch that arrives after the next push gets the newer fragment,
      // as a page would: that holds this version too.
      const held = /data-version="(\d+)"/.exec(body);
      if (res.statusCode === 200 && held && Number(held[1]) >= v && round === r && !round.done[j * round.n + k]) {
        round.done[j * round.n + k] = at;
        round.got++;
      } else if (res.statusCode !== 200) t.failed++;
    });
  });
  req.setTimeout(FETCH_TIMEOUT, () => req.destroy(new Error('timeout')));
  req.on('error', () => { t.failed++; });
}

// A WebSocket stream's handshake, as Chromium sends it (with the
// EventSource request's other headers), and its frames: text messages to
// onData, pings answered with a pong (nchan ends a stream that does not).
const WS_HEADERS = { Connection: 'Upgrade', Upgrade: 'websocket', Pragma: 'no-cache', 'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits' };
const PONG = Buffer.from([0x8a, 0x80, 0x12, 0x34, 0x56, 0x78]);   // masked, empty

function readFrames(j, sub, socket) {
  let buf = Buffer.alloc(0);
  socket.on('data', (d) => {
    const at = now();
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    for (;;) {
      if (buf.length < 2) return;
      let len = buf[1] & 127, off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
      if (buf.length < off + len) return;
      const op = buf[0] & 15;
      if (op === 1) onData(j, buf.toString('utf8', off, off + len), at);
      else if (op === 9) socket.write(PONG);
      else if (op === 8) socket.end();
      buf = buf.subarray(off + len);
    }
  });
  socket.on('close', () => { sub.ended = true; });
  socket.on('error', () => { sub.ended = true; });
}

function subscribeWebSocket(j, path, cookie) {
  return new Promise((resolve) => {
    const sub = { status: 0, ended: false, req: null };
    const req = sub.req = http.get({ host: '127.0.0.1', port: cfg.port, path, agent: false,
      headers: { ...cfg.headers, ...WS_HEADERS, Origin: `http://127.0.0.1:${cfg.port}`, ...(cookie ? { Cookie: cookie } : {}) } });
    req.on('upgrade', (res, socket, head) => {
      clearTimeout(timer);
      sub.status = 200;   // taken: as an EventSource's 200
      sub.req = socket;
      readFrames(j, sub, socket);
      if (head.length) socket.emit('data', head);
      resolve(sub);
    });
    req.on('response', (res) => { clearTimeout(timer); sub.status = res.statusCode; res.resume(); resolve(sub); });
    const timer = setTimeout(() => req.destroy(new Error('timeout')), OPEN_TIMEOUT);
    req.on('error', () => { clearTimeout(timer); sub.ended = true; resolve(sub); });
  });
}

function subscribe(j, path, cookie) {
  if (cfg.transport === 'websocket') return subscribeWebSocket(j, path, cookie);
  return new Promise((resolve) => {
    const sub = { status: 0, ended: false, req: null };
    const req = sub.req = http.get({ host: '127.0.0.1', port: cfg.port, path, agent: false,
      headers: { ...cfg.headers, Accept: 'text/event-stream', ...(cookie ? { Cookie: cookie } : {}) } }, (res) => {
      clearTimeout(timer);
      sub.status = res.statusCode;
      resolve(sub);
      if (res.statusCode !== 200) { res.resume(); return; }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        const at = now();
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.startsWith('data: ')) onData(j, line, at);
        }
      });
      res.on('close', () => { sub.ended = true; });
    });
    const timer = setTimeout(() => req.destroy(new Error('timeout')), OPEN_TIMEOUT);
    req.on('error', () => { clearTimeout(timer); sub.ended = true; resolve(sub); });
  });
}

process.on('message', async (m) => {
  if (m.op === 'open') {
    cfg = { port: m.port, cookie: m.cookie, headers: m.headers || {}, transport: m.transport || 'eventsource' };
    for (let i = 0; i < m.count; i += BATCH) {
      const base = streams.length;
      streams.push(...await Promise.all(Array.from({ length: Math.min(BATCH, m.count - i) },
        (_, b) => subscribe(base + b, m.paths ? m.paths[i + b] : m.path, m.cookies ? m.cookies[i + b] : m.cookie))));
    }
    reply({ op: 'opened', statuses: streams.map((x) => x.status) });
  } else if (m.op === 'round') {
    const live = streams.map((x) => x.status === 200 && !x.ended);
    r = { ...m, live, expected: live.filter(Boolean).length * m.n, got: 0,
      done: new Float64Array(streams.length * m.n), seen: new Uint8Array(streams.length * m.n),
      fetches: { asked: 0, copies: 0, renders: 0, failed: 0 },
      cpu0: process.cpuUsage(), elu0: performance.eventLoopUtilization() };
    reply({ op: 'armed' });
  } else if (m.op === 'count') {
    reply({ op: 'count', got: r ? r.got : 0, expected: r ? r.expected : 0 });
  } else if (m.op === 'collect') {
    const x = r;
    r = null;
    const lat = new Float64Array(x.got);
    let g = 0;
    for (let j = 0; j < streams.length; j++) {
      if (!x.live[j]) continue;
      for (let k = 0; k < x.n; k++) if (x.done[j * x.n + k]) lat[g++] = x.done[j * x.n + k] - m.sent[k];
    }
    const cpu = process.cpuUsage(x.cpu0);
    reply({ op: 'result', lat: lat.subarray(0, g), missing: x.expected - x.got, cpuMs: (cpu.user + cpu.system) / 1000,
      busy: performance.eventLoopUtilization(x.elu0).utilization, fetches: x.fetches });
  } else if (m.op === 'close') {
    const dropped = streams.filter((x) => x.status === 200 && x.ended).length;
    for (const x of streams) x.req?.destroy();
    agent.destroy();
    reply({ op: 'closed', dropped });
    setTimeout(() => process.exit(0), 100);
  }
});
