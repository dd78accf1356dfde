/* SPDX-License-Identifier: MIT */
/* ui.js: what the authoring pages (admins) share: building elements, the
 * JSON API with the page's CSRF token, native dialogs that give focus back,
 * and the server's validation messages shown beside the field they name. */
import { meta, urlFor, timeout } from './util.js';

// An element: h('button', {type: 'button', onclick: f}, 'Save'). Text is
// always text (textContent), never markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

// An answer the API refused: its message, and the field it names.
export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field || '';
  }
}

// One API call. Resolves to the JSON body (null for 204); rejects with an
// ApiError that carries the server's message and field.
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = meta('csrf-token');
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(urlFor(path), {
      method, headers, credentials: 'same-origin', cache: 'no-store', signal: timeout(),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'No answer from the server. Check the connection and try again.');
  }
  if (res.status === 204) return null;
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) {
    const why = data && typeof data.error === 'string' ? data.error : `The server answered ${res.status}.`;
    throw new ApiError(res.status, why, data && typeof data.field === 'string' ? data.field : '');
  }
  return data;
}

/* ---- dialogs ---------------------------------------------------------------- */

// A modal <dialog> with a form: a title, the fields, a place for an error
// that names no field, and Cancel / the action. Focus goes to the first
// field, and back to what opened it when it closes.
export function formDialog({ title, fields, action, danger = false, onsubmit, wide = false, cancel = true }) {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: danger ? 'button danger' : 'button primary' }, action);
  const form = h('form', { method: 'dialog', class: 'author-form', novalidate: true },
    h('h2', { class: 'dialog-title' }, title), ...fields, error,
    h('div', { class: 'dialog-actions' },
      cancel ? h('button', { type: 'button', class: 'button', onclick: () => dialog.close() }, 'Cancel') : null, submit));
  const dialog = h('dialog', { class: wide ? 'author-dialog wide' : 'author-dialog', 'aria-label': title }, form);
  const opener = document.activeElement;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      if (await onsubmit(form) !== false) dialog.close();
    } catch (err) {
      showError(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  const first = form.querySelector('input:not([type=hidden]):not([disabled]), select, textarea');
  if (first) first.focus();
  return { dialog, form, error };
}

// Asks before something that cannot be undone.
export function confirmDialog(title, text, action, run) {
  return formDialog({ title, fields: [h('p', {}, text)], action, danger: true, onsubmit: run });
}

// Says something that needs no answer (why something could not be done).
export function messageDialog(title, text) {
  return formDialog({ title, fields: [h('p', {}, text)], action: 'Close', cancel: false, onsubmit: () => true });
}

// A secret shown once (a new password, token or link), ready to copy.
export function secretDialog(title, text, secret) {
  const input = h('input', { class: 'secret', readOnly: true, value: secret, 'aria-label': title });
  formDialog({ title, fields: [h('p', {}, text), input], action: 'Done', cancel: false, onsubmit: () => true });
  input.focus();
  input.select();
}

/* ---- fields and their errors -------------------------------------------------- */

let fieldIds = 0;

// A labelled field: the control gets `name` (the API's path of the field,
// e.g. "source.url"), so that an error naming it lands beside it.
export function field(label, control, hint) {
  control.id = control.id || `f${++fieldIds}`;
  const parts = [h('label', { for: control.id }, label), control];
  if (hint) {
    const id = `${control.id}-hint`;
    control.setAttribute('aria-describedby', id);
    parts.push(h('p', { class: 'field-hint', id }, hint));
  }
  return h('div', { class: 'field', dataset: { field: control.name || '' } }, ...parts);
}

export function clearErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) p.remove();
  for (const c of form.querySelectorAll('[aria-invalid]')) {
    c.removeAttribute('aria-invalid');
    const hint = `${c.id}-hint`;
    if (document.getElementById(hint)) c.setAttribute('aria-describedby', hint); else c.removeAttribute('aria-describedby');
  }
  const e = form.querySelector('.form-error');
  if (e) { e.hidden = true; e.textContent = ''; }
}

// The control for an API field path: the one named so, or the nearest
// enclosing one ("source.fields.cpu" -> "source.fields", "options.alert" ->
// "options"), among those shown.
function controlFor(form, path) {
  let p = path;
  while (p) {
    const c = [...form.elements].find((el) => el.name === p && !el.closest('[hidden]'));
    if (c) return c;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
  return null;
}

// The server's message beside the field it names (or at the foot of the
// form), and focus on that field.
export function showError(form, err) {
  const message = err && err.message ? err.message : String(err);
  const c = err && err.field ? controlFor(form, err.field) : null;
  if (!c) {
    const e = form.querySelector('.form-error');
    e.textContent = err && err.field ? `${err.field}: ${message}` : message;
    e.hidden = false;
    return;
  }
  const p = h('p', { class: 'field-error', id: `${c.id}-error` }, message);
  c.closest('.field').append(p);
  c.setAttribute('aria-invalid', 'true');
  c.setAttribute('aria-describedby', [c.getAttribute('aria-describedby'), p.id].filter(Boolean).join(' '));
  c.focus();
}

// A status line for a part of a page (role=status: read out when it changes).
export function say(el, text, kind) {
  el.textContent = text;
  if (kind) el.dataset.kind = kind; else delete el.dataset.kind;
}

export const when = (s) => {
  if (!s) return '—';
  const d = new Date(typeof s === 'number' ? s * 1000 : s);
  return Number.isNaN(d.getTime()) ? String(s) : d.toLocaleString();
};
