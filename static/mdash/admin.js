/* SPDX-License-Identifier: MIT */
/* admin.js: the administration page (GET /admin): dashboards, users and
 * their access, API tokens, share links and the audit log, each part read
 * from the JSON API and changed through it. Secrets (a generated password,
 * a token, a link) are shown once. */
import { ID_RE, base } from './util.js';
import { h, api, formDialog, confirmDialog, secretDialog, field, say, when } from './ui.js';
import { createDialog, renameDialog, deleteDialog } from './dashboards.js';

const input = (name, attrs = {}) => h('input', { name, ...attrs });
const button = (label, onclick, cls = 'button') => h('button', { type: 'button', class: cls, onclick }, label);
const th = (...names) => h('thead', {}, h('tr', {}, names.map((n) => h('th', { scope: 'col' }, n))));
const actionsHead = () => h('span', { class: 'visually-hidden' }, 'Actions');

let dashboards = [];   // [{slug, title}], for grants and share links

// Fills one part of the page from the API; on failure says why, with a retry.
async function part(name, render) {
  const el = document.querySelector(`[data-part="${name}"]`);
  if (!el) return;
  const status = h('p', { class: 'admin-status', role: 'status' });
  try {
    el.replaceChildren(...await render(() => part(name, render)));
  } catch (e) {
    say(status, `Not loaded: ${e.message}`, 'error');
    el.replaceChildren(status, button('Try again', () => part(name, render)));
  }
}

const table = (head, rows, empty) => (rows.length
  ? h('div', { class: 'table-wrap' }, h('table', { class: 'admin-table' }, head, h('tbody', {}, rows)))
  : h('p', { class: 'admin-empty' }, empty));

/* ---- dashboards ------------------------------------------------------------------ */

async function dashboardsPart(again) {
  const data = await api('GET', 'api/dashboards');
  dashboards = (data && data.dashboards || []).filter((d) => d && ID_RE.test(d.slug));
  const reloadAll = () => { again(); part('users', usersPart); part('shares', sharesPart); };
  const rows = dashboards.map((d) => h('tr', {},
    h('td', {}, h('a', { href: `${base}d/${d.slug}` }, d.title || d.slug)), h('td', {}, h('code', {}, d.slug)),
    h('td', { class: 'actions' }, button('Rename', () => renameDialog(d, reloadAll)),
      button('Delete', () => deleteDialog(d, reloadAll), 'button danger'))));
  return [h('p', { class: 'admin-tools' }, button('New dashboard', createDialog, 'button primary')),
    table(th('Title', 'Slug', actionsHead()), rows, 'No dashboards yet.')];
}

/* ---- users --------------------------------------------------------------------------- */

function addUserDialog(again) {
  formDialog({
    title: 'Add a user',
    action: 'Add user',
    fields: [
      field('Name', input('name', { required: true, autocomplete: 'off', spellcheck: false })),
      field('Password', input('password', { type: 'password', autocomplete: 'new-password' }),
        'Leave empty for a generated one, shown once.'),
      h('div', { class: 'field check' }, h('label', {}, input('admin', { type: 'checkbox' }), ' Administrator')),
    ],
    onsubmit: async (f) => {
      const body = { name: f.elements.name.value.trim() };
      if (f.elements.password.value) body.password = f.elements.password.value;
      if (f.elements.admin.checked) body.admin = true;
      const u = await api('POST', 'api/users', body);
      again();
      if (u && u.password) {
        setTimeout(() => secretDialog(`Password of ${u.name}`, 'Shown only now: copy it and hand it over.', u.password));
      }
      return true;
    },
  });
}

function passwordDialog(u) {
  formDialog({
    title: `New password for ${u.name}`,
    action: 'Set password',
    fields: [field('Password', input('password', { type: 'password', required: true, autocomplete: 'new-password' }))],
    onsubmit: async (f) => {
      await api('PATCH', `api/users/${encodeURIComponent(u.name)}`, { password: f.elements.password.value });
      return true;
    },
  });
}

