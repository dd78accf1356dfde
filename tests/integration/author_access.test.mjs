// SPDX-License-Identifier: MIT
// The authoring API's users, grants, tokens, share links and audit log
// (README, "Authoring API"): what `mdash user|token|share|audit` do, over
// JSON, for an administrator only, every change audited without a secret.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, attributes, sse } from '../harness/stack.mjs';

let s;
let root;

async function session(username, password) {
  const login = await s.get('/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `username=${username}&password=${encodeURIComponent(password)}` });
  const cookie = /mdash_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) return null;
  const page = await (await s.get('/d/ops', { headers: { Cookie: `mdash_session=${cookie}` } })).text();
  const meta = /<meta name="csrf-token"[^>]*>/.exec(page);
  return { cookie, csrf: meta ? attributes(meta[0]).content : null };
}

async function api(method, p, { as = root, body } = {}) {
  const headers = {};
  if (as?.token) headers.Authorization = `Bearer ${as.token}`;
  else if (as) Object.assign(headers, { Cookie: `mdash_session=${as.cookie}`, 'X-CSRF-Token': as.csrf, Origin: s.base });
  return s.json(method, p, { headers, body });
}

before(async () => {
  s = await startStack({ requireLogin: true });
  await s.apply({ dashboards: [{ slug: 'ops', widgets: [{ name: 'a', type: 'number' }] }, { slug: 'sales' }] });
  await s.mdash(['user', 'add', 'root', '--admin'], { input: 'root-password-1\n' });
  root = await session('root', 'root-password-1');
});

after(async () => { await s?.stop(); });

