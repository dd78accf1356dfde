/* SPDX-License-Identifier: MIT */
/* stream.js: the dashboard's one push stream (nchan): what its messages
 * ask for, reconnects with back-off, a lossless renewal, and the
 * connection indicator. Every open re-checks versions (swap.js), so
 * nothing published while the stream was down is missed.
 *
 * The stream is a WebSocket where one can open, else an EventSource (a
 * proxy in front that does not pass upgrades): nginx keeps about 2.4 KiB
 * less per WebSocket stream (nchan 1.3.6 gives every EventSource stream a
 * 2.5 KiB buffer for its "id:" lines), and the site's WebSocket pings keep
 * an idle screen's connection and the NATs on its way alive. */
import { ID_RE, urlFor, reloadFresh } from './util.js';
import { page } from './state.js';
import { clockSkew, tick } from './clock.js';
import { want, recheck, swapHtml } from './swap.js';

const MAX_BACKOFF = 30000;      // ms, ceiling of the reconnect back-off
// A stream pass is good for 2 minutes (lib/pass.h: the stream carries data);
// an older one is renewed before a (re)connect.
const STREAM_PASS_USE = 90 * 1000;
// A stream is renewed every ~10 minutes, on a wall screen left open for
// months: whatever its request holds in nginx is given back. The renewal
// is lossless (recheck on open).
const RENEW = 10 * 60 * 1000;
// A "reload" seen again this soon in the same tab is the same one again
// (a replay at the stream's open), not a new one.
const RELOAD_REPEAT = 10 * 1000;

/* ---- connection indicator --------------------------------------------- */

let conn = null;
function setConn(state) {
  if (!conn || conn.dataset.conn === state) return;  // role=status: announce changes only
  conn.dataset.conn = state;
  conn.textContent = state;
}

/* ---- messages ------------------------------------------------------------ */

let stream = null;     // the current transport (below), null while none
let retryTimer = 0;
let renewTimer = 0;
let attempt = 0;       // failed (re)connects since the last successful open
let lostAt = 0;        // when the stream was last lost, 0 while live
let neighbourEndedAt = 0; // another session on this page's channel ended: the stream ends next

