// SPDX-License-Identifier: MIT
// The audit log: every change an administrator makes, from the CLI or the
// browser, says who, from where, what, to what, before and after, and
// when; `mdash audit` prints it, `mdash prune` keeps Audit.MaxAge days.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { startStack, attributes } from '../harness/stack.mjs';

let s;

const ok = async (...args) => {
  const r = await s.mdash(args.filter((a) => typeof a === 'string'), args.find((a) => typeof a === 'object') ?? {});
  assert.equal(r.code, 0, `mdash ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r;
};
const audit = async () => JSON.parse((await ok('audit', '--json')).stdout);

before(async () => {
  s = await startStack({ requireLogin: true });
  await s.apply({ dashboards: [{ slug: 'ops', title: 'Ops', widgets: [
    { name: 'a', type: 'number', source: { kind: 'push' } },
    { name: 'b', type: 'number', source: { kind: 'push' } }] }] });
});

after(async () => { await s?.stop(); });

test('changes made with the CLI are recorded with who made them, never a secret', async () => {
  await ok('user', 'add', 'alice', '--admin', { input: 'alice-password-1\n' });
  await ok('user', 'add', 'tv', { input: 'tv-password-123\n' });
  await ok('user', 'grant', 'tv', 'ops');
  const token = (await ok('token', 'add', 'deploy')).stdout.trim().split('\n').pop();
  await ok('token', 'rm', 'deploy');
  const link = (await ok('share', 'add', 'ops')).stdout.trim().split('\n').pop();
  const id = (await ok('share', 'list')).stdout.trim().split('\n')[0].split('\t')[0];
  await ok('share', 'rm', id);
  const file = path.join(s.dir, 'more.json');
  await writeFile(file, JSON.stringify({ dashboards: [{ slug: 'ops', title: 'Operations', widgets: [] }] }));
  await ok('apply', file);
  const log = await audit();
  const seen = log.map((e) => `${e.action} ${e.target} ${e.after ?? ''}`.trim());
  for (const want of ['user.add alice admin', 'user.add tv viewer', 'user.grant tv ops', 'token.add deploy push',
    'token.remove deploy', 'share.add ops link', 'share.revoke', `apply ${file} 1 dashboard, 0 widgets`]) {
    assert.ok(seen.some((l) => l.startsWith(want)), `no "${want}" in:\n${seen.join('\n')}`);
  }
  for (const e of log) {
    assert.match(e.actor, /^cli:\S+/);
    assert.equal(e.address, 'local');
    assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }
  const text = JSON.stringify(log);
  assert.ok(!text.includes(token), 'a token secret is in the audit log');
  assert.ok(!text.includes(link.split('/s/').pop()), 'a share link secret is in the audit log');
  assert.ok(!text.includes('password-1'), 'a password is in the audit log');
  // One line a change, tab-separated, time first.
  const lines = (await ok('audit')).stdout.trim().split('\n');
  assert.equal(lines.length, log.length);
  assert.match(lines[0], /^\S+Z\tcli:\S+\tlocal\tapply\t\S+apply-1\.json$/, 'the first change: the stack\'s own apply');
  assert.ok(lines.some((l) => /^\S+Z\tcli:\S+\tlocal\tuser\.add\talice$/.test(l)), lines.join('\n'));
});

test('a layout saved in the browser is recorded with the user, the address, and the places before and after', async () => {
  const login = await s.get('/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'username=alice&password=alice-password-1' });
  const cookie = /mdash_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  assert.ok(cookie, `login: ${login.status}`);
  const page = await (await s.get('/d/ops', { headers: { Cookie: `mdash_session=${cookie}` } })).text();
  const csrf = attributes(/<meta name="csrf-token"[^>]*>/.exec(page)[0]).content;
  const save = (b) => s.get('/api/dashboards/ops/layout', { method: 'POST', body: JSON.stringify(b),
    headers: { Cookie: `mdash_session=${cookie}`, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json', Origin: s.base } });
  // A refused layout names the field, as the authoring API does; nothing is recorded.
  const place = { name: 'a', col: 1, row: 1, sizex: 1, sizey: 1 };
  for (const [bad, field, error] of [[{ widgets: [{ ...place, sizey: undefined }] }, 'widgets[0].sizey', 'widgets[0].sizey: required'],
    [{ widgets: [place, { ...place, colour: 'red' }] }, 'widgets[1].colour', 'widgets[1]: unknown key "colour"'],
    [{ widgets: [], extra: 1 }, 'extra', 'unknown key "extra"'],
    [{ widgets: [{ ...place, name: 'nope' }] }, 'widgets[0].name', 'widgets[0].name: not a widget of dashboard ops'],
    [{ widgets: [{ ...place, col: 6, sizex: 2 }] }, 'widgets[0].col', 'widgets[0].col: must be from 1 to 5'],
    [{ widgets: [{ ...place, row: 0 }] }, 'widgets[0].row', 'widgets[0].row: must be a whole number from 1 to']]) {
    const res = await save(bad);
    const text = await res.text();
    assert.equal(res.status, 400, text);
    assert.equal(JSON.parse(text).field, field, text);
    assert.ok(JSON.parse(text).error.startsWith(error), text);
  }
  assert.ok(!(await audit()).some((x) => x.action === 'layout.save'), 'a refused layout was recorded');
  const body = { widgets: [{ name: 'a', col: 2, row: 1, sizex: 1, sizey: 1 }, { name: 'b', col: 1, row: 1, sizex: 1, sizey: 1 }] };
  const res = await save(body);
  assert.equal(res.status, 204, await res.text());
  const e = (await audit()).find((x) => x.action === 'layout.save');
  assert.ok(e, 'no layout.save entry');
  assert.equal(e.actor, 'user:alice');
  assert.match(e.address, /^127\./);
  assert.equal(e.target, 'ops');
  assert.deepEqual(JSON.parse(e.after), body);
  const was = Object.fromEntries(JSON.parse(e.before).widgets.map((w) => [w.name, [w.col, w.row]]));
  assert.notDeepEqual(was.a, [2, 1], 'before holds the places from before the save');
});

test('mdash prune drops entries older than Audit.MaxAge days', async () => {
  const n = (await audit()).length;
  await s.sql('UPDATE audit_log SET at = at - INTERVAL 400 DAY WHERE id = (SELECT MIN(id) FROM (SELECT id FROM audit_log) t)');
  const r = await ok('prune');
  assert.match(r.stdout, /and 1 audit log entries \(keeping 365 days\)/);
  assert.equal((await audit()).length, n - 1);
  // A bad --since names the option.
  const bad = await s.mdash(['audit', '--since', 'yesterday']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--since: not a time/);
});
