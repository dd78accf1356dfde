/* SPDX-License-Identifier: MIT */
/* author.js: adding, editing and removing a dashboard's widgets from its
 * page (admins; loaded only on an admin's page). The form is the
 * declarative file's widget object, sent to PUT /api/widgets/<name>; the
 * server validates it as `mdash apply` does, and its message is shown
 * beside the field it names. "Test source" runs the source once and shows
 * what came back, storing nothing. */
import { ID_RE, base } from './util.js';
import { page } from './state.js';
import { recheck, refresh } from './swap.js';
import { h, api, ApiError, formDialog, confirmDialog, messageDialog, field, clearErrors, showError } from './ui.js';

const SOURCE_KEYS = {
  http: ['url', 'pointer', 'fields', 'headers'],
  exec: ['command', 'pointer', 'fields'],
  sql: ['query'],
  prometheus: ['url', 'query', 'range', 'step', 'headers'],
  push: [],
};

let typesAnswer = null;   // GET /api/types, once per page
async function types() {
  if (!typesAnswer) typesAnswer = await api('GET', 'api/types');
  return typesAnswer;
}

const pushUrl = (name) => new URL(`${base}api/widgets/${name}`, document.baseURI).href;
let pushField = 'value';   // the chosen type's first field, for the example
const curlLine = (name) => `curl -X POST -H 'Authorization: Bearer TOKEN' -H 'Content-Type: application/json' -d '{"${pushField}": 42}' ${pushUrl(name)}`;

/* ---- text <-> the file's shapes ------------------------------------------------ */

// "name = /pointer" or "Name: value" lines into an object; a line without
// the separator is an error on that field.
function linesToObject(text, sep, name) {
  const o = {};
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const at = line.indexOf(sep);
    if (at <= 0) throw new ApiError(400, `Line ${i + 1} has no "${sep.trim()}": write one "key${sep}value" a line.`, name);
    o[line.slice(0, at).trim()] = line.slice(at + sep.length).trim();
  }
  return o;
}
const objectToLines = (o, sep) => Object.entries(o || {}).map(([k, v]) => `${k}${sep}${v}`).join('\n');

function parseJson(text, name) {
  if (!text.trim()) return {};
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch (e) { /* below */ }
  throw new ApiError(400, 'This must be a JSON object, e.g. {"key": "value"}.', name);
}

/* ---- the form ------------------------------------------------------------------- */

const input = (name, attrs = {}) => h('input', { name, ...attrs });
const area = (name, rows, value, attrs = {}) => h('textarea', { name, rows, ...attrs }, value || '');

// The fields of one kind of source, in a group shown only for that kind.
function sourceGroup(kind, src, name, meta) {
  const s = src && src.kind === kind ? src : {};
  const parts = [];
  if (kind === 'http' || kind === 'prometheus') {
    parts.push(field('URL', input('source.url', { type: 'url', value: s.url || '', placeholder: 'https://example.org/stats.json' })));
  }
  if (kind === 'exec') {
    const allowed = meta.exec && Array.isArray(meta.exec.allowed) ? meta.exec.allowed : [];
    parts.push(field('Command', area('source.command', 3, (s.command || []).join('\n'), { spellcheck: false }),
      `One argument a line, the program first (run without a shell; it prints JSON). ${allowed.length
        ? `Allowed here: ${allowed.join(', ')}.` : 'None is allowed from the browser until Sources.Exec names it in the settings.'}`));
  }
  if (kind === 'sql') {
    parts.push(field('Query', area('source.query', 4, s.query, { spellcheck: false }),
      'One SELECT, run read-only: one cell is a value, two columns are list items.'));
  }
  if (kind === 'prometheus') {
    parts.push(field('PromQL query', input('source.query', { value: s.query || '', spellcheck: false })));
    parts.push(field('Range (graphs)', input('source.range', { value: s.range || '', placeholder: '1h' })));
    parts.push(field('Step (graphs)', input('source.step', { value: s.step || '', placeholder: 'range/120' })));
  }
  if (kind === 'http' || kind === 'exec') {
    parts.push(field('JSON pointer', input('source.pointer', { value: s.pointer || '', placeholder: '/stats/signups', spellcheck: false }),
      'The value (or an object of fields) in the answer. Or fill "Fields" instead.'));
    parts.push(field('Fields', area('source.fields', 2, objectToLines(s.fields, ' = '), { spellcheck: false }),
      'One "field = /pointer" a line.'));
  }
  if (kind === 'http' || kind === 'prometheus') {
    parts.push(field('Headers', area('source.headers', 2, objectToLines(s.headers, ': '), { spellcheck: false }),
      'One "Name: value" a line.'));
  }
  if (kind === 'push') {
    const url = h('code', { class: 'push-url' }, pushUrl(name || 'NAME'));
    const curl = h('code', { class: 'push-curl' }, curlLine(name || 'NAME'));
    parts.push(h('div', { class: 'push-info' },
      h('p', {}, 'Data arrives by POST to ', url, ' with a push token (', h('code', {}, 'mdash token add NAME'), '):'),
      h('pre', {}, curl)));
  }
  if (!(kind in SOURCE_KEYS)) {
    const { kind: _k, ...rest } = s;
    parts.push(field('Source settings (JSON)', area('source', 3, Object.keys(rest).length ? JSON.stringify(rest, null, 2) : '', { spellcheck: false }),
      `The keys of the "${kind}" source, as in the declarative file.`));
  }
  return h('fieldset', { class: 'source-group', dataset: { kind } }, h('legend', {}, `${kind} source`), ...parts);
}

