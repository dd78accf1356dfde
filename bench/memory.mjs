// SPDX-License-Identifier: MIT
// bench/memory.mjs: process memory as the benchmarks report it.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** The summed "FIELD: N kB" line of /proc/<pid>/FILE over the processes, in KiB; gone ones count 0. */
const sumField = (pids, file, field) => pids.reduce((kb, pid) => {
  try {
    const m = readFileSync(`/proc/${pid}/${file}`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return kb + (m ? Number(m[1]) : 0);
  } catch { return kb; }
}, 0);

/**
 * The summed /proc status FIELD of the processes, in KiB; gone ones count 0.
 * RssAnon (the default) is private memory. Shared memory is left out: nchan's
 * store lives in nginx's shared zone (nchan_shared_memory_size bounds it) and
 * its pages count towards RSS as they are first touched.
 */
export const rss = (pids, field = 'RssAnon') => sumField(pids, 'status', field);

/**
 * The summed /proc smaps_rollup FIELD of the processes, in KiB (Pss: each
 * page divided by the processes that map it, nginx's shared zones
 * included); gone ones count 0.
 */
export const rollup = (pids, field = 'Pss') => sumField(pids, 'smaps_rollup', field);

/** The pids of PID's children (nginx's or the app's workers). */
export const children = (pid) => spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
  .stdout.split('\n').filter(Boolean).map(Number);

/**
 * nginx's worker processes among its master's children: not its cache
 * manager, nor its cache loader, which exits a minute after the start and
 * would read as a fall in memory.
 */
export const nginxWorkers = (master) => children(master).filter((pid) => {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('nginx: worker process'); } catch { return false; }
});
