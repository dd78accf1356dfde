/* SPDX-License-Identifier: MIT */
/* share.js: "Share link" (admins) makes a read-only link to the shown
 * dashboard for a wall screen and shows it once, selected for copying. */
import { meta, urlFor } from './util.js';
import { page } from './state.js';

export function startShareButton() {
  const button = document.querySelector('.share-make');
  const out = document.querySelector('.share-out');
  if (!button || !out) return;
  button.addEventListener('click', async () => {
    button.disabled = true;
    out.textContent = 'Making a link…';
    try {
      const res = await fetch(urlFor(`api/dashboards/${page.slug}/shares`), {
        method: 'POST', credentials: 'same-origin',
        headers: { 'X-CSRF-Token': meta('csrf-token'), 'Content-Type': 'application/json' }, body: '{}',
      });
      const data = await res.json().catch(() => ({}));
      if (!res.ok || typeof data.url !== 'string') throw new Error(data.error || ('HTTP ' + res.status));
      const input = document.createElement('input');
      input.className = 'share-url';
      input.readOnly = true;
      input.value = new URL(data.url, location.href).href;
      input.setAttribute('aria-label', 'Share link (revoke with: mdash share rm ' + data.id + ')');
      out.replaceChildren(input);
      input.focus();
      input.select();
    } catch (e) {
      out.textContent = 'No link: ' + e.message;
    } finally {
      button.disabled = false;
    }
  });
}
