/* SPDX-License-Identifier: MIT */
/* list.js: the list of dashboards (GET /) is complete without a script;
 * on a screen left open, it is fetched again every half minute (and when
 * the tab shows again), so that its counts stay true. */

const EVERY = 30000;

export function keepListFresh(main) {
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