// One message: its data, and its id where the transport has one (nchan's
// EventSource id starts with the time it was published).
function onMessage(data, id) {
  let m;
  try { m = JSON.parse(data); } catch (err) { return; }
  if (!m || typeof m !== 'object') return;
  if (m.event === 'reload' && (m.dashboard === page.slug || m.dashboard === '*')) {
    // A session's channel is shared with others (lib/auth.h): another
    // session's end is not this page's. The stream then ends, and reopens.
    if (typeof m.session === 'string' && page.session && m.session !== page.session) {
      neighbourEndedAt = Date.now();
      return;
    }
    if (!freshReload(data, id)) return;
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

// A page that reloaded because of a "reload" must not act on that same
// message again should its new stream be handed it. Acted on once per tab
// within RELOAD_REPEAT (sessionStorage), and one published before this
// stream opened (by its EventSource id's time) is old news.
let openedAt = 0;
function freshReload(data, id) {
  const sent = parseInt(String(id || ''), 10) * 1000;
  if (Number.isFinite(sent) && openedAt && sent < openedAt + clockSkew() - 2000) return false;
  const key = `${String(id || '').split(':')[0]}|${data}`;
  try {
    const last = JSON.parse(sessionStorage.getItem('mdash-reload') || 'null');
    if (last && last.key === key && Date.now() - last.at < RELOAD_REPEAT) return false;
    sessionStorage.setItem('mdash-reload', JSON.stringify({ key, at: Date.now() }));
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

/* ---- transports ----------------------------------------------------------
 * Both give the same handle: close(), isOpen(); and call on.open(),
 * on.message(data, id), on.lost(opened, retrying) where retrying says the
 * browser reconnects by itself (EventSource after a dropped stream). */

function openWebSocket(url, on) {
  const ws = new WebSocket(url.replace(/^http/, 'ws'));
  let opened = false, done = false;
  ws.onopen = () => { opened = true; on.open(); };
  ws.onmessage = (e) => { if (typeof e.data === 'string') on.message(e.data, ''); };
  // A WebSocket does not come back by itself: every end is ours to retry.
  ws.onclose = () => { if (!done) { done = true; on.lost(opened, false); } };
  return {
    kind: 'websocket',
    close() { done = true; ws.close(); },
    isOpen: () => ws.readyState === WebSocket.OPEN,
  };
}

function openEventSource(url, on) {
  const es = new EventSource(url);
  let opened = false;
  es.onopen = () => { opened = true; on.open(); };
  const message = (e) => on.message(e.data, e.lastEventId);
  es.onmessage = message;
  // Dashboard-wide events may be published with an event name, as Dashing does.
  es.addEventListener('dashboards', message);
  es.onerror = () => {
    // CLOSED: an HTTP error (502/503 while nginx or the app is down,
    // 403/410 for a refused or expired pass), the browser gave up. Else a
    // dropped stream that the browser resumes itself with Last-Event-ID.
    const gaveUp = es.readyState === EventSource.CLOSED;
    if (gaveUp) es.close();
    on.lost(opened, !gaveUp);
  };
  return {
    kind: 'eventsource',
    close() { es.close(); },
    isOpen: () => es.readyState === EventSource.OPEN,
  };
}

// WebSocket, and after a WebSocket that failed to open, the same address
// at once as an EventSource: if that one opens, a proxy on the way does not
// pass upgrades, and this page keeps to EventSource.
let webSocketWorks = typeof WebSocket === 'function';
let webSocketOpened = false;  // once on this page: then a failure is not the proxy's
let fallingBack = false;

function retryLater() {
  const backoff = Math.min(MAX_BACKOFF, 1000 * 2 ** attempt++);
  showDown(backoff);
  retryTimer = setTimeout(connect, backoff * (0.8 + Math.random() * 0.4));
}

// (Re)opens the stream of the shown dashboard.
export async function connect() {
  clearTimeout(retryTimer);
  clearTimeout(renewTimer);
  retryTimer = renewTimer = 0;
  if (stream) stream.close();
  stream = null;
  const mine = ++connecting;
  // No pass at hand (the first connect): a re-check brings one.
  if (!passFor() && refused < 2) await recheck();
  if (mine !== connecting) return;
  const pass = passFor();
  const url = urlFor(`sub/d/${page.slug}${pass ? '?' + pass : ''}`);
  const open = webSocketWorks && !fallingBack ? openWebSocket : openEventSource;
  let first = true;    // an EventSource's own reconnects resume with Last-Event-ID
  const src = stream = open(url, {
    open() {
      if (src !== stream) return;
      if (first) openedAt = Date.now();
      first = false;
      if (src.kind === 'websocket') webSocketOpened = true;
      else if (fallingBack && !webSocketOpened) webSocketWorks = false;
      fallingBack = false;
      attempt = 0;
      lostAt = 0;
      refused = 0;
      setConn('live');
      recheck();
      clearTimeout(renewTimer);
      renewTimer = setTimeout(connect, RENEW * (0.8 + Math.random() * 0.4));
    },
    message: onMessage,
    lost(opened, retrying) {
      if (src !== stream) return;
      // Ended for another session's sake (above): back at once, quietly.
      if (opened && Date.now() - neighbourEndedAt < 5000) {
        neighbourEndedAt = 0;
        connect();
        return;
      }
      if (retrying) {
        showDown(0);
        return;
      }
      stream = null;
      // Not even opened: with a pass, nginx may have refused it (403, 410;
      // neither transport tells): after two, the app's way.
      if (!opened && pass) {
        refused++;
        page.stream = null;
      }
      if (!opened && src.kind === 'websocket') {
        fallingBack = true;
        connect();
        return;
      }
      fallingBack = false;
      retryLater();
    },
  });
}

const isOpen = () => stream !== null && stream.isOpen();

// Reconnect at once when there is reason to believe it will work now.
function reconnectIfDown() {
  if (!isOpen()) connect();
}

function closeStream() {
  clearTimeout(retryTimer);
  if (stream) stream.close();
  stream = null;
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
