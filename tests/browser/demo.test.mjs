// SPDX-License-Identifier: MIT
// The demo of dev/up, as dev/screenshot takes it for the README: the script
// runs end to end against its own stack and checks the demo on the way
// (every built-in type with data, a widget in warning, every meter's value
// inside its scale, the grid filling 1920x1080 in kiosk and fit mode). The
// picture goes to tests/artifacts/, never over docs/screenshot.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../harness/stack.mjs';
import { ARTIFACTS } from './helpers.mjs';

test('dev/screenshot takes the demo at 1920x1080 once every widget has data, and checks it', async () => {
  const out = path.join(ARTIFACTS, 'demo-screenshot.png');
  await rm(out, { force: true });
  const r = await run('node', ['dev/screenshot.mjs', out], { timeout: 180000 });
  assert.equal(r.code, 0, `dev/screenshot.mjs failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /\d+ widgets \(.*\)/);
  for (const type of ['number', 'meter', 'list', 'text', 'graph', 'clock', 'image', 'status']) {
    assert.match(r.stderr, new RegExp(`\\b${type}\\b`), `the demo has no ${type} widget`);
  }
  // A PNG of the screen's size: the width and height in its IHDR chunk.
  const png = await readFile(out);
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1920, 1080]);
});
