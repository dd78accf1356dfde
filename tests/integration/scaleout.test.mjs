// SPDX-License-Identifier: MIT
// scaleout.test.mjs: two nginx+nchan hosts sharing channels through Redis,
// two FastCGI pools, one MariaDB (as README's "Scaling out" describes), on
// one machine: host A is a private stack started with MDASH_REDIS_URL; host B
// is a second nginx on another loopback port with its own app pool, built
// from A's generated config. A message published on one host reaches the
// subscribers of the other, and updaters on both hosts never overlap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { startStack, freePort, run, sse, sleep, waitFor, APP, MDASH } from '../harness/stack.mjs';

let redis, redisDir, a, bPort, bDir, bApp, token;

async function startRedis() {
  const port = await freePort();
  redisDir = `/tmp/mdash-redis-${process.pid}`;
  await mkdir(redisDir, { recursive: true });
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', redisDir, '--daemonize', 'no', '--logfile', path.join(redisDir, 'redis.log')], { stdio: 'ignore' });
  await waitFor(async () => (await run('redis-cli', ['-p', String(port), 'ping'])).stdout.trim() === 'PONG',
    { ms: 5000, message: 'redis-server to answer' });
  return port;
}

before(async () => {
  const rport = await startRedis();
  process.env.MDASH_REDIS_URL = `redis://127.0.0.1:${rport}`;
  try {
    a = await startStack();
  } finally {
    delete process.env.MDASH_REDIS_URL;
  }
  // Host B: the same site on another port, with its own app pool (same settings
  // but publishing through B), its own nginx state.
  bPort = await freePort();
  bDir = path.join(a.dir, 'hostb');
  await mkdir(path.join(bDir, 'log'), { recursive: true });
  await mkdir(path.join(bDir, 'tmp'), { recursive: true });
  const sub = (text) => text.split(`127.0.0.1:${a.port}`).join(`127.0.0.1:${bPort}`)
    .split(path.join(a.dir, 'run', 'fcgi.sock')).join(path.join(bDir, 'fcgi.sock'))
    .split(path.join(a.dir, 'run', 'push.sock')).join(path.join(bDir, 'push.sock'))
    .split(path.join(a.dir, 'run', 'publish.sock')).join(path.join(bDir, 'publish.sock'))
    .split(path.join(a.dir, 'run', 'nginx.pid')).join(path.join(bDir, 'nginx.pid'))
    .split(path.join(a.dir, 'log')).join(path.join(bDir, 'log'))
    .split(path.join(a.dir, 'tmp')).join(path.join(bDir, 'tmp'))
    .split(path.join(a.dir, 'mdash-site.conf')).join(path.join(bDir, 'mdash-site.conf'));
  await writeFile(path.join(bDir, 'nginx.conf'), sub(await readFile(path.join(a.dir, 'nginx.conf'), 'utf8')));
  await writeFile(path.join(bDir, 'mdash-site.conf'), sub(await readFile(path.join(a.dir, 'mdash-site.conf'), 'utf8')));
  const settings = (await readFile(a.config, 'utf8'))
    .replace(/^PublishURL = .*$/m, `PublishURL = unix:${path.join(bDir, 'publish.sock')}:/pub/`)
    .replace(/^LockFile = .*$/m, `LockFile = ${path.join(bDir, 'update.lock')}`)
    .replace(/^App.PushSocket = .*$/m, `App.PushSocket = ${path.join(bDir, 'push.sock')}`);
  await writeFile(path.join(bDir, 'mdash.hdf'), settings);
  bApp = spawn('spawn-fcgi', ['-n', '-s', path.join(bDir, 'fcgi.sock'), '-M', '0660', '--', APP],
    { env: { ...process.env, MDASH_CONFIG: path.join(bDir, 'mdash.hdf') }, stdio: 'ignore' });
  const ng = await run('nginx', ['-p', bDir, '-c', path.join(bDir, 'nginx.conf'), '-e', path.join(bDir, 'log', 'error.log')]);
  assert.equal(ng.code, 0, `nginx B: ${ng.stderr}`);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${bPort}/healthz`).catch(() => ({ status: 0 }))).status === 200,
    { ms: 10000, message: 'host B to answer' });

  await a.writeDemo('n.json', { v: 1 });
  await a.apply({ dashboards: [{ slug: 'wide', title: 'Scaled out', widgets: [
    { name: 'hits', type: 'number', interval: 60, source: { kind: 'http', url: `${a.base}/demo/n.json`, pointer: '/v' } },
    { name: 'slowpoke', type: 'text', interval: 60,
      source: { kind: 'exec', command: ['/bin/sh', '-c', 'sleep 2; echo \'{"text":"done"}\''] } },
    { name: 'deploys', type: 'list', source: { kind: 'push' } },
  ] }] });
  token = (await a.mdash(['token', 'add', 'scale'])).stdout.trim().split('\n').pop();
});

after(async () => {
  if (bDir) await run('nginx', ['-p', bDir, '-c', path.join(bDir, 'nginx.conf'), '-e', path.join(bDir, 'log', 'error.log'), '-s', 'stop']);
  bApp?.kill('SIGTERM');
  await sleep(200);
  await a?.stop();
  redis?.kill('SIGTERM');
  if (redisDir) await rm(redisDir, { recursive: true, force: true });
});

const bUrl = (p) => `http://127.0.0.1:${bPort}${p}`;

test('a push through host A reaches a subscriber on host B (and back)', async () => {
  const onB = await sse(bUrl('/sub/d/wide'));
  const onA = await sse(a.url('/sub/d/wide'));
  try {
    await sleep(300);
    const res = await fetch(a.url('/widgets/deploys'), { method: 'POST',
      body: JSON.stringify({ auth_token: token, items: [{ label: 'api', value: 'v2' }] }) });
    assert.equal(res.status, 204);
    const version = (await (await fetch(a.url('/api/widgets/deploys'))).json()).version;
    const got = await onB.find((m) => m.widget === 'deploys' && m.version === version, 5000);
    assert.equal(got.version, version, 'host B delivered the message published by host A');
    // And the other way: an update published through host B reaches host A.
    await a.writeDemo('n.json', { v: 2 });
    const r = await run(MDASH, ['update', '--force', '--widget', 'hits'], { env: { MDASH_CONFIG: path.join(bDir, 'mdash.hdf') } });
    assert.equal(r.code, 0, r.stderr);
    const v2 = (await (await fetch(bUrl('/api/widgets/hits'))).json()).version;
    const back = await onA.find((m) => m.widget === 'hits' && m.version === v2, 5000);
    assert.equal(back.version, v2, 'host A delivered the message published by host B');
  } finally {
    onA.close();
    onB.close();
  }
});

test('a page served by host B shows the new value after a push through host A', async () => {
  await fetch(a.url('/widgets/deploys'), { method: 'POST',
    body: JSON.stringify({ auth_token: token, items: [{ label: 'web', value: 'v9' }] }) });
  const html = await (await fetch(bUrl('/widget/deploys'))).text();
  assert.match(html, />web</);
  assert.match(html, />v9</);
});

test('updaters on both hosts: one works, the other says so and exits 0', async () => {
  const first = run(MDASH, ['update', '--force', '--widget', 'slowpoke'], { env: { MDASH_CONFIG: a.config } });
  await sleep(600);
  const second = await run(MDASH, ['update', '--force'], { env: { MDASH_CONFIG: path.join(bDir, 'mdash.hdf') } });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /Another mdash update is running on another host \(database lock\); nothing to do\./);
  const r = await first;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Successfully updated slowpoke/);
});
