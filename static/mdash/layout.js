/* SPDX-License-Identifier: MIT */
/* layout.js: "Edit layout" for admins, with gridstack: drag, resize, or
 * move with the keyboard; every change is saved with one POST. Loaded only
 * when the page says its user may edit (mdash.js); a viewer never gets it. */
import { MAX_SIZEY, meta, urlFor, timeout, skipPageCopies, clamp } from './util.js';
import { page } from './state.js';
import { POS_ATTRS, columns, posOf, samePos, setPosAttrs, placeCss, layoutTargets } from './grid.js';
import { recheck } from './swap.js';

let editBtn = null;
let editStatus = null;
let csrf = '';
let GridStack = null;
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

const gridItems = () => [...page.board.querySelectorAll('ul.grid > [data-widget]')];
const titleOf = (el) => (el.querySelector('.widget-title')?.textContent.trim()) || el.dataset.widget;

// gridstack's nodes (0-based) back into the data attributes (1-based).
function syncFromGrid() {
  if (!gs) return;
  for (const el of gridItems()) {
    const n = el.gridstackNode;
    if (n) setPosAttrs(el, { col: n.x + 1, row: n.y + 1, sizex: n.w, sizey: n.h });
  }
}

// The server's places, while editing: our own unsaved edits win until saved.
function applyLayout(list) {
  if (dirty || saving) return;
  let moved = false;
  applying = true;                        // gridstack's "change" is ours: not a user's edit
  try {
    for (const { el, p } of layoutTargets(list)) {
      const n = el.gridstackNode;
      const cur = n ? { col: n.x + 1, row: n.y + 1, sizex: n.w, sizey: n.h } : posOf(el);
      if (samePos(p, cur)) continue;
      if (n) {
        if (!moved) gs.batchUpdate();
        setPosAttrs(el, p);
        gs.update(el, { x: p.col - 1, y: p.row - 1, w: p.sizex, h: p.sizey });
        moved = true;
      } else {
        placeCss(el, p);
      }
    }
    if (moved) {
      gs.batchUpdate(false);
      syncFromGrid();
    }
  } finally {
    applying = false;
  }
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

function startEdit() {
  if (gs || !GridStack || narrow.matches) return;
  const ul = page.board.querySelector('ul.grid');
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
  const g = page.gen;
  const widgets = gridItems().map((el) => ({ name: el.dataset.widget, ...posOf(el) }));
  say('Saving…');
  let retry = false;
  let reload = false;
  try {
    const res = await fetch(urlFor(`api/dashboards/${page.slug}/layout`), {
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
  if (g !== page.gen) return;
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

// Shows the "Edit layout" button and takes its part in the page. The
// button is only in the page for admins, and gridstack only loaded for them.
export function startLayoutEditor() {
  editBtn = document.querySelector('button.edit-layout');
  editStatus = document.querySelector('.edit-status');
  csrf = meta('csrf-token');
  GridStack = typeof window.GridStack === 'function' ? window.GridStack : window.GridStack && window.GridStack.GridStack;
  if (!editBtn || !GridStack || !csrf) return;
  page.editor = {
    active: () => gs !== null,
    applyLayout,
    morph,
    stop: stopEdit,
  };
  editBtn.hidden = false;
  editBtn.addEventListener('click', () => (gs ? stopEdit() : startEdit()));
  document.addEventListener('keydown', onEditKey);
  narrow.addEventListener('change', () => { if (narrow.matches) stopEdit(); });
  addEventListener('beforeunload', () => {
    if (dirty || saving) skipPageCopies();  // the next page is the app's, not a copy from before
    if (dirty) save();
  });
}
