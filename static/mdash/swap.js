/* SPDX-License-Identifier: MIT */
/* swap.js: a widget's fragment fetched and swapped in, and the re-check
 * that compares every shown version and place with the server's. */
import { ID_RE, request, reloadFresh, site } from './util.js';
import { page, widgetEl, versionOf, editing } from './state.js';
import { POS_ATTRS, applyLayout, placeCss } from './grid.js';
import { noteServerClock, tick } from './clock.js';
import { refit, watchSizes } from './fit.js';
import { inDanger, alarm } from './alarm.js';

const PASS_RE = /^d=[a-z0-9][a-z0-9_-]{0,63}&e=[0-9]{1,20}&p=[A-Za-z0-9_-]{1,64}$/;  // a fragment pass (see swapIn)
const STREAM_RE = /^c=[a-z0-9_,-]{1,1000}&e=[0-9]{1,20}&p=[A-Za-z0-9_-]{1,64}$/;   // a stream pass (stream.js)

// Per widget: one fetch in flight at most; a newer version announced while
// it runs sets `again`, and one more fetch follows when it ends.
const jobs = new Map();  // name -> { busy, again, want, tries, timer }
// Per widget: "d=..&e=..&p=..", a pass from the dashboard's JSON (renewed
// by every re-check) with which nginx serves each version from its cache.
const passes = new Map();

// Another dashboard is mounted: what was due for the old one is dropped.
export function forgetJobs() {
  for (const job of jobs.values()) clearTimeout(job.timer);
  jobs.clear();
}

// The server says `name` is at `version`: fetch it if the page is behind.
export function want(name, version) {
  const el = widgetEl(name);
  if (!el || !(version > versionOf(el))) return;   // not on this page, or not newer
  let job = jobs.get(name);
  if (!job) jobs.set(name, job = { busy: false, again: false, want: 0, tries: 0, timer: 0 });
  job.want = Math.max(job.want, version);
  if (job.busy) { job.again = true; return; }
  run(name, job);
}

async function run(name, job) {
  clearTimeout(job.timer);
  const g = page.gen;
  job.busy = true;
  job.again = false;
  let failed = false;
  try {
    await swapIn(name);
    job.tries = 0;
  } catch (e) {
    failed = true;
  }
  job.busy = false;
  if (g !== page.gen) return;                       // another dashboard is shown now
  const el = widgetEl(name);
  if (!el || job.want <= versionOf(el)) return;     // caught up
  if (job.again) {
    run(name, job);
  } else if (failed && job.tries < 3) {
    // Transient failure (network, 5xx, timeout): a few spaced retries.
    // Beyond that the next push message or stream (re)open catches up.
    job.timer = setTimeout(() => { if (!job.busy && g === page.gen) run(name, job); }, 2000 * 2 ** job.tries++);
  }
}

// Fetches the fragment and replaces the widget element. Throws on failures
// worth retrying; a 4xx or an unusable body just keeps the old element.
async function swapIn(name) {
  const g = page.gen;
  const pass = passes.get(name);
  const job = jobs.get(name);
  let res = null;
  if (pass && job && job.want) {
    res = await request(`widget/${name}?v=${job.want}&${pass}`, 'text/html', site);
    // Expired (410) or no longer good (403, e.g. a new key): the app decides.
    if (res.status === 403 || res.status === 410) {
      passes.delete(name);
      res = null;
    }
  }
  if (!res) res = await request('widget/' + name, 'text/html');
  if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
  if (res.status !== 200) return;
  noteServerClock(res);
  const html = await res.text();
  if (g !== page.gen) return;
  swapHtml(name, html);
}

// Puts a widget's fragment (HTML text) in place of the shown element,
// unless it is older than what is shown. With a version (a fragment that
// came in a push message), only a fragment of that version is taken.
// Returns false when the fragment was unusable (the page then fetches it).
export function swapHtml(name, html, version) {
  const tpl = document.createElement('template');   // inert: no scripts run, no images load
  tpl.innerHTML = html;
  const fresh = tpl.content.firstElementChild;
  // E.g. a login page after the session expired has no widget root.
  if (!fresh || fresh.getAttribute('data-widget') !== name) return false;
  if (version !== undefined && versionOf(fresh) !== version) return false;
  const old = widgetEl(name);
  if (!old) return false;
  // Answers can overtake each other; never go back to an older version.
  // A message the page already shows (replayed on a reconnect) changes nothing.
  if (versionOf(fresh) < versionOf(old) || (version !== undefined && version === versionOf(old))) return true;
  const newer = versionOf(fresh) > versionOf(old);
  const wasDanger = inDanger(old);
  let el;
  if (editing()) {
    el = page.editor.morph(old, fresh);   // gridstack holds on to the element itself
  } else {
    // An update never moves a widget: the page's positions come from layout
    // events and re-checks only, so a fragment that was rendered before a
    // layout change cannot put a widget back where it was.
    for (const a of POS_ATTRS) {
      const v = old.getAttribute(a);
      if (v !== null) fresh.setAttribute(a, v);
    }
    const style = old.getAttribute('style');
    if (style !== null) fresh.setAttribute('style', style);
    old.replaceWith(fresh);
    el = fresh;
  }
  tick(el);
  refit(old, el);
  if (newer) {
    el.classList.add('just-updated');
    setTimeout(() => el.classList.remove('just-updated'), 1000);
  }
  if (!wasDanger && inDanger(el)) alarm(el);
  return true;
}

