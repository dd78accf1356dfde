// SPDX-License-Identifier: MIT
// The `mdash` command line against a real stack: dashboard and widget
// add/show/set/rm, push, token, prune (history retention), plug-ins (the
// sysload example and its PEAK setting, a plug-in of our own with the
// README's hello, broken plug-ins refused at an app restart) and
// apply (idempotent; --prune). Errors go to stderr as "mdash: ..." with
// exit 1 and name the field. One private stack; its PluginDir is a copy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import path from 'node:path';
import { startStack, sse, run, widgetElement, byClass, textOf, BUILD, TOP } from '../harness/stack.mjs';

let s;
let plugins;   // DIR/plugins, the stack's PluginDir
let token;

const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
const lines = (out) => out.split('\n').filter((l) => l !== '');
const api = async (name) => (await s.get(`/api/widgets/${name}`)).json();
const page = async (p) => {
  const res = await s.get(p);
  const html = await res.text();
  assert.equal(res.status, 200, `GET ${p}: ${res.status}\n${html.slice(0, 1500)}`);
  return html;
};

/** Runs `mdash ARGS...`, expecting success; resolves to the result. */
async function ok(...args) {
  const r = await s.mdash(args);
  assert.equal(r.code, 0, `mdash ${args.join(' ')}: ${show(r)}`);
  return r;
}

/** Runs `mdash ARGS...`, expecting exit 1 and one "mdash: ..." error line matching re. */
async function fails(args, re) {
  const r = await s.mdash(args);
  assert.equal(r.code, 1, `mdash ${args.join(' ')} should fail: ${show(r)}`);
  assert.equal(r.stdout, '', `mdash ${args.join(' ')} printed to stdout: ${show(r)}`);
  const first = r.stderr.split('\n')[0];
  assert.match(first, /^mdash: /, `mdash ${args.join(' ')}: ${show(r)}`);
  assert.match(first, re, `mdash ${args.join(' ')}: ${show(r)}`);
  return r;
}

/** Compiles C source into DIR/plugins/NAME.so with the public header only. */
async function plugin(name, source) {
  const src = path.join(s.dir, `${name}.c`);
  await writeFile(src, source);
  const r = await run('cc', ['-shared', '-fPIC', '-Wall', '-o', path.join(plugins, `${name}.so`), src, `-I${path.join(TOP, 'include')}`]);
  assert.equal(r.code, 0, `cc ${name}.c: ${show(r)}`);
}

const widgetId = async (name) => (await s.sql(`SELECT id FROM widgets WHERE name = '${name}'`))[0]?.[0];
const setting = async (name, key) => (await s.sql(
  `SELECT value FROM widget_settings ws JOIN widgets w ON w.id = ws.widget_id WHERE w.name = '${name}' AND ws.setting = '${key}'`))[0]?.[0];

// The README's example plug-in, with its template at an absolute path.
const hello = (tpl) => `#include <mdash/widget.h>
#include <stdio.h>
#include <stdlib.h>

static int hello_update(mdash_widget *w, char **json, char **error)
{
	(void)error;
	const char *n = mdash_get_setting(w, "RUNS");
	const char *last = mdash_get_setting(w, "LAST_UPDATE");
	const char *enabled = mdash_get_setting(w, "IS_ENABLED");
	int runs = n ? atoi(n) + 1 : 1;
	char num[16];
	snprintf(num, sizeof num, "%d", runs);
	mdash_save_setting(w, "RUNS", num);
	*json = malloc(256);
	snprintf(*json, 256, "{\\"text\\":\\"hello #%d\\",\\"last\\":\\"%s\\",\\"enabled\\":\\"%s\\"}", runs,
		 last ? last : "none", enabled ? enabled : "?");
	return 0;
}

static int hello_context(const mdash_widget *w, mdash_context *ctx)
{
	const char *t = mdash_field(w, "text");
	mdash_set(ctx, "shout", t ? t : "nothing yet");
	return 0;
}

static const struct mdash_widget_type hello = {
	.api_version = MDASH_WIDGET_API_VERSION,
	.name = "hello",
	.template = "${tpl}",
	.sizex = 2, .sizey = 1, .update_interval = 60,
	.value_field = "text",
	.context = hello_context,
	.update = hello_update,
};

const struct mdash_widget_type *const mdash_widget_types[] = {&hello, NULL};
`;

