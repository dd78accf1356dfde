// SPDX-License-Identifier: MIT
// History roll-ups: the updater and `mdash prune` roll each widget's updates
// up per minute and per hour, and reads of long ranges take them. What a
// user sees must not change: every answer is compared with the one of a
// twin widget holding the very same updates, never rolled up. Then: raw
// rows pruned, long ranges still answer; a widget that is only pushed is
// rolled up too; a roll-up killed half-way loses and doubles nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MDASH, startStack, waitFor } from '../harness/stack.mjs';

let s;
let token;
let T0; // the time the loaded updates end at (ms), a little before now
const MIN = 60000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms) => new Date(ms).toISOString();
const sqlTime = (ms) => iso(ms).replace('T', ' ').replace('Z', '');

// Ranges at each level, with ragged ends: [since before T0, until before T0, points].
const RANGES = [
  ['raw', HOUR + 13700, 7300, 500], // buckets of 7.2 s
  ['minutes', DAY + 17345, 500, 500], // 3 minutes
  ['minutes, an older stretch', 2 * DAY + 3 * HOUR + 5000, DAY + HOUR + 7000, 300], // 6 minutes
  ['minutes, just over one', 3 * HOUR + 10000, 50 * MIN, 100], // 2 minutes
  ['hours', 20 * DAY + 5 * HOUR + 30250, HOUR + 2000, 100], // 5 hours
  ['hours, the whole history', 25 * DAY, 12500, 500], // 2 hours
];

/** The loaded history of widget name: a value every 2 minutes for 3 days,
 *  every 30 minutes for 22 days before (stored after: higher ids, older
 *  times), some pairs stored in the same millisecond, texts that are no
 *  number, numbers as strings. Values are quarters, so that sums are
 *  exact in any order. */
async function load(name, field = 'current') {
  const value = `CASE WHEN seq % 50 = 0 THEN '"n/a"' WHEN seq % 17 = 0 THEN CONCAT('"', seq % 100, '.5"')
    ELSE (seq * 37 % 1000) / 4 END`;
  const insert = (seq, at, v, where = '') => s.sql(`INSERT INTO widget_history (widget_id, version, data, created_at)
    SELECT w.id, seq, CONCAT('{"${field}":', ${v}, '}'), ${at} FROM widgets w JOIN ${seq} q
    WHERE w.name = '${name}' ${where} ORDER BY seq`);
  const recent = `'${sqlTime(T0)}' - INTERVAL (seq * 120000 - seq % 7 * 1500) * 1000 MICROSECOND`;
  await insert('seq_1_to_2160', recent, value);
  await insert('seq_1_to_2160', recent, '-seq', 'AND seq % 23 = 0');
  await insert('seq_1_to_1056', `'${sqlTime(T0)}' - INTERVAL 3 DAY - INTERVAL seq * 30 MINUTE`, value);
}

/** Updates stored after a roll-up: one late, in the middle of the ranges,
 *  and two recent. */
async function tail(name) {
  for (const [ago, v] of [[5 * HOUR + 1234, 999.25], [DAY + 30 * MIN, -3], [10000, 12.75], [9000, '"8"']]) {
    await s.sql(`INSERT INTO widget_history (widget_id, version, data, created_at)
      SELECT id, 1, '{"current":${v}}', '${sqlTime(T0 - ago)}' FROM widgets WHERE name = '${name}'`);
  }
}

async function history(name, since, until, points) {
  const res = await s.get(`/api/widgets/${name}/history?since=${iso(since)}&until=${iso(until)}&points=${points}`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text).points;
}

/** Every range of RANGES read from widget name and from its twin: equal. */
async function sameAsTwin(name, twin, ranges = RANGES) {
  for (const [label, since, until, points] of ranges) {
    const a = await history(name, T0 - since, T0 - until, points);
    const b = await history(twin, T0 - since, T0 - until, points);
    assert.ok(b.length > 0, `${label}: no points`);
    assert.deepEqual(a, b, `${label}: ${name} differs from ${twin}`);
  }
}

const rows = async (table, name) => Number((await s.sql(`SELECT COUNT(*) FROM ${table} t JOIN widgets w ON w.id = t.widget_id
  WHERE w.name = '${name}'`))[0][0]);

async function setting(name, value) {
  const lines = (await readFile(s.config, 'utf8')).split('\n').filter((l) => l && !l.startsWith(`${name} `));
  if (value !== null) lines.push(`${name} = ${value}`);
  await writeFile(s.config, `${lines.join('\n')}\n`);
}

const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

