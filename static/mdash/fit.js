/* SPDX-License-Identifier: MIT */
/* fit.js: nothing a user reads is cut.
 *
 * CSS sizes every text from its widget and, for values, from their length
 * (mdash.css, "fitting"); it cannot measure text. This measures and
 * refines, within the bounds CSS gives (--fit-max, --fit-min):
 *   values (numbers, times, status words): one line, scaled down until
 *     whole, however small that is;
 *   titles and labels: scaled down to --fit-min, then an ellipsis, with the
 *     full text on hover;
 *   lists: scaled down until every value is whole (at most 60 % of its
 *     row) and every row fits; below --fit-min the rows that do not fit
 *     are left out and counted ("+N more");
 *   text bodies: scaled down to --fit-min, then clamped to the lines that
 *     fit, with an ellipsis and the full text on hover.
 * It runs for a widget when it is swapped in, when its size changes
 * (ResizeObserver: window, layout, editing) and when fonts arrive. Every
 * step reads all boxes first and then writes all sizes, so a run costs a
 * few layouts however many widgets it fits, and its rounds are bounded.
 */
import { page } from './state.js';

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

export function fitWidgets(widgets) {
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

export const fitAll = () => fitWidgets([...page.board.querySelectorAll('[data-widget]')]);

// Widgets are size containers in fixed grid cells: what is written above
// never changes their size, so this cannot loop.
const resized = typeof ResizeObserver === 'function' ? new ResizeObserver((entries) => {
  const due = entries.map((e) => e.target).filter((w) => fittedAt.get(w) !== sizeKey(w));
  if (due.length) fitWidgets(due);
}) : null;

export function watchSizes() {
  if (!resized) return;
  resized.disconnect();
  for (const w of page.board.querySelectorAll('[data-widget]')) resized.observe(w);
}

// After a swap: the new element is fitted now and watched from now on.
export function refit(old, el) {
  if (resized && old !== el) {
    resized.unobserve(old);
    resized.observe(el);
  }
  fitWidgets([el]);
}