before(async () => {
  s = await startStack();
  // A PluginDir of our own, so that the build's plugins/ stays untouched.
  plugins = path.join(s.dir, 'plugins');
  await mkdir(plugins);
  await copyFile(path.join(BUILD, 'plugins', 'md_sysload.so'), path.join(plugins, 'md_sysload.so'));
  await mkdir(path.join(s.dir, 'tpl'));
  const tpl = path.join(s.dir, 'tpl', 'hello.cs');
  await writeFile(tpl, '<?cs def:widget_body(w) ?><p class="value shout"><?cs var:w.ctx.shout ?></p><?cs /def ?>\n');
  await plugin('md_hello', hello(tpl));
  const conf = await readFile(s.config, 'utf8');
  assert.match(conf, /^PluginDir = /m);
  await writeFile(s.config, conf.replace(/^PluginDir = .*$/m, `PluginDir = ${plugins}`));
  await s.restartApp();
  const t = await ok('token', 'add', 'cli-test');
  token = lines(t.stdout).pop();
});

after(async () => { await s?.stop(); });

test('dashboard add, list and rm', async () => {
  let r = await ok('dashboard', 'add', 'ops', '--title', 'Operations', '--columns', '4');
  assert.equal(r.stdout, 'Added dashboard ops.\n');
  await ok('dashboard', 'add', 'other', '--title', 'Other board');
  r = await ok('dashboard', 'list');
  assert.deepEqual(lines(r.stdout).sort(), ['ops\tOperations', 'other\tOther board']);
  const html = await page('/d/ops');
  assert.match(html, /data-columns="4"/);
  assert.match(html, /<title>Operations · mdash<\/title>/);
  assert.match(html, /This dashboard has no widgets yet/);

  await fails(['dashboard', 'add', 'ops'], /^mdash: a dashboard named ops exists$/);
  await fails(['dashboard', 'add', 'Bad Slug'], /slug "Bad Slug" must match/);
  await fails(['dashboard', 'add', 'x1', '--columns', '25'], /columns|"25"/);
  await fails(['dashboard', 'add', 'x2', '--columns', 'many'], /columns|"many"/);
  // The message names the option that is wrong, not whatever came last.
  await fails(['dashboard', 'add', 'x3', '--columns', '0', '--title', 'Fine title'], /columns|"0"/);
  await fails(['dashboard', 'rm', 'nope'], /^mdash: no dashboard named nope$/);
  r = await ok('dashboard', 'list');
  assert.deepEqual(lines(r.stdout).map((l) => l.split('\t')[0]).sort(), ['ops', 'other'], 'a failed add created a dashboard');
});

test('widget add with every key; show; the page', async () => {
  await s.writeDemo('signups.json', { n: 5 });
  const src = { kind: 'http', url: `${s.base}/demo/signups.json`, pointer: '/n' };
  let r = await ok('widget', 'add', 'signups', '--type', 'number', 'dashboard=ops', 'title=Sign-ups', 'sizex=2', 'sizey=1',
    'interval=30', `source=${JSON.stringify(src)}`, 'options={"prefix":"#"}');
  assert.equal(r.stdout, 'Added widget signups.\n');
  r = await ok('widget', 'show', 'signups');
  const f = Object.fromEntries(lines(r.stdout).map((l) => [l.split('\t')[0], l.split('\t').slice(1).join('\t')]));
  assert.equal(f.name, 'signups');
  assert.equal(f.type, 'number');
  assert.equal(f.title, 'Sign-ups');
  assert.equal(f.dashboard, 'ops');
  assert.equal(f.size, '2 x 1');
  assert.equal(f.interval, '30 s');
  assert.equal(f.enabled, 'yes');
  assert.equal(f.version, '0');
  assert.equal(f.updated, 'never');
  assert.deepEqual(JSON.parse(f.source), src);
  assert.deepEqual(JSON.parse(f.options), { prefix: '#' });
  r = await ok('update', '--widget', 'signups');
  assert.equal(r.stdout, 'Successfully updated signups\n');
  const el = widgetElement(await page('/d/ops'), 'signups');
  assert.equal(byClass(el.html, 'value')?.text, '#5');
  assert.equal(byClass(el.html, 'widget-title')?.text, 'Sign-ups');
  assert.equal(el.attrs['data-sizex'], '2');
  assert.equal(el.attrs['data-interval'], '30');
  // Defaults come from the type: a list is one wide, two high, pushed.
  await ok('widget', 'add', 'deploys', '--type', 'list', 'dashboard=ops');
  r = await ok('widget', 'show', 'deploys');
  assert.match(r.stdout, /^size\t1 x 2$/m);
  assert.match(r.stdout, /^source\t\{"kind":"push"\}$/m);
  assert.match(r.stdout, /^title\tdeploys$/m);
});

