// SPDX-License-Identifier: MIT
// `mdash backup FILE` and `mdash restore FILE` on a real stack: backup,
// wipe the database, restore, and the dashboards, users (their logins),
// tokens and history are back; restore refuses files that are not mdash
// backups, damaged ones and ones from a newer mdash, changing nothing;
// on a database that is not empty it asks (on a terminal) or wants --yes,
// and the restored widgets' versions move past every earlier one. One
// private stack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile, appendFile } from 'node:fs/promises';
import path from 'node:path';
import { startStack, run, widgetElement, byClass, MDASH } from '../harness/stack.mjs';

let s;
const PW = 'viewer-password-1';
const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;


/** Runs mdash ARGS, expecting exit 1 and stderr matching re. */
async function refused(args, re, opts = {}) {
  const r = await s.mdash(args, opts);
  assert.equal(r.code, 1, `mdash ${args.join(' ')} should fail: ${show(r)}`);
  assert.match(r.stderr, re, show(r));
  return r;
}

/** Everything a restore must bring back, as one comparable object. */
async function state() {
  return {
    export: (await s.ok('export')).stdout,
    users: (await s.ok('user', 'list')).stdout.split('\n').map((l) => l.split('\t').slice(0, 3).join('\t')),
    tokens: (await s.ok('token', 'list')).stdout,
    history: await s.sql('SELECT w.name, h.version, h.data, h.created_at FROM widget_history h JOIN widgets w ON w.id = h.widget_id ORDER BY w.name, h.id'),
    data: await s.sql('SELECT name, data, updated_at FROM widgets ORDER BY name'),
    grants: await s.sql('SELECT u.name, d.slug FROM user_dashboards g JOIN users u ON u.id = g.user_id JOIN dashboards d ON d.id = g.dashboard_id'),
  };
}