// Which dashboards a user may see: a box each, saved as it is ticked.
function accessDialog(u, again) {
  const have = new Set(u.dashboards || []);
  const status = h('p', { class: 'admin-status', role: 'status' });
  const boxes = dashboards.map((d) => {
    const box = input(`grant.${d.slug}`, { type: 'checkbox', checked: have.has(d.slug) });
    box.addEventListener('change', async () => {
      box.disabled = true;
      try {
        await api(box.checked ? 'PUT' : 'DELETE', `api/users/${encodeURIComponent(u.name)}/grants/${d.slug}`);
        say(status, `${d.title || d.slug}: ${box.checked ? 'granted' : 'revoked'}.`);
      } catch (e) {
        box.checked = !box.checked;
        say(status, `${d.title || d.slug}: ${e.message}`, 'error');
      } finally {
        box.disabled = false;
      }
    });
    return h('div', { class: 'field check' }, h('label', {}, box, ` ${d.title || d.slug}`));
  });
  const { dialog } = formDialog({
    title: `Dashboards ${u.name} may see`,
    action: 'Done',
    fields: [u.admin ? h('p', {}, 'An administrator sees every dashboard.') : null,
      h('fieldset', { class: 'grants' }, h('legend', { class: 'visually-hidden' }, 'Dashboards'),
        ...(boxes.length ? boxes : [h('p', {}, 'No dashboards yet.')])), status].filter(Boolean),
    onsubmit: () => true,
  });
  dialog.addEventListener('close', again);
}

async function usersPart(again) {
  const data = await api('GET', 'api/users');
  const users = data && Array.isArray(data.users) ? data.users : [];
  const rows = users.map((u) => h('tr', {},
    h('td', {}, u.name), h('td', {}, u.admin ? 'Administrator' : 'Viewer'),
    h('td', {}, u.admin ? 'all' : (u.dashboards || []).join(', ') || 'none'),
    h('td', { class: 'actions' },
      button('Dashboards…', () => accessDialog(u, again)),
      button(u.admin ? 'Make viewer' : 'Make admin', async (e) => {
        e.target.disabled = true;
        try {
          await api('PATCH', `api/users/${encodeURIComponent(u.name)}`, { admin: !u.admin });
          again();
        } catch (err) {
          messageDialog('Not changed', err.message);
          e.target.disabled = false;
        }
      }),
      button('Password…', () => passwordDialog(u)),
      button('Remove', () => confirmDialog(`Remove ${u.name}`, 'The user can no longer log in; their sessions end.',
        'Remove user', async () => {
          await api('DELETE', `api/users/${encodeURIComponent(u.name)}`);
          again();
          return true;
        }), 'button danger'))));
  return [h('p', { class: 'admin-tools' }, button('Add user', () => addUserDialog(again), 'button primary')),
    table(th('Name', 'Role', 'Dashboards', actionsHead()), rows, 'No users yet.')];
}

/* ---- tokens ------------------------------------------------------------------------------ */

function addTokenDialog(again) {
  formDialog({
    title: 'New API token',
    action: 'Create token',
    fields: [
      field('Name', input('name', { required: true, autocomplete: 'off', spellcheck: false }), 'Says who uses it, e.g. "ci" or "backup-job".'),
      h('div', { class: 'field check' }, h('label', {}, input('admin', { type: 'checkbox' }),
        ' Administrator (may also use the authoring API; otherwise it only pushes data)')),
    ],
    onsubmit: async (f) => {
      const body = { name: f.elements.name.value.trim() };
      if (f.elements.admin.checked) body.admin = true;
      const t = await api('POST', 'api/tokens', body);
      again();
      if (t && t.token) setTimeout(() => secretDialog(`Token ${t.name}`, 'Shown only now: copy it into the program that uses it.', t.token));
      return true;
    },
  });
}

