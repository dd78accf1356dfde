// SPDX-License-Identifier: MIT
// tests/harness/scaleout.mjs: the pieces of a scaled-out mdash on one machine,
// as README's "Scaling out" describes: Redis (one server, or a cluster of
// masters) for nchan's channels, more nginx+nchan hosts beside a private
// stack (each with its own app pool, sharing the stack's MariaDB), and an
// nginx load balancer in front of them.
//
//   const redis = await startRedis();                     // or { masters: 3 }
//   process.env.MDASH_REDIS_URL = redis.url; const a = await startStack(); ...
//   const b = await startPeer(a, 'b');                    // host B on its own port
//   const lb = await startBalancer([a.port, b.port]);     // round robin
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, run, sleep, waitFor, APP } from './stack.mjs';

const redisCli = (port, args) => run('redis-cli', ['-p', String(port), ...args], { timeout: 30000 });

/**
 * Redis for nchan on loopback: one server, or with masters > 1 a cluster of
 * that many masters (no replicas). Returns {url, ports, keys(), stop}; url names the
 * first server (nchan finds the cluster's other nodes from it).
 */
export async function startRedis({ masters = 1 } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'mdash-redis-'));
  const cluster = masters > 1;
  const ports = [];
  const procs = [];
  const stop = async () => {
    for (const p of procs) p.kill('SIGTERM');
    await sleep(200);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      const own = path.join(dir, String(port));
      await mkdir(own);
      ports.push(port);
      procs.push(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
        '--dir', own, '--daemonize', 'no', '--logfile', path.join(own, 'redis.log'),
        ...(cluster ? ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(own, 'nodes.conf')] : [])],
      { stdio: 'ignore' }));
      await waitFor(async () => (await redisCli(port, ['ping'])).stdout.trim() === 'PONG',
        { ms: 5000, message: `redis-server on port ${port} to answer` });
    }
    if (cluster) {
      const made = await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas', '0', '--cluster-yes'], { timeout: 60000 });
      if (made.code !== 0) throw new Error(`redis-cli --cluster create: ${made.stdout}${made.stderr}`);
      await waitFor(async () => /cluster_state:ok/.test((await redisCli(ports[0], ['cluster', 'info'])).stdout),
        { ms: 20000, message: 'the Redis cluster to be ok' });
    }
  } catch (e) {
    await stop();
    throw e;
  }
  // How many keys each server holds (a cluster's channels spread over its masters).
  const keys = async () => Promise.all(ports.map(async (p) => Number((await redisCli(p, ['dbsize'])).stdout.trim())));
  return { url: `redis://127.0.0.1:${ports[0]}`, ports, cluster, keys, stop };
}

/**
 * Another nginx+nchan host for stack `a` (started with MDASH_REDIS_URL): the
 * same site on a port of its own, with its own app pool publishing through
 * it, its own nginx state and logs under a.dir/<name>; same database.
 * Returns {port, dir, config, url(p), nginxPid(), appPid, stop}.
 */
