// SPDX-License-Identifier: MIT
// bench/memory.mjs: process memory as the benchmarks report it.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/**
 * The summed /proc status FIELD of the processes, in KiB; gone ones count 0.
 * RssAnon (the default) is private memory. Shared memory is left out: nchan's
 * store lives in nginx's shared zone (nchan_shared_memory_size bounds it) and
 * its pages count towards RSS as they are first touched.
 */
export const rss = (pids, field = 'RssAnon') => pids.reduce((kb, pid) => {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return kb + (m ? Number(m[1]) : 0);
  } catch { return kb; }
}, 0);

/** The pids of PID's children (nginx's or the app's workers). */
export const children = (pid) => spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
  .stdout.split('\n').filter(Boolean).map(Number);