before(async () => {
  s = await startStack();
  const widgets = ['series', 'twin', 'pruned', 'pruned-twin', 'crash', 'crash-twin', 'pushed']
    .map((name) => ({ name, type: 'number', source: { kind: 'push' } }))
    .concat(['graph', 'graph-twin'].map((name) => ({ name, type: 'graph', source: { kind: 'push' }, options: { range: '2d' } })));
  await s.apply({ dashboards: [{ slug: 'r', title: 'Roll-ups', widgets }] });
  token = (await s.mdash(['token', 'add', 'r'])).stdout.trim().split('\n').pop();
  T0 = Math.floor(Date.now() / 1000) * 1000 - 60000 + 321;
  for (const name of ['series', 'twin', 'pruned', 'pruned-twin', 'crash', 'crash-twin']) await load(name);
  for (const name of ['graph', 'graph-twin']) await load(name, 'value');
});

after(async () => { await s?.stop(); });

test('roll-ups answer as the raw rows do, at each level, with updates not yet rolled up', async () => {
  await sameAsTwin('series', 'twin');
  const r = await s.mdash(['update', '--widget', 'series']);
  assert.equal(r.code, 0, show(r));
  assert.ok(await rows('widget_history_minutes', 'series') > 2000, 'the updater rolled series up');
  assert.equal(await rows('widget_history_minutes', 'twin'), 0, '--widget series leaves twin alone');
  await sameAsTwin('series', 'twin');
  // Updates stored since: read from the raw rows beside the roll-ups...
  await tail('series');
  await tail('twin');
  await sameAsTwin('series', 'twin');
  // ...and then rolled up in turn.
  assert.equal((await s.mdash(['update', '--widget', 'series'])).code, 0);
  await sameAsTwin('series', 'twin');
});

test('raw rows pruned: long ranges still answer from the roll-ups; the API reaches back to History.HourDays', async () => {
  await setting('History.Keep', 100);
  try {
    const r = await s.mdash(['update', '--widget', 'pruned']);
    assert.equal(r.code, 0, show(r));
  } finally {
    await setting('History.Keep', null);
  }
  assert.equal(await rows('widget_history', 'pruned'), 100, 'the updater pruned the raw rows to History.Keep');
  // Ranges that start on a minute (an hour): nothing of them is left to
  // raw rows that are gone. (ago: how long before T0.)
  const on = (ago, unit) => T0 - Math.floor((T0 - ago) / unit) * unit;
  await sameAsTwin('pruned', 'pruned-twin', [
    ['minutes', on(DAY, MIN), 0, 500],
    ['minutes, an older stretch', on(2 * DAY, MIN), on(DAY, MIN), 300],
    ['hours', on(20 * DAY, HOUR), 0, 100],
  ]);
  // A short range whose raw rows are gone: its minutes, one a bucket.
  const p = await history('pruned', T0 - 2 * DAY - HOUR, T0 - 2 * DAY, 500);
  const raw = await history('pruned-twin', T0 - 2 * DAY - HOUR, T0 - 2 * DAY, 500);
  assert.ok(p.length >= raw.length - 2 && p.length <= raw.length, `a point per update but at the ragged ends: ${p.length} of ${raw.length}`);
  assert.deepEqual(p.map((x) => x.v), raw.map((x) => x.v).slice(raw.length - p.length));
  // Past History.MaxAge (90 days) is fine, as far as History.HourDays (400).
  assert.equal((await s.get('/api/widgets/pruned/history?since=-100d')).status, 200);
  const res = await s.get('/api/widgets/pruned/history?since=-401d');
  assert.equal(res.status, 400);
  assert.match((await res.json()).error, /^since: .*History\.HourDays is 400 days/);
});

/** A session that holds row locks until release(): a mariadb client fed
 *  through its stdin. */
