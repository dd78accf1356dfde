// SPDX-License-Identifier: MIT
// tests/harness/stack.mjs: a private mdash stack (MariaDB, nginx + nchan, the
// FastCGI app) for one node:test file, and small helpers to drive it.
//
//   import { startStack, sse } from '../harness/stack.mjs';
//   let s;
//   before(async () => { s = await startStack(); });
//   after(async () => { await s?.stop(); });
//
// Everything runs for real: `dev/stack up DIR` starts the services in a fresh
// temp dir on a free loopback port, and stop() runs `dev/stack down DIR` and
// removes the dir. Set MDASH_TEST_KEEP=1 to keep the dir (and its logs) after
// the run. The built programs are taken from $MDASH_BUILD (default: the repo top).

import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, chmod, writeFile, rename, rm, readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUILD = path.resolve(process.env.MDASH_BUILD || TOP);
export const MDASH = path.join(BUILD, 'bin', 'mdash');
export const APP = path.join(BUILD, 'cgi', 'mdash.fcgi');
const STACK = path.join(TOP, 'dev', 'stack');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a program; resolves {code, signal, stdout, stderr, ms}. Never rejects
 * on a non-zero exit (the caller asserts), only when it cannot be started.
 * opts: input (string for stdin), env (added to process.env), cwd, timeout (ms,
 * default 60 s; the program gets SIGKILL and the result says so).
 */
