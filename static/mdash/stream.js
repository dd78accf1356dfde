/* SPDX-License-Identifier: MIT */
/* stream.js: the dashboard's one push stream (nchan, EventSource): what
 * its messages ask for, reconnects with back-off, a lossless renewal, and
 * the connection indicator. Every open re-checks versions (swap.js), so
 * nothing published while the stream was down is missed. */
import { ID_RE, urlFor, reloadFresh } from './util.js';
import { page } from './state.js';
import { clockSkew, tick } from './clock.js';
import { want, recheck, swapHtml } from './swap.js';

const MAX_BACKOFF = 30000;      // ms, ceiling of the reconnect back-off
// A stream pass is good for 2 minutes (lib/pass.h: the stream carries data);
// an older one is renewed before a (re)connect.
const STREAM_PASS_USE = 90 * 1000;
// A stream is renewed every ~10 minutes, on a wall screen left open for
// months: whatever its request holds in nginx is given back (nchan 1.3.6
// grows it with every EventSource ping, which the site leaves off). The
// renewal is lossless (recheck on open).
const RENEW = 10 * 60 * 1000;

/* ---- connection indicator --------------------------------------------- */

let conn = null;
function setConn(state) {
  if (!conn || conn.dataset.conn === state) return;  // role=status: announce changes only
  conn.dataset.conn = state;
  conn.textContent = state;
}

/* ---- messages ------------------------------------------------------------ */

let es = null;         // current EventSource
let retryTimer = 0;
let renewTimer = 0;
let attempt = 0;       // failed (re)connects since the last successful open
let lostAt = 0;        // when the stream was last lost, 0 while live

function onMessage(e) {
  let m;
  try { m = JSON.parse(e.data); } catch (err) { return; }
  if (!m || typeof m !== 'object') return;
  if (m.event === 'reload' && (m.dashboard === page.slug || m.dashboard === '*')) {
    if (!freshReload(e)) return;
    // "*": access ended (logout, a revoked link): the app's answer at once.
    // A dashboard's own reload (Dashing's event, sent to every screen):
    // spread over a second, after the copies nginx made before it are
    // gone (2 s: lib/pass.h), so that a wall of screens costs one render.
    if (m.dashboard === '*') reloadFresh();
    else setTimeout(reloadWhenNoForm, 2000 + Math.random() * 1000);
    return;
  }
  if (m.event === 'layout' && m.dashboard === page.slug) {
    recheck();         // the API lists every widget's place
    return;
  }
  const v = Number(m.version);
  if (typeof m.widget !== 'string' || !ID_RE.test(m.widget) || !Number.isSafeInteger(v)) return;
  // A small fragment travels in the message (lib/publish.h): swapped in as
  // it is, without a request. A large one, or one that is unusable here,
  // is fetched.
  if (typeof m.html === 'string' && swapHtml(m.widget, m.html, v)) return;
  want(m.widget, v);
}

// An admin's form is open on this page (adding or editing a widget, whose
// own change may be what asks for the reload): the reload waits until it
// is closed, so that nothing typed is lost.
function reloadWhenNoForm() {
  if (document.querySelector('dialog[open]')) setTimeout(reloadWhenNoForm, 1000);
  else location.reload();
}

// nchan hands a new subscriber the last message of each channel, so a
// page that reloaded because of a "reload" gets that same message again.
// Acted on once per tab (sessionStorage), and one published before this
// stream opened (the message id starts with its time) is old news.
let openedAt = 0;
function freshReload(e) {
  const id = String(e.lastEventId || '');
  const sent = parseInt(id, 10) * 1000;
  if (Number.isFinite(sent) && openedAt && sent < openedAt + clockSkew() - 2000) return false;
  const key = `${id.split(':')[0]}|${e.data}`;
  try {
    if (sessionStorage.getItem('mdash-reload') === key) return false;
    sessionStorage.setItem('mdash-reload', key);
  } catch (err) {
    // No storage (privacy mode): the time check alone.
  }
  return true;
}

/* ---- connecting ------------------------------------------------------------ */