// The widget object the form describes (the declarative file's shape).
function collect(form, isNew) {
  const one = (scope, n) => scope.querySelector(`[name="${CSS.escape(n)}"]`);
  const val = (n, scope = form) => (one(scope, n) ? one(scope, n).value.trim() : '');
  const num = (n) => {
    const v = val(n);
    if (!v) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x)) throw new ApiError(400, 'This must be a number.', n);
    return x;
  };
  const name = val('name');
  if (isNew && !ID_RE.test(name)) {
    throw new ApiError(400, 'A name is lower-case letters, digits, "-" and "_", starting with a letter or digit (at most 64).', 'name');
  }
  const kind = val('source.kind');
  const group = form.querySelector(`.source-group[data-kind="${CSS.escape(kind)}"]`);
  const source = { kind };
  if (kind in SOURCE_KEYS) {
    for (const k of SOURCE_KEYS[kind]) {
      const n = `source.${k}`;
      const v = val(n, group);
      if (!v) continue;
      if (k === 'command') source.command = v.split('\n').map((x) => x.trim()).filter(Boolean);
      else if (k === 'fields') source.fields = linesToObject(v, '=', n);
      else if (k === 'headers') source.headers = linesToObject(v, ':', n);
      else source[k] = v;
    }
  } else {
    Object.assign(source, parseJson(val('source', group), 'source'));
    source.kind = kind;
  }
  const options = parseJson(val('options'), 'options');
  const warning = num('options.thresholds.warning');
  const danger = num('options.thresholds.danger');
  delete options.thresholds;
  if (warning !== undefined || danger !== undefined) {
    options.thresholds = {};
    if (warning !== undefined) options.thresholds.warning = warning;
    if (danger !== undefined) options.thresholds.danger = danger;
    if (one(form, 'options.thresholds.below').checked) options.thresholds.below = true;
  }
  const w = { name, type: val('type'), source, options };
  const title = val('title');
  if (title) w.title = title;
  for (const k of ['sizex', 'sizey', 'interval']) {
    const v = num(k);
    if (v !== undefined) w[k] = v;
  }
  return w;
}

