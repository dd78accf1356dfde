/* SPDX-License-Identifier: MIT */
/* mdash.js: keeps an mdash dashboard page live (the entry module; its
 * parts are in static/mdash/).
 *
 * The page is complete without this script (the server renders every widget).
 * The script subscribes to the dashboard's push stream (stream.js),
 * re-fetches a widget's HTML fragment when it changes (swap.js), keeps
 * "Updated … ago" fresh (clock.js), shows the state of the connection, and
 * follows layout changes made on other pages (grid.js). On top:
 *   ?rotate=SECONDS[&dashboards=a,b,c]  cycles through the dashboards, each
 *       one fetched and parsed before it replaces the shown one (rotation.js);
 *   ?kiosk=1, ?fit=1  display options (classes set by mdash-boot.js);
 *   a widget entering danger pulses briefly; ?kiosk=1&sound=1 also plays
 *       a short tone then (alarm.js);
 *   "Edit layout", "Share link", "Add widget" and "Widgets" (admins only:
 *       layout.js, share.js and author.js are loaded only when the page says
 *       its user may edit); on the list of dashboards, an admin's "New
 *       dashboard", "Rename" and "Delete" (dashboards.js); the
 *       administration page (admin.js).
 * Every widget's text is fitted to its box (fit.js): nothing a user reads
 * is cut. On the list of dashboards it only fetches the list again now and
 * then (list.js).
 * ES modules without a bundler, no globals except window.mdash, no eval or
 * inline code (safe under a strict CSP: script-src 'self').
 */
import { ID_RE, meta } from './mdash/util.js';
import { page } from './mdash/state.js';
import { tick, tickClocks } from './mdash/clock.js';
import { fitAll, watchSizes } from './mdash/fit.js';
import { recheck } from './mdash/swap.js';
import { startStream } from './mdash/stream.js';
import { startRotation } from './mdash/rotation.js';
import { startSound } from './mdash/alarm.js';
import { keepListFresh } from './mdash/list.js';

const TICK = 5000;              // ms between "… ago" refreshes and stale checks
const RECHECK = 5 * 60 * 1000;  // ms between periodic version/access checks

window.mdash = Object.freeze({ version: 2 });

// A kiosk hides an idle mouse pointer after a few seconds.
function hideIdlePointer() {
  if (!document.documentElement.classList.contains('kiosk')) return;
  let idle = 0;
  const wake = () => {
    document.documentElement.classList.remove('idle');
    clearTimeout(idle);
    idle = setTimeout(() => document.documentElement.classList.add('idle'), 3000);
  };
  addEventListener('pointermove', wake, { passive: true });
  wake();
}

// The admin's parts, fetched only for a page that offers them.
async function startAdminParts() {
  if (meta('mdash-admin') !== '1') return;
  if (document.querySelector('button.edit-layout')) {
    const { startLayoutEditor } = await import('./mdash/layout.js');
    startLayoutEditor();
  }
  if (document.querySelector('.share-make')) {
    const { startShareButton } = await import('./mdash/share.js');
    startShareButton();
  }
  if (document.querySelector('button.author-add')) {
    const { startAuthor } = await import('./mdash/author.js');
    startAuthor();
  }
}

function startDashboard(board) {
  page.board = board;
  page.slug = board.dataset.dashboard;
  startSound();
  hideIdlePointer();
  tick();
  tickClocks();
  watchSizes();          // fits every widget before it is painted, then on every resize
  if (document.fonts) document.fonts.ready.then(fitAll, () => {});
  setInterval(() => { if (!document.hidden) tick(); }, TICK);
  setInterval(() => { if (!document.hidden) tickClocks(); }, 1000);
  // A periodic re-check bounds how long a page outlives its access, and
  // catches anything a stream might have missed.
  setInterval(recheck, RECHECK);
  startStream();
  startRotation();
  startAdminParts();
}

function main() {
  const admin = meta('mdash-admin') === '1';
  if (document.querySelector('main.admin-page')) {
    if (admin) import('./mdash/admin.js').then((m) => m.startAdminPage());
    return;
  }
  const list = document.querySelector('main.dashboard-list');
  if (list) {
    keepListFresh(list);
    if (admin) import('./mdash/dashboards.js').then((m) => m.startListTools());
    return;
  }
  // Only dashboard pages have a board; login does nothing.
  const board = document.querySelector('main.dashboard[data-dashboard]');
  if (board && ID_RE.test(board.dataset.dashboard)) startDashboard(board);
}

main();