// "offline" when the browser says so or after about 30 s without a stream
// (back-off at its ceiling, or the browser's own retries failing as long).
function showDown(backoff) {
  if (!lostAt) lostAt = Date.now();
  const long = backoff >= MAX_BACKOFF || Date.now() - lostAt >= MAX_BACKOFF;
  setConn(navigator.onLine === false || long ? 'offline' : 'reconnecting');
}

// The stream's address. With a stream pass from a recent re-check
// (lib/pass.h) nginx hands the stream to nchan without asking the app.
// After two refused in a row (or failed: nginx down) the app's way is
// taken until a stream opens.
let refused = 0;       // stream passes refused in a row
const passFor = () => {
  const s = page.stream;
  return s && s.slug === page.slug && refused < 2 && Date.now() - s.at < STREAM_PASS_USE ? s.query : '';
};

let connecting = 0;    // bumped by every connect(), so that only the last goes on

// (Re)opens the stream of the shown dashboard.
export async function connect() {
  clearTimeout(retryTimer);
  clearTimeout(renewTimer);
  retryTimer = renewTimer = 0;
  if (es) es.close();
  es = null;
  const mine = ++connecting;
  // No pass at hand (the first connect): a re-check brings one.
  if (!passFor() && refused < 2) await recheck();
  if (mine !== connecting) return;
  const pass = passFor();
  const src = es = new EventSource(urlFor(`sub/d/${page.slug}${pass ? '?' + pass : ''}`));
  let first = true;    // the browser's own reconnects resume with Last-Event-ID
  src.onopen = () => {
    if (src !== es) return;
    if (first) openedAt = Date.now();
    first = false;
    attempt = 0;
    lostAt = 0;
    refused = 0;
    setConn('live');
    recheck();
    clearTimeout(renewTimer);
    renewTimer = setTimeout(connect, RENEW * (0.8 + Math.random() * 0.4));
  };
  src.onmessage = onMessage;
  // Dashboard-wide events may be published with an event name, as Dashing does.
  src.addEventListener('dashboards', onMessage);
  src.onerror = () => {
    if (src !== es) return;
    if (src.readyState === EventSource.CLOSED) {
      // An HTTP error (502/503 while nginx or the app is down, 403/410 for
      // a refused or expired pass): the browser gave up, so retry ourselves
      // with capped, jittered exponential back-off.
      src.close();
      es = null;
      if (pass) {
        refused++;
        page.stream = null;
      }
      const backoff = Math.min(MAX_BACKOFF, 1000 * 2 ** attempt++);
      showDown(backoff);
      retryTimer = setTimeout(connect, backoff * (0.8 + Math.random() * 0.4));
    } else {
      showDown(0);   // dropped stream: the browser retries by itself
    }
  };
}

const isOpen = () => es !== null && es.readyState === EventSource.OPEN;

// Reconnect at once when there is reason to believe it will work now.
function reconnectIfDown() {
  if (!isOpen()) connect();
}

function closeStream() {
  clearTimeout(retryTimer);
  if (es) es.close();
  es = null;
}

// Shows "connecting" (the server's "static" is for pages without
// JavaScript), follows the browser's network and visibility, and opens
// the stream.
export function startStream() {
  conn = document.querySelector('.conn');
  page.onWidgetsChanged = connect;   // a new widget's channel joins the stream
  setConn('connecting');
  // A short network blip may leave the stream itself open: then only the
  // indicator needs to come back.
  addEventListener('online', () => { if (isOpen()) setConn('live'); else connect(); });
  addEventListener('offline', () => setConn('offline'));
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) return;
    tick();
    reconnectIfDown();
  });
  // Close the stream when leaving so the page can enter the back/forward
  // cache; reopen if it is restored from there.
  addEventListener('pagehide', () => {
    connecting++;        // a connect() waiting for its re-check stops there
    clearTimeout(renewTimer);
    closeStream();
  });
  addEventListener('pageshow', (e) => { if (e.persisted) reconnectIfDown(); });
  // A form (Log out) is taking the page somewhere: the stream's own "reload"
  // for this very logout must not race that navigation.
  document.addEventListener('submit', closeStream);
  connect();
}