test('widget add and set refuse bad values, naming the field, and change nothing', async () => {
  const before = (await ok('widget', 'list')).stdout;
  await fails(['widget', 'add', 'w1', '--type', 'number', 'sizex=30'], /^mdash: widget\.sizex: must be a whole number from 1 to 24$/);
  await fails(['widget', 'add', 'w1', '--type', 'number', 'sizex=abc'], /sizex/);
  await fails(['widget', 'add', 'w1', '--type', 'number', 'sizey=0'], /^mdash: widget\.sizey: must be a whole number from 1 to/);
  await fails(['widget', 'add', 'w1', '--type', 'number', 'interval=0'], /^mdash: widget\.interval: /);
  await fails(['widget', 'add', 'w1', '--type', 'nosuch'], /^mdash: widget\.type: unknown widget type "nosuch"$/);
  await fails(['widget', 'add', 'w1'], /widget\.type: required/);
  await fails(['widget', 'add', 'Bad_Name', '--type', 'number'], /"Bad_Name" must match/);
  await fails(['widget', 'add', 'signups', '--type', 'number'], /a widget of that name exists/);
  await fails(['widget', 'add', 'w1', '--type', 'number', 'source={"kind":"ftp"}'], /^mdash: widget\.source\.kind: unknown kind "ftp"/);
  await fails(['widget', 'add', 'w1', '--type', 'number', 'source={"kind":"http","url":"file:///etc/passwd"}'], /widget\.source\.url/);
  await fails(['widget', 'add', 'w1', '--type', 'number', 'source={"kind":"exec","command":"ls -l"}'], /widget\.source\.command/);
  await fails(['widget', 'add', 'w1', '--type', 'number', 'source={"kind":"sql"}'], /widget\.source\.query/);
  await fails(['widget', 'add', 'w1', '--type', 'number', 'source={"kind":"push","url":"x"}'], /widget\.source: unknown key "url" \(kind is known\)/);
  await fails(['widget', 'add', 'w1', '--type', 'number', 'source={bad'], /^mdash: source: invalid JSON/);
  await fails(['widget', 'add', 'w1', '--type', 'number', 'options=[1]'], /options/);
  await fails(['widget', 'add', 'w1', '--type', 'number', 'enabled=maybe'], /enabled: must be true or false/);
  await fails(['widget', 'add', 'w1', '--type', 'number', 'dashboard=nope'], /no dashboard/);
  await fails(['widget', 'add', 'w1', '--type', 'number', 'colour=red'], /colour/);
  await fails(['widget', 'set', 'signups', 'sizex=99'], /^mdash: widget\.sizex: must be a whole number from 1 to 24$/);
  await fails(['widget', 'set', 'signups', 'name=other'], /name cannot change/);
  await fails(['widget', 'set', 'nope', 'title=x'], /no widget/);
  await fails(['widget', 'show', 'nope'], /no widget/);
  assert.equal((await ok('widget', 'list')).stdout, before, 'a refused command changed the widgets');
});

test('widget set changes what it names, keeps the data, and can move a widget', async () => {
  const v = (await api('signups')).version;
  let r = await ok('widget', 'set', 'signups', 'title=New sign-ups', 'sizex=3', 'options={"suffix":" people"}');
  assert.equal(r.stdout, 'Changed widget signups.\n');
  let el = widgetElement(await page('/d/ops'), 'signups');
  assert.equal(byClass(el.html, 'widget-title')?.text, 'New sign-ups');
  assert.equal(el.attrs['data-sizex'], '3');
  assert.equal(el.attrs['data-version'], String(v), 'set bumped the version');
  assert.equal(byClass(el.html, 'value')?.text, '5 people', 'the data survived and the new options apply');
  // The source was not named, so it stays.
  r = await ok('widget', 'show', 'signups');
  assert.match(r.stdout, /^source\t\{"kind":"http",/m);

  await ok('widget', 'set', 'signups', 'dashboard=other');
  assert.equal(widgetElement(await page('/d/ops'), 'signups'), null, 'still on the old dashboard');
  el = widgetElement(await page('/d/other'), 'signups');
  assert.ok(el, 'not on the new dashboard');
  assert.equal(byClass(el.html, 'value')?.text, '5 people');
  assert.equal((await api('signups')).dashboard, 'other');

  await ok('widget', 'set', 'signups', 'enabled=false');
  r = await ok('widget', 'list');
  assert.match(r.stdout, /^signups\tnumber\tother\tdisabled\t/m);
  r = await ok('update', '--force');
  assert.doesNotMatch(r.stdout, /signups/, 'the updater pulled a disabled widget');
  await ok('widget', 'set', 'signups', 'enabled=true', 'dashboard=ops');
});

test('push stores and publishes, as POST /widgets/<name> does', async () => {
  const stream = await sse(`${s.base}/sub/d/ops`);
  try {
    let r = await ok('push', 'deploys', '{"items":[{"label":"api","value":"v1.2"},{"label":"web","value":"v3"}]}');
    assert.equal(r.stdout, 'Pushed to deploys (version 1).\n');
    assert.equal(r.stderr, '');
    await stream.next((m) => m.widget === 'deploys' && m.version === 1, 3000);
    assert.match(textOf(widgetElement(await page('/d/ops'), 'deploys').html), /api\s*v1\.2\s*web\s*v3/);
    // From stdin.
    r = await s.mdash(['push', 'deploys', '-'], { input: '{"items":[{"label":"db","value":"v9"}]}' });
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, 'Pushed to deploys (version 2).\n');
    await stream.next((m) => m.widget === 'deploys' && m.version === 2, 3000);
    // The same merge as the HTTP push: a number's "last" is the previous "current".
    await ok('push', 'signups', '{"current":10}');
    const res = await s.get('/widgets/signups', { method: 'POST', body: JSON.stringify({ auth_token: token, current: 20 }) });
    assert.equal(res.status, 204);
    await ok('push', 'signups', '{"current":25}');
    const w = await api('signups');
    assert.equal(w.value.current, 25);
    assert.equal(w.value.last, 20);
    await stream.next((m) => m.widget === 'signups' && m.version === w.version, 3000);
  } finally {
    stream.close();
  }
  await fails(['push', 'nope', '{"text":"x"}'], /no widget named nope/);
  await fails(['push', 'deploys', '{"items": ['], /^mdash: JSON: invalid JSON/);
  await fails(['push', 'deploys', '[1,2]'], /^mdash: JSON: must be an object/);
  await fails(['push', 'deploys'], /push takes a widget name and a JSON object/);
  assert.equal((await api('deploys')).version, 2, 'a refused push changed the widget');
});