export function run(cmd, args = [], opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, {
      cwd: opts.cwd || TOP,
      env: { ...process.env, ...(opts.env || {}) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeout ?? 60000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\n[harness: ${cmd} killed after ${opts.timeout ?? 60000} ms]`;
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0, pid: child.pid });
    });
    child.stdin.on('error', () => {}); // the program may exit without reading
    child.stdin.end(opts.input ?? '');
  });
}

/** A loopback TCP port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Stacks still up when the process ends (a crash, a Ctrl-C, an after() that
// never ran): taken down synchronously so that no MariaDB or nginx outlives us.
const live = new Map(); // dir -> port
function downSync() {
  for (const [dir, port] of live) {
    spawnSync(STACK, ['down', dir], { cwd: TOP, env: { ...process.env, MDASH_PORT: String(port) }, stdio: 'ignore' });
    if (!process.env.MDASH_TEST_KEEP) spawnSync('rm', ['-rf', dir], { stdio: 'ignore' });
  }
  live.clear();
}
let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', downSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => { downSync(); process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 })[sig]); });
  }
}

/**
 * Starts a private stack. Resolves to
 * {dir, port, base, config, publishSocket, mdash(args, opts), sql(query), apply(obj),
 *  writeDemo(name, obj), removeDemo(name), stack(cmd), restartApp(), logs(),
 *  get(path, init), json(method, path, {headers, body}), stop()}.
 * opts.requireLogin: true for a stack with RequireLogin = 1 (dev/stack reads
 * MDASH_REQUIRE_LOGIN); by default the stack serves without a login.
 * opts.trustedProxies: Proxy.Trusted, the proxies in front of nginx whose
 * X-Forwarded-For it believes (dev/stack's MDASH_TRUSTED_PROXIES).
 */
export async function startStack(opts = {}) {
  for (const p of [MDASH, APP, STACK]) {
    const r = spawnSync('test', ['-x', p]);
    if (r.status !== 0) throw new Error(`${p} is missing or not executable: build first (make)`);
  }
  hookExit();
  let lastErr;
  // A port found free can be taken by someone else before nginx binds it: retry.
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await mkdtemp(path.join(tmpdir(), 'mdash-t-'));
    await chmod(dir, 0o755);
    const port = await freePort();
    live.set(dir, port);
    const env = { MDASH_PORT: String(port) };
    if (opts.requireLogin !== undefined) env.MDASH_REQUIRE_LOGIN = opts.requireLogin ? '1' : '0';
    if (opts.trustedProxies) env.MDASH_TRUSTED_PROXIES = opts.trustedProxies;
    const up = await run(STACK, ['up', dir], { env, timeout: 90000 });
    if (up.code === 0) return makeStack(dir, port, env);
    lastErr = new Error(`dev/stack up ${dir} (port ${port}) failed with exit ${up.code}:\n${up.stdout}${up.stderr}`
      + `\n${await tailLogs(dir)}`);
    await run(STACK, ['down', dir], { env, timeout: 60000 });
    live.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }
  throw lastErr;
}

async function tailLogs(dir, lines = 15) {
  let out = '';
  let names = [];
  try { names = (await readdir(path.join(dir, 'log'))).sort(); } catch { return ''; }
  for (const n of names) {
    try {
      const text = await readFile(path.join(dir, 'log', n), 'utf8');
      const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
      if (tail) out += `--- ${dir}/log/${n} (last ${lines} lines)\n${tail}\n`;
    } catch { /* unreadable: skip */ }
  }
  return out;
}

function makeStack(dir, port, stackEnv = {}) {
  const base = `http://127.0.0.1:${port}`;
  const config = path.join(dir, 'mdash.hdf');
  const sock = path.join(dir, 'run', 'mysqld.sock');
  const env = { ...stackEnv, MDASH_PORT: String(port), MDASH_CONFIG: config };
  let serial = 0;
  let stopped = false;

  const s = {
    dir,
    port,
    base,
    config,
    url: (p) => base + p,
    /** nchan's publisher (PublishURL): a unix socket, not on the public server. */
    publishSocket: path.join(dir, 'run', 'publish.sock'),

    /** Runs the CLI against this stack: {code, stdout, stderr, ms}. */
    mdash: (args, opts = {}) => run(MDASH, args, { ...opts, env: { ...env, ...(opts.env || {}) } }),

    /** Runs `mdash ...args`; throws with its output unless it exits 0. */
    async ok(...args) {
      const r = await s.mdash(args);
      if (r.code !== 0) throw new Error(`mdash ${args.join(' ')}: exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`);
      return r;
    },

    /** Runs a query as MariaDB's root (through the socket) in the mdash
     *  database; resolves to rows of strings (tab-separated output, no header).
     *  A query that may write is then announced on the change feed, as mdash's
     *  own writes are, so the app processes read what it made at once; with
     *  opts.quiet it is not (a change by hand that mdash never hears of). */
    async sql(query, opts = {}) {
      const r = await run('mariadb', ['--no-defaults', '-S', sock, '-uroot', '-N', '-B', 'mdash', '-e', query]);
      if (r.code !== 0) throw new Error(`SQL failed (exit ${r.code}): ${query}\n${r.stderr}`);
      if (!opts.quiet && !/^\s*SELECT\b/i.test(query)) await s.announceChange();
      return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
    },

    /** Tells every app process that anything may have changed (the feed's
     *  "clear all", as mdash's writes send it); nothing when nginx is down. */
    announceChange: () => new Promise((resolve) => {
      const req = http.request({ socketPath: s.publishSocket, path: '/pub/_feed', method: 'POST',
        headers: { 'Content-Type': 'application/json' } }, (res) => { res.resume(); res.on('end', resolve); });
      req.on('error', () => resolve());
      req.end('{"changed":"*"}');
    }),

    /** The push channel of the session of tag, as lib/auth.c names it:
     *  the tag's first 7 bits. */
    sessionChannel(tag) {
      return `_x_${(parseInt(tag.slice(0, 2), 16) % 128).toString(16).padStart(2, '0')}`;
    },

    /** Makes n sessions of user, as a login makes them, that share one
     *  push channel, the second's tag with another first byte than the
     *  first's; resolves to [{cookie, csrf, tag}]. */
    async sessionsSharingChannel(user, n) {
      const made = [];
      while (made.length < n) {
        const cookie = randomBytes(32).toString('hex');
        const tag = createHash('sha256').update(cookie).digest('hex').slice(0, 16);
        if (made.length && s.sessionChannel(tag) !== s.sessionChannel(made[0].tag)) continue;
        if (made.length === 1 && tag.slice(0, 2) === made[0].tag.slice(0, 2)) continue;
        made.push({ cookie, csrf: randomBytes(32).toString('hex'), tag });
      }
      for (const m of made) {
        await s.sql(`INSERT INTO sessions (id_hash, user_id, csrf)
          SELECT SHA2('${m.cookie}', 256), id, '${m.csrf}' FROM users WHERE name = '${user}'`);
      }
      return made;
    },

    /** Stores an update of widget name, made at time ms, straight into its
     *  history (as version 1): history in the past without waiting for it. */
    async storeHistory(name, ms, data) {
      const at = new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
      await s.sql(`INSERT INTO widget_history (widget_id, version, data, created_at)
        SELECT id, 1, '${JSON.stringify(data)}', '${at}' FROM widgets WHERE name = '${name}'`);
    },

    /** Writes obj as a declarative file and runs `mdash apply` on it; throws
     *  unless it succeeds. Resolves to the CLI result. */
    async apply(obj) {
      const file = path.join(dir, `apply-${++serial}.json`);
      await writeFile(file, typeof obj === 'string' ? obj : JSON.stringify(obj, null, 2));
      const r = await s.mdash(['apply', file]);
      if (r.code !== 0) throw new Error(`mdash apply ${file} failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
      return r;
    },

    /** Writes DIR/www/demo/NAME (served at /demo/NAME) atomically. */
    async writeDemo(name, obj) {
      const file = path.join(dir, 'www', 'demo', name);
      await writeFile(`${file}.tmp`, typeof obj === 'string' ? obj : JSON.stringify(obj));
      await rename(`${file}.tmp`, file);
      return `${base}/demo/${name}`;
    },
    async removeDemo(name) {
      await rm(path.join(dir, 'www', 'demo', name), { force: true });
    },

    /** dev/stack CMD DIR (up, stop-db, start-db, stop-nginx, start-nginx, status). */
    async stack(cmd, extraEnv = {}) {
      const r = await run(STACK, [cmd, dir], { env: { ...env, ...extraEnv }, timeout: 90000 });
      if (r.code !== 0) throw new Error(`dev/stack ${cmd} failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
      return r;
    },

    /** Restarts the FastCGI app (it reads the settings file and loads the
     *  plug-ins at start): TERM to the pid in DIR/run/fcgi.pid, then
     *  `dev/stack up DIR`, which starts it again and waits until it answers.
     *  appConfig: another settings file for the app alone (dev/stack's
     *  MDASH_APP_CONFIG) until the next restart. */
    async restartApp(appConfig) {
      const pid = await s.pid('fcgi');
      if (pid) {
        try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
        for (let i = 0; i < 100; i++) {
          try { process.kill(pid, 0); } catch { break; }
          await sleep(50);
        }
      }
      return s.stack('up', appConfig ? { MDASH_APP_CONFIG: appConfig } : {});
    },

    /** The pid in DIR/run/NAME.pid, or null. */
    async pid(name) {
      try { return Number((await readFile(path.join(dir, 'run', `${name}.pid`), 'utf8')).trim()) || null; } catch { return null; }
    },

    /** The last lines of every log in DIR/log (for failure messages). */
    logs: (lines) => tailLogs(dir, lines),

    /** fetch() relative to the stack, without following redirects. */
    get: (p, init = {}) => fetch(base + p, { redirect: 'manual', ...init }),

    /** A JSON request (body: an object, sent as JSON, or a string, sent as
     *  is): resolves to {status, json (null unless the answer parses), text,
     *  headers}. */
    async json(method, p, { headers = {}, body } = {}) {
      const h = { Accept: 'application/json', ...headers };
      if (body !== undefined) h['Content-Type'] = 'application/json';
      const res = await s.get(p, { method, headers: h, body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body) });
      const text = await res.text();
      let json = null;
      try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
      return { status: res.status, json, text, headers: res.headers };
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      await run(STACK, ['down', dir], { env, timeout: 90000 });
      live.delete(dir);
      if (process.env.MDASH_TEST_KEEP) {
        process.stderr.write(`mdash test stack kept in ${dir}\n`);
      } else {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
  return s;
}

/**
 * Opens an EventSource-style stream with fetch(). Resolves once the response
 * headers are in, to {status, headers, messages, next(pred, timeoutMs),
 * find(pred, timeoutMs), close()}.
 * messages holds every parsed message ({id, event, data} with data JSON-parsed
 * when it parses); next() resolves to the data of the first message after the
 * previous next() result that matches pred, or rejects after timeoutMs with
 * what did arrive.
 */
export async function sse(url, { headers = {}, timeoutMs = 10000 } = {}) {
  const ac = new AbortController();
  const openTimer = setTimeout(() => ac.abort(new Error(`no answer from ${url} in ${timeoutMs} ms`)), timeoutMs);
  let res;
  try {
    res = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: ac.signal });
  } finally {
    clearTimeout(openTimer);
  }
  const messages = [];
  let cursor = 0;
  let ended = false;
  let endError = null;
  const waiters = new Set();
  const wake = () => { for (const w of waiters) w(); };

  (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    let ev = { id: undefined, event: 'message', data: [] };
    try {
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk, { stream: true });
        let nl;
        while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
          if (buf[nl] === '\r' && nl === buf.length - 1) break; // maybe half of a CRLF
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + (buf.startsWith('\r\n', nl) ? 2 : 1));
          if (line === '') {
            if (ev.data.length) {
              const raw = ev.data.join('\n');
              let data = raw;
              try { data = JSON.parse(raw); } catch { /* keep the text */ }
              messages.push({ id: ev.id, event: ev.event, data, raw, at: Date.now() });
              wake();
            }
            ev = { id: ev.id, event: 'message', data: [] };
            continue;
          }
          if (line.startsWith(':')) continue; // comment / keep-alive
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'data') ev.data.push(value);
          else if (field === 'id') ev.id = value;
          else if (field === 'event') ev.event = value;
        }
      }
    } catch (e) {
      if (!ac.signal.aborted) endError = e;
    }
    ended = true;
    wake();
  })();

  const stream = {
    status: res.status,
    headers: res.headers,
    messages,
    get ended() { return ended; },
    /** Data of the next message matching pred (default: any), after the
     *  message that the previous next() returned. */
    next(pred = () => true, ms = 5000) { return wait(pred, ms, true); },
    /** Data of any message so far or to come that matches pred, in any
     *  order with the others (leaves next()'s place alone). */
    find(pred = () => true, ms = 5000) { return wait(pred, ms, false); },
    close() {
      ac.abort();
    },
  };

  function wait(pred, ms, advance) {
    return new Promise((resolve, reject) => {
      const check = () => {
        for (let i = advance ? cursor : 0; i < messages.length; i++) {
          let ok = false;
          try { ok = pred(messages[i].data, messages[i]); } catch { ok = false; }
          if (ok) {
            if (advance) cursor = i + 1;
            done();
            resolve(messages[i].data);
            return true;
          }
        }
        if (ended) {
          done();
          reject(new Error(`stream ${url} ended${endError ? ` (${endError.message})` : ''} before a matching message; got: ${
            JSON.stringify(messages.map((m) => m.data))}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching message on ${url} within ${ms} ms; got: ${JSON.stringify(messages.map((m) => m.data))}`));
      }, ms);
      const done = () => { clearTimeout(timer); waiters.delete(check); };
      if (!check()) waiters.add(check);
    });
  }
  return stream;
}

