/* SPDX-License-Identifier: MIT */
/* mdash.js: keeps an mdash dashboard page live.
 *
 * The page is complete without this script (the server renders every widget).
 * The script subscribes to the dashboard's push stream, re-fetches a widget's
 * HTML fragment when it changes, keeps "Updated … ago" fresh, shows the state
 * of the connection, and follows layout changes made on other pages. On top:
 *   ?rotate=SECONDS[&dashboards=a,b,c]  cycles through the dashboards, each
 *       one fetched and parsed before it replaces the shown one;
 *   ?kiosk=1, ?fit=1  display options (classes set by mdash-boot.js);
 *   a widget entering danger pulses briefly; ?kiosk=1&sound=1 also plays
 *       a short tone then;
 *   "Edit layout" (admins, with gridstack loaded): drag, resize or move with
 *       the keyboard; every change is saved with one POST.
 * Every widget's text is fitted to its box (see "fitting"): nothing a user
 * reads is cut.
 * On the list of dashboards it only fetches the list again now and then.
 * Plain ES2020, no globals except window.mdash, no eval or inline code (safe
 * under a strict CSP).
 */
(() => {
  'use strict';

  window.mdash = Object.freeze({ version: 2 });

  // The list of dashboards is complete without this script; on a screen
  // left open, it is fetched again every half minute (and when the tab
  // shows again), so that its counts stay true.
  const list = document.querySelector('main.dashboard-list');
  if (list) {
    keepListFresh(list);
    return;
  }

  // Only dashboard pages have a board; login does nothing.
  let board = document.querySelector('main.dashboard[data-dashboard]');
  if (!board) return;

  // Widget names and slugs are restricted by the design contract; anything
  // else is ignored, which also makes them safe inside URLs and selectors.
  const ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
  const PASS_RE = /^d=[a-z0-9][a-z0-9_-]{0,63}&e=[0-9]{1,20}&p=[A-Za-z0-9_-]{1,64}$/;  // a fragment pass (see swapIn)
  const STREAM_RE = /^c=[a-z0-9_,-]{1,1000}&e=[0-9]{1,20}&p=[A-Za-z0-9_-]{1,64}$/;   // a stream pass (see connect)
  const STREAM_PASS_USE = 12 * 60 * 1000;  // a stream pass is good for 15 minutes
  let slug = board.dataset.dashboard;
  if (!ID_RE.test(slug)) return;

  const MAX_BACKOFF = 30000;      // ms, ceiling of the reconnect back-off
  const TICK = 5000;              // ms between "… ago" refreshes and stale checks
  const FETCH_TIMEOUT = 15000;    // ms; a hung fetch must not block a widget forever
  const RECHECK = 5 * 60 * 1000;  // ms between periodic version/access checks
  // A stream is renewed every ~10 minutes: nginx keeps a little memory per
  // message sent until a stream's request ends, which adds up on a wall
  // screen left open for months. The renewal is lossless (recheck on open).
  const RENEW = 10 * 60 * 1000;
  const MAX_SIZEY = 24;           // the server's limit on a widget's height in rows

  const meta = (name) => {
    const m = document.querySelector(`meta[name="${name}"]`);
    return (m && m.content) || '';
  };

  // The app may be mounted below "/", so every URL is built from the base.
  let base = meta('mdash-base') || '/';
  if (!base.endsWith('/')) base += '/';
  const urlFor = (path) => new URL(base + path, document.baseURI).href;
  const timeout = () => (typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(FETCH_TIMEOUT) : undefined);

  const request = (path, accept) => fetch(urlFor(path), {
    credentials: 'same-origin',
    cache: 'no-store',            // versions must come from the server, not a cache
    headers: { Accept: accept },
    signal: timeout(),
  });

  // nginx may give a logged-in user a copy of a page up to two seconds old
  // (lib/pass.h). The cookie mdash_fresh makes it skip its copies for a few
  // seconds: the app sets it with its answer to every change this browser
  // makes, and the page sets it itself before a reload that must get the
  // app's answer (access ended), and when it is left while a layout change
  // is still on its way.
  const skipPageCopies = () => {
    document.cookie = `mdash_fresh=1; Max-Age=3; Path=${new URL(base, document.baseURI).pathname}; SameSite=Lax`;
  };
  const reloadFresh = () => {
    skipPageCopies();
    location.reload();
  };

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

  // Bumped whenever another dashboard is mounted (rotation): answers that
  // belong to the previous one are dropped.
  let gen = 0;

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

  /* ---- positions ---------------------------------------------------------- */

  const POS_ATTRS = ['data-col', 'data-row', 'data-sizex', 'data-sizey'];
  const columns = () => clamp(parseInt(board.dataset.columns, 10) || 6, 1, 48);

  // A widget's place as the page holds it (1-based, as the server's).
  function posOf(el) {
    const n = (k, d) => parseInt(el.dataset[k], 10) || d;
    const cols = columns();
    const sizex = clamp(n('sizex', 1), 1, cols);
    return { col: clamp(n('col', 1), 1, cols - sizex + 1), row: Math.max(1, n('row', 1)),
      sizex, sizey: clamp(n('sizey', 1), 1, MAX_SIZEY) };
  }

  const samePos = (a, b) => a.col === b.col && a.row === b.row && a.sizex === b.sizex && a.sizey === b.sizey;

  function setPosAttrs(el, p) {
    el.dataset.col = p.col;
    el.dataset.row = p.row;
    el.dataset.sizex = p.sizex;
    el.dataset.sizey = p.sizey;
  }

  // Places a widget in the CSS grid (the same style the server writes).
  function placeCss(el, p) {
    setPosAttrs(el, p);
    el.style.gridColumn = `${p.col} / span ${p.sizex}`;
    el.style.gridRow = `${p.row} / span ${p.sizey}`;
  }

  // Moves the widgets to the places the server lists (after a layout event,
  // or on a re-check). Widgets not on this page are ignored.
  function applyLayout(list) {
    if (gs && (dirty || saving)) return;    // our own unsaved edits win until saved
    let moved = false;
    applying = true;                        // gridstack's "change" is ours: not a user's edit
    try {
      for (const w of list) {
        if (!w || typeof w.name !== 'string' || !ID_RE.test(w.name)) continue;
        const el = widgetEl(w.name);
        if (!el) continue;
        const p = { col: w.col, row: w.row, sizex: w.sizex, sizey: w.sizey };
        if (!Object.values(p).every((v) => Number.isSafeInteger(v) && v >= 1)) continue;
        const n = gs && el.gridstackNode;
        const cur = n ? { col: n.x + 1, row: n.y + 1, sizex: n.w, sizey: n.h } : posOf(el);
        if (samePos(p, cur)) continue;
        if (n) {
          if (!moved) gs.batchUpdate();
          setPosAttrs(el, p);
          gs.update(el, { x: p.col - 1, y: p.row - 1, w: p.sizex, h: p.sizey });
        } else {
          placeCss(el, p);
        }
        moved = true;
      }
      if (gs && moved) {
        gs.batchUpdate(false);
        syncFromGrid();
      }
    } finally {
      applying = false;
    }
  }

  /* ---- widgets ---------------------------------------------------------- */

  const widgetEl = (name) => board.querySelector(`[data-widget="${name}"]`);
  const versionOf = (el) => parseInt(el.dataset.version, 10) || 0;

  // Per widget: one fetch in flight at most; a newer version announced while
  // it runs sets `again`, and one more fetch follows when it ends.
  const jobs = new Map();  // name -> { busy, again, want, tries, timer }
  // Per widget: "d=..&e=..&p=..", a pass from the dashboard's JSON (renewed
  // by every re-check) with which nginx serves each version from its cache.
  const passes = new Map();

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
    const g = gen;
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
    if (g !== gen) return;                            // another dashboard is shown now
    const el = widgetEl(name);
    if (!el || job.want <= versionOf(el)) return;     // caught up
    if (job.again) {
      run(name, job);
    } else if (failed && job.tries < 3) {
      // Transient failure (network, 5xx, timeout): a few spaced retries.
      // Beyond that the next push message or stream (re)open catches up.
      job.timer = setTimeout(() => { if (!job.busy && g === gen) run(name, job); }, 2000 * 2 ** job.tries++);
    }
  }

  // Fetches the fragment and replaces the widget element. Throws on failures
  // worth retrying; a 4xx or an unusable body just keeps the old element.
  async function swapIn(name) {
    const g = gen;
    const pass = passes.get(name);
    const job = jobs.get(name);
    let res = null;
    if (pass && job && job.want) {
      res = await request(`widget/${name}?v=${job.want}&${pass}`, 'text/html');
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
    const tpl = document.createElement('template');   // inert: no scripts run, no images load
    tpl.innerHTML = await res.text();
    if (g !== gen) return;
    const fresh = tpl.content.firstElementChild;
    // E.g. a login page after the session expired has no widget root.
    if (!fresh || fresh.getAttribute('data-widget') !== name) return;
    const old = widgetEl(name);
    if (!old) return;
    // Answers can overtake each other; never go back to an older version.
    if (versionOf(fresh) < versionOf(old)) return;
    const newer = versionOf(fresh) > versionOf(old);
    const wasDanger = inDanger(old);
    let el;
    if (gs) {
      el = morph(old, fresh);        // gridstack holds on to the element itself
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
  }

  // While editing: the new content goes into the element gridstack manages;
  // its place, gridstack's classes and the resize handle stay.
  function morph(old, fresh) {
    for (const a of [...old.attributes]) {
      if (a.name.startsWith('data-') && !POS_ATTRS.includes(a.name) && !fresh.hasAttribute(a.name)) old.removeAttribute(a.name);
    }
    for (const a of [...fresh.attributes]) {
      if (a.name === 'style' || a.name === 'class' || POS_ATTRS.includes(a.name)) continue;
      if (old.getAttribute(a.name) !== a.value) old.setAttribute(a.name, a.value);
    }
    const keep = [...old.classList].filter((c) => /^(grid-stack|ui-)/.test(c));
    old.className = fresh.className;
    old.classList.add(...keep);
    const handles = [...old.children].filter((c) => c.classList.contains('ui-resizable-handle'));
    old.replaceChildren(...fresh.childNodes, ...handles);
    return old;
  }

  // Compares every shown version and place with the server's and fetches
  // what is behind. Runs on each stream open: covers updates made between
  // page render and subscribe, while disconnected, and after nchan lost its
  // buffer; and on every layout event.
  async function recheck() {
    const g = gen;
    try {
      const res = await request('api/dashboards/' + slug, 'application/json');
      if (g !== gen) return;
      // A rotating screen skips a dashboard that has gone.
      if (res.status === 404 && rotation) {
        rotateSoon();
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
      if (g !== gen) return;
      stream = data && typeof data.stream === 'string' && STREAM_RE.test(data.stream)
        ? { slug, query: data.stream, at: Date.now() } : null;
      const list = data && Array.isArray(data.widgets) ? data.widgets : [];
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

  /* ---- fitting: nothing a user reads is cut ------------------------------- */

  // CSS sizes every text from its widget and, for values, from their length
  // (mdash.css, "fitting"); it cannot measure text. This measures and
  // refines, within the bounds CSS gives (--fit-max, --fit-min):
  //   values (numbers, times, status words): one line, scaled down until
  //     whole, however small that is;
  //   titles and labels: scaled down to --fit-min, then an ellipsis, with the
  //     full text on hover;
  //   lists: scaled down until every value is whole (at most 60 % of its
  //     row) and every row fits; below --fit-min the rows that do not fit
  //     are left out and counted ("+N more");
  //   text bodies: scaled down to --fit-min, then clamped to the lines that
  //     fit, with an ellipsis and the full text on hover.
  // It runs for a widget when it is swapped in, when its size changes
  // (ResizeObserver: window, layout, editing) and when fonts arrive. Every
  // step reads all boxes first and then writes all sizes, so a run costs a
  // few layouts however many widgets it fits, and its rounds are bounded.
  const FIT_PARTS = [
    ['value', ':scope > .value, :scope > .meter > .value, :scope > .change'],
    ['label', ':scope > .widget-title, :scope > .clock-zone, :scope > .moreinfo'],
    ['list', ':scope > .items'],
    ['text', ':scope > .text'],
  ];
  const FIT_ROOM = 0.97;       // of the measured room: sub-pixel rounding
  const FIT_ROUNDS = 5;        // correction rounds after the first estimate
  const FIT_VALUE_SHARE = 0.6; // of a list row, at most, for its value
  const fittedAt = new WeakMap();   // widget -> "WxH" it was last fitted at

  const lengthOf = (cs, prop) => parseFloat(cs.getPropertyValue(prop)) || 0;
  const overflows = (el) => el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight;
  const sizeKey = (w) => `${w.offsetWidth}x${w.offsetHeight}`;

  function textWidth(el) {
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect().width;
  }

  function setSize(el, px) {
    el.classList.add('fit-set');
    el.style.fontSize = `${Math.max(1, Math.floor(px * 4) / 4)}px`;
  }

  // What a previous run did, undone: CSS sizes again (write).
  function unfit(el) {
    el.classList.remove('fit-set', 'fit-clamp');
    el.style.removeProperty('font-size');
    el.style.removeProperty('-webkit-line-clamp');
    if (el.hasAttribute('data-fit-title')) {
      el.removeAttribute('title');
      el.removeAttribute('data-fit-title');
    }
    el.removeAttribute('data-more');
    for (const li of el.querySelectorAll(':scope > .fit-hidden')) li.classList.remove('fit-hidden');
  }

  // The full text on hover, for a part cut with an ellipsis (write).
  function hoverText(el) {
    if (el.hasAttribute('title')) return;
    el.title = el.textContent.trim();
    el.setAttribute('data-fit-title', '');
  }

  // First estimates (read only): the size each part wants.
  const measure = {
    value(j, cs) {
      const w = j.el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      const h = j.el.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
      const text = textWidth(j.el);
      // The glyphs' box (about 1.2em) must fit, not just a tighter line.
      const line = Math.max(parseFloat(cs.lineHeight) / j.size || 0, 1.2);
      j.want = Math.min(lengthOf(cs, '--fit-max') || j.size, text > 0 ? j.size * w * FIT_ROOM / text : j.size, h / line);
    },
    label(j, cs) {
      const min = Math.min(lengthOf(cs, '--fit-min') || j.size, j.size);
      const ratio = j.el.scrollWidth > j.el.clientWidth ? j.el.clientWidth * FIT_ROOM / j.el.scrollWidth : 1;
      j.want = Math.max(min, j.size * ratio);
      j.cut = j.size * ratio < min;
      j.done = true;                      // the ellipsis takes what is left
    },
    list(j, cs) {
      const rows = [...j.el.children];
      let share = 1;
      for (const li of rows) {
        const v = li.querySelector('.value');
        const room = li.clientWidth * FIT_VALUE_SHARE;
        if (v && v.scrollWidth > room) share = Math.min(share, room * FIT_ROOM / v.scrollWidth);
      }
      const min = Math.min(lengthOf(cs, '--fit-min') || j.size, j.size);
      const tall = j.el.scrollHeight > j.el.clientHeight ? j.el.clientHeight * FIT_ROOM / j.el.scrollHeight : 1;
      const scale = Math.min(share, Math.max(tall, min / j.size));
      j.want = j.size * scale;
      // Rows are one line each: their height follows the size.
      const row = rows.length ? (j.el.scrollHeight / rows.length) * scale : 0;
      // Rows that share the list's height evenly give h / (h / n): n, give
      // or take a rounding error that must not cost a row.
      const fit = row > 0 ? Math.floor(j.el.clientHeight / row + 0.01) : rows.length;
      j.show = fit >= rows.length ? rows.length : Math.max(0, fit - 1);   // a line for "+N more"
      j.rows = rows;
    },
    text(j, cs) {
      j.min = Math.min(lengthOf(cs, '--fit-min') || j.size, j.size);
      j.line = parseFloat(cs.lineHeight) / j.size || 1.35;
      j.room = j.el.clientHeight;
      if (!overflows(j.el)) {
        j.want = j.size;
        j.done = true;
        return;
      }
      const area = Math.sqrt(j.el.clientHeight / j.el.scrollHeight);
      const wide = j.el.scrollWidth > j.el.clientWidth ? j.el.clientWidth / j.el.scrollWidth : 1;
      j.want = Math.max(j.min, j.size * Math.min(area, wide) * FIT_ROOM);
    },
  };

  // Writes a part's size (and, for lists, which rows show). Only a value may
  // grow: CSS's guess from its length in characters errs on the small side.
  function apply(j) {
    if (Math.abs(j.want - j.size) > 0.1) setSize(j.el, j.want);
    if (j.kind === 'label' && j.cut) hoverText(j.el);
    if (j.kind === 'list' && j.show < j.rows.length) {
      j.el.classList.add('fit-set');
      j.rows.forEach((li, i) => { if (i >= j.show) li.classList.add('fit-hidden'); });
      j.el.dataset.more = j.rows.length - j.show;
    }
  }

  // One more step for a part that still overflows (write).
  function correct(j, last) {
    const el = j.el;
    if (j.kind === 'value') {
      const now = parseFloat(el.style.fontSize) || j.size;
      setSize(el, j.want = now * Math.min(el.clientWidth / el.scrollWidth, el.clientHeight / el.scrollHeight) * FIT_ROOM);
    } else if (j.kind === 'list') {
      if (el.scrollWidth > el.clientWidth) setSize(el, j.want *= el.clientWidth / el.scrollWidth * FIT_ROOM);
      if (el.scrollHeight > el.clientHeight && j.show > 0) {
        j.show--;
        j.rows[j.show].classList.add('fit-hidden');
        el.dataset.more = j.rows.length - j.show;
        el.classList.add('fit-set');
      }
    } else if (j.want > j.min && !last) {
      setSize(el, j.want = Math.max(j.min, j.want * 0.9));
    } else {
      // A text no box can hold: as many lines as fit, an ellipsis, all of it on hover.
      setSize(el, j.want = j.min);
      el.classList.add('fit-clamp');
      el.style.setProperty('-webkit-line-clamp', String(Math.max(1, Math.floor(j.room / (j.min * j.line)))));
      hoverText(el);
      j.done = true;
    }
  }

  function fitWidgets(widgets) {
    for (const w of widgets) for (const el of w.querySelectorAll('.fit-set')) unfit(el);
    const jobs = [];
    for (const w of widgets) {
      if (!w.isConnected || !w.offsetWidth) continue;   // not shown (yet)
      fittedAt.set(w, sizeKey(w));
      for (const [kind, sel] of FIT_PARTS) {
        for (const el of w.querySelectorAll(sel)) {
          const cs = getComputedStyle(el);
          const j = { kind, el, size: parseFloat(cs.fontSize), done: false };
          if (!(j.size > 0) || !el.clientWidth) continue;
          measure[kind](j, cs);
          jobs.push(j);
        }
      }
    }
    for (const j of jobs) apply(j);
    for (let round = 0; round < FIT_ROUNDS; round++) {
      const over = jobs.filter((j) => !j.done && overflows(j.el));
      if (!over.length) break;
      for (const j of over) correct(j, round === FIT_ROUNDS - 1);
    }
  }

  const fitAll = () => fitWidgets([...board.querySelectorAll('[data-widget]')]);

  // Widgets are size containers in fixed grid cells: what is written above
  // never changes their size, so this cannot loop.
  const resized = typeof ResizeObserver === 'function' ? new ResizeObserver((entries) => {
    const due = entries.map((e) => e.target).filter((w) => fittedAt.get(w) !== sizeKey(w));
    if (due.length) fitWidgets(due);
  }) : null;

  function watchSizes() {
    if (!resized) return;
    resized.disconnect();
    for (const w of board.querySelectorAll('[data-widget]')) resized.observe(w);
  }

  // After a swap: the new element is fitted now and watched from now on.
  function refit(old, el) {
    if (resized && old !== el) {
      resized.unobserve(old);
      resized.observe(el);
    }
    fitWidgets([el]);
  }

  /* ---- connection indicator --------------------------------------------- */

  const conn = document.querySelector('.conn');
  function setConn(state) {
    if (!conn || conn.dataset.conn === state) return;  // role=status: announce changes only
    conn.dataset.conn = state;
    conn.textContent = state;
  }
  setConn('connecting');   // the server's "static" is for pages without JavaScript

  /* ---- push stream ------------------------------------------------------ */

  let es = null;         // current EventSource
  let retryTimer = 0;
  let renewTimer = 0;
  let attempt = 0;       // failed (re)connects since the last successful open
  let lostAt = 0;        // when the stream was last lost, 0 while live

  function onMessage(e) {
    let m;
    try { m = JSON.parse(e.data); } catch (err) { return; }
    if (!m || typeof m !== 'object') return;
    if (m.event === 'reload' && (m.dashboard === slug || m.dashboard === '*')) {
      if (!freshReload(e)) return;
      // "*": access ended (logout, a revoked link): the app's answer at once.
      // A dashboard's own reload (Dashing's event, sent to every screen):
      // spread over a second, after the copies nginx made before it are
      // gone (2 s: lib/pass.h), so that a wall of screens costs one render.
      if (m.dashboard === '*') reloadFresh();
      else setTimeout(() => location.reload(), 2000 + Math.random() * 1000);
      return;
    }
    if (m.event === 'layout' && m.dashboard === slug) {
      recheck();         // the API lists every widget's place
      return;
    }
    const v = Number(m.version);
    if (typeof m.widget === 'string' && ID_RE.test(m.widget) && Number.isSafeInteger(v)) want(m.widget, v);
  }

  // nchan hands a new subscriber the last message of each channel, so a
  // page that reloaded because of a "reload" gets that same message again.
  // Acted on once per tab (sessionStorage), and one published before this
  // stream opened (the message id starts with its time) is old news.
  let openedAt = 0;
  function freshReload(e) {
    const id = String(e.lastEventId || '');
    const sent = parseInt(id, 10) * 1000;
    if (Number.isFinite(sent) && openedAt && sent < openedAt + skew - 2000) return false;
    const key = `${id.split(':')[0]}|${e.data}`;
    try {
      if (sessionStorage.getItem('mdash-reload') === key) return false;
      sessionStorage.setItem('mdash-reload', key);
    } catch (err) {
      // No storage (privacy mode): the time check alone.
    }
    return true;
  }

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
  let stream = null;     // {slug, query, at}: the last re-check's stream pass
  let refused = 0;       // stream passes refused in a row
  const passFor = () => (stream && stream.slug === slug && refused < 2 &&
    Date.now() - stream.at < STREAM_PASS_USE ? stream.query : '');

  let connecting = 0;    // bumped by every connect(), so that only the last goes on
  async function connect() {
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
    const src = es = new EventSource(urlFor(`sub/d/${slug}${pass ? '?' + pass : ''}`));
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
          stream = null;
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
    clearTimeout(retryTimer);
    clearTimeout(renewTimer);
    if (es) es.close();
    es = null;
  });
  addEventListener('pageshow', (e) => { if (e.persisted) reconnectIfDown(); });
  // "Share link" (admins): makes a read-only link to this dashboard for a
  // wall screen and shows it once, selected for copying.
  const shareButton = document.querySelector('.share-make');
  const shareOut = document.querySelector('.share-out');
  if (shareButton && shareOut) {
    shareButton.addEventListener('click', async () => {
      shareButton.disabled = true;
      shareOut.textContent = 'Making a link…';
      try {
        const token = document.querySelector('meta[name="csrf-token"]');
        const res = await fetch(base + 'api/dashboards/' + slug + '/shares', {
          method: 'POST', credentials: 'same-origin',
          headers: { 'X-CSRF-Token': token ? token.content : '', 'Content-Type': 'application/json' }, body: '{}',
        });
        const data = await res.json().catch(() => ({}));
        if (!res.ok || typeof data.url !== 'string') throw new Error(data.error || ('HTTP ' + res.status));
        const url = new URL(data.url, location.href).href;
        const input = document.createElement('input');
        input.className = 'share-url';
        input.readOnly = true;
        input.value = url;
        input.setAttribute('aria-label', 'Share link (revoke with: mdash share rm ' + data.id + ')');
        shareOut.replaceChildren(input);
        input.focus();
        input.select();
      } catch (e) {
        shareOut.textContent = 'No link: ' + e.message;
      } finally {
        shareButton.disabled = false;
      }
    });
  }

  // A form (Log out) is taking the page somewhere: the stream's own "reload"
  // for this very logout must not race that navigation.
  document.addEventListener('submit', () => {
    clearTimeout(retryTimer);
    if (es) es.close();
    es = null;
  });

  /* ---- clock widgets ------------------------------------------------------ */

  // The server rendered the time of the render; keep it ticking in the
  // widget's own time zone.
  const clockFormats = new Map();
  function tickClocks() {
    const longer = [];
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
        if (clockFormats.size < 64) clockFormats.set(key, f);
      }
      const text = f ? f.format(new Date(now())) : c.textContent;
      if (c.textContent === text) continue;
      if (c.textContent.length !== text.length) longer.push(c.closest('[data-widget]'));
      c.textContent = text;
    }
    if (longer.length) fitWidgets(longer);   // tabular digits: only a new length needs room
  }

  /* ---- layout editing (admins) ------------------------------------------- */

  // The button is only in the page for admins, and gridstack only loaded
  // for them; a viewer never gets here.
  const editBtn = document.querySelector('button.edit-layout');
  const editStatus = document.querySelector('.edit-status');
  const csrf = meta('csrf-token');
  const GridStack = typeof window.GridStack === 'function' ? window.GridStack : window.GridStack && window.GridStack.GridStack;
  const narrow = matchMedia('(max-width: 639.98px)');
  let gs = null;          // the GridStack instance while editing
  let applying = false;   // moving widgets to the server's places
  let keying = false;     // moving a widget from the keyboard
  let gridStyle = null;   // the grid's style attribute before editing
  let saveTimer = 0;
  let saving = false;
  let dirty = false;      // a change not yet sent
  let saveFails = 0;

  function say(text, kind) {
    if (!editStatus) return;
    editStatus.textContent = text;
    if (kind) editStatus.dataset.kind = kind; else delete editStatus.dataset.kind;
  }

  const gridItems = () => [...board.querySelectorAll('ul.grid > [data-widget]')];
  const titleOf = (el) => (el.querySelector('.widget-title')?.textContent.trim()) || el.dataset.widget;

  // gridstack's nodes (0-based) back into the data attributes (1-based).
  function syncFromGrid() {
    if (!gs) return;
    for (const el of gridItems()) {
      const n = el.gridstackNode;
      if (n) setPosAttrs(el, { col: n.x + 1, row: n.y + 1, sizex: n.w, sizey: n.h });
    }
  }

  function startEdit() {
    if (gs || !GridStack || narrow.matches) return;
    const ul = board.querySelector('ul.grid');
    if (!ul) return;
    // Cells as tall as the CSS grid's rows, so nothing jumps.
    const cs = getComputedStyle(ul);
    const gap = parseFloat(cs.rowGap) || 0;
    const track = parseFloat(cs.gridTemplateRows) || 160;
    gridStyle = ul.getAttribute('style');
    for (const el of gridItems()) {
      const p = posOf(el);
      el.classList.add('grid-stack-item');
      el.setAttribute('gs-id', el.dataset.widget);
      el.setAttribute('gs-x', p.col - 1);
      el.setAttribute('gs-y', p.row - 1);
      el.setAttribute('gs-w', p.sizex);
      el.setAttribute('gs-h', p.sizey);
      el.setAttribute('gs-max-h', MAX_SIZEY);
      el.tabIndex = 0;
      el.setAttribute('aria-describedby', 'edit-help');
    }
    gs = GridStack.init({
      column: columns(),
      cellHeight: Math.round(track + gap),
      margin: 0,                     // the gap is drawn inside each cell (CSS)
      float: true,                   // widgets stay where they are put
      animate: true,
      handle: '.widget',             // the whole widget drags
      alwaysShowResizeHandle: true,
      resizable: { handles: 'se' },
      draggable: { scroll: true },
    }, ul);
    syncFromGrid();
    // A drag or a resize ends with the drop: saved at once, so that a reload
    // right after it shows the new place. Keys repeat: a short pause gathers
    // a run of them into one save.
    gs.on('change', () => {
      syncFromGrid();
      if (!applying) scheduleSave(keying ? 300 : 0);
    });
    document.documentElement.classList.add('editing');
    editBtn.setAttribute('aria-pressed', 'true');
    say('Editing the layout: changes are saved at once.');
  }

  function stopEdit() {
    if (!gs) return;
    syncFromGrid();
    const ul = gs.el;
    gs.destroy(false);                  // keeps the elements
    gs = null;
    ul.classList.remove(...[...ul.classList].filter((c) => /^(grid-stack|gs-)/.test(c)));
    if (gridStyle === null) ul.removeAttribute('style'); else ul.setAttribute('style', gridStyle);
    ul.removeAttribute('gs-current-row');
    for (const el of gridItems()) {
      const p = posOf(el);
      el.classList.remove(...[...el.classList].filter((c) => /^(grid-stack|ui-)/.test(c)));
      for (const a of [...el.attributes]) if (a.name.startsWith('gs-')) el.removeAttribute(a.name);
      for (const h of el.querySelectorAll(':scope > .ui-resizable-handle')) h.remove();
      el.removeAttribute('tabindex');
      el.removeAttribute('aria-describedby');
      el.removeAttribute('style');
      placeCss(el, p);
    }
    document.documentElement.classList.remove('editing');
    editBtn.setAttribute('aria-pressed', 'false');
    if (dirty) save(); else say('');
  }

  function scheduleSave(ms = 300) {
    dirty = true;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, ms);
  }

  // Sends the whole layout: one POST, with the page's CSRF token.
  async function save() {
    clearTimeout(saveTimer);
    saveTimer = 0;
    if (saving || !dirty) return;     // a running save looks at `dirty` when it ends
    saving = true;
    dirty = false;
    const g = gen;
    const widgets = gridItems().map((el) => ({ name: el.dataset.widget, ...posOf(el) }));
    say('Saving…');
    let retry = false;
    let reload = false;
    try {
      const res = await fetch(urlFor(`api/dashboards/${slug}/layout`), {
        method: 'POST',
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify({ widgets }),
        keepalive: true,                // may be sent while the page unloads
        signal: timeout(),
      });
      if (res.ok) {
        saveFails = 0;                  // (the answer set mdash_fresh: a reload shows the new places)
        say('Layout saved.');
      } else {
        let why = `HTTP ${res.status}`;
        try { why = (await res.json()).error || why; } catch (e) { /* not JSON */ }
        say(`Not saved: ${why}`, 'error');
        retry = res.status >= 500;
        reload = !retry;                // refused: show what the server has
      }
    } catch (e) {
      say('Not saved: no connection. Trying again…', 'error');
      retry = true;
    }
    saving = false;
    if (g !== gen) return;
    if (retry) {
      dirty = true;
      saveTimer = setTimeout(save, Math.min(30000, 2000 * 2 ** saveFails++));
    } else if (dirty) {
      save();                           // changed again while this one ran
    } else if (reload) {
      recheck();
    }
  }

  // Keyboard moving and resizing of the focused widget while editing.
  const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  function onEditKey(e) {
    if (!gs || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      stopEdit();
      editBtn.focus();
      return;
    }
    const d = ARROWS[e.key];
    const el = e.target;
    if (!d || !(el instanceof Element) || !el.matches('ul.grid > [data-widget]') || !el.gridstackNode) return;
    e.preventDefault();
    const n = el.gridstackNode;
    const cols = columns();
    let { x, y, w, h } = n;
    if (e.shiftKey) {
      w = clamp(w + d[0], 1, cols - x);
      h = clamp(h + d[1], 1, MAX_SIZEY);
    } else {
      x = clamp(x + d[0], 0, cols - w);
      y = Math.max(0, y + d[1]);
    }
    if (x === n.x && y === n.y && w === n.w && h === n.h) {
      say(`${titleOf(el)}: ${e.shiftKey ? 'cannot be resized further' : 'cannot move further'} that way.`);
      return;
    }
    keying = true;
    try {
      gs.update(el, { x, y, w, h });
    } finally {
      keying = false;
    }
    syncFromGrid();
    scheduleSave();
    const p = posOf(el);
    say(`${titleOf(el)}: column ${p.col}, row ${p.row}, ${p.sizex} wide, ${p.sizey} high.`);
    el.scrollIntoView({ block: 'nearest' });
  }

  if (editBtn && GridStack && csrf && meta('mdash-admin') === '1') {
    editBtn.hidden = false;
    editBtn.addEventListener('click', () => (gs ? stopEdit() : startEdit()));
    document.addEventListener('keydown', onEditKey);
    narrow.addEventListener('change', () => { if (narrow.matches) stopEdit(); });
    addEventListener('beforeunload', () => {
      if (dirty || saving) skipPageCopies();  // the next page is the app's, not a copy from before
      if (dirty) save();
    });
  }

  /* ---- rotation: ?rotate=SECONDS[&dashboards=a,b,c] ----------------------- */

  const params = new URLSearchParams(location.search);
  const rotateSec = Number(params.get('rotate'));
  const rotation = params.has('rotate') && Number.isFinite(rotateSec) && rotateSec > 0
    ? clamp(rotateSec, 2, 86400) * 1000 : 0;
  const picked = (params.get('dashboards') || '').split(',').map((x) => x.trim()).filter((x) => ID_RE.test(x));
  let order = picked.slice();    // the slugs to cycle through, in order
  let at = slug;                 // where in `order` the rotation is
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
    stopEdit();
    gen++;
    for (const job of jobs.values()) clearTimeout(job.timer);
    jobs.clear();
    board.replaceWith(p.main);
    board = p.main;
    slug = board.dataset.dashboard;
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
    if (gs) {                                          // not while an admin edits
      scheduleRotation(rotation);
      return;
    }
    await refreshOrder();
    let p = null;
    if (order.length > 0) {
      let i = order.indexOf(at);
      if (i < 0) i = order.indexOf(slug);
      const next = order[(i + 1) % order.length];
      at = next;
      if (next !== slug) {
        try { p = await load(next); } catch (e) { p = null; }   // a failure skips it this round
      }
    }
    const wait = Math.max(0, lead - (Date.now() - t0));
    rotTimer = setTimeout(() => {
      if (p && !gs) mount(p);
      scheduleRotation(rotation - lead);
    }, wait);
  }

  function rotateSoon() {
    if (rotation) scheduleRotation(0);
  }

  /* ---- alarm: a widget entering danger -------------------------------------- */

  // What the page shows first, as the server judges it: an error or
  // staleness hides the value's colour.
  function inDanger(el) {
    return el.dataset.status === 'danger' && el.dataset.state !== 'error' && el.dataset.state !== 'stale';
  }

  // A widget that enters danger pulses briefly (the CSS leaves that out
  // under prefers-reduced-motion). On a kiosk screen with ?sound=1, a
  // short two-note tone plays too, made by the Web Audio API (no file).
  const ALARM_MS = 2500;
  const soundOn = document.documentElement.classList.contains('kiosk') && params.has('sound')
    && !/^(0|false|no|off)$/i.test(params.get('sound'));
  const alarmTimers = new WeakMap();   // widget -> the timer that ends its pulse
  let audio = null;
  let lastTone = 0;

  function alarm(el) {
    el.classList.remove('alarm');
    void el.offsetWidth;                       // restarts the pulse if it runs
    el.classList.add('alarm');
    clearTimeout(alarmTimers.get(el));
    alarmTimers.set(el, setTimeout(() => el.classList.remove('alarm'), ALARM_MS));
    if (soundOn) tone();
  }

  function tone() {
    if (!audio || Date.now() - lastTone < ALARM_MS) return;  // several widgets at once: one tone
    lastTone = Date.now();
    try {
      if (audio.state === 'suspended') audio.resume().catch(() => {});
      const t = audio.currentTime;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.setValueAtTime(880, t);
      osc.frequency.setValueAtTime(660, t + 0.18);
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.4);
      osc.connect(gain).connect(audio.destination);
      osc.start(t);
      osc.stop(t + 0.42);
    } catch (e) {
      // No sound on this screen; the pulse still shows.
    }
  }

  if (soundOn && window.AudioContext) {
    // Browsers start audio only after a gesture, unless told otherwise
    // (a kiosk's --autoplay-policy=no-user-gesture-required): the first
    // touch, click or key on the wall unlocks it.
    try { audio = new AudioContext(); } catch (e) { audio = null; }
    const unlock = () => { if (audio && audio.state === 'suspended') audio.resume().catch(() => {}); };
    for (const ev of ['pointerdown', 'keydown']) addEventListener(ev, unlock, { passive: true });
  }

  /* ---- kiosk: hide an idle mouse pointer ---------------------------------- */

  if (document.documentElement.classList.contains('kiosk')) {
    let idle = 0;
    const wake = () => {
      document.documentElement.classList.remove('idle');
      clearTimeout(idle);
      idle = setTimeout(() => document.documentElement.classList.add('idle'), 3000);
    };
    addEventListener('pointermove', wake, { passive: true });
    wake();
  }

  /* ---- start -------------------------------------------------------------- */

  tick();
  tickClocks();
  watchSizes();          // fits every widget before it is painted, then on every resize
  if (document.fonts) document.fonts.ready.then(fitAll, () => {});
  setInterval(() => { if (!document.hidden) tick(); }, TICK);
  setInterval(() => { if (!document.hidden) tickClocks(); }, 1000);
  // A periodic re-check bounds how long a page outlives its access, and
  // catches anything a stream might have missed.
  setInterval(recheck, RECHECK);
  connect();
  if (rotation) scheduleRotation(rotation - Math.min(3000, rotation / 2));

  /* ---- the list of dashboards (GET /) ------------------------------------- */

  function keepListFresh(main) {
    const EVERY = 30000;
    const refresh = async () => {
      if (document.hidden) return;
      try {
        const res = await fetch(location.href, { credentials: 'same-origin', cache: 'no-store',
          headers: { Accept: 'text/html' } });
        if (!res.ok) return;
        const doc = new DOMParser().parseFromString(await res.text(), 'text/html');   // inert
        // Not a list any more (one dashboard left, the login page): keep this one.
        const fresh = doc.querySelector('main.dashboard-list');
        if (!fresh || fresh.innerHTML === main.innerHTML) return;
        // Focus stays on the card it was on.
        const had = main.contains(document.activeElement) ? document.activeElement.getAttribute('href') : null;
        main.replaceChildren(...[...fresh.childNodes].map((n) => document.adoptNode(n)));
        if (had) main.querySelector(`a[href="${CSS.escape(had)}"]`)?.focus();
      } catch (e) {
        // Offline: keep what is shown.
      }
    };
    setInterval(refresh, EVERY);
    document.addEventListener('visibilitychange', refresh);
  }
})();