test('token add, list and rm', async () => {
  const r = await ok('token', 'add', 'ci2');
  const secret = lines(r.stdout).pop();
  assert.match(secret, /^\S{16,}$/);
  const list = await ok('token', 'list');
  assert.deepEqual(lines(list.stdout).map((l) => l.split('\t')[0]).sort(), ['ci2', 'cli-test']);
  assert.ok(!list.stdout.includes(secret), 'token list shows the secret');
  const push = () => s.get('/widgets/deploys', { method: 'POST', body: JSON.stringify({ auth_token: secret, items: [] }) });
  let res = await push();
  assert.equal(res.status, 204);
  assert.match(lines((await ok('token', 'list')).stdout).find((l) => l.startsWith('ci2\t')), /\t\d{4}-\d\d-\d\d [\d:.]+$/,
    'list shows when a token was last used');
  assert.equal((await ok('token', 'rm', 'ci2')).stdout, 'Revoked token ci2.\n');
  res = await push();
  assert.equal(res.status, 401, 'a revoked token still pushes');
  await fails(['token', 'rm', 'ci2'], /^mdash: no token named ci2$/);
  await fails(['token', 'add', 'Bad Name'], /must match/);
});

test('widget rm removes the widget and its history; dashboard rm leaves widgets on no dashboard', async () => {
  await ok('widget', 'add', 'tmp', '--type', 'text', 'dashboard=ops');
  for (let i = 0; i < 3; i++) await ok('push', 'tmp', `{"text":"t${i}"}`);
  const id = await widgetId('tmp');
  assert.equal((await s.sql(`SELECT COUNT(*) FROM widget_history WHERE widget_id = ${id}`))[0][0], '3');
  assert.equal((await ok('widget', 'rm', 'tmp')).stdout, 'Removed widget tmp and its history.\n');
  assert.equal(widgetElement(await page('/d/ops'), 'tmp'), null);
  const res = await s.get('/widget/tmp');
  await res.text();
  assert.equal(res.status, 404);
  assert.equal((await s.sql(`SELECT COUNT(*) FROM widget_history WHERE widget_id = ${id}`))[0][0], '0', 'history left behind');
  await fails(['widget', 'rm', 'tmp'], /^mdash: no widget named tmp$/);

  await ok('widget', 'add', 'orphan', '--type', 'text', 'dashboard=other');
  await ok('push', 'orphan', '{"text":"still here"}');
  assert.match((await ok('dashboard', 'rm', 'other')).stdout, /^Removed dashboard other/);
  const gone = await s.get('/d/other');
  await gone.text();
  assert.equal(gone.status, 404);
  assert.match((await ok('widget', 'list')).stdout, /^orphan\ttext\t-\t/m);
  assert.equal((await api('orphan')).value.text, 'still here');
  // ...and it can be put on a dashboard again.
  await ok('widget', 'set', 'orphan', 'dashboard=ops');
  assert.match(textOf(widgetElement(await page('/d/ops'), 'orphan').html), /still here/);
});