/** Polls fn until it returns a truthy value; rejects with message() after ms. */
export async function waitFor(fn, { ms = 5000, every = 100, message = 'condition' } = {}) {
  const t0 = Date.now();
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > ms) {
      const m = typeof message === 'function' ? message(last) : message;
      throw new Error(`timed out after ${ms} ms waiting for ${m}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    }
    await sleep(every);
  }
}

/**
 * The element of widget NAME in an HTML page: {html, attrs, inner} or null.
 * Finds the start tag carrying data-widget="NAME" and its matching end tag
 * (counting nested tags of the same name, e.g. <li> inside a list widget).
 */
export function widgetElement(html, name) {
  return elementWith(html, 'data-widget', name);
}

/** The first element whose attribute ATTR is VALUE (an identifier), as widgetElement. */
export function elementWith(html, attr, value) {
  const re = new RegExp(`<([a-z][a-z0-9]*)\\b[^>]*\\s${attr}="${value.replace(/[-]/g, '\\-')}"[^>]*>`, 'i');
  const m = re.exec(html);
  if (!m) return null;
  const tag = m[1].toLowerCase();
  const start = m.index;
  const tagRe = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'gi');
  tagRe.lastIndex = start + m[0].length;
  let depth = 1;
  let t;
  while ((t = tagRe.exec(html))) {
    depth += t[1] ? -1 : 1;
    if (depth === 0) {
      const outer = html.slice(start, tagRe.lastIndex);
      return { html: outer, attrs: attributes(m[0]), inner: html.slice(start + m[0].length, t.index), tag };
    }
  }
  return null;
}

/** Attributes of one start tag as an object (values entity-decoded). */
export function attributes(startTag) {
  const out = {};
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  const body = startTag.replace(/^<[a-zA-Z0-9]+/, '').replace(/\/?>$/, '');
  let m;
  while ((m = re.exec(body))) out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  return out;
}

/** Text content of an HTML snippet (tags dropped, entities decoded, spaces squeezed). */
export function textOf(html) {
  return decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
}

export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos|#39);/gi, (all, e) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
    return String.fromCodePoint(parseInt(k.slice(1), 10));
  });
}

/** The first element with class CLS inside an HTML snippet: {html, attrs, text} or null. */
export function byClass(html, cls) {
  const re = new RegExp(`<([a-z][a-z0-9]*)\\b[^>]*\\sclass="(?:[^"]*\\s)?${cls}(?:\\s[^"]*)?"[^>]*>`, 'i');
  const m = re.exec(html);
  if (!m) return null;
  const tag = m[1].toLowerCase();
  const tagRe = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'gi');
  tagRe.lastIndex = m.index + m[0].length;
  let depth = 1;
  let t;
  while ((t = tagRe.exec(html))) {
    depth += t[1] ? -1 : 1;
    if (depth === 0) {
      const inner = html.slice(m.index + m[0].length, t.index);
      return { html: html.slice(m.index, tagRe.lastIndex), attrs: attributes(m[0]), inner, text: textOf(inner) };
    }
  }
  return null;
}