async function tokensPart(again) {
  const data = await api('GET', 'api/tokens');
  const tokens = data && Array.isArray(data.tokens) ? data.tokens : [];
  const rows = tokens.map((t) => h('tr', {},
    h('td', {}, t.name), h('td', {}, t.admin ? 'Administrator' : 'Push'), h('td', {}, when(t.created)),
    h('td', {}, t.last_used ? when(t.last_used) : 'never'),
    h('td', { class: 'actions' }, button('Revoke', () => confirmDialog(`Revoke ${t.name}`,
      'Programs using this token are refused from now on.', 'Revoke token', async () => {
        await api('DELETE', `api/tokens/${encodeURIComponent(t.name)}`);
        again();
        return true;
      }), 'button danger'))));
  return [h('p', { class: 'admin-tools' }, button('New token', () => addTokenDialog(again), 'button primary')),
    table(th('Name', 'May', 'Created', 'Last used', actionsHead()), rows, 'No tokens yet.')];
}

/* ---- share links ------------------------------------------------------------------------------ */

function addShareDialog(again) {
  formDialog({
    title: 'New share link',
    action: 'Create link',
    fields: [field('Dashboard', h('select', { name: 'dashboard' },
      dashboards.map((d) => h('option', { value: d.slug }, d.title || d.slug))),
    'A read-only link that opens without a login, for a wall screen.')],
    onsubmit: async (f) => {
      const slug = f.elements.dashboard.value;
      const s = await api('POST', `api/dashboards/${slug}/shares`, {});
      again();
      if (s && s.url) setTimeout(() => secretDialog('Share link', 'Shown only now: open it on the screen.', new URL(s.url, location.href).href));
      return true;
    },
  });
}

async function sharesPart(again) {
  if (!dashboards.length) await dashboardsPart(() => {});
  const lists = await Promise.all(dashboards.map(async (d) => {
    const data = await api('GET', `api/dashboards/${d.slug}/shares`);
    return (data && Array.isArray(data.shares) ? data.shares : []).map((s) => ({ ...s, d }));
  }));
  const rows = lists.flat().map((s) => h('tr', {},
    h('td', {}, s.d.title || s.d.slug), h('td', {}, s.label || `#${s.id}`), h('td', {}, when(s.created)),
    h('td', {}, s.expires ? when(s.expires) : 'never'),
    h('td', { class: 'actions' }, button('Revoke', () => confirmDialog('Revoke the link',
      'Screens showing it stop at once.', 'Revoke link', async () => {
        await api('DELETE', `api/dashboards/${s.d.slug}/shares/${encodeURIComponent(s.id)}`);
        again();
        return true;
      }), 'button danger'))));
  return [h('p', { class: 'admin-tools' }, button('New share link', () => addShareDialog(again), 'button primary')),
    table(th('Dashboard', 'Link', 'Created', 'Expires', actionsHead()), rows, 'No share links.')];
}

/* ---- audit ---------------------------------------------------------------------------------------- */

const brief = (v) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v, null, 2));

async function auditPart() {
  const data = await api('GET', 'api/audit?since=-7d&limit=200');
  const entries = data && Array.isArray(data.entries) ? data.entries : [];
  const rows = entries.map((e) => {
    const change = e.before || e.after ? h('details', {}, h('summary', {}, 'Change'),
      e.before ? h('pre', {}, 'Before: ', brief(e.before)) : null, e.after ? h('pre', {}, 'After: ', brief(e.after)) : null) : '';
    return h('tr', {}, h('td', {}, when(e.at)), h('td', {}, e.actor || ''), h('td', {}, e.address || ''),
      h('td', {}, e.action || ''), h('td', {}, e.target || ''), h('td', {}, change));
  });
  return [h('p', { class: 'admin-hint' }, 'The last 7 days, newest first (at most 200 entries; mdash audit shows more).'),
    table(th('When', 'Who', 'From', 'What', 'On', 'Change'), rows, 'Nothing in the last 7 days.')];
}

export async function startAdminPage() {
  await part('dashboards', dashboardsPart);
  part('users', usersPart);
  part('tokens', tokensPart);
  part('shares', sharesPart);
  part('audit', auditPart);
}