test('prune keeps History.Keep updates per widget and drops those older than History.MaxAge; so does the updater', async () => {
  const original = await readFile(s.config, 'utf8');
  await writeFile(s.config, `${original}History.Keep = 3\nHistory.MaxAge = 30\n`);
  try {
    await ok('widget', 'add', 'hx', '--type', 'text', 'dashboard=ops');
    for (let i = 1; i <= 6; i++) await ok('push', 'hx', `{"text":"h${i}"}`);
    const id = await widgetId('hx');
    const versions = async () => (await s.sql(`SELECT version FROM widget_history WHERE widget_id = ${id} ORDER BY version`)).flat();
    assert.deepEqual(await versions(), ['1', '2', '3', '4', '5', '6']);
    let r = await ok('prune');
    const n = Number(/^Pruned (\d+) history rows \(keeping 3 per widget, 30 days\), 0 roll-ups \(minutes 30 days, hours 400\) and \d+ audit log entries \(keeping \d+ days\); rolled up \d+ updates first\.$/.exec(r.stdout.trim())?.[1]);
    assert.ok(n >= 3, `prune output: ${show(r)}`);
    assert.deepEqual(await versions(), ['4', '5', '6'], 'prune kept the wrong rows');
    assert.equal((await api('hx')).value.text, 'h6', 'prune touched the current data');

    // Older than MaxAge goes, however few rows there are.
    await s.sql(`UPDATE widget_history SET created_at = created_at - INTERVAL 31 DAY WHERE widget_id = ${id} AND version = 4`);
    r = await ok('prune');
    assert.match(r.stdout, /^Pruned 1 history rows/);
    assert.deepEqual(await versions(), ['5', '6']);
    r = await ok('prune');
    assert.match(r.stdout, /^Pruned 0 history rows/, 'prune is idempotent');

    // The updater prunes each widget it updates.
    await ok('widget', 'add', 'ux', '--type', 'text', 'dashboard=ops', 'source={"kind":"exec","command":["/bin/echo","{\\"text\\":\\"u\\"}"]}');
    for (let i = 0; i < 5; i++) await ok('update', '--force', '--widget', 'ux');
    const ux = await widgetId('ux');
    assert.deepEqual((await s.sql(`SELECT version FROM widget_history WHERE widget_id = ${ux} ORDER BY version`)).flat(), ['3', '4', '5']);
  } finally {
    await writeFile(s.config, original);
  }
});

test('the sysload plug-in: its own source, the load from sysinfo(2), PEAK kept as a per-widget setting', async () => {
  await ok('widget', 'add', 'load', '--type', 'sysload', 'dashboard=ops');
  let r = await ok('widget', 'show', 'load');
  assert.match(r.stdout, /^source\t\{"kind":"sysload"\}$/m, 'the source defaults to the type');
  assert.match(r.stdout, /^interval\t10 s$/m, 'the interval defaults to the type');
  const loadavg = async () => (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).map(Number);
  const a = await loadavg();
  r = await ok('update', '--force', '--widget', 'load');
  const b = await loadavg();
  assert.equal(r.stdout, 'Successfully updated load\n');
  let w = await api('load');
  const within = (v, i) => v >= Math.min(a[i], b[i]) - 0.011 && v <= Math.max(a[i], b[i]) + 0.011;
  assert.ok(within(w.value.value, 0), `value ${w.value.value}, /proc/loadavg said ${a[0]} then ${b[0]}`);
  assert.ok(within(w.value.load5, 1), `load5 ${w.value.load5} vs ${a[1]}/${b[1]}`);
  assert.ok(within(w.value.load15, 2), `load15 ${w.value.load15} vs ${a[2]}/${b[2]}`);
  assert.equal(w.value.cpus, cpus().length);
  assert.ok(w.value.peak >= w.value.value);
  if (w.value.value > 0) assert.equal(await setting('load', 'PEAK'), w.value.value.toFixed(2));

  // A higher peak from before is kept, and read back by the plug-in.
  const id = await widgetId('load');
  await s.sql(`REPLACE INTO widget_settings (widget_id, setting, value) VALUES (${id}, 'PEAK', '999.00')`);
  await ok('update', '--force', '--widget', 'load');
  w = await api('load');
  assert.equal(w.value.peak, 999);
  assert.equal(await setting('load', 'PEAK'), '999.00');
  const el = widgetElement(await page('/d/ops'), 'load');
  assert.equal(el.attrs['data-type'], 'sysload');
  assert.equal(byClass(el.html, 'value')?.text, w.value.value.toFixed(2));
  assert.match(textOf(el.html), new RegExp(`${cpus().length} CPUs · peak 999`));
  // A lower stored peak is replaced by the current load.
  await s.sql(`UPDATE widget_settings SET value = '-1' WHERE widget_id = ${id} AND setting = 'PEAK'`);
  await ok('update', '--force', '--widget', 'load');
  w = await api('load');
  assert.equal(await setting('load', 'PEAK'), w.value.value.toFixed(2));
  assert.equal(w.value.peak, w.value.value);
  // Removing the widget removes its settings.
  await ok('widget', 'rm', 'load');
  assert.deepEqual(await s.sql(`SELECT COUNT(*) FROM widget_settings WHERE widget_id = ${id}`), [['0']]);
});

