// SPDX-License-Identifier: MIT
// Numbers that JSON cannot carry (NaN, Infinity, integers past 2^53) never
// reach a widget, whichever way they come in: both push routes, the CLI, an
// http source and an exec source. Each gets a clear error naming the field,
// the last good value stays, and every answer of the API stays strict JSON.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../harness/stack.mjs';

let s;
let token;

const BAD = [
  ['{"current":NaN}', '/current: NaN'],
  ['{"current":Infinity}', '/current: an infinite number'],
  ['{"current":-Infinity}', '/current: an infinite number'],
  ['{"current":1e400}', '/current: an infinite number'],
  ['{"current":18446744073709551616}', '/current: integer out of range'],
  ['{"current":99999999999999999999999}', '/current: integer out of range'],
  ['{"items":[{"label":"a","value":9007199254740993}]}', '/items/0/value: integer out of range'],
];

/** GET an API path and parse it as strictly as a browser does. */
async function strictJson(p) {
  const res = await s.get(p);
  const text = await res.text();
  assert.equal(res.status, 200, `${p}: ${text}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${p} is not JSON that JSON.parse takes (${e.message}): ${text.slice(0, 300)}`);
  }
}

const push = (path, body, headers = {}) => s.get(path, {
  method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body,
});

before(async () => {
  s = await startStack();
  await s.writeDemo('nan.json', '{"n": NaN, "id": 18446744073709551616, "ok": 7}');
  await s.apply({ dashboards: [{ slug: 'nums', title: 'Numbers', widgets: [
    { name: 'count', type: 'number', source: { kind: 'push' } },
    { name: 'pulled', type: 'number', source: { kind: 'http', url: `${s.base}/demo/nan.json`, pointer: '/n' } },
    { name: 'wide', type: 'number', source: { kind: 'http', url: `${s.base}/demo/nan.json`, pointer: '/ok' } },
    { name: 'ran', type: 'number', source: { kind: 'exec', command: ['/bin/echo', '{"current":Infinity}'] } },
  ] }] });
  const t = await s.mdash(['token', 'add', 'numbers']);
  assert.equal(t.code, 0, t.stderr);
  token = t.stdout.trim().split('\n').pop();
});

after(async () => { await s?.stop(); });

test('pushes with NaN, Infinity or integers past 2^53 get 400 naming the field and store nothing', async () => {
  const good = await push('/api/widgets/count', '{"current":42}', { Authorization: `Bearer ${token}` });
  assert.equal(good.status, 204, await good.text());
  for (const [body, field] of BAD) {
    const dashing = await push('/widgets/count', body.replace('{', `{"auth_token":"${token}",`));
    const dashingText = await dashing.text();
    assert.equal(dashing.status, 400, `${body}: ${dashingText}`);
    assert.ok(dashingText.includes(field), `${body}: the error names ${field}: ${dashingText}`);
    const bearer = await push('/api/widgets/count', body, { Authorization: `Bearer ${token}` });
    const bearerText = await bearer.text();
    assert.equal(bearer.status, 400, `${body}: ${bearerText}`);
    assert.ok(bearerText.includes(field), `${body}: the error names ${field}: ${bearerText}`);
  }
  const w = await strictJson('/api/widgets/count');
  assert.equal(w.value.current, 42, 'the last good value stays');
  assert.equal(w.version, 1, 'no refused push bumped the version');
  const rows = await s.sql("SELECT COUNT(*) FROM widget_history h JOIN widgets w ON w.id = h.widget_id WHERE w.name = 'count'");
  assert.equal(rows[0][0], '1', 'one history row: the good push');
  await strictJson('/api/dashboards/nums');
});

test('the largest exact integers and large decimals are taken as sent', async () => {
  for (const body of ['{"current":9007199254740991}', '{"current":-9007199254740991}', '{"current":1.5e300}']) {
    const res = await push('/api/widgets/count', body, { Authorization: `Bearer ${token}` });
    assert.equal(res.status, 204, `${body}: ${await res.text()}`);
    assert.equal((await strictJson('/api/widgets/count')).value.current, JSON.parse(body).current);
  }
});

test('mdash push refuses the same numbers with an error naming the field', async () => {
  for (const [body, field] of BAD) {
    const r = await s.mdash(['push', 'count', body]);
    assert.notEqual(r.code, 0, `${body}: ${r.stdout}`);
    assert.ok(r.stderr.includes(field), `${body}: ${r.stderr}`);
  }
});

test('sources whose answer maps NaN or Infinity into the widget fail and say so; other numbers elsewhere in the answer do not matter', async () => {
  const r = await s.mdash(['update', '--force']);
  assert.notEqual(r.code, 0, 'the updater reports the failed sources');
  assert.match(r.stdout + r.stderr, /pulled.*\/current: NaN/, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /ran.*\/current: an infinite number/, r.stdout + r.stderr);
  assert.match(r.stdout, /Successfully updated wide/, 'a 64-bit id beside the mapped value is no error');
  for (const name of ['pulled', 'ran', 'wide']) {
    const w = await strictJson(`/api/widgets/${name}`);
    if (name === 'wide') assert.equal(w.value.current, 7);
    else {
      assert.equal(w.status, 'error', `${name}: ${JSON.stringify(w)}`);
      assert.equal(w.value?.current, undefined, `${name} stored nothing`);
    }
  }
  await strictJson('/api/dashboards/nums');
});
