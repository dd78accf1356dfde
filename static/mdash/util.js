/* SPDX-License-Identifier: MIT */
/* util.js: what every part of the page script shares: the page's
 * addresses, a bounded fetch, the names the design contract allows, and
 * the cookie that makes nginx skip its copies of pages. */

// Widget names and slugs are restricted by the design contract; anything
// else is ignored, which also makes them safe inside URLs and selectors.
export const ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const MAX_SIZEY = 24;           // the server's limit on a widget's height in rows
const FETCH_TIMEOUT = 15000;           // ms; a hung fetch must not block a widget forever

export const meta = (name) => {
  const m = document.querySelector(`meta[name="${name}"]`);
  return (m && m.content) || '';
};

// The app may be mounted below "/", so every URL is built from the base.
export const base = (() => {
  const b = meta('mdash-base') || '/';
  return b.endsWith('/') ? b : b + '/';
})();
export const urlFor = (path) => new URL(base + path, document.baseURI).href;
// A share link's page talks to the link's own routes (base, /s/<secret>/),
// but fetches fragments with passes where every page does, at the site's
// base: one address, so one copy per version in nginx's cache (lib/pass.h).
export const site = (() => {
  const b = meta('mdash-site') || base;
  return b.endsWith('/') ? b : b + '/';
})();
export const timeout = () => (typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(FETCH_TIMEOUT) : undefined);

// GET path below the page's base (or below at, e.g. site), for accept.
export const request = (path, accept, at = base) => fetch(new URL(at + path, document.baseURI).href, {
  credentials: 'same-origin',
  cache: 'no-store',            // versions must come from the server, not a cache
  headers: { Accept: accept },
  signal: timeout(),
});

// nginx may give a logged-in user, or a share link, a copy of a page up to
// two seconds old (lib/pass.h). The cookie mdash_fresh makes it skip its
// copies for a few seconds: the app sets it with its answer to every change
// this browser makes, and the page sets it itself before a reload that must
// get the app's answer (access ended), and when it is left while a layout
// change is still on its way. Its path is the site's base, or a share
// link's page itself (/s/<secret>, which "/s/<secret>/" would not cover).
export const skipPageCopies = () => {
  const path = new URL(base, document.baseURI).pathname.replace(/(.)\/$/, '$1');
  document.cookie = `mdash_fresh=1; Max-Age=3; Path=${path}; SameSite=Lax`;
};
export const reloadFresh = () => {
  skipPageCopies();
  location.reload();
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

// The page's address options (?rotate=, ?sound=, ...).
export const params = new URLSearchParams(location.search);
export const isOn = (name) => params.has(name) && !/^(0|false|no|off)$/i.test(params.get(name));
