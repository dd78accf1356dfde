/* SPDX-License-Identifier: MIT */
/* clock.js: "Updated … ago", the stale check and clock widgets, in the
 * server's time. */
import { page } from './state.js';
import { fitWidgets } from './fit.js';

// Kiosk machines often have a wrong clock. The server's Date header lets
// "… ago" and the stale check use server time. It has 1 s resolution plus
// latency, so small differences are treated as none.
let skew = 0;
export function noteServerClock(res) {
  const server = Date.parse(res.headers.get('Date') || '');
  if (!Number.isFinite(server)) return;
  const d = server - Date.now();
  skew = Math.abs(d) > 3000 ? d : 0;
}
export const now = () => Date.now() + skew;
export const clockSkew = () => skew;

function ago(ms, then) {
  const s = Math.round(ms / 1000);
  if (s < 10) return 'just now';        // also covers small negative skews
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return then.toLocaleDateString(document.documentElement.lang || undefined,
    { year: 'numeric', month: 'short', day: 'numeric' });
}

// Rewrites "Updated …" of one widget (or all) and marks old data stale.
export function tick(scope) {
  const t = now();
  const widgets = scope ? [scope] : page.board.querySelectorAll('[data-widget]');
  for (const w of widgets) {
    const time = w.querySelector('.updated time[datetime]');
    if (!time) continue;
    const then = new Date(time.getAttribute('datetime'));
    if (Number.isNaN(then.getTime())) continue;
    const age = t - then.getTime();
    // Widgets that never go stale have no interval (0 or missing): push
    // sources, and types that show the time (a clock has no "Updated" line).
    const interval = Number(w.dataset.interval) || 0;
    const old = interval > 0 && age > 2 * interval * 1000;
    if (old && w.dataset.state !== 'error' && w.dataset.state !== 'stale') w.dataset.state = 'stale';
    // Stale data is never "just now", even for a widget due every second.
    const text = old && age < 60000 ? `${Math.max(1, Math.round(age / 1000))} s ago` : ago(age, then);
    if (time.textContent !== text) time.textContent = text;   // avoid needless DOM writes
    if (!time.title) time.title = then.toLocaleString();      // exact time on hover
  }
}

// The server rendered the time of the render; keep it ticking in the
// widget's own time zone.
const clockFormats = new Map();
export function tickClocks() {
  const longer = [];
  for (const c of page.board.querySelectorAll('.clock[data-tz]')) {
    const key = c.dataset.tz + c.dataset.seconds;
    let f = clockFormats.get(key);
    if (!f) {
      try {
        f = new Intl.DateTimeFormat('en-GB', { timeZone: c.dataset.tz, hour: '2-digit', minute: '2-digit',
          second: c.dataset.seconds === '1' ? '2-digit' : undefined, hourCycle: 'h23' });
      } catch (e) {
        f = null;   // an unknown zone: leave the server's text
      }
      if (clockFormats.size < 64) clockFormats.set(key, f);
    }
    const text = f ? f.format(new Date(now())) : c.textContent;
    if (c.textContent === text) continue;
    if (c.textContent.length !== text.length) longer.push(c.closest('[data-widget]'));
    c.textContent = text;
  }
  if (longer.length) fitWidgets(longer);   // tabular digits: only a new length needs room
}
