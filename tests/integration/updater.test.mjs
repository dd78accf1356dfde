// SPDX-License-Identifier: MIT
// The updater (`mdash update`, what cron runs) and the other CLI commands
// against a real MariaDB: output lines, intervals, --force, --widget, failing
// sources, the lock, `apply` errors, `migrate`, bad settings files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { startStack, run, sleep, waitFor, widgetElement, byClass, textOf, TOP, APP, MDASH } from '../harness/stack.mjs';

let s;

const lines = (out) => out.split('\n').filter((l) => l !== '');
const api = async (name) => {
  const res = await s.get(`/api/widgets/${name}`);
  assert.equal(res.status, 200, `GET /api/widgets/${name}`);
  return res.json();
};
const versions = async (...names) => Object.fromEntries(await Promise.all(names.map(async (n) => [n, (await api(n)).version])));
const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

before(async () => {
  s = await startStack();
  await s.writeDemo('a.json', { v: 10 });
  await s.apply({
    dashboards: [{
      slug: 'u',
      title: 'Updater',
      widgets: [
        { name: 'a', type: 'number', interval: 60, source: { kind: 'http', url: `${s.base}/demo/a.json`, pointer: '/v' } },
        { name: 'b', type: 'text', interval: 60, source: { kind: 'exec', command: ['/bin/echo', '{"text":"bee"}'] } },
        { name: 'c', type: 'meter', interval: 3600, options: { min: 0, max: 10 },
          source: { kind: 'exec', command: ['/bin/echo', '{"value":7}'] } },
        { name: 'p', type: 'list', source: { kind: 'push' } },
      ],
    }],
  });
});

after(async () => { await s?.stop(); });

test('the first run updates every pulled widget and says so, one line each', async () => {
  const r = await s.mdash(['update']);
  assert.equal(r.code, 0, show(r));
  const out = lines(r.stdout).sort();
  assert.deepEqual(out, ['Successfully updated a', 'Successfully updated b', 'Successfully updated c'], show(r));
  assert.equal(r.stderr, '');
  assert.equal((await api('a')).value.current, 10);
  assert.equal((await api('b')).value.text, 'bee');
  assert.equal((await api('c')).value.value, 7);
  assert.deepEqual(await versions('a', 'b', 'c', 'p'), { a: 1, b: 1, c: 1, p: 0 });
  // `widget list`: one widget per line, name first, tab-separated.
  const wl = await s.mdash(['widget', 'list']);
  assert.equal(wl.code, 0);
  const rows = lines(wl.stdout).map((l) => l.split('\t'));
  assert.deepEqual(rows.map((x) => x[0]).sort(), ['a', 'b', 'c', 'p']);
  const a = rows.find((x) => x[0] === 'a');
  assert.deepEqual(a.slice(1, 5), ['number', 'u', 'ok', '1'], `widget list line for a: ${a.join(' | ')}`);
});

test('a second run within the interval changes nothing; --force updates anyway', async () => {
  const before = await versions('a', 'b', 'c');
  let r = await s.mdash(['update']);
  assert.equal(r.code, 0, show(r));
  assert.deepEqual(lines(r.stdout).sort(), ['No update needed for a', 'No update needed for b', 'No update needed for c'], show(r));
  assert.deepEqual(await versions('a', 'b', 'c'), before, 'versions changed on a run that needed no update');

  r = await s.mdash(['update', '--force']);
  assert.equal(r.code, 0, show(r));
  assert.deepEqual(lines(r.stdout).sort(), ['Successfully updated a', 'Successfully updated b', 'Successfully updated c'], show(r));
  const after = await versions('a', 'b', 'c');
  for (const n of ['a', 'b', 'c']) assert.equal(after[n], before[n] + 1, `${n}: version ${before[n]} -> ${after[n]}`);
});