export async function startPeer(a, name) {
  const port = await freePort();
  const dir = path.join(a.dir, name);
  await mkdir(path.join(dir, 'log'), { recursive: true });
  await mkdir(path.join(dir, 'tmp'), { recursive: true });
  const own = (text) => text.split(`127.0.0.1:${a.port}`).join(`127.0.0.1:${port}`)
    .split(path.join(a.dir, 'run', 'fcgi.sock')).join(path.join(dir, 'fcgi.sock'))
    .split(path.join(a.dir, 'run', 'push.sock')).join(path.join(dir, 'push.sock'))
    .split(path.join(a.dir, 'run', 'publish.sock')).join(path.join(dir, 'publish.sock'))
    .split(path.join(a.dir, 'run', 'nginx.pid')).join(path.join(dir, 'nginx.pid'))
    .split(path.join(a.dir, 'log')).join(path.join(dir, 'log'))
    .split(path.join(a.dir, 'tmp')).join(path.join(dir, 'tmp'))
    .split(path.join(a.dir, 'mdash-site.conf')).join(path.join(dir, 'mdash-site.conf'));
  await writeFile(path.join(dir, 'nginx.conf'), own(await readFile(path.join(a.dir, 'nginx.conf'), 'utf8')));
  await writeFile(path.join(dir, 'mdash-site.conf'), own(await readFile(path.join(a.dir, 'mdash-site.conf'), 'utf8')));
  const config = path.join(dir, 'mdash.hdf');
  await writeFile(config, (await readFile(a.config, 'utf8'))
    .replace(/^PublishURL = .*$/m, `PublishURL = unix:${path.join(dir, 'publish.sock')}:/pub/`)
    .replace(/^LockFile = .*$/m, `LockFile = ${path.join(dir, 'update.lock')}`)
    .replace(/^App.PushSocket = .*$/m, `App.PushSocket = ${path.join(dir, 'push.sock')}`));
  const app = spawn('spawn-fcgi', ['-n', '-s', path.join(dir, 'fcgi.sock'), '-M', '0660', '--', APP],
    { env: { ...process.env, MDASH_CONFIG: config }, stdio: 'ignore' });
  const nginx = (args = []) => run('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'log', 'error.log'), ...args]);
  const stop = async () => {
    await nginx(['-s', 'stop']);
    app.kill('SIGTERM');
    await sleep(200);
  };
  const ng = await nginx();
  if (ng.code !== 0) {
    app.kill('SIGTERM');
    throw new Error(`nginx of host ${name}: ${ng.stderr}`);
  }
  const url = (p) => `http://127.0.0.1:${port}${p}`;
  await waitFor(async () => (await fetch(url('/healthz')).catch(() => ({ status: 0 }))).status === 200,
    { ms: 10000, message: `host ${name} to answer` });
  const nginxPid = async () => Number((await readFile(path.join(dir, 'nginx.pid'), 'utf8')).trim());
  return { port, dir, config, publishSocket: path.join(dir, 'publish.sock'), url, nginxPid, appPid: app.pid, stop };
}

/**
 * An nginx load balancer on a free loopback port in front of the given ports
 * (round robin; streams pass through unbuffered, WebSocket upgrades too). Returns {port, nginxPid(), stop}.
 */
export async function startBalancer(ports) {
  const dir = await mkdtemp(path.join(tmpdir(), 'mdash-lb-'));
  const port = await freePort();
  await mkdir(path.join(dir, 'tmp'));
  // Each stream takes two connections here (client side, upstream side).
  await writeFile(path.join(dir, 'nginx.conf'), `worker_processes 2;
worker_rlimit_nofile 65536;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 32768; }
http {
    access_log off;
    client_body_temp_path ${dir}/tmp/body;
    proxy_temp_path ${dir}/tmp/proxy;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;
    # Pages stream over WebSocket: the upgrade passes through.
    map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
    upstream mdash_hosts {
${ports.map((p) => `        server 127.0.0.1:${p};`).join('\n')}
    }
    server {
        listen 127.0.0.1:${port} reuseport;
        location / {
            proxy_pass http://mdash_hosts;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_buffering off;
            proxy_read_timeout 1h;
        }
    }
}
`);
  const nginx = (args = []) => run('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log'), ...args]);
  const ng = await nginx();
  if (ng.code !== 0) throw new Error(`nginx load balancer: ${ng.stderr}`);
  const stop = async () => {
    await nginx(['-s', 'stop']);
    await sleep(200);
    await rm(dir, { recursive: true, force: true });
  };
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => ({ status: 0 }))).status === 200,
    { ms: 10000, message: 'the load balancer to answer' });
  const nginxPid = async () => Number((await readFile(path.join(dir, 'nginx.pid'), 'utf8')).trim());
  return { port, dir, nginxPid, stop };
}