test('a plug-in of our own (the README\'s hello): update, settings, IS_ENABLED, LAST_UPDATE, context, template', async () => {
  await ok('widget', 'add', 'hi', '--type', 'hello', 'dashboard=ops');
  let r = await ok('widget', 'show', 'hi');
  assert.match(r.stdout, /^source\t\{"kind":"hello"\}$/m);
  assert.match(r.stdout, /^size\t2 x 1$/m);
  r = await ok('update', '--force', '--widget', 'hi');
  assert.equal(r.stdout, 'Successfully updated hi\n');
  let w = await api('hi');
  assert.deepEqual(w.value, { text: 'hello #1', last: 'none', enabled: '1' });
  const first = w.updated_at;
  await ok('update', '--force', '--widget', 'hi');
  await ok('update', '--force', '--widget', 'hi');
  w = await api('hi');
  assert.equal(w.value.text, 'hello #3');
  assert.match(w.value.last, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'LAST_UPDATE is an ISO time');
  assert.ok(Date.parse(w.value.last) >= Date.parse(first), `LAST_UPDATE ${w.value.last} is the previous update`);
  assert.equal(await setting('hi', 'RUNS'), '3');
  // The app loaded the plug-in too: its context and template make the widget.
  const el = widgetElement(await page('/d/ops'), 'hi');
  assert.equal(el.attrs['data-state'], 'ok');
  assert.equal(byClass(el.html, 'shout')?.text, 'hello #3');
  assert.equal((await (await s.get('/widget/hi')).text()).trim(), el.html);
});

test('broken plug-ins are refused with a log line at an app restart; everything else keeps working', async () => {
  const header = '#include <mdash/widget.h>\n#include <stddef.h>\n';
  const type = (name, extra = '') => `static const struct mdash_widget_type t = {.api_version = MDASH_WIDGET_API_VERSION${extra}, `
    + `.name = "${name}", .template = "widgets/text.cs", .sizex = 1, .sizey = 1, .value_field = "text"};\n`
    + 'const struct mdash_widget_type *const mdash_widget_types[] = {&t, NULL};\n';
  await plugin('md_future', header + type('future', ' + 1'));
  await plugin('md_clash', header + type('number'));
  await plugin('md_nosymbol', 'int md_nosymbol_answer(void);\nint md_nosymbol_answer(void) { return 42; }\n');
  await writeFile(path.join(plugins, 'md_garbage.so'), 'this is not an ELF file\n');
  await writeFile(path.join(plugins, 'not_a_plugin.so'), 'ignored: the name does not start with md_\n');
  const log = path.join(s.dir, 'log', 'fcgi.log');
  const logBefore = (await readFile(log, 'utf8')).length;
  try {
    await s.restartApp();
    const logged = (await readFile(log, 'utf8')).slice(logBefore);
    const expect = [
      new RegExp(`error: plug-in ${plugins}/md_future\\.so: widget type future: API version 3, this mdash speaks 1 to 2; type refused`),
      new RegExp(`error: plug-in ${plugins}/md_clash\\.so: widget type number is already registered; type refused`),
      new RegExp(`error: plug-in ${plugins}/md_nosymbol\\.so refused: it exports no mdash_widget_types`),
      new RegExp(`error: plug-in ${plugins}/md_garbage\\.so refused: `),
    ];
    for (const re of expect) assert.match(logged, re, `fcgi.log after the restart:\n${logged}`);
    assert.doesNotMatch(logged, /not_a_plugin/);
    // The app serves, with the built-in number type and the good plug-ins.
    assert.equal((await s.get('/healthz')).status, 200);
    const html = await page('/d/ops');
    assert.equal(byClass(widgetElement(html, 'signups').html, 'value')?.text, '25 people', 'the built-in number type was replaced');
    assert.equal(byClass(widgetElement(html, 'hi').html, 'shout')?.text, 'hello #3');
    // The CLI says the same and works on.
    const r = await s.mdash(['widget', 'list']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^signups\t/m);
    assert.match(r.stderr, /md_future\.so: widget type future: API version 3, this mdash speaks 1 to 2/);
    const bad = await s.mdash(['widget', 'add', 'fut', '--type', 'future']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^mdash: widget\.type: unknown widget type "future"$/m);
    const u = await s.mdash(['update', '--force', '--widget', 'hi']);
    assert.equal(u.code, 0, show(u));
    assert.equal(u.stdout, 'Successfully updated hi\n');
  } finally {
    for (const f of ['md_future.so', 'md_clash.so', 'md_nosymbol.so', 'md_garbage.so', 'not_a_plugin.so']) await rm(path.join(plugins, f), { force: true });
  }
});

