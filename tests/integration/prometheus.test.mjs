// SPDX-License-Identifier: MIT
// The prometheus source kind against answers in Prometheus's exact HTTP API
// format, served as static files by the stack's nginx: an instant query
// into a number or meter, a range query into a graph's points, and every
// way an answer can disappoint (errors, no data, too many series, NaN).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startStack } from '../harness/stack.mjs';

let s;

/** Serves body as <base>/api/v1/<endpoint> of a stand-in Prometheus named name. */
async function prom(name, endpoint, body) {
  const dir = path.join(s.dir, 'www', 'demo', name, 'api', 'v1');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, endpoint), JSON.stringify(body));
  return `${s.base}/demo/${name}`;
}

const vector = (...samples) => ({ status: 'success', data: { resultType: 'vector', result: samples.map(([labels, v]) => ({
  metric: labels, value: [1733300000.123, v] })) } });
const api = async (name) => (await s.get(`/api/widgets/${name}`)).json();
const widget = (name, type, source) => ({ name, type, source: { kind: 'prometheus', ...source } });

before(async () => {
  s = await startStack();
  const now = Math.floor(Date.now() / 1000);
  await prom('one', 'query', vector([{ __name__: 'up', job: 'api' }, '42.5']));
  await prom('scalar', 'query', { status: 'success', data: { resultType: 'scalar', result: [1733300000, '7'] } });
  await prom('empty', 'query', { status: 'success', data: { resultType: 'vector', result: [] } });
  await prom('two', 'query', vector([{ job: 'a' }, '1'], [{ job: 'b' }, '2']));
  await prom('nan', 'query', vector([{ job: 'a' }, 'NaN']));
  await prom('bad', 'query', { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:5: parse error' });
  await prom('range', 'query_range', { status: 'success', data: { resultType: 'matrix', result: [
    { metric: { __name__: 'rps', job: 'api' }, values: [[now - 120, '10'], [now - 60, 'NaN'], [now, '12.5']] },
    { metric: { __name__: 'rps', job: 'web' }, values: [[now - 120, '3'], [now, '4']] }] } });
  const url = (n) => `${s.base}/demo/${n}`;
  await s.apply({ dashboards: [{ slug: 'prom', title: 'Prometheus', widgets: [
    widget('p_one', 'number', { url: url('one'), query: 'sum(rate(http_requests_total[5m]))' }),
    widget('p_meter', 'meter', { url: `${url('one')}/`, query: 'up' }),
    widget('p_scalar', 'number', { url: url('scalar'), query: 'scalar(7)' }),
    widget('p_empty', 'number', { url: url('empty'), query: 'absent_metric' }),
    widget('p_two', 'number', { url: url('two'), query: 'up' }),
    widget('p_nan', 'number', { url: url('nan'), query: '0/0' }),
    widget('p_bad', 'number', { url: url('bad'), query: 'sum(' }),
    widget('p_graph', 'graph', { url: url('range'), query: 'rate(rps[1m])', range: '2m', step: '60s' }),
    widget('p_down', 'number', { url: 'http://127.0.0.1:1', query: 'up' }),
  ] }] });
});

after(async () => { await s?.stop(); });

test('an instant query gives a number or meter its value; a scalar too', async () => {
  const r = await s.mdash(['update', '--force', '--widget', 'p_one', '--widget', 'p_meter', '--widget', 'p_scalar']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await api('p_one')).value.current, 42.5);
  assert.equal((await api('p_meter')).value.value, 42.5);
  assert.equal((await api('p_scalar')).value.current, 7);
});

test('a range query gives a graph time-stamped points, one series per result, gaps left out', async () => {
  const r = await s.mdash(['update', '--force', '--widget', 'p_graph']);
  assert.equal(r.code, 0, r.stderr);
  const v = (await api('p_graph')).value;
  assert.deepEqual(v.points.map((p) => p.y), [10, 12.5], 'the NaN sample is a gap');
  assert.ok(v.points.every((p) => Math.abs(p.x - Date.now() / 1000) < 600), `x is epoch seconds: ${JSON.stringify(v.points)}`);
  assert.deepEqual(v.series.map((x) => x.name), ['job=api', 'job=web']);
  assert.deepEqual(v.series[1].points.map((p) => p.y), [3, 4]);
});

test('disappointing answers keep the last good value and say why', async () => {
  // A good value first, then each bad answer in its place.
  assert.equal((await s.mdash(['push', 'p_empty', '{"current":3}'])).code, 0);
  const r = await s.mdash(['update', '--force', '--widget', 'p_empty', '--widget', 'p_two', '--widget', 'p_nan',
    '--widget', 'p_bad', '--widget', 'p_down']);
  assert.equal(r.code, 3, `some sources failed: ${r.stderr}`);
  const errors = Object.fromEntries(r.stderr.trim().split('\n').map((l) => /^Error updating (\w+): (.*)$/.exec(l)?.slice(1) ?? [l, l]));
  assert.match(errors.p_empty, /the query gave no data/);
  assert.match(errors.p_two, /the query gave 2 series; a widget shows one/);
  assert.match(errors.p_nan, /not a finite number/);
  assert.match(errors.p_bad, /Prometheus: bad_data: invalid parameter "query": 1:5: parse error/);
  assert.match(errors.p_down, /127\.0\.0\.1:1/);
  for (const name of ['p_empty', 'p_two', 'p_nan', 'p_bad', 'p_down']) {
    const w = await api(name);
    assert.equal(w.status, 'error', name);
    assert.ok(w.error, `${name} shows its error`);
  }
  assert.equal((await api('p_empty')).value.current, 3, 'the last good value stays');
});

test('apply names the field of a bad prometheus source', async () => {
  for (const [source, field] of [
    [{ url: 'http://p:9090' }, 'source.query'],
    [{ query: 'up' }, 'source.url'],
    [{ url: 'ftp://p', query: 'up' }, 'source.url'],
    [{ url: 'http://p:9090', query: 'up', range: 'an hour' }, 'source.range'],
    [{ url: 'http://p:9090', query: 'up', step: '1m' }, 'source.step'],
    [{ url: 'http://p:9090', query: 'up', range: '30d', step: '1s' }, 'source.step'],
    [{ url: 'http://p:9090', query: 'up', interval: '1m' }, 'interval'],
  ]) {
    const file = path.join(s.dir, 'bad-prom.json');
    await writeFile(file, JSON.stringify({ dashboards: [{ slug: 'prom', title: 'P', widgets: [widget('p_x', 'number', source)] }] }));
    const r = await s.mdash(['apply', file]);
    assert.equal(r.code, 1, `${JSON.stringify(source)}: ${r.stdout}${r.stderr}`);
    assert.ok(r.stderr.includes(field), `${JSON.stringify(source)}: the error names ${field}: ${r.stderr}`);
  }
});