test('an elapsed interval makes the widget due again', async () => {
  // Pretend b's last update was two minutes ago (its interval is 60 s):
  // every time stamp of the row moves back.
  const cols = (await s.sql("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='mdash' "
    + "AND TABLE_NAME='widgets' AND DATA_TYPE IN ('datetime','timestamp')")).flat();
  assert.ok(cols.length > 0, 'the widgets table has time stamps');
  await s.sql(`UPDATE widgets SET ${cols.map((c) => `\`${c}\` = \`${c}\` - INTERVAL 2 MINUTE`).join(', ')} WHERE name = 'b'`);
  const r = await s.mdash(['update']);
  assert.equal(r.code, 0, show(r));
  assert.deepEqual(lines(r.stdout).sort(), ['No update needed for a', 'No update needed for c', 'Successfully updated b'], show(r));
});

test('--widget NAME touches only that widget, and picks up a changed source', async () => {
  await s.writeDemo('a.json', { v: 4321 });
  const before = await versions('a', 'b', 'c');
  const r = await s.mdash(['update', '--force', '--widget', 'a']);
  assert.equal(r.code, 0, show(r));
  assert.deepEqual(lines(r.stdout), ['Successfully updated a'], show(r));
  const after = await versions('a', 'b', 'c');
  assert.deepEqual(after, { ...before, a: before.a + 1 });
  assert.equal((await api('a')).value.current, 4321);
  const html = await (await s.get('/d/u')).text();
  assert.equal(byClass(widgetElement(html, 'a').html, 'value')?.text, '4,321');

  const two = await s.mdash(['update', '--force', '--widget', 'b', '--widget', 'c']);
  assert.equal(two.code, 0, show(two));
  assert.deepEqual(lines(two.stdout).sort(), ['Successfully updated b', 'Successfully updated c']);

  const none = await s.mdash(['update', '--widget', 'nope']);
  assert.notEqual(none.code, 0, `update --widget nope: ${show(none)}`);
  assert.match(none.stderr, /nope/, 'the error names the unknown widget');
});

test('--quiet prints nothing when all is well', async () => {
  const r = await s.mdash(['update', '--force', '--quiet']);
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout + r.stderr, '');
});

// Each failing source: first good data, then the failure. The widget keeps
// its last good value, the run exits 1 with "Error updating NAME: ...", the
// page marks the widget as failed and shows the message; a good run heals it.
const script = (name) => path.join(s.dir, `${name}.sh`);
const failures = [
  { name: 'f_http', what: 'HTTP 404', type: 'number',
    source: () => ({ kind: 'http', url: `${s.base}/demo/f_http.json`, pointer: '/v' }),
    good: () => s.writeDemo('f_http.json', { v: 1500 }), bad: () => s.removeDemo('f_http.json'),
    shown: '1,500', error: /404/ },
  { name: 'f_exit', what: 'exec exit 3', type: 'text',
    source: () => ({ kind: 'exec', command: ['/bin/sh', script('f_exit')] }),
    good: () => writeFile(script('f_exit'), 'echo \'{"text":"still here"}\'\n'),
    bad: () => writeFile(script('f_exit'), 'echo "disk on fire" >&2\nexit 3\n'),
    shown: 'still here', error: /\b3\b/ },
  { name: 'f_json', what: 'bad JSON', type: 'text',
    source: () => ({ kind: 'exec', command: ['/bin/sh', script('f_json')] }),
    good: () => writeFile(script('f_json'), 'echo \'{"text":"valid"}\'\n'),
    bad: () => writeFile(script('f_json'), 'echo \'{"text": oops\'\n'),
    shown: 'valid', error: /JSON/i },
  { name: 'f_ptr', what: 'a pointer that matches nothing', type: 'number',
    source: () => ({ kind: 'http', url: `${s.base}/demo/f_ptr.json`, pointer: '/stats/count' }),
    good: () => s.writeDemo('f_ptr.json', { stats: { count: 77 } }), bad: () => s.writeDemo('f_ptr.json', { stats: { total: 77 } }),
    shown: '77', error: /\/stats\/count/ },
];

test('failing sources: error line, exit 3, last good value kept, error shown on the page', async (t) => {
  await Promise.all(failures.map((f) => f.good()));
  await s.apply({ dashboards: [{ slug: 'fail', title: 'Failures', widgets: failures.map((f) => ({ name: f.name, type: f.type, source: f.source() })) }] });
  const names = failures.flatMap((f) => ['--widget', f.name]);
  let r = await s.mdash(['update', '--force', ...names]);
  assert.equal(r.code, 0, `the good run failed: ${show(r)}`);

  await Promise.all(failures.map((f) => f.bad()));
  const good = await versions(...failures.map((f) => f.name));
  // One failing widget does not stop the others: b is in the same run.
  r = await s.mdash(['update', '--force', '--widget', 'b', ...names]);
  assert.equal(r.code, 3, `some sources failed: exit 3\n${show(r)}`);
  assert.deepEqual(lines(r.stdout), ['Successfully updated b'], show(r));
  const errLines = lines(r.stderr);
  const page = await (await s.get('/d/fail')).text();
  for (const f of failures) {
    await t.test(f.what, async () => {
      const line = errLines.find((l) => l.startsWith(`Error updating ${f.name}: `));
      assert.ok(line, `no "Error updating ${f.name}: ..." line in stderr:\n${r.stderr}`);
      assert.match(line, f.error, `the error line says what went wrong: ${line}`);
      const w = await api(f.name);
      assert.equal(w.status, 'error');
      assert.ok(w.error && w.error.length > 0, 'the API reports the error');
      assert.ok(w.version > good[f.name], `version after the failure (${w.version}) is above ${good[f.name]}: the page learns about it`);
      const el = widgetElement(page, f.name);
      assert.ok(el, `${f.name} is on the page`);
      assert.equal(el.attrs['data-state'], 'error');
      const shownError = byClass(el.html, 'widget-error');
      assert.ok(shownError, `${f.name} has a .widget-error element:\n${el.html}`);
      assert.equal(shownError.text, w.error, 'the page shows the same message as the API');
      assert.match(textOf(el.html), new RegExp(f.shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), `${f.name} still shows its last good value`);
    });
  }

  // Fixing the sources heals the widgets.
  await Promise.all(failures.map((f) => f.good()));
  r = await s.mdash(['update', '--force', ...names]);
  assert.equal(r.code, 0, show(r));
  const healed = await (await s.get('/d/fail')).text();
  for (const f of failures) {
    const el = widgetElement(healed, f.name);
    assert.equal(el.attrs['data-state'], 'ok', `${f.name} is ok again`);
    assert.equal(byClass(el.html, 'widget-error'), null, `${f.name} no longer shows an error`);
    assert.equal((await api(f.name)).error, null);
  }
});

test('exit 1 when the updater cannot run (exit 2 for a bad option): a widget name that does not exist (nothing runs), no database', async () => {
  const before = await versions('b');
  let r = await s.mdash(['update', '--bogus']);
  assert.equal(r.code, 2, `a wrong command line: exit 2, as for every command\n${show(r)}`);
  r = await s.mdash(['update', '--force', '--widget', 'b', '--widget', 'no_such_widget']);
  assert.equal(r.code, 1, show(r));
  assert.match(r.stderr, /no widget named no_such_widget/);
  assert.deepEqual(await versions('b'), before, 'a run with a wrong name updated nothing');
  const bad = path.join(s.dir, 'no-database.hdf');
  await writeFile(bad, `${await readFile(s.config, 'utf8')}\nDatabase.Socket = ${path.join(s.dir, 'no', 'such.sock')}\nDatabase.Host = localhost\n`);
  r = await s.mdash(['update', '--force'], { env: { MDASH_CONFIG: bad } });
  assert.equal(r.code, 1, `no database: ${show(r)}`);
});

test('the updater and the app refuse a database of another schema version, saying what to do', async () => {
  const newest = (await s.sql('SELECT MAX(version) FROM schema_migrations'))[0][0];
  // The app alone, without the push socket the running one holds.
  const appConfig = path.join(s.dir, 'schema-app.hdf');
  await writeFile(appConfig, (await readFile(s.config, 'utf8')).replace(/^App\.PushSocket.*$/m, ''));
  const expect = async (re) => {
    const u = await s.mdash(['update', '--force']);
    assert.equal(u.code, 1, show(u));
    assert.match(u.stderr, re);
    const app = await run(APP, ['-c', appConfig], { timeout: 20000 });
    assert.equal(app.code, 1, `mdash.fcgi: ${show(app)}`);
    assert.match(app.stderr, re);
  };
  try {
    await s.sql(`DELETE FROM schema_migrations WHERE version = ${newest}`);
    await expect(new RegExp(`schema is at version ${newest - 1}, this mdash needs ${newest}: run mdash migrate`));
    await s.sql(`INSERT INTO schema_migrations (version, name) VALUES (${newest}, 'back'), (999, '999_future.sql')`);
    await expect(/schema is at version 999, newer than this mdash knows \(\d+\): upgrade mdash/);
  } finally {
    await s.sql(`DELETE FROM schema_migrations WHERE version = 999`);
    await s.sql(`INSERT IGNORE INTO schema_migrations (version, name) VALUES (${newest}, 'back')`);
  }
  assert.equal((await s.mdash(['update'])).code, 0, 'the right version runs again');
});

test('the lock: a concurrent run says another update is running, exits 0 and updates nothing', async () => {
  const conf = await readFile(s.config, 'utf8');
  const lockFile = /^LockFile\s*=\s*(.+?)\s*$/m.exec(conf)?.[1];
  assert.ok(lockFile, `no LockFile line in ${s.config}`);
  const holder = spawn('flock', [lockFile, 'sleep', '3'], { detached: true, stdio: 'ignore' });
  try {
    // Wait until the holder has the lock (a non-blocking probe then fails).
    await waitFor(async () => (await run('flock', ['-n', lockFile, 'true'])).code !== 0, { ms: 3000, message: 'flock to hold the lock' });
    const before = await versions('a', 'b', 'c');
    const r = await s.mdash(['update', '--force']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout.trim(), `Another mdash update is running (lock file ${lockFile}); nothing to do.`, show(r));
    assert.deepEqual(await versions('a', 'b', 'c'), before, 'a run without the lock changed data');
  } finally {
    try { process.kill(-holder.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
  await waitFor(async () => (await run('flock', ['-n', lockFile, 'true'])).code === 0, { ms: 5000, message: 'the lock to be free' });
  const r = await s.mdash(['update', '--force', '--widget', 'b']);
  assert.equal(r.code, 0, show(r));
  assert.deepEqual(lines(r.stdout), ['Successfully updated b'], 'after the holder left, updates work again');
});

test('the database lock keeps two updaters with different lock files apart', async () => {
  // As on two hosts: same database, separate lock files.
  const other = path.join(s.dir, 'other-host.hdf');
  const conf = await readFile(s.config, 'utf8');
  await writeFile(other, conf.replace(/^LockFile\s*=.*$/m, `LockFile = ${path.join(s.dir, 'run', 'other-host.lock')}`));
  await s.apply({ dashboards: [{ slug: 'slowdash', title: 'Slow', widgets: [
    { name: 'slowish', type: 'text', source: { kind: 'exec', command: ['/bin/sh', '-c', 'sleep 1.5; echo \'{"text":"late"}\''] } }] }] });
  const first = s.mdash(['update', '--force', '--widget', 'slowish']);
  await sleep(500);
  const v = await versions('a');
  const second = await s.mdash(['update', '--force', '--widget', 'a'], { env: { MDASH_CONFIG: other } });
  const one = await first;
  assert.equal(one.code, 0, show(one));
  assert.equal(second.code, 0, show(second));
  assert.match(second.stdout, /^Another mdash update is running\b.*nothing to do\.$/m, show(second));
  assert.deepEqual(await versions('a'), v, 'the second updater changed data while the first held the database lock');
});

test('apply rejects bad files, naming the file and the field, and changes nothing', async () => {
  const file = path.join(s.dir, 'bad-key.json');
  await writeFile(file, JSON.stringify({ dashboards: [{ slug: 'newdash', title: 'New', widgets: [
    { name: 'w1', type: 'number', source: { kind: 'push' } },
    { name: 'w2', type: 'number', foo: 1, source: { kind: 'push' } }] }] }));
  let r = await s.mdash(['apply', file]);
  assert.equal(r.code, 1, show(r));
  assert.equal(r.stderr.trim(), `mdash: ${file}: dashboards[0].widgets[1]: unknown key "foo"`);
  const dl = await s.mdash(['dashboard', 'list']);
  assert.doesNotMatch(dl.stdout, /^newdash\b/m, 'a rejected file created a dashboard');

  const badJson = path.join(s.dir, 'bad-json.json');
  await writeFile(badJson, '{"dashboards": [\n  {"slug": "x",\n   "title": }]}\n');
  r = await s.mdash(['apply', badJson]);
  assert.equal(r.code, 1, show(r));
  assert.match(r.stderr, new RegExp(`^mdash: ${badJson.replace(/[.]/g, '\\.')}:3:\\d+: invalid JSON: .+`), show(r));

  const cases = [
    [{ dashboards: [{ slug: 'x', widgets: [{ name: 'Bad Name', type: 'number', source: { kind: 'push' } }] }] }, /dashboards\[0\]\.widgets\[0\]\.name/],
    [{ dashboards: [{ slug: 'x', widgets: [{ name: 'ok', type: 'nosuchtype', source: { kind: 'push' } }] }] }, /dashboards\[0\]\.widgets\[0\]\.type.*nosuchtype/],
    [{ dashboards: [{ slug: 'x', widgets: [{ name: 'ok', type: 'number', source: { kind: 'ftp' } }] }] }, /source\.kind.*ftp/],
    [{ dashboard: [] }, /unknown key "dashboard"/],
  ];
  for (const [obj, re] of cases) {
    const f = path.join(s.dir, 'case.json');
    await writeFile(f, JSON.stringify(obj));
    r = await s.mdash(['apply', f]);
    assert.equal(r.code, 1, `${JSON.stringify(obj)}: ${show(r)}`);
    assert.match(r.stderr, re, JSON.stringify(obj));
    assert.ok(r.stderr.includes(f), `the error names the file: ${r.stderr}`);
  }
  r = await s.mdash(['apply', path.join(s.dir, 'missing.json')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /missing\.json/);
});

test('apply accepts every source kind of the contract, sql included', async () => {
  const file = path.join(s.dir, 'sql.json');
  await writeFile(file, JSON.stringify({ dashboards: [{ slug: 'sqld', title: 'SQL', widgets: [
    { name: 'sql_n', type: 'number', source: { kind: 'sql', query: 'SELECT 42 AS current' } }] }] }));
  const r = await s.mdash(['apply', file]);
  assert.equal(r.code, 0, `"sql" (query) is one of the source kinds of the declarative file: ${show(r)}`);
  const u = await s.mdash(['update', '--force', '--widget', 'sql_n']);
  assert.equal(u.code, 0, show(u));
  const w = await api('sql_n');
  assert.equal(w.status, 'ok', JSON.stringify(w));
  assert.match(JSON.stringify(w.value), /\b42\b/, `the query's result is the widget's value: ${JSON.stringify(w.value)}`);
});

test('migrate is idempotent', async () => {
  const n = (await readdir(path.join(TOP, 'schema'))).filter((f) => f.endsWith('.sql')).length;
  for (let i = 0; i < 2; i++) {
    const r = await s.mdash(['migrate']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout.trim(), `The database is up to date (${n} migrations).`);
  }
  // Data survived.
  assert.equal((await api('a')).value.current, 4321);
});

test('a bad settings file is rejected with file:line by the CLI and the app', async () => {
  const conf = await readFile(s.config, 'utf8');
  const bad = path.join(s.dir, 'bad.hdf');
  const body = conf.trimEnd().split('\n');
  body.splice(3, 0, 'Databse.Name = typo'); // line 4
  await writeFile(bad, `${body.join('\n')}\n`);
  const r = await s.mdash(['widget', 'list'], { env: { MDASH_CONFIG: bad } });
  assert.equal(r.code, 1, show(r));
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim(), `mdash: ${bad}:4: unknown setting "Databse.Name"`);

  const u = await s.mdash(['update', '--force'], { env: { MDASH_CONFIG: bad } });
  assert.equal(u.code, 1, 'update with a bad settings file must fail');

  const app = await run(APP, ['-c', bad], { timeout: 10000 });
  assert.equal(app.code, 1, `cgi/mdash.fcgi -c bad.hdf: ${show(app)}`);
  assert.match(app.stderr, new RegExp(`${bad.replace(/[.]/g, '\\.')}:4: unknown setting "Databse\\.Name"`));

  const missing = await s.mdash(['widget', 'list'], { env: { MDASH_CONFIG: path.join(s.dir, 'nope.hdf') } });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.hdf/);
});

test('--help works for the command and each subcommand', async () => {
  const top = await s.mdash(['--help']);
  assert.equal(top.code, 0, show(top));
  assert.match(top.stdout, /usage: mdash/);
  for (const cmd of ['update', 'apply', 'migrate', 'widget', 'dashboard', 'token']) {
    const r = await s.mdash([cmd, '--help']);
    assert.equal(r.code, 0, `mdash ${cmd} --help: ${show(r)}`);
    assert.match(r.stdout, new RegExp(`usage: mdash ${cmd}`), `mdash ${cmd} --help`);
  }
  const bad = await s.mdash(['frobnicate']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /unknown command "frobnicate"/);
  // The settings path this build reads when nothing else is given.
  const log = await readFile(path.join(path.dirname(MDASH), '..', 'config.log'), 'utf8');
  const prefix = /^prefix='(.*)'$/m.exec(log)[1];
  const sysconf = /^sysconfdir='(.*)'$/m.exec(log)[1].replace('${prefix}', prefix);
  assert.ok(top.stdout.includes(`else ${sysconf}/mdash/mdash.hdf.`), `mdash --help names ${sysconf}/mdash/mdash.hdf:\n${top.stdout}`);
  for (const flag of ['--help', '--version']) {
    const app = await run(APP, [flag]);
    assert.equal(app.code, 0, `mdash.fcgi ${flag}: ${show(app)}`);
    assert.match(app.stdout, flag === '--help' ? /usage: mdash\.fcgi/ : /^mdash\.fcgi \d+\.\d+/);
  }
  const wrong = await run(APP, ['--bogus']);
  assert.equal(wrong.code, 2, show(wrong));
});

test('--watch keeps updating due widgets, leaves the lock free between passes, stops on SIGTERM', async () => {
  // Last: the 1 s widget would be due in every later plain `mdash update`.
  await s.apply({ dashboards: [{ slug: 'watch', title: 'Watch', widgets: [
    { name: 'tick', type: 'text', interval: 1, source: { kind: 'exec', command: ['/bin/sh', '-c', 'echo "{\\"text\\":\\"$$\\"}"'] } },
    { name: 'idle', type: 'text', interval: 3600, source: { kind: 'exec', command: ['/bin/echo', '{"text":"idle"}'] } }] }] });
  const v0 = (await api('tick')).version;
  const watch = spawn(MDASH, ['update', '--watch'],
    { env: { ...process.env, MDASH_CONFIG: s.config }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  watch.stdout.on('data', (d) => { out += d; });
  watch.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => watch.on('close', (code, signal) => resolve({ code, signal })));
  try {
    await waitFor(async () => (await api('tick')).version >= v0 + 3, { ms: 6000,
      message: () => `tick (interval 1 s) to be updated 3 times by --watch; output so far:\n${out}` });
    // A manual run beside it works (a retry covers landing exactly on one of its passes).
    let r;
    for (let i = 0; i < 3; i++) {
      r = await s.mdash(['update', '--force', '--widget', 'idle']);
      if (!/Another mdash update is running/.test(r.stdout)) break;
      await sleep(250);
    }
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(lines(r.stdout), ['Successfully updated idle'], `a manual run beside --watch: ${show(r)}`);
  } finally {
    watch.kill('SIGTERM');
  }
  const t0 = Date.now();
  const end = await Promise.race([exited, sleep(5000).then(() => null)]);
  if (!end) watch.kill('SIGKILL');
  assert.ok(end, `mdash update --watch did not exit within 5 s of SIGTERM; output:\n${out}`);
  assert.ok(end.code === 0 || end.signal === 'SIGTERM', `--watch ended with ${JSON.stringify(end)} after ${Date.now() - t0} ms`);
  assert.match(out, /^Successfully updated tick$/m);
});