/** A login as the viewer: the status of POST /login (302 when it worked). */
async function login() {
  const res = await s.get('/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'vera', password: PW }).toString() });
  await res.arrayBuffer();
  return res.status;
}

async function shownValue(slug, name) {
  const res = await s.get(`/d/${slug}`);
  const html = await res.text();
  assert.equal(res.status, 200, html.slice(0, 500));
  const el = widgetElement(html, name);
  assert.ok(el, `${name} is not on /d/${slug}`);
  return byClass(el.html, 'value')?.text;
}

let backup;
let token;

before(async () => {
  s = await startStack();
  await s.apply({ dashboards: [
    { slug: 'ops', title: 'Operations', widgets: [
      { name: 'visitors', type: 'number', title: 'Visitors', source: { kind: 'push' } },
      { name: 'deploys', type: 'list', source: { kind: 'push' } }] },
    { slug: 'sales', title: 'Sales', widgets: [{ name: 'orders', type: 'graph', source: { kind: 'push' } }] }] });
  for (const v of [3, 5, 8]) await s.ok('push', 'visitors', JSON.stringify({ current: v }));
  await s.ok('push', 'deploys', '{"items":[{"label":"web","value":"v7"}]}');
  for (const v of [1, 2]) await s.ok('push', 'orders', JSON.stringify({ value: v }));
  await s.mdash(['user', 'add', 'vera'], { input: `${PW}\n` });
  await s.ok('user', 'grant', 'vera', 'ops');
  await s.mdash(['user', 'add', 'root', '--admin'], { input: 'admin-password-9\n' });
  token = (await s.ok('token', 'add', 'ci')).stdout.trim().split('\n').pop();
  await appendFile(s.config, 'Secret.grafana = viewer:secret\n');
  backup = path.join(s.dir, 'backups', 'mdash.tar.gz');
  await mkdir(path.dirname(backup));
});
after(async () => {
  await s?.stop();
});

test('backup, wipe, restore: dashboards, users, tokens and history are back', async () => {
  const before = await state();
  assert.equal(before.history.length, 6);
  const r = await s.ok('backup', backup);
  assert.equal(r.stdout, `Backed up the database mdash (2 dashboards, 3 widgets, 2 users and 6 history rows) and the settings file to ${backup} (${/\(([^)]*)\)\.\n$/.exec(r.stdout)[1]}).\n`);
  assert.equal((await stat(backup)).mode & 0o777, 0o600, 'a backup holds password hashes: 0600');
  // An ordinary tar file: the description first.
  const list = await run('tar', ['-tzf', backup]);
  assert.deepEqual(list.stdout.trim().split('\n'), ['mdash-backup.json', 'database.sql', 'mdash.hdf']);
  const manifest = JSON.parse((await run('tar', ['-xzOf', backup, 'mdash-backup.json'])).stdout);
  assert.equal(manifest.format, 'mdash-backup');
  assert.deepEqual(manifest.counts, { dashboards: 2, widgets: 3, users: 2, history: 6 });
  const sql = (await run('tar', ['-xzOf', backup, 'database.sql'])).stdout;
  assert.match(sql, /-- Dump completed/);
  assert.doesNotMatch(sql, /CREATE DATABASE|^USE /m, 'the dump names no database: it restores into the configured one');

  // Disaster: the database is gone.
  await s.sql('DROP DATABASE mdash; CREATE DATABASE mdash CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  assert.equal((await s.sql('SHOW TABLES')).length, 0);

  // An empty database needs no confirmation. The settings file is this
  // machine's: restore leaves it alone.
  const settingsBefore = await readFile(s.config, 'utf8');
  const res = await s.ok('restore', backup);
  assert.match(res.stdout, /^Restored the database mdash from .* \(made \S+Z by mdash \S+ on \S+\): 2 dashboards, 3 widgets, 2 users and 6 history rows\.\n$/);
  assert.equal(await readFile(s.config, 'utf8'), settingsBefore);
  assert.deepEqual(await state(), before, 'the restored database differs');
  await s.restartApp(); // its connections lost their database when it was dropped
  assert.equal(await shownValue('ops', 'visitors'), '8');
  assert.equal(await login(), 302, 'the viewer cannot log in after the restore');
  assert.match((await s.ok('migrate')).stdout, /up to date/);
  // The push token works again.
  const push = await s.get('/api/widgets/visitors', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{"current":8}' });
  assert.equal(push.status, 204, await push.text());
});

test('a database that is not empty: refused without --yes (nothing changes), asked on a terminal, replaced with --yes', async () => {
  await s.ok('backup', backup);
  await s.ok('push', 'visitors', '{"current":99}');
  const version = Number((await s.sql("SELECT version FROM widgets WHERE name = 'visitors'"))[0][0]);
  const maxBefore = Number((await s.sql('SELECT MAX(version) FROM widgets'))[0][0]);

  await refused(['restore', backup], /^mdash: the database mdash is not empty \(2 dashboards, 3 widgets, 2 users and 8 history rows\): restore replaces all of it; run it again with --yes$/m);
  assert.equal(await shownValue('ops', 'visitors'), '99', 'a refused restore changed the database');

  // On a terminal it asks; anything but "yes" keeps the database.
  const env = { ...process.env, MDASH_CONFIG: s.config };
  const tty = (input, args) => run('script', ['-qec', `${MDASH} ${args}`, '/dev/null'], { input, env });
  const no = await tty('no\n', `restore ${backup}`);
  assert.match(no.stdout, /The database mdash holds 2 dashboards, 3 widgets, 2 users and 8 history rows\.\r?\nRestoring replaces all of it with the backup made \S+ on \S+\.\r?\nType yes to go on: /);
  assert.match(no.stdout, /Nothing was changed\./);
  assert.equal(await shownValue('ops', 'visitors'), '99');
  const yes = await tty('yes\n', `restore ${backup}`);
  assert.match(yes.stdout, /Restoring the database: 100%/, `no progress on a terminal: ${yes.stdout}`);
  assert.match(yes.stdout, /Restored the database mdash/);

  // --yes: replaced without asking. The value is the backup's again, and
  // every version is past any the database had, so that no copy cached
  // for an earlier version can stand for a restored one.
  await s.ok('push', 'visitors', '{"current":100}');
  const r = await s.ok('restore', '--yes', backup);
  assert.match(r.stdout, /Restored the database mdash/);
  assert.equal(await shownValue('ops', 'visitors'), '8', 'the running app shows what was restored');
  const versions = (await s.sql('SELECT name, version FROM widgets')).map(([n, v]) => [n, Number(v)]);
  for (const [n, v] of versions) assert.ok(v > maxBefore + 1, `${n}: version ${v} is not past ${maxBefore + 1}`);
  assert.ok(version > 0);
  // The settings file of the backup had a secret these settings lack.
  const plain = (await readFile(s.config, 'utf8')).replace(/^Secret\.grafana.*\n/m, '');
  await writeFile(s.config, plain);
  const r2 = await s.ok('restore', '--yes', backup);
  assert.match(r2.stdout, /The backup's settings file has credentials that .* lacks: Secret\.grafana \(see them with: tar -xzOf .* mdash\.hdf\)\./);
});

test('restore refuses what is not an mdash backup, a damaged one, and one from a newer mdash, changing nothing', async () => {
  await s.ok('push', 'visitors', '{"current":42}');
  const before = await state();
  const dir = path.join(s.dir, 'bad');
  await mkdir(dir);

  // Not gzip at all; a tar.gz of something else.
  const text = path.join(dir, 'notes.txt');
  await writeFile(text, 'hello\n');
  await refused(['restore', '--yes', text], /^mdash: .*notes\.txt is not an mdash backup \(one made by mdash backup\)$/m);
  const other = path.join(dir, 'other.tar.gz');
  assert.equal((await run('tar', ['-czf', other, '-C', dir, 'notes.txt'])).code, 0);
  await refused(['restore', '--yes', other], /is not an mdash backup/);

  // Damaged: a byte changed in the middle, or cut short.
  const good = await readFile(backup);
  const flipped = Buffer.from(good);
  flipped[Math.floor(flipped.length / 2)] ^= 0x55;
  const bad1 = path.join(dir, 'flipped.tar.gz');
  await writeFile(bad1, flipped);
  await refused(['restore', '--yes', bad1], /is (damaged|not an mdash backup)/);
  const bad2 = path.join(dir, 'short.tar.gz');
  await writeFile(bad2, good.subarray(0, good.length - 40));
  await refused(['restore', '--yes', bad2], /short\.tar\.gz is damaged/);

  // The dump changed behind the description's back.
  const work = path.join(dir, 'x');
  await mkdir(work);
  assert.equal((await run('tar', ['-xzf', backup, '-C', work])).code, 0);
  await appendFile(path.join(work, 'database.sql'), 'DROP TABLE users;\n');
  const tampered = path.join(dir, 'tampered.tar.gz');
  assert.equal((await run('tar', ['-czf', tampered, '-C', work, 'mdash-backup.json', 'database.sql', 'mdash.hdf'])).code, 0);
  await refused(['restore', '--yes', tampered], /database\.sql in .* is not the one the backup describes/);

  // From a newer mdash.
  const m = JSON.parse(await readFile(path.join(work, 'mdash-backup.json'), 'utf8'));
  m.schema = 999;
  await writeFile(path.join(work, 'mdash-backup.json'), JSON.stringify(m));
  assert.equal((await run('tar', ['-xzf', backup, '-C', work, 'database.sql'])).code, 0);
  const newer = path.join(dir, 'newer.tar.gz');
  assert.equal((await run('tar', ['-czf', newer, '-C', work, 'mdash-backup.json', 'database.sql', 'mdash.hdf'])).code, 0);
  await refused(['restore', '--yes', newer], /was made by a newer mdash \(mdash \S+, schema 999; this one knows \d+\): upgrade mdash first/);

  await refused(['restore', '--yes', path.join(dir, 'missing.tar.gz')], /missing\.tar\.gz: No such file or directory/);
  assert.deepEqual(await state(), before, 'a refused restore changed the database');

  // Usage errors.
  const u = await s.mdash(['backup']);
  assert.equal(u.code, 1, show(u));
  assert.match(u.stderr, /backup takes one file/);
});