// Compares every shown version and place with the server's and fetches
// what is behind. Runs on each stream open: covers updates made between
// page render and subscribe, while disconnected, and after nchan lost its
// buffer; and on every layout event. It also renews the stream pass.
export async function recheck() {
  const g = page.gen;
  const slug = page.slug;
  try {
    const res = await request('api/dashboards/' + slug, 'application/json');
    if (g !== page.gen) return;
    // A rotating screen skips a dashboard that has gone.
    if (res.status === 404 && page.onGone) {
      page.onGone();
      return;
    }
    // Access has ended (logged out, access revoked, share link revoked):
    // reload into what the server now says (login page, 403, 404).
    if (res.status === 401 || res.status === 403 || res.status === 404) {
      reloadFresh();
      return;
    }
    if (!res.ok) return;
    noteServerClock(res);
    const data = await res.json();
    if (g !== page.gen) return;
    page.stream = data && typeof data.stream === 'string' && STREAM_RE.test(data.stream)
      ? { slug, query: data.stream, at: Date.now() } : null;
    if (data && typeof data.session === 'string') page.session = data.session;
    const list = data && Array.isArray(data.widgets) ? data.widgets : [];
    if (await syncWidgets(list, g) && page.onWidgetsChanged) page.onWidgetsChanged();
    if (g !== page.gen) return;
    applyLayout(list);
    for (const w of list) {
      const v = Number(w && w.version);
      if (!w || typeof w.name !== 'string' || !ID_RE.test(w.name)) continue;
      if (typeof w.pass === 'string' && PASS_RE.test(w.pass)) passes.set(w.name, w.pass);
      else passes.delete(w.name);
      if (Number.isSafeInteger(v)) want(w.name, v);
    }
  } catch (e) {
    // Ignored on purpose: the next open re-checks.
  }
}

/* ---- widgets added to or removed from the dashboard ------------------------------ */

// A widget the server lists and the page lacks: its fragment, at its place.
async function insertWidget(w, g) {
  const res = await request('widget/' + w.name, 'text/html');
  if (res.status !== 200 || g !== page.gen || widgetEl(w.name)) return false;
  const tpl = document.createElement('template');   // inert
  tpl.innerHTML = await res.text();
  const el = tpl.content.firstElementChild;
  const grid = page.board.querySelector('ul.grid');
  if (!el || el.getAttribute('data-widget') !== w.name || !grid || g !== page.gen || widgetEl(w.name)) return false;
  const p = { col: w.col, row: w.row, sizex: w.sizex, sizey: w.sizey };
  if (Object.values(p).every((v) => Number.isSafeInteger(v) && v >= 1)) placeCss(el, p);
  grid.append(el);
  tick(el);
  return true;
}

// Makes the page's set of widgets the server's: new ones are fetched and
// placed, removed ones go. True when the set changed (the stream then
// follows the new set of channels).
async function syncWidgets(list, g) {
  const listed = new Set(list.filter((w) => w && typeof w.name === 'string' && ID_RE.test(w.name)).map((w) => w.name));
  const gone = [...page.board.querySelectorAll('[data-widget]')].filter((el) => !listed.has(el.dataset.widget));
  const added = list.filter((w) => listed.has(w && w.name) && !widgetEl(w.name));
  if (!gone.length && !added.length) return false;
  if (page.editor) page.editor.stop();     // the editor's grid is rebuilt from the page's next time
  for (const el of gone) el.remove();
  const shown = await Promise.all(added.map((w) => insertWidget(w, g).catch(() => false)));
  if (g !== page.gen) return false;
  const empty = page.board.querySelector(':scope > .empty');
  if (empty) empty.hidden = page.board.querySelector('[data-widget]') !== null;
  watchSizes();                            // fits and watches the new ones
  return gone.length > 0 || shown.some(Boolean);
}

// The widget as the server renders it now, whatever its version (after
// its settings changed here).
export async function refresh(name) {
  const res = await request('widget/' + name, 'text/html');
  if (res.status === 200) swapHtml(name, await res.text());
}
