/* mdash.js: keeps an mdash dashboard page live.
 *
 * The page is complete without this script (the server renders every widget).
 * The script only subscribes to the dashboard's push stream, re-fetches a
 * widget's HTML fragment when it changes, keeps "Updated … ago" fresh and
 * shows the state of the connection. Plain ES2020, no globals except
 * window.mdash, no eval or inline code (safe under a strict CSP).
 */
(() => {
  'use strict';

  window.mdash = Object.freeze({ version: 1 });

  // Only dashboard pages have a board; the index page and login do nothing.
  const board = document.querySelector('main.dashboard[data-dashboard]');
  if (!board) return;

  // Widget names and slugs are restricted by the design contract; anything
  // else is ignored, which also makes them safe inside URLs and selectors.
  const ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
  const slug = board.dataset.dashboard;
  if (!ID_RE.test(slug)) return;

  const MAX_BACKOFF = 30000;      // ms, ceiling of the reconnect back-off
  const TICK = 15000;             // ms between "… ago" refreshes
  const FETCH_TIMEOUT = 15000;    // ms; a hung fetch must not block a widget forever

  // The app may be mounted below "/", so every URL is built from the base.
  const RECHECK = 5 * 60 * 1000;
  const baseMeta = document.querySelector('meta[name="mdash-base"]');
  let base = (baseMeta && baseMeta.content) || '/';
  if (!base.endsWith('/')) base += '/';
  const urlFor = (path) => new URL(base + path, document.baseURI).href;

  const request = (path, accept) => fetch(urlFor(path), {
    credentials: 'same-origin',
    cache: 'no-store',            // versions must come from the server, not a cache
    headers: { Accept: accept },
    signal: typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(FETCH_TIMEOUT) : undefined,
  });

  /* ---- clock ------------------------------------------------------------ */

  // Kiosk machines often have a wrong clock. The server's Date header lets
  // "… ago" and the stale check use server time. It has 1 s resolution plus
  // latency, so small differences are treated as none.
  let skew = 0;
  function noteServerClock(res) {
    const server = Date.parse(res.headers.get('Date') || '');
    if (!Number.isFinite(server)) return;
    const d = server - Date.now();
    skew = Math.abs(d) > 3000 ? d : 0;
  }
  const now = () => Date.now() + skew;

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
  function tick(scope) {
    const t = now();
    const widgets = scope ? [scope] : board.querySelectorAll('[data-widget]');
    for (const w of widgets) {
      const time = w.querySelector('.updated time[datetime]');
      if (!time) continue;
      const then = new Date(time.getAttribute('datetime'));
      if (Number.isNaN(then.getTime())) continue;
      const text = ago(t - then.getTime(), then);
      if (time.textContent !== text) time.textContent = text;   // avoid needless DOM writes
      if (!time.title) time.title = then.toLocaleString();      // exact time on hover
      // Push widgets have no interval (0 or missing) and never go stale.
      const interval = Number(w.dataset.interval) || 0;
      if (interval > 0 && t - then.getTime() > 2 * interval * 1000 &&
          w.dataset.state !== 'error' && w.dataset.state !== 'stale') {
        w.dataset.state = 'stale';
      }
    }
  }

  /* ---- widgets ---------------------------------------------------------- */

  const widgetEl = (name) => board.querySelector(`[data-widget="${name}"]`);
  const versionOf = (el) => parseInt(el.dataset.version, 10) || 0;

  // Per widget: one fetch in flight at most; a newer version announced while
  // it runs sets `again`, and one more fetch follows when it ends.
  const jobs = new Map();  // name -> { busy, again, want, tries }

  function want(name, version) {
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
    const el = widgetEl(name);
    if (!el || job.want <= versionOf(el)) return;     // caught up
    if (job.again) {
      run(name, job);
    } else if (failed && job.tries < 3) {
      // Transient failure (network, 5xx, timeout): a few spaced retries.
      // Beyond that the next push message or stream (re)open catches up.
      job.timer = setTimeout(() => { if (!job.busy) run(name, job); }, 2000 * 2 ** job.tries++);
    }
  }

  // Fetches the fragment and replaces the widget element. Throws on failures
  // worth retrying; a 4xx or an unusable body just keeps the old element.
  async function swapIn(name) {
    const res = await request('widget/' + name, 'text/html');
    if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
    if (res.status !== 200) return;
    noteServerClock(res);
    const tpl = document.createElement('template');   // inert: no scripts run, no images load
    tpl.innerHTML = await res.text();
    const fresh = tpl.content.firstElementChild;
    // E.g. a login page after the session expired has no widget root.
    if (!fresh || fresh.getAttribute('data-widget') !== name) return;
    const old = widgetEl(name);
    if (!old) return;
    // Answers can overtake each other; never go back to an older version.
    if (versionOf(fresh) < versionOf(old)) return;
    const newer = versionOf(fresh) > versionOf(old);
    old.replaceWith(fresh);
    tick(fresh);
    if (newer) {
      fresh.classList.add('just-updated');
      setTimeout(() => fresh.classList.remove('just-updated'), 1000);
    }
  }

  // Compares every shown version with the server's and fetches what is
  // behind. Runs on each stream open: covers updates made between page render
  // and subscribe, while disconnected, and after nchan lost its buffer.
  async function recheck() {
    try {
      const res = await request('api/dashboards/' + slug, 'application/json');
      // Access has ended (logged out, access revoked, share link revoked):
      // reload into what the server now says (login page, 403, 404).
      if (res.status === 401 || res.status === 403 || res.status === 404) {
        location.reload();
        return;
      }
      if (!res.ok) return;
      noteServerClock(res);
      const data = await res.json();
      const list = data && Array.isArray(data.widgets) ? data.widgets : [];
      for (const w of list) {
        const v = Number(w && w.version);
        if (w && typeof w.name === 'string' && ID_RE.test(w.name) && Number.isSafeInteger(v)) want(w.name, v);
      }
    } catch (e) {
      // Ignored on purpose: the next open re-checks.
    }
  }

  /* ---- connection indicator --------------------------------------------- */

  const conn = document.querySelector('.conn');
  function setConn(state) {
    if (!conn || conn.dataset.conn === state) return;  // role=status: announce changes only
    conn.dataset.conn = state;
    conn.textContent = state;
  }

  /* ---- push stream ------------------------------------------------------ */

  let es = null;         // current EventSource
  let retryTimer = 0;
  let attempt = 0;       // failed (re)connects since the last successful open
  let lostAt = 0;        // when the stream was last lost, 0 while live

  function onMessage(e) {
    let m;
    try { m = JSON.parse(e.data); } catch (err) { return; }
    if (!m || typeof m !== 'object') return;
    if (m.event === 'reload' && (m.dashboard === slug || m.dashboard === '*')) {
      location.reload();
      return;
    }
    const v = Number(m.version);
    if (typeof m.widget === 'string' && ID_RE.test(m.widget) && Number.isSafeInteger(v)) want(m.widget, v);
  }

  // "offline" when the browser says so or after about 30 s without a stream
  // (back-off at its ceiling, or the browser's own retries failing as long).
  function showDown(backoff) {
    if (!lostAt) lostAt = Date.now();
    const long = backoff >= MAX_BACKOFF || Date.now() - lostAt >= MAX_BACKOFF;
    setConn(navigator.onLine === false || long ? 'offline' : 'reconnecting');
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = 0;
    if (es) es.close();
    const src = es = new EventSource(urlFor('sub/d/' + slug));
    src.onopen = () => {
      if (src !== es) return;
      attempt = 0;
      lostAt = 0;
      setConn('live');
      recheck();
    };
    src.onmessage = onMessage;
    // Dashboard-wide events may be published with an event name, as Dashing does.
    src.addEventListener('dashboards', onMessage);
    src.onerror = () => {
      if (src !== es) return;
      if (src.readyState === EventSource.CLOSED) {
        // An HTTP error (502/503 while nginx or the app is down): the browser
        // gave up, so retry ourselves with capped, jittered exponential back-off.
        src.close();
        es = null;
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
    clearTimeout(retryTimer);
    if (es) es.close();
    es = null;
  });
  addEventListener('pageshow', (e) => { if (e.persisted) reconnectIfDown(); });

  // Clock widgets: the server rendered the time of the render; keep it
  // ticking in the widget's own time zone.
  const clockFormats = new Map();
  function tickClocks() {
    for (const c of board.querySelectorAll('.clock[data-tz]')) {
      const key = c.dataset.tz + c.dataset.seconds;
      let f = clockFormats.get(key);
      if (!f) {
        try {
          f = new Intl.DateTimeFormat('en-GB', { timeZone: c.dataset.tz, hour: '2-digit', minute: '2-digit',
            second: c.dataset.seconds === '1' ? '2-digit' : undefined, hourCycle: 'h23' });
        } catch (e) {
          f = null;   // an unknown zone: leave the server's text
        }
        clockFormats.set(key, f);
      }
      const text = f ? f.format(new Date(now())) : c.textContent;
      if (c.textContent !== text) c.textContent = text;
    }
  }

  tick();
  tickClocks();
  setInterval(() => { if (!document.hidden) tick(); }, TICK);
  setInterval(() => { if (!document.hidden) tickClocks(); }, 1000);
  // A periodic re-check bounds how long a page outlives its access, and
  // catches anything a stream might have missed.
  setInterval(recheck, RECHECK);
  connect();
})();