test('a plug-in type whose template is missing breaks only its own widgets', async () => {
  await plugin('md_notpl', '#include <mdash/widget.h>\n#include <stddef.h>\n'
    + 'static const struct mdash_widget_type t = {.api_version = MDASH_WIDGET_API_VERSION, .name = "notpl", '
    + '.template = "plugins/no-such-template.cs", .sizex = 1, .sizey = 1, .value_field = "text"};\n'
    + 'const struct mdash_widget_type *const mdash_widget_types[] = {&t, NULL};\n');
  try {
    await s.restartApp();
    await ok('widget', 'add', 'np', '--type', 'notpl', 'dashboard=ops');
    await ok('push', 'np', '{"text":"hi"}');
    const res = await s.get('/d/ops');
    const html = await res.text();
    assert.equal(res.status, 200, `one widget with a missing template takes the whole dashboard down: ${res.status}\n${html.slice(0, 1500)}`);
    assert.equal(byClass(widgetElement(html, 'hi').html, 'shout')?.text, 'hello #4', 'the other widgets render');
    const el = widgetElement(html, 'np');
    assert.ok(el, 'the broken widget is on the page');
    assert.equal(el.attrs['data-state'], 'error', 'the broken widget says it is broken');
  } finally {
    await rm(path.join(plugins, 'md_notpl.so'), { force: true });
    await s.mdash(['widget', 'rm', 'np']);
  }
});

test('a plug-in built for API version 1 still loads; a version 2 plug-in\'s store hook runs on every push, from the CLI and over HTTP', async () => {
  const tpl = path.join(s.dir, 'tpl', 'hello.cs');
  // The unit tests' plug-in built with version 1's type struct (type legacy).
  await plugin('md_old', await readFile(path.join(TOP, 'tests', 'unit', 'plugins', 'good', 'md_legacy.c'), 'utf8'));
  await plugin('md_counted', `#include <json-c/json.h>
#include <mdash/widget.h>
#include <stdio.h>
static void store(const mdash_widget *w, struct json_object *data, struct json_object *fields, double now)
{
	struct json_object *n;
	double count = 0;
	char text[64];
	(void)w, (void)fields, (void)now;
	if (json_object_object_get_ex(data, "count", &n))
		mdash_json_number(n, &count);
	json_object_object_add(data, "count", json_object_new_int((int)count + 1));
	snprintf(text, sizeof text, "pushed %d times", (int)count + 1);
	json_object_object_add(data, "text", json_object_new_string(text));
}
static int ctx(const mdash_widget *w, mdash_context *c)
{
	const char *t = mdash_field(w, "text");
	mdash_set(c, "shout", t ? t : "nothing");
	return 0;
}
static const struct mdash_widget_type t = {.api_version = MDASH_WIDGET_API_VERSION, .name = "counted",
	.template = "${tpl}", .sizex = 1, .sizey = 1, .update_interval = 60, .value_field = "text",
	.context = ctx, .store = store};
const struct mdash_widget_type *const mdash_widget_types[] = {&t, NULL};
`);
  try {
    await s.restartApp();
    await ok('widget', 'add', 'old1', '--type', 'legacy', 'dashboard=ops');
    await ok('push', 'old1', '{"text":"still here"}');
    await ok('widget', 'add', 'cnt', '--type', 'counted', 'dashboard=ops');
    await ok('push', 'cnt', '{"x":1}');
    const res = await s.get('/widgets/cnt', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auth_token: token, x: 2 }) });
    assert.equal(res.status, 204, `POST /widgets/cnt: ${res.status} ${await res.text()}`);
    assert.deepEqual((await api('cnt')).value, { x: 2, count: 2, text: 'pushed 2 times' });
    const html = await page('/d/ops');
    assert.equal(byClass(widgetElement(html, 'old1').html, 'text')?.text, 'still here');
    assert.equal(widgetElement(html, 'old1').attrs['data-state'], 'ok');
    assert.equal(byClass(widgetElement(html, 'cnt').html, 'shout')?.text, 'pushed 2 times');
  } finally {
    for (const f of ['md_old.so', 'md_counted.so']) await rm(path.join(plugins, f), { force: true });
    await s.mdash(['widget', 'rm', 'old1']);
    await s.mdash(['widget', 'rm', 'cnt']);
  }
});

