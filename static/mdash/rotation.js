/* SPDX-License-Identifier: MIT */
/* rotation.js: ?rotate=SECONDS[&dashboards=a,b,c] cycles through the
 * dashboards, each one fetched and parsed before it replaces the shown
 * one, and the stream moves with it. */
import { ID_RE, base, params, clamp, request, sleep, timeout } from './util.js';
import { page, editing } from './state.js';
import { noteServerClock, tick, tickClocks } from './clock.js';
import { watchSizes } from './fit.js';
import { forgetJobs } from './swap.js';
import { connect } from './stream.js';

let rotation = 0;              // ms per dashboard; 0: no rotation
let picked = [];               // the slugs asked for with ?dashboards=
let order = [];                // the slugs to cycle through, in order
let at = '';                   // where in `order` the rotation is
let rotTimer = 0;

// The dashboards this user may see, in the server's order (or the picked
// ones among them). On failure the previous list stays.
async function refreshOrder() {
  try {
    const res = await request('api/dashboards', 'application/json');
    if (!res.ok) return;
    const data = await res.json();
    const visible = (data && Array.isArray(data.dashboards) ? data.dashboards : [])
      .map((d) => d && d.slug).filter((x) => typeof x === 'string' && ID_RE.test(x));
    order = picked.length ? picked.filter((x) => visible.includes(x)) : visible;
  } catch (e) {
    // Offline: keep going with what we know.
  }
}

const pageUrl = (s) => new URL(`${base}d/${s}${location.search}`, document.baseURI).href;

// Fetches and parses the next dashboard; resolves to what mount() needs,
// or null when it is not there (network down, removed, no access).
async function load(next) {
  const url = pageUrl(next);
  const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store',
    headers: { Accept: 'text/html' }, signal: timeout() });
  if (!res.ok) return null;
  noteServerClock(res);
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');   // inert
  const main = doc.querySelector('main.dashboard[data-dashboard]');
  if (!main || main.dataset.dashboard !== next) return null;     // e.g. the login page
  const fresh = document.adoptNode(main);
  // Pictures first, so that none pops in after the swap (3 s at most).
  const imgs = [...fresh.querySelectorAll('img')];
  if (imgs.length) await Promise.race([Promise.all(imgs.map((i) => i.decode().catch(() => {}))), sleep(3000)]);
  const nav = doc.querySelector('.dash-nav');
  return { main: fresh, url, title: doc.title, h1: doc.querySelector('.dash-title')?.textContent,
    nav: nav ? document.adoptNode(nav) : null };
}

// Shows a loaded dashboard in place of the current one, in one step (the
// old board stays until the new one is in), and moves the stream over.
function mount(p) {
  if (page.editor) page.editor.stop();
  page.gen++;
  forgetJobs();
  page.board.replaceWith(p.main);
  page.board = p.main;
  page.slug = page.board.dataset.dashboard;
  if (p.title) document.title = p.title;
  const h1 = document.querySelector('.dash-title');
  if (h1 && p.h1) h1.textContent = p.h1;
  const nav = document.querySelector('.dash-nav');
  if (nav && p.nav) nav.replaceWith(p.nav);
  history.replaceState(history.state, '', p.url);     // a reload stays here, options kept
  tick();
  tickClocks();
  watchSizes();        // fits every widget of the new board
  connect();           // its open re-checks versions
}

function scheduleRotation(ms) {
  clearTimeout(rotTimer);
  rotTimer = setTimeout(rotateStep, ms);
}

// Prefetch shortly before the turn, show at the turn.
async function rotateStep() {
  const lead = Math.min(3000, rotation / 2);
  const t0 = Date.now();
  if (editing()) {                                   // not while an admin edits
    scheduleRotation(rotation);
    return;
  }
  await refreshOrder();
  let p = null;
  if (order.length > 0) {
    let i = order.indexOf(at);
    if (i < 0) i = order.indexOf(page.slug);
    const next = order[(i + 1) % order.length];
    at = next;
    if (next !== page.slug) {
      try { p = await load(next); } catch (e) { p = null; }   // a failure skips it this round
    }
  }
  const wait = Math.max(0, lead - (Date.now() - t0));
  rotTimer = setTimeout(() => {
    if (p && !editing()) mount(p);
    scheduleRotation(rotation - lead);
  }, wait);
}

// Starts rotating when the address asks for it.
export function startRotation() {
  const sec = Number(params.get('rotate'));
  if (!params.has('rotate') || !Number.isFinite(sec) || sec <= 0) return;
  rotation = clamp(sec, 2, 86400) * 1000;
  picked = (params.get('dashboards') || '').split(',').map((x) => x.trim()).filter((x) => ID_RE.test(x));
  order = picked.slice();
  at = page.slug;
  page.onGone = () => scheduleRotation(0);   // a dashboard that has gone is skipped
  scheduleRotation(rotation - Math.min(3000, rotation / 2));
}
