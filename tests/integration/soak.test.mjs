// SPDX-License-Identifier: MIT
// soak.test.mjs: the short version of bench/soak.mjs (which runs minutes with
// 1,000 subscribers): mixed pages, fragments, API reads and pushes under wrk
// with live subscribers; no failed request, no lost update, flat memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { soak } from '../../bench/soak.mjs';

test('a short soak: no failed request, every subscriber gets the last update, memory stays flat', { timeout: 120000 }, async () => {
  const lines = [];
  const r = await soak({ seconds: 15, subscribers: 200, connections: 50, log: (l) => lines.push(l) });
  const report = lines.join('\n');
  assert.equal(r.refused, 0, report);
  assert.ok(r.reqs > 0, report);
  assert.equal(r.non2xx, 0, report);
  assert.equal(r.sockErr, 'none', report);
  assert.equal(r.lastStatus, 204, report);
  assert.equal(r.missing, 0, report);
  // Under AddressSanitizer memory is not the program's own (freed memory sits
  // in ASan's quarantine, up to 256 MiB a process): the memory verdict belongs
  // to the normal build.
  if (process.env.ASAN_OPTIONS) return;
  for (const [k, g] of Object.entries(r.growth)) assert.ok(g < 1.25, `${k} memory grew ${g.toFixed(2)}x\n${report}`);
});