test('apply twice changes nothing; without --prune nothing is deleted; --prune deletes what the file does not name', async () => {
  const file = path.join(s.dir, 'decl.json');
  const decl = { dashboards: [
    { slug: 'a', title: 'A', columns: 4, widgets: [
      { name: 'w1', type: 'number', title: 'One', interval: 60, source: { kind: 'exec', command: ['/bin/echo', '{"current":1}'] } },
      { name: 'w2', type: 'list', source: { kind: 'push' } }] },
    { slug: 'b', title: 'B', widgets: [{ name: 'w3', type: 'text', options: { x: 1 } }] },
  ] };
  await writeFile(file, JSON.stringify(decl));
  let r = await ok('apply', file);
  assert.equal(r.stdout, `Applied ${file}: 2 dashboards, 3 widgets.\n`);
  await ok('update', '--force', '--widget', 'w1');
  await ok('push', 'w2', '{"items":[{"label":"x","value":1}]}');
  const snapshot = async () => ({
    sums: await s.sql('CHECKSUM TABLE dashboards, widgets, widget_history, widget_settings'),
    versions: (await ok('widget', 'list')).stdout,
  });
  const one = await snapshot();
  r = await ok('apply', file);
  assert.equal(r.stdout, `Applied ${file}: 2 dashboards, 3 widgets.\n`);
  assert.deepEqual(await snapshot(), one, 'applying the same file again changed rows');
  assert.equal((await api('w1')).value.current, 1);

  // Things the file does not name: kept by a plain apply...
  await ok('dashboard', 'add', 'stray-d');
  await ok('widget', 'add', 'stray-w', '--type', 'text', 'dashboard=a');
  await ok('apply', file);
  const widgetsBefore = lines((await ok('widget', 'list')).stdout).map((l) => l.split('\t')[0]);
  const dashboardsBefore = lines((await ok('dashboard', 'list')).stdout).map((l) => l.split('\t')[0]);
  assert.ok(widgetsBefore.includes('stray-w') && dashboardsBefore.includes('stray-d'), 'a plain apply deleted something');

  // ...deleted by --prune, each named on its own line, in one go.
  r = await ok('apply', '--prune', file);
  const deleted = lines(r.stdout).filter((l) => l.startsWith('Deleted '));
  const expected = [
    ...widgetsBefore.filter((n) => !['w1', 'w2', 'w3'].includes(n)).map((n) => `Deleted widget ${n}`),
    ...dashboardsBefore.filter((n) => !['a', 'b'].includes(n)).map((n) => `Deleted dashboard ${n}`),
  ].sort();
  assert.deepEqual(deleted.sort(), expected);
  assert.ok(expected.includes('Deleted widget stray-w') && expected.includes('Deleted dashboard stray-d'));
  assert.equal(lines(r.stdout).pop(), `Applied ${file}: 2 dashboards, 3 widgets.`);
  assert.deepEqual(lines((await ok('widget', 'list')).stdout).map((l) => l.split('\t')[0]).sort(), ['w1', 'w2', 'w3']);
  assert.deepEqual(lines((await ok('dashboard', 'list')).stdout).map((l) => l.split('\t')[0]).sort(), ['a', 'b']);
  assert.equal((await api('w2')).version, 1, 'prune touched a widget the file names');
  const gone = await s.get('/d/ops');
  await gone.text();
  assert.equal(gone.status, 404);
  assert.equal(widgetElement(await page('/d/a'), 'stray-w'), null);
  // Pruning again deletes nothing.
  r = await ok('apply', '--prune', file);
  assert.deepEqual(lines(r.stdout), [`Applied ${file}: 2 dashboards, 3 widgets.`]);

  // A file that fails halfway through checking prunes nothing.
  const bad = path.join(s.dir, 'bad.json');
  await writeFile(bad, JSON.stringify({ dashboards: [{ slug: 'a', widgets: [{ name: 'w1', type: 'number', sizex: 99 }] }] }));
  r = await s.mdash(['apply', '--prune', bad]);
  assert.equal(r.code, 1, show(r));
  assert.equal(r.stderr.trim(), `mdash: ${bad}: dashboards[0].widgets[0].sizex: must be a whole number from 1 to 24`);
  assert.deepEqual(lines((await ok('widget', 'list')).stdout).map((l) => l.split('\t')[0]).sort(), ['w1', 'w2', 'w3']);
});
