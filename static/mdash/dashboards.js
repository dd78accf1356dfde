/* SPDX-License-Identifier: MIT */
/* dashboards.js: an admin creates, renames and deletes dashboards, from
 * the list of dashboards and from the administration page. */
import { ID_RE, base } from './util.js';
import { h, api, formDialog, confirmDialog, field } from './ui.js';

const input = (name, attrs = {}) => h('input', { name, ...attrs });

// New dashboard: then its page, where widgets are added.
export function createDialog() {
  formDialog({
    title: 'New dashboard',
    action: 'Create',
    fields: [
      field('Address name (slug)', input('slug', { required: true, autocomplete: 'off', spellcheck: false, pattern: '[a-z0-9][a-z0-9_-]{0,63}' }),
        'Lower-case letters, digits, "-" and "_": the page is /d/SLUG.'),
      field('Title', input('title')),
      field('Columns', input('columns', { type: 'number', min: 1, max: 48, placeholder: '6' })),
    ],
    onsubmit: async (f) => {
      const slug = f.elements.slug.value.trim();
      const body = { slug };
      if (f.elements.title.value.trim()) body.title = f.elements.title.value.trim();
      if (f.elements.columns.value) body.columns = Number(f.elements.columns.value);
      const d = await api('POST', 'api/dashboards', body);
      location.href = `${base}d/${(d && ID_RE.test(d.slug)) ? d.slug : slug}`;
      return true;
    },
  });
}

export function renameDialog(d, done) {
  formDialog({
    title: `Rename ${d.title || d.slug}`,
    action: 'Save',
    fields: [
      field('Title', input('title', { value: d.title || '' })),
      field('Columns', input('columns', { type: 'number', min: 1, max: 48, value: d.columns ?? '' })),
    ],
    onsubmit: async (f) => {
      const body = { title: f.elements.title.value.trim() };
      if (f.elements.columns.value) body.columns = Number(f.elements.columns.value);
      await api('PATCH', `api/dashboards/${d.slug}`, body);
      done();
      return true;
    },
  });
}

export function deleteDialog(d, done) {
  confirmDialog(`Delete ${d.title || d.slug}`,
    'The dashboard, its grants and its share links go. Its widgets stay (mdash widget list shows them) and can still be pushed to.',
    'Delete dashboard', async () => {
      await api('DELETE', `api/dashboards/${d.slug}`);
      done();
      return true;
    });
}

// The list of dashboards (GET /): "New dashboard", and each card's
// Rename and Delete (server-rendered for admins; CSS shows them once the
// page is scripted). Delegated, so that the list's own refreshes, which
// replace its markup, keep them working.
export function startListTools() {
  document.addEventListener('click', (e) => {
    const b = e.target instanceof Element ? e.target.closest('button[data-dash-action]') : null;
    if (!b) return;
    if (b.dataset.dashAction === 'create') {
      createDialog();
      return;
    }
    const card = b.closest('[data-dashboard]');
    const slug = card && card.dataset.dashboard;
    if (!slug || !ID_RE.test(slug)) return;
    const d = { slug, title: card.querySelector('.dash-card-title')?.textContent.trim() };
    const reload = () => location.reload();
    if (b.dataset.dashAction === 'rename') renameDialog(d, reload);
    else if (b.dataset.dashAction === 'delete') deleteDialog(d, reload);
  });
}
