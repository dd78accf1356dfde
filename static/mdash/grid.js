/* SPDX-License-Identifier: MIT */
/* grid.js: a widget's place on the board, as its data attributes and the
 * CSS grid hold it (1-based, as the server's). */
import { ID_RE, MAX_SIZEY, clamp } from './util.js';
import { page, widgetEl } from './state.js';

export const POS_ATTRS = ['data-col', 'data-row', 'data-sizex', 'data-sizey'];
export const columns = () => clamp(parseInt(page.board.dataset.columns, 10) || 6, 1, 48);

export function posOf(el) {
  const n = (k, d) => parseInt(el.dataset[k], 10) || d;
  const cols = columns();
  const sizex = clamp(n('sizex', 1), 1, cols);
  return { col: clamp(n('col', 1), 1, cols - sizex + 1), row: Math.max(1, n('row', 1)),
    sizex, sizey: clamp(n('sizey', 1), 1, MAX_SIZEY) };
}

export const samePos = (a, b) => a.col === b.col && a.row === b.row && a.sizex === b.sizex && a.sizey === b.sizey;

export function setPosAttrs(el, p) {
  el.dataset.col = p.col;
  el.dataset.row = p.row;
  el.dataset.sizex = p.sizex;
  el.dataset.sizey = p.sizey;
}

// Places a widget in the CSS grid (the same style the server writes).
export function placeCss(el, p) {
  setPosAttrs(el, p);
  el.style.gridColumn = `${p.col} / span ${p.sizex}`;
  el.style.gridRow = `${p.row} / span ${p.sizey}`;
}

// The usable entries of the server's list of places: widgets of this page
// with whole, positive numbers.
export function* layoutTargets(list) {
  for (const w of list) {
    if (!w || typeof w.name !== 'string' || !ID_RE.test(w.name)) continue;
    const el = widgetEl(w.name);
    if (!el) continue;
    const p = { col: w.col, row: w.row, sizex: w.sizex, sizey: w.sizey };
    if (!Object.values(p).every((v) => Number.isSafeInteger(v) && v >= 1)) continue;
    yield { el, p };
  }
}

// Moves the widgets to the places the server lists (after a layout event,
// or on a re-check). Widgets not on this page are ignored; while an admin
// edits, the editor places them.
export function applyLayout(list) {
  if (page.editor && page.editor.active()) {
    page.editor.applyLayout(list);
    return;
  }
  for (const { el, p } of layoutTargets(list)) {
    if (!samePos(p, posOf(el))) placeCss(el, p);
  }
}