// The add / edit dialog. spec: the stored widget (GET .../spec), or null.
async function widgetDialog(spec) {
  let meta;
  try {
    meta = await types();
  } catch (e) {
    messageDialog('Widgets cannot be edited here', `The server did not list the widget types: ${e.message}`);
    return;
  }
  const isNew = !spec;
  const s = spec || { options: {} };
  const typeNames = (meta.types || []).map((t) => t.name);
  const sources = meta.sources || Object.keys(SOURCE_KEYS);
  const kinds = [...new Set([...sources, ...(s.source ? [s.source.kind] : [])])];
  const opts = { ...(s.options || {}) };
  const th = opts.thresholds || {};
  delete opts.thresholds;

  const nameIn = input('name', { value: s.name || '', required: true, autocomplete: 'off', spellcheck: false,
    pattern: '[a-z0-9][a-z0-9_-]{0,63}', disabled: !isNew });
  const typeIn = h('select', { name: 'type' }, typeNames.map((t) => h('option', { value: t, selected: t === s.type }, t)));
  const kindIn = h('select', { name: 'source.kind' }, kinds.map((k) => h('option', { value: k, selected: k === (s.source ? s.source.kind : 'http') }, k)));
  const sizex = input('sizex', { type: 'number', min: 1, max: 48, value: s.sizex ?? '' });
  const sizey = input('sizey', { type: 'number', min: 1, max: 24, value: s.sizey ?? '' });
  const interval = input('interval', { type: 'number', min: 1, value: s.interval ?? '' });
  const groups = kinds.map((k) => sourceGroup(k, s.source, s.name, meta));
  const result = h('output', { class: 'test-result', 'aria-live': 'polite' });
  const typeHint = h('p', { class: 'field-hint type-hint' });

  // Defaults come from the type: shown as placeholders, sent only when typed.
  const showType = () => {
    const t = (meta.types || []).find((x) => x.name === typeIn.value) || {};
    sizex.placeholder = t.sizex ?? '';
    sizey.placeholder = t.sizey ?? '';
    interval.placeholder = t.interval ?? '';
    const fields = Array.isArray(t.fields) ? t.fields.map((f) => (typeof f === 'string' ? f : f && f.name)).filter(Boolean) : [];
    typeHint.textContent = fields.length ? `Its data: ${fields.join(', ')}.` : '';
    pushField = /^[A-Za-z0-9_]+$/.test(fields[0] || '') ? fields[0] : 'value';
    showPush();
  };
  // Only the chosen kind's group is in the form (the others keep what was
  // typed in them, out of it).
  const slot = h('div', { class: 'source-slot' });
  const showKind = () => {
    slot.replaceChildren(...groups.filter((g) => g.dataset.kind === kindIn.value));
  };
  function showPush() {
    const n = isNew ? (ID_RE.test(nameIn.value.trim()) ? nameIn.value.trim() : 'NAME') : s.name;
    for (const g of groups) {
      for (const c of g.querySelectorAll('.push-url')) c.textContent = pushUrl(n);
      for (const c of g.querySelectorAll('.push-curl')) c.textContent = curlLine(n);
    }
  }
  typeIn.addEventListener('change', showType);
  kindIn.addEventListener('change', showKind);
  nameIn.addEventListener('input', showPush);

  const testBtn = h('button', { type: 'button', class: 'button' }, 'Test source');
  const { form } = formDialog({
    title: isNew ? 'Add a widget' : `Edit ${s.title || s.name}`,
    action: isNew ? 'Add widget' : 'Save',
    wide: true,
    fields: [
      h('div', { class: 'field-row' }, field('Name', nameIn, isNew ? 'Also its push channel; it cannot change later.' : null),
        field('Type', typeIn)),
      typeHint,
      field('Title', input('title', { value: s.title || '' })),
      h('div', { class: 'field-row' }, field('Width (columns)', sizex), field('Height (rows)', sizey),
        field('Update every (s)', interval)),
      field('Source', kindIn),
      slot,
      h('fieldset', { class: 'thresholds' }, h('legend', {}, 'Thresholds on the main value'),
        h('div', { class: 'field-row' },
          field('Warning at', input('options.thresholds.warning', { type: 'number', step: 'any', value: th.warning ?? '' })),
          field('Danger at', input('options.thresholds.danger', { type: 'number', step: 'any', value: th.danger ?? '' })),
          h('div', { class: 'field check' }, h('label', {}, input('options.thresholds.below', { type: 'checkbox', checked: Boolean(th.below) }), ' Low is bad')))),
      field('Other options (JSON)', area('options', 3, Object.keys(opts).length ? JSON.stringify(opts, null, 2) : '', { spellcheck: false }),
        'The type\'s own options, as in the declarative file (e.g. {"min": 0, "max": 100}).'),
      h('div', { class: 'test-row' }, testBtn, result),
    ],
    onsubmit: async (f) => {
      const w = collect(f, isNew);
      const name = isNew ? w.name : s.name;
      const body = { ...w, name, dashboard: page.slug };
      if (!isNew && s.col) { body.col = s.col; body.row = s.row; }
      await api('PUT', `api/widgets/${name}`, body);
      await recheck();
      if (!isNew) await refresh(name).catch(() => {});
      return true;
    },
  });
  testBtn.addEventListener('click', async () => {
    clearErrors(form);
    testBtn.disabled = true;
    result.textContent = 'Running the source once…';
    delete result.dataset.kind;
    try {
      const w = collect(form, isNew);
      const name = isNew ? w.name : s.name;
      const r = await api('POST', `api/widgets/${name}/test`, { ...w, name, dashboard: page.slug });
      if (r && r.ok && r.push) {
        result.replaceChildren(h('span', {}, 'A push source: send data with'), h('pre', {}, r.push.curl || curlLine(name)));
      } else if (r && r.ok) {
        result.replaceChildren(h('span', {}, 'It answered:'), h('pre', {}, JSON.stringify(r.data, null, 2)));
      } else {
        result.dataset.kind = 'error';
        result.textContent = `It failed: ${(r && r.error) || 'no answer'}`;
      }
    } catch (e) {
      result.textContent = '';
      showError(form, e);
    } finally {
      testBtn.disabled = false;
    }
  });
  showType();
  showKind();
}

