// SPDX-License-Identifier: MIT
// The grid library is committed (static/vendor/, and the modules its bundle
// is made of in debian/missing-sources/) so that the package builds without
// node_modules or the network. These tests hold the committed copy to the
// version package.json and package-lock.json pin: byte for byte the files of
// the package npm ci installed (and checked against the lock's integrity).
// After changing the pin: bash -c '. dev/lib.sh; vendor_refresh'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { TOP } from '../harness/stack.mjs';

const json = (p) => JSON.parse(readFileSync(path.join(TOP, p), 'utf8'));
const gs = path.join(TOP, 'node_modules', 'gridstack');
const skip = existsSync(path.join(gs, 'package.json')) ? false : 'node_modules/gridstack is missing: npm ci';
const refresh = "run bash -c '. dev/lib.sh; vendor_refresh' and commit static/vendor and debian/missing-sources";

function same(committed, pinned) {
  const a = readFileSync(path.join(TOP, committed));
  const b = readFileSync(path.join(gs, pinned));
  assert.ok(a.equals(b), `${committed} differs from node_modules/gridstack/${pinned}: ${refresh}`);
}

test('package.json, package-lock.json and the installed gridstack are one version', { skip }, () => {
  const pin = json('package.json').dependencies.gridstack;
  assert.match(pin, /^\d+\.\d+\.\d+$/, 'package.json pins an exact version, not a range');
  assert.equal(json('package-lock.json').packages['node_modules/gridstack'].version, pin);
  assert.equal(json('node_modules/gridstack/package.json').version, pin, 'node_modules is stale: npm ci');
  // The committed bundle says which version it is; debian/copyright names it too.
  const head = readFileSync(path.join(TOP, 'static/vendor/gridstack-all.js.LICENSE.txt'), 'utf8');
  assert.match(head, new RegExp(`GridStack ${pin.replace(/\./g, '\\.')}\\b`));
  assert.match(readFileSync(path.join(TOP, 'debian/copyright'), 'utf8'), new RegExp(`gridstack\\.js ${pin.replace(/\./g, '\\.')}\\b`));
});

test('static/vendor/ holds the pinned dist files and licence, byte for byte', { skip }, () => {
  const files = ['gridstack-all.js', 'gridstack-all.js.LICENSE.txt', 'gridstack.min.css'];
  for (const f of files) same(`static/vendor/${f}`, `dist/${f}`);
  same('static/vendor/gridstack-LICENSE', 'LICENSE');
  assert.deepEqual(readdirSync(path.join(TOP, 'static/vendor')).sort(), [...files, 'gridstack-LICENSE'].sort(),
    'static/vendor/ holds only the pinned files');
});

test('debian/missing-sources/ holds every module the bundle is made of, byte for byte', { skip }, () => {
  const dir = 'debian/missing-sources/gridstack-all.js';
  const modules = readdirSync(path.join(gs, 'dist')).filter((f) => f.endsWith('.js') && f !== 'gridstack-all.js').sort();
  assert.ok(modules.includes('gridstack.js') && modules.includes('gridstack-engine.js'), `modules: ${modules}`);
  assert.deepEqual(readdirSync(path.join(TOP, dir)).sort(), modules, `${dir}: ${refresh}`);
  for (const f of modules) same(`${dir}/${f}`, `dist/${f}`);
});