test('users are made (a password made when none is given, shown once), granted, changed and removed', async () => {
  let r = await api('POST', '/api/users', { body: { name: 'tv' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.admin, false);
  assert.ok(r.json.password.length >= 16, 'no password made');
  const made = r.json.password;
  assert.equal((await api('POST', '/api/users', { body: { name: 'tv' } })).status, 409);
  r = await api('POST', '/api/users', { body: { name: 'Bad Name' } });
  assert.deepEqual([r.status, r.json.field], [400, 'name']);
  r = await api('POST', '/api/users', { body: { name: 'x', password: 'short' } });
  assert.deepEqual([r.status, r.json.field], [400, 'password']);
  r = await api('POST', '/api/users', { body: { name: 'x', role: 'admin' } });
  assert.deepEqual([r.status, r.json.field], [400, 'role']);
  // The made password logs in; a grant shows the dashboard.
  const tv = await session('tv', made);
  assert.ok(tv, 'the made password does not log in');
  assert.equal((await s.get('/d/ops', { headers: { Cookie: `mdash_session=${tv.cookie}` } })).status, 403);
  assert.equal((await api('PUT', '/api/users/tv/grants/ops')).status, 204);
  assert.equal((await api('PUT', '/api/users/tv/grants/nope')).status, 404);
  assert.equal((await api('PUT', '/api/users/nobody/grants/ops')).status, 404);
  assert.equal((await s.get('/d/ops', { headers: { Cookie: `mdash_session=${tv.cookie}`, Accept: 'text/html' } })).status, 200);
  r = await api('GET', '/api/users');
  assert.deepEqual(r.json.users.find((u) => u.name === 'tv'), { name: 'tv', admin: false, dashboards: ['ops'] });
  // A viewer may not manage users.
  assert.equal((await api('GET', '/api/users', { as: tv })).status, 403);
  // Revoked: its open page reloads, and meets the new rule.
  const stream = await sse(`${s.base}/sub/d/ops`, { headers: { Cookie: `mdash_session=${tv.cookie}` } });
  try {
    assert.equal((await api('DELETE', '/api/users/tv/grants/ops')).status, 204);
    assert.equal((await stream.find((m) => m.event === 'reload', 5000)).event, 'reload');
  } finally {
    stream.close();
  }
  r = await api('PATCH', '/api/users/tv', { body: { admin: true } });
  assert.deepEqual([r.status, r.json], [200, { name: 'tv', admin: true }]);
  r = await api('PATCH', '/api/users/tv', { body: { password: 'new-password-2' } });
  assert.equal(r.status, 200);
  assert.ok(await session('tv', 'new-password-2'), 'the new password does not log in');
  // Made a viewer again: the dashboards granted alone, not every one.
  r = await api('PATCH', '/api/users/tv', { body: { admin: false } });
  assert.deepEqual([r.status, r.json], [200, { name: 'tv', admin: false }]);
  assert.deepEqual((await api('GET', '/api/users')).json.users.find((u) => u.name === 'tv').dashboards, []);
  assert.equal((await api('PATCH', '/api/users/nobody', { body: { admin: true } })).status, 404);
  assert.equal((await api('DELETE', '/api/users/root')).status, 409, 'an admin removed themselves');
  assert.equal((await api('PATCH', '/api/users/root', { body: { admin: false } })).status, 409);
  assert.equal((await api('DELETE', '/api/users/tv')).status, 204);
  assert.equal((await api('DELETE', '/api/users/tv')).status, 404);
  const log = (await api('GET', '/api/audit')).json.entries.filter((e) => e.target === 'tv');
  assert.deepEqual(log.map((e) => e.action).reverse(),
    ['user.add', 'user.grant', 'user.revoke', 'user.admin', 'user.passwd', 'user.viewer', 'user.remove']);
  assert.ok(log.every((e) => e.actor === 'user:root' && /^127\./.test(e.address)), JSON.stringify(log));
  assert.ok(!JSON.stringify(log).includes(made) && !JSON.stringify(log).includes('new-password-2'), 'a password in the log');
});

test('tokens are made (the secret shown once), listed without it, and removed; an admin token is audited by name', async () => {
  let r = await api('POST', '/api/tokens', { body: { name: 'ci', admin: true } });
  assert.equal(r.status, 201, r.text);
  const ci = { token: r.json.token };
  assert.match(ci.token, /^\S{20,}$/);
  assert.equal((await api('POST', '/api/tokens', { body: { name: 'ci' } })).status, 409);
  r = await api('POST', '/api/tokens', { as: ci, body: { name: 'pusher' } });
  assert.deepEqual([r.status, r.json.admin], [201, false]);
  const list = (await api('GET', '/api/tokens', { as: ci })).json.tokens;
  assert.deepEqual(list.map((t) => [t.name, t.admin]), [['ci', true], ['pusher', false]]);
  assert.ok(!JSON.stringify(list).includes(ci.token), 'a secret in the list');
  assert.match(list[0].created, /^\d{4}-\d\d-\d\dT/);
  assert.equal((await api('GET', '/api/tokens', { as: { token: r.json.token } })).status, 403, 'a push token read the tokens');
  assert.equal((await api('DELETE', '/api/tokens/pusher', { as: ci })).status, 204);
  assert.equal((await api('DELETE', '/api/tokens/pusher', { as: ci })).status, 404);
  const e = (await api('GET', '/api/audit?since=-1h&limit=5')).json.entries;
  assert.ok(e.length <= 5);
  assert.deepEqual([e[0].action, e[0].target, e[0].actor], ['token.remove', 'pusher', 'token:ci']);
  assert.ok(!JSON.stringify(e).includes(ci.token), 'a secret in the audit log');
  assert.equal((await api('GET', '/api/audit?since=yesterday')).json.field, 'since');
  assert.equal((await api('GET', '/api/audit?colour=red')).json.field, 'colour');
});

test('share links are listed without their secret and revoked; the open pages of the link reload', async () => {
  const made = await s.ok('share', 'add', 'ops');
  const secret = made.stdout.trim().split('\n').pop().split('/s/').pop();
  let r = await api('GET', '/api/dashboards/ops/shares');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.shares.length, 1);
  const { id } = r.json.shares[0];
  assert.ok(!r.text.includes(secret), 'the secret is listed');
  assert.equal((await api('GET', '/api/dashboards/nope/shares')).status, 404);
  assert.equal((await api('DELETE', `/api/dashboards/sales/shares/${id}`)).status, 404, 'revoked through another dashboard');
  const stream = await sse(`${s.base}/s/${secret}/sub/d/ops`);
  try {
    assert.equal((await api('DELETE', `/api/dashboards/ops/shares/${id}`)).status, 204);
    assert.equal((await stream.find((m) => m.event === 'reload', 5000)).event, 'reload');
  } finally {
    stream.close();
  }
  assert.equal((await s.get(`/s/${secret}`)).status, 404);
  assert.deepEqual((await api('GET', '/api/dashboards/ops/shares')).json, { shares: [] });
  const e = (await api('GET', '/api/audit')).json.entries[0];
  assert.deepEqual([e.action, e.target], ['share.revoke', String(id)]);
});
