// SPDX-License-Identifier: MIT
// scaleout.test.mjs: two nginx+nchan hosts sharing channels through Redis,
// two FastCGI pools, one MariaDB (as README's "Scaling out" describes), on
// one machine: host A is a private stack started with MDASH_REDIS_URL; host B
// is a second nginx on another loopback port with its own app pool, built
// from A's generated config. A message published on one host reaches the
// subscribers of the other, and updaters on both hosts never overlap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, run, sse, sleep, waitFor, MDASH } from '../harness/stack.mjs';
import { startRedis, startPeer } from '../harness/scaleout.mjs';

let redis, a, b, token;

before(async () => {
  redis = await startRedis();
  process.env.MDASH_REDIS_URL = redis.url;
  try {
    a = await startStack();
  } finally {
    delete process.env.MDASH_REDIS_URL;
  }
  // Host B: the same site on another port, with its own app pool (same settings
  // but publishing through B), its own nginx state.
  b = await startPeer(a, 'hostb');

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
  await b?.stop();
  await a?.stop();
  await redis?.stop();
});

const bUrl = (p) => b.url(p);

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
    const r = await run(MDASH, ['update', '--force', '--widget', 'hits'], { env: { MDASH_CONFIG: b.config } });
    assert.equal(r.code, 0, r.stderr);
    // The CLI's write reaches host B's app through the change feed, which
    // crosses Redis: milliseconds, not at once (README: "within milliseconds").
    const v2 = await waitFor(async () => {
      const w = await (await fetch(bUrl('/api/widgets/hits'))).json();
      return w.value?.current === 2 && w.version;
    }, { ms: 3000, message: 'host B\'s API to show the value the CLI stored' });
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

test('host B\'s app, which keeps what it read, hears of a push through host A at once (the change feed through Redis)', async () => {
  const onB = async () => (await (await fetch(bUrl('/api/widgets/deploys'))).json()).value.items[0].value;
  // B's processes read it now, and would keep it for App.CacheSeconds (5 s).
  for (let i = 0; i < 8; i++) await onB();
  const res = await fetch(a.url('/widgets/deploys'), { method: 'POST',
    body: JSON.stringify({ auth_token: token, items: [{ label: 'web', value: 'v10' }] }) });
  assert.equal(res.status, 204);
  // Well inside the 5 s an entry may live: only the feed can tell B this soon.
  const until = Date.now() + 3000;
  let seen = [];
  while (Date.now() < until) {
    seen = await Promise.all(Array.from({ length: 8 }, onB));
    if (seen.every((v) => v === 'v10')) break;
    await sleep(50);
  }
  assert.deepEqual(seen, Array(8).fill('v10'), 'every read on host B shows the push made through host A');
});

test('updaters on both hosts: one works, the other says so and exits 0', async () => {
  const first = run(MDASH, ['update', '--force', '--widget', 'slowpoke'], { env: { MDASH_CONFIG: a.config } });
  await sleep(600);
  const second = await run(MDASH, ['update', '--force'], { env: { MDASH_CONFIG: b.config } });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /Another mdash update is running on another host \(database lock\); nothing to do\./);
  const r = await first;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Successfully updated slowpoke/);
});