async function holdLocks(sql) {
  const client = spawn('mariadb', ['--no-defaults', '-S', path.join(s.dir, 'run', 'mysqld.sock'), '-uroot', '-n', '-N', 'mdash'],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  client.stdout.on('data', (d) => { out += d; });
  client.stderr.on('data', (d) => { out += d; });
  client.stdin.write(`START TRANSACTION; ${sql}; SELECT 'locked';\n`);
  await waitFor(() => out.includes('locked'), { ms: 10000, message: () => `the lock: ${out}` });
  return {
    release: () => new Promise((resolve) => {
      client.on('close', resolve);
      client.stdin.end('ROLLBACK;\n');
    }),
  };
}

test('a roll-up killed half-way loses nothing and counts nothing twice', async () => {
  assert.equal((await s.mdash(['update', '--widget', 'crash'])).code, 0);
  await tail('crash');
  await tail('crash-twin');
  const state = async () => (await s.sql(`SELECT s.rolled_id, (SELECT COUNT(*) FROM widget_history_minutes m WHERE m.widget_id = s.widget_id),
    (SELECT SUM(n) FROM widget_history_minutes m WHERE m.widget_id = s.widget_id) FROM widget_history_rollup s
    JOIN widgets w ON w.id = s.widget_id WHERE w.name = 'crash'`))[0];
  const rolled = await state();
  // The hours of crash locked: the roll-up of its tail writes its minutes,
  // then waits for the hours, in the middle of its transaction.
  const [[id]] = await s.sql("SELECT id FROM widgets WHERE name = 'crash'");
  const lock = await holdLocks(`SELECT COUNT(*) FROM widget_history_hours WHERE widget_id = ${id} FOR UPDATE`);
  // Its lock wait gives up after 10 s rather than 4 (Database.Timeout - 1):
  // time enough to see it waiting on a busy machine.
  await setting('Database.Timeout', 30);
  const updater = spawn(MDASH, ['update', '--widget', 'crash'],
    { env: { ...process.env, MDASH_CONFIG: s.config }, stdio: 'ignore' });
  const exited = new Promise((resolve) => updater.on('close', (code, signal) => resolve(signal)));
  try {
    // The roll-up at the hours: its minutes are written, not committed.
    await waitFor(async () => Number((await s.sql(`SELECT COUNT(*) FROM information_schema.processlist
      WHERE info LIKE 'INSERT INTO widget_history_hours%'`))[0][0]) === 1, { ms: 10000, every: 20, message: 'the roll-up waiting for the hours' });
    const [[uncommitted]] = await s.sql(`SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED;
      SELECT SUM(n) FROM widget_history_minutes WHERE widget_id = ${id}`);
    assert.ok(Number(uncommitted) > Number(rolled[2]), `the minutes written: ${uncommitted} updates, ${rolled[2]} committed`);
    updater.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
  } finally {
    await setting('Database.Timeout', null);
    await lock.release();
  }
  assert.deepEqual(await state(), rolled, 'the killed roll-up left its watermark and minutes as they were');
  await sameAsTwin('crash', 'crash-twin');
  assert.equal((await s.mdash(['update', '--widget', 'crash'])).code, 0);
  assert.notDeepEqual(await state(), rolled, 'the next pass rolled the tail up');
  await sameAsTwin('crash', 'crash-twin');
});

test('a graph over time draws the same from the roll-ups, up to its own version', async () => {
  // Version 1,000,000 stored at T0, and one after it within the second
  // the graph's window reaches past its update: never drawn.
  for (const name of ['graph', 'graph-twin']) {
    await s.sql(`UPDATE widgets SET data = '{"value":7.25}', version = 1000000, updated_at = '${sqlTime(T0)}' WHERE name = '${name}'`);
    for (const [version, v, at] of [[1000000, 7.25, T0], [1000001, 123456.5, T0 + 400]]) {
      await s.sql(`INSERT INTO widget_history (widget_id, version, data, created_at)
        SELECT id, ${version}, '{"value":${v}}', '${sqlTime(at)}' FROM widgets WHERE name = '${name}'`);
    }
  }
  assert.equal((await s.mdash(['update', '--widget', 'graph'])).code, 0);
  assert.ok(await rows('widget_history_minutes', 'graph') > 0);
  const chart = async (name) => {
    const html = await (await s.get(`/widget/${name}`)).text();
    const m = /<div class="chart"[\s\S]*<\/svg>/.exec(html);
    assert.ok(m, `${name}: no chart in ${html.slice(0, 300)}`);
    return m[0];
  };
  const drawn = await chart('graph');
  assert.equal(drawn, await chart('graph-twin'));
  assert.match(drawn, /latest 7\.25"/);
  assert.doesNotMatch(drawn, /123,?456/, 'the update after the version is not drawn');
});

test('a widget that is only pushed is rolled up (and pruned) by the updater\'s pass', async () => {
  for (const v of [4, 8, 15, 16, 23, 42]) {
    const res = await s.get('/api/widgets/pushed', { method: 'POST', body: JSON.stringify({ current: v }),
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
    assert.equal(res.status, 204);
  }
  await setting('History.Keep', 2);
  try {
    const r = await s.mdash(['update']);
    assert.equal(r.code, 0, show(r));
  } finally {
    await setting('History.Keep', null);
  }
  assert.equal(await rows('widget_history', 'pushed'), 2);
  // A day in 3-minute buckets: the pushes of the last seconds, all there.
  const p = await history('pushed', Date.now() - DAY, Date.now() + 1000, 500);
  assert.ok(p.length >= 1 && p.length <= 2, JSON.stringify(p));
  assert.equal(Math.min(...p.map((x) => x.min)), 4);
  assert.equal(Math.max(...p.map((x) => x.max)), 42);
  assert.equal(p.at(-1).v, 42);
  const n = p.length === 1 ? 6 : null;
  if (n) assert.equal(p[0].avg, 108 / 6);
});