/* ---- the list of this dashboard's widgets ---------------------------------------- */

async function openSpec(name) {
  try {
    widgetDialog(await api('GET', `api/widgets/${name}/spec`));
  } catch (e) {
    messageDialog('This widget cannot be edited', e.message);
  }
}

function removeDialog(name, title, everywhere) {
  const what = everywhere
    ? `Delete "${title}" everywhere? Its data and history go too, and pushes to it are refused.`
    : `Take "${title}" off this dashboard? It stays (mdash widget list shows it) and can still be pushed to.`;
  confirmDialog(everywhere ? 'Delete the widget' : 'Remove from this dashboard', what,
    everywhere ? 'Delete everywhere' : 'Remove', async () => {
      await api('DELETE', everywhere ? `api/widgets/${name}` : `api/widgets/${name}?dashboard=${page.slug}`);
      await recheck();
      return true;
    });
}

function widgetsDialog() {
  const rows = [...page.board.querySelectorAll('[data-widget]')].map((el) => {
    const name = el.dataset.widget;
    const title = el.querySelector('.widget-title')?.textContent.trim() || name;
    const act = (label, run, cls = 'button') => h('button', { type: 'button', class: cls, onclick: () => {
      dialog.close();
      run();
    } }, label);
    return h('tr', {}, h('td', {}, title), h('td', {}, h('code', {}, name)), h('td', {}, el.dataset.type || ''),
      h('td', { class: 'actions' }, act('Edit', () => openSpec(name)),
        act('Remove', () => removeDialog(name, title, false)),
        act('Delete', () => removeDialog(name, title, true), 'button danger')));
  });
  const table = rows.length
    ? h('table', { class: 'admin-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'Title'), h('th', {}, 'Name'),
      h('th', {}, 'Type'), h('th', {}, h('span', { class: 'visually-hidden' }, 'Actions')))), h('tbody', {}, rows))
    : h('p', {}, 'No widgets on this dashboard yet.');
  const { dialog } = formDialog({ title: 'Widgets on this dashboard', fields: [table], action: 'Add a widget', wide: true,
    onsubmit: () => { setTimeout(() => widgetDialog(null)); return true; } });
}

// Shows "Add widget" and "Widgets" in the page's bar.
export function startAuthor() {
  const add = document.querySelector('button.author-add');
  const list = document.querySelector('button.author-widgets');
  if (add) {
    add.hidden = false;
    add.addEventListener('click', () => widgetDialog(null));
  }
  if (list) {
    list.hidden = false;
    list.addEventListener('click', widgetsDialog);
  }
}
